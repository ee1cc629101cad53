import {dirname, isAbsolute, resolve} from 'node:path'

import {LpackError} from '../../errors.js'
import {isObject} from '../json.js'
import {isIntrinsic} from '../template/intrinsics.js'
import {resolveTemplate, type ResolvedTemplate} from '../template/resolve.js'
import type {Template} from '../template/template.js'
import type {Architecture, BuildPlan, BuildUnit, RuntimeFamily} from './types.js'

export interface PlanOptions {
  /** Only these logical IDs (functions or layers); layers they use are built too. */
  only?: readonly string[]
  /** Values for template Parameters, over their Defaults (used to resolve `!Ref` in Runtime, CodeUri, …). */
  parameters?: Record<string, string>
  /** Project-wide BuildProperties defaults per runtime family (lpack.config.yaml `build.defaults`). */
  defaults?: Partial<Record<RuntimeFamily | 'all', Record<string, unknown>>>
}

/** CloudFormation's logical ID pattern. */

/**
 * Decides what `lpack build` builds: every function and layer whose code is a local path. Pure — it reads
 * only the template value and never touches the file system.
 */
export function planBuild(template: Template, options: PlanOptions = {}): BuildPlan {
  const projectDir = dirname(resolve(template.file))
  const resolved = resolveTemplate(template.value, {parameters: options.parameters ?? {}})
  const resolveValue = (value: unknown): unknown => resolveLiteral(value, resolved)

  const units: BuildUnit[] = []
  const skipped: BuildPlan['skipped'] = []
  for (const resource of [...resolved.functions, ...resolved.layers].sort((a, b) => (a.logicalId < b.logicalId ? -1 : a.logicalId > b.logicalId ? 1 : 0))) {
    const {logicalId, kind, serverless: isServerless, properties, metadata} = resource
    // The logical ID names the zip and the scratch folder: `../x` in a JSON template must not become a path.
    checkLogicalId(logicalId)
    const codeProperty = kind === 'function' ? (isServerless ? 'CodeUri' : 'Code') : isServerless ? 'ContentUri' : 'Content'
    if (kind === 'function' && (properties.PackageType === 'Image' || properties.ImageUri !== undefined)) {
      skipped.push({logicalId, reason: 'container image'})
      continue
    }
    if (kind === 'function' && properties.InlineCode !== undefined) {
      skipped.push({logicalId, reason: 'inline code'})
      continue
    }
    const code = resolveValue(properties[codeProperty])
    let codeLocation: string
    if (code === undefined && isServerless && kind === 'function') {
      codeLocation = '.'
    } else if (typeof code === 'string' && !/^s3:\/\//i.test(code)) {
      codeLocation = code
    } else {
      skipped.push({logicalId, reason: typeof code === 'string' ? 'code already in S3' : `${codeProperty} is not a local path`})
      continue
    }

    const runtime = resolveValue(kind === 'function' ? properties.Runtime : asArray(properties.CompatibleRuntimes)[0])
    const compatibleRuntimes = asArray(resolveValue(properties.CompatibleRuntimes)).filter((r): r is string => typeof r === 'string')
    const buildMethod = typeof metadata.BuildMethod === 'string' ? metadata.BuildMethod.toLowerCase() : undefined
    const runtimeId = typeof runtime === 'string' ? runtime : kind === 'layer' && buildMethod && runtimeFamily(buildMethod) ? buildMethod : undefined
    const family = runtimeId ? runtimeFamily(runtimeId) : undefined
    const architecture = (asArray(resolveValue(properties.Architectures))[0] ?? asArray(resolveValue(properties.CompatibleArchitectures))[0] ?? 'x86_64') as Architecture
    const handler = resolveValue(properties.Handler)
    const environment = kind === 'function' ? asRecord(asRecord(properties.Environment).Variables) : {}
    units.push({
      logicalId,
      kind,
      ...(runtimeId ? {runtime: runtimeId} : {}),
      ...(compatibleRuntimes.length > 0 ? {compatibleRuntimes} : {}),
      ...(family ? {family} : {}),
      architecture: architecture === 'arm64' ? 'arm64' : 'x86_64',
      codePath: isAbsolute(codeLocation) ? codeLocation : resolve(projectDir, codeLocation),
      codeProperty,
      ...(typeof handler === 'string' ? {handler} : {}),
      ...(buildMethod ? {buildMethod} : {}),
      buildProperties: {
        ...(options.defaults?.all ?? {}),
        ...(family ? (options.defaults?.[family] ?? {}) : {}),
        ...asRecord(metadata.BuildProperties),
      },
      environment,
      layerIds: asArray(properties.Layers)
        .map((layer) => (isIntrinsic(layer) && typeof (layer as {Ref?: unknown}).Ref === 'string' ? (layer as {Ref: string}).Ref : undefined))
        .filter((id): id is string => id !== undefined && resolved.resource(id)?.kind === 'layer'),
      ...(kind === 'function' && properties.Layers !== undefined && !(Array.isArray(properties.Layers) && properties.Layers.length === 0) ? {usesLayers: true as const} : {}),
    })
  }
  return {templateFile: resolve(template.file), projectDir, units: selectUnits(units, options.only), skipped}
}

function selectUnits(units: BuildUnit[], only: readonly string[] | undefined): BuildUnit[] {
  if (!only || only.length === 0) return units
  const byId = new Map(units.map((unit) => [unit.logicalId, unit]))
  const wanted = new Set<string>()
  for (const id of only) {
    const unit = byId.get(id)
    if (!unit) {
      throw new LpackError('FUNCTION_NOT_FOUND', `No function or layer with local code named '${id}' in the template`, {
        hint: `Buildable resources: ${[...byId.keys()].join(', ') || 'none'}.`,
      })
    }
    wanted.add(id)
    for (const layerId of unit.layerIds) wanted.add(layerId)
  }
  return units.filter((unit) => wanted.has(unit.logicalId))
}

/**
 * The runtime family of a runtime id or a SAM BuildMethod: `nodejs22.x` → nodejs, `java21` → java. By prefix, unlike
 * the runtime table's lookup, so a layer's BuildMethod and a runtime newer than the table still find their builder.
 */
export function runtimeFamily(runtime: string): RuntimeFamily | undefined {
  const match = /^(nodejs|python|java|provided|dotnet|ruby)/.exec(runtime)
  return match ? (match[1] as RuntimeFamily) : undefined
}

/** Resolves `!Ref Param` to the parameter's value; other intrinsics stay unresolved (undefined). */
function resolveLiteral(value: unknown, resolved: ResolvedTemplate): unknown {
  if (!isIntrinsic(value)) return value
  const ref = (value as {Ref?: unknown}).Ref
  return typeof ref === 'string' ? resolved.parameters.get(ref) : undefined
}

function asRecord(value: unknown): Record<string, unknown> {
  return isObject(value) ? value : {}
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}

/** CloudFormation's logical IDs: letters and digits (at most 255 of them). */
const LOGICAL_ID = /^[A-Za-z0-9]+$/
const MAX_LOGICAL_ID = 255
/** `<LogicalId>.zip` must fit a file name (255 bytes on every common file system). */
const MAX_ZIP_NAME_ID = 251

/**
 * Refuses a logical ID that is not CloudFormation's letters and digits, or too long to name its zip: a logical
 * ID becomes part of paths in the build folder, and `../x`, a NUL or 300 characters make no file name (or the
 * wrong one). The template validator reports the same; the build checks again where it makes paths.
 */
export function checkLogicalId(logicalId: string): void {
  if (logicalId.length <= MAX_ZIP_NAME_ID && LOGICAL_ID.test(logicalId)) return
  const shown = JSON.stringify(logicalId.length > 60 ? `${logicalId.slice(0, 60)}…` : logicalId)
  if (!LOGICAL_ID.test(logicalId) || logicalId.length > MAX_LOGICAL_ID) {
    throw new LpackError('TEMPLATE_INVALID', `Logical ID ${shown} is not valid: CloudFormation logical IDs are 1 to 255 letters and digits (A-Z, a-z, 0-9)`, {
      hint: 'Rename the resource in the template.',
    })
  }
  if (logicalId.length > MAX_ZIP_NAME_ID) {
    throw new LpackError('TEMPLATE_INVALID', `Logical ID ${shown} has ${logicalId.length} characters: lpack names its zip <LogicalId>.zip, and a file name holds at most ${MAX_ZIP_NAME_ID + 4} bytes`, {
      hint: `Shorten the resource's logical ID to at most ${MAX_ZIP_NAME_ID} characters.`,
    })
  }
}
