import {createWriteStream, readFileSync} from 'node:fs'
import {chmod, mkdir, mkdtemp, rename, rm, writeFile} from 'node:fs/promises'
import {dirname, join, resolve, sep} from 'node:path'
import {pipeline} from 'node:stream/promises'

import {LpackError} from '../../errors.js'

const STAMP_FILE = '.lpack-unpacked'

/**
 * Unpacks zips into `dir` as Lambda unpacks a function into /var/task and its layers into /opt: one over another in
 * order, keeping each file's permission bits. `key` names the content (the zips' hashes): a folder already holding
 * the same key is reused, so a warm project invokes without unpacking again.
 */
export async function unpackZips(zips: readonly string[], dir: string, key: string): Promise<void> {
  if (readStamp(dir) === key) return
  // A staging folder of this call's own, renamed into place at the end: two invokes of one function at once each
  // unpack whole, and neither runs from a half-written folder.
  await mkdir(dirname(dir), {recursive: true})
  const staging = await mkdtemp(`${dir}.partial-`)
  const yauzl = await import('yauzl')
  for (const file of zips) {
    const zip = await yauzl.openPromise(file, {lazyEntries: true})
    try {
      for await (const entry of zip.eachEntry()) {
        const target = resolve(staging, entry.fileName)
        // lpack's own zips hold relative paths only; a zip from elsewhere may not.
        if (!target.startsWith(staging + sep)) throw new LpackError('INVOKE_FAILED', `${file}: entry ${JSON.stringify(entry.fileName)} points outside the folder it unpacks into`)
        if (entry.fileName.endsWith('/')) {
          await mkdir(target, {recursive: true})
          continue
        }
        await mkdir(dirname(target), {recursive: true})
        await rm(target, {force: true})
        await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(target))
        const mode = (entry.externalFileAttributes >>> 16) & 0o777
        await chmod(target, mode === 0 ? 0o644 : mode)
      }
    } finally {
      zip.close()
    }
  }
  await writeFile(join(staging, STAMP_FILE), key)
  await rm(dir, {recursive: true, force: true})
  try {
    await rename(staging, dir)
  } catch (error) {
    await rm(staging, {recursive: true, force: true})
    // Another invoke put the same content in place meanwhile.
    if (readStamp(dir) !== key) throw error
  }
}

function readStamp(dir: string): string | undefined {
  try {
    return readFileSync(join(dir, STAMP_FILE), 'utf8')
  } catch {
    return undefined
  }
}
