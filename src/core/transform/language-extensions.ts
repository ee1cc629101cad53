import {LpackError} from '../../errors.js'
import {isObject, type JsonObject} from '../json.js'
import {findLocalPaths} from '../template/local-paths.js'
import {parameterValues} from '../template/resolve.js'
import type {Template, TemplatePath} from '../template/template.js'
import {partitionOf} from './partition.js'

/**
 * CloudFormation's AWS::LanguageExtensions transform, expanded locally as its documentation describes it:
 * `Fn::ForEach` loops, `Fn::Length`, `Fn::ToJsonString`, `Fn::FindInMap` with a `DefaultValue`, and intrinsic
 * functions in DeletionPolicy / UpdateReplacePolicy. It runs before the SAM transform, which then sees plain
 * resources. Pure: no I/O, the input is not modified.
 */

export const LANGUAGE_EXTENSIONS_TRANSFORM = 'AWS::LanguageExtensions'
export const SAM_TRANSFORM = 'AWS::Serverless-2016-10-31'

/** The names in a template's Transform section (a name or a list of them), in order; none when it has none. */
export function transformsOf(template: Record<string, unknown>): string[] {
  return [template.Transform].flat().filter((name) => name !== undefined).map(String)
}

const FOR_EACH_PREFIX = 'Fn::ForEach::'
/** The sections the transform's functions may stand in (the documentation names these three). */
const EXPANDED_SECTIONS = ['Conditions', 'Resources', 'Outputs'] as const
const LIST_PARAMETER = /^(CommaDelimitedList|List<.+>)$/

export interface LanguageExtensionsOptions {
  /** Values for template parameters (the deploy's overrides); parameters not given fall back to their Default. */
  parameters?: Readonly<Record<string, unknown>>
  region?: string
  partition?: string
  accountId?: string
  stackName?: string
}

export type LanguageExtensionsResult =
  | {
      kind: 'expanded'
      template: JsonObject
      /** Where each key a loop made (or whose identifiers it replaced) was written: see sourcePathOf. */
      sourcePaths: SourcePaths
    }
  /** A value only CloudFormation can resolve (an account ID a default FindInMap needs, say): nothing was expanded. */
  | {kind: 'needs-cloudformation'; reason: string; path: TemplatePath}

/**
 * Expands the AWS::LanguageExtensions transform and removes it from the Transform list (other transforms stay).
 * Throws TRANSFORM_FAILED, naming the template path, when CloudFormation would reject the template: a malformed
 * loop or collection, two outputs of the same key, a loop named like a resource.
 */
export function expandLanguageExtensions(template: Record<string, unknown>, options: LanguageExtensionsOptions = {}): LanguageExtensionsResult {
  let evaluator = new Evaluator(template, options)
  try {
    const expanded: JsonObject = {...template}
    const sourcePaths = new Map<string, TemplatePath>()
    for (const section of EXPANDED_SECTIONS) {
      const value = template[section]
      if (!isObject(value)) continue
      const loops = expandMapping(value, {evaluator, identifiers: new Map(), sourcePaths}, [section], [section])
      expanded[section] = resolveFunctions(loops, evaluator, [section]) as JsonObject
      // Conditions come first: the policies' Fn::If may name a condition a loop made.
      if (section === 'Conditions') evaluator = new Evaluator(expanded, options)
    }
    checkLoopNames(template, isObject(expanded.Resources) ? expanded.Resources : {})
    if (isObject(expanded.Resources)) expanded.Resources = resolvePolicies(expanded.Resources, evaluator)
    const transforms = transformsOf(template).filter((name) => name !== LANGUAGE_EXTENSIONS_TRANSFORM)
    if (transforms.length === 0) delete expanded.Transform
    else expanded.Transform = transforms.length === 1 && !Array.isArray(template.Transform) ? transforms[0] : transforms
    return {kind: 'expanded', template: expanded, sourcePaths}
  } catch (error) {
    if (error instanceof NeedsCloudFormation) return {kind: 'needs-cloudformation', reason: error.message, path: error.path}
    throw error
  }
}

/** Expanded-template paths (as pathKey) of the keys a loop made, each with the source path of the key it came from. */
type SourcePaths = ReadonlyMap<string, TemplatePath>

function pathKey(path: TemplatePath): string {
  return JSON.stringify(path)
}

/**
 * Where a path of the expanded template was written in the source: below a key a loop made, the loop's output key
 * (and the rest of the path, where it exists there); every other path is itself.
 */
export function sourcePathOf(path: TemplatePath, sourcePaths: SourcePaths): TemplatePath {
  for (let length = path.length; length > 0; length--) {
    const origin = sourcePaths.get(pathKey(path.slice(0, length)))
    if (origin !== undefined) return [...origin, ...path.slice(length)]
  }
  return path
}

/** The expanded template as a Template whose positions are those of the source, so errors point at what was written. */
export function expandedTemplateOf(source: Template, expansion: Extract<LanguageExtensionsResult, {kind: 'expanded'}>): Template {
  const toSource = (path: TemplatePath) => sourcePathOf(path, expansion.sourcePaths)
  return {
    ...source,
    value: expansion.template,
    locate: (path) => source.locate(toSource(path)),
    locateKey: (path) => source.locateKey(toSource(path)),
    isFloat: (path) => source.isFloat(toSource(path)),
  }
}

/**
 * The source paths of local code (CodeUri, ContentUri…) in resources a loop made. `lpack build` and `lpack
 * package` work on the template as written, where such a resource is a loop, not a function: its code is neither
 * built nor uploaded, so lpack refuses it rather than deploy a path CloudFormation cannot read.
 */
export function localCodeInLoops(expansion: Extract<LanguageExtensionsResult, {kind: 'expanded'}>): TemplatePath[] {
  return findLocalPaths(expansion.template, {includeCode: true})
    .map((ref) => sourcePathOf(ref.path, expansion.sourcePaths))
    .filter((path) => path.some((key) => typeof key === 'string' && key.startsWith(FOR_EACH_PREFIX)))
}

/** UNSUPPORTED_CONSTRUCT for local code in loops (see localCodeInLoops), or undefined when there is none. */
export function localCodeInLoopsError(expansion: Extract<LanguageExtensionsResult, {kind: 'expanded'}>): LpackError | undefined {
  const paths = [...new Set(localCodeInLoops(expansion).map((path) => path.join('/')))]
  if (paths.length === 0) return undefined
  return new LpackError('UNSUPPORTED_CONSTRUCT', `lpack does not build or package the code of resources made by Fn::ForEach yet: ${paths.join(', ')}`, {
    hint: 'Point the code at S3 (s3://bucket/key), or declare the function outside the loop.',
    details: {paths},
  })
}

/** The transforms lpack expands itself when AWS::LanguageExtensions is among them: it alone, or it then SAM's. */
export function expandsLanguageExtensionsLocally(transforms: readonly unknown[]): boolean {
  return transforms[0] === LANGUAGE_EXTENSIONS_TRANSFORM && (transforms.length === 1 || (transforms.length === 2 && transforms[1] === SAM_TRANSFORM))
}

/** A value lpack cannot know at transform time, where the transform must resolve it. */
class NeedsCloudFormation extends Error {
  constructor(
    message: string,
    readonly path: TemplatePath,
  ) {
    super(message)
  }
}

/** CloudFormation would reject the template: `details` has the template path and the reason without it. */
function malformed(path: TemplatePath, reason: string): LpackError {
  return new LpackError('TRANSFORM_FAILED', `${path.join('/')}: ${reason}`, {
    hint: 'See "AWS::LanguageExtensions transform" in the AWS CloudFormation Template Reference.',
    details: {path, reason},
  })
}

// ---------------------------------------------------------------------------------------------- Fn::ForEach

/** The loop identifiers in force and the item each stands for. */
type LoopScope = ReadonlyMap<string, string>

/** What expanding a loop needs: the identifiers in force, the evaluator that resolves a collection, where keys came from. */
interface Expansion {
  evaluator: Evaluator
  identifiers: LoopScope
  sourcePaths: Map<string, TemplatePath>
}

/**
 * A mapping with its loops expanded: each `Fn::ForEach::Name` entry is replaced by the entries its fragment makes
 * for every item, merged into the mapping. Keys and values inside a loop have the loop identifiers replaced.
 * `path` is where the mapping is written in the source, `expandedPath` where it lands in the expanded template.
 */
function expandMapping(mapping: JsonObject, expansion: Expansion, path: TemplatePath, expandedPath: TemplatePath): JsonObject {
  const scope = expansion.identifiers
  const result: JsonObject = {}
  const add = (key: string, value: unknown, duplicateAt: TemplatePath, made: 'by a loop' | 'as written') => {
    if (Object.hasOwn(result, key)) {
      throw malformed(duplicateAt, made === 'by a loop' ? `the loop makes the key '${key}' more than once, or a key the mapping already has: its output keys must use the loop's identifier` : `the key '${key}' is given twice`)
    }
    result[key] = value
  }
  for (const [key, value] of Object.entries(mapping)) {
    if (key.startsWith(FOR_EACH_PREFIX)) {
      for (const [outputKey, output] of Object.entries(expandLoop(key, value, expansion, [...path, key], expandedPath))) add(outputKey, output, [...path, key], 'by a loop')
    } else {
      const expandedKey = substituteIdentifiers(key, scope)
      if (scope.size > 0 || path.length !== expandedPath.length) expansion.sourcePaths.set(pathKey([...expandedPath, expandedKey]), [...path, key])
      add(expandedKey, expandValue(value, expansion, [...path, key], [...expandedPath, expandedKey]), [...path, key], 'as written')
    }
  }
  return result
}

/** The entries a loop makes, merged into the mapping that holds it (whose expanded path is `expandedPath`). */
function expandLoop(name: string, args: unknown, expansion: Expansion, path: TemplatePath, expandedPath: TemplatePath): JsonObject {
  const scope = expansion.identifiers
  if (name.length === FOR_EACH_PREFIX.length) throw malformed(path, 'the loop has no name: write Fn::ForEach::<LoopName>')
  if (!Array.isArray(args) || args.length !== 3) throw malformed(path, 'Fn::ForEach takes a list of three items: [Identifier, Collection, {OutputKey: OutputValue}]')
  const [identifier, collection, fragment] = args as [unknown, unknown, unknown]
  if (typeof identifier !== 'string' || !/^[A-Za-z0-9]+$/.test(identifier)) throw malformed([...path, 0], `the loop identifier must be an alphanumeric string, not ${JSON.stringify(identifier)}`)
  if (scope.has(identifier)) throw malformed([...path, 0], `the identifier '${identifier}' is already used by an enclosing loop`)
  if (!isObject(fragment) || Object.keys(fragment).length === 0) throw malformed([...path, 2], 'the third item of Fn::ForEach must be a mapping of OutputKey to OutputValue')
  const items = collectionItems(expansion.evaluator, substituteValue(collection, scope), [...path, 1])
  const outputs: JsonObject = {}
  for (const item of items) {
    const expanded = expandMapping(fragment, {...expansion, identifiers: new Map(scope).set(identifier, item)}, [...path, 2], expandedPath)
    for (const [key, value] of Object.entries(expanded)) {
      if (Object.hasOwn(outputs, key)) throw malformed(path, `the loop makes the key '${key}' more than once: its output keys must use the loop's identifier`)
      outputs[key] = value
    }
  }
  return outputs
}

/** The items a loop runs over: a literal list, or a Ref to a list parameter (or another function giving a list). */
function collectionItems(evaluator: Evaluator, collection: unknown, path: TemplatePath): string[] {
  const value = Array.isArray(collection) ? collection : evaluator.resolve(collection, path)
  if (value === UNRESOLVED) throw new NeedsCloudFormation(`the collection of ${path.slice(0, -1).join('/')} is not known before deploy time`, path)
  if (!Array.isArray(value)) throw malformed(path, 'the collection must be a list, or a Ref to a CommaDelimitedList or List<…> parameter')
  return value.map((item, index) => {
    if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') return String(item)
    throw malformed([...path, index], 'each item of the collection must be a string')
  })
}

/** `${Identifier}` becomes the item; `&{Identifier}` the item without its non-alphanumeric characters. */
function substituteIdentifiers(text: string, scope: LoopScope): string {
  let result = text
  for (const [identifier, item] of scope) {
    result = result.replaceAll(`\${${identifier}}`, item).replaceAll(`&{${identifier}}`, item.replace(/[^A-Za-z0-9]/g, ''))
  }
  return result
}

/** A value inside a loop: identifiers replaced in every string and key, and `{Ref: Identifier}` by the item. */
function substituteValue(value: unknown, scope: LoopScope): unknown {
  if (scope.size === 0) return value
  if (typeof value === 'string') return substituteIdentifiers(value, scope)
  if (Array.isArray(value)) return value.map((item) => substituteValue(item, scope))
  if (!isObject(value)) return value
  if (Object.keys(value).length === 1 && typeof value.Ref === 'string' && scope.has(value.Ref)) return scope.get(value.Ref)
  const result: JsonObject = {}
  for (const [key, item] of Object.entries(value)) result[substituteIdentifiers(key, scope)] = substituteValue(item, scope)
  return result
}

/** A value in an expanded section: loops in its mappings (resource properties) expanded, identifiers replaced. */
function expandValue(value: unknown, expansion: Expansion, path: TemplatePath, expandedPath: TemplatePath): unknown {
  const scope = expansion.identifiers
  if (Array.isArray(value)) return value.map((item, index) => expandValue(item, expansion, [...path, index], [...expandedPath, index]))
  if (!isObject(value)) return substituteValue(value, scope)
  if (Object.keys(value).length === 1 && typeof value.Ref === 'string' && scope.has(value.Ref)) return scope.get(value.Ref)
  return expandMapping(value, expansion, path, expandedPath)
}

/** Loop names are unique in the template and none is a resource's logical ID (CloudFormation's rule). */
function checkLoopNames(template: Record<string, unknown>, resources: JsonObject): void {
  const seen = new Map<string, TemplatePath>()
  const visit = (value: unknown, path: TemplatePath): void => {
    if (Array.isArray(value)) value.forEach((item, index) => visit(item, [...path, index]))
    if (!isObject(value)) return
    for (const [key, item] of Object.entries(value)) {
      if (key.startsWith(FOR_EACH_PREFIX)) {
        const name = key.slice(FOR_EACH_PREFIX.length)
        if (seen.has(name)) throw malformed([...path, key], `the loop name '${name}' is used twice; each loop needs a name of its own`)
        if (Object.hasOwn(resources, name)) throw malformed([...path, key], `the loop name '${name}' is also a resource's logical ID; rename the loop`)
        seen.set(name, [...path, key])
      }
      visit(item, [...path, key])
    }
  }
  for (const section of EXPANDED_SECTIONS) visit(template[section], [section])
}

// ------------------------------------------------------------------------- values known at transform time

/** A value only known at deploy time. */
const UNRESOLVED: unique symbol = Symbol('unresolved')
type Resolved = unknown

const PSEUDO_PARAMETERS_LEFT_TO_CLOUDFORMATION = new Set(['AWS::NotificationARNs', 'AWS::StackId', 'AWS::URLSuffix'])

/** Resolves what the transform can know: literals, parameters, pseudo parameters, Mappings and Conditions. */
class Evaluator {
  private readonly parameters: Map<string, unknown>
  private readonly listParameters: Set<string>
  private readonly mappings: JsonObject
  private readonly conditions: JsonObject

  constructor(template: Record<string, unknown>, options: LanguageExtensionsOptions) {
    this.parameters = parameterValues(template as JsonObject, options.parameters)
    const declared = isObject(template.Parameters) ? template.Parameters : {}
    this.listParameters = new Set(Object.entries(declared).filter(([, p]) => isObject(p) && typeof p.Type === 'string' && LIST_PARAMETER.test(p.Type)).map(([name]) => name))
    const region = options.region ?? 'us-east-1'
    this.parameters.set('AWS::Region', region)
    this.parameters.set('AWS::Partition', options.partition ?? partitionOf(region))
    if (options.accountId !== undefined) this.parameters.set('AWS::AccountId', options.accountId)
    if (options.stackName !== undefined) this.parameters.set('AWS::StackName', options.stackName)
    this.mappings = isObject(template.Mappings) ? template.Mappings : {}
    this.conditions = isObject(template.Conditions) ? template.Conditions : {}
  }

  /** A parameter's value (a list for list types), or UNRESOLVED. */
  parameter(name: string): Resolved {
    if (PSEUDO_PARAMETERS_LEFT_TO_CLOUDFORMATION.has(name) || !this.parameters.has(name)) return UNRESOLVED
    const value = this.parameters.get(name)
    // CloudFormation's placeholder for a value it has yet to learn.
    if (typeof value === 'string' && value.startsWith('{{IntrinsicFunction:')) return UNRESOLVED
    if (this.listParameters.has(name)) return Array.isArray(value) ? value.map(String) : String(value).split(',').map((item) => item.trim())
    return Array.isArray(value) ? value : String(value)
  }

  /** The value fully resolved, or UNRESOLVED when any part of it is known only at deploy time. */
  resolve(value: unknown, path: TemplatePath = []): Resolved {
    if (Array.isArray(value)) {
      const items = value.map((item, index) => this.resolve(item, [...path, index]))
      return items.includes(UNRESOLVED) ? UNRESOLVED : items.filter((item) => item !== NO_VALUE)
    }
    if (!isObject(value)) return value
    const keys = Object.keys(value)
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::') || keys[0] === 'Condition')) return this.resolveFunction(keys[0]!, value[keys[0]!], path)
    const result: JsonObject = {}
    for (const [key, item] of Object.entries(value)) {
      const resolved = this.resolve(item, [...path, key])
      if (resolved === UNRESOLVED) return UNRESOLVED
      if (resolved !== NO_VALUE) result[key] = resolved
    }
    return result
  }

  private resolveFunction(name: string, args: unknown, path: TemplatePath): Resolved {
    switch (name) {
      case 'Ref':
        if (args === 'AWS::NoValue') return NO_VALUE
        return typeof args === 'string' ? this.parameter(args) : UNRESOLVED
      case 'Fn::Sub':
        return this.resolveSub(args, path)
      case 'Fn::Join': {
        if (!Array.isArray(args) || args.length !== 2) return UNRESOLVED
        const [delimiter, list] = [this.resolve(args[0]), this.resolve(args[1])]
        return typeof delimiter === 'string' && Array.isArray(list) && list.every((item) => typeof item === 'string') ? list.join(delimiter) : UNRESOLVED
      }
      case 'Fn::Split': {
        if (!Array.isArray(args) || args.length !== 2) return UNRESOLVED
        const [delimiter, text] = [this.resolve(args[0]), this.resolve(args[1])]
        return typeof delimiter === 'string' && typeof text === 'string' ? text.split(delimiter) : UNRESOLVED
      }
      case 'Fn::Select': {
        if (!Array.isArray(args) || args.length !== 2) return UNRESOLVED
        const [index, list] = [this.resolve(args[0]), this.resolve(args[1])]
        const at = Number(index)
        return Array.isArray(list) && Number.isInteger(at) && at >= 0 && at < list.length ? list[at] : UNRESOLVED
      }
      case 'Fn::FindInMap':
        return this.resolveFindInMap(args, path)
      case 'Fn::If': {
        if (!Array.isArray(args) || args.length !== 3 || typeof args[0] !== 'string') return UNRESOLVED
        const condition = this.condition(args[0])
        return condition === UNRESOLVED ? UNRESOLVED : this.resolve(condition ? args[1] : args[2], [...path, condition ? 1 : 2])
      }
      case 'Fn::Length':
        // A literal list has a length even when its items are known only at deploy time.
        return length(Array.isArray(args) ? args : this.resolve(args, path), path)
      case 'Fn::ToJsonString': {
        const resolved = this.resolve(args, path)
        return resolved === UNRESOLVED ? UNRESOLVED : JSON.stringify(resolved)
      }
      default:
        return UNRESOLVED
    }
  }

  private resolveSub(args: unknown, path: TemplatePath): Resolved {
    const [text, variables] = Array.isArray(args) ? [args[0], args[1] ?? {}] : [args, {}]
    if (typeof text !== 'string' || !isObject(variables)) return UNRESOLVED
    let unresolved = false
    const result = text.replace(/\$\{([^}!]+)\}/g, (_whole, name: string) => {
      const value = Object.hasOwn(variables, name) ? this.resolve(variables[name], path) : this.parameter(name)
      if (typeof value === 'string' || typeof value === 'number') return String(value)
      unresolved = true
      return ''
    })
    return unresolved ? UNRESOLVED : result.replace(/\$\{!/g, '${')
  }

  /** `Fn::FindInMap` with the transform's additions: keys from intrinsic functions and a DefaultValue. */
  resolveFindInMap(args: unknown, path: TemplatePath): Resolved {
    if (!Array.isArray(args) || (args.length !== 3 && args.length !== 4)) throw malformed(path, 'Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey] and an optional {DefaultValue: …}')
    const keys = args.slice(0, 3).map((arg) => this.resolve(arg))
    const fallback = args.length === 4 ? defaultValueOf(args[3], [...path, 3]) : undefined
    if (keys.includes(UNRESOLVED)) return UNRESOLVED
    const [mapName, topKey, secondKey] = keys.map(String) as [string, string, string]
    const map = this.mappings[mapName]
    const top = isObject(map) ? map[topKey] : undefined
    if (isObject(top) && Object.hasOwn(top, secondKey)) return top[secondKey]
    if (fallback === undefined) return UNRESOLVED
    return this.resolve(fallback.value, fallback.path)
  }

  /** A condition's truth, or UNRESOLVED when it depends on something known only at deploy time. */
  condition(name: string, seen: ReadonlySet<string> = new Set()): boolean | typeof UNRESOLVED {
    if (seen.has(name) || !Object.hasOwn(this.conditions, name)) return UNRESOLVED
    return this.conditionValue(this.conditions[name], new Set([...seen, name]))
  }

  private conditionValue(value: unknown, seen: ReadonlySet<string>): boolean | typeof UNRESOLVED {
    if (!isObject(value) || Object.keys(value).length !== 1) return UNRESOLVED
    const [name, args] = Object.entries(value)[0]!
    if (name === 'Condition') return typeof args === 'string' ? this.condition(args, seen) : UNRESOLVED
    if (!Array.isArray(args)) return UNRESOLVED
    if (name === 'Fn::Equals') {
      const [left, right] = args.map((arg) => this.resolve(arg))
      // CloudFormation compares the values as strings: `!Equals [!Ref Flag, true]` holds for the parameter value 'true'.
      return left === UNRESOLVED || right === UNRESOLVED ? UNRESOLVED : asText(left) === asText(right)
    }
    const operands = args.map((arg) => this.conditionValue(arg, seen))
    if (operands.includes(UNRESOLVED)) return UNRESOLVED
    if (name === 'Fn::Not') return !operands[0]
    if (name === 'Fn::And') return operands.every(Boolean)
    if (name === 'Fn::Or') return operands.some(Boolean)
    return UNRESOLVED
  }
}

function asText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value)
}

/** `{Ref: AWS::NoValue}` resolved: the key or item that holds it is dropped. */
const NO_VALUE: unique symbol = Symbol('no value')

function defaultValueOf(value: unknown, path: TemplatePath): {value: unknown; path: TemplatePath} {
  if (!isObject(value) || Object.keys(value).length !== 1 || !Object.hasOwn(value, 'DefaultValue')) throw malformed(path, "the fourth item of Fn::FindInMap must be {DefaultValue: …}")
  return {value: value.DefaultValue, path: [...path, 'DefaultValue']}
}

function length(list: Resolved, path: TemplatePath): Resolved {
  if (list === UNRESOLVED) return UNRESOLVED
  if (!Array.isArray(list)) throw malformed(path, 'Fn::Length takes a list, or a function that returns one (a Ref to a list parameter, Fn::Split)')
  return list.length
}

// ---------------------------------------------------- Fn::Length, Fn::ToJsonString, Fn::FindInMap defaults

/**
 * Replaces the transform's functions in a section by their values. A FindInMap whose DefaultValue is
 * `!Ref AWS::NoValue` removes the key that holds it (the documented way to leave a resource's Condition unset).
 */
function resolveFunctions(value: unknown, evaluator: Evaluator, path: TemplatePath): unknown {
  if (Array.isArray(value)) return value.map((item, index) => resolveFunctions(item, evaluator, [...path, index])).filter((item) => item !== NO_VALUE)
  if (!isObject(value)) return value
  const keys = Object.keys(value)
  if (keys.length === 1) {
    const args = value[keys[0]!]
    switch (keys[0]) {
      case 'Fn::Length': {
        const resolved = evaluator.resolve(value, path)
        if (resolved === UNRESOLVED) throw new NeedsCloudFormation('Fn::Length of a list known only at deploy time', path)
        return resolved
      }
      case 'Fn::ToJsonString':
        return toJsonString(resolveFunctions(args, evaluator, [...path, 'Fn::ToJsonString']), evaluator, [...path, 'Fn::ToJsonString'])
      case 'Ref':
      case 'Fn::GetAtt':
        return {[keys[0]]: namesResolved(keys[0], args, evaluator, [...path, keys[0]])}
      case 'Fn::FindInMap': {
        // CloudFormation itself takes three names, each a string, a Ref or a FindInMap; the rest is the transform's.
        if (!Array.isArray(args) || (args.length === 3 && args.every(isPlainFindInMapName))) break
        const resolved = evaluator.resolveFindInMap(args, [...path, 'Fn::FindInMap'])
        if (resolved === UNRESOLVED) throw new NeedsCloudFormation('Fn::FindInMap with a DefaultValue, or keys from functions, known only at deploy time', path)
        return resolved === NO_VALUE ? NO_VALUE : resolveFunctions(resolved, evaluator, path)
      }
    }
  }
  const result: JsonObject = {}
  for (const [key, item] of Object.entries(value)) {
    const resolved = resolveFunctions(item, evaluator, [...path, key])
    if (resolved !== NO_VALUE) result[key] = resolved
  }
  return result
}

function isPlainFindInMapName(value: unknown): boolean {
  return !isObject(value) || (Object.keys(value).length === 1 && ('Ref' in value || ('Fn::FindInMap' in value && Array.isArray(value['Fn::FindInMap']) && value['Fn::FindInMap'].every(isPlainFindInMapName))))
}

/**
 * The transform lets a function name what Ref and Fn::GetAtt point at (`!Ref {Fn::Sub: 'Subnet${Name}'}`): the
 * name becomes the string it resolves to, as CloudFormation accepts only literal names there.
 */
function namesResolved(name: string, args: unknown, evaluator: Evaluator, path: TemplatePath): unknown {
  const resolveName = (value: unknown, at: TemplatePath): unknown => {
    if (!isObject(value)) return value
    const resolved = evaluator.resolve(value, at)
    if (resolved === UNRESOLVED) throw new NeedsCloudFormation(`a ${name} to a name known only at deploy time`, at)
    if (typeof resolved !== 'string') throw malformed(at, `${name} needs a name, not ${JSON.stringify(resolved)}`)
    return resolved
  }
  return Array.isArray(args) ? args.map((item, index) => resolveName(item, [...path, index])) : resolveName(args, path)
}

/**
 * `Fn::ToJsonString`: the compact JSON text of the value. The functions the documentation allows inside it
 * include ones known only at deploy time (Ref to a resource, Fn::GetAtt, Fn::ImportValue, Fn::If on such a
 * condition); the text then becomes an `Fn::Join` of the JSON around them, each such value quoted as the string it
 * returns (an `Fn::If` picks between the two branches' texts), so CloudFormation completes it.
 */
function toJsonString(value: unknown, evaluator: Evaluator, path: TemplatePath): unknown {
  const resolved = evaluator.resolve(value, path)
  const shape = resolved === UNRESOLVED ? value : resolved
  if (!Array.isArray(shape) && !(isObject(shape) && !isFunction(shape))) throw malformed(path, 'Fn::ToJsonString takes a mapping or a list')
  return joinedText(jsonTextParts(value, evaluator, path))
}

/** Pieces whose concatenation is the JSON text of `value`: strings, and functions CloudFormation resolves. */
function jsonTextParts(value: unknown, evaluator: Evaluator, path: TemplatePath): unknown[] {
  const resolved = evaluator.resolve(value, path)
  if (resolved !== UNRESOLVED) return [JSON.stringify(resolved === NO_VALUE ? null : resolved)]
  if (Array.isArray(value)) return ['[', ...value.flatMap((item, index) => [...(index > 0 ? [','] : []), ...jsonTextParts(item, evaluator, [...path, index])]), ']']
  if (isObject(value) && !isFunction(value)) {
    const entries = Object.entries(value).flatMap(([key, item], index) => [...(index > 0 ? [','] : []), `${JSON.stringify(key)}:`, ...jsonTextParts(item, evaluator, [...path, key])])
    return ['{', ...entries, '}']
  }
  const branches = isObject(value) ? value['Fn::If'] : undefined
  if (Array.isArray(branches) && branches.length === 3) {
    const [condition, whenTrue, whenFalse] = branches as [unknown, unknown, unknown]
    return [{'Fn::If': [condition, joinedText(jsonTextParts(whenTrue, evaluator, [...path, 'Fn::If', 1])), joinedText(jsonTextParts(whenFalse, evaluator, [...path, 'Fn::If', 2]))]}]
  }
  return ['"', value, '"']
}

/** One string when every piece is known, else an Fn::Join of the pieces (adjacent strings merged). */
function joinedText(parts: readonly unknown[]): unknown {
  const merged: unknown[] = []
  for (const part of parts) {
    if (typeof part === 'string' && typeof merged.at(-1) === 'string') merged[merged.length - 1] += part
    else merged.push(part)
  }
  return merged.length === 1 && typeof merged[0] === 'string' ? merged[0] : {'Fn::Join': ['', merged]}
}

function isFunction(value: JsonObject): boolean {
  const keys = Object.keys(value)
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::') || keys[0] === 'Condition')
}

// ---------------------------------------------------------------- DeletionPolicy and UpdateReplacePolicy

const POLICY_ATTRIBUTES = ['DeletionPolicy', 'UpdateReplacePolicy'] as const

/** A policy given as a function (Ref, Fn::If, Fn::FindInMap) becomes the string it resolves to. */
function resolvePolicies(resources: JsonObject, evaluator: Evaluator): JsonObject {
  const result: JsonObject = {}
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isObject(resource) || !POLICY_ATTRIBUTES.some((name) => isObject(resource[name]))) {
      result[logicalId] = resource
      continue
    }
    const copy = {...resource}
    for (const name of POLICY_ATTRIBUTES) {
      if (!isObject(copy[name])) continue
      const path = ['Resources', logicalId, name]
      const resolved = evaluator.resolve(copy[name], path)
      if (resolved === UNRESOLVED) throw new NeedsCloudFormation(`${name} of ${logicalId} is known only at deploy time`, path)
      if (typeof resolved !== 'string') throw malformed(path, `${name} must resolve to a string such as Delete, Retain or Snapshot, not ${JSON.stringify(resolved)}`)
      copy[name] = resolved
    }
    result[logicalId] = copy
  }
  return result
}
