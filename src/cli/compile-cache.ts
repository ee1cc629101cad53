import {isAscii} from 'node:buffer'
import {createHash} from 'node:crypto'
import {accessSync, constants, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire, Module} from 'node:module'
import {homedir} from 'node:os'
import {basename, dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {setFlagsFromString} from 'node:v8'
import {Script} from 'node:vm'

/** The bundled CLI (scripts/bundle-cli.mjs). */
export const BUNDLED_CLI = fileURLToPath(new URL('./lpack.cjs', import.meta.url))

/**
 * Where V8's code cache for the CLI is kept, or undefined for none: `LPACK_COMPILE_CACHE` names the folder,
 * `LPACK_DISABLE_COMPILE_CACHE=1` turns it off (as NODE_COMPILE_CACHE and NODE_DISABLE_COMPILE_CACHE do for Node's
 * own cache, which Node 20 lacks), otherwise the user's cache folder.
 */
export function compileCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.LPACK_DISABLE_COMPILE_CACHE) return undefined
  if (env.LPACK_COMPILE_CACHE) return env.LPACK_COMPILE_CACHE
  let base: string | undefined
  try {
    if (process.platform === 'win32') base = env.LOCALAPPDATA
    else if (process.platform === 'darwin') base = join(homedir(), 'Library', 'Caches')
    else base = env.XDG_CACHE_HOME || join(homedir(), '.cache')
  } catch {
    return undefined // no home folder: no cache
  }
  return base ? join(base, 'lpack', 'compile-cache') : undefined
}

/** What bin/run.js needs of the bundled CLI. */
export interface BundledCli {
  run(root: string): Promise<void>
}

/** Node's own compile cache (module.enableCompileCache, Node ≥ 22.1), where this Node has it. */
type EnableCompileCache = (directory?: string) => {status: number; message?: string; directory?: string}

/**
 * Loads the bundled CLI through the best compile cache this Node offers. Node ≥ 22.1 has its own
 * (`module.enableCompileCache`), which caches every module loaded after it is enabled and checks each cache against
 * the file's content: lpack then just requires the bundle. Node 20 lacks it, and there lpack's own loader
 * (requireWithCompileCache) saves each command its compiling — bench/startup/compile-cache.mjs measures both, and
 * bench/README.md has the figures that justify keeping lpack's loader for Node 20.
 */
export function loadBundledCli(env: NodeJS.ProcessEnv = process.env): BundledCli {
  const cacheDir = compileCacheDir(env)
  const enableCompileCache = (Module as unknown as {enableCompileCache?: EnableCompileCache}).enableCompileCache
  if (typeof enableCompileCache !== 'function') return requireWithCompileCache(BUNDLED_CLI, cacheDir) as BundledCli
  if (cacheDir) {
    try {
      // Node's cache keeps its files in a folder of its own per Node version under cacheDir. A folder that cannot
      // be made only means no cache (status FAILED): nothing about the cache may fail a command.
      enableCompileCache(cacheDir)
    } catch {
      // Older 22.x releases throw on an unusable folder instead of returning FAILED.
    }
  }
  return createRequire(BUNDLED_CLI)(BUNDLED_CLI) as BundledCli
}

/**
 * Loads a CommonJS file as require() would, but through V8's code cache: when the cache folder holds code compiled
 * from exactly this file's content, V8 takes it instead of parsing and compiling the ~1.5 MB bundle again (the
 * compiling otherwise costs every command ~100 ms of CPU, most of it while a build's esbuild wants the same cores).
 * Without a cache, the file is compiled whole, every function at once (~150 ms, once), and the cache is written
 * when the process exits: it then serves every command, whichever ran first. A cache V8 rejects is removed, for
 * the next start to write a good one. The cache only ever saves time: a failure to read or write it is ignored.
 *
 * The code compiled here has no way back to Node's ES module loader, so it must not use `import()`
 * (scripts/bundle-cli.mjs makes sure it does not).
 */
export function requireWithCompileCache(file: string, cacheDir: string | undefined): unknown {
  const filename = realpathSync(file)
  const require = createRequire(filename)
  const loaded = require.cache[filename]
  if (loaded) return loaded.exports
  const bytes = readFileSync(filename)
  // An ASCII file (the bundle is: scripts/bundle-cli.mjs) decodes several times faster as Latin-1, to the same text.
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8')
  const cacheFile = cacheDir ? join(cacheDir, `v8-${process.versions.v8}-${process.arch}`, `${basename(filename)}-${shortHash(filename, 8)}-${shortHash(bytes, 16)}-${optionsKey()}.bin`) : undefined
  const cachedData = cacheFile ? readIfPresent(cacheFile) : undefined
  // The whole-file compile pays off only if its cache can be kept.
  const writeCache = cacheFile !== undefined && !cachedData && canWriteIn(dirname(cacheFile))
  const script = compile(Module.wrap(source), filename, cachedData, writeCache)
  if (writeCache) process.once('exit', () => writeCompileCache(cacheFile, script))
  if (cacheFile && script.cachedDataRejected) process.once('exit', () => removeQuietly(cacheFile))

  // Registered before it runs, as require() does, so that requiring the file again (oclif loads its commands
  // from it) gives this module instead of a second copy.
  const module = new Module(filename)
  module.filename = filename
  require.cache[filename] = module
  try {
    ;(script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, require, module, filename, dirname(filename))
  } catch (error) {
    delete require.cache[filename]
    throw error
  }
  module.loaded = true
  return module.exports
}

/**
 * The cache's name says which file (installs of lpack side by side keep a cache each), with what content (V8
 * compares a cache with the source's length only) and under which Node options.
 */
function shortHash(text: string | Uint8Array, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length)
}

/**
 * V8 also rejects a cache made under other V8 flags: one cache per set of Node options, so that runs with
 * different options do not keep replacing each other's cache.
 */
function optionsKey(): string {
  return shortHash(JSON.stringify([process.execArgv, process.env.NODE_OPTIONS ?? '']), 8)
}

function compile(wrapped: string, filename: string, cachedData: Buffer | undefined, eager: boolean): Script {
  if (!eager) return new Script(wrapped, {filename, cachedData})
  // V8's flags, not an option of vm.Script: set for this one compile. The cache made from it records the flags
  // as they are when it is made (lazy again), so later starts accept it.
  setFlagsFromString('--no-lazy')
  try {
    return new Script(wrapped, {filename})
  } finally {
    setFlagsFromString('--lazy')
  }
}

/**
 * Stores V8's cache of the script (temp file and rename: lpack processes running side by side each write a whole
 * file) and removes the caches of other contents of the same file (the install's earlier versions).
 */
function writeCompileCache(cacheFile: string, script: Script): void {
  try {
    const folder = dirname(cacheFile)
    const temp = `${cacheFile}.${process.pid}.tmp`
    writeFileSync(temp, script.createCachedData())
    renameSync(temp, cacheFile)
    const [, file, source] = /^(.*-[0-9a-f]+)-([0-9a-f]+)-[0-9a-f]+\.bin$/.exec(basename(cacheFile))!
    for (const name of readdirSync(folder)) {
      if (name.startsWith(`${file}-`) && name.endsWith('.bin') && !name.startsWith(`${file}-${source}-`)) rmSync(join(folder, name), {force: true})
    }
  } catch {
    // A cache that cannot be written costs the next start its compiling, nothing else.
  }
}

function canWriteIn(folder: string): boolean {
  try {
    mkdirSync(folder, {recursive: true})
    accessSync(folder, constants.W_OK)
    return true
  } catch {
    return false
  }
}

function removeQuietly(file: string): void {
  try {
    rmSync(file, {force: true})
  } catch {
    // Left for the next start to reject (and try to remove) again.
  }
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file)
  } catch {
    return undefined
  }
}
