import {parameterValues} from '../template/resolve.js'
import type {TemplatePath} from '../template/template.js'
import type {TransformContext} from './context.js'
import {SamError, invalidResource, invalidTemplate} from './errors.js'
import {UNSUPPORTED_EVENT_TYPES} from './events/index.js'
import {DeploymentPreferences} from './function/deployment-preference.js'
import {FUNCTION_TYPE, translateFunction} from './function/index.js'
import {Globals} from './globals.js'
import {resolveChangedLogicalIds, resolveResourceReferences, type ResourceReferences} from './intrinsics.js'
import {deepClone, isObject, sortKeysDeep, type JsonObject} from './json.js'
import {markTemplateFloats, templateDictOrder} from './python-repr.js'
import {LAYER_TYPE, translateLayer} from './layer.js'
import {APPLICATION_TYPE, isRepositoryApplication, translateApplication} from './application.js'
import {STATE_MACHINE_TYPE, translateStateMachine} from './state-machine.js'
import {generatedConditions, HTTP_API_TYPE, HttpApiDocumentError, prepareHttpApis, prepareImplicitApis, translateHttpApi} from './http-api.js'
import {API_TYPE, fixOpenApiVersion, REST_KIND, translateApi, UNSUPPORTED_API_EVENT_PROPERTIES, UNSUPPORTED_API_PROPERTIES} from './rest-api.js'
import {CAPACITY_PROVIDER_TYPE, translateCapacityProvider} from './capacity-provider.js'
import {translateWebSocketApi, WEBSOCKET_API_TYPE} from './websocket-api.js'
import {SIMPLE_TABLE_TYPE, translateSimpleTable} from './simple-table.js'
import {CONNECTOR_TYPE, expandEmbeddedConnectors, translateConnector} from './connector.js'
import {GRAPHQL_API_TYPE, translateGraphQLApi} from './graphql-api.js'
import {partitionOf} from './partition.js'
import type {CfnResource} from './resource.js'

export {aliasLogicalId} from './function/index.js'
export {generateLogicalId} from './logical-id.js'
export {partitionOf} from './partition.js'

type ResourceTranslator = (logicalId: string, resource: JsonObject, context: TransformContext) => CfnResource[]

/**
 * SAM resource types lpack translates itself, and the group SAM translates each in: functions first, then state
 * machines, then APIs, then the rest (each group in template order), since events of the first add to the later.
 */
const TRANSLATORS: Readonly<Record<string, {translate: ResourceTranslator; group: number}>> = {
  [FUNCTION_TYPE]: {translate: translateFunction, group: 0},
  [LAYER_TYPE]: {translate: (logicalId, resource, context) => [translateLayer(logicalId, resource, context)], group: 3},
  [STATE_MACHINE_TYPE]: {translate: translateStateMachine, group: 1},
  [API_TYPE]: {translate: translateApi, group: 2},
  [HTTP_API_TYPE]: {translate: translateHttpApi, group: 2},
  [WEBSOCKET_API_TYPE]: {translate: translateWebSocketApi, group: 2},
  [SIMPLE_TABLE_TYPE]: {translate: translateSimpleTable, group: 3},
  [CAPACITY_PROVIDER_TYPE]: {translate: translateCapacityProvider, group: 3},
  [APPLICATION_TYPE]: {translate: translateApplication, group: 3},
  [GRAPHQL_API_TYPE]: {translate: translateGraphQLApi, group: 3},
  // Connector profiles read the generated CloudFormation, so connectors come after everything else.
  [CONNECTOR_TYPE]: {translate: translateConnector, group: 4},
}

/** SAM resource types lpack translates itself. */
export const SUPPORTED_RESOURCE_TYPES: ReadonlySet<string> = new Set(Object.keys(TRANSLATORS))

export interface TransformOptions {
  /** Values for template parameters; parameters not given fall back to their Default. */
  parameters?: Record<string, string>
  /** Region the stack deploys to (AWS::Region in hashes and ARNs). Default us-east-1. */
  region?: string
  /** Partition (AWS::Partition; managed policy ARNs). Default derived from the region. */
  partition?: string
  /**
   * When the template is translated: an Api with AlwaysDeploy hashes it (in whole seconds) into its deployment's
   * logical ID, so that every deploy makes a new deployment. Default now.
   */
  time?: Date
  /**
   * Whether the number at a path of the template is written as a float (`OpenApiVersion: 3.0`): pass the loaded
   * template's `isFloat`. The translator reads YAML with PyYAML, which keeps such a number a float whose text is
   * `3.0`; JavaScript reads the integer 3. Without it, every number counts as written.
   */
  isFloat?: (path: TemplatePath) => boolean
}

/** A SAM construct lpack does not translate, and where it is. */
export interface UnsupportedConstruct {
  /** Logical ID of the resource that uses it. */
  logicalId: string
  /** `AWS::Serverless::Api`, or `AWS::Serverless::Function event Api` for an event source. */
  construct: string
}

export type TransformResult =
  | {kind: 'transformed'; template: JsonObject}
  /** The template uses constructs only CloudFormation's server-side SAM transform handles; nothing was translated. */
  | {kind: 'unsupported'; unsupported: UnsupportedConstruct[]}
  /** SAM would reject the template; `errors` are worded as the SAM translator words them. */
  | {kind: 'invalid'; message: string; errors: string[]}

/**
 * Lists the SAM constructs in a template that lpack's transform does not handle (Api, applications from the
 * Serverless Application Repository, and events that need an Api). Empty when `transformTemplate`
 * can translate the whole template; `lpack deploy` uses this to choose between a local and a server-side transform.
 */
export function findUnsupportedConstructs(template: Record<string, unknown>): UnsupportedConstruct[] {
  const found: UnsupportedConstruct[] = []
  const resources = isObject(template.Resources) ? template.Resources : {}
  const apiGlobals = isObject(template.Globals) && isObject(template.Globals.Api) ? template.Globals.Api : {}
  for (const name of UNSUPPORTED_API_PROPERTIES) if (name in apiGlobals) found.push({logicalId: 'Globals', construct: `${API_TYPE} ${name}`})
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isObject(resource)) continue
    if (resource.Type === API_TYPE && isObject(resource.Properties)) {
      for (const name of UNSUPPORTED_API_PROPERTIES) if (name in resource.Properties) found.push({logicalId, construct: `${API_TYPE} ${name}`})
    }
    if (resource.Type === APPLICATION_TYPE && isRepositoryApplication(resource.Properties, isObject(template.Mappings) ? template.Mappings : {})) {
      found.push({logicalId, construct: `${APPLICATION_TYPE} from the Serverless Application Repository`})
    }
    const events = (resource.Type === FUNCTION_TYPE || resource.Type === STATE_MACHINE_TYPE) && isObject(resource.Properties) ? resource.Properties.Events : undefined
    if (!isObject(events)) continue
    for (const [name, event] of Object.entries(events)) {
      if (isObject(event) && typeof event.Type === 'string' && UNSUPPORTED_EVENT_TYPES.has(event.Type)) {
        found.push({logicalId, construct: `${resource.Type} event ${event.Type} (${name})`})
      }
      if (isObject(event) && event.Type === 'HttpApi' && isObject(event.Properties) && referencesRestApi(event.Properties.ApiId, resources) && !restApiRouteModeled(event.Properties)) {
        found.push({logicalId, construct: `${resource.Type} event HttpApi with Auth, TimeoutInMillis, RouteSettings or a path parameter on an ${API_TYPE} (${name})`})
      }
      if (isObject(event) && event.Type === 'Api' && isObject(event.Properties)) {
        for (const property of UNSUPPORTED_API_EVENT_PROPERTIES) {
          if (property in event.Properties) found.push({logicalId, construct: `${resource.Type} event Api ${property} (${name})`})
        }
      }
    }
  }
  return found.sort((a, b) => (a.logicalId < b.logicalId ? -1 : a.logicalId > b.logicalId ? 1 : a.construct < b.construct ? -1 : 1))
}

/** An HttpApi event that names an explicit REST API (SAM then edits the REST API's document with its OpenAPI editor). */
function referencesRestApi(apiId: unknown, resources: JsonObject): boolean {
  const id = isObject(apiId) && typeof apiId.Ref === 'string' ? apiId.Ref : apiId
  const api = typeof id === 'string' ? resources[id] : undefined
  return isObject(api) && api.Type === API_TYPE
}

/**
 * Whether lpack follows what such an event writes into the REST API's hashed document: not yet the copies of an
 * integration that takes a timeout or of a method's path parameters, nor event Auth and RouteSettings read against a
 * REST API's properties.
 */
function restApiRouteModeled(properties: JsonObject): boolean {
  if (['Auth', 'TimeoutInMillis', 'RouteSettings'].some((name) => name in properties)) return false
  return typeof properties.Path !== 'string' || !/{.*?}/.test(properties.Path)
}

/**
 * Translates a SAM template (as loaded by `parseTemplate`/`loadTemplateFile`: intrinsics in long form) to plain
 * CloudFormation, producing what the AWS SAM translator (aws-sam-translator 1.110.0) produces for the constructs it
 * supports: the same logical IDs, types, properties and resource attributes. Pure: no I/O, the input is not modified.
 * The template's keys are sorted in the output, so the same input always prints the same bytes.
 */
export function transformTemplate(templateValue: Record<string, unknown>, options: TransformOptions = {}): TransformResult {
  const unsupported = findUnsupportedConstructs(templateValue)
  if (unsupported.length > 0) return {kind: 'unsupported', unsupported}
  try {
    return {kind: 'transformed', template: sortKeysDeep(translate(deepClone(templateValue), options)) as JsonObject}
  } catch (error) {
    if (error instanceof SamDocumentError) return {kind: 'invalid', message: error.message, errors: error.errors}
    if (error instanceof SamError) return invalidResult([error.message])
    throw error
  }
}

class SamDocumentError extends Error {
  constructor(readonly errors: string[]) {
    super(documentMessage(errors))
  }
}

function documentMessage(errors: string[]): string {
  return `Invalid Serverless Application Specification document. Number of errors found: ${errors.length}.`
}

function invalidResult(errors: string[]): TransformResult {
  return {kind: 'invalid', message: documentMessage(errors), errors}
}

function translate(template: JsonObject, options: TransformOptions): JsonObject {
  // lpack lets build settings (Metadata) stand in Globals.Function; SAM does not know them, and they are not deployed.
  const globalFunction = isObject(template.Globals) ? template.Globals.Function : undefined
  if (isObject(globalFunction)) delete globalFunction.Metadata
  const resources = template.Resources
  if (!isObject(resources) || Object.keys(resources).length === 0) throw new SamDocumentError([invalidTemplate("'Resources' section is required").message])
  if (!Object.values(resources).every(isObject)) {
    throw new SamDocumentError([invalidTemplate("All 'Resources' must be Objects. If you're using YAML, this may be an indentation issue.").message])
  }
  for (const [logicalId, resource] of Object.entries(resources as Record<string, JsonObject>)) {
    if (isSam(resource) && 'Properties' in resource && !isObject(resource.Properties)) {
      throw new SamDocumentError([invalidResource(logicalId, "Attribute 'Properties' should be a map.").message])
    }
    if (isSam(resource) && resource.Condition !== undefined && typeof resource.Condition !== 'string') {
      throw new SamDocumentError([invalidTemplate('Every Condition member must be a string.').message])
    }
  }

  const region = options.region ?? 'us-east-1'
  const partition = options.partition ?? partitionOf(region)
  const parameters = parameterValues(template, options.parameters)
  if (!parameters.has('AWS::Region')) parameters.set('AWS::Region', region)
  if (!parameters.has('AWS::Partition')) parameters.set('AWS::Partition', partition)

  try {
    const globalStateMachine = isObject(template.Globals) ? template.Globals.StateMachine : undefined
    const eventGlobals = {Function: isObject(globalFunction) ? globalFunction : undefined, StateMachine: isObject(globalStateMachine) ? globalStateMachine : undefined}
    prepareImplicitApis(resources as JsonObject, eventGlobals, REST_KIND)
    prepareHttpApis(resources as JsonObject, eventGlobals)
  } catch (error) {
    if (error instanceof HttpApiDocumentError) throw new SamDocumentError(error.errors)
    if (error instanceof SamError) throw new SamDocumentError([error.message])
    throw error
  }
  const httpApiConditions = generatedConditions(resources as JsonObject)
  if (Object.keys(httpApiConditions).length > 0) template.Conditions = {...(isObject(template.Conditions) ? template.Conditions : {}), ...httpApiConditions}

  let globals: Globals
  try {
    globals = new Globals(template.Globals)
  } catch (error) {
    if (error instanceof SamError) throw new SamDocumentError([error.message])
    throw error
  }
  const isFloat = options.isFloat ?? ((): boolean => false)
  for (const [logicalId, resource] of Object.entries(resources as Record<string, JsonObject>)) {
    if (!isSam(resource)) continue
    try {
      const local = (resource.Properties ?? {}) as JsonObject
      const merged = globals.merge(logicalId, resource.Type as string, local, resource.IgnoreGlobals)
      if (resource.Type === API_TYPE) {
        fixOpenApiVersion(logicalId, local, merged, isFloat)
        markTemplateFloats(merged.DefinitionBody, ['Resources', logicalId, 'Properties', 'DefinitionBody'], isFloat)
      }
      resource.Properties = merged
    } catch (error) {
      if (error instanceof SamError) throw new SamDocumentError([error.message])
      throw error
    }
  }
  delete template.Globals
  if ('Mappings' in template && !isObject(template.Mappings)) {
    throw new SamDocumentError([invalidTemplate("'Mappings' or 'Parameters' is either null or not a valid dictionary.").message])
  }

  // SAM reports a bad Connectors attribute with the errors of the translation that still follows.
  const connectorErrors = expandEmbeddedConnectors(resources as JsonObject)
  const output = deepClone(template)
  const outputResources = output.Resources as JsonObject
  if (output.Conditions === undefined) output.Conditions = {}
  const context: TransformContext = {
    parameters,
    partition,
    region,
    mappings: isObject(template.Mappings) ? template.Mappings : {},
    conditions: output.Conditions as JsonObject,
    samResources: resources as JsonObject,
    outputResources,
    deploymentPreferences: new DeploymentPreferences(),
    time: options.time ?? new Date(),
    references: new Map(),
  }
  const errors: string[] = [...connectorErrors]
  const changedIds = new Map<string, string>()
  const ordered = templateDictOrder(resources as JsonObject, resources as JsonObject).map((logicalId): [string, JsonObject] => [logicalId, (resources as Record<string, JsonObject>)[logicalId]!])
    .filter(([, resource]) => SUPPORTED_RESOURCE_TYPES.has(resource.Type as string))
    .sort(([, a], [, b]) => TRANSLATORS[a.Type as string]!.group - TRANSLATORS[b.Type as string]!.group)
  for (const [logicalId, resource] of ordered) {
    try {
      if (!ALPHANUMERIC.test(logicalId)) throw invalidResource(logicalId, 'Logical ids must be alphanumeric.')
      const generated = TRANSLATORS[resource.Type as string]!.translate(logicalId, resource, context)
      // The translator's resource model refuses a generated ID that is not (a base path mapping named after `/ü`).
      const badId = generated.find((cfn) => !ALPHANUMERIC.test(cfn.logicalId))
      if (badId) throw invalidResource(badId.logicalId, 'Logical ids must be alphanumeric.')
      if (resource.Type === LAYER_TYPE) changedIds.set(logicalId, generated[0]!.logicalId)
      recordReferences(logicalId, generated, context.references)
      delete outputResources[logicalId]
      for (const cfn of generated) {
        const existing = resources[cfn.logicalId]
        if (existing !== undefined && cfn.logicalId !== logicalId && !(MODIFIED_IN_PLACE.has(cfn.type) && isObject(existing) && existing.Type === cfn.type)) {
          errors.push(`Transforming resource with id [${logicalId}] attempts to create a new resource with id [${cfn.logicalId}] and type "${cfn.type}". A resource with that id already exists within this template. Please use a different id for that resource.`)
          continue
        }
        outputResources[cfn.logicalId] = cfn.toTemplate()
      }
    } catch (error) {
      if (error instanceof SamError) errors.push(error.message)
      else throw error
    }
  }
  const deploymentErrors: SamError[] = []
  for (const cfn of context.deploymentPreferences.resources(context, deploymentErrors)) outputResources[cfn.logicalId] = cfn.toTemplate()
  errors.push(...deploymentErrors.map((error) => error.message))
  if (errors.length > 0) throw new SamDocumentError([...new Set(errors)])

  delete output.Transform
  if (Object.keys(output.Conditions as JsonObject).length === 0 && template.Conditions === undefined) delete output.Conditions
  for (const resource of Object.values(outputResources)) {
    if (isObject(resource) && resource.DependsOn !== undefined) resource.DependsOn = renameDependsOn(resource.DependsOn, changedIds)
  }
  return resolveResourceReferences(resolveChangedLogicalIds(output, changedIds), context.references) as JsonObject
}

/** What the translator accepts as a logical ID, of the template's resources and of those it generates. */
const ALPHANUMERIC = /^[A-Za-z0-9]+$/

/** Template resources that event sources rewrite (notifications, triggers) and re-emit under their own ID. */
const MODIFIED_IN_PLACE: ReadonlySet<string> = new Set(['AWS::S3::Bucket', 'AWS::Cognito::UserPool'])

function isSam(resource: JsonObject): boolean {
  return typeof resource.Type === 'string' && resource.Type.startsWith('AWS::Serverless::')
}

const REFERABLE: Readonly<Record<string, string>> = {
  'AWS::Lambda::Alias': 'Alias',
  'AWS::ApiGatewayV2::Stage': 'Stage',
  'AWS::ApiGateway::Stage': 'Stage',
  'AWS::ApiGateway::Deployment': 'Deployment',
  'AWS::ApiGateway::UsagePlan': 'UsagePlan',
  'AWS::ApiGateway::UsagePlanKey': 'UsagePlanKey',
  'AWS::ApiGateway::ApiKey': 'ApiKey',
  'AWS::ApiGatewayV2::DomainName': 'DomainName',
  'AWS::ApiGateway::DomainName': 'DomainName',
  'AWS::ApiGateway::DomainNameV2': 'DomainNameV2',
  'AWS::Lambda::Version': 'Version',
  'AWS::SNS::Topic': 'DestinationTopic',
  'AWS::SQS::Queue': 'DestinationQueue',
}

/** `!Ref Fn.Alias` and friends: the generated resource of each referable type (the last one, as in SAM). */
function recordReferences(logicalId: string, generated: CfnResource[], references: ResourceReferences): void {
  const byProperty = new Map<string, string>()
  for (const cfn of generated) {
    const property = REFERABLE[cfn.type]
    if (property) byProperty.set(property, cfn.logicalId)
  }
  if (byProperty.size > 0) references.set(logicalId, byProperty)
}

function renameDependsOn(dependsOn: unknown, changed: ReadonlyMap<string, string>): unknown {
  if (typeof dependsOn === 'string') return changed.get(dependsOn) ?? dependsOn
  if (Array.isArray(dependsOn)) return dependsOn.map((item) => (typeof item === 'string' ? changed.get(item) ?? item : item))
  return dependsOn
}
