import {readdir, stat} from 'node:fs/promises'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {buildProject} from '../../src/core/build/index.js'
import {LpackError} from '../../src/errors.js'
import {RecordingReporter} from '../../src/io/reporter.js'
import {runLpack} from '../support/cli.js'
import {samFunctionsTemplate} from '../support/fixtures.js'
import {extractZip} from '../support/zip.js'
import {invokeBuiltHandler, writeProject} from './build-node-support.js'

function template(handler: string, metadata = ''): string {
  return samFunctionsTemplate({Broken: {CodeUri: 'fn/', Handler: handler, Runtime: 'nodejs22.x'}}, metadata)
}

async function failedBuild(files: Record<string, string>): Promise<{error: LpackError; project: string}> {
  const project = await writeProject(files)
  const error = await buildProject({templateFile: join(project, 'template.yaml'), reporter: new RecordingReporter()}).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(LpackError)
  // Nothing a later run would trust: no manifest, no zip for the function.
  expect(await stat(join(project, '.lpack/build/manifest.json')).catch(() => undefined)).toBeUndefined()
  expect(await readdir(join(project, '.lpack/build/artifacts'))).toEqual([])
  return {error: error as LpackError, project}
}

describe('lpack build: bad Node.js input', () => {
  it('names the function and the file when the entry file is missing', async () => {
    const {error} = await failedBuild({'template.yaml': template('src/app.handler'), 'fn/other.ts': 'export const x = 1'})
    expect(error.code).toBe('BUILD_FAILED')
    expect(error.message).toMatch(/^Broken: entry file not found for Handler 'src\/app.handler': no src\/app.ts/)
  })

  it("shows esbuild's diagnostic with file:line:column for a TypeScript syntax error", async () => {
    const {error} = await failedBuild({'template.yaml': template('app.handler'), 'fn/app.ts': 'export const handler = async () => {\n  const x: number = = 1\n}\n'})
    expect(error.message).toContain('Broken: esbuild could not bundle fn/app.ts:\n  fn/app.ts:2:21: Unexpected "="')
    const failure = (error.details!.failures as {details: unknown}[])[0]!
    expect(failure.details).toEqual({errors: [{text: 'Unexpected "="', file: 'fn/app.ts', line: 2, column: 21}]})
  })

  it('names the import that cannot be resolved and where it is', async () => {
    const {error} = await failedBuild({'template.yaml': template('app.handler'), 'fn/app.ts': "import {x} from './missing'\nexport const handler = async () => x\n"})
    expect(error.message).toContain(`fn/app.ts:1:17: Could not resolve "./missing"`)
  })

  it('fails when the handler export is not in the bundle (CommonJS output)', async () => {
    const {error} = await failedBuild({'template.yaml': template('app.handle'), 'fn/app.ts': 'export const handler = async () => 1\nexport const other = 2\n'})
    expect(error.message).toBe("Broken: app.ts has no export 'handle' (Handler app.handle); it exports handler, other")
  })

  it('fails when the handler export is not in the bundle (ES module output)', async () => {
    const {error} = await failedBuild({
      'template.yaml': template('app.handle', '    Metadata: {BuildMethod: esbuild, BuildProperties: {Format: esm}}'),
      'fn/app.ts': 'export const handler = async () => 1\n',
    })
    expect(error.message).toBe("Broken: app.ts has no export 'handle' (Handler app.handle); it exports handler")
  })

  it('accepts handlers exported however the bundle ends up exporting them: direct, re-exported, CommonJS', async () => {
    const project = await writeProject({
      'template.yaml': samFunctionsTemplate({
        Direct: {CodeUri: 'fn/', Handler: 'direct.handler', Runtime: 'nodejs22.x'},
        StarReexport: {CodeUri: 'fn/', Handler: 'star.handler', Runtime: 'nodejs22.x'},
        CommonJs: {CodeUri: 'fn/', Handler: 'plain.handler', Runtime: 'nodejs22.x'},
      }),
      'fn/direct.ts': 'export const handler = async () => "direct"\n',
      'fn/impl.ts': 'export const handler = async () => "star"\n',
      // Only bundling resolves what `export *` brings: the bundle itself is checked.
      'fn/star.ts': "export * from './impl'\n",
      'fn/plain.js': 'exports.handler = async () => "plain"\n',
    })
    const result = await buildProject({templateFile: join(project, 'template.yaml'), reporter: new RecordingReporter()})
    expect(result.manifest.artifacts.map((a) => a.logicalId)).toEqual(['CommonJs', 'Direct', 'StarReexport'])
    for (const [id, handler, expected] of [['Direct', 'direct.handler', 'direct'], ['StarReexport', 'star.handler', 'star'], ['CommonJs', 'plain.handler', 'plain']] as const) {
      expect(await invokeBuiltHandler(await extractZip(join(project, '.lpack/build/artifacts', `${id}.zip`)), handler, {})).toBe(expected)
    }
  })

  it('checks CommonJS sources too', async () => {
    const {error} = await failedBuild({'template.yaml': template('app.handle'), 'fn/app.js': "const path = require('node:path')\nexports.handler = async () => path.sep\n"})
    expect(error.message).toBe("Broken: app.js has no export 'handle' (Handler app.handle); it exports handler")
  })

  it('rejects a BuildProperty of the wrong shape, naming it', async () => {
    const {error} = await failedBuild({
      'template.yaml': template('app.handler', '    Metadata: {BuildMethod: esbuild, BuildProperties: {Format: iife}}'),
      'fn/app.ts': 'export const handler = async () => 1\n',
    })
    expect(error.message).toBe("Broken: BuildProperties.Format must be cjs or esm, got 'iife'")
  })

  it('exits 1 from the CLI with the error on stderr and nothing on stdout but the JSON error', async () => {
    const project = await writeProject({'template.yaml': template('src/app.handler'), 'fn/other.ts': ''})
    const human = await runLpack(['build', '-t', join(project, 'template.yaml')])
    expect(human.exitCode).toBe(1)
    expect(human.stderr).toContain("Error [BUILD_FAILED]: Broken: entry file not found for Handler 'src/app.handler'")
    const json = await runLpack(['build', '--json', '-t', join(project, 'template.yaml')])
    expect(json.exitCode).toBe(1)
    expect(JSON.parse(json.stdout).error.code).toBe('BUILD_FAILED')
  })
})
