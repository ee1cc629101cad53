import {readFile, stat} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {dirname, join, relative, resolve, sep} from 'node:path'

import type {BuildFailure, BuildOptions as EsbuildOptions, Message, Metafile} from 'esbuild'

import {LpackError} from '../../../../errors.js'
import type {BuildContext, BuildUnit, BuiltContent, RuntimeBuilder} from '../../types.js'
import type {ZipEntry} from '../../../package/zip.js'
import {assertCodeFolder, commonJsExports, findSourceFile, parseNodeHandler, type NodeHandler} from './handler.js'
import {findUp, installProductionPackages, isNativePackage, LOCKFILE_NAMES} from './packages.js'
import {resolveNodeBundleSettings, type NodeBundleSettings} from './settings.js'

const require = createRequire(import.meta.url)

/** Tool versions that change the bytes of a bundle: part of every Node function's cache key. */
export function nodeToolVersions(): {esbuild: string; lpack: string} {
  return {
    esbuild: (require('esbuild/package.json') as {version: string}).version,
    lpack: (require('../../../../../package.json') as {version: string}).version,
  }
}

/**
 * Bundles a Node.js or TypeScript function with esbuild (SAM's `BuildMethod: esbuild`, and lpack's default for
 * Node.js functions): one minified file per entry, the AWS SDK left to the runtime, native modules and
 * `NodeModules` installed from the lockfile beside the bundle. The handler's export is checked in the output.
 */
export const esbuildBuilder: RuntimeBuilder = {
  name: 'esbuild',
  accepts: (unit) => unit.kind === 'function' && (unit.family === 'nodejs' || unit.buildMethod === 'esbuild'),
  async fingerprint(unit) {
    return {settings: resolveNodeBundleSettings(unit).settings, tools: nodeToolVersions()}
  },
  build: buildNodeBundle,
}

interface BundleOutcome {
  metafile: Metafile
  outputs: {path: string; contents: Uint8Array; text: string}[]
  warnings: Message[]
}

async function buildNodeBundle(unit: BuildUnit, context: BuildContext): Promise<BuiltContent> {
  const {settings, warnings} = resolveNodeBundleSettings(unit)
  await assertCodeFolder(unit)
  const codeDir = unit.codePath
  const handler = parseNodeHandler(unit)
  const {entries, handlerEntry} = await resolveEntries(unit, settings, handler)
  const lockfile = await findUp(codeDir, LOCKFILE_NAMES)

  // Native addons cannot be bundled: found in the first pass, they are left external and installed instead.
  let shipped = new Set(settings.nodeModules)
  let outcome = await runEsbuild(unit, context, settings, entries, shipped)
  const natives = await nativePackagesIn(outcome.metafile, codeDir)
  if (natives.some((name) => !shipped.has(name))) {
    shipped = new Set([...shipped, ...natives])
    outcome = await runEsbuild(unit, context, settings, entries, shipped)
  }

  const zipEntries: ZipEntry[] = outcome.outputs.map((output) => ({path: toPosix(relative(codeDir, output.path)), content: Buffer.from(output.contents)}))
  const propertyUpdates = await checkHandler(unit, handler, handlerEntry, outcome, codeDir)
  if (settings.sourcemap) Object.assign(propertyUpdates, sourceMapEnvironment(unit))

  if (shipped.size > 0) {
    const packageJson = await findUp(codeDir, ['package.json'])
    if (!lockfile || !packageJson) {
      throw new LpackError('BUILD_FAILED', `${unit.logicalId}: ${[...shipped].join(', ')} must be installed beside the bundle, but there is no package-lock.json at or above ${codeDir}`, {
        hint: 'Run `npm install` in the project so the versions are locked.',
      })
    }
    const installed = await installProductionPackages({
      lockfile,
      importerDir: dirname(packageJson),
      names: [...shipped].sort(),
      destDir: join(context.scratchDir, 'install'),
      cacheDir: join(context.buildDir, 'cache', 'node-modules'),
      architecture: unit.architecture,
      signal: context.signal,
      label: unit.logicalId,
    })
    for (const file of installed) zipEntries.push({path: file.path, sourceFile: file.file, executable: file.executable})
  }

  const inputFiles = await bundleInputFiles(outcome.metafile, codeDir, lockfile ? dirname(lockfile) : context.plan.projectDir)
  if (lockfile) inputFiles.push(lockfile)
  return {
    entries: zipEntries,
    inputFiles,
    propertyUpdates,
    largestInputs: largestInputs(outcome.metafile),
    warnings: [...warnings, ...outcome.warnings.slice(0, 5).map((w) => `${unit.logicalId}: esbuild: ${formatMessage(w, unit, context)}`)],
  }
}

/** The entry files (relative to the code folder) and the one the Handler names. */
async function resolveEntries(unit: BuildUnit, settings: NodeBundleSettings, handler: NodeHandler): Promise<{entries: string[]; handlerEntry: string}> {
  const codeDir = unit.codePath
  if (settings.entryPoints.length === 0) {
    const entry = await findSourceFile(codeDir, handler.module)
    if (!entry) {
      throw new LpackError('BUILD_FAILED', `${unit.logicalId}: entry file not found for Handler '${unit.handler}': no ${handler.module}.ts/.js (or .mts, .cts, .tsx, .mjs, .cjs, .jsx) in ${codeDir}`, {
        hint: 'The Handler is path/to/file.export relative to CodeUri; or set Metadata.BuildProperties.EntryPoints.',
      })
    }
    return {entries: [entry], handlerEntry: entry}
  }
  const entries: string[] = []
  for (const entryPoint of settings.entryPoints) {
    // SAM tries .ts then .js for an entry point given without an extension.
    const entry = await findSourceFile(codeDir, entryPoint, ['.ts', '.js'])
    if (!entry) {
      throw new LpackError('BUILD_FAILED', `${unit.logicalId}: entry point ${entryPoint} not found in ${codeDir}`, {hint: 'EntryPoints are relative to CodeUri.'})
    }
    entries.push(entry)
  }
  const withoutExtension = (path: string) => path.replace(/\.[^./]+$/, '')
  const baseName = (path: string) => withoutExtension(path).split('/').pop()
  const handlerEntry =
    entries.find((e) => withoutExtension(e) === handler.module) ??
    entries.find((e) => baseName(e) === baseName(handler.module)) ??
    (entries.length === 1 ? entries[0] : undefined)
  if (!handlerEntry) {
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: Handler '${unit.handler}' names none of the EntryPoints (${entries.join(', ')})`, {
      hint: 'Name the handler after its entry file: EntryPoints [src/app.ts] → Handler app.handler.',
    })
  }
  return {entries, handlerEntry}
}

async function runEsbuild(unit: BuildUnit, context: BuildContext, settings: NodeBundleSettings, entries: string[], shipped: ReadonlySet<string>): Promise<BundleOutcome> {
  const esbuild = await import('esbuild')
  const codeDir = unit.codePath
  const options: EsbuildOptions = {
    absWorkingDir: codeDir,
    entryPoints: entries.map((entry) => join(codeDir, entry)),
    // Nothing is written (write: false): the output folder only decides the relative paths in the zip.
    outdir: codeDir,
    write: false,
    bundle: true,
    packages: 'bundle',
    platform: 'node',
    target: settings.target,
    format: settings.format,
    minify: settings.minify,
    sourcemap: settings.sourcemap,
    sourcesContent: settings.sourcesContent,
    mainFields: settings.mainFields,
    external: [...settings.external, ...shipped],
    loader: settings.loader as EsbuildOptions['loader'],
    outExtension: settings.outExtension,
    banner: settings.banner,
    define: settings.define,
    metafile: true,
    logLevel: 'silent',
  }
  try {
    const result = await esbuild.build(options)
    return {
      metafile: result.metafile!,
      outputs: result.outputFiles!.map((f) => ({path: f.path, contents: f.contents, text: f.text})).sort((a, b) => (a.path < b.path ? -1 : 1)),
      warnings: result.warnings,
    }
  } catch (error) {
    const failure = error as Partial<BuildFailure>
    if (!Array.isArray(failure.errors)) {
      throw new LpackError('BUILD_FAILED', `${unit.logicalId}: esbuild failed: ${(error as Error).message}`, {cause: error})
    }
    const lines = failure.errors.slice(0, 10).map((m) => `  ${formatMessage(m, unit, context)}`)
    const more = failure.errors.length > 10 ? `\n  … and ${failure.errors.length - 10} more` : ''
    const first = failure.errors[0]?.location?.file
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: esbuild could not bundle ${first ? projectPath(first, unit, context) : entries.join(', ')}:\n${lines.join('\n')}${more}`, {
      hint: 'Fix the code at the positions shown (file:line:column).',
      details: {
        errors: failure.errors.map((m) => ({
          text: m.text,
          ...(m.location ? {file: projectPath(m.location.file, unit, context), line: m.location.line, column: m.location.column + 1} : {}),
        })),
      },
    })
  }
}

/** `src/app.ts:3:7: Expected ";" but found "x"` with a 1-based column and the path from the project folder. */
function formatMessage(message: Message, unit: BuildUnit, context: BuildContext): string {
  const location = message.location
  if (!location) return message.text
  return `${projectPath(location.file, unit, context)}:${location.line}:${location.column + 1}: ${message.text}`
}

function projectPath(file: string, unit: BuildUnit, context: BuildContext): string {
  return toPosix(relative(context.plan.projectDir, resolve(unit.codePath, file))) || file
}

/**
 * Checks that the handler's export exists in the bundle, without running it: an ES module bundle lists its
 * exports in the metafile; a CommonJS bundle is read with cjs-module-lexer, the lexer Node.js uses to find a
 * CommonJS module's named exports (esbuild annotates its CommonJS output for exactly that lexer). When the
 * exports are assigned dynamically, the check is skipped rather than guessed. Returns the Handler rewrite
 * when the built file is not where the Handler points (SAM's behaviour: the bundle sits at the zip root).
 */
async function checkHandler(unit: BuildUnit, handler: NodeHandler, handlerEntry: string, outcome: BundleOutcome, codeDir: string): Promise<Record<string, unknown>> {
  const entryKey = toPosix(relative(codeDir, join(codeDir, handlerEntry)))
  const outputKey = Object.keys(outcome.metafile.outputs).find((key) => outcome.metafile.outputs[key]!.entryPoint === entryKey)
  const output = outputKey === undefined ? undefined : outcome.outputs.find((o) => toPosix(relative(codeDir, o.path)) === outputKey)
  if (!outputKey || !output) throw new LpackError('INTERNAL', `${unit.logicalId}: esbuild produced no output for ${handlerEntry}`)
  const meta = outcome.metafile.outputs[outputKey]!
  const isEsm = /\.mjs$/.test(outputKey) || meta.exports.length > 0
  let exports: string[] | undefined = isEsm ? meta.exports : await commonJsExports(output.text)
  if (!isEsm && exports === undefined && outcome.metafile.inputs[entryKey]?.format !== 'esm') {
    // A CommonJS entry bundled with its imports is wrapped; its own source still shows what it exports.
    exports = await commonJsExports(await readFile(join(codeDir, handlerEntry), 'utf8'))
  }
  if (exports !== undefined && !exports.includes(handler.exportName)) {
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: ${handlerEntry} has no export '${handler.exportName}' (Handler ${unit.handler}); it exports ${exports.length > 0 ? exports.join(', ') : 'nothing'}`, {
      hint: `Export the function (export const ${handler.exportName} = …) or fix the Handler.`,
    })
  }
  const builtModule = outputKey.replace(/\.[^./]+$/, '')
  return builtModule === handler.module ? {} : {Handler: `${builtModule}.${handler.exportPath}`}
}

/** SAM adds `NODE_OPTIONS: --enable-source-maps` when Sourcemap is on, so stack traces point at the sources. */
function sourceMapEnvironment(unit: BuildUnit): Record<string, unknown> {
  const current = unit.environment.NODE_OPTIONS
  if (typeof current === 'string' && current.split(/\s+/).includes('--enable-source-maps')) return {}
  const nodeOptions = typeof current === 'string' && current.trim() !== '' ? `${current.trim()} --enable-source-maps` : '--enable-source-maps'
  return {Environment: {Variables: {...unit.environment, NODE_OPTIONS: nodeOptions}}}
}

/** Packages in the bundle that load compiled addons (they must be installed, not bundled). */
async function nativePackagesIn(metafile: Metafile, codeDir: string): Promise<string[]> {
  const packages = new Map<string, string>()
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules\/)((?:@[^/]+\/)?[^/]+)\//.exec(input)
    if (match && !packages.has(match[2]!)) packages.set(match[2]!, resolve(codeDir, match[1]! + match[2]!))
  }
  const natives: string[] = []
  for (const [name, dir] of packages) if (await isNativePackage(dir)) natives.push(name)
  return natives.sort()
}

/**
 * Every file whose content decides the bundle: what esbuild read (the metafile), and the package.json and
 * tsconfig.json files on the way up from each of them, which steer resolution and transpiling.
 */
async function bundleInputFiles(metafile: Metafile, codeDir: string, stopDir: string): Promise<string[]> {
  const files = new Set<string>()
  const dirs = new Set<string>()
  for (const input of Object.keys(metafile.inputs)) {
    if (/^[a-z-]+:/i.test(input)) continue
    const file = resolve(codeDir, input)
    files.add(file)
    dirs.add(dirname(file))
  }
  const visited = new Set<string>()
  const inside = (dir: string) => dir === stopDir || dir.startsWith(stopDir + sep)
  for (const start of dirs) {
    let dir = start
    while (!visited.has(dir)) {
      visited.add(dir)
      for (const name of ['package.json', 'tsconfig.json', 'jsconfig.json']) {
        const candidate = join(dir, name)
        if ((await stat(candidate).catch(() => undefined))?.isFile()) files.add(candidate)
      }
      const parent = dirname(dir)
      if (dir === stopDir || parent === dir || !inside(parent)) break
      dir = parent
    }
  }
  return [...files].sort()
}

function largestInputs(metafile: Metafile): {path: string; bytes: number}[] {
  const bytes = new Map<string, number>()
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) bytes.set(path, (bytes.get(path) ?? 0) + input.bytesInOutput)
  }
  return [...bytes]
    .map(([path, size]) => ({path, bytes: size}))
    .sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1))
    .slice(0, 10)
}

function toPosix(path: string): string {
  return path.split(sep).join('/')
}
