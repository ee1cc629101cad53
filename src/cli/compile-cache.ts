import {createRequire, Module} from 'node:module'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

/** The bundled CLI (scripts/bundle-cli.mjs). */
export const BUNDLED_CLI = fileURLToPath(new URL('./lpack.cjs', import.meta.url))

/**
 * Where the CLI's compile cache is kept, or undefined for none: `LPACK_COMPILE_CACHE` names the folder,
 * `LPACK_DISABLE_COMPILE_CACHE=1` turns it off (as NODE_COMPILE_CACHE and NODE_DISABLE_COMPILE_CACHE do for Node's
 * own cache), otherwise the user's cache folder.
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

/** Node's own compile cache (module.enableCompileCache, Node ≥ 22.1). */
type EnableCompileCache = (directory?: string) => {status: number; message?: string; directory?: string}

/**
 * Loads the bundled CLI, through Node's own compile cache where Node has one (≥ 22.1): it caches every module
 * loaded after it is enabled and checks each cache against the file's content. Node 20 has none; lpack's own V8
 * code-cache loader, which served it before, saved less than 20 ms of a command's start (bench/README.md,
 * "Start-up and the compile cache"), so Node 20 compiles the bundle lazily as any script.
 */
export function loadBundledCli(env: NodeJS.ProcessEnv = process.env): BundledCli {
  const cacheDir = compileCacheDir(env)
  const enableCompileCache = (Module as unknown as {enableCompileCache?: EnableCompileCache}).enableCompileCache
  if (cacheDir && typeof enableCompileCache === 'function') {
    try {
      // Node keeps its files in a folder of its own per Node version under cacheDir. A folder that cannot be made
      // only means no cache (status FAILED): nothing about the cache may fail a command.
      enableCompileCache(cacheDir)
    } catch {
      // Some 22.x releases throw on an unusable folder instead of returning FAILED.
    }
  }
  return createRequire(BUNDLED_CLI)(BUNDLED_CLI) as BundledCli
}
