import {execFile} from 'node:child_process'
import {createWriteStream} from 'node:fs'
import {chmod, mkdir} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {pipeline} from 'node:stream/promises'
import {promisify} from 'node:util'

import * as yauzl from 'yauzl'

import {LPACK_BIN} from '../support/cli.js'

/** Helpers of the Java, Python, custom-runtime and layer build tests. */

export const run = promisify(execFile)

export interface ZipFileEntry {
  path: string
  /** Unix permission bits stored in the entry (0o644, 0o755). */
  mode: number
  /** The DOS date and time as stored, decoded as UTC. */
  date: Date
}

/** The file entries of a zip in stored order, with their modes. */
export async function zipEntries(file: string): Promise<ZipFileEntry[]> {
  const zip = await yauzl.openPromise(file, {lazyEntries: true})
  const entries: ZipFileEntry[] = []
  try {
    for await (const entry of zip.eachEntry()) {
      entries.push({path: entry.fileName, mode: (entry.externalFileAttributes >>> 16) & 0o7777, date: entry.getLastModDate({timezone: 'UTC'})})
    }
  } finally {
    zip.close()
  }
  return entries
}

/** Unpacks a zip as Lambda does into /var/task, keeping each file's mode. */
export async function unpackZip(file: string, dir: string): Promise<void> {
  const zip = await yauzl.openPromise(file, {lazyEntries: true})
  try {
    for await (const entry of zip.eachEntry()) {
      const target = join(dir, entry.fileName)
      await mkdir(dirname(target), {recursive: true})
      await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(target))
      await chmod(target, (entry.externalFileAttributes >>> 16) & 0o777)
    }
  } finally {
    zip.close()
  }
}

/**
 * Runs `lpack build --json` the way a CI machine in another timezone with a stricter umask would, and returns
 * the manifest: the same project must give the same bytes (LAMBDA-FACTS.md, "Reproducible zips").
 */
export async function buildElsewhere(projectDir: string, env: NodeJS.ProcessEnv = {}): Promise<{artifacts: {logicalId: string; sha256: string}[]}> {
  const {stdout} = await run('sh', ['-c', `umask 077 && exec "${process.execPath}" "${LPACK_BIN}" build --json --no-cache`], {
    cwd: projectDir,
    env: {...process.env, ...env, TZ: 'Australia/Adelaide', CI: 'true', NO_COLOR: '1'},
    maxBuffer: 16 * 1024 * 1024,
  })
  return JSON.parse(stdout) as {artifacts: {logicalId: string; sha256: string}[]}
}

/** True when `command --version`-style probing succeeds: the tool is installed here. */
export async function hasTool(command: string, args: readonly string[] = ['--version']): Promise<boolean> {
  return run(command, [...args]).then(
    () => true,
    () => false,
  )
}
