import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {BuildCache} from '../../src/core/build/cache.js'
import {buildProject, type BuildResult} from '../../src/core/build/index.js'
import {LpackError} from '../../src/errors.js'
import {RecordingReporter} from '../../src/io/reporter.js'
import {extractZip, readZipFile} from '../support/zip.js'
import {invokeBuiltHandler, writeProject} from './build-node-support.js'

// Functions with the same esbuild settings are bundled in one esbuild call. These tests build the same projects
// batched and one function at a time (batch: false) and compare what a user gets: zip bytes, cache keys, the
// size report and the errors.

const SHARED_FILES = {
  'app/package.json': '{"name": "batch-app", "private": true}\n',
  'app/node_modules/fake-dep/package.json': '{"name": "fake-dep", "version": "1.0.0", "main": "index.js"}\n',
  'app/node_modules/fake-dep/index.js': "exports.shout = (text) => text.toUpperCase() + '!'\nexports.unused = () => 'never bundled'\n",
  'app/src/lib/shared.ts': "import {shout} from 'fake-dep'\n\nexport const greet = (name: string): string => shout(`hello ${name}`)\n",
  'app/src/lib/other.ts': 'export const twice = (n: number): number => n * 2\n',
  'app/src/a/index.ts': "import {greet} from '../lib/shared'\n\nexport const handler = async () => ({message: greet('a')})\n",
  // Same file name as a/index.ts: both bundles are index.js, so they cannot share an esbuild call.
  'app/src/b/index.ts': "import {twice} from '../lib/other'\n\nexport const handler = async () => ({value: twice(21)})\n",
  'app/src/c.ts': "import {greet} from './lib/shared'\nimport {twice} from './lib/other'\n\nexport const handler = async () => ({message: greet('c'), value: twice(2)})\n",
  'app/src/d/main.ts': "import {greet} from '../lib/shared'\n\nexport const handler = async () => ({message: greet('d')})\n",
  'app/src/d/worker.ts': "export const work = async () => 'working'\n",
  'app/src/e.mts': "import {greet} from './lib/shared'\n\nexport const handler = async () => ({message: greet('e')})\n",
}

const TEMPLATE = `
Globals:
  Function:
    Runtime: nodejs22.x
    CodeUri: app/
    Metadata:
      BuildMethod: esbuild
      BuildProperties: {Minify: false, Sourcemap: true}
Resources:
  A:
    Type: AWS::Serverless::Function
    Properties: {Handler: src/a/index.handler}
  B:
    Type: AWS::Serverless::Function
    Properties: {Handler: src/b/index.handler}
  C:
    Type: AWS::Serverless::Function
    Properties: {Handler: src/c.handler}
  CAgain:
    Type: AWS::Serverless::Function
    Properties: {Handler: src/c.handler, Environment: {Variables: {MODE: again}}}
  D:
    Type: AWS::Serverless::Function
    Properties: {Handler: main.handler}
    Metadata:
      BuildMethod: esbuild
      BuildProperties: {Minify: false, Sourcemap: true, EntryPoints: [src/d/main.ts, src/d/worker.ts]}
  E:
    Type: AWS::Serverless::Function
    Properties: {Handler: src/e.handler}
    Metadata:
      BuildMethod: esbuild
      BuildProperties: {Format: esm, Minify: true}
  F:
    Type: AWS::Serverless::Function
    Properties: {Handler: src/lib/other.twice}
`

async function build(project: string, batch: boolean): Promise<{result: BuildResult; reporter: RecordingReporter}> {
  const reporter = new RecordingReporter()
  const result = await buildProject({templateFile: join(project, 'template.yaml'), buildDir: join(project, batch ? 'batched' : 'alone'), batch, cache: false, reporter})
  return {result, reporter}
}

async function failure(project: string, batch: boolean): Promise<LpackError> {
  const error = await build(project, batch).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(LpackError)
  return error as LpackError
}

function batchEvents(reporter: RecordingReporter): unknown[] {
  return reporter.events.filter((e) => e.kind === 'build.batch').map((e) => e.data?.logicalIds)
}

describe('lpack build: functions bundled together', () => {
  it('gives every function the same zip bytes, cache key and size report as a build of it alone', async () => {
    const project = await writeProject({...SHARED_FILES, 'template.yaml': TEMPLATE})
    const batched = await build(project, true)
    const alone = await build(project, false)

    // The functions with the same settings share one run (entry points may differ); E (ES module, minified) has
    // settings of its own.
    expect(batchEvents(batched.reporter)).toEqual([['A', 'B', 'C', 'CAgain', 'D', 'F']])
    expect(batchEvents(alone.reporter)).toEqual([])

    const summary = ({result}: {result: BuildResult}) =>
      result.manifest.artifacts.map((a) => ({id: a.logicalId, sha256: a.sha256, inputsHash: a.inputsHash, files: a.files, unzipped: a.unzippedBytes}))
    expect(summary(batched)).toEqual(summary(alone))
    expect(batched.result.units.map((u) => u.largestInputs)).toEqual(alone.result.units.map((u) => u.largestInputs))

    // Each zip holds only its own function's bundle and map, even though the run bundled all of them.
    const paths = async (id: string) => (await readZipFile(join(project, 'batched/artifacts', `${id}.zip`))).records.map((r) => r.path)
    expect(await paths('A')).toEqual(['index.js', 'index.js.map'])
    expect(await paths('B')).toEqual(['index.js', 'index.js.map'])
    expect(await paths('D')).toEqual(['main.js', 'main.js.map', 'worker.js', 'worker.js.map'])
    // Unminified output names its sources relative to the code folder, as in a build of the function alone.
    const bundle = (await readZipFile(join(project, 'batched/artifacts/C.zip'))).records.find((r) => r.path === 'c.js')!.data.toString('utf8')
    expect(bundle).toContain('// src/lib/shared.ts')
    expect(bundle).not.toContain('never bundled'.toUpperCase())

    // A function's cache inputs are what its entry reaches, not everything the run read.
    const cache = BuildCache.load(join(project, 'batched'), project)
    const inputs = (id: string) => cache.record(id)!.inputs.map((i) => i.file.slice(project.length + 1))
    expect(inputs('B')).toEqual(['app/package.json', 'app/src/b/index.ts', 'app/src/lib/other.ts'])
    expect(inputs('A')).toEqual([
      'app/node_modules/fake-dep/index.js', 'app/node_modules/fake-dep/package.json', 'app/package.json', 'app/src/a/index.ts', 'app/src/lib/shared.ts',
    ])

    expect(await invokeBuiltHandler(await extractZip(join(project, 'batched/artifacts/C.zip')), 'c.handler', {})).toEqual({message: 'HELLO C!', value: 4})
  })

  it('names each broken function with its own file and position, as a build of it alone does', async () => {
    const project = await writeProject({
      ...SHARED_FILES,
      'template.yaml': TEMPLATE,
      'app/src/b/index.ts': 'export const handler = async () => {\n  const x: number = = 1\n}\n',
      'app/src/c.ts': "import {missing} from './lib/nowhere'\nexport const handler = async () => missing\n",
    })
    const batched = await failure(project, true)
    const alone = await failure(project, false)
    expect(batched.message).toBe(alone.message)
    expect(batched.details).toEqual(alone.details)
    const failures = batched.details!.failures as {logicalId: string; message: string}[]
    expect(failures.map((f) => f.logicalId)).toEqual(['B', 'C', 'CAgain'])
    expect(failures[0]!.message).toContain('B: esbuild could not bundle app/src/b/index.ts:\n  app/src/b/index.ts:2:21: Unexpected "="')
    expect(failures[1]!.message).toContain('C: esbuild could not bundle app/src/c.ts:\n  app/src/c.ts:1:23: Could not resolve "./lib/nowhere"')
  })

  it('keeps building the others when one function of a successful run has no such export', async () => {
    const project = await writeProject({...SHARED_FILES, 'template.yaml': TEMPLATE.replace('src/lib/other.twice', 'src/lib/other.thrice')})
    const batched = await failure(project, true)
    const alone = await failure(project, false)
    expect(batched.message).toBe("F: src/lib/other.ts has no export 'thrice' (Handler src/lib/other.thrice); it exports twice")
    expect(batched.message).toBe(alone.message)
    // The other functions of the run were built and zipped (the build as a whole failed: no manifest).
    expect((await readZipFile(join(project, 'batched/artifacts/A.zip'))).records.map((r) => r.path)).toEqual(['index.js', 'index.js.map'])
  })
})
