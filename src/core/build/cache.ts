import {createHash} from 'node:crypto'
import {statSync} from 'node:fs'
import {mkdir, readFile, rename, writeFile} from 'node:fs/promises'
import {dirname, join, relative, sep} from 'node:path'

import type {ManifestArtifact} from './manifest.js'
import type {BuiltContent} from './types.js'

/** Bump when the build output for the same inputs changes (a new zip layout, a new default). */
export const BUILD_FORMAT_VERSION = 1

interface InputFileStamp {
  file: string
  size: number
  mtimeMs: number
  sha256: string
}

/** What the last successful build of one unit was made from, and what it made. */
export interface CacheRecord {
  version: number
  logicalId: string
  inputsHash: string
  inputs: InputFileStamp[]
  artifact: Omit<ManifestArtifact, 'cached'>
  propertyUpdates?: BuiltContent['propertyUpdates']
  largestInputs?: BuiltContent['largestInputs']
}

export function cacheRecordFile(buildDir: string, logicalId: string): string {
  return join(buildDir, 'cache', `${logicalId}.json`)
}

export async function readCacheRecord(buildDir: string, logicalId: string): Promise<CacheRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(cacheRecordFile(buildDir, logicalId), 'utf8')) as CacheRecord
    return record.version === BUILD_FORMAT_VERSION && record.logicalId === logicalId ? record : undefined
  } catch {
    return undefined
  }
}

export async function writeCacheRecord(buildDir: string, record: CacheRecord): Promise<void> {
  const file = cacheRecordFile(buildDir, record.logicalId)
  await mkdir(dirname(file), {recursive: true})
  const temp = `${file}.${process.pid}.tmp`
  await writeFile(temp, JSON.stringify(record, null, 2) + '\n')
  await rename(temp, file)
}

/**
 * Hashes a unit's inputs: the fingerprint (settings, tool versions) and every input file's content. A file
 * whose size and mtime match the previous record reuses its recorded content hash, as git's index does, so a
 * no-op rebuild only stats files. Paths are hashed relative to `root`.
 */
export async function hashInputs(
  root: string,
  files: readonly string[],
  fingerprint: unknown,
  previous: readonly InputFileStamp[] = [],
): Promise<{inputsHash: string; inputs: InputFileStamp[]} | undefined> {
  const known = new Map(previous.map((stamp) => [stamp.file, stamp]))
  const inputs: InputFileStamp[] = []
  for (const file of [...new Set(files)].sort()) {
    // Synchronous on purpose: a bundle has hundreds of inputs, and a sync stat costs a few microseconds where a
    // promise round trip costs tens — the difference between a fast and a slow no-op rebuild.
    const info = statSync(file, {throwIfNoEntry: false})
    if (!info?.isFile()) return undefined
    const before = known.get(file)
    const sha256 =
      before && before.size === info.size && before.mtimeMs === info.mtimeMs
        ? before.sha256
        : createHash('sha256').update(await readFile(file)).digest('hex')
    inputs.push({file, size: info.size, mtimeMs: info.mtimeMs, sha256})
  }
  const hash = createHash('sha256')
  hash.update(JSON.stringify({format: BUILD_FORMAT_VERSION, fingerprint}))
  // Paths relative to the project, so the same project in another folder has the same hash.
  for (const input of inputs) hash.update(`\n${relative(root, input.file).split(sep).join('/')}\0${input.sha256}`)
  return {inputsHash: hash.digest('hex'), inputs}
}
