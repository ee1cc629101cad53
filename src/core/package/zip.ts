import {createHash} from 'node:crypto'
import {createReadStream, createWriteStream} from 'node:fs'
import {mkdir, readFile, rename, rm, stat} from 'node:fs/promises'
import {dirname} from 'node:path'
import {pipeline} from 'node:stream/promises'

import {LpackError} from '../../errors.js'

/**
 * One file in a deployment package. `path` is the zip path (forward slashes, relative); the bytes come from
 * `sourceFile` on disk or from `content`.
 */
export interface ZipEntry {
  path: string
  sourceFile?: string
  content?: Buffer | string
  /** Stored as 0755 when true, 0644 otherwise: Lambda fails with "permission denied" on 0600 files. */
  executable?: boolean
  /**
   * False stores the bytes without deflating them: for content that is compressed already (a jar in a Java
   * package's lib/), where deflate costs time and saves nothing. Default true.
   */
  compress?: boolean
}

export interface ZipResult {
  file: string
  sha256: string
  zippedBytes: number
  unzippedBytes: number
  files: number
}

/**
 * A fixed timestamp for every entry. archiver encodes DOS times in UTC unless told otherwise, so this is the
 * same on any machine and in any timezone (LAMBDA-FACTS.md, "Reproducible zips").
 */
export const ZIP_ENTRY_DATE = new Date('1980-01-01T00:00:00Z')
/** Fixed compression level: the same bytes need the same level. */
export const ZIP_COMPRESSION_LEVEL = 9
export const FILE_MODE = 0o644
export const EXECUTABLE_MODE = 0o755

/** Files larger than this are streamed into the zip instead of read into memory. */
const STREAM_THRESHOLD_BYTES = 1024 * 1024

/** Sorts by the UTF-8 bytes of the path (not localeCompare): the same order on every machine and locale. */
export function compareZipPaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

/** Rejects paths Lambda or unzip would treat badly: absolute, backslashes, `..`, empty segments, duplicates. */
export function checkZipEntries(entries: readonly ZipEntry[]): void {
  const seen = new Set<string>()
  for (const entry of entries) {
    const path = entry.path
    if (path === '' || path.startsWith('/') || path.includes('\\') || /^[a-zA-Z]:/.test(path) || path.split('/').some((segment) => segment === '..' || segment === '' || segment === '.')) {
      throw new LpackError('BUILD_FAILED', `Invalid path in deployment package: '${path}'`, {hint: 'Zip entries must be relative paths with forward slashes and no "..".'})
    }
    if (seen.has(path)) throw new LpackError('BUILD_FAILED', `Two files would be written to '${path}' in the deployment package`)
    seen.add(path)
  }
}

/**
 * Writes a byte-for-byte reproducible zip: entries sorted by path bytes and appended one at a time, a fixed
 * timestamp, modes normalised to 0644/0755, a fixed compression level, no comments or extra fields. Written to a
 * temporary file and renamed, so a crash never leaves a half-written zip under the final name.
 */
export async function writeDeterministicZip(entries: readonly ZipEntry[], outFile: string): Promise<ZipResult> {
  checkZipEntries(entries)
  const sorted = [...entries].sort((a, b) => compareZipPaths(a.path, b.path))
  const {default: archiver} = await import('archiver')
  await mkdir(dirname(outFile), {recursive: true})
  const tempFile = `${outFile}.${process.pid}.${Date.now()}.tmp`
  let unzippedBytes = 0
  try {
    const archive = archiver('zip', {zlib: {level: ZIP_COMPRESSION_LEVEL}, forceLocalTime: false, comment: ''})
    const output = createWriteStream(tempFile)
    const written = pipeline(archive, output)
    for (const entry of sorted) {
      const data = {name: entry.path, date: ZIP_ENTRY_DATE, mode: entry.executable ? EXECUTABLE_MODE : FILE_MODE, store: entry.compress === false}
      if (entry.content !== undefined) {
        const buffer = typeof entry.content === 'string' ? Buffer.from(entry.content, 'utf8') : entry.content
        unzippedBytes += buffer.byteLength
        archive.append(buffer, data)
      } else if (entry.sourceFile !== undefined) {
        const size = (await stat(entry.sourceFile)).size
        unzippedBytes += size
        // archiver consumes its queue in order, so streamed and buffered entries keep the sorted order.
        archive.append(size > STREAM_THRESHOLD_BYTES ? createReadStream(entry.sourceFile) : await readFile(entry.sourceFile), data)
      } else {
        throw new LpackError('INTERNAL', `Zip entry ${entry.path} has neither content nor a source file`)
      }
    }
    await archive.finalize()
    await written
    const sha256 = await sha256File(tempFile)
    const zippedBytes = (await stat(tempFile)).size
    await rename(tempFile, outFile)
    return {file: outFile, sha256, zippedBytes, unzippedBytes, files: sorted.length}
  } catch (error) {
    await rm(tempFile, {force: true})
    throw error
  }
}

/** Hex sha256 of a file's bytes, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(createReadStream(file), hash)
  return hash.digest('hex')
}
