import {chmod, cp, mkdir, mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runLpack} from '../support/cli.js'

// The shared pipeline through the CLI, with runtimes that use the plain folder builder (ruby, layers without a
// BuildMethod), so these tests need no toolchain.
const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Tools:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: layer/}
  Greeter:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: greeter/, Handler: app.handler, Runtime: ruby3.4, Layers: [!Ref Tools]}
  Other:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: other/, Handler: app.handler, Runtime: ruby3.4}
`

let root: string
let project: string

async function writeProject(dir: string): Promise<void> {
  await mkdir(join(dir, 'greeter/lib'), {recursive: true})
  await mkdir(join(dir, 'greeter/tests'), {recursive: true})
  await mkdir(join(dir, 'other'), {recursive: true})
  await mkdir(join(dir, 'layer/bin'), {recursive: true})
  await writeFile(join(dir, 'template.yaml'), TEMPLATE)
  await writeFile(join(dir, 'greeter/app.rb'), 'def handler(event:, context:) = "hi"\n')
  await writeFile(join(dir, 'greeter/lib/util.rb'), 'X = 1\n')
  await writeFile(join(dir, 'greeter/tests/app_test.rb'), 'test\n')
  await writeFile(join(dir, 'greeter/.env'), 'DB_PASSWORD=hunter2\n')
  await writeFile(join(dir, 'greeter/notes.tmp'), 'scratch\n')
  await writeFile(join(dir, 'greeter/.lpackignore'), '*.tmp\n')
  await writeFile(join(dir, 'other/app.rb'), 'def handler(event:, context:) = "other"\n')
  await writeFile(join(dir, 'layer/bin/tool'), '#!/bin/sh\necho tool\n')
  await chmod(join(dir, 'layer/bin/tool'), 0o700)
}

function manifestOf(stdout: string) {
  return JSON.parse(stdout) as {artifacts: {logicalId: string; sha256: string; cached: boolean; files: number; zip: string}[]; warnings?: {kind: string; message: string}[]}
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lpack-build-core-'))
  project = join(root, 'app')
  await writeProject(project)
})

afterAll(async () => {
  await rm(root, {recursive: true, force: true})
})

describe('lpack build (shared pipeline)', () => {
  it('writes artifacts, the rewritten template and the manifest; --json prints the manifest and its warnings', async () => {
    const result = await runLpack(['build', '--json'], {cwd: project})
    expect(result.exitCode).toBe(0)
    // #11: --json keeps the warnings, beside the manifest's own fields.
    const {warnings, ...manifest} = manifestOf(result.stdout)
    expect(warnings).toContainEqual({kind: 'build.warning', message: 'Greeter: left .env out of the package (it usually holds secrets)'})
    expect(manifest.artifacts.map((a) => [a.logicalId, a.zip, a.cached])).toEqual([
      ['Greeter', 'artifacts/Greeter.zip', false],
      ['Other', 'artifacts/Other.zip', false],
      ['Tools', 'artifacts/Tools.zip', false],
    ])
    // tests/, .env and the .lpackignore'd file stay out; .lpackignore itself too
    expect(manifest.artifacts[0]!.files).toBe(2)
    const built = await readFile(join(project, '.lpack/build/template.yaml'), 'utf8')
    expect(built).toContain('CodeUri: artifacts/Greeter.zip')
    expect(built).toContain('ContentUri: artifacts/Tools.zip')
    expect(JSON.parse(await readFile(join(project, '.lpack/build/manifest.json'), 'utf8'))).toEqual(manifest)
  })

  it('warns about a left-out .env file', async () => {
    const result = await runLpack(['build', '--no-cache'], {cwd: project})
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toContain('warning: Greeter: left .env out of the package')
  })

  it('reuses unchanged artifacts and rebuilds only what changed', async () => {
    const first = manifestOf((await runLpack(['build', '--json'], {cwd: project})).stdout)
    expect(first.artifacts.every((a) => a.cached)).toBe(true)
    await writeFile(join(project, 'other/app.rb'), 'def handler(event:, context:) = "changed"\n')
    const second = manifestOf((await runLpack(['build', '--json'], {cwd: project})).stdout)
    expect(second.artifacts.map((a) => [a.logicalId, a.cached])).toEqual([['Greeter', true], ['Other', false], ['Tools', true]])
    expect(second.artifacts[1]!.sha256).not.toBe(first.artifacts[1]!.sha256)
    // A file added to a folder-built function is an input too.
    await writeFile(join(project, 'other/extra.rb'), 'Y = 2\n')
    const third = manifestOf((await runLpack(['build', '--json'], {cwd: project})).stdout)
    expect(third.artifacts.find((a) => a.logicalId === 'Other')).toMatchObject({cached: false, files: 2})
  })

  it('builds the same bytes in another folder, timezone and umask', async () => {
    const reference = manifestOf((await runLpack(['build', '--json', '--no-cache'], {cwd: project})).stdout)
    const copy = join(root, 'elsewhere', 'deeper', 'app')
    await mkdir(join(root, 'elsewhere', 'deeper'), {recursive: true})
    await cp(project, copy, {recursive: true, filter: (source) => !/[/]\.lpack([/]|$)/.test(source)})
    const moved = await runLpack(['build', '--json'], {cwd: copy, env: {TZ: 'Australia/Adelaide'}})
    expect(moved.exitCode).toBe(0)
    expect(manifestOf(moved.stdout).artifacts.map((a) => a.sha256)).toEqual(reference.artifacts.map((a) => a.sha256))
    const umask = await new Promise<string>((resolve, reject) => {
      import('node:child_process').then(({execFile}) =>
        execFile('sh', ['-c', `umask 077 && TZ=Pacific/Chatham "${process.execPath}" "${join(process.cwd(), 'bin/run.js')}" build --json --no-cache`], {cwd: copy}, (error, stdout) =>
          error ? reject(error) : resolve(stdout),
        ),
      )
    })
    expect(manifestOf(umask).artifacts.map((a) => a.sha256)).toEqual(reference.artifacts.map((a) => a.sha256))
  })

  it('--function builds one function and the layers it uses', async () => {
    const result = await runLpack(['build', '--json', '--function', 'Greeter'], {cwd: project})
    expect(result.exitCode).toBe(0)
    expect(manifestOf(result.stdout).artifacts.map((a) => a.logicalId)).toEqual(['Greeter', 'Tools'])
  })

  it('an unknown --function is a usage error (exit 2)', async () => {
    const result = await runLpack(['build', '--function', 'Nope'], {cwd: project})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain("No function or layer with local code named 'Nope'")
    expect(result.stderr).toContain('Buildable resources: Greeter, Other, Tools')
  })

  it('a failed build exits 1, names the function and leaves no manifest', async () => {
    await rm(join(project, 'other'), {recursive: true})
    const result = await runLpack(['build'], {cwd: project})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toMatch(/BUILD_FAILED.*Other: CodeUri folder not found/)
    expect(result.stderr).not.toMatch(/\n\s+at /)
    await expect(stat(join(project, '.lpack/build/manifest.json'))).rejects.toThrow()
    await mkdir(join(project, 'other'))
    await writeFile(join(project, 'other/app.rb'), 'ok\n')
  })

  it('a missing template is a usage error (exit 2), also under --json', async () => {
    const result = await runLpack(['build', '-t', 'missing.yaml', '--json'], {cwd: project})
    expect(result.exitCode).toBe(2)
    expect(JSON.parse(result.stdout)).toMatchObject({error: {code: 'FILE_NOT_FOUND'}})
  })
})
