import {createWriteStream} from 'node:fs'
import {mkdir} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {Transform} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import {LpackError} from '../../../errors.js'
import {LAMBDA_LIMITS} from '../../lambda/limits.js'
import type {SourceFile} from '../files.js'

/**
 * Reading jars (and zips): listing what a jar holds, deciding whether it is a fat jar, and unpacking a thin
 * one so its classes can sit at the zip root.
 */

/** Unix "made by" host in a zip entry: only then do the upper external attribute bits hold a file mode. */
const UNIX_HOST = 3

/** The file entries (not folders) of a jar or zip, in the archive's order. */
export async function listArchiveEntries(file: string, owner: string): Promise<string[]> {
  const names: string[] = []
  await visitArchive(file, owner, async (name) => {
    names.push(name)
  })
  return names
}

/**
 * Unpacks every file entry of a jar or zip into `destDir` and returns them as package files. Entry names are
 * checked by yauzl (no absolute paths, no `..`), so nothing is written outside `destDir`.
 *
 * A small archive can unpack to gigabytes (a zip bomb: 1 MB of deflated zeros is 1 GiB). Nothing is written
 * until the central directory's uncompressed sizes add up to at most `maxBytes` (Lambda's unzipped limit: a
 * bigger package could never deploy), and the bytes actually written are counted too, since the central
 * directory may lie (yauzl also fails an entry that inflates past its declared size).
 */
export async function extractArchive(file: string, destDir: string, owner: string, maxBytes = LAMBDA_LIMITS.unzippedBytes): Promise<SourceFile[]> {
  const files: SourceFile[] = []
  let written = 0
  const tooLarge = (bytes: number, how: string) =>
    new LpackError('BUILD_FAILED', `${owner}: ${file} ${how} ${bytes.toLocaleString('en-US')} bytes, more than Lambda's unzipped limit of ${maxBytes.toLocaleString('en-US')} bytes; lpack does not unpack it`, {
      hint: 'A package that large cannot deploy. Rebuild the jar without what the function does not need; if it is not your jar, it may be a zip bomb.',
      details: {file, bytes, maxBytes},
    })
  await visitArchive(
    file,
    owner,
    async (name, entry, openStream) => {
      const target = join(destDir, ...name.split('/'))
      await mkdir(dirname(target), {recursive: true})
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          written += chunk.length
          callback(written > maxBytes ? tooLarge(written, 'unpacks to more than') : null, chunk)
        },
      })
      await pipeline(await openStream(), counter, createWriteStream(target))
      const mode = entry.versionMadeBy >> 8 === UNIX_HOST ? entry.externalFileAttributes >>> 16 : 0
      files.push({file: target, path: name, executable: (mode & 0o111) !== 0})
    },
    (entries) => {
      const declared = entries.reduce((sum, entry) => sum + entry.uncompressedSize, 0)
      if (declared > maxBytes) throw tooLarge(declared, 'would unpack to')
    },
  )
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

type Entry = import('yauzl').Entry

/**
 * Calls `onFile` for each file entry. With `beforeFiles`, the whole central directory is read first and handed to
 * it, so it can refuse the archive before `onFile` sees any entry.
 */
async function visitArchive(
  file: string,
  owner: string,
  onFile: (name: string, entry: Entry, openStream: () => Promise<NodeJS.ReadableStream>) => Promise<void>,
  beforeFiles?: (entries: readonly Entry[]) => void,
): Promise<void> {
  const yauzl = await import('yauzl')
  try {
    // Closed by us (below): reading the whole central directory first must not close the file before the entries are read.
    const zip = await yauzl.openPromise(file, {lazyEntries: true, autoClose: false, strictFileNames: true, validateEntrySizes: true})
    try {
      if (beforeFiles) {
        const entries: Entry[] = []
        for await (const entry of zip.eachEntry()) if (!entry.fileName.endsWith('/')) entries.push(entry)
        beforeFiles(entries)
        for (const entry of entries) await onFile(entry.fileName, entry, () => zip.openReadStreamPromise(entry))
        return
      }
      for await (const entry of zip.eachEntry()) {
        if (entry.fileName.endsWith('/')) continue
        await onFile(entry.fileName, entry, () => zip.openReadStreamPromise(entry))
      }
    } finally {
      zip.close()
    }
  } catch (error) {
    if (error instanceof LpackError) throw error
    throw new LpackError('BUILD_FAILED', `${owner}: cannot read ${file} as a jar or zip: ${(error as Error).message}`, {
      hint: 'Rebuild the jar; a jar is a zip file, and this one is damaged or is not one.',
    })
  }
}

/**
 * Why a jar counts as a fat (uber) jar, or undefined when it is thin. Evidence, strongest first: jars nested
 * inside it outside `lib/` (Spring Boot's `BOOT-INF/lib`, one-jar), Maven metadata of more than one artifact
 * (what the shade plugin leaves), or classes outside the handler's top-level package (bundled dependencies).
 * `lib/*.jar` entries are the layout Lambda wants (a Gradle `buildZip`), so they are not evidence.
 */
export function fatJarEvidence(entries: readonly string[], handlerClassFile?: string): string | undefined {
  const nested = entries.filter((name) => name.toLowerCase().endsWith('.jar') && !isLibJarPath(name))
  if (nested.length > 0) return `it holds ${nested.length} nested jar${nested.length === 1 ? '' : 's'} (${nested.slice(0, 2).join(', ')}${nested.length > 2 ? ', …' : ''})`
  const artifacts = entries.filter((name) => /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(name)).map((name) => name.split('/').slice(2, 4).join(':'))
  if (artifacts.length > 1) return `it bundles ${artifacts.length} Maven artifacts (${artifacts.slice(0, 3).join(', ')}${artifacts.length > 3 ? ', …' : ''})`
  if (handlerClassFile) {
    const root = packageRoot(handlerClassFile)
    const foreign = entries.filter((name) => name.endsWith('.class') && !name.startsWith('META-INF/') && name !== 'module-info.class' && !name.startsWith(root))
    if (foreign.length > 0) return `it holds ${foreign.length} classes outside the handler's package ${root.replace(/\/$/, '').replaceAll('/', '.')} (${foreign[0]}${foreign.length > 1 ? ', …' : ''})`
  }
  return undefined
}

/** True for `lib/<name>.jar`, the one place a dependency jar belongs in a Java function's zip. */
export function isLibJarPath(path: string): boolean {
  return /^lib\/[^/]+\.jar$/i.test(path)
}

/**
 * The top two package segments of a class file (`com/example/` for `com/example/app/Handler.class`): code of
 * one project shares them; a dependency's classes do not.
 */
function packageRoot(classFile: string): string {
  const segments = classFile.split('/').slice(0, -1)
  return segments.length === 0 ? '' : segments.slice(0, 2).join('/') + '/'
}

/** `com.example.Handler::handleRequest` (or `com.example.Handler`) → `com/example/Handler.class`. */
export function handlerClassFile(handler: string | undefined): string | undefined {
  const className = handler?.split('::')[0]?.trim()
  if (!className || !/^[\p{L}_$][\p{L}\p{N}_$]*(\.[\p{L}_$][\p{L}\p{N}_$]*)*$/u.test(className)) return undefined
  return `${className.replaceAll('.', '/')}.class`
}
