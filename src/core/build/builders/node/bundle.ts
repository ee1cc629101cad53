import {readFileSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {dirname, join, normalize, posix, relative, resolve, sep} from 'node:path'

import type * as Esbuild from 'esbuild'
import type {BuildFailure, BuildOptions as EsbuildOptions, Message, Metafile, Plugin} from 'esbuild'

import {LpackError} from '../../../../errors.js'
import {isFile} from '../../files.js'
import {allowsExternalSymlinks} from '../copy.js'
import type {BuildContext, BuildJob, BuildUnit, BuiltContent} from '../../types.js'
import type {ZipEntry} from '../../../package/zip.js'
import {assertCodeFolder, commonJsExports, findSourceFile, parseNodeHandler, type NodeHandler} from './handler.js'
import {findUp, installProductionPackages, isNativePackage, layerProvidedPackages, LOCKFILE_NAMES} from './packages.js'
import {esbuildOptions, nodeMajorVersion, resolveNodeBundleSettings, type NodeBundleSettings} from './settings.js'
import {toPosixPath} from '../../../fs-paths.js'

const require = createRequire(import.meta.url)

/**
 * Bundles a Node.js or TypeScript function with esbuild (SAM's `BuildMethod: esbuild`, and lpack's default for
 * Node.js functions): one minified file per entry, the AWS SDK left to the runtime, native modules and
 * `NodeModules` installed from the lockfile beside the bundle. The handler's export is checked in the output.
 * Functions with the same esbuild options are bundled in one esbuild call (see buildNodeBundles). This is the
 * esbuild builder's build half (./esbuild.ts), loaded only when a function is built.
 */

interface BundleOutcome {
  /** The run's metafile: its inputs are the whole run's; its outputs only this outcome's. */
  metafile: Metafile
  /** The metafile inputs this outcome's entries reach: what its bundles are made from. */
  inputs: string[]
  /** Sorted by `path`: relative to the code folder, forward slashes (the path in the zip and the metafile's key). */
  outputs: {path: string; contents: Uint8Array; readonly text: string}[]
  warnings: Message[]
  /** Inputs (metafile keys) that import a compiled `.node` addon: esbuild cannot bundle those. */
  nativeImporters: string[]
}

/** A function ready for esbuild: its settings and entries resolved, its handler parsed. */
interface PreparedBundle {
  unit: BuildUnit
  context: BuildContext
  settings: NodeBundleSettings
  warnings: string[]
  handler: NodeHandler
  /** Entry files relative to the code folder, and the output path (without extension) of each. */
  entries: {file: string; out: string}[]
  handlerEntry: string
  lockfile: string | undefined
  /** Packages the function's layers provide: left out of the bundle (the runtime finds them in /opt/nodejs). */
  layerPackages: {name: string; providedBy: string}[]
  /** The esbuild options apart from entry points: only bundles with equal options share an esbuild call. */
  optionsKey: string
}

/**
 * File-system answers the packaging of a bundle needs, remembered for the functions of one batch: they share
 * most folders and packages, so each is asked once.
 */
interface FolderLookups {
  /** Code folder → metafile input → the input's file (undefined: not a file), and its folder. */
  inputFiles: Map<string, Map<string, {file: string; folder: string} | undefined>>
  /** Folder and stop folder → the package.json / tsconfig.json / jsconfig.json files from it up to the stop folder. */
  configFiles: Map<string, string[]>
  /** Code folder → metafile input → the package it is part of (its name and folder), or null. */
  packages: Map<string, Map<string, {name: string; dir: string} | null>>
  /** Package folder → whether it holds a native addon. */
  natives: Map<string, boolean>
}

function newFolderLookups(): FolderLookups {
  return {inputFiles: new Map(), configFiles: new Map(), packages: new Map(), natives: new Map()}
}

export async function buildNodeBundle(unit: BuildUnit, context: BuildContext): Promise<BuiltContent> {
  startEsbuild()
  const prepared = await prepareBundle(unit, context)
  return finishBundle(prepared, await runEsbuild([prepared], new Set(prepared.settings.nodeModules)), newFolderLookups())
}

/**
 * Bundles functions that share esbuild options (equal batchKey) in one esbuild call with an entry point per
 * function and no code splitting: each output is the same independent bundle a call of its own makes, but the
 * dependencies they share are read and parsed once. Each function's part of the result — its outputs, and the
 * inputs reachable from its entries in the metafile's import graph — is then checked and packaged alone.
 * Throws when esbuild fails, so the pipeline builds each function alone and every diagnostic names its function.
 */
export async function buildNodeBundles(jobs: readonly BuildJob[]): Promise<Map<string, BuiltContent | Error>> {
  startEsbuild()
  const results = new Map<string, BuiltContent | Error>()
  // Preparing and finishing mostly wait for small file-system answers: all functions at once, in plan order.
  const prepared: PreparedBundle[] = []
  for (const [index, outcome] of (await Promise.allSettled(jobs.map(({unit, context}) => prepareBundle(unit, context)))).entries()) {
    if (outcome.status === 'fulfilled') prepared.push(outcome.value)
    else results.set(jobs[index]!.unit.logicalId, outcome.reason as Error)
  }
  const lookups = newFolderLookups()
  for (const group of withoutSharedOutputs(prepared)) {
    const outcome = await runEsbuild(group, new Set(group[0]!.settings.nodeModules))
    const finished = await Promise.allSettled(group.map((bundle) => finishBundle(bundle, outcomeOf(outcome, bundle), lookups)))
    for (const [index, bundle] of group.entries()) {
      const result = finished[index]!
      results.set(bundle.unit.logicalId, result.status === 'fulfilled' ? result.value : (result.reason as Error))
    }
  }
  return results
}

/**
 * Splits bundles into groups in which no two share an entry file or an output path: esbuild cannot write two
 * outputs to one path, and a shared entry would leave its output without a single owner. A group's bundles have
 * equal esbuild options: the batch key cannot see what the files decide (an ES module entry, a layer's packages).
 */
function withoutSharedOutputs(bundles: readonly PreparedBundle[]): PreparedBundle[][] {
  const groups: {key: string; bundles: PreparedBundle[]; taken: Set<string>}[] = []
  for (const bundle of bundles) {
    const claims = bundle.entries.flatMap((entry) => [`in:${entry.file}`, `out:${entry.out}`])
    let group = groups.find((g) => g.key === bundle.optionsKey && claims.every((claim) => !g.taken.has(claim)))
    if (!group) {
      group = {key: bundle.optionsKey, bundles: [], taken: new Set()}
      groups.push(group)
    }
    group.bundles.push(bundle)
    for (const claim of claims) group.taken.add(claim)
  }
  return groups.map((g) => g.bundles)
}

/**
 * One function's share of a batched esbuild result: the inputs reachable from its entries, the outputs of its
 * entries (with their source maps and CSS), the assets its inputs emitted, and the warnings in its inputs.
 */
function outcomeOf(outcome: BundleOutcome, bundle: PreparedBundle): BundleOutcome {
  const {inputs, outputs} = outcome.metafile
  const reachable = reachableInputs(importGraph(outcome.metafile), bundle.entries.map((entry) => entry.file))
  const entryFiles = new Set(bundle.entries.map((entry) => entry.file))
  const owned = new Set<string>()
  for (const [path, output] of Object.entries(outputs)) {
    if (output.entryPoint !== undefined ? entryFiles.has(output.entryPoint) : isAsset(path, outputs) && Object.keys(output.inputs).some((input) => reachable.has(input))) {
      owned.add(path)
      if (output.cssBundle) owned.add(output.cssBundle)
    }
  }
  for (const path of [...owned]) if (outputs[`${path}.map`]) owned.add(`${path}.map`)
  return {
    // The inputs object is shared, not copied for each function (20 copies of 300 entries cost ~18 ms).
    metafile: {inputs, outputs: Object.fromEntries(Object.entries(outputs).filter(([path]) => owned.has(path)))},
    inputs: [...reachable],
    outputs: outcome.outputs.filter((output) => owned.has(output.path)),
    warnings: outcome.warnings.filter((warning) => !warning.location || reachable.has(warning.location.file)),
    nativeImporters: outcome.nativeImporters.filter((input) => reachable.has(input)),
  }
}

/** A metafile's import graph with numbered inputs, built once per esbuild run and walked once per function. */
interface ImportGraph {
  paths: string[]
  ids: Map<string, number>
  /** For each input, the inputs it imports (external imports left out). */
  imports: number[][]
}

const importGraphs = new WeakMap<Metafile, ImportGraph>()

function importGraph(metafile: Metafile): ImportGraph {
  let graph = importGraphs.get(metafile)
  if (!graph) {
    const paths = Object.keys(metafile.inputs)
    const ids = new Map(paths.map((path, id) => [path, id]))
    const imports = paths.map((path) => metafile.inputs[path]!.imports.flatMap((imported) => (imported.external ? [] : (ids.get(imported.path) ?? []))))
    importGraphs.set(metafile, (graph = {paths, ids, imports}))
  }
  return graph
}

/**
 * The inputs reachable from the entries, tree-shaken ones included: a change to a file esbuild dropped (a new
 * side effect) can change the bundle, so the cache must see it.
 */
function reachableInputs(graph: ImportGraph, entries: readonly string[]): Set<string> {
  const seen = new Uint8Array(graph.paths.length)
  const reachable = new Set<string>()
  const pending = entries.flatMap((entry) => graph.ids.get(entry) ?? [])
  while (pending.length > 0) {
    const id = pending.pop()!
    if (seen[id]) continue
    seen[id] = 1
    reachable.add(graph.paths[id]!)
    for (const next of graph.imports[id]!) if (!seen[next]) pending.push(next)
  }
  return reachable
}

/** An output no entry point made: a file the `file` or `copy` loader emitted (not a source map, not CSS of an entry). */
function isAsset(path: string, outputs: Metafile['outputs']): boolean {
  return !path.endsWith('.map') && !Object.values(outputs).some((output) => output.cssBundle === path)
}

/** Resolves what esbuild needs for one function; an error here names the function and builds nothing. */
async function prepareBundle(unit: BuildUnit, context: BuildContext): Promise<PreparedBundle> {
  const resolved = resolveNodeBundleSettings(unit)
  const warnings = resolved.warnings
  let settings = resolved.settings
  assertCodeFolder(unit)
  const handler = parseNodeHandler(unit)
  const {entries, handlerEntry} = resolveEntries(unit, settings, handler)
  const entryFormat = moduleFormat(join(unit.codePath, handlerEntry))
  if (entryFormat === 'esm' && settings.format !== 'esm' && unit.buildProperties.Format === undefined) settings = resolveNodeBundleSettings(unit, entryFormat).settings
  const layerPackages = layerProvidedPackages(unit, context.plan)
  if (layerPackages.length > 0) settings = {...settings, external: [...new Set([...settings.external, ...layerPackages.map((p) => p.name)])].sort()}
  const optionsKey = JSON.stringify(esbuildOptions(unit.codePath, settings, new Set(settings.nodeModules)))
  return {unit, context, settings, warnings, handler, entries: withOutputPaths(entries), handlerEntry, lockfile: findUp(unit.codePath, LOCKFILE_NAMES), layerPackages, optionsKey}
}

/**
 * The module format Node.js gives a file: .mjs/.mts are ES modules, .cjs/.cts CommonJS, and any other the
 * `type` of the nearest package.json (CommonJS without one).
 */
export function moduleFormat(file: string): 'esm' | 'cjs' {
  if (/\.m[jt]s$/.test(file)) return 'esm'
  if (/\.c[jt]s$/.test(file)) return 'cjs'
  const packageJson = findUp(dirname(file), ['package.json'])
  if (packageJson === undefined) return 'cjs'
  try {
    return (JSON.parse(readFileSync(packageJson, 'utf8')) as {type?: unknown}).type === 'module' ? 'esm' : 'cjs'
  } catch {
    return 'cjs'
  }
}

/**
 * Names each entry's output as esbuild does for a build of this function alone: the entry's path from the
 * entries' lowest common folder, without its extension (`src/handlers/app.ts` alone → `app`). Given
 * explicitly, the names stay the same when other functions' entries share the esbuild call.
 */
function withOutputPaths(entries: readonly string[]): {file: string; out: string}[] {
  const files = entries.map((entry) => toPosix(normalize(entry)))
  const folders = files.map((file) => posix.dirname(file).split('/'))
  let common = folders[0]!
  for (const folder of folders.slice(1)) {
    let length = 0
    while (length < common.length && length < folder.length && common[length] === folder[length]) length++
    common = common.slice(0, length)
  }
  const base = common.join('/')
  return files.map((file) => {
    const out = posix.relative(base === '' ? '.' : base, file)
    return {file, out: out.slice(0, out.length - posix.extname(out).length)}
  })
}

/** Checks and packages one function's bundle; natives found in it rebuild it alone, with them left external. */
async function finishBundle(prepared: PreparedBundle, bundled: BundleOutcome, lookups: FolderLookups): Promise<BuiltContent> {
  const {unit, context, settings, warnings, handler, handlerEntry, lockfile} = prepared
  const codeDir = unit.codePath
  // Native addons cannot be bundled: found in the first pass, they are left external and installed instead.
  let shipped = new Set(settings.nodeModules)
  let outcome = bundled
  const natives = [...new Set([...nativePackagesIn(outcome.inputs, codeDir, lookups), ...outcome.nativeImporters.map((input) => addonPackage(input, unit))])].sort()
  const nativesFound = natives.filter((name) => !shipped.has(name))
  if (nativesFound.length > 0) {
    shipped = new Set([...shipped, ...natives])
    outcome = await runEsbuild([prepared], shipped)
  }
  const notes = nativesFound.map((name) => `${unit.logicalId}: ${name} has native code (a compiled .node addon): installed in node_modules from the lockfile, not bundled`)

  // A Buffer over esbuild's bytes, not a copy of them.
  const zipEntries: ZipEntry[] = outcome.outputs.map(({path, contents}) => ({path, content: Buffer.from(contents.buffer, contents.byteOffset, contents.byteLength)}))
  const propertyUpdates = await checkHandler(unit, handler, handlerEntry, outcome, codeDir)
  if (settings.sourcemap) Object.assign(propertyUpdates, sourceMapEnvironment(unit))

  if (shipped.size > 0) {
    const packageJson = findUp(codeDir, ['package.json'])
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
      allowExternalSymlinks: allowsExternalSymlinks(unit),
    })
    for (const file of installed) zipEntries.push({path: file.path, sourceFile: file.file, executable: file.executable})
  }

  const inputFiles = bundleInputFiles(outcome.inputs, codeDir, lockfile ? dirname(lockfile) : context.plan.projectDir, lookups)
  if (lockfile) inputFiles.push(lockfile)
  return {
    entries: zipEntries,
    inputFiles,
    propertyUpdates,
    largestInputs: largestInputs(outcome.metafile),
    warnings: [...warnings, ...notes, ...outcome.warnings.slice(0, 5).map((w) => `${unit.logicalId}: esbuild: ${formatMessage(w, unit, context)}`)],
    ...(prepared.layerPackages.length > 0 ? {providedElsewhere: prepared.layerPackages.map(({name, providedBy}) => ({name, providedBy: `layer ${providedBy}`}))} : {}),
  }
}

/**
 * The package whose code loads a compiled addon: the one in node_modules the input lies in, or, for a linked
 * package (a workspace member, a `file:` folder, which esbuild reads at its real path), the package.json above
 * it. Native code in the function's own sources cannot be installed from the lockfile: that is an error.
 */
function addonPackage(input: string, unit: BuildUnit): string {
  const inNodeModules = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)
  if (inNodeModules) return inNodeModules[1]!
  const file = resolve(unit.codePath, input)
  const packageJson = findUp(dirname(file), ['package.json'])
  const name = packageJson === undefined ? undefined : packageName(packageJson)
  const ownCode = packageJson !== undefined && (unit.codePath + sep).startsWith(dirname(packageJson) + sep)
  if (name === undefined || ownCode) {
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: ${input} loads a compiled addon (.node file), which cannot be bundled`, {
      hint: 'Put the native code in a package of its own (a dependency in package.json, e.g. "file:./native"): lpack then installs it beside the bundle.',
    })
  }
  return name
}

function packageName(packageJson: string): string | undefined {
  try {
    const name = (JSON.parse(readFileSync(packageJson, 'utf8')) as {name?: unknown}).name
    return typeof name === 'string' && name !== '' ? name : undefined
  } catch {
    return undefined
  }
}

/** The entry files (relative to the code folder) and the one the Handler names. */
function resolveEntries(unit: BuildUnit, settings: NodeBundleSettings, handler: NodeHandler): {entries: string[]; handlerEntry: string} {
  const codeDir = unit.codePath
  if (settings.entryPoints.length === 0) {
    const entry = findSourceFile(codeDir, handler.module)
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
    const entry = findSourceFile(codeDir, entryPoint, ['.ts', '.js'])
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

let esbuildStarted = false

/**
 * esbuild, with its service process started: the first call starts the process, so a build starts it before it
 * prepares its functions and the process comes up meanwhile. require(), not import(): esbuild is CommonJS, and
 * Node would first scan its 100 KB for named exports (~15 ms).
 */
function startEsbuild(): typeof Esbuild {
  const esbuild = require('esbuild') as typeof Esbuild
  if (!esbuildStarted) {
    esbuildStarted = true
    try {
      // A service that cannot start fails the build call that needs it, with esbuild's own message.
      esbuild.initialize({}).catch(() => undefined)
    } catch {
      // Started already, by another copy of this module (a test runner loads modules afresh, Node's require once).
    }
  }
  return esbuild
}

/** Runs esbuild once for the entries of one or more functions that share their esbuild options. */
async function runEsbuild(bundles: readonly PreparedBundle[], shipped: ReadonlySet<string>): Promise<BundleOutcome> {
  const esbuild = startEsbuild()
  const {unit, context, settings} = bundles[0]!
  const codeDir = unit.codePath
  const nativeImporters = new Set<string>()
  const options: EsbuildOptions = {
    ...esbuildOptions(codeDir, settings, shipped),
    entryPoints: bundles.flatMap((bundle) => bundle.entries.map((entry) => ({in: join(codeDir, entry.file), out: entry.out}))),
    plugins: [
      nativeAddonPlugin(codeDir, nativeImporters),
      ...(settings.format === 'esm' && bundles[0]!.layerPackages.length > 0 ? [layerRequirePlugin(codeDir, bundles[0]!.layerPackages.map((p) => p.name))] : []),
    ],
  }
  try {
    const result = await esbuild.build(options)
    return {
      nativeImporters: [...nativeImporters].sort(),
      metafile: result.metafile!,
      inputs: Object.keys(result.metafile!.inputs),
      // esbuild's output files decode `text` only when read: most never are.
      outputs: result
        .outputFiles!.map((file) => ({path: toPosix(relative(codeDir, file.path)), contents: file.contents, get text() {
          return file.text
        }}))
        .sort((a, b) => (a.path < b.path ? -1 : 1)),
      warnings: result.warnings,
    }
  } catch (error) {
    // Diagnostics are formatted for the first function; a batch that fails is built again function by function.
    const failure = error as Partial<BuildFailure>
    if (!Array.isArray(failure.errors)) {
      throw new LpackError('BUILD_FAILED', `${unit.logicalId}: esbuild failed: ${(error as Error).message}`, {cause: error})
    }
    const awsSdkV2 = awsSdkV2Error(failure.errors, unit)
    if (awsSdkV2) throw awsSdkV2
    const lines = failure.errors.slice(0, 10).map((m) => `  ${formatMessage(m, unit, context)}`)
    const more = failure.errors.length > 10 ? `\n  … and ${failure.errors.length - 10} more` : ''
    const first = failure.errors[0]?.location?.file
    const entries = bundles.flatMap((bundle) => bundle.entries.map((entry) => entry.file))
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

/**
 * Notes which inputs import a compiled addon (`require('./build/Release/x.node')`) and leaves that import alone,
 * so the bundle completes; the packages of those inputs are then installed instead of bundled (finishBundle).
 * Without it esbuild stops at "No loader is configured for .node files".
 */
function nativeAddonPlugin(codeDir: string, importers: Set<string>): Plugin {
  return {
    name: 'lpack-native-addons',
    setup(build) {
      build.onResolve({filter: /\.node$/}, (args) => {
        if (args.importer !== '') importers.add(toPosix(relative(codeDir, args.importer)))
        return {path: args.path, external: true}
      })
    },
  }
}

/**
 * In an ES module bundle, imports of a layer's packages become `require()` calls: Node.js resolves `import`
 * without NODE_PATH, which is how Lambda finds a layer's /opt/nodejs/node_modules; `require` (the banner's
 * createRequire) uses it. Each import is served by a small CommonJS module that requires the package, so
 * esbuild's interop gives the importer its named and default exports.
 */
function layerRequirePlugin(codeDir: string, names: readonly string[]): Plugin {
  const escaped = names.map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
  const filter = new RegExp(`^(${escaped.join('|')})(/.*)?$`)
  return {
    name: 'lpack-layer-require',
    setup(build) {
      build.onResolve({filter}, (args) => (args.kind === 'require-call' ? {path: args.path, external: true} : {path: args.path, namespace: 'lpack-layer'}))
      build.onLoad({filter: /.*/, namespace: 'lpack-layer'}, (args) => ({contents: `module.exports = require(${JSON.stringify(args.path)})`, loader: 'js', resolveDir: codeDir}))
    },
  }
}

/**
 * The AWS SDK for JavaScript v2 (`aws-sdk`) is not in Lambda's nodejs18.x and later runtimes: code that requires
 * it and a project that does not install it get an error that says so, and how to fix it.
 */
function awsSdkV2Error(errors: readonly Message[], unit: BuildUnit): LpackError | undefined {
  const major = nodeMajorVersion(unit.runtime)
  if (major === undefined || major < 18) return undefined
  const missing = errors.find((m) => /^Could not resolve "aws-sdk(\/[^"]*)?"/.test(m.text))
  if (!missing) return undefined
  const where = missing.location ? ` (${toPosix(relative(unit.codePath, resolve(unit.codePath, missing.location.file)))}:${missing.location.line})` : ''
  return new LpackError('BUILD_FAILED', `${unit.logicalId}: the code requires aws-sdk${where}, the AWS SDK for JavaScript v2, which Lambda's ${unit.runtime} runtime does not include (only v3, @aws-sdk/*, from nodejs18.x on)`, {
    hint: 'Install it so it is bundled (npm install aws-sdk), or move to the AWS SDK v3: npm install @aws-sdk/client-s3 (one package per service) and import {S3Client} from "@aws-sdk/client-s3".',
    details: {errors: errors.map((m) => ({text: m.text}))},
  })
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
  const output = outputKey === undefined ? undefined : outcome.outputs.find((o) => o.path === outputKey)
  if (!outputKey || !output) throw new LpackError('INTERNAL', `${unit.logicalId}: esbuild produced no output for ${handlerEntry}`)
  const meta = outcome.metafile.outputs[outputKey]!
  const isEsm = /\.mjs$/.test(outputKey) || meta.exports.length > 0
  if (!isEsm && (await annotatedExports(output.contents))?.includes(handler.exportName)) return handlerUpdate(outputKey, handler)
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
  return handlerUpdate(outputKey, handler)
}

/** How much of a bundle's end is searched for esbuild's export annotation. */
const ANNOTATION_WINDOW_BYTES = 16 * 1024

/**
 * The exports esbuild lists at the end of a CommonJS bundle made from an ES module — `0 && (module.exports =
 * {handler})`, written for cjs-module-lexer — lexed alone: lexing whole bundles costs ~5 ms per function.
 * Undefined when the bundle does not end that way (a CommonJS entry) or lists exports the lexer cannot follow; the
 * whole bundle is lexed then.
 */
async function annotatedExports(contents: Uint8Array): Promise<string[] | undefined> {
  const start = Math.max(0, contents.byteLength - ANNOTATION_WINDOW_BYTES)
  const tail = Buffer.from(contents.buffer, contents.byteOffset + start, contents.byteLength - start).toString('utf8')
  const annotation = [...tail.matchAll(/0\s*&&\s*\(\s*module\.exports\s*=\s*\{/g)].at(-1)
  return annotation ? commonJsExports(tail.slice(annotation.index)) : undefined
}

/** The Handler property pointing at the built file, when it is not where the template's Handler points. */
function handlerUpdate(outputKey: string, handler: NodeHandler): Record<string, unknown> {
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
function nativePackagesIn(inputs: readonly string[], codeDir: string, lookups: FolderLookups): string[] {
  let owners = lookups.packages.get(codeDir)
  if (!owners) lookups.packages.set(codeDir, (owners = new Map()))
  const packages = new Map<string, string>()
  for (const input of inputs) {
    let owner = owners.get(input)
    if (owner === undefined) {
      const match = /^(.*node_modules\/)((?:@[^/]+\/)?[^/]+)\//.exec(input)
      owners.set(input, (owner = match ? {name: match[2]!, dir: resolve(codeDir, match[1]! + match[2]!)} : null))
    }
    if (owner && !packages.has(owner.name)) packages.set(owner.name, owner.dir)
  }
  const natives: string[] = []
  for (const [name, dir] of packages) {
    let native = lookups.natives.get(dir)
    if (native === undefined) lookups.natives.set(dir, (native = isNativePackage(dir)))
    if (native) natives.push(name)
  }
  return natives.sort()
}

/**
 * Every file whose content decides the bundle: what esbuild read (the metafile), and the package.json and
 * tsconfig.json files on the way up from each of them, which steer resolution and transpiling. Synchronous
 * stats, remembered per folder: a bundle has hundreds of inputs in tens of folders.
 */
function bundleInputFiles(inputs: readonly string[], codeDir: string, stopDir: string, lookups: FolderLookups): string[] {
  let known = lookups.inputFiles.get(codeDir)
  if (!known) lookups.inputFiles.set(codeDir, (known = new Map()))
  const files = new Set<string>()
  const folders = new Set<string>()
  for (const input of inputs) {
    let found = known.get(input)
    if (found === undefined && !known.has(input)) {
      // Inputs in an esbuild namespace (`namespace:path`) are not files.
      const file = /^[a-z-]+:/i.test(input) ? undefined : resolve(codeDir, input)
      known.set(input, (found = file === undefined ? undefined : {file, folder: dirname(file)}))
    }
    if (!found) continue
    files.add(found.file)
    folders.add(found.folder)
  }
  for (const folder of folders) for (const file of configFilesUpTo(folder, stopDir, lookups)) files.add(file)
  return [...files].sort()
}

function configFilesUpTo(dir: string, stopDir: string, lookups: FolderLookups): string[] {
  const key = `${dir}\0${stopDir}`
  let found = lookups.configFiles.get(key)
  if (!found) {
    found = ['package.json', 'tsconfig.json', 'jsconfig.json'].map((name) => join(dir, name)).filter(isFile)
    const parent = dirname(dir)
    if (dir !== stopDir && parent !== dir && (parent === stopDir || parent.startsWith(stopDir + sep))) found.push(...configFilesUpTo(parent, stopDir, lookups))
    lookups.configFiles.set(key, found)
  }
  return found
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

const toPosix = toPosixPath
