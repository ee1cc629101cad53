import {readFile, rm, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {parse} from 'yaml'
import {beforeAll, describe, expect, it} from 'vitest'

import {buildProject} from '../../src/core/build/index.js'
import type {BuildManifest} from '../../src/core/build/manifest.js'
import {RecordingReporter} from '../../src/io/reporter.js'
import {describeEvent} from '../../src/io/event-text.js'
import {extractZip, readZipFile} from '../support/zip.js'
import {copyProject, invokeBuiltHandler, runLpackWithUmask, sha256} from './build-node-support.js'

const FIXTURE = fileURLToPath(new URL('../fixtures/build-node/ts-app', import.meta.url))
/** DOS date 1980-01-01 and time 00:00:00, the fixed timestamp of every entry. */
const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1
const DOS_TIME_MIDNIGHT = 0

describe('lpack build: Node.js and TypeScript', () => {
  let project: string
  let manifest: BuildManifest
  let reporter: RecordingReporter

  beforeAll(async () => {
    project = await copyProject(FIXTURE)
    reporter = new RecordingReporter()
    manifest = (await buildProject({templateFile: join(project, 'template.yaml'), reporter})).manifest
  })

  it('writes a zip per function and layer, the built template and the manifest', async () => {
    expect(manifest.artifacts.map((a) => [a.logicalId, a.kind, a.runtime, a.architecture, a.zip, a.cached])).toEqual([
      ['Greet', 'function', 'nodejs22.x', 'x86_64', 'artifacts/Greet.zip', false],
      ['GreetEsm', 'function', 'nodejs22.x', 'arm64', 'artifacts/GreetEsm.zip', false],
      ['Plain', 'function', 'nodejs22.x', 'x86_64', 'artifacts/Plain.zip', false],
      ['SharedLayer', 'layer', 'nodejs22.x', 'x86_64', 'artifacts/SharedLayer.zip', false],
      ['Shipped', 'function', 'nodejs22.x', 'x86_64', 'artifacts/Shipped.zip', false],
    ])
    const buildDir = join(project, '.lpack/build')
    expect(JSON.parse(await readFile(join(buildDir, 'manifest.json'), 'utf8'))).toEqual(manifest)
    for (const artifact of manifest.artifacts) {
      const bytes = await readFile(join(buildDir, artifact.zip))
      expect(sha256(bytes)).toBe(artifact.sha256)
      expect(bytes.length).toBe(artifact.zippedBytes)
    }
  })

  it('bundles TypeScript into one file per function and ships only what Lambda needs', async () => {
    const paths = async (id: string) => (await readZipFile(join(project, '.lpack/build/artifacts', `${id}.zip`))).records.map((r) => r.path)
    expect(await paths('Greet')).toEqual(['greet.js'])
    expect(await paths('GreetEsm')).toEqual(['greet-esm.mjs', 'greet-esm.mjs.map'])
    // NodeModules are installed beside the bundle from the lockfile, pruned of docs, tests and type declarations.
    expect(await paths('Shipped')).toEqual(['node_modules/tiny-dep/LICENSE', 'node_modules/tiny-dep/index.js', 'node_modules/tiny-dep/package.json', 'shipped.js'])
    // BuildMethod npm: sources (no tests, no .env) plus production dependencies of the workspace member.
    expect(await paths('Plain')).toEqual(['README.md', 'index.js', 'node_modules/tiny-dep/LICENSE', 'node_modules/tiny-dep/index.js', 'node_modules/tiny-dep/package.json', 'package.json'])
    expect(await paths('SharedLayer')).toEqual([
      'nodejs/index.js', 'nodejs/node_modules/tiny-dep/LICENSE', 'nodejs/node_modules/tiny-dep/index.js', 'nodejs/node_modules/tiny-dep/package.json', 'nodejs/package.json',
    ])
    const greet = (await readZipFile(join(project, '.lpack/build/artifacts/Greet.zip'))).records[0]!.data.toString('utf8')
    expect(greet).not.toMatch(/\n\s+/) // minified
    expect(reporter.events.filter((e) => e.kind === 'build.warning').map((e) => describeEvent(e).text)).toContain('Plain: left .env out of the package (it usually holds secrets)')
  })

  it('stores every entry with mode 0644 and the fixed 1980-01-01 timestamp, without extra fields', async () => {
    for (const artifact of manifest.artifacts) {
      const {records, comment} = await readZipFile(join(project, '.lpack/build', artifact.zip))
      expect(comment).toBe('')
      for (const record of records) {
        expect({path: record.path, mode: record.mode & 0o7777, type: record.mode >> 12}).toEqual({path: record.path, mode: 0o644, type: 0o10})
        expect([record.dosDate, record.dosTime, record.method]).toEqual([DOS_DATE_1980_01_01, DOS_TIME_MIDNIGHT, 8])
        expect([record.centralExtraLength, record.localExtraLength, record.commentLength]).toEqual([0, 0, 0])
      }
      expect(records.map((r) => r.path)).toEqual(records.map((r) => r.path).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))))
    }
  })

  it('rewrites Handler to the built file and turns source maps on in the environment, as SAM does', async () => {
    const template = parse(await readFile(join(project, '.lpack/build/template.yaml'), 'utf8'))
    const props = (id: string) => template.Resources[id].Properties
    expect(props('Greet')).toMatchObject({CodeUri: 'artifacts/Greet.zip', Handler: 'greet.handler'})
    expect(props('GreetEsm')).toMatchObject({Handler: 'greet-esm.handler', Environment: {Variables: {STAGE: 'test', NODE_OPTIONS: '--enable-source-maps'}}})
    expect(props('Plain')).toMatchObject({CodeUri: 'artifacts/Plain.zip', Handler: 'index.handler'})
    expect(props('Plain').Environment).toBeUndefined()
    expect(template.Resources.SharedLayer.Properties.ContentUri).toBe('artifacts/SharedLayer.zip')
  })

  it('produces handlers that a plain node process loads and calls', async () => {
    const call = async (id: string, handler: string, event: unknown, env: NodeJS.ProcessEnv = {}) => invokeBuiltHandler(await extractZip(join(project, '.lpack/build/artifacts', `${id}.zip`)), handler, event, env)
    // Greet uses SharedLayer, which provides tiny-dep (#11.18): Lambda puts the layer's nodejs/node_modules on NODE_PATH.
    const layer = await extractZip(join(project, '.lpack/build/artifacts/SharedLayer.zip'))
    expect(await call('Greet', 'greet.handler', {name: 'ada'}, {NODE_PATH: join(layer, 'nodejs/node_modules')})).toEqual({message: 'HELLO ADA!'})
    expect(await call('GreetEsm', 'greet-esm.handler', {})).toEqual({message: 'HELLO ESM!', node: 'string'})
    expect(await call('Shipped', 'shipped.handler', {})).toEqual({message: 'SHIPPED!'})
    expect(await call('Plain', 'index.handler', {name: 'npm'})).toEqual({message: 'PLAIN NPM!'})
  })

  it('gives byte-identical zips with --no-cache, in another folder, timezone and umask (CLI, --json)', async () => {
    const again = await buildProject({templateFile: join(project, 'template.yaml'), reporter: new RecordingReporter(), cache: false})
    expect(again.manifest.artifacts.map((a) => [a.logicalId, a.sha256, a.cached])).toEqual(manifest.artifacts.map((a) => [a.logicalId, a.sha256, false]))

    const elsewhere = await copyProject(FIXTURE, {umask: '077'})
    const result = await runLpackWithUmask(['build', '--json', '--no-cache', '-t', join(elsewhere, 'template.yaml')], {
      env: {TZ: 'Australia/Adelaide'},
      cwd: elsewhere,
      umask: '077',
    })
    expect(result.exitCode).toBe(0)
    // #12.3: under --json, stderr holds progress as JSON lines only (the same rule as deploy), no text for people.
    const events = result.stderr.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as {kind: string})
    expect(events.filter((event) => event.kind === 'build.done')).toHaveLength(manifest.artifacts.length)
    // #11: --json keeps warnings beside the manifest's own fields.
    const {warnings: _warnings, ...printed} = JSON.parse(result.stdout) as BuildManifest & {warnings?: unknown}
    expect(printed).toEqual(JSON.parse(await readFile(join(elsewhere, '.lpack/build/manifest.json'), 'utf8')))
    expect(printed.artifacts.map((a) => [a.logicalId, a.sha256, a.inputsHash])).toEqual(manifest.artifacts.map((a) => [a.logicalId, a.sha256, a.inputsHash]))
    // The umask made the build's own files private; the zip entries still say 0644.
    expect((await stat(join(elsewhere, '.lpack/build/manifest.json'))).mode & 0o077).toBe(0)
  })

  it('reuses unchanged artifacts without running esbuild, and rebuilds only what a change touches', async () => {
    const cached = await buildProject({templateFile: join(project, 'template.yaml'), reporter: new RecordingReporter()})
    expect(cached.manifest.artifacts.map((a) => a.cached)).toEqual([true, true, true, true, true])
    expect(cached.manifest.artifacts.map((a) => a.sha256)).toEqual(manifest.artifacts.map((a) => a.sha256))

    const shared = join(project, 'src/lib/format.ts')
    const before = await readFile(shared, 'utf8')
    await writeFile(shared, before.replace('hello', 'hi'))
    try {
      const changed = await buildProject({templateFile: join(project, 'template.yaml'), reporter: new RecordingReporter()})
      expect(Object.fromEntries(changed.manifest.artifacts.map((a) => [a.logicalId, a.cached]))).toEqual({Greet: false, GreetEsm: false, Plain: true, SharedLayer: true, Shipped: true})
    } finally {
      await writeFile(shared, before)
    }
  })

  it('rebuilds a function whose zip was deleted, and builds the layers a selected function uses', async () => {
    const template = join(project, 'template.yaml')
    await buildProject({templateFile: template, functions: ['Greet'], reporter: new RecordingReporter()})
    await rm(join(project, '.lpack/build/artifacts/Greet.zip'))
    const rebuilt = await buildProject({templateFile: template, functions: ['Greet'], reporter: new RecordingReporter()})
    expect(rebuilt.manifest.artifacts.map((a) => [a.logicalId, a.cached])).toEqual([['Greet', false], ['SharedLayer', true]])
  })
})
