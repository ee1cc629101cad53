import {spawn} from 'node:child_process'
import {createHash} from 'node:crypto'
import {chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {LPACK_BIN, runLpack} from '../support/cli.js'
import {hasTool} from './build-layer-support.js'

// #11.2: a build interrupted at any moment (SIGKILL, SIGINT, SIGTERM), then the edit reverted and the project
// built again, must give what a clean build gives, byte for byte. Four functions the folder builder copies (ruby)
// finish at once; Slow's makefile sleeps, so a kill right after the first "✓" lands while zips are being replaced
// and before the build's end, the window where a cache saved only at the end goes stale.
const hasMake = await hasTool('make')
if (!hasMake) console.warn('build-interrupt: skipped — needs GNU make (apt-get install -y make)')

const QUICK = ['Quick1', 'Quick2', 'Quick3', 'Quick4']
const TEMPLATE = `Transform: AWS::Serverless-2016-10-31
Resources:
${QUICK.map((id) => `  ${id}:\n    Type: AWS::Serverless::Function\n    Properties: {CodeUri: ${id.toLowerCase()}/, Handler: app.handler, Runtime: ruby3.4}\n`).join('')}  Slow:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: slow/, Handler: unused, Runtime: provided.al2023}
    Metadata: {BuildMethod: makefile}
`
const MAKEFILE = 'build-Slow:\n\tsleep 0.7\n\tinstall -m 755 bootstrap $(ARTIFACTS_DIR)/bootstrap\n'
/** Each source as `A` and as the edit `B`: the same size, so the zips keep their sizes too. */
const source = (id: string, version: 'A' | 'B') => (id === 'Slow' ? `#!/bin/sh\necho ${version}\n` : `def handler(event:, context:) = "${id} ${version}"\n`)
const sourceFile = (id: string) => (id === 'Slow' ? 'slow/bootstrap' : `${id.toLowerCase()}/app.rb`)

/** How each interrupted build is stopped: the signal, and how long after the first line matching `after`. */
const KILLS: {signal: NodeJS.Signals; after: RegExp; delayMs: number}[] = [
  {signal: 'SIGKILL', after: /✓ Quick/, delayMs: 0},
  {signal: 'SIGKILL', after: /✓ Quick/, delayMs: 40},
  {signal: 'SIGKILL', after: /… Slow building/, delayMs: 0},
  {signal: 'SIGINT', after: /✓ Quick/, delayMs: 0},
  {signal: 'SIGTERM', after: /✓ Quick/, delayMs: 20},
  {signal: 'SIGINT', after: /… Quick1 building/, delayMs: 0},
]

let root: string
let project: string
let reference: Map<string, string>
let referenceArtifacts: unknown[]

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

async function writeSources(version: 'A' | 'B'): Promise<void> {
  for (const id of [...QUICK, 'Slow']) await writeFile(join(project, sourceFile(id)), source(id, version))
  await chmod(join(project, 'slow/bootstrap'), 0o755)
}

/** The zips of a build folder by name, as hashes, and its manifest's artifacts without `cached`. */
async function builtOutput(buildDir: string): Promise<{zips: Map<string, string>; artifacts: unknown[]}> {
  const zips = new Map<string, string>()
  for (const name of (await readdir(join(buildDir, 'artifacts'))).sort()) zips.set(name, sha256(await readFile(join(buildDir, 'artifacts', name))))
  const manifest = JSON.parse(await readFile(join(buildDir, 'manifest.json'), 'utf8')) as {artifacts: {cached: boolean}[]}
  return {zips, artifacts: manifest.artifacts.map(({cached: _cached, ...artifact}) => artifact)}
}

/** Starts `lpack build`, sends `signal` once its stderr shows `after` (plus a delay), and resolves when it has ended. */
function buildAndInterrupt(kill: (typeof KILLS)[number]): Promise<{exitCode: number | null; signal: NodeJS.Signals | null; stderr: string; sentAt?: number; endedAt: number}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LPACK_BIN, 'build', '--concurrency', '2'], {cwd: project, env: {...process.env, CI: 'true', NO_COLOR: '1'}, stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    let sentAt: number | undefined
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8')
      if (sentAt === undefined && kill.after.test(stderr)) {
        sentAt = Date.now()
        setTimeout(() => child.kill(kill.signal), kill.delayMs)
      }
    })
    child.on('error', reject)
    child.on('close', (exitCode, signal) => {
      clearTimeout(guard)
      resolve({exitCode, signal, stderr, sentAt, endedAt: Date.now()})
    })
  })
}

beforeAll(async () => {
  if (!hasMake) return
  root = await mkdtemp(join(tmpdir(), 'lpack-build-interrupt-'))
  project = join(root, 'app')
  for (const id of [...QUICK, 'Slow']) await mkdir(join(project, id.toLowerCase()), {recursive: true})
  await writeFile(join(project, 'template.yaml'), TEMPLATE)
  await writeFile(join(project, 'slow/Makefile'), MAKEFILE)
  await writeSources('A')
  // The clean build of the A sources, in a folder of its own.
  expect((await runLpack(['build', '--build-dir', join(root, 'clean')], {cwd: project})).exitCode).toBe(0)
  ;({zips: reference, artifacts: referenceArtifacts} = await builtOutput(join(root, 'clean')))
  expect([...reference.keys()]).toEqual(['Quick1.zip', 'Quick2.zip', 'Quick3.zip', 'Quick4.zip', 'Slow.zip'])
  expect((await runLpack(['build'], {cwd: project})).exitCode).toBe(0)
}, 30_000)

afterAll(async () => {
  if (root) await rm(root, {recursive: true, force: true})
})

describe.skipIf(!hasMake)('lpack build: interrupted builds', () => {
  it('#11.2 after a build killed or interrupted at any moment and the edit reverted, the next build equals a clean build byte for byte', async () => {
    for (const kill of KILLS) {
      const what = `${kill.signal} ${kill.delayMs} ms after ${kill.after}`
      await writeSources('B')
      const stopped = await buildAndInterrupt(kill)
      expect(stopped.sentAt, `${what}: the build never got there:\n${stopped.stderr}`).toBeDefined()
      if (kill.signal === 'SIGKILL') expect(stopped.signal, what).toBe('SIGKILL')
      else {
        // Ctrl-C and SIGTERM stop the build at a safe point, promptly, with 128 + the signal's number.
        expect(stopped.exitCode, `${what}:\n${stopped.stderr}`).toBe(kill.signal === 'SIGINT' ? 130 : 143)
        expect(stopped.stderr, what).toContain('Error [INTERRUPTED]')
        expect(stopped.endedAt - stopped.sentAt!, what).toBeLessThan(5000)
      }
      await writeSources('A')
      const rebuilt = await runLpack(['build', '--concurrency', '2'], {cwd: project})
      expect(rebuilt.exitCode, `${what}:\n${rebuilt.stderr}`).toBe(0)
      const output = await builtOutput(join(project, '.lpack/build'))
      expect(output.zips, what).toEqual(reference)
      expect(output.artifacts, what).toEqual(referenceArtifacts)
      // Nothing the interrupted build left behind: no temporary files, scratch folders or lock.
      expect((await readdir(join(project, '.lpack/build'))).sort(), what).toEqual(['artifacts', 'cache', 'manifest.json', 'template.yaml'])
    }
  }, 60_000)
})
