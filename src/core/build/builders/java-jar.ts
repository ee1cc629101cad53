import {createWriteStream} from 'node:fs'
import {mkdir} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {pipeline} from 'node:stream/promises'

import {LpackError} from '../../../errors.js'
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
 */
export async function extractArchive(file: string, destDir: string, owner: string): Promise<SourceFile[]> {
  const files: SourceFile[] = []
  await visitArchive(file, owner, async (name, entry, openStream) => {
    const target = join(destDir, ...name.split('/'))
    await mkdir(dirname(target), {recursive: true})
    await pipeline(await openStream(), createWriteStream(target))
    const mode = entry.versionMadeBy >> 8 === UNIX_HOST ? entry.externalFileAttributes >>> 16 : 0
    files.push({file: target, path: name, executable: (mode & 0o111) !== 0})
  })
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

type Entry = import('yauzl').Entry

async function visitArchive(
  file: string,
  owner: string,
  onFile: (name: string, entry: Entry, openStream: () => Promise<NodeJS.ReadableStream>) => Promise<void>,
): Promise<void> {
  const yauzl = await import('yauzl')
  try {
    const zip = await yauzl.openPromise(file, {lazyEntries: true, strictFileNames: true, validateEntrySizes: true})
    try {
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
