import {availableParallelism} from 'node:os'
import {createHash} from 'node:crypto'
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs'
import {rm} from 'node:fs/promises'
import {dirname, join, resolve} from 'node:path'

import {LpackError} from '../../errors.js'
import type {Reporter} from '../events.js'
import {writeDeterministicZip} from '../package/zip.js'
import type {Template} from '../template/template.js'
import {builderFor} from './builders/index.js'
import {createLimiter, mapWithConcurrency} from '../concurrency.js'
import {BuildCache, builtTemplateKey, fingerprintText, identityOf, InputFiles, planKey, verifyFile, type CacheRecord, type InputFileStamp} from './cache.js'
import {makeDirectory} from './directory.js'
import {lockBuildDir} from './lock.js'
import {ARTIFACTS_DIR, BUILT_TEMPLATE_FILE, MANIFEST_FILE, type BuildManifest, type ManifestArtifact} from './manifest.js'
import {checkLogicalId, planBuild, type PlanOptions} from './plan.js'
import {rewriteTemplate} from './rewrite.js'
import {checkSizeLimits, type SizeBudgets, type SizeReport} from './size.js'
import type {BuildContext, BuildPlan, BuildUnit, BuiltContent, RuntimeBuilder} from './types.js'
import {writeFileAtomically as writeAtomically} from '../fs-paths.js'

export const DEFAULT_BUILD_DIR = '.lpack/build'

export interface BuildOptions {
  templateFile: string
  /** Default `.lpack/build` beside the template. */
  buildDir?: string
  /** Only these functions or layers (and the layers they use). */
  functions?: readonly string[]
  /** Units built at once; default: the number of CPUs. */
  concurrency?: number
  /** False forces every unit to build (`--no-cache`). */
  cache?: boolean
  /**
   * False builds every unit alone, even where its builder could build several in one run (same bytes either
   * way; for comparing and for isolating a problem). Default true.
   */
  batch?: boolean
  parameters?: PlanOptions['parameters']
  defaults?: PlanOptions['defaults']
  budgets?: SizeBudgets
  /**
   * Run `lpack validate`'s checks before a template's first build, and stop on errors. `lpack build` and `lpack
   * deploy` always do; a library caller that validated already (or builds fragments on purpose) may leave it off.
   */
  validate?: boolean
  reporter: Reporter
  signal?: AbortSignal
}

export interface UnitBuildReport {
  logicalId: string
  builder: string
  cached: boolean
  durationMs: number
  largestInputs: {path: string; bytes: number}[]
  /** Packages left out of the bundle because a layer provides them (present only when there are some). */
  providedElsewhere?: {name: string; providedBy: string}[]
}

export interface BuildResult {
  buildDir: string
  manifest: BuildManifest
  plan: BuildPlan
  units: UnitBuildReport[]
  sizes: SizeReport[]
}

interface UnitOutcome {
  unit: BuildUnit
  artifact: ManifestArtifact
  propertyUpdates?: Record<string, unknown>
  report: UnitBuildReport
}

/**
 * `lpack build`: plans from the template, builds every unit (in parallel, reusing unchanged artifacts), then
 * writes the build directory — `artifacts/<LogicalId>.zip`, `template.yaml` and, last, `manifest.json`. A build
 * that fails leaves no manifest, so nothing later trusts a half-finished build.
 */
export async function buildProject(options: BuildOptions): Promise<BuildResult> {
  const {reporter} = options
  const templateFile = resolve(options.templateFile)
  const buildDir = resolve(options.buildDir ?? join(dirname(templateFile), DEFAULT_BUILD_DIR))
  const templateBytes = readIfPresent(templateFile)
  // A template that cannot be read says so (loadTemplate throws) before anything is made on disk.
  let template = templateBytes ? undefined : await loadTemplate(options.templateFile, undefined)
  // The plan depends only on the template's bytes and the plan options: while they are unchanged, the last
  // build's plan is reused and the template is not parsed (YAML parsing is a good part of a no-op build).
  const planOptions: PlanOptions = {only: options.functions, parameters: options.parameters, defaults: options.defaults}
  const key = templateBytes && planKey(templateFile, templateBytes, planOptions)
  // Stored paths are relative to the template's folder, the plan's projectDir. Read before the lock is taken (a
  // template that fails validation makes nothing on disk), and read again under it if another build saved it since.
  let cache = BuildCache.load(buildDir, dirname(templateFile))
  // A template is validated as `lpack validate` does before its first build; a reused plan was made from these
  // very bytes by a build that validated them, so a no-op build does not pay for the schemas again.
  if ((key ? cache.plan(key) : undefined) === undefined && options.validate === true) {
    template ??= await loadTemplate(options.templateFile, templateBytes)
    const {validateBeforeActing} = await import('./validate-step.js')
    await validateBeforeActing(template, {reporter, doing: 'nothing was built'})
  }
  prepareBuildDir(buildDir)
  // One build at a time in a build folder: two would replace each other's zips and cache under their feet.
  const unlock = await lockBuildDir(buildDir, {reporter, signal: options.signal})
  try {
    removeLeftovers(buildDir)
    if (!cache.isCurrent()) cache = BuildCache.load(buildDir, dirname(templateFile))
    return await buildLocked(options, {templateFile, buildDir, templateBytes, template, cache, key, planOptions})
  } finally {
    unlock()
  }
}

async function buildLocked(
  options: BuildOptions,
  paths: {templateFile: string; buildDir: string; templateBytes?: Buffer; template?: Template; cache: BuildCache; key: string | undefined; planOptions: PlanOptions},
): Promise<BuildResult> {
  const {reporter} = options
  const {buildDir, templateBytes, cache, key, planOptions} = paths
  const previousPlan = key ? cache.plan(key) : undefined
  let template = paths.template
  const plan = previousPlan?.plan ?? planBuild((template ??= await loadTemplate(options.templateFile, templateBytes)), planOptions)
  // Logical IDs name files: each is checked before the first path is made of it.
  for (const unit of plan.units) checkLogicalId(unit.logicalId)
  const manifestFile = join(buildDir, MANIFEST_FILE)
  for (const skipped of plan.skipped) reporter.emit({kind: 'build.skip', data: {logicalId: skipped.logicalId, reason: skipped.reason}})

  // --no-cache also distrusts the recorded content hashes: every input is read again.
  const session: BuildSession = {plan, buildDir, options, cache, inputs: new InputFiles(options.cache === false ? undefined : cache.stamps)}
  try {
    const {built, upToDate} = await buildUnits(session, manifestFile)
    throwIfInterrupted(options.signal)
    const artifacts = built.map((o) => o.artifact).sort((a, b) => (a.logicalId < b.logicalId ? -1 : 1))
    const sizes = checkSizeLimits(plan, artifacts, options.budgets)
    for (const size of sizes) {
      reporter.emit({kind: 'build.size', data: {...size}})
    }
    const overLimit = sizes.filter((s) => s.problems.length > 0)
    if (overLimit.length > 0) {
      await rm(manifestFile, {force: true})
      throw new LpackError('SIZE_LIMIT_EXCEEDED', overLimit.flatMap((s) => s.problems).join('\n'), {
        hint: 'Exclude what the function does not need (.lpackignore, externals), or move shared code to a layer.',
        details: {sizes: overLimit},
      })
    }

    const rewrites = built
      .map((o) => ({artifact: o.artifact, codeProperty: o.unit.codeProperty, propertyUpdates: o.propertyUpdates}))
      .sort((a, b) => (a.artifact.logicalId < b.artifact.logicalId ? -1 : 1))
    const builtTemplateFile = join(buildDir, BUILT_TEMPLATE_FILE)
    const builtTemplate = {
      inputsHash: key ? builtTemplateKey(key, buildDir, rewrites.map((r) => ({logicalId: r.artifact.logicalId, zip: r.artifact.zip, codeProperty: r.codeProperty, propertyUpdates: r.propertyUpdates}))) : '',
      sha256: previousPlan?.builtTemplate.sha256 ?? '',
    }
    // The built template.yaml is written again only when what it is made from, or the file itself, has changed.
    const builtTemplateCurrent =
      previousPlan !== undefined && previousPlan.builtTemplate.inputsHash === builtTemplate.inputsHash && sha256(readIfPresent(builtTemplateFile) ?? '') === builtTemplate.sha256
    if (!builtTemplateCurrent) {
      const {serializeTemplateYaml} = await import('../template/serialize.js')
      template ??= await loadTemplate(options.templateFile, templateBytes)
      const text = serializeTemplateYaml(rewriteTemplate(template.value, rewrites, buildDir, (artifact) => join(buildDir, artifact.zip), plan.projectDir), {isFloat: template.isFloat})
      builtTemplate.sha256 = sha256(text)
      await writeAtomically(builtTemplateFile, text)
    }
    if (key && !(previousPlan && builtTemplateCurrent)) cache.setPlan({key, plan, builtTemplate})
    const manifest: BuildManifest = {version: 1, template: BUILT_TEMPLATE_FILE, artifacts}
    const manifestText = JSON.stringify(manifest, null, 2) + '\n'
    if (!upToDate || readIfPresent(manifestFile)?.toString('utf8') !== manifestText) await writeAtomically(manifestFile, manifestText)
    return {
      buildDir,
      manifest,
      plan,
      units: built.map((o) => o.report).sort((a, b) => (a.logicalId < b.logicalId ? -1 : 1)),
      sizes,
    }
  } finally {
    // Also after a failure: the units that did build are reused by the next build. A cache that cannot be saved
    // costs the next build time, not this build its result (nor hides this build's own error).
    if (!options.functions) cache.keepOnly(plan.units.map((unit) => unit.logicalId))
    await cache.save(session.inputs).catch((error: unknown) => {
      reporter.emit({kind: 'build.cache-not-saved', data: {error: (error as Error).message}})
    })
  }
}

/**
 * Phases 1 and 2 of a build: the cache decides for every unit, then what changed is built. Throws BUILD_FAILED
 * naming every unit that failed; the units that did build are in the session's cache either way.
 */
async function buildUnits(session: BuildSession, manifestFile: string): Promise<{built: UnitOutcome[]; upToDate: boolean}> {
  const {plan, options} = session
  const {reporter} = options
  const concurrency = Math.max(1, options.concurrency ?? availableParallelism())
  const failures: {logicalId: string; error: unknown}[] = []
  const fail = (unit: BuildUnit, error: unknown): void => {
    failures.push({logicalId: unit.logicalId, error})
    if (options.signal?.aborted) return
    reporter.emit({kind: 'build.failed', data: {logicalId: unit.logicalId, error: (error as Error).message}})
  }

  // Phase 1: the cache decides, for every unit, before any build tool is loaded (a no-op build only stats files).
  const built: UnitOutcome[] = []
  const stale: StaleUnit[] = []
  await mapWithConcurrency(plan.units, concurrency, async (unit) => {
    try {
      const checked = await checkCache(unit, session)
      if ('artifact' in checked) built.push(checked)
      else stale.push(checked)
    } catch (error) {
      fail(unit, error)
    }
  })

  // The manifest marks a finished build: remove it before anything changes, so a failure below cannot leave a
  // stale one. A build where every unit is cached changes no artifact: its manifest stays until it is rewritten.
  const upToDate = stale.length === 0 && failures.length === 0
  if (!upToDate) await rm(manifestFile, {force: true})
  // The records of the units about to be rebuilt are dropped from the saved cache before their zips are replaced:
  // a build killed from here on leaves no record that vouches for a zip it may have replaced. (A cached zip is also
  // hashed again whenever it is not the very file its record saw.) A cache that cannot be saved is reported by the
  // save at the end.
  if (session.cache.forget(stale.map((job) => job.unit.logicalId))) await session.cache.save(session.inputs).catch(() => {})

  // Phase 2: build what changed — units with the same batch key in one run of their tool, the rest one by one;
  // a batch that fails as a whole is built again unit by unit, so each error names its unit.
  const limit = createLimiter(concurrency)
  const buildAlone = (job: StaleUnit) =>
    limit(() => {
      throwIfInterrupted(options.signal)
      return buildUnit(job, session)
    }).then(
      (outcome) => void built.push(outcome),
      (error: unknown) => fail(job.unit, error),
    )
  await Promise.all(
    groupBatches(stale, options.batch !== false).map(async (group) => {
      if (group.length > 1) {
        const outcomes = await limit(() => {
          throwIfInterrupted(options.signal)
          return buildBatch(group, session, concurrency)
        }).catch((error: unknown) => {
          reporter.emit({kind: 'build.batch-failed', data: {count: group.length, error: (error as Error).message}})
          return undefined
        })
        if (outcomes) {
          for (const [job, outcome] of outcomes) {
            if (outcome instanceof Error) fail(job.unit, outcome)
            else built.push(outcome)
          }
          return
        }
      }
      await Promise.all(group.map(buildAlone))
    }),
  )
  // Interrupted: the units stopped say so, not as failures of their own.
  throwIfInterrupted(options.signal)
  if (failures.length > 0) {
    failures.sort((a, b) => (a.logicalId < b.logicalId ? -1 : 1))
    const internal = failures.find((f) => !(f.error instanceof LpackError))
    if (internal) throw internal.error
    const first = failures[0]!.error as LpackError
    throw new LpackError('BUILD_FAILED', failures.length === 1 ? first.message : `${failures.length} builds failed:\n${failures.map((f) => `  ${(f.error as Error).message}`).join('\n')}`, {
      hint: first.hint,
      details: {failures: failures.map((f) => ({logicalId: f.logicalId, ...(f.error as LpackError).toJSON()}))},
    })
  }
  return {built, upToDate}
}
/** What one `buildProject` call shares among its units. */
interface BuildSession {
  plan: BuildPlan
  buildDir: string
  options: BuildOptions
  cache: BuildCache
  /** Input files hashed in this build, so files shared by many units are read once. */
  inputs: InputFiles
}

/** A unit the cache could not answer for, with what its build needs. */
interface StaleUnit {
  unit: BuildUnit
  builder: RuntimeBuilder
  /** fingerprintText() of the unit. */
  fingerprint: string
  started: number
}

/** The cached outcome when the unit's inputs are unchanged and its zip is still there; otherwise the unit to build. */
async function checkCache(unit: BuildUnit, session: BuildSession): Promise<UnitOutcome | StaleUnit> {
  const {plan, buildDir, options} = session
  const started = Date.now()
  const builder = await builderFor(unit)
  const fingerprint = fingerprintText({unit: {...unit, codePath: undefined}, builder: builder.name, settings: await builder.fingerprint(unit, plan)})
  const previous = options.cache === false ? undefined : session.cache.record(unit.logicalId)
  if (previous && previous.fingerprint === fingerprint) {
    // The same inputs as last time — the files the builder lists now, or else the ones the last build read —
    // each with its recorded content: the same inputsHash, without hashing anything.
    const files = builder.discoverInputs ? await builder.discoverInputs(unit, plan) : undefined
    const unchanged = (files === undefined || sameFiles(files, previous.inputs)) && session.inputs.unchanged(previous.inputs)
    // The zip is trusted only with the bytes the record hashed: another build's, a copy's or a hand-made zip of the
    // same size is not. While it is the file the record saw (same inode, size, mtime and ctime) it is not read.
    const zip = unchanged ? verifyFile(join(buildDir, zipPath(unit)), previous.artifact.sha256, previous.artifact.zippedBytes, previous.zipFile) : false
    if (zip !== false) {
      if (zip !== true) session.cache.setRecord({...previous, zipFile: zip})
      options.reporter.emit({kind: 'build.done', data: {logicalId: unit.logicalId, cached: true}})
      return {
        unit,
        artifact: {...previous.artifact, cached: true},
        propertyUpdates: previous.propertyUpdates,
        report: {logicalId: unit.logicalId, builder: builder.name, cached: true, durationMs: Date.now() - started, largestInputs: previous.largestInputs ?? [], ...(previous.providedElsewhere ? {providedElsewhere: previous.providedElsewhere} : {})},
      }
    }
  }
  return {unit, builder, fingerprint, started}
}

/**
 * Most units in one batch: a batch holds every output of its units in memory at once, so memory stays bounded
 * however many functions a template has.
 */
const MAX_BATCH_UNITS = 100
/**
 * Zips of a batch written at once. Each zip waits in turn for deflate and for file operations, which share
 * libuv's thread pool (4 threads): with 4 zips in flight the pool idles between their steps. 16 keeps it busy
 * (100 functions, 8 cold builds alternating: median 3.06 -> 2.92 s; no change at 20) for ~16 deflate states of memory.
 */
const ZIPS_IN_FLIGHT = 16

/**
 * Stale units grouped for building: units whose builder gives them the same batch key share a group (at most
 * MAX_BATCH_UNITS); every other unit is a group of one. Groups keep the plan's order.
 */
function groupBatches(stale: readonly StaleUnit[], batch: boolean): StaleUnit[][] {
  const groups = new Map<string, StaleUnit[]>()
  const alone: StaleUnit[][] = []
  for (const job of stale) {
    const key = batch ? job.builder.buildBatch && job.builder.batchKey?.(job.unit) : undefined
    if (key === undefined) {
      alone.push([job])
      continue
    }
    const groupKey = `${job.builder.name}\0${key}`
    const group = groups.get(groupKey)
    if (group) group.push(job)
    else groups.set(groupKey, [job])
  }
  const batches = [...groups.values()].flatMap((group) =>
    Array.from({length: Math.ceil(group.length / MAX_BATCH_UNITS)}, (_, index) => group.slice(index * MAX_BATCH_UNITS, (index + 1) * MAX_BATCH_UNITS)),
  )
  return [...batches, ...alone]
}

async function buildUnit(job: StaleUnit, session: BuildSession): Promise<UnitOutcome> {
  const {context, cleanUp} = startUnit(job, session)
  try {
    return await finishUnit(job, await job.builder.build(job.unit, context), session)
  } finally {
    await cleanUp()
  }
}

/**
 * Builds a group in one `buildBatch` call and zips each unit's content. Throws when the batch as a whole failed;
 * a unit's own failure is its Error in the result.
 */
async function buildBatch(group: readonly StaleUnit[], session: BuildSession, concurrency: number): Promise<[StaleUnit, UnitOutcome | Error][]> {
  const builder = group[0]!.builder
  const ids = group.map((job) => job.unit.logicalId)
  session.options.reporter.emit({kind: 'build.batch', data: {builder: builder.name, logicalIds: ids}})
  const started = group.map((job) => startUnit(job, session))
  try {
    const contents = await builder.buildBatch!(group.map((job, index) => ({unit: job.unit, context: started[index]!.context})))
    return await mapWithConcurrency(group, Math.max(concurrency, ZIPS_IN_FLIGHT), async (job): Promise<[StaleUnit, UnitOutcome | Error]> => {
      const content = contents.get(job.unit.logicalId) ?? new LpackError('INTERNAL', `${job.unit.logicalId}: the ${builder.name} batch returned nothing for it`)
      if (content instanceof Error) return [job, content]
      return [job, await finishUnit(job, content, session).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))]
    })
  } finally {
    await Promise.all(started.map((unit) => unit.cleanUp()))
  }
}

/** A unit's build context, and what removes its scratch folder afterwards. */
function startUnit(job: StaleUnit, session: BuildSession): {context: BuildContext; cleanUp: () => Promise<void>} {
  const {unit, builder} = job
  const {buildDir, plan, options} = session
  options.reporter.emit({kind: 'build.start', data: {logicalId: unit.logicalId, builder: builder.name}})
  let scratchDir: string | undefined
  const context: BuildContext = {
    plan,
    buildDir,
    reporter: options.reporter,
    signal: options.signal,
    // Made at first use: most units (esbuild bundles) never need one, and a folder made and removed for each
    // of 20 functions costs a build ~10 ms.
    get scratchDir() {
      // The ID shortened: the name must fit in 255 bytes with mkdtemp's suffix.
      return (scratchDir ??= mkdtempSync(join(buildDir, `.scratch-${unit.logicalId.slice(0, 64)}-`)))
    },
  }
  return {context, cleanUp: async () => void (scratchDir && (await rm(scratchDir, {recursive: true, force: true})))}
}

/** Hashes what the content was made from, writes the zip, then the cache record that makes it reusable. */
async function finishUnit(job: StaleUnit, content: BuiltContent, session: BuildSession): Promise<UnitOutcome> {
  const {unit, builder, fingerprint, started} = job
  const {plan, buildDir, options} = session
  const {reporter} = options
  for (const warning of content.warnings ?? []) reporter.emit({kind: 'build.warning', data: {logicalId: unit.logicalId, warning}})
  const hashed = session.inputs.hash(plan.projectDir, content.inputFiles, fingerprint)
  if (!hashed) throw new LpackError('BUILD_FAILED', `${unit.logicalId}: an input file disappeared during the build`)
  const zipRelative = zipPath(unit)
  throwIfInterrupted(options.signal)
  const zip = await writeDeterministicZip(content.entries, join(buildDir, zipRelative))
  // Right after the rename: the identity that lets the next build trust this zip without reading it.
  const zipFile = identityOf(statSync(zip.file))
  const artifact: ManifestArtifact = {
    logicalId: unit.logicalId,
    kind: unit.kind,
    ...(unit.runtime ? {runtime: unit.runtime} : {}),
    architecture: unit.architecture,
    zip: zipRelative,
    sha256: zip.sha256,
    zippedBytes: zip.zippedBytes,
    unzippedBytes: zip.unzippedBytes,
    files: zip.files,
    inputsHash: hashed.inputsHash,
    cached: false,
  }
  const {cached: _cached, ...storedArtifact} = artifact
  const record: CacheRecord = {
    logicalId: unit.logicalId,
    fingerprint,
    inputsHash: hashed.inputsHash,
    inputs: hashed.inputs,
    artifact: storedArtifact,
    zipFile,
    ...(content.propertyUpdates ? {propertyUpdates: content.propertyUpdates} : {}),
    ...(content.largestInputs ? {largestInputs: content.largestInputs} : {}),
    ...(content.providedElsewhere ? {providedElsewhere: content.providedElsewhere} : {}),
  }
  session.cache.setRecord(record)
  const durationMs = Date.now() - started
  reporter.emit({kind: 'build.done', data: {logicalId: unit.logicalId, cached: false, durationMs}})
  return {
    unit,
    artifact,
    propertyUpdates: content.propertyUpdates,
    report: {logicalId: unit.logicalId, builder: builder.name, cached: false, durationMs, largestInputs: content.largestInputs ?? [], ...(content.providedElsewhere ? {providedElsewhere: content.providedElsewhere} : {})},
  }
}

function zipPath(unit: BuildUnit): string {
  checkLogicalId(unit.logicalId)
  return `${ARTIFACTS_DIR}/${unit.logicalId}.zip`
}

/** Stops a build that was interrupted (Ctrl-C, SIGTERM) before it starts more work. */
function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new LpackError('INTERRUPTED', 'The build was interrupted; the next build carries on from what was finished', {
      hint: 'Run the build again.',
    })
  }
}

/**
 * Makes the build folder (and `artifacts/`), or says why it cannot be one: a file, a device, a folder where
 * nothing can be made.
 */
function prepareBuildDir(buildDir: string): void {
  try {
    makeDirectory(join(buildDir, ARTIFACTS_DIR))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason = code === 'ENOTDIR' || code === 'EEXIST' ? 'it is not a folder, or is inside a file' : (error as Error).message
    throw new LpackError('USAGE', `Cannot use ${buildDir} as the build folder: ${reason}`, {hint: 'Name a folder with --build-dir (it is made if missing).'})
  }
}

/**
 * Removes what an interrupted build left behind (its temporary files and scratch folders). Called with the
 * build folder's lock held, so nothing is writing them.
 */
function removeLeftovers(buildDir: string): void {
  for (const [dir, pattern] of [[buildDir, /^\.scratch-|\.tmp$|\.stale$/], [join(buildDir, ARTIFACTS_DIR), /\.tmp$/], [join(buildDir, 'cache'), /\.tmp$/]] as const) {
    let names: string[]
    try {
      names = readdirSync(dir)
    } catch {
      continue
    }
    for (const name of names) if (pattern.test(name)) rmSync(join(dir, name), {recursive: true, force: true})
  }
}

/** True when `files` (in any order, repeats allowed) are the recorded inputs (sorted and unique). */
function sameFiles(files: readonly string[], recorded: readonly InputFileStamp[]): boolean {
  const unique = [...new Set(files)].sort()
  return unique.length === recorded.length && unique.every((file, index) => file === recorded[index]!.file)
}

/** The template, parsed from the bytes read for the plan key (or read now, when they could not be read). */
async function loadTemplate(file: string, bytes: Buffer | undefined): Promise<Template> {
  const {loadTemplateFile, parseTemplate, usableTemplate} = await import('../template/load.js')
  return usableTemplate(bytes ? parseTemplate(bytes, file) : await loadTemplateFile(file), file)
}

/**
 * The file's bytes, or undefined when it cannot be read. Synchronous: the few small files a no-op build reads
 * (template, built template, manifest) cost microseconds this way, and a thread-pool round trip each otherwise.
 */
function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file)
  } catch {
    return undefined
  }
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}
