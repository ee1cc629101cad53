import {createHash} from 'node:crypto'
import {readdirSync, readFileSync} from 'node:fs'
import {cp, mkdir, readFile, rename, rm, stat, writeFile} from 'node:fs/promises'
import {dirname, isAbsolute, join, relative, resolve, sep} from 'node:path'

import {LpackError} from '../../../../errors.js'
import {isFile, listSourceFiles, type SourceFile} from '../../files.js'
import {lastLines, runTool} from '../../run-tool.js'
import type {Architecture, BuildPlan, BuildUnit} from '../../types.js'
import {nodeMajorVersion} from './settings.js'
import {toPosixPath} from '../../../fs-paths.js'

export const LOCKFILE_NAMES = ['npm-shrinkwrap.json', 'package-lock.json']

/**
 * What Lambda never loads from node_modules: type declarations, source maps, docs, tests, CI files. Licences
 * stay (they must ship with the code they cover).
 */
export const NODE_MODULES_PRUNE = [
  '*.d.ts', '*.d.mts', '*.d.cts', '*.map', '*.md', '*.markdown', 'README*', 'CHANGELOG*', 'HISTORY*',
  'test/', 'tests/', '__tests__/', 'docs/', 'doc/', 'example/', 'examples/', '.github/', '*.tsbuildinfo',
  '.bin/', '.package-lock.json', '.eslintrc*', '.prettierrc*', '.editorconfig', '.npmignore', '.travis.yml',
]

/** The nearest folder at or above `dir` that holds a file named one of `names`. */
export function findUp(dir: string, names: readonly string[]): string | undefined {
  let current = resolve(dir)
  for (;;) {
    for (const name of names) {
      if (isFile(join(current, name))) return join(current, name)
    }
    const parent = dirname(current)
    if (parent === current) return undefined
    current = parent
  }
}

interface LockEntry {
  version?: string
  resolved?: string
  integrity?: string
  link?: boolean
  dev?: boolean
  optional?: boolean
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, {optional?: boolean}>
  [key: string]: unknown
}

interface Lockfile {
  lockfileVersion?: number
  packages?: Record<string, LockEntry>
}

export interface InstallRequest {
  lockfile: string
  /** Folder of the package.json whose dependencies are installed (a workspace member, or the project). */
  importerDir: string
  /** Only these packages (and what they need); every production dependency of the importer when absent. */
  names?: readonly string[]
  /** Scratch folder: node_modules is created in it when the install is not cached. */
  destDir: string
  /**
   * Folder of reusable installs, keyed by the exact lockfile excerpt and platform (content-addressed, like
   * npm's own cache): functions sharing dependencies, and rebuilds after a source change, install once.
   */
  cacheDir?: string
  architecture: Architecture
  signal?: AbortSignal
  /** Names the function in errors. */
  label: string
  /** Package files that symbolic links outside node_modules point at (AllowExternalSymlinks). */
  allowExternalSymlinks?: boolean
}

/**
 * Installs production packages exactly as the project's lockfile pins them, without touching the project:
 * the part of the lockfile the importer needs is written to a scratch folder and `npm ci --omit=dev` runs
 * there for Lambda's platform (linux, the function's CPU), so native packages get Lambda's prebuilt binaries.
 * Local packages (workspace members, `file:` folders) are copied. Returns the installed files, pruned.
 */
export async function installProductionPackages(request: InstallRequest): Promise<SourceFile[]> {
  const {lockfile, destDir, label} = request
  const rootDir = dirname(lockfile)
  const parsed = JSON.parse(await readFile(lockfile, 'utf8')) as Lockfile
  const packages = parsed.packages
  if (!packages || (parsed.lockfileVersion ?? 1) < 2) {
    throw new LpackError('BUILD_FAILED', `${label}: ${lockfile} is a lockfileVersion 1 file, which lpack cannot install from`, {
      hint: 'Run `npm install` with npm 7 or later to upgrade the lockfile.',
    })
  }
  const importerKey = toKey(relative(rootDir, request.importerDir))
  const importer = packages[importerKey]
  if (!importer) {
    throw new LpackError('BUILD_FAILED', `${label}: ${lockfile} has no entry for ${request.importerDir}`, {hint: 'The lockfile is out of date: run `npm install`.'})
  }
  const rootNames = request.names ?? Object.keys({...importer.dependencies, ...importer.optionalDependencies}).sort()
  const selected = new Map<string, LockEntry>()
  const links: {name: string; target: string}[] = []
  const rootDependencies: Record<string, string> = {}

  const visit = (key: string) => {
    if (selected.has(key)) return
    const entry = packages[key]!
    selected.set(key, entry)
    const wanted = {...entry.dependencies, ...entry.optionalDependencies}
    for (const [peer, range] of Object.entries(entry.peerDependencies ?? {})) if (!entry.peerDependenciesMeta?.[peer]?.optional) wanted[peer] = range
    for (const name of Object.keys(wanted).sort()) {
      const found = resolveKey(packages, key, name)
      if (found) visit(found)
    }
  }
  for (const name of rootNames) {
    const key = resolveKey(packages, importerKey, name)
    if (!key) {
      if (importer.optionalDependencies?.[name] !== undefined) continue
      throw new LpackError('BUILD_FAILED', `${label}: package '${name}' is not in ${relative(process.cwd(), lockfile) || lockfile}`, {
        hint: `Add it to the dependencies of ${join(request.importerDir, 'package.json')} and run \`npm install\`.`,
      })
    }
    const entry = packages[key]!
    if (entry.link && entry.resolved) {
      links.push({name, target: entry.resolved})
      visitLinkDependencies(packages, entry.resolved, visit)
      continue
    }
    rootDependencies[name] = specFor(entry, rootDir)
    visit(key)
  }

  const lock: Lockfile & Record<string, unknown> = {
    name: 'lpack-function-dependencies',
    lockfileVersion: 3,
    requires: true,
    packages: {'': {name: 'lpack-function-dependencies', dependencies: rootDependencies}},
  }
  for (const [key, entry] of selected) {
    if (entry.link) continue
    const relocated = key.startsWith(`${importerKey}/node_modules/`) ? key.slice(importerKey.length + 1) : key
    if (!relocated.startsWith('node_modules/')) continue
    const {dev: _dev, ...rest} = entry
    lock.packages![relocated] = entry.resolved?.startsWith('file:') ? {...rest, resolved: specFor(entry, rootDir)} : rest
  }
  const manifest = {name: 'lpack-function-dependencies', private: true, dependencies: rootDependencies}
  let installDir = destDir
  if (Object.keys(rootDependencies).length > 0) {
    const key = createHash('sha256').update(JSON.stringify({manifest, lock, architecture: request.architecture, links})).digest('hex').slice(0, 32)
    // Linked packages are copied from the working tree, so only installs without links are shared.
    installDir = request.cacheDir && links.length === 0 ? join(request.cacheDir, key) : destDir
    await installOnce(installDir, () => npmCiInto(installDir, manifest, lock, request))
  }
  for (const link of links) {
    const target = resolve(rootDir, link.target)
    // A linked package's own node_modules holds its dev tools; its production dependencies were installed above.
    await cp(target, join(destDir, 'node_modules', link.name), {recursive: true, filter: (source) => !relative(target, source).split(sep).includes('node_modules')})
  }
  const nodeModules = join(installDir, 'node_modules')
  if (!(await stat(nodeModules).catch(() => undefined))) return []
  const {files} = await listSourceFiles(nodeModules, {exclude: NODE_MODULES_PRUNE, ignoreFileDirs: [], allowExternalSymlinks: request.allowExternalSymlinks, owner: request.label})
  return files.map((file) => ({...file, path: `node_modules/${file.path}`}))
}

const pendingInstalls = new Map<string, Promise<void>>()

/** Runs `install` unless `dir` already holds a finished install; concurrent callers share one run. */
async function installOnce(dir: string, install: () => Promise<void>): Promise<void> {
  if ((await stat(join(dir, INSTALL_DONE)).catch(() => undefined))?.isFile()) return
  let pending = pendingInstalls.get(dir)
  if (!pending) {
    pending = install().finally(() => pendingInstalls.delete(dir))
    pendingInstalls.set(dir, pending)
  }
  await pending
}

const INSTALL_DONE = '.lpack-install-done'

/** `npm ci` in a temporary folder renamed into place when complete: a crash never leaves a half install. */
async function npmCiInto(dir: string, manifest: object, lock: object, request: InstallRequest): Promise<void> {
  const temp = `${dir}.${process.pid}.${Date.now()}.tmp`
  await mkdir(temp, {recursive: true})
  try {
    await writeFile(join(temp, 'package.json'), JSON.stringify(manifest, null, 2))
    await writeFile(join(temp, 'package-lock.json'), JSON.stringify(lock, null, 2))
    await runNpmCi(temp, request)
    await writeFile(join(temp, INSTALL_DONE), '')
    await rm(dir, {recursive: true, force: true})
    await mkdir(dirname(dir), {recursive: true})
    await rename(temp, dir)
  } finally {
    await rm(temp, {recursive: true, force: true})
  }
}

/** Node's lookup on lockfile keys: `<dir>/node_modules/<name>`, then each parent folder's node_modules. */
function resolveKey(packages: Record<string, LockEntry>, fromKey: string, name: string): string | undefined {
  let dir = fromKey
  for (;;) {
    const candidate = dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`
    if (packages[candidate]) return candidate
    if (dir === '') return undefined
    const parent = dir.lastIndexOf('/')
    dir = parent < 0 ? '' : dir.slice(0, parent)
  }
}

function visitLinkDependencies(packages: Record<string, LockEntry>, targetKey: string, visit: (key: string) => void): void {
  const target = packages[targetKey]
  if (!target) return
  for (const name of Object.keys({...target.dependencies, ...target.optionalDependencies}).sort()) {
    const found = resolveKey(packages, targetKey, name)
    if (found) visit(found)
  }
}

/** The dependency spec that makes npm ci take exactly the locked package: its version, or its absolute file. */
function specFor(entry: LockEntry, rootDir: string): string {
  const resolved = entry.resolved
  if (resolved?.startsWith('file:')) {
    const path = resolved.slice('file:'.length)
    return `file:${isAbsolute(path) ? path : resolve(rootDir, path)}`
  }
  return entry.version ?? '*'
}

const toKey = toPosixPath

async function runNpmCi(cwd: string, request: InstallRequest): Promise<void> {
  const args = ['ci', '--omit=dev', '--no-audit', '--no-fund', '--no-update-notifier', '--loglevel=error', '--os=linux', `--cpu=${request.architecture === 'arm64' ? 'arm64' : 'x64'}`]
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const outcome = await runTool(npm, args, {cwd, signal: request.signal, env: {npm_config_package_lock: 'true'}}).catch((error: NodeJS.ErrnoException) => {
    if (error instanceof LpackError) throw error
    throw new LpackError('BUILD_FAILED', `${request.label}: could not run npm (${error.code ?? error.message})`, {hint: 'Install Node.js with npm on the PATH.'})
  })
  if (outcome.kind === 'not-found') throw new LpackError('BUILD_FAILED', `${request.label}: could not run npm (ENOENT)`, {hint: 'Install Node.js with npm on the PATH.'})
  if (outcome.exitCode !== 0) {
    throw new LpackError('BUILD_FAILED', `${request.label}: npm ci failed:\n${lastLines(`${outcome.stdout}\n${outcome.stderr}`, 12)}`, {
      hint: 'The packages come from the project lockfile; check that `npm ci` works in the project.',
    })
  }
}

/** Dependencies that mean a package loads a compiled `.node` addon, which cannot be bundled. */
const NATIVE_MARKERS = ['bindings', 'node-gyp-build', 'prebuild-install', '@mapbox/node-pre-gyp', 'node-pre-gyp', 'nan', 'node-addon-api']

/** True when the package in `packageDir` ships or builds a native addon. Synchronous: a small file and a stat. */
export function isNativePackage(packageDir: string): boolean {
  let manifest: Record<string, unknown>
  try {
    manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as Record<string, unknown>
  } catch {
    return false
  }
  if (manifest.gypfile === true || manifest.binary !== undefined) return true
  const dependencies = {...(manifest.dependencies as object | undefined), ...(manifest.optionalDependencies as object | undefined)}
  if (NATIVE_MARKERS.some((name) => name in dependencies)) return true
  return isFile(join(packageDir, 'binding.gyp'))
}

/**
 * Packages the function's layers built in this project provide: the folders of `nodejs/node_modules` (and
 * `nodejs/node<major>/node_modules`) in the layer's ContentUri, and, for a layer lpack installs (a BuildMethod),
 * the dependencies of its package.json. The first layer that provides a package names it.
 */
export function layerProvidedPackages(unit: BuildUnit, plan: BuildPlan): {name: string; providedBy: string}[] {
  const found = new Map<string, string>()
  const major = nodeMajorVersion(unit.runtime)
  for (const layerId of unit.layerIds) {
    const layer = plan.units.find((candidate) => candidate.logicalId === layerId && candidate.kind === 'layer')
    if (!layer) continue
    const names = [
      ...packageFolders(join(layer.codePath, 'nodejs', 'node_modules')),
      ...(major === undefined ? [] : packageFolders(join(layer.codePath, 'nodejs', `node${major}`, 'node_modules'))),
      ...(layer.buildMethod === undefined ? [] : dependencyNames(join(layer.codePath, 'package.json'))),
    ]
    for (const name of names) if (!found.has(name)) found.set(name, layerId)
  }
  return [...found].map(([name, providedBy]) => ({name, providedBy})).sort((a, b) => (a.name < b.name ? -1 : 1))
}

/** Package names in a node_modules folder (`name` and `@scope/name`); none when it does not exist. */
function packageFolders(nodeModules: string): string[] {
  const list = (dir: string) => {
    try {
      return readdirSync(dir, {withFileTypes: true}).filter((entry) => (entry.isDirectory() || entry.isSymbolicLink()) && !entry.name.startsWith('.'))
    } catch {
      return []
    }
  }
  return list(nodeModules).flatMap((entry) => (entry.name.startsWith('@') ? list(join(nodeModules, entry.name)).map((scoped) => `${entry.name}/${scoped.name}`) : [entry.name]))
}

function dependencyNames(packageJson: string): string[] {
  try {
    const manifest = JSON.parse(readFileSync(packageJson, 'utf8')) as {dependencies?: Record<string, unknown>}
    return Object.keys(manifest.dependencies ?? {})
  } catch {
    return []
  }
}
