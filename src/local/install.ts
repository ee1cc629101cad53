import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'

import {LpackError} from '../errors.js'
import type {Reporter} from '../io/reporter.js'
import {localVenvDir, MOTO_VERSION, systemPython, venvPython} from './moto.js'

/** What `lpack local install` asks pip for: the moto release src/local/moto/launcher.py is written against. */
export const MOTO_REQUIREMENT = `moto[server]==${MOTO_VERSION}`

export interface InstallOptions {
  /** The interpreter the virtualenv is made from; default LPACK_PYTHON, else python3. */
  python?: string
  venv?: string
  /** pip's --index-url: a mirror of PyPI. */
  indexUrl?: string
  /** pip's --find-links: a folder (or page) of wheels. */
  findLinks?: string
  /** pip's --no-index: only --find-links and what is installed. */
  noIndex?: boolean
  /** The virtualenv sees the interpreter's own site-packages (what is installed there satisfies the requirement). */
  systemSitePackages?: boolean
  /** Make the virtualenv even when the system's interpreter imports moto already. */
  force?: boolean
  reporter: Reporter
  env?: NodeJS.ProcessEnv
}

export type InstallResult =
  | {kind: 'already-installed'; python: string; motoVersion: string}
  | {kind: 'installed'; python: string; venv: string; motoVersion: string; pipArgs: string[]}

/**
 * `lpack local install`: makes a virtualenv and pip-installs the pinned moto[server] into it, unless the system's
 * interpreter imports moto already. pip's own output goes to the reporter (debug); its failure is an error with
 * the end of that output.
 */
export async function installMoto(options: InstallOptions): Promise<InstallResult> {
  const env = options.env ?? process.env
  const python = options.python ?? systemPython(env)
  if (!options.force) {
    const installed = await motoVersionOf(python, env)
    if (installed !== undefined) return {kind: 'already-installed', python, motoVersion: installed}
  }
  const venv = options.venv ?? localVenvDir(env)
  const interpreter = venvPython(venv)
  if (!existsSync(interpreter)) {
    options.reporter.emit({kind: 'local.install-step', data: {step: 'venv', detail: venv}})
    const made = await run(python, ['-m', 'venv', ...(options.systemSitePackages ? ['--system-site-packages'] : []), venv], env, options.reporter)
    if (made.error === 'ENOENT') throw new LpackError('DEPENDENCY_MISSING', `lpack local install needs Python 3, and ${python} was not found`, {hint: 'Install Python 3 (3.9 or later), or give --python / LPACK_PYTHON.'})
    if (made.code !== 0) throw new LpackError('DEPENDENCY_MISSING', `${python} -m venv ${venv} failed:\n${tail(made.output)}`, {hint: 'Install Python\'s venv module (on Debian and Ubuntu: apt install python3-venv), then run lpack local install again.'})
  }
  const pipArgs = [
    '-m', 'pip', 'install', '--disable-pip-version-check',
    ...(options.indexUrl ? ['--index-url', options.indexUrl] : []),
    ...(options.findLinks ? ['--find-links', options.findLinks] : []),
    ...(options.noIndex ? ['--no-index'] : []),
    MOTO_REQUIREMENT,
  ]
  options.reporter.emit({kind: 'local.install-step', data: {step: 'pip', detail: `${interpreter} ${pipArgs.join(' ')}`}})
  const pip = await run(interpreter, pipArgs, env, options.reporter)
  if (pip.code !== 0) {
    throw new LpackError('DEPENDENCY_MISSING', `pip could not install ${MOTO_REQUIREMENT} into ${venv}:\n${tail(pip.output)}`, {hint: 'Without access to PyPI, give a mirror with --index-url or a folder of wheels with --find-links (and --no-index).'})
  }
  const motoVersion = await motoVersionOf(interpreter, env)
  if (motoVersion === undefined) throw new LpackError('DEPENDENCY_MISSING', `pip installed ${MOTO_REQUIREMENT}, but ${interpreter} cannot import moto`, {hint: `Remove ${venv} and run lpack local install again.`})
  return {kind: 'installed', python: interpreter, venv, motoVersion, pipArgs}
}

/** The version of moto an interpreter imports, or undefined when it cannot (or there is no such interpreter). */
export async function motoVersionOf(python: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const result = await run(python, ['-c', 'import moto.server, sys; sys.stdout.write(moto.__version__)'], env)
  return result.code === 0 && result.output.trim() !== '' ? result.output.trim().split('\n').pop() : undefined
}

function run(program: string, args: string[], env: NodeJS.ProcessEnv, reporter?: Reporter): Promise<{code: number | null; output: string; error?: string}> {
  return new Promise((resolve) => {
    const child = spawn(program, args, {stdio: ['ignore', 'pipe', 'pipe'], env})
    let output = ''
    const collect = (chunk: Buffer) => {
      const text = chunk.toString()
      output = (output + text).slice(-20_000)
      if (reporter) for (const line of text.split('\n')) if (line.trim() !== '') reporter.emit({kind: 'local.install-output', data: {line}})
    }
    child.stdout!.on('data', collect)
    child.stderr!.on('data', collect)
    child.once('error', (error: NodeJS.ErrnoException) => resolve({code: null, output, error: error.code ?? error.message}))
    child.once('close', (code) => resolve({code, output}))
  })
}

function tail(output: string): string {
  return output.trim().split('\n').slice(-12).join('\n')
}
