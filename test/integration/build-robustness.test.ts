import {type ChildProcess, spawn} from 'node:child_process'
import {createHash} from 'node:crypto'
import {mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {CreateBucketCommand, ListObjectsV2Command} from '@aws-sdk/client-s3'
import {afterAll, beforeEach, afterEach, describe, expect, it} from 'vitest'

import {buildProject} from '../../src/core/build/index.js'
import {RecordingReporter} from '../../src/io/reporter.js'
import {runLpack} from '../support/cli.js'
import {type MotoServer, motoClients, startMoto} from '../support/moto.js'

// #11.13: inputs that used to end in exit 70 (or hang): each is a clear error with exit 1 or 2.
const TEMPLATE = `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: fn/, Handler: app.handler, Runtime: ruby3.4}
`

let project: string
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

beforeEach(async () => {
  project = await mkdtemp(join(tmpdir(), 'lpack-build-robust-'))
  await mkdir(join(project, 'fn'))
  await writeFile(join(project, 'template.yaml'), TEMPLATE)
  await writeFile(join(project, 'fn/app.rb'), 'def handler(event:, context:) = "hi"\n')
})

afterEach(async () => {
  await rm(project, {recursive: true, force: true})
})

/** The zips of a build folder by name, as hashes. */
async function zips(dir: string): Promise<Record<string, string>> {
  const names = (await readdir(join(dir, 'artifacts'))).sort()
  return Object.fromEntries(await Promise.all(names.map(async (name) => [name, sha256(await readFile(join(dir, 'artifacts', name)))])))
}

describe('lpack build: bad input and a changing file system', () => {
  it('#11.13 a file name that is not UTF-8 in a code folder is a build error naming it (exit 1); .lpackignore can leave it out', async () => {
    // Latin-1 "é" (0xE9): not UTF-8. Written with a Buffer path, as no string names it.
    await writeFile(Buffer.from(`${project}/fn/caf\xe9.rb`, 'latin1'), 'x\n')
    const result = await runLpack(['build'], {cwd: project})
    expect(result.exitCode, result.stderr).toBe(1)
    expect(result.stderr).toContain(`Error [BUILD_FAILED]: A file name in ${join(project, 'fn')} is not valid UTF-8: caf\\xe9.rb`)
    await writeFile(join(project, 'fn/.lpackignore'), 'caf*.rb\n')
    expect((await runLpack(['build'], {cwd: project})).exitCode).toBe(0)
  })

  it('#11.13 files created and deleted while builds read the code folder: exit 0 or 1, never 70; then a quiet build equals a clean one', async () => {
    for (let index = 0; index < 40; index++) await writeFile(join(project, 'fn', `keep-${index}.rb`), `# ${index}\n`)
    // Another process creates and deletes files and folders in the code folder as fast as it can. A name always
    // gets the same content, so what is there when the churn stops is the same whatever it was doing.
    const churn = `
      const {mkdirSync, rmSync, writeFileSync} = require('node:fs')
      const dir = ${JSON.stringify(join(project, 'fn'))}
      for (let i = 0; ; i++) {
        const n = i % 50
        try {
          if (i % 2 === 0) { mkdirSync(dir + '/sub' + n, {recursive: true}); writeFileSync(dir + '/sub' + n + '/f.rb', '# ' + n); writeFileSync(dir + '/churn-' + n + '.rb', '# ' + n) }
          else { rmSync(dir + '/sub' + ((n + 25) % 50), {recursive: true, force: true}); rmSync(dir + '/churn-' + ((n + 25) % 50) + '.rb', {force: true}) }
        } catch {}
      }`
    const churner: ChildProcess = spawn(process.execPath, ['-e', churn], {stdio: 'ignore'})
    const exits: number[] = []
    try {
      for (let build = 0; build < 8; build++) {
        const result = await runLpack(['build', ...(build % 2 === 0 ? ['--no-cache'] : [])], {cwd: project})
        exits.push(result.exitCode)
        expect([0, 1], result.stderr).toContain(result.exitCode)
        expect(result.stderr).not.toContain('INTERNAL')
        if (result.exitCode === 1) expect(result.stderr).toMatch(/Error \[BUILD_FAILED\]: .*(changed while the build was reading it|disappeared during the build)/)
      }
    } finally {
      churner.kill('SIGKILL')
      await new Promise((resolve) => churner.once('exit', resolve))
    }
    const quiet = await runLpack(['build'], {cwd: project})
    expect(quiet.exitCode, quiet.stderr).toBe(0)
    expect((await runLpack(['build', '--build-dir', join(project, 'clean')], {cwd: project})).exitCode).toBe(0)
    expect(await zips(join(project, '.lpack/build'))).toEqual(await zips(join(project, 'clean')))
  }, 60_000)

  it('#11.13 --build-dir naming a file, /dev/null or a folder where nothing can be made is a usage error (exit 2), promptly', async () => {
    await writeFile(join(project, 'a-file'), 'not a folder\n')
    for (const dir of [join(project, 'a-file'), '/dev/null', join(project, 'a-file/below'), '/proc/lpack-x', '/proc']) {
      const started = Date.now()
      const result = await runLpack(['build', '--build-dir', dir], {cwd: project, timeoutMs: 20_000})
      expect(result.exitCode, `${dir}: ${result.stderr}`).toBe(2)
      expect(result.stderr).toContain(`Error [USAGE]: Cannot use ${dir} as the build folder: `)
      expect(Date.now() - started).toBeLessThan(15_000)
    }
  }, 90_000)

  it('#11.13 a logical ID with a NUL or of 300 characters is refused before any path is made of it', async () => {
    const long = 'F'.repeat(300)
    const cases: [string, string][] = [
      ['"Bad\\0Id"', 'Logical ID "Bad\\u0000Id" is not valid: CloudFormation logical IDs are 1 to 255 letters and digits'],
      [long, `Logical ID "${'F'.repeat(60)}…" is not valid`],
      ['"../Escape"', 'Logical ID "../Escape" is not valid'],
      ['G'.repeat(253), `Logical ID "${'G'.repeat(60)}…" has 253 characters: lpack names its zip <LogicalId>.zip`],
    ]
    for (const [logicalId, message] of cases) {
      await writeFile(join(project, 'template.yaml'), TEMPLATE.replace('  Fn:', `  ${logicalId}:`))
      // `lpack build` validates first: the template fails there (exit 1) or, past it, at the build's own check.
      const result = await runLpack(['build'], {cwd: project})
      expect(result.exitCode, result.stderr).toBe(1)
      expect(result.stderr).toMatch(/Error \[(VALIDATION_FAILED|TEMPLATE_INVALID)\]/)
      // The build's own check, where it makes paths, for callers that do not validate (the library, deploy's build).
      await expect(buildProject({templateFile: join(project, 'template.yaml'), reporter: new RecordingReporter()})).rejects.toMatchObject({code: 'TEMPLATE_INVALID', message: expect.stringContaining(message)})
      expect(await readdir(join(project, '.lpack/build/artifacts'))).toEqual([])
    }
  })
})

describe('-o naming a folder or a file in a missing folder', () => {
  let moto: MotoServer | undefined
  afterAll(async () => {
    await moto?.stop()
  })

  it('#11.13 lpack transform -o: a usage error (exit 2)', async () => {
    await writeFile(join(project, 's3.yaml'), TEMPLATE.replace('fn/', 's3://bucket/fn.zip'))
    const outputs: [string, string][] = [
      [project, 'it is a folder'],
      [join(project, 'missing/out.yaml'), `the folder ${join(project, 'missing')} does not exist`],
      [join(project, 's3.yaml/out.yaml'), `${join(project, 's3.yaml')} is not a folder`],
    ]
    for (const [output, reason] of outputs) {
      const result = await runLpack(['transform', '-t', 's3.yaml', '-o', output], {cwd: project})
      expect(result.exitCode, result.stderr).toBe(2)
      expect(result.stderr).toContain(`Error [USAGE]: Cannot write --output ${output}: ${reason}`)
    }
    expect((await runLpack(['transform', '-t', 's3.yaml', '-o', join(project, 'out.yaml')], {cwd: project})).exitCode).toBe(0)
  })

  it('#11.13 lpack package -o: a usage error (exit 2) before anything is uploaded', async () => {
    moto = await startMoto()
    await motoClients(moto.endpoint).s3.send(new CreateBucketCommand({Bucket: 'robust'}))
    expect((await runLpack(['build'], {cwd: project})).exitCode).toBe(0)
    const outputs: [string, string][] = [
      [project, 'it is a folder'],
      [join(project, 'missing/packaged.yaml'), `the folder ${join(project, 'missing')} does not exist`],
    ]
    for (const [output, reason] of outputs) {
      const result = await runLpack(['package', '--s3-bucket', 'robust', '-o', output], {cwd: project, env: moto.env})
      expect(result.exitCode, result.stderr).toBe(2)
      expect(result.stderr).toContain(`Error [USAGE]: Cannot write --output-template-file ${output}: ${reason}`)
    }
    expect((await motoClients(moto.endpoint).s3.send(new ListObjectsV2Command({Bucket: 'robust'}))).KeyCount ?? 0).toBe(0)
    expect((await runLpack(['package', '--s3-bucket', 'robust', '-o', join(project, 'packaged.yaml')], {cwd: project, env: moto.env})).exitCode).toBe(0)
  }, 90_000)
})
