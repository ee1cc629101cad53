import {execFile} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'
import {mkdir, mkdtemp, rename, rm} from 'node:fs/promises'
import {homedir} from 'node:os'
import {delimiter, join} from 'node:path'
import {promisify} from 'node:util'

import {LpackError} from '../../errors.js'
import type {EnvironmentFolders} from './environment.js'
import {bootstrapsDir} from './execution-environment.js'

/**
 * lpack's Java runtime ships as source (bootstraps/java/LambdaRuntime.java) and is compiled on first use into the
 * user's cache folder, once per version of the source: lpack's package holds no binaries, anyone can read what runs
 * their function, and a machine that runs Java functions has the JDK their build needs anyway. `--release 11`
 * makes one compile run on every Java runtime Lambda offers (java11 to java25).
 */
const SOURCE = 'LambdaRuntime.java'
const MAIN_CLASS_FILE = join('lpack', 'runtime', 'LambdaRuntime.class')

/** The folder holding the compiled runtime (the class path entry); compiles it when it is not there yet. */
export async function javaBootstrap(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const source = join(bootstrapsDir(), 'java', SOURCE)
  const hash = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 16)
  const target = join(cacheRoot(env), 'invoke', 'java', hash)
  if (existsSync(join(target, MAIN_CLASS_FILE))) return target
  await mkdir(join(target, '..'), {recursive: true})
  const staging = await mkdtemp(`${target}.partial-`)
  try {
    await promisify(execFile)('javac', ['--release', '11', '-nowarn', '-d', staging, source], {timeout: 120_000})
  } catch (error) {
    await rm(staging, {recursive: true, force: true})
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
    throw new LpackError('INVOKE_FAILED', missing ? 'lpack needs javac (a JDK, 11 or later) once, to compile its Java runtime' : `Compiling lpack's Java runtime failed: ${(error as {stderr?: string}).stderr ?? (error as Error).message}`, {
      hint: missing ? 'Install a JDK (e.g. apt-get install default-jdk-headless); the compiled runtime is kept in lpack\'s cache folder.' : undefined,
      details: {errorType: 'Runtime.Unknown'},
    })
  }
  try {
    await rename(staging, target)
  } catch {
    // Another invoke compiled it at the same time: theirs is as good.
    await rm(staging, {recursive: true, force: true})
  }
  return target
}

/** Lambda's Java class path: the function's classes, its lib/*.jar, then the layers' java/lib/*.jar. */
export function javaClassPath(runtimeDir: string, folders: Pick<EnvironmentFolders, 'taskRoot' | 'optDir'>): string {
  return [runtimeDir, folders.taskRoot, join(folders.taskRoot, 'lib', '*'), join(folders.optDir, 'java', 'lib', '*')].join(delimiter)
}

/** LPACK_CACHE_DIR, else the platform's cache folder (XDG_CACHE_HOME or ~/.cache) /lpack. */
function cacheRoot(env: NodeJS.ProcessEnv): string {
  if (env.LPACK_CACHE_DIR) return env.LPACK_CACHE_DIR
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'lpack')
}
