import {spawn, type ChildProcess} from 'node:child_process'
import {appendFileSync, existsSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {LpackError} from '../errors.js'

/** The moto release the launcher's fixes are written against (its internals are patched, so the pin is exact). */
export const MOTO_VERSION = '5.2.1'
export const MOTO_INSTALL_HINT = `Run \`lpack local install\` (a virtualenv in your cache folder with moto[server]==${MOTO_VERSION} from PyPI), or install it yourself: python3 -m pip install "moto[server]==${MOTO_VERSION}"`
const START_TIMEOUT_MS = 60_000

/**
 * The virtualenv `lpack local install` makes and `lpack local start` falls back to: LPACK_LOCAL_VENV, else under
 * the user's cache folder (XDG_CACHE_HOME, else ~/.cache), named after the moto release so that a new pin gets a
 * new one.
 */
export function localVenvDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LPACK_LOCAL_VENV) return env.LPACK_LOCAL_VENV
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'lpack', `moto-${MOTO_VERSION}`)
}

/** The interpreter of a virtualenv. */
export function venvPython(venv: string): string {
  return process.platform === 'win32' ? join(venv, 'Scripts', 'python.exe') : join(venv, 'bin', 'python')
}

/** The system's interpreter for the local AWS: LPACK_PYTHON, else python3. */
export function systemPython(env: NodeJS.ProcessEnv = process.env): string {
  return env.LPACK_PYTHON || 'python3'
}

export interface MotoProcess {
  /** The interpreter moto runs in. */
  python: string
  /** moto's own endpoint on 127.0.0.1 (lpack's front server is the public one). */
  endpoint: string
  pid: number
  /** The installed moto's version, when it is not the pinned release. */
  installedVersion?: string
  /** Settles when the process has ended. */
  exited: Promise<void>
  stop(): Promise<void>
}

/** The launcher beside this module, or beside the bundled CLI (scripts/copy-local-launcher.mjs puts it in dist). */
export function launcherPath(): string {
  for (const relative of ['./moto/launcher.py', '../local/moto/launcher.py']) {
    const file = fileURLToPath(new URL(relative, import.meta.url))
    if (existsSync(file)) return file
  }
  throw new LpackError('INTERNAL', 'lpack is installed without its local AWS launcher (local/moto/launcher.py)', {hint: 'Reinstall lpack, or run `npm run build` in a checkout.'})
}

/**
 * Starts moto's server through lpack's launcher on a free 127.0.0.1 port and resolves once it listens. It runs in
 * python3 (LPACK_PYTHON to choose another) or, when that cannot import moto, in the virtualenv of
 * `lpack local install`; neither is a DEPENDENCY_MISSING error saying how to install it.
 */
export async function startMoto(options: {python?: string; env?: NodeJS.ProcessEnv; logFile?: string} = {}): Promise<MotoProcess> {
  const python = options.python ?? systemPython()
  try {
    return await startMotoWith(python, options)
  } catch (error) {
    const fallback = venvPython(localVenvDir())
    if (!(error instanceof LpackError) || error.code !== 'DEPENDENCY_MISSING' || fallback === python || !existsSync(fallback)) throw error
    return startMotoWith(fallback, options)
  }
}

async function startMotoWith(python: string, options: {env?: NodeJS.ProcessEnv; logFile?: string}): Promise<MotoProcess> {
  const child = spawn(python, [launcherPath(), '--port', '0'], {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, ...options.env, PYTHONUNBUFFERED: '1'}})
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  // moto's own errors (a Python traceback behind a 500) are kept for whoever has to explain a failed call; its
  // access log lines are not.
  if (options.logFile) {
    const logFile = options.logFile
    child.stderr!.on('data', (chunk: Buffer) => {
      const lines = chunk.toString().split('\n').filter((line) => line !== '' && !/^127\.0\.0\.1 - - \[/.test(line))
      if (lines.length > 0) appendFileSync(logFile, lines.join('\n') + '\n')
    })
  }
  const {port, installedVersion} = await waitForReady(child, python)
  return {
    python,
    endpoint: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    ...(installedVersion ? {installedVersion} : {}),
    exited,
    stop: () => stopChild(child),
  }
}

function waitForReady(child: ChildProcess, python: string): Promise<{port: number; installedVersion?: string}> {
  return new Promise((resolve, reject) => {
    let output = ''
    let errors = ''
    let installedVersion: string | undefined
    const fail = (error: LpackError) => {
      clearTimeout(timer)
      reject(error)
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(new LpackError('LOCAL_AWS_FAILED', `moto did not start within ${START_TIMEOUT_MS / 1000} s`, {details: {stderr: errors}}))
    }, START_TIMEOUT_MS)
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /MOTO_READY (\d+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve({port: Number(match[1]), ...(installedVersion ? {installedVersion} : {})})
      }
    })
    child.stderr!.on('data', (chunk: Buffer) => {
      // Keep only the tail: moto logs every request.
      errors = (errors + chunk.toString()).slice(-8000)
      const version = /LPACK_MOTO_VERSION (\S+)/.exec(errors)
      if (version) installedVersion = version[1]
    })
    child.once('error', (error: NodeJS.ErrnoException) => {
      fail(error.code === 'ENOENT'
        ? new LpackError('DEPENDENCY_MISSING', `lpack local needs Python 3 and moto, and ${python} was not found`, {hint: `Install Python 3 (or set LPACK_PYTHON to a python3), then run \`lpack local install\`.`})
        : new LpackError('LOCAL_AWS_FAILED', `Cannot start ${python}: ${error.message}`))
    })
    child.once('exit', (code) => {
      if (/LPACK_MOTO_MISSING/.test(errors)) {
        fail(new LpackError('DEPENDENCY_MISSING', `lpack local needs the Python package moto, which ${python} cannot import`, {hint: MOTO_INSTALL_HINT}))
        return
      }
      fail(new LpackError('LOCAL_AWS_FAILED', `moto exited with ${code} before it was ready:\n${errors.trim().split('\n').slice(-10).join('\n')}`))
    })
  })
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}
