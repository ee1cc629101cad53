import {createHash} from 'node:crypto'
import {readFileSync, statSync} from 'node:fs'
import {mkdir, readFile, rename, writeFile} from 'node:fs/promises'
import {dirname, join, relative, sep} from 'node:path'

import {lpackVersion} from '../../version.js'
import type {ManifestArtifact} from './manifest.js'
import type {BuildPlan, BuiltContent} from './types.js'

/** Bump when the build output for the same inputs changes (a new zip layout, a new default). */
export const BUILD_FORMAT_VERSION = 1

export interface InputFileStamp {
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
  await writeJsonAtomically(cacheRecordFile(buildDir, record.logicalId), record)
}

/**
 * The plan of the last successful build and what its built template.yaml was made from: a no-op build reuses the
 * plan instead of parsing the template again, and leaves the built template.yaml alone when it would be the same.
 */
export interface PlanRecord {
  version: number
  /** planKey() of the template and options the plan was made from. */
  key: string
  plan: BuildPlan
  builtTemplate: {
    /** builtTemplateKey() of what the built template.yaml was made from. */
    inputsHash: string
    /** sha256 of the built template.yaml as written. */
    sha256: string
  }
}

const PLAN_RECORD_FILE = 'plan.json'

/**
 * What a build plan depends on besides the file system: the template's path and bytes, the plan options and the
 * lpack version (whose planner and serializer made the record).
 */
export function planKey(templateFile: string, templateBytes: Uint8Array, options: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify({format: BUILD_FORMAT_VERSION, lpack: lpackVersion(), templateFile, options}))
    .update(templateBytes)
    .digest('hex')
}

/** What the built template.yaml is made from besides the template: where each unit's zip is and what it changes. */
export function builtTemplateKey(planKeyValue: string, buildDir: string, units: readonly {logicalId: string; zip: string; codeProperty: string; propertyUpdates?: unknown}[]): string {
  return createHash('sha256').update(JSON.stringify({planKey: planKeyValue, buildDir, units})).digest('hex')
}

/** The plan record stored for `key`, if any. */
export async function readPlanRecord(buildDir: string, key: string): Promise<PlanRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(join(buildDir, 'cache', PLAN_RECORD_FILE), 'utf8')) as PlanRecord
    return record.version === BUILD_FORMAT_VERSION && record.key === key ? record : undefined
  } catch {
    return undefined
  }
}

export async function writePlanRecord(buildDir: string, record: PlanRecord): Promise<void> {
  await writeJsonAtomically(join(buildDir, 'cache', PLAN_RECORD_FILE), record)
}

async function writeJsonAtomically(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), {recursive: true})
  const temp = `${file}.${process.pid}.tmp`
  await writeFile(temp, JSON.stringify(value, null, 2) + '\n')
  await rename(temp, file)
}

/** What one build has learnt about input files, shared by its units (they share most dependencies). */
export interface InputMemo {
  /** Stamps taken in this build. */
  stamps: Map<string, InputFileStamp>
  /** File → its line in the hash: its path relative to the project (forward slashes) and its content hash. */
  lines: Map<string, string>
}

export function createInputMemo(): InputMemo {
  return {stamps: new Map(), lines: new Map()}
}

/**
 * Hashes a unit's inputs: the fingerprint (settings, tool versions) and every input file's content. A file
 * whose size and mtime match the previous record reuses its recorded content hash, as git's index does, so a
 * no-op rebuild only stats files. `memo` holds what this build already knows about files: functions sharing
 * dependencies stat and read each shared file once. Paths are hashed relative to `root`.
 */
export function hashInputs(
  root: string,
  files: readonly string[],
  fingerprint: unknown,
  previous: readonly InputFileStamp[] = [],
  memo: InputMemo = createInputMemo(),
): {inputsHash: string; inputs: InputFileStamp[]} | undefined {
  let known: Map<string, InputFileStamp> | undefined
  const inputs: InputFileStamp[] = []
  // Usually already sorted and unique (a previous record's files): then no copy and no sort.
  for (const file of isSortedSet(files) ? files : [...new Set(files)].sort()) {
    // A stamp taken earlier in this build is reused without a stat: it describes the file at or before the time
    // the build read it, and if the file has changed since, its mtime no longer matches and the next build
    // hashes it again.
    const current = memo.stamps.get(file)
    if (current) {
      inputs.push(current)
      continue
    }
    // Synchronous on purpose: a bundle has hundreds of inputs, and a sync stat or read of a small file costs a
    // few microseconds where a promise round trip costs tens — the difference between a fast and a slow build.
    const info = statSync(file, {throwIfNoEntry: false})
    if (!info?.isFile()) return undefined
    known ??= new Map(previous.map((stamp) => [stamp.file, stamp]))
    const before = known.get(file)
    const sha256 =
      before && before.size === info.size && before.mtimeMs === info.mtimeMs
        ? before.sha256
        : createHash('sha256').update(readFileSync(file)).digest('hex')
    const stamp = {file, size: info.size, mtimeMs: info.mtimeMs, sha256}
    memo.stamps.set(file, stamp)
    inputs.push(stamp)
  }
  const hash = createHash('sha256')
  hash.update(JSON.stringify({format: BUILD_FORMAT_VERSION, fingerprint}))
  // Paths relative to the project, so the same project in another folder has the same hash.
  const lines = inputs.map((input) => {
    let line = memo.lines.get(input.file)
    if (line === undefined) memo.lines.set(input.file, (line = `\n${relative(root, input.file).split(sep).join('/')}\0${input.sha256}`))
    return line
  })
  // One update for all lines: the same bytes as one update per line, without a native call per file.
  hash.update(lines.join(''))
  return {inputsHash: hash.digest('hex'), inputs}
}

function isSortedSet(files: readonly string[]): boolean {
  for (let index = 1; index < files.length; index++) if (!(files[index - 1]! < files[index]!)) return false
  return true
}
