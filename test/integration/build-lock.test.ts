import {spawn} from 'node:child_process'
import {createHash} from 'node:crypto'
import {chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {hostname, tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {buildProject} from '../../src/core/build/index.js'
import {RecordingReporter} from '../../src/io/reporter.js'
import {describeEvent} from '../../src/io/event-text.js'
import {runLpack} from '../support/cli.js'
import {hasTool} from './build-layer-support.js'

// #11.3: two `lpack build` in one folder at once. The later one waits for the earlier (a lock file in the build
// folder), and a lock left by a build that was killed is taken over at once.
const hasMake = await hasTool('make')
if (!hasMake) console.warn('build-lock: skipped — needs GNU make (apt-get install -y make)')

// Slow's makefile sleeps, so that the two builds overlap.
const TEMPLATE = `Transform: AWS::Serverless-2016-10-31
Resources:
  Quick:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: quick/, Handler: app.handler, Runtime: ruby3.4}
  Slow:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: slow/, Handler: unused, Runtime: provided.al2023}
    Metadata: {BuildMethod: makefile}
`

let project: string
const buildDir = () => join(project, '.lpack/build')
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

beforeEach(async () => {
  project = await mkdtemp(join(tmpdir(), 'lpack-build-lock-'))
  await mkdir(join(project, 'quick'))
  await mkdir(join(project, 'slow'))
  await writeFile(join(project, 'template.yaml'), TEMPLATE)
  await writeFile(join(project, 'quick/app.rb'), 'def handler(event:, context:) = "hi"\n')
  await writeFile(join(project, 'slow/Makefile'), 'build-Slow:\n\tsleep 0.6\n\tinstall -m 755 bootstrap $(ARTIFACTS_DIR)/bootstrap\n')
  await writeFile(join(project, 'slow/bootstrap'), '#!/bin/sh\necho hi\n')
  await chmod(join(project, 'slow/bootstrap'), 0o755)
})

afterEach(async () => {
  await rm(project, {recursive: true, force: true})
})

/** The zips of a build folder by name, as hashes. */
async function zips(dir: string): Promise<Record<string, string>> {
  const names = (await readdir(join(dir, 'artifacts'))).sort()
  return Object.fromEntries(await Promise.all(names.map(async (name) => [name, sha256(await readFile(join(dir, 'artifacts', name)))])))
}

/** Resolves once the condition holds; fails the test after 30 s. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  for (const started = Date.now(); !(await condition()); ) {
    if (Date.now() - started > 30_000) throw new Error('timed out waiting for a condition')
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** A pid no process has: one that has just exited. */
function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', ''], {stdio: 'ignore'})
    child.on('error', reject)
    child.on('exit', () => resolve(child.pid!))
  })
}

describe.skipIf(!hasMake)('lpack build: one build at a time in a build folder', () => {
  it('#11.3 two builds started at once in the same folder both succeed: the later waits, and the output is a clean build', async () => {
    for (let round = 0; round < 2; round++) {
      // A change each round, so that both builds have work to do.
      await writeFile(join(project, 'quick/app.rb'), `def handler(event:, context:) = "round ${round}"\n`)
      await writeFile(join(project, 'slow/bootstrap'), `#!/bin/sh\necho ${round}\n`)
      const [first, second] = await Promise.all([runLpack(['build', '--json'], {cwd: project}), runLpack(['build', '--json'], {cwd: project})])
      expect([first.exitCode, second.exitCode], first.stdout + first.stderr + second.stdout + second.stderr).toEqual([0, 0])
      const manifests = [first, second].map((result) => JSON.parse(result.stdout) as {artifacts: {cached: boolean; sha256: string}[]})
      const shas = manifests.map((manifest) => manifest.artifacts.map((artifact) => artifact.sha256))
      expect(shas[0]).toEqual(shas[1])
      // One built, the other waited and then found everything built.
      expect(manifests.map((manifest) => manifest.artifacts.every((artifact) => artifact.cached)).sort()).toEqual([false, true])
      const clean = await runLpack(['build', '--json', '--build-dir', join(project, `clean-${round}`)], {cwd: project})
      expect(await zips(buildDir())).toEqual(await zips(join(project, `clean-${round}`)))
      expect(JSON.parse(await readFile(join(buildDir(), 'manifest.json'), 'utf8')).artifacts.map((a: {sha256: string}) => a.sha256)).toEqual(
        (JSON.parse(clean.stdout) as {artifacts: {sha256: string}[]}).artifacts.map((a) => a.sha256),
      )
    }
    // Then an overlap that does not depend on timing: Slow's build holds until the test releases it, and the test
    // releases it only once the second build has said it is waiting.
    const release = join(project, 'release')
    await writeFile(join(project, 'slow/Makefile'), `build-Slow:\n\tfor i in $$(seq 600); do [ -e ${release} ] && break; sleep 0.05; done\n\tinstall -m 755 bootstrap $(ARTIFACTS_DIR)/bootstrap\n`)
    const holder = runLpack(['build', '--no-cache'], {cwd: project})
    await until(async () => (await readdir(buildDir()).catch((): string[] => [])).includes('build.lock'))
    let secondSaid = ''
    const waiter = runLpack(['build', '--no-cache'], {cwd: project, onStderr: (chunk) => (secondSaid += chunk)})
    await until(async () => secondSaid.includes('waiting for it to finish'))
    await writeFile(release, '')
    const waited = await Promise.all([holder, waiter])
    expect(waited.map((result) => result.exitCode), waited.map((result) => result.stderr).join('\n')).toEqual([0, 0])
    expect(waited[1].stderr).toMatch(/Another lpack build is running in \S+ \(pid \d+\): waiting for it to finish/)
  }, 60_000)

  it('#11.3 a lock left by a killed build is taken over at once; one held by a live process is waited for', async () => {
    await mkdir(buildDir(), {recursive: true})
    const lockFile = join(buildDir(), 'build.lock')
    await writeFile(lockFile, JSON.stringify({pid: await deadPid(), host: hostname()}))
    const started = Date.now()
    const result = await runLpack(['build'], {cwd: project})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).not.toContain('waiting')
    expect(Date.now() - started).toBeLessThan(15_000)
    expect(await readdir(buildDir())).not.toContain('build.lock')

    // A live holder (a process that is not lpack, standing in for another build): waited for until it ends.
    const holder = spawn('sleep', ['30'], {stdio: 'ignore'})
    try {
      await writeFile(lockFile, JSON.stringify({pid: holder.pid, host: hostname()}))
      const reporter = new RecordingReporter()
      let done = false
      const build = buildProject({templateFile: join(project, 'template.yaml'), reporter}).finally(() => (done = true))
      await new Promise((resolve) => setTimeout(resolve, 400))
      expect(done).toBe(false)
      expect(describeEvent(reporter.events.find((e) => e.kind === 'build.waiting')!).text).toBe(`Another lpack build is running in ${buildDir()} (pid ${holder.pid}): waiting for it to finish`)
      holder.kill('SIGKILL')
      await build
      expect(await readdir(buildDir())).not.toContain('build.lock')
    } finally {
      holder.kill('SIGKILL')
    }
  }, 30_000)
})
