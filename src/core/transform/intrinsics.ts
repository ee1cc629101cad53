import {SamError, invalidTemplate} from './errors.js'
import {isObject, type JsonObject, setOwn} from '../json.js'

/** `{Ref: X}`, `{"Fn::…": …}` or `{Condition: X}`: a mapping with one key that names an intrinsic (SAM's test). */
export function isIntrinsic(value: unknown): value is JsonObject {
  if (!isObject(value)) return false
  const keys = Object.keys(value)
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0]!.startsWith('Fn::'))
}

export function isIntrinsicIf(value: unknown): value is {'Fn::If': unknown} {
  return isIntrinsic(value) && 'Fn::If' in value
}

export function isNoValue(value: unknown): boolean {
  return isIntrinsic(value) && value.Ref === 'AWS::NoValue'
}

/** The three items of an `Fn::If`; SAM's wording when it has not got three. */
export function ifItems(value: {'Fn::If': unknown}): [unknown, unknown, unknown] {
  const items = value['Fn::If']
  if (!Array.isArray(items) || items.length !== 3) throw new SamError('Fn::If requires 3 arguments')
  return items as [unknown, unknown, unknown]
}

export const ref = (logicalId: string): JsonObject => ({Ref: logicalId})
export const getAtt = (logicalId: string, attribute: string): JsonObject => ({'Fn::GetAtt': [logicalId, attribute]})
export const sub = (text: string, variables?: JsonObject): JsonObject => ({'Fn::Sub': variables === undefined ? text : [text, variables]})

export function makeConditional(condition: unknown, whenTrue: unknown, whenFalse: unknown = {Ref: 'AWS::NoValue'}): JsonObject {
  return {'Fn::If': [condition, whenTrue, whenFalse]}
}

export function makeNotCondition(condition: string): JsonObject {
  return {'Fn::Not': [{Condition: condition}]}
}

/** The logical ID a `Ref` or `GetAtt` points at, as SAM reads it. */
export function logicalIdOfIntrinsic(value: unknown): string | undefined {
  if (!isIntrinsic(value)) return undefined
  if (typeof value.Ref === 'string') return value.Ref
  const getAttValue = value['Fn::GetAtt']
  if (Array.isArray(getAttValue) && getAttValue.length === 2 && typeof getAttValue[0] === 'string') return getAttValue[0]
  if (typeof getAttValue === 'string') {
    const tokens = getAttValue.split('.')
    if (tokens.length === 2) return tokens[0]
  }
  return undefined
}

const SUB_REFERENCE = /\$\{([A-Za-z0-9.]+|AWS::[A-Z][A-Za-z]*)\}/g

/**
 * Inlines template parameter values (and the pseudo parameters AWS::Region and AWS::Partition) into `Ref` and
 * `Fn::Sub`, as SAM's IntrinsicsResolver.resolve_parameter_refs does before hashing or reading a value.
 * Everything else — GetAtt, Refs to resources — stays as written. Returns a new value.
 */
export function resolveParameterRefs(value: unknown, parameters: ReadonlyMap<string, unknown>): unknown {
  if (parameters.size === 0) return value
  if (isObject(value) && Object.keys(value).length === 1) {
    if (typeof value.Ref === 'string') {
      const resolved = parameterValue(parameters, value.Ref)
      if (resolved !== undefined) return resolveParameterRefs(resolved, parameters)
    } else if ('Fn::Sub' in value) {
      return resolveChildren({'Fn::Sub': substitute(value['Fn::Sub'], (full, name) => {
        const resolved = parameterValue(parameters, name)
        if (resolved === undefined) return full
        if (typeof resolved !== 'string') {
          throw invalidTemplate(`Invalid Fn::Sub variable value ${String(resolved)}. Fn::Sub expects all variables to be strings.`)
        }
        return resolved
      })}, parameters)
    }
  }
  return resolveChildren(value, parameters)
}

function resolveChildren(value: unknown, parameters: ReadonlyMap<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveParameterRefs(item, parameters))
  if (isObject(value)) {
    const result: JsonObject = {}
    for (const [key, item] of Object.entries(value)) result[key] = resolveParameterRefs(item, parameters)
    return result
  }
  return value
}

function parameterValue(parameters: ReadonlyMap<string, unknown>, name: string): unknown {
  const value = parameters.get(name)
  // CloudFormation's placeholders for cross-stack values not yet known are left for CloudFormation.
  if (typeof value === 'string' && value.startsWith('{{IntrinsicFunction:')) return undefined
  return value
}

/** Applies `replace` to every `${…}` in an Fn::Sub string (or the string of its list form). */
function substitute(subValue: unknown, replace: (full: string, name: string) => string): unknown {
  const apply = (text: string): string => {
    let result = text
    for (const match of text.matchAll(SUB_REFERENCE)) result = result.replace(match[0], replace(match[0], match[1]!))
    return result
  }
  if (typeof subValue === 'string') return apply(subValue)
  if (Array.isArray(subValue) && typeof subValue[0] === 'string') {
    const text = apply(subValue[0])
    return text === subValue[0] ? subValue : [text, ...subValue.slice(1)]
  }
  return subValue
}

/** `MyFunction.Alias` → the generated logical ID, for the references SAM lets templates make to generated resources. */
export type ResourceReferences = Map<string, Map<string, string>>

/**
 * Rewrites `!Ref Fn.Alias`, `!GetAtt Fn.Alias.Arn` and `${Fn.Alias}` to the generated resources' logical IDs
 * (SAM's resolve_sam_resource_refs). Unknown references are left for CloudFormation to report.
 */
export function resolveResourceReferences(value: unknown, references: ResourceReferences): unknown {
  if (references.size === 0) return value
  const lookup = (logicalId: string, property: string): string | undefined => references.get(logicalId)?.get(property)
  return mapIntrinsics(value, (node) => {
    if (typeof node.Ref === 'string') {
      const [logicalId, property] = splitOnce(node.Ref)
      const resolved = property === undefined ? undefined : lookup(logicalId, property)
      return resolved === undefined ? node : {Ref: resolved}
    }
    const getAttValue = node['Fn::GetAtt']
    if (Array.isArray(getAttValue) && getAttValue.length >= 2 && getAttValue.every((item) => typeof item === 'string')) {
      const [logicalId, property, ...rest] = (getAttValue as string[]).join('.').split('.')
      const resolved = lookup(logicalId!, property!)
      return resolved === undefined ? node : {'Fn::GetAtt': [resolved, ...rest]}
    }
    if ('Fn::Sub' in node) {
      const sub = substitute(node['Fn::Sub'], (full, name) => {
        const [logicalId, property] = name.split('.')
        const resolved = property === undefined ? undefined : lookup(logicalId!, property)
        return resolved === undefined ? full : full.replace(`${logicalId}.${property}`, resolved)
      })
      return sub === node['Fn::Sub'] ? node : {'Fn::Sub': sub}
    }
    return node
  })
}

/** Rewrites references to resources whose logical ID the transform changed (layers get a hash suffix). */
export function resolveChangedLogicalIds(value: unknown, changed: ReadonlyMap<string, string>): unknown {
  if (changed.size === 0) return value
  return mapIntrinsics(value, (node) => {
    if (typeof node.Ref === 'string' && !node.Ref.includes('.')) {
      const resolved = changed.get(node.Ref)
      return resolved === undefined ? node : {Ref: resolved}
    }
    const getAttValue = node['Fn::GetAtt']
    if (Array.isArray(getAttValue) && getAttValue.length >= 2 && getAttValue.every((item) => typeof item === 'string')) {
      const [logicalId, ...rest] = (getAttValue as string[]).join('.').split('.')
      const resolved = changed.get(logicalId!)
      return resolved === undefined ? node : {'Fn::GetAtt': [resolved, ...rest]}
    }
    if ('Fn::Sub' in node) {
      const sub = substitute(node['Fn::Sub'], (full, name) => {
        const logicalId = name.split('.')[0]!
        const resolved = changed.get(logicalId)
        return resolved === undefined ? full : full.replace(logicalId, resolved)
      })
      return sub === node['Fn::Sub'] ? node : {'Fn::Sub': sub}
    }
    return node
  })
}

/**
 * Walks a value, letting `visit` replace each single-key mapping before its children are walked. Copies only what
 * changes: a part with nothing to rewrite is returned as it is (the whole output usually).
 */
function mapIntrinsics(value: unknown, visit: (node: JsonObject) => JsonObject): unknown {
  if (Array.isArray(value)) {
    let result: unknown[] | undefined
    value.forEach((item, index) => {
      const mapped = mapIntrinsics(item, visit)
      if (mapped !== item) (result ??= [...value])[index] = mapped
    })
    return result ?? value
  }
  if (!isObject(value)) return value
  const node = Object.keys(value).length === 1 ? visit(value) : value
  let result: JsonObject | undefined
  for (const key of Object.keys(node)) {
    const mapped = mapIntrinsics(node[key], visit)
    if (mapped !== node[key]) setOwn((result ??= {...node}), key, mapped)
  }
  return result ?? node
}

function splitOnce(text: string): [string, string | undefined] {
  const dot = text.indexOf('.')
  if (dot <= 0 || dot === text.length - 1) return [text, undefined]
  return [text.slice(0, dot), text.slice(dot + 1)]
}

/** Resolves `Fn::FindInMap` against the template's Mappings where all three keys are known strings. */
export function resolveFindInMap(value: unknown, mappings: JsonObject): unknown {
  if (isObject(value) && Object.keys(value).length === 1 && 'Fn::FindInMap' in value) {
    const args = value['Fn::FindInMap']
    if (!Array.isArray(args) || args.length !== 3) {
      throw invalidTemplate(`Invalid FindInMap value ${JSON.stringify(args)}. FindInMap expects an array with 3 values.`)
    }
    const [mapName, topKey, secondKey] = args.map((arg) => resolveFindInMap(arg, mappings))
    if (typeof mapName !== 'string' || typeof topKey !== 'string' || typeof secondKey !== 'string') return value
    const map = mappings[mapName]
    if (map === undefined) return value
    const top = isObject(map) ? map[topKey] : undefined
    if (!isObject(map) || (top !== undefined && !isObject(top))) {
      throw invalidTemplate(`Cannot use Fn::FindInMap on Mapping '${mapName}' which is not a a two-level map.`)
    }
    if (top === undefined || !(secondKey in top)) return value
    return top[secondKey]
  }
  if (Array.isArray(value)) return value.map((item) => resolveFindInMap(item, mappings))
  if (isObject(value)) {
    const result: JsonObject = {}
    for (const [key, item] of Object.entries(value)) result[key] = resolveFindInMap(item, mappings)
    return result
  }
  return value
}
