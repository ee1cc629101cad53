import {statSync} from 'node:fs'
import {readdir, readFile, realpath, stat} from 'node:fs/promises'
import {isAbsolute, join, relative} from 'node:path'

import ignore, {type Ignore} from 'ignore'

import {LpackError} from '../../errors.js'
import {toPosixPath} from '../fs-paths.js'

/** Never part of a deployment package. */
export const ALWAYS_EXCLUDED = ['.git/', '.hg/', '.svn/', '.lpack/', '.aws-sam/', '.DS_Store', 'Thumbs.db']
/** Excluded by default; a `.lpackignore` can re-include with `!pattern`. */
export const DEFAULT_EXCLUDES = [
  // tests never run in Lambda
  'test/', 'tests/', '__tests__/', '*.test.*', '*.spec.*',
  // editor and OS files
  '.vscode/', '.idea/', '*.swp', '*.swo', '*~', '.#*',
  // local secrets: never ship them (a warning names each one found)
  '.env', '.env.*',
  // lpack and SAM configuration
  'lpack.config.yaml', 'samconfig.toml', 'samconfig.yaml', 'samconfig.yml', '.lpackignore',
]
export const IGNORE_FILE = '.lpackignore'

/**
 * True when `path` is a file. Synchronous on purpose: a build asks this of a few files per function, and a sync
 * stat costs microseconds where a promise round trip through the thread pool (and an error for a missing file)
 * costs far more.
 */
export function isFile(path: string): boolean {
  return statSync(path, {throwIfNoEntry: false})?.isFile() ?? false
}

export interface SourceFile {
  /** Absolute path on disk. */
  file: string
  /** Path relative to the walked folder, with forward slashes. */
  path: string
  executable: boolean
}

export interface ListOptions {
  /** Extra gitignore-style patterns to exclude (e.g. `node_modules/` when bundling). */
  exclude?: readonly string[]
  /** Folders whose `.lpackignore` applies, outermost first (the project folder, then the code folder). */
  ignoreFileDirs?: readonly string[]
  /**
   * False for trees a tool produced (pip's target, Maven's classes, a makefile's ARTIFACTS_DIR): they are
   * packaged whole, since a dependency's `tests/` package may be imported. Default true.
   */
  defaultExcludes?: boolean
  /**
   * True packages what a symbolic link points at even when it lies outside the walked folder. Default false: such
   * a link (to ~/.ssh/id_rsa, /etc/passwd) would put a file nobody meant to ship in the zip, so it is refused.
   */
  allowExternalSymlinks?: boolean
  /** The function or layer the files are for: errors start with it. */
  owner?: string
}

export interface ListResult {
  files: SourceFile[]
  /** `.env*` files that the default excludes kept out (worth a warning: they usually hold secrets). */
  excludedSecrets: string[]
}

/**
 * Lists the files under `dir` that belong in a package, sorted by path, honouring the default excludes and
 * `.lpackignore` files (gitignore syntax). Symbolic links are followed only when they point at files.
 */
export async function listSourceFiles(dir: string, options: ListOptions = {}): Promise<ListResult> {
  const checkLink = options.allowExternalSymlinks ? undefined : await linkChecker(dir, options.owner)
  const rules = ignore()
    .add(ALWAYS_EXCLUDED)
    .add(options.defaultExcludes === false ? [] : DEFAULT_EXCLUDES)
    .add([...(options.exclude ?? [])])
  for (const ignoreDir of options.ignoreFileDirs ?? [dir]) await addIgnoreFile(rules, join(ignoreDir, IGNORE_FILE))
  const secrets = ignore().add(['.env', '.env.*'])
  const files: SourceFile[] = []
  const excludedSecrets: string[] = []
  await walk(dir, dir, rules, files, (path) => {
    if (secrets.ignores(path)) excludedSecrets.push(path)
  }, checkLink)
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  return {files, excludedSecrets: excludedSecrets.sort()}
}

async function addIgnoreFile(rules: Ignore, file: string): Promise<void> {
  try {
    rules.add(await readFile(file, 'utf8'))
  } catch {
    // No ignore file there: nothing to add.
  }
}

/**
 * Throws when the symbolic link at `absolute` resolves outside `root` (both compared as real paths, so a code
 * folder reached through a link of its own is still its own inside).
 */
async function linkChecker(root: string, owner: string | undefined): Promise<(absolute: string, path: string) => Promise<void>> {
  const realRoot = await realpath(root).catch(() => root)
  return async (absolute, path) => {
    const target = await realpath(absolute)
    const inside = relative(realRoot, target)
    if (inside !== '' && !inside.startsWith('..') && !isAbsolute(inside)) return
    throw new LpackError('BUILD_FAILED', `${owner ? `${owner}: ` : ''}the symbolic link ${path} in ${root} points outside that folder, to ${target}; lpack does not package it`, {
      hint: 'Copy the file into the folder (or point the link inside it). To package what such links point at anyway, set Metadata.BuildProperties.AllowExternalSymlinks: true on the function or layer.',
      details: {link: path, folder: root, target},
    })
  }
}

/**
 * Files removed while the folder is listed (an editor's temporary file, a watcher's output) are left out: they
 * are not there. What is there when the zip is written is checked again then.
 */
async function walk(
  root: string,
  dir: string,
  rules: Ignore,
  out: SourceFile[],
  onExcluded: (path: string) => void,
  checkLink?: (absolute: string, path: string) => Promise<void>,
): Promise<void> {
  const entries = dir === root ? await readdir(dir, {withFileTypes: true}) : await readdir(dir, {withFileTypes: true}).catch(unlessGone)
  for (const entry of entries ?? []) {
    const absolute = join(dir, entry.name)
    const path = toPosixPath(relative(root, absolute))
    let isDirectory = entry.isDirectory()
    let isFile = entry.isFile()
    if (entry.isSymbolicLink()) {
      const target = await stat(absolute).catch(() => undefined)
      isFile = target?.isFile() ?? false
      // Linked folders are not followed: they can loop, and what they hold is not the function's own code.
      isDirectory = false
    }
    if (isDirectory) {
      if (rules.ignores(path + '/')) continue
      await walk(root, absolute, rules, out, onExcluded, checkLink)
    } else if (isFile) {
      if (rules.ignores(path)) {
        onExcluded(path)
        continue
      }
      await checkNameEncoding(dir, entry.name)
      const info = await stat(absolute).catch(unlessGone)
      if (!info) continue
      if (entry.isSymbolicLink()) await checkLink?.(absolute, path)
      out.push({file: absolute, path, executable: (info.mode & 0o111) !== 0})
    }
  }
}

function unlessGone(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT') return undefined
  throw error
}

/**
 * Refuses a name that is not UTF-8: Node reads it with U+FFFD in place of the bad bytes, a name no file has, and
 * a zip entry's name must be UTF-8 for Lambda to unpack it as written. Only names holding U+FFFD are looked at
 * again, as bytes.
 */
async function checkNameEncoding(dir: string, name: string): Promise<void> {
  if (!name.includes('\uFFFD')) return
  const raw = (await readdir(dir, {encoding: 'buffer'}).catch(unlessGone)) ?? []
  const bad = raw.find((bytes) => bytes.toString('utf8') === name && !Buffer.from(name, 'utf8').equals(bytes))
  if (!bad) return
  const shown = [...bad].map((byte) => (byte >= 0x20 && byte < 0x7f && byte !== 0x5c ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`)).join('')
  throw new LpackError('BUILD_FAILED', `A file name in ${dir} is not valid UTF-8: ${shown}`, {
    hint: 'Rename the file (zip entry names must be UTF-8), or leave it out of the package with a .lpackignore pattern.',
  })
}

/**
 * Every file a build tool wrote under `dir`, sorted by path: no default excludes, no `.lpackignore`. Links out of
 * `dir` are refused unless `allowExternalSymlinks`.
 */
export async function listOutputFiles(dir: string, options: Pick<ListOptions, 'allowExternalSymlinks' | 'owner'> = {}): Promise<SourceFile[]> {
  return (await listSourceFiles(dir, {defaultExcludes: false, ignoreFileDirs: [], ...options})).files
}
