import {chmod, mkdir, mkdtemp, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {buildProject} from '../../src/core/build/index.js'
import {LpackError} from '../../src/errors.js'
import {RecordingReporter} from '../../src/io/reporter.js'
import {run, runLpack} from '../support/cli.js'
import {unpackZip, zipEntries} from '../support/zip.js'
import {buildElsewhere, hasTool} from './build-layer-support.js'

// Custom runtimes: SAM's makefile build (make build-<LogicalId> with ARTIFACTS_DIR) and a prebuilt bootstrap.
const hasMake = await hasTool('make')
if (!hasMake) console.warn('build-provided: skipped — needs GNU make (apt-get install -y make)')

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Echo:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: echo/, Handler: unused, Runtime: provided.al2023, Architectures: [arm64]}
    Metadata: {BuildMethod: makefile}
  Prebuilt:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: prebuilt/, Handler: unused, Runtime: provided.al2023}
`

// The bootstrap is written with mode 0644 in the source folder: the makefile's install -m 755 makes it executable.
const MAKEFILE = `build-Echo:
\tmkdir -p $(ARTIFACTS_DIR)/lib
\tinstall -m 755 bootstrap.sh $(ARTIFACTS_DIR)/bootstrap
\tcp greeting.txt $(ARTIFACTS_DIR)/lib/greeting.txt
`
const BOOTSTRAP = '#!/bin/sh\n# A custom runtime would poll the Runtime API; this one proves it runs from the package.\nprintf "%s %s\\n" "$(cat "$(dirname "$0")/lib/greeting.txt")" "$1"\n'

let root: string
let project: string

async function writeProject(dir: string): Promise<void> {
  await mkdir(join(dir, 'echo'), {recursive: true})
  await mkdir(join(dir, 'prebuilt'), {recursive: true})
  await writeFile(join(dir, 'template.yaml'), TEMPLATE)
  await writeFile(join(dir, 'echo/Makefile'), MAKEFILE)
  await writeFile(join(dir, 'echo/bootstrap.sh'), BOOTSTRAP)
  await writeFile(join(dir, 'echo/greeting.txt'), 'hello from')
  await writeFile(join(dir, 'prebuilt/bootstrap'), BOOTSTRAP)
  await chmod(join(dir, 'prebuilt/bootstrap'), 0o700)
  await writeFile(join(dir, 'prebuilt/README.md'), 'notes\n')
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lpack-build-provided-'))
  project = join(root, 'app')
  await writeProject(project)
})

afterAll(async () => {
  await rm(root, {recursive: true, force: true})
})

describe.skipIf(!hasMake)('lpack build: custom runtimes', () => {
  let builtShas: Map<string, string>

  it('runs make build-<LogicalId> into ARTIFACTS_DIR; bootstrap sits at the root with mode 0755 and runs', async () => {
    const result = await buildProject({templateFile: join(project, 'template.yaml'), reporter: new RecordingReporter(), cache: false})
    builtShas = new Map(result.manifest.artifacts.map((a) => [a.logicalId, a.sha256]))
    const zip = join(result.buildDir, 'artifacts/Echo.zip')
    expect((await zipEntries(zip)).map((e) => [e.path, e.mode.toString(8)])).toEqual([
      ['bootstrap', '755'],
      ['lib/greeting.txt', '644'],
    ])
    const unpacked = join(root, 'task')
    await unpackZip(zip, unpacked)
    const {stdout} = await run(join(unpacked, 'bootstrap'), ['lambda'])
    expect(stdout).toBe('hello from lambda\n')
    // make ran in a copy: the source folder holds no build output.
    await expect(stat(join(project, 'echo/bootstrap'))).rejects.toThrow()

    expect((await zipEntries(join(result.buildDir, 'artifacts/Prebuilt.zip'))).map((e) => [e.path, e.mode.toString(8)])).toEqual([
      ['README.md', '644'],
      ['bootstrap', '755'],
    ])
  })

  it('gives the same bytes in another folder, timezone and umask', async () => {
    const elsewhere = join(root, 'elsewhere')
    await writeProject(elsewhere)
    const manifest = await buildElsewhere(elsewhere)
    expect(new Map(manifest.artifacts.map((a) => [a.logicalId, a.sha256]))).toEqual(builtShas)
  })

  it('fails with exit 1 naming the function when the makefile has no build target, or bootstrap is not executable', async () => {
    const dir = join(root, 'broken')
    await writeProject(dir)
    await writeFile(join(dir, 'echo/Makefile'), 'build-Other:\n\ttrue\n')
    await chmod(join(dir, 'prebuilt/bootstrap'), 0o644)
    const result = await runLpack(['build', '--json'], {cwd: dir})
    expect(result.exitCode).toBe(1)
    const {error} = JSON.parse(result.stdout) as {error: {code: string; details: {failures: {logicalId: string; message: string; hint: string}[]}}}
    expect(error.code).toBe('BUILD_FAILED')
    const [echo, prebuilt] = error.details.failures
    expect(echo!.message).toMatch(/^Echo: the Makefile in .*echo has no target build-Echo$/)
    expect(prebuilt!.message).toBe('Prebuilt: bootstrap is not executable; Lambda would fail with "permission denied"')
    expect(prebuilt!.hint).toContain('chmod 755')
    await expect(stat(join(dir, '.lpack/build/manifest.json'))).rejects.toThrow()
  })

  it('fails when make succeeds but leaves no bootstrap at the root', async () => {
    const dir = join(root, 'no-bootstrap')
    await writeProject(dir)
    await writeFile(join(dir, 'echo/Makefile'), 'build-Echo:\n\tmkdir -p $(ARTIFACTS_DIR)/bin && install -m 755 bootstrap.sh $(ARTIFACTS_DIR)/bin/bootstrap\n')
    const error = (await buildProject({templateFile: join(dir, 'template.yaml'), reporter: new RecordingReporter(), functions: ['Echo']}).catch((e: unknown) => e)) as LpackError
    expect(error).toBeInstanceOf(LpackError)
    expect(error.message).toBe('Echo: no bootstrap at the root of the package (found bin/bootstrap)')
  })
})
