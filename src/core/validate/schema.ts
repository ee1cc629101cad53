import {createRequire} from 'node:module'

import type {ErrorObject} from 'ajv'

import type {TemplatePath} from '../template/template.js'
import type {DiagnosticCode} from './codes.js'
import {didYouMean, isObject, lookup, type RuleContext, show} from './context.js'

type ValidateFunction = ((data: unknown) => boolean) & {errors?: ErrorObject[] | null}

interface SchemaValidators {
  template: ValidateFunction
  globals: ValidateFunction
  resources: Record<string, ValidateFunction>
  events: Record<string, ValidateFunction>
}

let validators: Promise<SchemaValidators> | undefined

/**
 * The schema validators: precompiled by `npm run build` (scripts/compile-schemas.mjs) into
 * schema-validators.cjs beside the bundled CLI, whose import.meta.url is the bundle's (scripts/bundle-cli.mjs);
 * compiled from schemas/ on first use where that file is absent (running from source), then kept for the life of
 * the process.
 */
export function loadSchemaValidators(): Promise<SchemaValidators> {
  validators ??= loadPrecompiled().catch(compileFromSources)
  return validators
}

async function loadPrecompiled(): Promise<SchemaValidators> {
  return createRequire(import.meta.url)('./schema-validators.cjs') as SchemaValidators
}

async function compileFromSources(): Promise<SchemaValidators> {
  const [{default: Ajv}, {AJV_OPTIONS, readSchemaSources}] = await Promise.all([import('ajv'), import('./schema-sources.js')])
  const sources = readSchemaSources()
  const ajv = new Ajv.default({...AJV_OPTIONS})
  for (const schema of sources.all) ajv.addSchema(schema)
  const compile = (id: string) => ajv.getSchema(id) as ValidateFunction
  const compileAll = (ids: Record<string, string>) => Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, compile(id)]))
  return {template: compile(sources.ids.template), globals: compile(sources.ids.globals), resources: compileAll(sources.ids.resources), events: compileAll(sources.ids.events)}
}

/** The SAM event types lpack knows; those without a schema (IoTRule, MSK, …) get no property check. */
export const SAM_EVENT_TYPES = [
  'AlexaSkill', 'Api', 'CloudWatchEvent', 'CloudWatchLogs', 'Cognito', 'DocumentDB', 'DynamoDB', 'EventBridgeRule', 'HttpApi',
  'IoTRule', 'Kinesis', 'MQ', 'MSK', 'S3', 'SNS', 'SQS', 'Schedule', 'ScheduleV2', 'SelfManagedKafka',
] as const

/** Runs the template, Globals, per-resource-type and per-event-type schemas and reports what they find. */
export async function checkSchemas(context: RuleContext): Promise<void> {
  const schemas = await loadSchemaValidators()
  const root = context.root
  runSchema(context, schemas.template, root, [], 'the template')
  if (root.Globals !== undefined) runSchema(context, schemas.globals, root.Globals, ['Globals'], 'Globals', 'LP1008')
  // Globals.Function values must be what the function property accepts (unknown names are reported above).
  const globalFunction = isObject(root.Globals) && isObject(root.Globals.Function) ? withoutNulls(root.Globals.Function) : undefined
  const functionSchema = schemas.resources['AWS::Serverless::Function']
  if (globalFunction !== undefined && functionSchema !== undefined && !functionSchema(globalFunction)) {
    for (const error of relevantErrors(functionSchema.errors ?? [])) {
      if (error.keyword !== 'additionalProperties') reportError(context, error, globalFunction, ['Globals', 'Function'], 'Globals.Function', 'LP1008')
    }
  }
  for (const [logicalId, resource] of Object.entries(context.resources)) {
    const type = context.typeOf(logicalId)
    const validate = type === undefined ? undefined : lookup(schemas.resources, type)
    if (validate === undefined || !isObject(resource.Properties)) continue
    const propertiesPath = ['Resources', logicalId, 'Properties']
    // SAM treats a property set to null as not set; CloudFormation types never see it.
    const properties = type!.startsWith('AWS::Serverless::') ? withoutNulls(resource.Properties) : resource.Properties
    runSchema(context, validate, properties, propertiesPath, type!)
    if (type === 'AWS::Serverless::Function' && isObject(resource.Properties.Events)) {
      for (const [eventId, event] of Object.entries(resource.Properties.Events)) {
        if (!isObject(event) || typeof event.Type !== 'string') continue
        const eventPath = [...propertiesPath, 'Events', eventId]
        if (!(SAM_EVENT_TYPES as readonly string[]).includes(event.Type)) {
          const suggestion = didYouMean(event.Type, SAM_EVENT_TYPES)
          context.report('LP4001', [...eventPath, 'Type'], `Unknown event type ${show(event.Type)} on event ${eventId}${suggestion ? `; did you mean "${suggestion}"?` : ''}`, `Event types are ${SAM_EVENT_TYPES.join(', ')}.`)
          continue
        }
        const validateEvent = lookup(schemas.events, event.Type)
        if (validateEvent === undefined) continue
        if (event.Properties === undefined) {
          runSchema(context, validateEvent, {}, [...eventPath, 'Properties'], `${event.Type} event`)
        } else if (isObject(event.Properties)) {
          runSchema(context, validateEvent, withoutNulls(event.Properties), [...eventPath, 'Properties'], `${event.Type} event`)
        }
      }
    }
  }
}

function withoutNulls(properties: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(properties).filter(([, value]) => value !== null))
}

function runSchema(context: RuleContext, validate: ValidateFunction, data: unknown, basePath: TemplatePath, subject: string, unknownCode: DiagnosticCode = 'LP1004'): void {
  if (validate(data)) return
  for (const error of relevantErrors(validate.errors ?? [])) reportError(context, error, data, basePath, subject, unknownCode)
}

/** The `$comment` marker of a schema in schemas/defs.schema.json (`lpack:integer`, `lpack:intrinsic`, …). */
function defName(schema: unknown): string | undefined {
  const comment = isObject(schema) ? schema.$comment : undefined
  return typeof comment === 'string' && comment.startsWith('lpack:') ? comment.slice('lpack:'.length) : undefined
}

const INTRINSIC_KEY_PATTERN = '^(Ref|Condition|Fn::[A-Za-z]+)$'

function fromIntrinsicBranch(error: ErrorObject): boolean {
  if (defName(error.parentSchema) === 'intrinsic') return true
  return (error.keyword === 'pattern' || error.keyword === 'propertyNames') && (error.params as {pattern?: string}).pattern === INTRINSIC_KEY_PATTERN
}

/**
 * ajv reports every failed branch of an `anyOf`; people want one message per bad value. Errors of the branch
 * that would have accepted an intrinsic function are dropped. An `anyOf` whose value matched a branch's shape
 * (its errors lie deeper) gives way to those deeper errors; one of the named value types (integer, string, …)
 * reports as itself; any other gives way to the specific errors at the same place (unknown or missing property).
 */
function relevantErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const kept = errors.filter((e) => !fromIntrinsicBranch(e) && !(e.keyword === 'propertyNames' && e.propertyName === undefined && isIntrinsicNames(e)))
  const dropped = new Set<ErrorObject>()
  for (const alternative of kept.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')) {
    const samePlace = kept.filter((e) => e !== alternative && e.instancePath === alternative.instancePath && e.keyword !== 'anyOf' && e.propertyName === undefined)
    const deeper = kept.some((e) => e.instancePath.startsWith(alternative.instancePath + '/'))
    const specific = samePlace.filter((e) => !isShapeError(e))
    if (deeper || (specific.length > 0 && defName(alternative.parentSchema) === undefined)) {
      dropped.add(alternative)
      for (const e of samePlace) if (isShapeError(e)) dropped.add(e)
    } else {
      for (const e of samePlace) dropped.add(e)
    }
  }
  const seen = new Set<string>()
  return kept.filter((e) => {
    if (dropped.has(e)) return false
    const key = `${e.instancePath}|${e.keyword}|${e.propertyName ?? ''}|${JSON.stringify(e.params)}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

function isIntrinsicNames(error: ErrorObject): boolean {
  return defName(error.parentSchema) === 'intrinsic'
}

function isShapeError(error: ErrorObject): boolean {
  return ['type', 'enum', 'pattern', 'const', 'maxProperties', 'minProperties'].includes(error.keyword)
}

const DEF_NAMES: Record<string, string> = {
  string: 'a string',
  stringOrRef: 'a string or a Ref to a parameter',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  list: 'a list',
  stringList: 'a list of strings',
  architectures: 'a list with x86_64 or arm64',
  cfnTags: 'a list of {Key, Value}',
}

function reportError(context: RuleContext, error: ErrorObject, data: unknown, basePath: TemplatePath, subject: string, unknownCode: DiagnosticCode): void {
  const relative = error.instancePath === '' ? [] : error.instancePath.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
  const path = [...basePath, ...relative]
  const value = valueAt(data, relative)
  const where = path.length > 0 ? path.join('/') : subject
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'required': {
      const property = String(params.missingProperty)
      context.report('LP1003', path, `${path.length > 0 ? `${subject} at ${where}` : subject} is missing required property ${property}`, `Add ${property}.`, {atKey: true})
      return
    }
    case 'additionalProperties': {
      const property = String(params.additionalProperty)
      const known = knownProperties(error)
      const suggestion = didYouMean(property, known)
      if (isIgnoredSamAttribute(context, basePath, relative)) {
        context.report('LP1009', [...path, property], `The SAM transform ignores ${property} on ${relative[1]}: it keeps only the resource attributes it knows and drops the rest`, `Move ${property} where it has an effect (e.g. Properties.${property}) or remove it. Kept here: ${known.join(', ')}.`, {atKey: true})
        return
      }
      const code: DiagnosticCode = basePath.length === 0 && relative.length === 0 ? 'LP1001' : unknownCode
      context.report(code, [...path, property], `Unknown property ${property} in ${relative.length > 0 ? where : subject}${suggestion ? `; did you mean ${suggestion}?` : ''}`, known.length > 0 ? `Allowed here: ${known.join(', ')}.` : undefined, {atKey: true})
      return
    }
    case 'propertyNames':
      return
    case 'anyOf':
    case 'oneOf': {
      const def = defName(error.parentSchema)
      const expected = (def && lookup(DEF_NAMES, def)) ?? describeTypes(error)
      context.report('LP1002', path, `${where} must be ${expected}${acceptsIntrinsic(error) ? ' or an intrinsic function' : ''}, got ${show(value)}`)
      return
    }
    case 'type': {
      const expected = [params.type].flat().map((type) => article(String(type))).join(' or ')
      context.report('LP1002', path, `${where} must be ${expected}, got ${show(value)}`)
      return
    }
    case 'enum': {
      if (error.propertyName !== undefined) {
        const allowed = (params.allowedValues as unknown[]).map(String)
        const suggestion = didYouMean(error.propertyName, allowed)
        context.report(unknownCode, [...path, error.propertyName], `${error.propertyName} is not supported in ${where}${suggestion ? `; did you mean ${suggestion}?` : ''}`, `Supported here: ${allowed.join(', ')}.`, {atKey: true})
        return
      }
      const allowed = (params.allowedValues as unknown[]).map((v) => String(v))
      const suggestion = typeof value === 'string' ? didYouMean(value, allowed) : undefined
      context.report('LP1005', path, `${where} must be one of ${allowed.join(', ')}, got ${show(value)}${suggestion ? `; did you mean ${suggestion}?` : ''}`)
      return
    }
    case 'pattern': {
      if (error.propertyName !== undefined) {
        const name = error.propertyName
        const section = path[path.length - 1] ?? ''
        context.report('LP1007', [...path, name], `${section === 'Resources' ? 'Logical ID' : 'Name'} ${show(name)} in ${section} must contain only letters and digits`, 'CloudFormation logical IDs are alphanumeric (A–Z, a–z, 0–9).', {atKey: true})
        return
      }
      if (defName(error.parentSchema) === 'parameterType') {
        context.report('LP1005', path, `${where} ${show(value)} is not a CloudFormation parameter type`, 'Parameter types: String, Number, List<Number>, CommaDelimitedList, AWS-specific types such as AWS::EC2::VPC::Id, and AWS::SSM::Parameter::Value<…>.')
        return
      }
      context.report('LP1005', path, `${where} ${show(value)} does not match ${String(params.pattern)}`)
      return
    }
    default:
      context.report('LP1005', path, `${where} ${error.message ?? 'is not allowed'}${value === undefined ? '' : `, got ${show(value)}`}`)
  }
}

/**
 * A key beside Type and Properties of an AWS::Serverless::* resource: the translator (Resource.from_dict in
 * samtranslator/model/__init__.py) reads only its supported attributes and drops every other key, so
 * `Description` there is lost, not rejected. A plain CloudFormation resource keeps LP1004: CloudFormation
 * rejects unknown resource attributes.
 */
function isIgnoredSamAttribute(context: RuleContext, basePath: TemplatePath, relative: readonly string[]): boolean {
  if (basePath.length !== 0 || relative.length !== 2 || relative[0] !== 'Resources' || !context.hasSamTransform) return false
  return context.typeOf(relative[1]!)?.startsWith('AWS::Serverless::') === true
}

function knownProperties(error: ErrorObject): string[] {
  const schema = error.parentSchema as {properties?: Record<string, unknown>} | undefined
  return Object.keys(schema?.properties ?? {}).sort()
}

type Branch = {type?: string | string[]; enum?: unknown[]; $ref?: string}

function branchesOf(error: ErrorObject): Branch[] {
  return Array.isArray(error.schema) ? (error.schema as Branch[]) : []
}

function acceptsIntrinsic(error: ErrorObject): boolean {
  return branchesOf(error).some((branch) => branch.$ref?.endsWith('/intrinsic'))
}

function describeTypes(error: ErrorObject): string {
  const described = branchesOf(error).flatMap((branch) => {
    if (branch.enum !== undefined) return [`one of ${branch.enum.map(String).join(', ')}`]
    if (branch.$ref !== undefined) {
      const def = /\$defs\/([A-Za-z]+)$/.exec(branch.$ref)?.[1]
      if (def === 'intrinsic') return []
      return [(def && lookup(DEF_NAMES, def)) ?? 'a mapping']
    }
    return branch.type === undefined ? [] : [branch.type].flat().map(article)
  })
  return described.length > 0 ? [...new Set(described)].join(' or ') : 'a different value'
}

const TYPE_WORDS: Record<string, string> = {array: 'a list', object: 'a mapping', integer: 'an integer', null: 'null'}

function article(type: string): string {
  return lookup(TYPE_WORDS, type) ?? (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`)
}

function valueAt(data: unknown, path: readonly string[]): unknown {
  let current = data
  for (const key of path) {
    if (Array.isArray(current)) current = current[Number(key)]
    else if (isObject(current)) current = Object.hasOwn(current, key) ? current[key] : undefined
    else return undefined
  }
  return current
}
