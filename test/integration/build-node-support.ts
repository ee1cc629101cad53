import {execFile} from 'node:child_process'
import {createHash} from 'node:crypto'
import {cp, mkdir, mkdtemp, readFile, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {promisify} from 'node:util'
import {inflateRawSync} from 'node:zlib'

import {LPACK_BIN} from '../support/cli.js'

export const run = promisify(execFile)

/** One entry of a zip as its central directory and local header record it. */
export interface ZipRecord {
  path: string
  /** Unix mode from the external attributes (high 16 bits). */
  mode: number
  /** DOS date and time fields, as stored. */
  dosDate: number
  dosTime: number
  method: number
  centralExtraLength: number
  localExtraLength: number
  commentLength: number
  data: Buffer
}

/**
 * Reads a zip file's entries from its bytes (no zip library: the test checks the bytes lpack wrote, not what
 * another reader makes of them). Supports what lpack writes: stored or deflated entries, no zip64.
 */
export function readZip(bytes: Buffer): {records: ZipRecord[]; comment: string} {
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (end < 0) throw new Error('no end of central directory record')
  const count = bytes.readUInt16LE(end + 10)
  let offset = bytes.readUInt32LE(end + 16)
  const comment = bytes.subarray(end + 22, end + 22 + bytes.readUInt16LE(end + 20)).toString('utf8')
  const records: ZipRecord[] = []
  for (let i = 0; i < count; i++) {
    if (bytes.readUInt32LE(offset) !== 0x02014b50) throw new Error(`bad central directory entry at ${offset}`)
    const method = bytes.readUInt16LE(offset + 10)
    const dosTime = bytes.readUInt16LE(offset + 12)
    const dosDate = bytes.readUInt16LE(offset + 14)
    const compressedSize = bytes.readUInt32LE(offset + 20)
    const nameLength = bytes.readUInt16LE(offset + 28)
    const centralExtraLength = bytes.readUInt16LE(offset + 30)
    const commentLength = bytes.readUInt16LE(offset + 32)
    const externalAttributes = bytes.readUInt32LE(offset + 38)
    const localOffset = bytes.readUInt32LE(offset + 42)
    const path = bytes.subarray(offset + 46, offset + 46 + nameLength).toString('utf8')
    const localNameLength = bytes.readUInt16LE(localOffset + 26)
    const localExtraLength = bytes.readUInt16LE(localOffset + 28)
    const dataStart = localOffset + 30 + localNameLength + localExtraLength
    const raw = bytes.subarray(dataStart, dataStart + compressedSize)
    records.push({
      path,
      mode: externalAttributes >>> 16,
      dosDate,
      dosTime,
      method,
      centralExtraLength,
      localExtraLength,
      commentLength,
      data: method === 8 ? inflateRawSync(raw) : Buffer.from(raw),
    })
    offset += 46 + nameLength + centralExtraLength + commentLength
  }
  return {records, comment}
}

export async function readZipFile(file: string) {
  return readZip(await readFile(file))
}

/** Unpacks a zip into a new temporary folder, as Lambda unpacks it into /var/task. */
export async function extractZip(file: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lpack-task-'))
  for (const record of (await readZipFile(file)).records) {
    await mkdir(dirname(join(dir, record.path)), {recursive: true})
    await writeFile(join(dir, record.path), record.data)
  }
  return dir
}

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
