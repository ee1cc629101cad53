import {createHash} from 'node:crypto'
import {createReadStream, createWriteStream, statSync} from 'node:fs'
import {mkdir, readFile, rename, rm, stat} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {Transform} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import {ZipFile} from 'yazl'

import {LpackError} from '../../errors.js'

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

/** Fixed compression level: the same bytes need the same level. */
const ZIP_COMPRESSION_LEVEL = 9
const FILE_MODE = 0o644
const EXECUTABLE_MODE = 0o755
/** The file-type bits of a regular file, stored with the mode so unzip restores a file. */
const REGULAR_FILE = 0o100000

/** Temporary zips made by this process, for unique names. */
let tempFiles = 0

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
 * Writes a byte-for-byte reproducible zip: entries sorted by path bytes and added one at a time, a fixed
 * timestamp, modes normalised to 0644/0755, a fixed compression level, no comments or extra fields. Written to a
 * temporary file and renamed, so a crash never leaves a half-written zip under the final name; hashed as it is
 * written.
 *
 * yazl rather than archiver (the design card's choice): the same reproducibility, ~10 ms to load instead of
 * ~120 ms (archiver brings 80 packages), entries deflated in parallel, and smaller headers. The figures are in
 * bench/README.md (build, "yazl instead of archiver").
 */
export async function writeDeterministicZip(entries: readonly ZipEntry[], outFile: string): Promise<ZipResult> {
  checkZipEntries(entries)
  const sorted = [...entries].sort((a, b) => compareZipPaths(a.path, b.path))
  // The folder is usually there (a build's artifacts/): a sync stat spares each zip a thread-pool round trip.
  if (!statSync(dirname(outFile), {throwIfNoEntry: false})?.isDirectory()) await mkdir(dirname(outFile), {recursive: true})
  // A short name beside the zip (the zip's own name may be near the 255-byte limit); unique in this process.
  const tempFile = join(dirname(outFile), `.zip-${process.pid}-${++tempFiles}.tmp`)
  let unzippedBytes = 0
  try {
    const zip = new ZipFile()
    const hash = createHash('sha256')
    let zippedBytes = 0
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk)
        zippedBytes += chunk.length
        done(null, chunk)
      },
    })
    const written = pipeline(zip.outputStream, measure, createWriteStream(tempFile))
    // yazl reports a source file it cannot read on the ZipFile, not on its output: end the pipeline with it.
    zip.on('error', (error: Error) => measure.destroy(error))
    // Every entry is dated 1980-01-01 00:00, the first DOS date. yazl writes DOS times from a Date's local-time
    // fields, so the date is made in local time, when the zip is written (TZ may change while a process runs);
    // `forceDosTimestamp` leaves out the UTC extra field. The bytes are the same in any timezone
    // (LAMBDA-FACTS.md, "Reproducible zips").
    const entryDate = new Date(1980, 0, 1)
    for (const entry of sorted) {
      const options = {
        mtime: entryDate,
        forceDosTimestamp: true,
        mode: REGULAR_FILE | (entry.executable ? EXECUTABLE_MODE : FILE_MODE),
        compressionLevel: entry.compress === false ? 0 : ZIP_COMPRESSION_LEVEL,
      }
      if (entry.content !== undefined) {
        const buffer = typeof entry.content === 'string' ? Buffer.from(entry.content, 'utf8') : entry.content
        unzippedBytes += buffer.byteLength
        zip.addBuffer(buffer, entry.path, options)
      } else if (entry.sourceFile !== undefined) {
        const file = entry.sourceFile
        const size = (await stat(file)).size
        unzippedBytes += size
        // yazl writes entries in the order they are added; a large file is read only when its turn comes.
        if (size > STREAM_THRESHOLD_BYTES) zip.addReadStreamLazy(entry.path, {...options, size}, (ready) => ready(null, createReadStream(file)))
        else zip.addBuffer(await readFile(file), entry.path, options)
      } else {
        throw new LpackError('INTERNAL', `Zip entry ${entry.path} has neither content nor a source file`)
      }
    }
    zip.end()
    await written
    await rename(tempFile, outFile)
    return {file: outFile, sha256: hash.digest('hex'), zippedBytes, unzippedBytes, files: sorted.length}
  } catch (error) {
    await rm(tempFile, {force: true})
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') {
      const path = (error as NodeJS.ErrnoException).path
      throw new LpackError('BUILD_FAILED', `${path ?? 'A file'} changed while the build was reading it (${code}); ${outFile} was not written`, {
        hint: 'Build again once nothing else is changing the code folder.',
        cause: error,
      })
    }
    throw error
  }
}
