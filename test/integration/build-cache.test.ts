import {cp, mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile} from 'node:fs/promises'
import {createHash} from 'node:crypto'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {levelOf} from '../../src/core/events.js'
import {BuildCache} from '../../src/core/build/cache.js'
import {buildProject} from '../../src/core/build/index.js'
import {RecordingReporter} from '../../src/io/reporter.js'

// The build cache (`.lpack/build/cache/build-cache.json`) through buildProject, with functions the plain folder
// builder builds (ruby), so no toolchain is needed.

/** A ruby function with its code in `folder/`, as a template's resource (YAML lines). */
function rubyFunction(logicalId: string, folder: string, properties = ''): string {
  return `  ${logicalId}:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: ${folder}/, Handler: app.handler, Runtime: ruby3.4${properties}}
`
}

const HEADER = 'Transform: AWS::Serverless-2016-10-31\nResources:\n'
const TEMPLATE = HEADER + rubyFunction('Greeter', 'greeter') + rubyFunction('Other', 'other')

let project: string
const build = () => buildProject({templateFile: join(project, 'template.yaml'), reporter: new RecordingReporter()})
const cachedById = (result: Awaited<ReturnType<typeof build>>) => Object.fromEntries(result.manifest.artifacts.map((a) => [a.logicalId, a.cached]))
const buildDir = () => join(project, '.lpack/build')
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

beforeEach(async () => {
  project = await mkdtemp(join(tmpdir(), 'lpack-build-cache-'))
  await mkdir(join(project, 'greeter'))
  await mkdir(join(project, 'other'))
  await writeFile(join(project, 'template.yaml'), TEMPLATE)
  await writeFile(join(project, 'greeter/app.rb'), 'def handler(event:, context:) = "hi"\n')
  await writeFile(join(project, 'other/app.rb'), 'def handler(event:, context:) = "other"\n')
})

afterEach(async () => {
  await rm(project, {recursive: true, force: true})
})

describe('build cache', () => {
  it('keeps one file with each input stamped once, and a no-op build leaves it untouched', async () => {
    await build()
    const cacheFile = join(buildDir(), 'cache/build-cache.json')
    const stored = JSON.parse(await readFile(cacheFile, 'utf8')) as {files: [string][]; units: Record<string, {inputs: number[]}>}
    expect(Object.keys(stored.units)).toEqual(['Greeter', 'Other'])
    expect(stored.files.map(([file]) => file).sort()).toEqual(['greeter/app.rb', 'other/app.rb'])
    const before = await stat(cacheFile)
    expect(cachedById(await build())).toEqual({Greeter: true, Other: true})
    expect((await stat(cacheFile)).mtimeMs).toBe(before.mtimeMs)
  })

  it('a touched file with the same content keeps the artifact, and its new stamp is saved', async () => {
    await build()
    const file = join(project, 'greeter/app.rb')
    const later = new Date(Date.now() + 60_000)
    await utimes(file, later, later)
    expect(cachedById(await build())).toEqual({Greeter: true, Other: true})
    // Saved, so the next build stats the file and does not read it again.
    const stamp = BuildCache.load(buildDir(), project).stamps.get(file)!
    expect(stamp.mtimeMs).toBe((await stat(file)).mtimeMs)
  })

  it('keeps what a failed build did build: after the fix only the broken function builds', async () => {
    await build()
    await writeFile(join(project, 'greeter/app.rb'), 'def handler(event:, context:) = "changed"\n')
    await rm(join(project, 'other'), {recursive: true})
    await expect(build()).rejects.toMatchObject({code: 'BUILD_FAILED'})
    await mkdir(join(project, 'other'))
    await writeFile(join(project, 'other/app.rb'), 'def handler(event:, context:) = "back"\n')
    expect(cachedById(await build())).toEqual({Greeter: true, Other: false})
  })

  it('a change seen by one function is not lost for another that shares the file (--function, then all)', async () => {
    await writeFile(join(project, 'template.yaml'), HEADER + rubyFunction('Greeter', 'greeter') + rubyFunction('Twin', 'greeter'))
    const first = await build()
    await writeFile(join(project, 'greeter/app.rb'), 'def handler(event:, context:) = "changed"\n')
    await buildProject({templateFile: join(project, 'template.yaml'), functions: ['Twin'], reporter: new RecordingReporter()})
    const all = await build()
    expect(cachedById(all)).toEqual({Greeter: false, Twin: true})
    expect(all.manifest.artifacts[0]!.sha256).not.toBe(first.manifest.artifacts[0]!.sha256)
  })

  it('after a build that failed elsewhere, what is reused is what a fresh build makes', async () => {
    const layer = '  Broken:\n    Type: AWS::Serverless::LayerVersion\n    Properties: {ContentUri: broken/}\n'
    await mkdir(join(project, 'broken'))
    await writeFile(join(project, 'broken/tool'), 'ok\n')
    await writeFile(join(project, 'template.yaml'), HEADER + rubyFunction('Greeter', 'greeter') + rubyFunction('Twin', 'greeter', ', Layers: [!Ref Broken]') + layer)
    await build()
    // One build sees the new app.rb and builds Greeter and Twin, but fails as a whole (the layer's folder is gone).
    await writeFile(join(project, 'greeter/app.rb'), 'def handler(event:, context:) = "changed"\n')
    await rm(join(project, 'broken'), {recursive: true})
    await expect(build()).rejects.toMatchObject({code: 'BUILD_FAILED'})
    await mkdir(join(project, 'broken'))
    await writeFile(join(project, 'broken/tool'), 'ok\n')
    const fixed = await build()
    // The layer's content is as before: its old artifact stands; the functions were built by the failed build.
    expect(cachedById(fixed)).toEqual({Broken: true, Greeter: true, Twin: true})
    // What was reused is what the current app.rb makes.
    const again = await buildProject({templateFile: join(project, 'template.yaml'), cache: false, reporter: new RecordingReporter()})
    expect(again.manifest.artifacts.map((a) => a.sha256)).toEqual(fixed.manifest.artifacts.map((a) => a.sha256))
  })

  it('a damaged or foreign cache file means a full build, not an error', async () => {
    await build()
    for (const text of ['{"version": 2, "units": ', '{"version": 99}', 'null', '{"version": 3, "format": 1, "files": [1], "units": {"Greeter": {"inputs": [0]}}}']) {
      await writeFile(join(buildDir(), 'cache/build-cache.json'), text)
      expect(cachedById(await build())).toEqual({Greeter: false, Other: false})
    }
  })

  it('forgets a function removed from the template, but not one left out by --function', async () => {
    await build()
    await buildProject({templateFile: join(project, 'template.yaml'), functions: ['Greeter'], reporter: new RecordingReporter()})
    expect(BuildCache.load(buildDir(), project).record('Other')).toBeDefined()
    await writeFile(join(project, 'template.yaml'), TEMPLATE.slice(0, TEMPLATE.indexOf('  Other:')))
    await build()
    expect(BuildCache.load(buildDir(), project).record('Other')).toBeUndefined()
  })

  it('a cache that cannot be saved is a warning: the build still succeeds and writes its manifest', async () => {
    // A folder where the cache file goes: writing it fails for any user, root included.
    await mkdir(join(buildDir(), 'cache/build-cache.json'), {recursive: true})
    const reporter = new RecordingReporter()
    const result = await buildProject({templateFile: join(project, 'template.yaml'), reporter})
    expect(cachedById(result)).toEqual({Greeter: false, Other: false})
    expect(reporter.events.filter((e) => e.kind === 'build.cache-not-saved').map(levelOf)).toEqual(['warn'])
    expect(JSON.parse(await readFile(join(buildDir(), 'manifest.json'), 'utf8'))).toEqual(result.manifest)
  })

  it('#11.1 a file rewritten with the same size and its mtime set back is read again (its ctime moved)', async () => {
    const file = join(project, 'greeter/app.rb')
    const mtime = new Date('2026-01-02T03:04:05Z')
    await utimes(file, mtime, mtime)
    const first = await build()
    await writeFile(file, 'def handler(event:, context:) = "HI"\n')
    await utimes(file, mtime, mtime)
    const again = await build()
    expect(cachedById(again)).toEqual({Greeter: false, Other: true})
    expect(again.manifest.artifacts[0]!.inputsHash).not.toBe(first.manifest.artifacts[0]!.inputsHash)
  })

  it('--no-cache reads every input again instead of trusting recorded hashes', async () => {
    const first = await build()
    // A recorded hash that no longer describes the file, with its stamp intact: only reading the file can tell.
    const cacheFile = join(buildDir(), 'cache/build-cache.json')
    const stored = JSON.parse(await readFile(cacheFile, 'utf8')) as {files: [string, number, number, number, number, string][]}
    const stamp = stored.files.find(([path]) => path === 'greeter/app.rb')!
    stamp[5] = '0'.repeat(64)
    await writeFile(cacheFile, JSON.stringify(stored))
    expect(cachedById(await build())).toEqual({Greeter: true, Other: true})
    const forced = await buildProject({templateFile: join(project, 'template.yaml'), cache: false, reporter: new RecordingReporter()})
    expect(cachedById(forced)).toEqual({Greeter: false, Other: false})
    expect(forced.manifest.artifacts[0]!.inputsHash).toBe(first.manifest.artifacts[0]!.inputsHash)
    // What --no-cache learnt is kept: the next build trusts the true hash again.
    const cached = BuildCache.load(buildDir(), project)
    expect(cached.stamps.get(join(project, 'greeter/app.rb'))!.sha256).toBe(sha256(await readFile(join(project, 'greeter/app.rb'))))
    expect(cachedById(await build())).toEqual({Greeter: true, Other: true})
  })

  it('#11.1 a project copied to another folder and edited builds the edit (an esbuild bundle, whose inputs are known only from the last build)', async () => {
    const node = (folder: string) => `  Bundled:\n    Type: AWS::Serverless::Function\n    Properties: {CodeUri: ${folder}/, Handler: app.handler, Runtime: nodejs22.x}\n`
    await mkdir(join(project, 'bundled'))
    await writeFile(join(project, 'template.yaml'), HEADER + node('bundled'))
    await writeFile(join(project, 'bundled/app.js'), 'exports.handler = async () => "old"\n')
    const first = await build()
    const copy = await mkdtemp(join(tmpdir(), 'lpack-build-cache-copy-'))
    try {
      await cp(project, copy, {recursive: true})
      // The same length: the zip keeps its size.
      await writeFile(join(copy, 'bundled/app.js'), 'exports.handler = async () => "new"\n')
      const copied = await buildProject({templateFile: join(copy, 'template.yaml'), reporter: new RecordingReporter()})
      const clean = await buildProject({templateFile: join(copy, 'template.yaml'), buildDir: join(copy, 'clean'), reporter: new RecordingReporter()})
      expect(copied.manifest.artifacts[0]).toMatchObject({cached: false, sha256: clean.manifest.artifacts[0]!.sha256})
      expect(copied.manifest.artifacts[0]!.sha256).not.toBe(first.manifest.artifacts[0]!.sha256)
      // Unedited, the copy reuses what it built: the record holds project-relative paths.
      await cp(join(project, 'bundled/app.js'), join(copy, 'bundled/app.js'))
      const reverted = await buildProject({templateFile: join(copy, 'template.yaml'), reporter: new RecordingReporter()})
      expect(reverted.manifest.artifacts[0]).toMatchObject({cached: false, sha256: first.manifest.artifacts[0]!.sha256})
      expect((await buildProject({templateFile: join(copy, 'template.yaml'), reporter: new RecordingReporter()})).manifest.artifacts[0]!.cached).toBe(true)
      const stored = JSON.parse(await readFile(join(copy, '.lpack/build/cache/build-cache.json'), 'utf8')) as {files: [string][]}
      expect(stored.files.map(([file]) => file)).toEqual(['bundled/app.js'])
    } finally {
      await rm(copy, {recursive: true, force: true})
    }
  })

  it('#11.1 inputs outside the project folder are stored as ../ paths and found again', async () => {
    const outside = `${project}-shared`
    await mkdir(outside)
    try {
      await writeFile(join(outside, 'app.rb'), 'def handler(event:, context:) = "shared"\n')
      await writeFile(join(project, 'template.yaml'), HEADER + rubyFunction('Shared', `../${basename(outside)}`))
      await build()
      const stored = JSON.parse(await readFile(join(buildDir(), 'cache/build-cache.json'), 'utf8')) as {files: [string][]}
      expect(stored.files.map(([file]) => file)).toEqual([`../${basename(outside)}/app.rb`])
      expect(BuildCache.load(buildDir(), project).stamps.has(join(outside, 'app.rb'))).toBe(true)
      expect(cachedById(await build())).toEqual({Shared: true})
      await writeFile(join(outside, 'app.rb'), 'def handler(event:, context:) = "SHARED"\n')
      expect(cachedById(await build())).toEqual({Shared: false})
    } finally {
      await rm(outside, {recursive: true, force: true})
    }
  })

  it('#11.1 a cached zip whose bytes differ from the record is built again, even with the same size and mtime', async () => {
    const first = await build()
    const zip = join(buildDir(), 'artifacts/Greeter.zip')
    const before = await stat(zip)
    const bytes = await readFile(zip)
    // Another zip of the same size: one byte of the stored file name changed, the mtime put back.
    bytes[bytes.indexOf('app.rb')] = 'b'.charCodeAt(0)
    await writeFile(zip, bytes)
    await utimes(zip, before.atime, before.mtime)
    const again = await build()
    expect(cachedById(again)).toEqual({Greeter: false, Other: true})
    expect(again.manifest.artifacts[0]!.sha256).toBe(first.manifest.artifacts[0]!.sha256)
    expect(sha256(await readFile(zip))).toBe(first.manifest.artifacts[0]!.sha256)
  })
})
