import {availableParallelism} from 'node:os'
import {mkdir, mkdtemp, rename, rm, stat, writeFile} from 'node:fs/promises'
import {join, resolve} from 'node:path'

import {LpackError} from '../../errors.js'
import type {Reporter} from '../../io/reporter.js'
import {writeDeterministicZip} from '../package/zip.js'
import {loadTemplateFile} from '../template/load.js'
import {serializeTemplateYaml} from '../template/serialize.js'
import {builderFor} from './builders/index.js'
import {mapWithConcurrency} from './concurrency.js'
import {BUILD_FORMAT_VERSION, hashInputs, readCacheRecord, writeCacheRecord, type CacheRecord} from './cache.js'
import {ARTIFACTS_DIR, BUILT_TEMPLATE_FILE, MANIFEST_FILE, type BuildManifest, type ManifestArtifact} from './manifest.js'
import {planBuild, type PlanOptions} from './plan.js'
import {rewriteTemplate} from './rewrite.js'
import {checkSizeLimits, type SizeBudgets, type SizeReport} from './size.js'
import type {BuildPlan, BuildUnit, BuiltContent} from './types.js'

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
  parameters?: PlanOptions['parameters']
  defaults?: PlanOptions['defaults']
  budgets?: SizeBudgets
  reporter: Reporter
  signal?: AbortSignal
}

export interface UnitBuildReport {
  logicalId: string
  builder: string
  cached: boolean
  durationMs: number
  largestInputs: {path: string; bytes: number}[]
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
  const loaded = await loadTemplateFile(options.templateFile)
  const loadErrors = loaded.diagnostics.filter((d) => d.severity === 'error')
  if (!loaded.template || loadErrors.length > 0) {
    const first = loadErrors[0]
    throw new LpackError('TEMPLATE_INVALID', `Template ${options.templateFile} cannot be read${first ? `: ${first.file}:${first.line}:${first.column} ${first.message}` : ''}`, {
      hint: 'Run `lpack validate` for every problem with its position.',
      details: {diagnostics: loaded.diagnostics},
    })
  }
  const template = loaded.template
  const plan = planBuild(template, {only: options.functions, parameters: options.parameters, defaults: options.defaults})
  const buildDir = resolve(options.buildDir ?? join(plan.projectDir, DEFAULT_BUILD_DIR))
  await mkdir(join(buildDir, ARTIFACTS_DIR), {recursive: true})
  // The manifest marks a finished build: remove it first so a failure below cannot leave a stale one.
  await rm(join(buildDir, MANIFEST_FILE), {force: true})
  for (const skipped of plan.skipped) reporter.emit({level: 'debug', kind: 'build.skip', message: `${skipped.logicalId}: not built (${skipped.reason})`})

  const concurrency = Math.max(1, options.concurrency ?? availableParallelism())
  const failures: {logicalId: string; error: unknown}[] = []
  const outcomes = await mapWithConcurrency(plan.units, concurrency, async (unit) => {
    try {
      return await buildUnit(unit, plan, buildDir, options)
    } catch (error) {
      failures.push({logicalId: unit.logicalId, error})
      const message = (error as Error).message
      // Builders' errors usually start with the logical ID already: do not say it twice.
      const line = message.startsWith(`${unit.logicalId}:`) ? message : `${unit.logicalId}: ${message}`
      reporter.emit({level: 'info', kind: 'build.failed', id: unit.logicalId, final: true, message: `✗ ${line}`})
      return undefined
    }
  })
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
  const built = outcomes.filter((o): o is UnitOutcome => o !== undefined)
  const artifacts = built.map((o) => o.artifact).sort((a, b) => (a.logicalId < b.logicalId ? -1 : 1))
  const sizes = checkSizeLimits(plan, artifacts, options.budgets)
  for (const size of sizes) {
    reporter.emit({level: 'info', kind: 'build.size', message: formatSizeLine(size), data: {...size}})
  }
  const overLimit = sizes.filter((s) => s.problems.length > 0)
  if (overLimit.length > 0) {
    throw new LpackError('SIZE_LIMIT_EXCEEDED', overLimit.flatMap((s) => s.problems).join('\n'), {
      hint: 'Exclude what the function does not need (.lpackignore, externals), or move shared code to a layer.',
      details: {sizes: overLimit},
    })
  }

  const rewritten = rewriteTemplate(
    template.value,
    built.map((o) => ({artifact: o.artifact, codeProperty: o.unit.codeProperty, propertyUpdates: o.propertyUpdates})),
    buildDir,
    (artifact) => join(buildDir, artifact.zip),
  )
  await writeAtomically(join(buildDir, BUILT_TEMPLATE_FILE), serializeTemplateYaml(rewritten))
  const manifest: BuildManifest = {version: 1, template: BUILT_TEMPLATE_FILE, artifacts}
  await writeAtomically(join(buildDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n')
  return {
    buildDir,
    manifest,
    plan,
    units: built.map((o) => o.report).sort((a, b) => (a.logicalId < b.logicalId ? -1 : 1)),
    sizes,
  }
}

async function buildUnit(unit: BuildUnit, plan: BuildPlan, buildDir: string, options: BuildOptions): Promise<UnitOutcome> {
  const {reporter} = options
  const started = performance.now()
  const builder = await builderFor(unit)
  const fingerprint = {unit: {...unit, codePath: undefined}, builder: builder.name, settings: await builder.fingerprint(unit, plan)}
  const zipRelative = `${ARTIFACTS_DIR}/${unit.logicalId}.zip`
  const zipFile = join(buildDir, zipRelative)
  const previous = await readCacheRecord(buildDir, unit.logicalId)

  if (options.cache !== false && previous) {
    const files = builder.discoverInputs ? await builder.discoverInputs(unit, plan) : previous.inputs.map((i) => i.file)
    const current = await hashInputs(plan.projectDir, files, fingerprint, previous.inputs)
    if (current && current.inputsHash === previous.inputsHash && (await zipMatches(zipFile, previous))) {
      reporter.emit({level: 'info', kind: 'build.done', id: unit.logicalId, final: true, message: `✓ ${unit.logicalId} (cached)`, data: {cached: true}})
      return {
        unit,
        artifact: {...previous.artifact, cached: true},
        propertyUpdates: previous.propertyUpdates,
        report: {logicalId: unit.logicalId, builder: builder.name, cached: true, durationMs: Math.round(performance.now() - started), largestInputs: previous.largestInputs ?? []},
      }
    }
  }

  reporter.emit({level: 'info', kind: 'build.start', id: unit.logicalId, message: `… ${unit.logicalId} building (${builder.name})`})
  const scratchDir = await mkdtemp(join(buildDir, `.scratch-${unit.logicalId}-`))
  let content: BuiltContent
  try {
    content = await builder.build(unit, {plan, buildDir, scratchDir, reporter, signal: options.signal})
    for (const warning of content.warnings ?? []) reporter.emit({level: 'warn', kind: 'build.warning', message: warning})
    const hashed = await hashInputs(plan.projectDir, content.inputFiles, fingerprint)
    if (!hashed) throw new LpackError('BUILD_FAILED', `${unit.logicalId}: an input file disappeared during the build`)
    const zip = await writeDeterministicZip(content.entries, zipFile)
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
      version: BUILD_FORMAT_VERSION,
      logicalId: unit.logicalId,
      inputsHash: hashed.inputsHash,
      inputs: hashed.inputs,
      artifact: storedArtifact,
      ...(content.propertyUpdates ? {propertyUpdates: content.propertyUpdates} : {}),
      ...(content.largestInputs ? {largestInputs: content.largestInputs} : {}),
    }
    await writeCacheRecord(buildDir, record)
    const durationMs = Math.round(performance.now() - started)
    reporter.emit({level: 'info', kind: 'build.done', id: unit.logicalId, final: true, message: `✓ ${unit.logicalId} built in ${durationMs} ms`, data: {cached: false, durationMs}})
    return {
      unit,
      artifact,
      propertyUpdates: content.propertyUpdates,
      report: {logicalId: unit.logicalId, builder: builder.name, cached: false, durationMs, largestInputs: content.largestInputs ?? []},
    }
  } finally {
    await rm(scratchDir, {recursive: true, force: true})
  }
}

/** A cached zip is trusted only if it is still there with the size it was built with. */
async function zipMatches(zipFile: string, record: CacheRecord): Promise<boolean> {
  const info = await stat(zipFile).catch(() => undefined)
  return info?.size === record.artifact.zippedBytes
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`
  await writeFile(temp, text)
  await rename(temp, file)
}

function formatSizeLine(size: SizeReport): string {
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`
  return `${size.logicalId}: ${mb(size.zippedBytes)} zipped, ${mb(size.unzippedBytes)} unzipped${size.layerUnzippedBytes > 0 ? ` (+${mb(size.layerUnzippedBytes)} in layers)` : ''}`
}
