import {createWriteStream} from 'node:fs'
import {chmod, mkdir, mkdtemp} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {buffer} from 'node:stream/consumers'
import {pipeline} from 'node:stream/promises'
import {crc32} from 'node:zlib'

import * as yauzl from 'yauzl'

/** One entry of a zip as its central directory and local header record it. */
export interface ZipRecord {
  path: string
  /** Unix mode from the external attributes (high 16 bits): file type and permission bits. */
  mode: number
  /** DOS date and time fields, as stored. */
  dosDate: number
  dosTime: number
  /** The DOS date and time decoded as UTC. */
  date: Date
  /** Compression method: 0 stored, 8 deflated. */
  method: number
  centralExtraLength: number
  localExtraLength: number
  commentLength: number
  /** The entry's uncompressed bytes. */
  data: Buffer
}

/**
 * Reads every entry of a zip file in stored order, checking its CRC-32, with the header fields as lpack wrote them
 * (the tests check the stored bytes: extra-field and comment lengths come from the central directory and the local
 * header, not from what a reader makes of them).
 */
export async function readZipFile(file: string): Promise<{records: ZipRecord[]; comment: string}> {
  const zip = await yauzl.openPromise(file, {lazyEntries: true})
  const records: ZipRecord[] = []
  try {
    for await (const entry of zip.eachEntry()) {
      const local = await zip.readLocalFileHeaderPromise(entry)
      const data = await buffer(await zip.openReadStreamPromise(entry))
      // yauzl does not check CRCs; a zip with a wrong one is refused by Lambda and by unzip.
      if (crc32(data) !== entry.crc32) throw new Error(`${file}: ${entry.fileName} has CRC-32 ${entry.crc32}, its data ${crc32(data)}`)
      records.push({
        path: entry.fileName,
        mode: entry.externalFileAttributes >>> 16,
        dosDate: entry.lastModFileDate,
        dosTime: entry.lastModFileTime,
        date: entry.getLastModDate({timezone: 'UTC'}),
        method: entry.compressionMethod,
        centralExtraLength: entry.extraFieldLength,
        localExtraLength: local.extraFieldLength,
        commentLength: entry.fileCommentLength,
        data,
      })
    }
    return {records, comment: zip.comment}
  } finally {
    zip.close()
  }
}

/** Unpacks a zip into `dir` as Lambda unpacks it into /var/task, keeping each file's permission bits. */
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

/** Unpacks a zip into a new temporary folder and returns its path. */
export async function extractZip(file: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lpack-task-'))
  await unpackZip(file, dir)
  return dir
}

export interface ZipFileEntry {
  path: string
  /** Unix permission bits stored in the entry (0o644, 0o755). */
  mode: number
  /** The DOS date and time as stored, decoded as UTC. */
  date: Date
}

/** The file entries of a zip in stored order, with their permission bits and timestamps. */
export async function zipEntries(file: string): Promise<ZipFileEntry[]> {
  return (await readZipFile(file)).records.map((record) => ({path: record.path, mode: record.mode & 0o7777, date: record.date}))
}
