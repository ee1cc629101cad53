import type {BuildOptions as EsbuildOptions} from 'esbuild'

import {LpackError} from '../../../../errors.js'
import type {BuildUnit} from '../../types.js'

/** How one function is bundled: SAM's esbuild BuildProperties resolved against lpack's defaults. Pure data. */
export interface NodeBundleSettings {
  /** Entry files relative to the code folder; empty when the entry comes from the Handler. */
  entryPoints: string[]
  format: 'cjs' | 'esm'
  target: string[]
  minify: boolean
  sourcemap: boolean
  sourcesContent: boolean
  mainFields: string[]
  /** Packages left out of the bundle (the runtime or a layer provides them). */
  external: string[]
  /** Packages installed into the package instead of bundled (native modules are added when found). */
  nodeModules: string[]
  loader: Record<string, string>
  outExtension: Record<string, string>
  banner: Record<string, string>
  define: Record<string, string>
}

/** BuildProperties SAM documents for esbuild, plus lpack's own (BundleAwsSdk, NodeModules, SourcesContent). */
export const KNOWN_BUILD_PROPERTIES = [
  'Banner', 'BundleAwsSdk', 'Define', 'EntryPoints', 'External', 'Format', 'Loader', 'MainFields', 'Minify',
  'NodeModules', 'OutExtension', 'Sourcemap', 'SourcesContent', 'Target',
] as const

/** The AWS SDK v3 ships with every Node.js runtime from nodejs18.x on. */
const AWS_SDK_EXTERNAL = '@aws-sdk/*'
/** Lets CommonJS dependencies `require()` inside an ESM bundle, where `require` does not exist. */
export const ESM_REQUIRE_BANNER = "import {createRequire as __lpackCreateRequire} from 'node:module';const require=__lpackCreateRequire(import.meta.url);"

/** `nodejs22.x` → 22; undefined for anything else. */
export function nodeMajorVersion(runtime: string | undefined): number | undefined {
  const match = /^nodejs(\d+)\.x$/.exec(runtime ?? '')
  return match ? Number(match[1]) : undefined
}

/**
 * Resolves a function's bundle settings from its BuildProperties (already merged over Globals and
 * lpack.config.yaml defaults by the plan). Pure; a property of the wrong shape is an error that names it.
 * Unknown properties come back as warnings so a typo (`Minfy`) does not pass silently.
 *
 * Without a Format, the output takes the entry's module format when it is known (`entryFormat`, from the
 * entry's extension and nearest package.json): an ES module may use top-level await, which CommonJS output
 * cannot hold. Otherwise CommonJS, as SAM's esbuild builder.
 */
export function resolveNodeBundleSettings(unit: BuildUnit, entryFormat?: 'cjs' | 'esm'): {settings: NodeBundleSettings; warnings: string[]} {
  const props = unit.buildProperties
  const where = (key: string) => `${unit.logicalId}: BuildProperties.${key}`
  const major = nodeMajorVersion(unit.runtime)
  const format = stringValue(props.Format, where('Format'))?.toLowerCase() ?? entryFormat ?? 'cjs'
  if (format !== 'cjs' && format !== 'esm') {
    throw new LpackError('BUILD_FAILED', `${where('Format')} must be cjs or esm, got '${format}'`, {hint: 'Lambda loads CommonJS (.js/.cjs) and ES modules (.mjs).'})
  }
  const nodeOptions = unit.environment.NODE_OPTIONS
  const sourceMapsEnabled = typeof nodeOptions === 'string' && nodeOptions.split(/\s+/).includes('--enable-source-maps')
  const bundleAwsSdk = booleanValue(props.BundleAwsSdk, where('BundleAwsSdk')) ?? false
  const external = listValue(props.External, where('External'))
  if (!bundleAwsSdk && major !== undefined && major >= 18 && !external.includes(AWS_SDK_EXTERNAL)) external.push(AWS_SDK_EXTERNAL)
  const outExtension = keyValues(props.OutExtension, where('OutExtension'))
  if (format === 'esm' && outExtension['.js'] === undefined) outExtension['.js'] = '.mjs'
  const banner = keyValues(props.Banner, where('Banner'), 'js')
  if (format === 'esm') banner.js = banner.js ? `${ESM_REQUIRE_BANNER}\n${banner.js}` : ESM_REQUIRE_BANNER
  const targetValue = props.Target === undefined ? undefined : listValue(props.Target, where('Target'))
  const mainFields = props.MainFields === undefined ? ['module', 'main'] : listValue(props.MainFields, where('MainFields'))
  const settings: NodeBundleSettings = {
    entryPoints: listValue(props.EntryPoints, where('EntryPoints')),
    format,
    target: targetValue ?? [major === undefined ? 'node20' : `node${major}`],
    minify: booleanValue(props.Minify, where('Minify')) ?? true,
    // SAM: NODE_OPTIONS=--enable-source-maps without a Sourcemap setting turns source maps on.
    sourcemap: booleanValue(props.Sourcemap, where('Sourcemap')) ?? sourceMapsEnabled,
    sourcesContent: booleanValue(props.SourcesContent, where('SourcesContent')) ?? true,
    mainFields,
    external: [...new Set(external)].sort(),
    nodeModules: [...new Set(listValue(props.NodeModules, where('NodeModules')))].sort(),
    loader: keyValues(props.Loader, where('Loader')),
    outExtension,
    banner,
    define: keyValues(props.Define, where('Define')),
  }
  const known = new Set<string>(KNOWN_BUILD_PROPERTIES)
  const warnings = Object.keys(props)
    .filter((key) => !known.has(key))
    .sort()
    .map((key) => `${unit.logicalId}: BuildProperties.${key} is not an esbuild setting lpack knows; it is ignored (known: ${KNOWN_BUILD_PROPERTIES.join(', ')})`)
  return {settings, warnings}
}

function stringValue(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw shapeError(where, 'a string', value)
  return value
}

function booleanValue(value: unknown, where: string): boolean | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'boolean') return value
  // SAM templates often quote booleans.
  if (value === 'true' || value === 'false') return value === 'true'
  throw shapeError(where, 'true or false', value)
}

/** A list, or a comma-separated string as SAM accepts for MainFields and Target. */
function listValue(value: unknown, where: string): string[] {
  if (value === undefined) return []
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter(Boolean)
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return [...value]
  throw shapeError(where, 'a list of strings', value)
}

/**
 * SAM writes these as lists of `key=value` (`.png=file`, `.js=.mjs`, `js=…`); a map is accepted too. A bare
 * string without `=` is the value of `bareKey` (a Banner given as plain JavaScript).
 */
function keyValues(value: unknown, where: string, bareKey?: string): Record<string, string> {
  if (value === undefined) return {}
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value)
    if (entries.every(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
      return Object.fromEntries(entries.map(([k, v]) => [k, String(v)]))
    }
    throw shapeError(where, 'a map of strings', value)
  }
  const items = typeof value === 'string' ? [value] : Array.isArray(value) && value.every((i) => typeof i === 'string') ? (value as string[]) : undefined
  if (!items) throw shapeError(where, 'a list of key=value strings', value)
  const result: Record<string, string> = {}
  for (const item of items) {
    const index = item.indexOf('=')
    // A banner is JavaScript and may hold '=' itself: only `js=` / `css=` prefixes name a key.
    const keyed = index > 0 && (!bareKey || /^(js|css)$/.test(item.slice(0, index)))
    if (!keyed) {
      if (bareKey && items.length === 1) return {[bareKey]: item}
      throw new LpackError('BUILD_FAILED', `${where}: '${item}' is not of the form key=value`)
    }
    result[item.slice(0, index)] = item.slice(index + 1)
  }
  return result
}

function shapeError(where: string, expected: string, value: unknown): LpackError {
  return new LpackError('BUILD_FAILED', `${where} must be ${expected}, got ${JSON.stringify(value)}`, {
    hint: 'See the esbuild BuildProperties SAM documents (EntryPoints, External, Format, Loader, MainFields, Minify, OutExtension, Sourcemap, Target, Banner, Define).',
  })
}

/**
 * The esbuild options of a function, apart from its entry points: equal options mean equal treatment of every
 * file, so functions with equal options can share one call (the batch key).
 */
export function esbuildOptions(codeDir: string, settings: NodeBundleSettings, shipped: ReadonlySet<string>): EsbuildOptions {
  return {
    absWorkingDir: codeDir,
    // Nothing is written (write: false): the output folder only decides the relative paths in the zip.
    outdir: codeDir,
    write: false,
    bundle: true,
    splitting: false,
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
}
