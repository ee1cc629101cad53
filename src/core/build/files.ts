import {mkdirSync, statSync} from 'node:fs'
import {readdir, readFile, stat} from 'node:fs/promises'
import {dirname, join, relative, sep} from 'node:path'

import ignore, {type Ignore} from 'ignore'

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
  'lpack.config.yaml', 'samconfig.toml', '.lpackignore',
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

/**
 * `mkdir -p` that fails where it cannot make a folder. Node's recursive mkdir never returns where mkdir says
 * ENOENT under a parent that exists (under /proc): it makes the parent again, forever.
 */
export function makeDirectory(dir: string): void {
  const info = statSync(dir, {throwIfNoEntry: false})
  if (info?.isDirectory()) return
  if (info) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), {code: 'ENOTDIR', path: dir})
  const parent = dirname(dir)
  if (parent !== dir) makeDirectory(parent)
  try {
    mkdirSync(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(dir).isDirectory()) throw error
  }
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
  })
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

async function walk(root: string, dir: string, rules: Ignore, out: SourceFile[], onExcluded: (path: string) => void): Promise<void> {
  const entries = await readdir(dir, {withFileTypes: true})
  for (const entry of entries) {
    const absolute = join(dir, entry.name)
    const path = relative(root, absolute).split(sep).join('/')
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
      await walk(root, absolute, rules, out, onExcluded)
    } else if (isFile) {
      if (rules.ignores(path)) {
        onExcluded(path)
        continue
      }
      const mode = (await stat(absolute)).mode
      out.push({file: absolute, path, executable: (mode & 0o111) !== 0})
    }
  }
}

/** Every file a build tool wrote under `dir`, sorted by path: no default excludes, no `.lpackignore`. */
export async function listOutputFiles(dir: string): Promise<SourceFile[]> {
  return (await listSourceFiles(dir, {defaultExcludes: false, ignoreFileDirs: []})).files
}
