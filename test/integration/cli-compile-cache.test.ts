import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
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

describe('the CLI through V8 code cache', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lpack-compile-cache-'))
  })
  afterEach(() => rmSync(dir, {recursive: true, force: true}))

  const lpack = (args: string[], env: NodeJS.ProcessEnv = {LPACK_COMPILE_CACHE: dir}) => runLpack(args, {env})
  const cacheFiles = () => readdirSync(dir, {recursive: true, encoding: 'utf8'}).filter((name) => name.endsWith('.bin')).sort()

  it('writes a cache on the first run, and later runs use it without writing it again', async () => {
    const first = await lpack(['--version'])
    expect(first.exitCode).toBe(0)
    const [file, ...others] = cacheFiles()
    expect(others).toEqual([])
    expect(file).toMatch(new RegExp(`^v8-[^/]+-${process.arch}/lpack\\.cjs-[0-9a-f]{8}-[0-9a-f]{16}-[0-9a-f]{8}\\.bin$`))
    const path = join(dir, file!)
    // Compiled whole on the first run, whatever that run was: it holds more than --version's own code.
    expect(statSync(path).size).toBeGreaterThan(1_000_000)
    const written = {bytes: readFileSync(path), mtimeMs: statSync(path).mtimeMs}

    const again = await lpack(['--version'])
    expect(again).toEqual(first)
    // Another command runs code compiled from the cache: validate loads the schema validators (no import()).
    const template = join(dir, 'template.yaml')
    writeFileSync(template, TEMPLATE_WITH_SCHEMA_ERROR)
    const validate = await lpack(['validate', '-t', template, '--json'])
    expect(validate.stderr).toBe('')
    expect(validate.exitCode).toBe(1)
    expect(JSON.parse(validate.stdout)).toMatchObject({errorCount: 1, diagnostics: [{code: 'LP1002', path: 'Resources/Fn/Properties/MemorySize'}]})
    expect(cacheFiles()).toEqual([file])
    expect(statSync(path).mtimeMs).toBe(written.mtimeMs)
    expect(readFileSync(path).equals(written.bytes)).toBe(true)
  })

  it('removes a cache V8 rejects, and the next run writes a good one', async () => {
    expect((await lpack(['--version'])).exitCode).toBe(0)
    const [file] = cacheFiles()
    const path = join(dir, file!)
    const good = readFileSync(path)
    for (const damaged of [good.subarray(0, good.length / 2), Buffer.alloc(good.length, 7)]) {
      writeFileSync(path, damaged)
      const result = await lpack(['--version'])
      expect(result).toMatchObject({exitCode: 0, stderr: ''})
      expect(cacheFiles()).toEqual([])
      expect((await lpack(['--version'])).exitCode).toBe(0)
      expect(cacheFiles()).toEqual([file])
    }
  })

  it("removes the caches of the bundle's earlier contents, and keeps those of other Node options and other installs", async () => {
    expect((await lpack(['--version'])).exitCode).toBe(0)
    const [file] = cacheFiles()
    const [folderName, name] = file!.split('/') as [string, string]
    const folder = join(dir, folderName)
    rmSync(join(folder, name))
    const [, install, , options] = /^(lpack\.cjs-[0-9a-f]{8})-([0-9a-f]{16})-([0-9a-f]{8})\.bin$/.exec(name)!
    const earlierContent = `${install}-0123456789abcdef-${options}.bin`
    const otherOptions = name.replace(/-[0-9a-f]{8}\.bin$/, '-76543210.bin')
    const otherInstall = name.replace(install!, 'lpack.cjs-00000000')
    for (const other of [earlierContent, otherOptions, otherInstall]) writeFileSync(join(folder, other), 'another cache')
    expect((await lpack(['--version'])).exitCode).toBe(0)
    expect(readdirSync(folder).sort()).toEqual([name, otherOptions, otherInstall].sort())
  })

  it('runs the same without a cache: turned off, or where none can be written', async () => {
    const expected = await lpack(['--version'], {LPACK_DISABLE_COMPILE_CACHE: '1', LPACK_COMPILE_CACHE: dir})
    expect(expected.exitCode).toBe(0)
    expect(cacheFiles()).toEqual([])
    const blocker = join(dir, 'a-file')
    writeFileSync(blocker, '')
    expect(await lpack(['--version'], {LPACK_COMPILE_CACHE: join(blocker, 'cache')})).toEqual(expected)
    const missingTemplate = ['build', '-t', join(dir, 'missing.yaml')]
    const failing = await lpack(missingTemplate, {LPACK_COMPILE_CACHE: join(blocker, 'cache')})
    expect(failing.stderr).toContain('Template not found')
    expect(await lpack(missingTemplate)).toEqual(failing)
  })
})
