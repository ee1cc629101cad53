import {mkdtempSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {Module} from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {compileCacheDir} from '../../src/cli/compile-cache.js'
import {runLpack} from '../support/cli.js'

// A schema error: validate's answer comes from the precompiled schema validators.
const TEMPLATE_WITH_SCHEMA_ERROR = `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Runtime: nodejs24.x, Handler: app.handler, CodeUri: ., MemorySize: lots}
`

describe('compileCacheDir', () => {
  it('takes LPACK_COMPILE_CACHE, is off with LPACK_DISABLE_COMPILE_CACHE, else uses the user cache folder', () => {
    expect(compileCacheDir({LPACK_COMPILE_CACHE: '/somewhere'})).toBe('/somewhere')
    expect(compileCacheDir({LPACK_COMPILE_CACHE: '/somewhere', LPACK_DISABLE_COMPILE_CACHE: '1'})).toBeUndefined()
    if (process.platform === 'linux') expect(compileCacheDir({XDG_CACHE_HOME: '/xdg'})).toBe('/xdg/lpack/compile-cache')
  })
})

// Node ≥ 22.1 has its own compile cache, which lpack uses there; lpack's loader serves Node 20.
const nodeHasCompileCache = typeof (Module as unknown as {enableCompileCache?: unknown}).enableCompileCache === 'function'

describe.runIf(!nodeHasCompileCache)('the CLI on Node 20 (no compile cache)', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lpack-compile-cache-'))
  })
  afterEach(() => rmSync(dir, {recursive: true, force: true}))

  it('writes nothing in the cache folder, and runs the same with the cache turned off', async () => {
    const first = await runLpack(['--version'], {env: {LPACK_COMPILE_CACHE: dir}})
    expect(first).toMatchObject({exitCode: 0, stderr: ''})
    expect(readdirSync(dir)).toEqual([])
    expect(await runLpack(['--version'], {env: {LPACK_DISABLE_COMPILE_CACHE: '1'}})).toEqual(first)
  })
})

describe.runIf(nodeHasCompileCache)("the CLI through Node's own compile cache (Node ≥ 22.1)", () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lpack-compile-cache-'))
  })
  afterEach(() => rmSync(dir, {recursive: true, force: true}))

  const lpack = (args: string[], env: NodeJS.ProcessEnv = {LPACK_COMPILE_CACHE: dir}) => runLpack(args, {env})
  const cacheFiles = () => readdirSync(dir, {recursive: true, encoding: 'utf8'}).filter((name) => statSync(join(dir, name)).isFile()).sort()

  it('Node writes its cache in the folder lpack names, with no file of lpack\'s own loader, and later runs keep it', async () => {
    const first = await lpack(['--version'])
    expect(first).toMatchObject({exitCode: 0, stderr: ''})
    const files = cacheFiles()
    expect(files.length).toBeGreaterThan(0)
    // Node's folder is named by its version; lpack's loader would have written v8-<version>-<arch>/….bin.
    expect(files.every((name) => name.startsWith(`${process.version}-`))).toBe(true)
    const stamps = files.map((name) => statSync(join(dir, name)).mtimeMs)
    expect(await lpack(['--version'])).toEqual(first)
    expect(cacheFiles()).toEqual(files)
    expect(files.map((name) => statSync(join(dir, name)).mtimeMs)).toEqual(stamps)
    const template = join(dir, 'template.yaml')
    writeFileSync(template, TEMPLATE_WITH_SCHEMA_ERROR)
    const validate = await lpack(['validate', '-t', template, '--json'])
    expect(validate).toMatchObject({exitCode: 1, stderr: ''})
    expect(JSON.parse(validate.stdout)).toMatchObject({errorCount: 1, diagnostics: [{code: 'LP1002', path: 'Resources/Fn/Properties/MemorySize'}]})
  })

  it('runs the same without a cache: turned off, or where none can be written', async () => {
    const expected = await lpack(['--version'], {LPACK_DISABLE_COMPILE_CACHE: '1', LPACK_COMPILE_CACHE: dir})
    expect(expected).toMatchObject({exitCode: 0, stderr: ''})
    expect(cacheFiles()).toEqual([])
    const blocker = join(dir, 'a-file')
    writeFileSync(blocker, '')
    expect(await lpack(['--version'], {LPACK_COMPILE_CACHE: join(blocker, 'cache')})).toEqual(expected)
  })
})
