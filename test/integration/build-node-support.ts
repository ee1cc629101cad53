import {createHash} from 'node:crypto'
import {cp, mkdir, mkdtemp, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

import {LPACK_BIN, run} from '../support/cli.js'

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** Copies a fixture project to a fresh temporary folder (a different path each time) and installs it offline. */
export async function copyProject(fixture: string, options: {install?: boolean; umask?: string} = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lpack-build-node-'))
  await cp(fixture, dir, {recursive: true, filter: (source) => !/[\\/](node_modules|\.lpack)([\\/]|$)/.test(source)})
  if (options.install !== false) {
    await run('sh', ['-c', `umask ${options.umask ?? '022'} && exec npm ci --offline --no-audit --no-fund --loglevel=error`], {cwd: dir})
  }
  return dir
}

/** Writes a small project from a map of relative paths to contents. */
export async function writeProject(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lpack-build-node-'))
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), {recursive: true})
    await writeFile(join(dir, path), content)
  }
  return dir
}

/** Calls a built handler in a plain `node` process, as the Lambda runtime would load it. */
export async function invokeBuiltHandler(taskDir: string, handler: string, event: unknown, env: NodeJS.ProcessEnv = {}): Promise<unknown> {
  const dot = handler.indexOf('.', handler.lastIndexOf('/') + 1)
  const module = handler.slice(0, dot)
  const exportName = handler.slice(dot + 1)
  const script = `
    const {existsSync} = require('node:fs')
    const {pathToFileURL} = require('node:url')
    const base = ${JSON.stringify(join(taskDir, module))}
    const file = ['.js', '.mjs', '.cjs'].map((e) => base + e).find((f) => existsSync(f))
    import(pathToFileURL(file).href)
      .then((m) => (m[${JSON.stringify(exportName)}] ?? m.default?.[${JSON.stringify(exportName)}])(${JSON.stringify(event)}))
      .then((result) => process.stdout.write(JSON.stringify(result)))`
  const {stdout} = await run(process.execPath, ['-e', script], {cwd: taskDir, env: {...process.env, ...env}, timeout: 20_000})
  return JSON.parse(stdout)
}

/** Runs the built CLI as a user would, under a given umask (which runLpack cannot set). */
export async function runLpackWithUmask(args: readonly string[], options: {cwd: string; umask: string; env?: NodeJS.ProcessEnv}): Promise<{exitCode: number; stdout: string; stderr: string}> {
  try {
    const {stdout, stderr} = await run('sh', ['-c', `umask ${options.umask} && exec "$0" "$@"`, process.execPath, LPACK_BIN, ...args], {
      cwd: options.cwd,
      env: {...process.env, CI: 'true', NO_COLOR: '1', ...options.env},
      timeout: 120_000,
    })
    return {exitCode: 0, stdout, stderr}
  } catch (error) {
    const failed = error as {code?: number; stdout?: string; stderr?: string}
    return {exitCode: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? ''}
  }
}
