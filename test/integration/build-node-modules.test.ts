import {existsSync} from 'node:fs'
import {rm} from 'node:fs/promises'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {buildProject} from '../../src/core/build/index.js'
import {LpackError} from '../../src/errors.js'
import {RecordingReporter} from '../../src/io/reporter.js'
import {describeEvent} from '../../src/io/event-text.js'
import {run} from '../support/cli.js'
import {extractZip, zipEntries} from '../support/zip.js'
import {invokeBuiltHandler, writeProject} from './build-node-support.js'

// Module formats, layers, native addons and the AWS SDK v2: what real Node.js projects bring to the bundler.

async function build(project: string) {
  const reporter = new RecordingReporter()
  const result = await buildProject({templateFile: join(project, 'template.yaml'), reporter})
  const warnings = reporter.events.filter((e) => e.kind === 'build.warning').map((e) => describeEvent(e).text)
  return {result, warnings}
}

function unpacked(project: string, logicalId: string): Promise<string> {
  return extractZip(join(project, '.lpack/build/artifacts', `${logicalId}.zip`))
}

async function paths(project: string, logicalId: string): Promise<string[]> {
  return (await zipEntries(join(project, '.lpack/build/artifacts', `${logicalId}.zip`))).map((entry) => entry.path)
}

describe('lpack build: Node.js modules', () => {
  it('#11.17 bundles an .mjs handler, and a "type": "module" package, that use top-level await as ES modules (.mjs)', async () => {
    const project = await writeProject({
      'template.yaml': `Resources:
  Mjs:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: mjs/, Handler: app.handler, Runtime: nodejs22.x}
  Typed:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: typed/, Handler: src/index.handler, Runtime: nodejs22.x}
  Cjs:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: typed/, Handler: src/plain.handler, Runtime: nodejs22.x}
    Metadata: {BuildMethod: esbuild, BuildProperties: {Format: cjs}}
`,
      'mjs/app.mjs': "const config = await Promise.resolve({greeting: 'hello'})\nexport const handler = async (event) => ({message: `${config.greeting} ${event.name}`})\n",
      'typed/package.json': '{"name": "typed", "type": "module"}\n',
      'typed/src/index.js': "import {suffix} from './suffix.js'\nconst loaded = await Promise.resolve('loaded')\nexport const handler = async () => ({message: loaded + suffix})\n",
      'typed/src/suffix.js': "export const suffix = '!'\n",
      'typed/src/plain.js': 'export const handler = async () => ({message: "cjs"})\n',
    })
    const {result} = await build(project)
    const handlers = Object.fromEntries(result.manifest.artifacts.map((a) => [a.logicalId, a]))
    expect(Object.keys(handlers).sort()).toEqual(['Cjs', 'Mjs', 'Typed'])

    const mjs = await unpacked(project, 'Mjs')
    expect(await paths(project, 'Mjs')).toEqual(['app.mjs'])
    expect(await invokeBuiltHandler(mjs, 'app.handler', {name: 'Ada'})).toEqual({message: 'hello Ada'})

    // Lambda loads .mjs as an ES module whatever package.json says: the zip holds the bundle as index.mjs.
    const typed = await unpacked(project, 'Typed')
    expect(await paths(project, 'Typed')).toEqual(['index.mjs'])
    expect(await invokeBuiltHandler(typed, 'index.handler', {})).toEqual({message: 'loaded!'})

    // An explicit Format wins over what the entry is.
    expect(await paths(project, 'Cjs')).toEqual(['plain.js'])
    expect(await invokeBuiltHandler(await unpacked(project, 'Cjs'), 'plain.handler', {})).toEqual({message: 'cjs'})
    await rm(project, {recursive: true, force: true})
  })

  it("#11.18 leaves a package a layer of the template provides out of the bundle, and says so in the size report", async () => {
    const project = await writeProject({
      'template.yaml': `Resources:
  Cjs:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: cjs/, Handler: app.handler, Runtime: nodejs22.x, Layers: [!Ref Deps]}
  Esm:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: esm/, Handler: app.handler, Runtime: nodejs22.x, Layers: [!Ref Deps]}
  Deps:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: layer/, CompatibleRuntimes: [nodejs22.x]}
`,
      'cjs/app.js': "const {shout} = require('shared-lib')\nconst {whisper} = require('@acme/words/whisper')\nexports.handler = async (event) => ({message: shout(event.name) + whisper(event.name)})\n",
      'esm/app.mjs': "import {shout} from 'shared-lib'\nimport words from '@acme/words/whisper'\nexport const handler = async (event) => ({message: shout(event.name) + words.whisper(event.name)})\n",
      'layer/nodejs/node_modules/shared-lib/package.json': '{"name": "shared-lib", "main": "index.js"}\n',
      'layer/nodejs/node_modules/shared-lib/index.js': "exports.shout = (s) => s.toUpperCase() + ' FROM THE LAYER'\n",
      'layer/nodejs/node_modules/@acme/words/package.json': '{"name": "@acme/words"}\n',
      'layer/nodejs/node_modules/@acme/words/whisper.js': "exports.whisper = (s) => ' ' + s.toLowerCase()\n",
    })
    const {result} = await build(project)
    for (const id of ['Cjs', 'Esm']) {
      const report = result.units.find((u) => u.logicalId === id)!
      expect(report.providedElsewhere, id).toEqual([
        {name: '@acme/words', providedBy: 'layer Deps'},
        {name: 'shared-lib', providedBy: 'layer Deps'},
      ])
      const dir = await unpacked(project, id)
      expect((await paths(project, id)).length, id).toBe(1)
      // Lambda puts the layer's nodejs/node_modules on NODE_PATH.
      expect(await invokeBuiltHandler(dir, 'app.handler', {name: 'Ada'}, {NODE_PATH: join(project, 'layer/nodejs/node_modules')}), id).toEqual({message: 'ADA FROM THE LAYER ada'})
    }
    const {formatBuildSummary} = await import('../../src/io/build-view.js')
    expect(formatBuildSummary(result)).toContain('Cjs, left out of the bundle (provided at run time):\n  @acme/words (layer Deps)\n  shared-lib (layer Deps)')
    await rm(project, {recursive: true, force: true})
  })

  it('#11.19 ships a package with a native addon (.node) installed in node_modules, with a note, instead of failing', async () => {
    const addonSource = `#include <node_api.h>
static napi_value Hello(napi_env env, napi_callback_info info) { napi_value s; napi_create_string_utf8(env, "native hello", NAPI_AUTO_LENGTH, &s); return s; }
static napi_value Init(napi_env env, napi_value exports) { napi_value fn; napi_create_function(env, "hello", NAPI_AUTO_LENGTH, Hello, NULL, &fn); napi_set_named_property(env, exports, "hello", fn); return exports; }
NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
`
    const project = await writeProject({
      'template.yaml': 'Resources:\n  Native:\n    Type: AWS::Serverless::Function\n    Properties: {CodeUri: fn/, Handler: app.handler, Runtime: nodejs22.x}\n',
      'package.json': '{"name": "app", "version": "1.0.0", "dependencies": {"fake-native": "file:./fake-native"}}\n',
      'fn/app.js': "const {hello} = require('fake-native')\nexports.handler = async () => ({message: hello()})\n",
      'fake-native/package.json': '{"name": "fake-native", "version": "1.0.0", "main": "index.js"}\n',
      'fake-native/index.js': "module.exports = require('./build/Release/addon.node')\n",
      'fake-native/addon.c': addonSource,
      'fake-native/build/Release/addon.node': 'placeholder, compiled below when a C compiler and the Node.js headers are here',
    })
    // A real addon when the machine can compile one (node's headers ship in <prefix>/include/node).
    const headers = join(process.execPath, '../../include/node')
    const compiled = existsSync(join(headers, 'node_api.h')) && (await run('cc', ['-shared', '-fPIC', `-I${headers}`, '-o', join(project, 'fake-native/build/Release/addon.node'), join(project, 'fake-native/addon.c')]).then(() => true, () => false))
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], {cwd: project})
    const {warnings} = await build(project)
    expect(warnings).toContain('Native: fake-native has native code (a compiled .node addon): installed in node_modules from the lockfile, not bundled')
    const entries = await paths(project, 'Native')
    expect(entries).toContain('node_modules/fake-native/build/Release/addon.node')
    expect(entries).toContain('node_modules/fake-native/index.js')
    if (compiled) expect(await invokeBuiltHandler(await unpacked(project, 'Native'), 'app.handler', {})).toEqual({message: 'native hello'})
    await rm(project, {recursive: true, force: true})
  })

  it('#11.20 says that aws-sdk (v2) is not in nodejs18.x and later, and how to fix it', async () => {
    const project = await writeProject({
      'template.yaml': 'Resources:\n  Legacy:\n    Type: AWS::Serverless::Function\n    Properties: {CodeUri: fn/, Handler: app.handler, Runtime: nodejs20.x}\n',
      'fn/app.js': "const AWS = require('aws-sdk')\nconst s3 = new AWS.S3()\nexports.handler = async () => s3.listBuckets().promise()\n",
    })
    const error = (await build(project).catch((e: unknown) => e)) as LpackError
    expect(error).toBeInstanceOf(LpackError)
    expect(error.exitCode).toBe(1)
    const failure = ((error.details?.failures as {message: string; hint?: string}[] | undefined) ?? [error])[0]!
    expect(failure.message).toBe("Legacy: the code requires aws-sdk (app.js:1), the AWS SDK for JavaScript v2, which Lambda's nodejs20.x runtime does not include (only v3, @aws-sdk/*, from nodejs18.x on)")
    expect(failure.hint).toMatch(/npm install aws-sdk.*AWS SDK v3: npm install @aws-sdk\/client-s3/)
    await rm(project, {recursive: true, force: true})
  })
})
