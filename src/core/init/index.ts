import {lstat, mkdir, readdir, readFile, writeFile} from 'node:fs/promises'
import {basename, join, relative, resolve} from 'node:path'

import {LpackError} from '../../errors.js'
import type {Reporter} from '../events.js'
import {packageRoot} from '../../version.js'
import {toPosixPath} from '../fs-paths.js'

/** The starters `lpack init` can write, each a folder of templates/. */
export const STARTERS = ['node-ts', 'python', 'java', 'provided'] as const
export type StarterName = (typeof STARTERS)[number]

/** Replaced in every starter file by the project's name. */
const PROJECT_PLACEHOLDER = /__PROJECT__/g

export interface InitOptions {
  dir: string
  starter: string
  /** The project's name in the files (stack name, package name); DIR's last part by default. */
  name?: string
  reporter: Reporter
  /** Where the starters are; lpack's own templates/ by default (tests point elsewhere). */
  startersDir?: string
}

export interface StarterFile {
  /** Relative to the project folder, with `/`. */
  path: string
  content: Buffer
  executable: boolean
}

export interface InitResult {
  dir: string
  starter: StarterName
  name: string
  files: string[]
  next: string[]
}

/**
 * Writes a starter project into DIR: a new or empty folder (an existing project is never overwritten). Reads the
 * starter, plans every file, then writes them.
 */
export async function initProject(options: InitOptions): Promise<InitResult> {
  const starter = starterName(options.starter)
  const dir = resolve(options.dir)
  const name = projectName(options.name ?? basename(dir))
  await assertEmptyFolder(dir)
  const source = join(options.startersDir ?? join(packageRoot(), 'templates'), starter)
  const files = planStarterFiles(await readStarter(source), name)
  for (const file of files) {
    const target = join(dir, ...file.path.split('/'))
    await mkdir(join(target, '..'), {recursive: true})
    await writeFile(target, file.content, {mode: file.executable ? 0o755 : 0o644, flag: 'wx'})
  }
  const shown = relative(process.cwd(), dir) || '.'
  const next = [`cd ${shown}`, 'lpack validate', 'lpack build', `lpack deploy --stack-name ${name} --resolve-s3`]
  options.reporter.emit({kind: 'init.done', data: {dir, starter, files: files.map((f) => f.path)}})
  return {dir, starter, name, files: files.map((f) => f.path), next}
}

/** The starter's files with the project's name filled in. Pure. */
export function planStarterFiles(files: readonly StarterFile[], name: string): StarterFile[] {
  return files
    .map((file) => ({...file, content: isText(file.content) ? Buffer.from(file.content.toString('utf8').replace(PROJECT_PLACEHOLDER, name)) : file.content}))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

function starterName(value: string): StarterName {
  if ((STARTERS as readonly string[]).includes(value)) return value as StarterName
  throw new LpackError('USAGE', `There is no starter named ${JSON.stringify(value)}`, {hint: `Choose one of: ${STARTERS.join(', ')}.`})
}

/** A project name usable as a stack name and a package name: CloudFormation's `[a-zA-Z][-a-zA-Z0-9]*`, ≤ 128. */
function projectName(value: string): string {
  const name = value.replace(/[^a-zA-Z0-9-]+/g, '-').replace(/^[^a-zA-Z]+/, '').replace(/-+$/, '').slice(0, 128)
  if (name === '') {
    throw new LpackError('USAGE', `${JSON.stringify(value)} gives no usable project name (a letter, then letters, digits and -)`, {hint: 'Pass --name NAME.'})
  }
  return name
}

async function assertEmptyFolder(dir: string): Promise<void> {
  const info = await lstat(dir).catch(() => undefined)
  if (info === undefined) return
  if (!info.isDirectory()) throw new LpackError('USAGE', `${dir} exists and is not a folder`, {hint: 'Name a new or empty folder.'})
  const entries = await readdir(dir)
  if (entries.length > 0) {
    throw new LpackError('USAGE', `${dir} is not empty (${entries.length} entries); lpack init never overwrites a project`, {hint: 'Name a new or empty folder.'})
  }
}

async function readStarter(folder: string, prefix = ''): Promise<StarterFile[]> {
  const entries = await readdir(folder, {withFileTypes: true}).catch(() => {
    throw new LpackError('INTERNAL', `lpack's starters are missing from ${folder}`, {hint: 'Reinstall lpack.'})
  })
  const files: StarterFile[] = []
  for (const entry of entries) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name
    const full = join(folder, entry.name)
    if (entry.isDirectory()) files.push(...(await readStarter(full, path)))
    else if (entry.isFile()) files.push({path: toPosixPath(path), content: await readFile(full), executable: ((await lstat(full)).mode & 0o111) !== 0})
  }
  return files
}

function isText(content: Buffer): boolean {
  return !content.includes(0)
}
