import {isObject, type JsonObject, setOwn} from '../json.js'
import {isIntrinsic} from './intrinsics.js'
import type {TemplatePath} from './template.js'

/**
 * The one place that says what a function or layer is "after Globals and parameters". Validate, build, transform
 * and the later stages all read these values, so that a template means the same thing to each of them (before this
 * module, build applied Globals with a shallow spread and built only a function's own Layers, while the deployed
 * stack had the Globals' layers too).
 */

const FUNCTION_TYPES = ['AWS::Serverless::Function', 'AWS::Lambda::Function'] as const
const LAYER_TYPES = ['AWS::Serverless::LayerVersion', 'AWS::Lambda::LayerVersion'] as const

/** Where each part of a merged value was written: a path in the template, per key or list index below it. */
export interface Origin {
  path: TemplatePath
  children?: Map<string | number, Origin>
}

/** The template path a value inside a merged value was written at (the resource, or Globals). */
export function originOf(origin: Origin, path: TemplatePath): TemplatePath {
  let node = origin
  for (let i = 0; i < path.length; i++) {
    const child = node.children?.get(path[i]!)
    if (!child) return [...node.path, ...path.slice(i)]
    node = child
  }
  return node.path
}

/** A SAM or CloudFormation function or layer, with Globals applied as the SAM translator applies them. */
export interface ResolvedResource {
  logicalId: string
  type: string
  kind: 'function' | 'layer'
  serverless: boolean
  /** The properties after Globals (intrinsics and parameter references as written). */
  properties: JsonObject
  /** Build settings: Globals.Function.Metadata (an lpack extension) under the resource's own Metadata. */
  metadata: JsonObject
  /** Where each property of `properties` was written. */
  origin: Origin
  /** Set when IgnoreGlobals is not a valid value (the Globals are then applied whole); validate reports it. */
  invalidIgnoreGlobals?: unknown
}

export interface ResolvedTemplate {
  /** Parameter values: the template's Defaults under the given overrides. */
  parameters: ReadonlyMap<string, unknown>
  functions: ResolvedResource[]
  layers: ResolvedResource[]
  /** A function or layer by logical ID. */
  resource(logicalId: string): ResolvedResource | undefined
  /** `{Ref: Parameter}` to the parameter's value; other values as they are. */
  resolveParameterRef(value: unknown): unknown
}

export interface ResolveOptions {
  /** Values for template Parameters, over their Defaults. */
  parameters?: Readonly<Record<string, unknown>>
}

/** Resolves the template's functions and layers (sorted by logical ID) and its parameter values. Pure. */
export function resolveTemplate(root: JsonObject, options: ResolveOptions = {}): ResolvedTemplate {
  const parameters = parameterValues(root, options.parameters)
  const resources = isObject(root.Resources) ? root.Resources : {}
  const globals = isObject(root.Globals) ? root.Globals : {}
  const functions: ResolvedResource[] = []
  const layers: ResolvedResource[] = []
  for (const logicalId of Object.keys(resources).sort()) {
    const resource = resources[logicalId]
    if (!isObject(resource) || typeof resource.Type !== 'string') continue
    const type = resource.Type
    const kind = (FUNCTION_TYPES as readonly string[]).includes(type) ? 'function' : (LAYER_TYPES as readonly string[]).includes(type) ? 'layer' : undefined
    if (!kind) continue
    const serverless = type.startsWith('AWS::Serverless::')
    const section = serverless ? globals[kind === 'function' ? 'Function' : 'LayerVersion'] : undefined
    const resolved = applyGlobals(isObject(section) ? section : {}, ['Globals', kind === 'function' ? 'Function' : 'LayerVersion'], isObject(resource.Properties) ? resource.Properties : {}, ['Resources', logicalId, 'Properties'], resource.IgnoreGlobals)
    const globalMetadata = kind === 'function' && serverless && isObject(section) && isObject(section.Metadata) ? section.Metadata : {}
    const entry: ResolvedResource = {
      logicalId,
      type,
      kind,
      serverless,
      properties: resolved.properties,
      metadata: {...globalMetadata, ...(isObject(resource.Metadata) ? resource.Metadata : {})},
      origin: resolved.origin,
      ...(resolved.invalidIgnoreGlobals !== undefined ? {invalidIgnoreGlobals: resolved.invalidIgnoreGlobals} : {}),
    }
    ;(kind === 'function' ? functions : layers).push(entry)
  }
  const byId = new Map([...functions, ...layers].map((entry) => [entry.logicalId, entry]))
  return {
    parameters,
    functions,
    layers,
    resource: (logicalId) => byId.get(logicalId),
    resolveParameterRef: (value) => {
      if (!isIntrinsic(value) || typeof value.Ref !== 'string') return value
      return parameters.has(value.Ref) ? parameters.get(value.Ref) : value
    },
  }
}

/** The template's parameter Defaults under the given overrides. */
export function parameterValues(root: JsonObject, overrides: Readonly<Record<string, unknown>> = {}): Map<string, unknown> {
  const values = new Map<string, unknown>()
  for (const [name, definition] of Object.entries(isObject(root.Parameters) ? root.Parameters : {})) {
    if (isObject(definition) && Object.hasOwn(definition, 'Default') && definition.Default !== undefined) values.set(name, definition.Default)
  }
  for (const [name, value] of Object.entries(overrides)) values.set(name, value)
  return values
}

/**
 * Applies one Globals section to a resource's properties as the SAM translator does: the resource's values win over
 * the global ones, mappings merge key by key, lists concatenate (Globals first), and an intrinsic counts as a plain
 * value. IgnoreGlobals `'*'` ignores the whole section, a list of names ignores those properties; an IgnoreGlobals
 * of any other shape, or naming a property the section lacks, is returned as `invalidIgnoreGlobals` (the
 * translator refuses the template; validate and transform report it) and the section is applied whole.
 */
export function applyGlobals(section: JsonObject, sectionPath: TemplatePath, properties: JsonObject, propertiesPath: TemplatePath, ignoreGlobals?: unknown): {properties: JsonObject; origin: Origin; invalidIgnoreGlobals?: unknown} {
  let globals = section
  let invalidIgnoreGlobals: unknown
  const ignoring = ignoreGlobals !== undefined && ignoreGlobals !== null && ignoreGlobals !== '' && !(Array.isArray(ignoreGlobals) && ignoreGlobals.length === 0)
  if (ignoring && ignoreGlobals === '*') {
    globals = {}
  } else if (ignoring && Array.isArray(ignoreGlobals)) {
    const invalid = ignoreGlobals.find((key) => typeof key !== 'string' || !Object.hasOwn(section, key))
    if (invalid !== undefined) {
      invalidIgnoreGlobals = invalid
    } else {
      globals = {...section}
      for (const key of ignoreGlobals as string[]) delete globals[key]
    }
  } else if (ignoring) {
    invalidIgnoreGlobals = ignoreGlobals
  }
  // Metadata in Globals.Function is lpack's build-settings extension, not a property.
  const {Metadata: _buildSettings, ...globalProperties} = globals
  const merged = mergeWithOrigin(globalProperties, sectionPath, properties, propertiesPath)
  return {properties: merged.value as JsonObject, origin: merged.origin, ...(invalidIgnoreGlobals !== undefined ? {invalidIgnoreGlobals} : {})}
}

/** SAM's merge of a global value with a resource's value (see applyGlobals), with where each part came from. */
export function mergeGlobalValue(globalValue: unknown, localValue: unknown): unknown {
  return mergeWithOrigin(globalValue, [], localValue, []).value
}

function shape(value: unknown): 'dict' | 'list' | 'primitive' {
  if (Array.isArray(value)) return 'list'
  if (isObject(value) && !isIntrinsic(value)) return 'dict'
  return 'primitive'
}

function mergeWithOrigin(globalValue: unknown, globalPath: TemplatePath, localValue: unknown, localPath: TemplatePath): {value: unknown; origin: Origin} {
  const kind = shape(globalValue)
  if (kind !== shape(localValue) || kind === 'primitive') return {value: localValue, origin: {path: localPath}}
  const children = new Map<string | number, Origin>()
  if (kind === 'list') {
    const globalItems = globalValue as unknown[]
    const localItems = localValue as unknown[]
    globalItems.forEach((_, index) => children.set(index, {path: [...globalPath, index]}))
    localItems.forEach((_, index) => children.set(globalItems.length + index, {path: [...localPath, index]}))
    return {value: [...globalItems, ...localItems], origin: {path: localPath, children}}
  }
  const merged: JsonObject = {}
  for (const [key, value] of Object.entries(globalValue as JsonObject)) {
    setOwn(merged, key, value)
    children.set(key, {path: [...globalPath, key]})
  }
  for (const [key, value] of Object.entries(localValue as JsonObject)) {
    if (Object.hasOwn(merged, key)) {
      const inner = mergeWithOrigin(merged[key], [...globalPath, key], value, [...localPath, key])
      setOwn(merged, key, inner.value)
      children.set(key, inner.origin)
    } else {
      setOwn(merged, key, value)
      children.set(key, {path: [...localPath, key]})
    }
  }
  return {value: merged, origin: {path: localPath, children}}
}
