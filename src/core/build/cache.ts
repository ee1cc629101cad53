// A namespace import: crypto.hash is missing before Node 20.12, where a named import of it fails to link.
import * as crypto from 'node:crypto'
import {readFileSync, statSync, type Stats} from 'node:fs'
import {dirname, join, relative, resolve, sep} from 'node:path'

import {lpackVersion} from '../../version.js'
import {makeDirectory} from './directory.js'
import type {ManifestArtifact} from './manifest.js'
import type {BuildPlan, BuiltContent} from './types.js'
import {toPosixPath, writeFileAtomically} from '../fs-paths.js'

/** Bump when the build output for the same inputs changes (a new zip layout, a new default). */
export const BUILD_FORMAT_VERSION = 1
/** Bump when the layout of the cache file changes; a cache of another layout is ignored (everything rebuilds). */
const CACHE_FILE_VERSION = 3
const CACHE_FILE = join('cache', 'build-cache.json')

/**
 * What a stat says about a file, enough to tell that it is the very file seen before, unchanged: a write changes
 * its mtime and ctime, a copy or a replacement (an editor's rename, a checkout) makes another inode, and nothing
 * short of changing the system clock sets a ctime back, where `touch -d` or `cp -p` can set an mtime back.
 */
export interface FileIdentity {
  size: number
  mtimeMs: number
  ctimeMs: number
  ino: number
}

export interface InputFileStamp extends FileIdentity {
  /** Absolute path in this build; stored relative to the project folder. */
  file: string
  sha256: string
}

/** What the last successful build of one unit was made from, and what it made. */
export interface CacheRecord {
  logicalId: string
  /** fingerprintText() of the builder's settings and tool versions. */
  fingerprint: string
  inputsHash: string
  inputs: InputFileStamp[]
  artifact: Omit<ManifestArtifact, 'cached'>
  /**
   * The zip as it was when its bytes were last hashed (written or verified): while it is the same, its sha256 is
   * artifact.sha256 without reading it; otherwise it is read and hashed before it is trusted.
   */
  zipFile?: FileIdentity
  propertyUpdates?: BuiltContent['propertyUpdates']
  largestInputs?: BuiltContent['largestInputs']
  providedElsewhere?: BuiltContent['providedElsewhere']
}

/**
 * The plan of the last successful build and what its built template.yaml was made from: a no-op build reuses the
 * plan instead of parsing the template again, and leaves the built template.yaml alone when it would be the same.
 */
export interface PlanRecord {
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

/**
 * `cache/build-cache.json` as stored: one file for the whole build directory, so that a no-op build reads one
 * small file. Units share most input files (their dependencies), so each stamp is stored once in `files` and a
 * unit lists indexes into it: 20 functions with 340 shared inputs take ~100 KB instead of 1.5 MB. A file appears
 * twice when two units were built from different contents of it. Paths are relative to the project folder (with
 * forward slashes): in a copy of the project, a record speaks of the copy's files, never of the original's.
 */
interface StoredCache {
  version: number
  format: number
  plan?: PlanRecord
  /**
   * [file, size, mtimeMs, ctimeMs, ino, sha256]; ctimeMs is 0 when it equals mtimeMs (most files: written once),
   * which spares a no-op build parsing half of its floating-point numbers.
   */
  files: [string, number, number, number, number, string][]
  units: Record<string, Omit<CacheRecord, 'logicalId' | 'inputs'> & {inputs: number[]}>
}

/**
 * What earlier builds in a build directory left for later ones: the last plan, and per unit the record that lets
 * an unchanged unit be reused. Loaded once per build; saved before the first artifact of a build is replaced
 * (without the records of the units being rebuilt) and at its end (also after a failure, so the units that did
 * build are reused next time). A missing, unreadable or older cache file is an empty cache.
 */
export class BuildCache {
  private readonly records = new Map<string, CacheRecord>()
  /** The stored stamps, by absolute file: the latest one where a file has several. */
  readonly stamps = new Map<string, InputFileStamp>()
  private changed = false

  private constructor(
    private readonly file: string,
    /** The project folder: stored paths are relative to it. */
    private readonly projectDir: string,
    private planRecord: PlanRecord | undefined,
    /** The cache file as it was read (undefined when there was none). */
    private readonly read: FileIdentity | undefined,
  ) {}

  /** The cache of `buildDir` for the project in `projectDir` (the template's folder). */
  static load(buildDir: string, projectDir: string): BuildCache {
    const file = join(buildDir, CACHE_FILE)
    let stored: StoredCache
    let read: FileIdentity | undefined
    try {
      // Synchronous: the one read of a no-op build, a few tens of KB. Written by rename: the stat and the read see
      // the same file unless another build renamed a new one in between, which isCurrent() then tells.
      read = identityOf(statSync(file))
      stored = JSON.parse(readFileSync(file, 'utf8')) as StoredCache
    } catch {
      return new BuildCache(file, projectDir, undefined, read)
    }
    if (stored?.version !== CACHE_FILE_VERSION || stored.format !== BUILD_FORMAT_VERSION || !Array.isArray(stored.files)) return new BuildCache(file, projectDir, undefined, read)
    try {
      return BuildCache.fromStored(file, projectDir, stored, read)
    } catch {
      // Damaged in a way the checks above do not see (an entry of the wrong shape).
      return new BuildCache(file, projectDir, undefined, read)
    }
  }

  /** True when the cache file is still the one this cache was read from (no other build has saved it since). */
  isCurrent(): boolean {
    const info = statIfFile(this.file)
    return info === undefined ? this.read === undefined : this.read !== undefined && sameFile(this.read, info)
  }

  private static fromStored(file: string, projectDir: string, stored: StoredCache, read: FileIdentity | undefined): BuildCache {
    const cache = new BuildCache(file, projectDir, stored.plan, read)
    const absolute = absolutePaths(projectDir)
    const stamps = stored.files.map(([path, size, mtimeMs, ctimeMs, ino, sha256]): InputFileStamp => ({file: absolute(path), size, mtimeMs, ctimeMs: ctimeMs === 0 ? mtimeMs : ctimeMs, ino, sha256}))
    for (const [logicalId, unit] of Object.entries(stored.units ?? {})) {
      const inputs = unit.inputs.map((index) => stamps[index])
      if (inputs.some((stamp) => stamp === undefined)) continue
      cache.records.set(logicalId, {...unit, logicalId, inputs: inputs as InputFileStamp[]})
    }
    // Where a file has several stamps, the latest one is the likeliest to match it now.
    for (const stamp of stamps) {
      const other = cache.stamps.get(stamp.file)
      if (!other || stamp.mtimeMs > other.mtimeMs) cache.stamps.set(stamp.file, stamp)
    }
    return cache
  }

  /** The last plan, if it was made from the template and options `key` stands for. */
  plan(key: string): PlanRecord | undefined {
    return this.planRecord?.key === key ? this.planRecord : undefined
  }

  setPlan(record: PlanRecord): void {
    this.planRecord = record
    this.changed = true
  }

  record(logicalId: string): CacheRecord | undefined {
    return this.records.get(logicalId)
  }

  setRecord(record: CacheRecord): void {
    this.records.set(record.logicalId, record)
    this.changed = true
  }

  /** Forgets these units' records (their artifacts are about to be replaced). True when there was one. */
  forget(logicalIds: readonly string[]): boolean {
    let forgot = false
    for (const logicalId of logicalIds) forgot = this.records.delete(logicalId) || forgot
    if (forgot) this.changed = true
    return forgot
  }

  /** Forgets the units not in `logicalIds` (functions removed from the template). */
  keepOnly(logicalIds: readonly string[]): void {
    const keep = new Set(logicalIds)
    for (const logicalId of this.records.keys()) {
      if (keep.has(logicalId)) continue
      this.records.delete(logicalId)
      this.changed = true
    }
  }

  /**
   * Writes the cache when something changed. Each record keeps the content hashes it was built from: a unit not
   * built in this build (left out by --function, or failed) still holds the old hash of a file another unit saw
   * change, so it builds next time. `current` holds the stamps taken in this build: where one has the recorded
   * hash with a newer size or mtime (a touched file), it replaces the recorded stamp, sparing the next build a read.
   */
  async save(current: InputFiles): Promise<void> {
    if (!this.changed && !current.refreshed) return
    const projectDir = this.projectDir
    const prefix = projectDir.endsWith(sep) ? projectDir : projectDir + sep
    const index = new Map<string, number>()
    // Units share their stamp objects (one per file per build): most lookups are found by identity, without
    // making a key of a long path (thousands of them at 20 functions).
    const indexByStamp = new Map<InputFileStamp, number>()
    const files: StoredCache['files'] = []
    const indexOf = (recorded: InputFileStamp): number => {
      const taken = current.taken(recorded.file)
      const stamp = taken?.sha256 === recorded.sha256 ? taken : recorded
      let position = indexByStamp.get(stamp)
      if (position === undefined) {
        const key = `${stamp.file}\0${stamp.size}\0${stamp.mtimeMs}\0${stamp.ctimeMs}\0${stamp.ino}\0${stamp.sha256}`
        position = index.get(key)
        if (position === undefined) {
          const ctimeMs = stamp.ctimeMs === stamp.mtimeMs ? 0 : stamp.ctimeMs
          position = files.push([projectPath(prefix, projectDir, stamp.file), stamp.size, stamp.mtimeMs, ctimeMs, stamp.ino, stamp.sha256]) - 1
          index.set(key, position)
        }
        indexByStamp.set(stamp, position)
      }
      return position
    }
    const units: StoredCache['units'] = {}
    for (const logicalId of [...this.records.keys()].sort()) {
      const {logicalId: _id, inputs, ...rest} = this.records.get(logicalId)!
      units[logicalId] = {...rest, inputs: inputs.map(indexOf)}
    }
    const stored: StoredCache = {version: CACHE_FILE_VERSION, format: BUILD_FORMAT_VERSION, ...(this.planRecord ? {plan: this.planRecord} : {}), files, units}
    makeDirectory(join(this.file, '..'))
    await writeFileAtomically(this.file, JSON.stringify(stored) + '\n')
    this.changed = false
  }
}

/**
 * What a build knows about input files: the stamps earlier builds recorded, and those it takes itself. A file
 * whose size and mtime match a recorded stamp reuses its recorded content hash, as git's index does, so a no-op
 * rebuild only stats files; a file shared by many units is stat'ed and read once per build.
 */
export class InputFiles {
  private readonly stamps = new Map<string, InputFileStamp>()
  /** File → its line in a hash: its path relative to the project (forward slashes) and its content hash. */
  private readonly lines = new Map<string, string>()
  /** True when a recorded stamp was out of date (a touched file): saving the new one spares the next build a read. */
  refreshed = false

  constructor(private readonly known: ReadonlyMap<string, InputFileStamp> = new Map()) {}

  /** The stamp taken of `file` in this build, if any. */
  taken(file: string): InputFileStamp | undefined {
    return this.stamps.get(file)
  }

  /**
   * The file's stamp now, or undefined when it is not a file. A stamp taken earlier in this build is reused
   * without a stat: it describes the file at or before the time the build read it, and if the file has changed
   * since, its mtime no longer matches and the next build hashes it again.
   */
  stamp(file: string): InputFileStamp | undefined {
    const taken = this.stamps.get(file)
    if (taken) return taken
    // Synchronous on purpose: a bundle has hundreds of inputs, and a sync stat or read of a small file costs a
    // few microseconds where a promise round trip costs tens — the difference between a fast and a slow build.
    const info = statSync(file, {throwIfNoEntry: false})
    if (!info?.isFile()) return undefined
    const before = this.known.get(file)
    let sha256: string
    if (before && sameFile(before, info)) sha256 = before.sha256
    else {
      // Gone or unreadable since the stat (deleted while the build runs): no stamp, as for a missing file.
      const bytes = readIfFile(file)
      if (!bytes) return undefined
      sha256 = sha256Hex(bytes)
      if (before) this.refreshed = true
    }
    const stamp = {file, ...identityOf(info), sha256}
    this.stamps.set(file, stamp)
    return stamp
  }

  /** True when every recorded input is still a file with the recorded content (a stat each, once per build). */
  unchanged(recorded: readonly InputFileStamp[]): boolean {
    for (const before of recorded) if (this.stamp(before.file)?.sha256 !== before.sha256) return false
    return true
  }

  /**
   * Hashes a unit's inputs: its fingerprintText() (settings, tool versions) and every input file's content, paths
   * relative to `root` so the same project in another folder has the same hash. Undefined when a file is gone.
   */
  hash(root: string, files: readonly string[], fingerprint: string): {inputsHash: string; inputs: InputFileStamp[]} | undefined {
    const inputs: InputFileStamp[] = []
    const prefix = root.endsWith(sep) ? root : root + sep
    let text = ''
    // Usually already sorted and unique (a previous record's files): then no copy and no sort.
    for (const file of isSortedSet(files) ? files : [...new Set(files)].sort()) {
      const stamp = this.stamp(file)
      if (!stamp) return undefined
      inputs.push(stamp)
      let line = this.lines.get(file)
      if (line === undefined) {
        // Input paths are absolute and normalized: one under the project is its relative path with the prefix cut.
        const path = file.startsWith(prefix) ? file.slice(prefix.length) : relative(root, file)
        this.lines.set(file, (line = `\n${toPosixPath(path)}\0${stamp.sha256}`))
      }
      text += line
    }
    // One update for all lines: the same bytes as one update per line, without a native call per file.
    const inputsHash = crypto.createHash('sha256').update(fingerprint).update(text).digest('hex')
    return {inputsHash, inputs}
  }
}

/** The identity of a file as `stat` gave it. */
export function identityOf(info: Stats): FileIdentity {
  return {size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs, ino: info.ino}
}

/** True when `info` describes the file `seen` described, unchanged since. */
export function sameFile(seen: FileIdentity, info: Stats): boolean {
  return seen.size === info.size && seen.mtimeMs === info.mtimeMs && seen.ctimeMs === info.ctimeMs && seen.ino === info.ino
}

/**
 * Whether `file` holds the bytes whose hash is `sha256`: `true` without reading it when it is still the file `seen`
 * describes; else, when its bytes hash to `sha256`, its identity now (to record, sparing the next build the read);
 * false when it is gone or holds other bytes.
 */
export function verifyFile(file: string, sha256: string, size: number, seen: FileIdentity | undefined): FileIdentity | boolean {
  const info = statSync(file, {throwIfNoEntry: false})
  if (!info?.isFile() || info.size !== size) return false
  if (seen && sameFile(seen, info)) return true
  const bytes = readIfFile(file)
  return bytes !== undefined && sha256Hex(bytes) === sha256 ? identityOf(info) : false
}

function statIfFile(file: string): Stats | undefined {
  try {
    return statSync(file, {throwIfNoEntry: false})
  } catch {
    return undefined
  }
}

function readIfFile(file: string): Buffer | undefined {
  try {
    return readFileSync(file)
  } catch {
    return undefined
  }
}

/**
 * Turns stored (project-relative, forward slashes) paths into absolute ones. Stored paths come from relative():
 * normalized, `../` only at the start. Most are a concatenation with the project folder or one of its ancestors
 * (dependencies hoisted above the project: 300 of 340 inputs in the 20-function benchmark); path.resolve, ten
 * times slower, is left for Windows and other drives.
 */
function absolutePaths(projectDir: string): (path: string) => string {
  if (sep !== '/') return (path) => resolve(projectDir, path)
  const bases: string[] = []
  const base = (up: number): string => {
    let dir = projectDir
    for (let level = 0; level < up; level++) dir = dirname(dir)
    return dir.endsWith('/') ? dir : dir + '/'
  }
  return (path) => {
    let up = 0
    while (path.startsWith('../', up * 3)) up++
    if (path === '..' || path.startsWith('/')) return resolve(projectDir, path)
    return (bases[up] ??= base(up)) + path.slice(up * 3)
  }
}

/** An absolute path as stored: relative to the project folder, with forward slashes. */
function projectPath(prefix: string, projectDir: string, file: string): string {
  const path = file.startsWith(prefix) ? file.slice(prefix.length) : relative(projectDir, file)
  return toPosixPath(path)
}

/**
 * The SHA-256 of a file's bytes, in hex. crypto.hash (Node 20.12 and later) hashes in one call, without a Hash
 * object each: a cold 20-function build hashes ~340 input files ~5 ms sooner.
 */
const sha256Hex: (data: Uint8Array) => string =
  typeof crypto.hash === 'function' ? (data) => crypto.hash('sha256', data) : (data) => crypto.createHash('sha256').update(data).digest('hex')

/** A unit's fingerprint (its settings and tool versions, from its builder) as stored and hashed. */
export function fingerprintText(fingerprint: unknown): string {
  return JSON.stringify({format: BUILD_FORMAT_VERSION, fingerprint})
}

/**
 * What a build plan depends on besides the file system: the template's path and bytes, the plan options and the
 * lpack version (whose planner and serializer made the record).
 */
export function planKey(templateFile: string, templateBytes: Uint8Array, options: unknown): string {
  return crypto.createHash('sha256')
    .update(JSON.stringify({format: BUILD_FORMAT_VERSION, lpack: lpackVersion(), templateFile, options}))
    .update(templateBytes)
    .digest('hex')
}

/**
 * How the built template is written; a change here rewrites templates that earlier lpack versions wrote.
 * 2: numbers written as floats (`3.0`) stay floats.
 */
const BUILT_TEMPLATE_WRITER = 2

/** What the built template.yaml is made from besides the template: where each unit's zip is and what it changes. */
export function builtTemplateKey(planKeyValue: string, buildDir: string, units: readonly {logicalId: string; zip: string; codeProperty: string; propertyUpdates?: unknown}[]): string {
  return crypto.createHash('sha256').update(JSON.stringify({writer: BUILT_TEMPLATE_WRITER, planKey: planKeyValue, buildDir, units})).digest('hex')
}

function isSortedSet(files: readonly string[]): boolean {
  for (let index = 1; index < files.length; index++) if (!(files[index - 1]! < files[index]!)) return false
  return true
}
