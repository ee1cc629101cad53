import {authorizerPermission, checkAuthorizerType} from './api-auth.js'
import {buildDomainV2, domainResourceList, recordSetGroups} from './api-domain.js'
import type {TransformContext} from './context.js'
import {InvalidEventError, SamError, invalidResource, invalidTemplate} from './errors.js'
import type {EventSourceType} from './events/event.js'
import {permission} from './events/push.js'
import {definitionUriLocation} from './function/code.js'
import {isIntrinsic, isNoValue, makeConditional, ref, resolveParameterRefs} from './intrinsics.js'
import {deepClone, deepEqual, isObject, truthy, type JsonObject} from './json.js'
import {generateLogicalId} from './logical-id.js'
import {markSam, py27KeyOrder, samConditional, samCopyPoint, setSamKey} from './python-repr.js'
import {CfnResource, pickPassthrough, SUPPORTED_ATTRIBUTES} from './resource.js'
import {oneOf, validateProperties, type PropertySpec} from './validate.js'

export const HTTP_API_TYPE = 'AWS::Serverless::HttpApi'
export const IMPLICIT_HTTP_API_ID = 'ServerlessHttpApi'
const MANAGE = '__MANAGE_SWAGGER'
const DEFAULT_PATH = '$default'
/** The Properties of HttpApi events routed `$default` by SAM itself (neither Path nor Method given). */
const DEFAULT_ROUTES = new WeakSet<object>()
const ANY_METHOD = 'x-amazon-apigateway-any-method'
const INTEGRATION = 'x-amazon-apigateway-integration'
const DEFAULT_TITLE = (): JsonObject => ref('AWS::StackName')
const OPENAPI_3 = /^3(\.\d)(\.\d)?$/

const HTTP_API_PROPERTIES: Record<string, PropertySpec> = {
  [MANAGE]: {shape: 'boolean'},
  Name: {shape: 'any'},
  StageName: {shape: oneOf('string', 'map')},
  Tags: {shape: 'map'},
  PropagateTags: {shape: 'boolean'},
  DefinitionBody: {shape: 'map'},
  DefinitionUri: {shape: oneOf('string', 'map')},
  StageVariables: {shape: 'map'},
  CorsConfiguration: {shape: oneOf('boolean', 'map')},
  AccessLogSettings: {shape: 'map'},
  DefaultRouteSettings: {shape: 'map'},
  Auth: {shape: 'map'},
  RouteSettings: {shape: 'map'},
  Domain: {shape: 'map'},
  FailOnWarnings: {shape: 'boolean'},
  Description: {shape: 'string'},
  DisableExecuteApiEndpoint: {shape: 'boolean'},
}

/** SAM's OpenApiEditor.is_valid */
export function isOpenApi(body: unknown): body is JsonObject {
  return isObject(body) && isObject(body.paths) && truthy(body.openapi) && typeof body.openapi === 'string' && OPENAPI_3.test(body.openapi)
}

function skeleton(): JsonObject {
  return {openapi: '3.0.1', info: {version: '1.0', title: DEFAULT_TITLE()}, paths: {}}
}

export function conditionalContents(item: unknown): unknown[] {
  if (isObject(item) && 'Fn::If' in item) {
    const parameters = item['Fn::If']
    if (!Array.isArray(parameters)) throw invalidTemplate('Value of Fn::If must be a list.')
    return parameters.slice(1).filter((content) => !isNoValue(content))
  }
  return [item]
}

export function normalizeMethod(method: unknown): unknown {
  if (typeof method !== 'string' || method === '') return method
  const lower = method.toLowerCase()
  return lower === 'any' ? ANY_METHOD : lower
}

function pathItemMustBeMap(item: unknown, path: string): asserts item is JsonObject {
  if (!isObject(item)) throw invalidTemplate(`Value of '${path}' path must be a dictionary according to Swagger spec.`)
}

function methodMustBeMap(definition: unknown, path: string, method: string): asserts definition is JsonObject {
  if (!isObject(definition)) throw invalidTemplate(`Definition of method '${method}' for path '${path}' should be a map.`)
}

/** SAM's OpenApiEditor over a DefinitionBody, editing it in place. */
class OpenApiDocument {
  readonly paths: JsonObject

  constructor(readonly doc: JsonObject) {
    if (!isOpenApi(doc)) throw invalidTemplate("Invalid OpenApi document. Invalid values or missing keys for 'openapi' or 'paths' in 'DefinitionBody'.")
    this.paths = doc.paths as JsonObject
  }

  hasPath(path: string, method?: unknown): boolean {
    if (!Object.hasOwn(this.paths, path)) return false
    const normalized = normalizeMethod(method)
    if (normalized) {
      for (const item of conditionalContents(this.paths[path])) if (!isObject(item) || !(normalized as string in item)) return false
    }
    return true
  }

  hasIntegration(path: string, method: unknown): boolean {
    const normalized = normalizeMethod(method) as string
    if (!this.hasPath(path, normalized)) return false
    for (const item of conditionalContents(this.paths[path])) {
      pathItemMustBeMap(item, path)
      const definition = item[normalized]
      if (!isObject(definition)) return false
      let has = false
      for (const content of conditionalContents(definition)) {
        methodMustBeMap(content, path, normalized)
        if (truthy(content[INTEGRATION])) has = true
      }
      if (!has) return false
    }
    return true
  }

  addPath(path: string, method: unknown): void {
    addDocumentPath(this.paths, path, method)
  }

  *methodDefinitions(path: string, method: unknown, onlyIntegrated = true): Generator<JsonObject> {
    const normalized = normalizeMethod(method) as string
    for (const item of conditionalContents(this.paths[path])) {
      pathItemMustBeMap(item, path)
      for (const definition of conditionalContents(item[normalized])) {
        methodMustBeMap(definition, path, String(method))
        if (onlyIntegrated && !truthy(definition[INTEGRATION])) continue
        yield definition
      }
    }
  }

  /**
   * OpenApiEditor.add_lambda_integration. What it writes is marked as SAM's for the deployment hash of a REST API
   * whose document an HttpApi event edits: its keys, its own strings, and the route `$default` it names itself
   * (`samPath`); the URI's text is the template's when it names the function's logical ID.
   */
  addLambdaIntegration(path: string, method: unknown, uri: JsonObject, condition?: string, samPath = false): boolean {
    const normalized = normalizeMethod(method) as string
    if (this.hasIntegration(path, normalized)) return false
    if (samPath && !Object.hasOwn(this.paths, path)) markSam(this.paths, {keys: [path]})
    this.addPath(path, normalized)
    const integrationUri = condition ? samConditional(condition, uri) : uri
    for (const item of conditionalContents(this.paths[path])) {
      pathItemMustBeMap(item, path)
      if (item[normalized] === null || item[normalized] === undefined) item[normalized] = {}
      const definition = item[normalized] as JsonObject
      // (payloadFormatVersion is SAM's string unless the event's PayloadFormatVersion replaces it: see Events.HttpApi.)
      definition[INTEGRATION] = markSam({type: 'aws_proxy', httpMethod: 'POST', payloadFormatVersion: '2.0', uri: integrationUri}, {keys: true, values: ['type', 'httpMethod'], copied: true})
      if (path === DEFAULT_PATH && normalized === ANY_METHOD) definition.isDefaultRoute = true
      if (!('responses' in definition)) definition.responses = markSam({}, {copied: true})
      markSam(definition, {keys: [INTEGRATION, 'isDefaultRoute', 'responses']})
      if (condition) item[normalized] = samConditional(condition, definition)
    }
    return true
  }

  /** Whether the `$default` any-method route already integrates this function (`${Fn.Arn}` in its URI). */
  integratesFunction(path: string, method: string, logicalId: string): boolean {
    if (!this.hasIntegration(path, method)) return false
    for (const definition of this.methodDefinitions(path, method, false)) {
      const integration = definition[INTEGRATION] ?? {}
      if (!isObject(integration)) throw invalidTemplate(`Value of '${INTEGRATION}' must be a dictionary according to Swagger spec.`)
      const uri = integration.uri
      if (!isObject(uri)) return false
      for (const content of conditionalContents(uri)) {
        const arn = isObject(content) ? content['Fn::Sub'] ?? '' : ''
        const match = typeof arn === 'string' ? /([A-Za-z0-9]+\.Arn)/.exec(arn) : null
        if (!match || match[1]!.split('.Arn')[0] !== logicalId) return false
      }
    }
    return true
  }
}

export {truthy}

interface MethodAttributes {
  conditions: Map<string, Map<string, Map<string, string | undefined>>>
  deletionPolicies: Map<string, unknown[]>
  updateReplacePolicies: Map<string, unknown[]>
}

/** What differs between SAM's implicit REST API plugin and its implicit HTTP API plugin. */
export interface ImplicitApiKind {
  /** AWS::Serverless::Api or AWS::Serverless::HttpApi */
  type: string
  /** ServerlessRestApi or ServerlessHttpApi */
  implicitId: string
  /** Api or HttpApi */
  eventType: string
  /** RestApiId or ApiId */
  idProperty: string
  /** A new, SAM-managed definition body. */
  skeleton: () => JsonObject
  /** The implicit API resource's Properties besides its DefinitionBody. */
  implicitProperties: JsonObject
  /** Whether `body` is a document of this API type (SwaggerEditor.is_valid / OpenApiEditor.is_valid). */
  isDocument: (body: unknown) => boolean
  /** HttpApi events without Properties, Path and Method route `$default`; REST events without Properties are skipped. */
  defaultRoute: boolean
  /**
   * Whether the translator has turned the template into Python 2.7 dicts first (it does for REST APIs, whose
   * deployment hashes str() of the document): it then walks resources and events in that order, and each path it
   * adds is an editor pass that deep-copies the document.
   */
  pythonOrdered: boolean
}

const HTTP_KIND: ImplicitApiKind = {
  type: HTTP_API_TYPE,
  implicitId: IMPLICIT_HTTP_API_ID,
  eventType: 'HttpApi',
  idProperty: 'ApiId',
  skeleton,
  implicitProperties: {},
  isDocument: isOpenApi,
  defaultRoute: true,
  pythonOrdered: false,
}

/**
 * SAM's DefaultDefinitionBody and ImplicitHttpApi plugins, run on the SAM resources before Globals: an HttpApi
 * without a definition gets an OpenAPI skeleton SAM manages; HttpApi events without ApiId go to the implicit
 * `ServerlessHttpApi` (created here, removed again when no event uses it); each event's route is added to the API.
 */
export function prepareHttpApis(resources: JsonObject, globals: EventGlobals): void {
  prepareImplicitApis(resources, globals, HTTP_KIND)
}

/** The Globals sections of the resources that have API events (their Tags and PropagateTags reach the implicit API). */
export interface EventGlobals {
  Function?: JsonObject
  StateMachine?: JsonObject
}

/** SAM's DefaultDefinitionBody plugin and its implicit API plugin for one kind of API (see prepareHttpApis). */
export function prepareImplicitApis(resources: JsonObject, globals: EventGlobals, kind: ImplicitApiKind): void {
  for (const resource of Object.values(resources)) {
    if (!isObject(resource) || resource.Type !== kind.type) continue
    const properties = isObject(resource.Properties) ? resource.Properties : (resource.Properties = {})
    if (truthy(properties.DefinitionBody) || truthy(properties.DefinitionUri)) continue
    properties.DefinitionBody = kind.skeleton()
    properties[MANAGE] = true
  }
  // SAM builds the implicit API and drops it again when no event gave it a path: with no event of the kind, that is
  // the template unchanged (most templates: no API at all).
  if (!hasEventOfType(resources, kind.eventType)) return
  const existing = resources[kind.implicitId] === undefined ? undefined : deepClone(resources[kind.implicitId])
  resources[kind.implicitId] = {Type: kind.type, Properties: {...kind.implicitProperties, DefinitionBody: kind.skeleton(), [MANAGE]: true}}
  const attributes: MethodAttributes = {conditions: new Map(), deletionPolicies: new Map(), updateReplacePolicies: new Map()}
  const errors: string[] = []
  // SAM collects a resource's API events into a new dict before walking them, hence the second Python 2.7 ordering.
  const order = (keys: string[]): string[] => (kind.pythonOrdered ? py27KeyOrder(keys) : keys)
  for (const logicalId of order(Object.keys(resources))) {
    const resource = resources[logicalId]
    if (!isObject(resource) || (resource.Type !== 'AWS::Serverless::Function' && resource.Type !== 'AWS::Serverless::StateMachine')) continue
    const properties = resource.Properties
    if (!isObject(properties) || !isObject(properties.Events)) continue
    const events = properties.Events
    for (const eventId of order(order(Object.keys(events)).filter((name) => isObject(events[name]) && events[name].Type === kind.eventType))) {
      const event = events[eventId]
      if (!isObject(event) || event.Type !== kind.eventType) continue
      if (!kind.defaultRoute && !truthy(event.Properties)) continue
      try {
        addEventRoute(eventId, event, resource, resources, resource.Type === 'AWS::Serverless::StateMachine' ? globals.StateMachine : globals.Function, attributes, kind)
      } catch (error) {
        if (error instanceof InvalidEventError) errors.push(invalidResource(logicalId, error.message).message)
        else throw error
      }
    }
  }
  implicitApiAttributes(resources, attributes, kind)
  conditionalPaths(resources, attributes, kind)
  const implicit = resources[kind.implicitId] as JsonObject
  if (Object.keys(((implicit.Properties as JsonObject).DefinitionBody as JsonObject).paths as JsonObject).length === 0) {
    if (existing !== undefined) resources[kind.implicitId] = existing
    else delete resources[kind.implicitId]
  }
  if (errors.length > 0) throw new HttpApiDocumentError(errors)
}

function hasEventOfType(resources: JsonObject, eventType: string): boolean {
  return Object.values(resources).some((resource) => {
    if (!isObject(resource) || (resource.Type !== 'AWS::Serverless::Function' && resource.Type !== 'AWS::Serverless::StateMachine')) return false
    const events = isObject(resource.Properties) ? resource.Properties.Events : undefined
    return isObject(events) && Object.values(events).some((event) => isObject(event) && event.Type === eventType)
  })
}

/** Errors of the implicit API plugin: reported as the whole document's errors. */
export class HttpApiDocumentError extends SamError {
  constructor(readonly errors: string[]) {
    super(errors.join('\n'))
  }
}

/**
 * BaseEditor.add_path: the path and method, each an empty map unless present. The any-method key is SAM's own str;
 * other methods are the event's, lower-cased.
 */
export function addDocumentPath(paths: JsonObject, path: string, method: unknown): void {
  const normalized = normalizeMethod(method) as string
  if (!Object.hasOwn(paths, path)) paths[path] = {}
  const item = paths[path]
  if (!isObject(item)) throw invalidTemplate(`Value of '${path}' path must be a dictionary according to Swagger spec.`)
  for (const content of conditionalContents(item)) {
    if (!isObject(content) || normalized in content) continue
    content[normalized] = {}
    if (normalized === ANY_METHOD) markSam(content, {keys: [ANY_METHOD]})
  }
}

function addEventRoute(
  eventId: string,
  event: JsonObject,
  fn: JsonObject,
  resources: JsonObject,
  resourceGlobals: JsonObject | undefined,
  attributes: MethodAttributes,
  kind: ImplicitApiKind,
): void {
  if (event.Properties === undefined || event.Properties === null) event.Properties = {}
  const properties = event.Properties
  if (!isObject(properties)) throw new InvalidEventError(eventId, 'Properties should be a map.')
  if (!(kind.idProperty in properties)) {
    const implicit = resources[kind.implicitId] as JsonObject
    const fnProperties = fn.Properties as JsonObject
    const propagate = fnProperties.PropagateTags || resourceGlobals?.PropagateTags
    const tags = fnProperties.Tags || resourceGlobals?.Tags
    if (propagate && tags) {
      const implicitProperties = implicit.Properties as JsonObject
      implicitProperties.Tags = {...((implicitProperties.Tags as JsonObject | undefined) ?? {}), ...(tags as JsonObject)}
      implicitProperties.PropagateTags = true
    }
    properties[kind.idProperty] = ref(kind.implicitId)
  }
  if (kind.defaultRoute && !truthy(properties.Path) && !truthy(properties.Method)) {
    properties.Path = DEFAULT_PATH
    properties.Method = ANY_METHOD
    DEFAULT_ROUTES.add(properties)
  }
  const rawId = properties[kind.idProperty]
  const apiId = isObject(rawId) && 'Ref' in rawId ? rawId.Ref : rawId
  const {Path: path, Method: method} = properties
  if (path === undefined || path === null) throw new InvalidEventError(eventId, "Property 'Path' is required.")
  if (method === undefined || method === null) throw new InvalidEventError(eventId, "Property 'Method' is required.")
  if (typeof apiId !== 'string') throw new InvalidEventError(eventId, `Property '${kind.idProperty}' should be a string.`)
  if (typeof path !== 'string') throw new InvalidEventError(eventId, "Property 'Path' should be a string.")
  if (typeof method !== 'string') throw new InvalidEventError(eventId, "Property 'Method' should be a string.")
  const condition = typeof fn.Condition === 'string' ? fn.Condition : undefined
  const byPath = attributes.conditions.get(apiId) ?? new Map<string, Map<string, string | undefined>>()
  attributes.conditions.set(apiId, byPath)
  const byMethod = byPath.get(path) ?? new Map<string, string | undefined>()
  byPath.set(path, byMethod)
  byMethod.set(method, condition)
  attributes.deletionPolicies.set(apiId, [...(attributes.deletionPolicies.get(apiId) ?? []), fn.DeletionPolicy])
  attributes.updateReplacePolicies.set(apiId, [...(attributes.updateReplacePolicies.get(apiId) ?? []), fn.UpdateReplacePolicy])

  const api = resources[apiId]
  if (!isObject(api) || (api.Type === HTTP_API_TYPE && kind.type !== HTTP_API_TYPE)) {
    throw new InvalidEventError(eventId, `${kind.idProperty} must be a valid reference to an '${kind.type}' resource in same template.`)
  }
  if (isObject(api.Properties) && kind.isDocument(api.Properties.DefinitionBody) && api.Properties[MANAGE]) {
    const paths = (api.Properties.DefinitionBody as JsonObject).paths as JsonObject
    if (kind.pythonOrdered) copyPaths(paths)
    addDocumentPath(paths, path, method)
    if (kind.pythonOrdered) copyPaths(paths)
  }
  if (kind.type === HTTP_API_TYPE && 'RouteSettings' in properties) {
    const apiProperties = api.Properties as JsonObject
    const route = method === ANY_METHOD ? path : `${method.toUpperCase()} ${path}`
    const routeSettings = apiProperties.RouteSettings ?? {}
    if (!isObject(routeSettings)) throw invalidResource(apiId, "Property 'RouteSettings' should be a map.")
    let eventSettings = properties.RouteSettings ?? {}
    if (condition) eventSettings = makeConditional(condition, properties.RouteSettings ?? {})
    if (!isObject(eventSettings)) throw new InvalidEventError(eventId, "Property 'RouteSettings' should be a map.")
    routeSettings[route] = {...((routeSettings[route] as JsonObject | undefined) ?? {}), ...eventSettings}
    apiProperties.RouteSettings = routeSettings
  }
}

function implicitApiAttributes(resources: JsonObject, attributes: MethodAttributes, kind: ImplicitApiKind): void {
  const implicit = resources[kind.implicitId] as JsonObject
  const byPath = attributes.conditions.get(kind.implicitId)
  if (byPath && byPath.size > 0) {
    const all = new Set<string | undefined>()
    for (const methods of byPath.values()) for (const condition of methods.values()) all.add(condition)
    if (all.size > 0 && !all.has(undefined)) {
      if (all.size === 1) implicit.Condition = [...all][0]
      else {
        implicit.Condition = `${kind.implicitId}Condition`
        addCombinedCondition(resources, `${kind.implicitId}Condition`, [...all] as string[])
      }
    }
  }
  const pick = (policies: unknown[] | undefined, order: string[]): string | undefined => {
    if (!policies || !policies.some(Boolean)) return undefined
    return order.find((candidate) => policies.includes(candidate))
  }
  const deletion = pick(attributes.deletionPolicies.get(kind.implicitId), ['Retain', 'Delete'])
  if (deletion) implicit.DeletionPolicy = deletion
  const updateReplace = pick(attributes.updateReplacePolicies.get(kind.implicitId), ['Retain', 'Snapshot', 'Delete'])
  if (updateReplace) implicit.UpdateReplacePolicy = updateReplace
}

/** A deep copy of a document by one of SAM's editors, as far as the order of its paths and their methods goes. */
export function copyPaths(paths: JsonObject): void {
  samCopyPoint(paths)
  for (const item of Object.values(paths)) for (const content of conditionalContents(item)) if (isObject(content)) samCopyPoint(content)
}

/** Conditions SAM adds to the template (make_combined_condition); collected here and merged by the caller. */
const COMBINED_CONDITIONS = Symbol('combinedConditions')

function addCombinedCondition(resources: JsonObject, name: string, conditions: string[]): void {
  const target = ((resources as unknown as Record<symbol, JsonObject>)[COMBINED_CONDITIONS] ??= {})
  let list = [...conditions].sort()
  const max = 10
  let remaining = Math.ceil((list.length - 1) / (max - 1)) - 1
  while (list.length > 1) {
    let conditionName = name
    if (remaining > 0) {
      conditionName = `${name}${remaining}`
      remaining--
    }
    target[conditionName] = {'Fn::Or': list.slice(0, max).map((condition) => ({Condition: condition}))}
    list = [...list.slice(max), conditionName]
  }
}

/** The conditions SAM's HttpApi plugin generated while preparing `resources`. */
export function generatedConditions(resources: JsonObject): JsonObject {
  return (resources as unknown as Record<symbol, JsonObject>)[COMBINED_CONDITIONS] ?? {}
}

function conditionalPaths(resources: JsonObject, attributes: MethodAttributes, kind: ImplicitApiKind): void {
  for (const [apiId, api] of Object.entries(resources)) {
    if (!isObject(api) || api.Type !== kind.type || !isObject(api.Properties) || !api.Properties[MANAGE]) continue
    const paths = (api.Properties.DefinitionBody as JsonObject).paths as JsonObject
    for (const path of Object.keys(paths)) {
      const methods = attributes.conditions.get(apiId)?.get(path)
      if (!methods) continue
      const all = new Set(methods.values())
      if (all.size === 0 || all.has(undefined)) continue
      if (all.size === 1) paths[path] = samConditional([...all][0]!, paths[path])
      else {
        const name = `${apiId}${path.replaceAll('/', 'SLASH').replaceAll('{', 'OB').replaceAll('}', 'CB')}PathCondition`
        addCombinedCondition(resources, name, [...all] as string[])
        paths[path] = samConditional(name, paths[path], true)
      }
    }
  }
}

export const HttpApi: EventSourceType = {
  properties: {
    Path: {shape: 'string'},
    Method: {shape: 'string'},
    ApiId: {shape: 'string'},
    Stage: {shape: 'string'},
    Auth: {shape: 'map'},
    TimeoutInMillis: {shape: 'integer'},
    RouteSettings: {shape: 'map'},
    PayloadFormatVersion: {shape: 'string'},
  },
  translate(input) {
    const props = input.properties
    const apiId = isObject(props.ApiId) && 'Ref' in props.ApiId ? (props.ApiId.Ref as string) : (props.ApiId as string)
    const api = input.context.samResources[apiId] as JsonObject
    const apiProperties = (api.Properties ?? {}) as JsonObject
    const method = String(props.Method).toLowerCase()
    const path = String(props.Path)
    const resources: CfnResource[] = []
    const allow = routePermission(input, apiProperties, apiId, path, method)
    if (allow) resources.push(allow)
    const body = apiProperties.DefinitionBody
    if (body === undefined || body === null) return resources
    const document = new OpenApiDocument(body as JsonObject)
    // A REST API's document is hashed: SAM's editor copies it as it opens it (and again as it returns it, below).
    const restApi = api.Type === 'AWS::Serverless::Api'
    if (restApi) copyPaths(document.paths)
    if (apiProperties[MANAGE] && document.hasIntegration(path, method)) {
      throw new InvalidEventError(input.name, `API method '${method}' defined multiple times for path '${path}'.`)
    }
    const arn = input.target.arn
    const uri = markSam({'Fn::Sub': `arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/${shorthand(arn)}/invocations`}, {keys: true, values: 'Fn::GetAtt' in arn ? undefined : true})
    const condition = input.target.resource.attributes.Condition as string | undefined
    const added = document.addLambdaIntegration(path, method, uri, condition, DEFAULT_ROUTES.has(props))
    if (truthy(props.Auth)) addMethodAuth(input, apiId, apiProperties, document, path, method)
    if (props.TimeoutInMillis) {
      for (const definition of document.methodDefinitions(path, method)) setSamKey(definition[INTEGRATION] as JsonObject, 'timeoutInMillis', props.TimeoutInMillis)
    }
    const parameters = [...path.matchAll(/{(.*?)}/g)].map((match) => match[1]!)
    if (parameters.length > 0) {
      for (const definition of document.methodDefinitions(path, method)) {
        if (definition.parameters === undefined || definition.parameters === null) setSamKey(definition, 'parameters', [])
        const list = definition.parameters as JsonObject[]
        for (const name of parameters) {
          const existing = list.find((parameter) => parameter.name === name)
          if (existing) {
            setSamKey(existing, 'in', 'path')
            setSamKey(existing, 'required', true)
            markSam(existing, {values: ['in']})
          } else {
            list.push(markSam({name, in: 'path', required: true}, {keys: true, values: ['in'], copied: true}))
          }
        }
      }
    }
    if (props.PayloadFormatVersion) {
      for (const definition of document.methodDefinitions(path, method)) (definition[INTEGRATION] as JsonObject).payloadFormatVersion = props.PayloadFormatVersion
    } else if (added) {
      for (const definition of document.methodDefinitions(path, method)) markSam(definition[INTEGRATION] as JsonObject, {values: ['payloadFormatVersion']})
    }
    if (restApi) copyPaths(document.paths)
    return resources
  },
}

export function shorthand(value: JsonObject): string {
  if ('Ref' in value) return `\${${String(value.Ref)}}`
  return `\${${(value['Fn::GetAtt'] as string[]).join('.')}}`
}

function routePermission(input: Parameters<EventSourceType['translate']>[0], apiProperties: JsonObject, apiId: string, rawPath: string, method: string): CfnResource | undefined {
  let path = rawPath.replace(/^(.+)\/$/s, '$1')
  let document: OpenApiDocument | undefined
  if (truthy(apiProperties.DefinitionBody)) {
    try {
      document = new OpenApiDocument(apiProperties.DefinitionBody as JsonObject)
    } catch (error) {
      if (error instanceof SamError) throw invalidResource(apiId, error.message.replace(/^Structure of the SAM template is invalid\. /, ''))
      throw error
    }
  }
  if (path === DEFAULT_PATH) path = ''
  else if (document?.integratesFunction(DEFAULT_PATH, ANY_METHOD, input.target.resource.logicalId)) return undefined
  path = path.replace(/{([a-zA-Z0-9._-]+|proxy\+)}/g, '*')
  const verb = method === 'any' || method === ANY_METHOD ? '*' : method.toUpperCase()
  let resource = '${__ApiId__}/${__Stage__}'
  resource += method === 'any' && path === `/${DEFAULT_PATH}` ? path : `/${verb}${path}`
  return permission(input, 'apigateway.amazonaws.com', {
    sourceArn: {'Fn::Sub': [`arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:${resource}`, {__ApiId__: input.properties.ApiId, __Stage__: '*'}]},
  })
}

interface Authorizer {
  openapi: JsonObject
  scopes: unknown
  functionArn?: unknown
  defaultPermissions?: unknown
}

const AUTHORIZER_PROPERTIES: [key: string, display: string, allowedFor: string, type: 'JWT' | 'REQUEST'][] = [
  ['AuthorizationScopes', 'AuthorizationScopes', 'OAuth2 Authorizer', 'JWT'],
  ['JwtConfiguration', 'JwtConfiguration', 'OAuth2 Authorizer', 'JWT'],
  ['IdentitySource', 'IdentitySource', "OAuth2 Authorizer. For Lambda Authorizer, use the 'Identity' property instead", 'JWT'],
  ['FunctionArn', 'FunctionArn', 'Lambda Authorizer', 'REQUEST'],
  ['FunctionInvokeRole', 'FunctionInvokeRole', 'Lambda Authorizer', 'REQUEST'],
  ['Identity', 'Identity', 'Lambda Authorizer', 'REQUEST'],
  ['AuthorizerPayloadFormatVersion', 'AuthorizerPayloadFormatVersion', 'Lambda Authorizer', 'REQUEST'],
  ['EnableSimpleResponses', 'EnableSimpleResponses', 'Lambda Authorizer', 'REQUEST'],
  ['EnableFunctionDefaultPermissions', 'EnableFunctionDefaultPermissions', 'Lambda Authorizer', 'REQUEST'],
]

/** SAM's ApiGatewayV2Authorizer: checks one entry of Auth.Authorizers and gives its OpenAPI security scheme. */
function buildAuthorizer(apiId: string, name: string, config: JsonObject, partition: string): Authorizer {
  const given = (key: string): boolean => config[key] !== undefined && config[key] !== null
  const jwt = truthy(config.JwtConfiguration) ? config.JwtConfiguration : undefined
  if (jwt !== undefined && !isObject(jwt)) throw invalidResource(apiId, "Property 'JwtConfiguration' should be a map.")
  const type = jwt ? 'JWT' : 'REQUEST'
  if (given('AuthorizationScopes') && !Array.isArray(config.AuthorizationScopes)) throw invalidResource(apiId, 'AuthorizationScopes must be a list.')
  for (const [key, display, allowedFor, allowedType] of AUTHORIZER_PROPERTIES) {
    if (given(key) && allowedType !== type) throw invalidResource(apiId, `${display} is only supported for ${allowedFor}.`)
  }
  if (type === 'JWT') {
    if (!truthy(config.IdentitySource)) throw invalidResource(apiId, `${name} OAuth2 Authorizer must define 'IdentitySource'.`)
  } else {
    if (!truthy(config.FunctionArn)) throw invalidResource(apiId, `${name} Lambda Authorizer must define 'FunctionArn'.`)
    if (!truthy(config.AuthorizerPayloadFormatVersion)) throw invalidResource(apiId, `${name} Lambda Authorizer must define 'AuthorizerPayloadFormatVersion'.`)
  }
  if (given('EnableFunctionDefaultPermissions') && typeof config.EnableFunctionDefaultPermissions !== 'boolean') {
    throw invalidResource(apiId, `Property 'Authorizers.${name}.EnableFunctionDefaultPermissions' should be a boolean.`)
  }
  if (type === 'JWT') {
    const lowered: JsonObject = {}
    for (const [key, value] of Object.entries(jwt as JsonObject)) lowered[key.toLowerCase()] = value
    return {
      openapi: {type: 'oauth2', 'x-amazon-apigateway-authorizer': {jwtConfiguration: lowered, identitySource: config.IdentitySource, type: 'jwt'}},
      scopes: config.AuthorizationScopes,
    }
  }
  const authorizer: JsonObject = {
    type: 'request',
    authorizerUri: {'Fn::Sub': [`arn:${partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${__FunctionArn__}/invocations`, {__FunctionArn__: config.FunctionArn}]},
  }
  if (truthy(config.FunctionInvokeRole) && config.FunctionInvokeRole !== 'NONE') authorizer.authorizerCredentials = config.FunctionInvokeRole
  if (truthy(config.Identity)) {
    const identity = config.Identity
    if (!isObject(identity)) throw invalidResource(apiId, `Property 'Auth.Authorizers.${name}.Identity' should be a map.`)
    if (identity.ReauthorizeEvery !== undefined && identity.ReauthorizeEvery !== null) authorizer.authorizerResultTtlInSeconds = identity.ReauthorizeEvery
    const sources: unknown[] = []
    for (const [prefix, key] of [['$request.header.', 'Headers'], ['$request.querystring.', 'QueryStrings'], ['$stageVariables.', 'StageVariables'], ['$context.', 'Context']] as const) {
      const values = identity[key]
      if (!truthy(values)) continue
      if (!Array.isArray(values) || !values.every((value) => typeof value === 'string')) {
        throw invalidResource(apiId, `Property 'Authorizers.${name}.Identity.${key}' should be a list of strings.`)
      }
      sources.push(...values.map((value) => prefix + value))
    }
    authorizer.identitySource = sources
  }
  authorizer.authorizerPayloadFormatVersion = config.AuthorizerPayloadFormatVersion
  if (truthy(config.EnableSimpleResponses)) authorizer.enableSimpleResponses = config.EnableSimpleResponses
  return {
    openapi: {type: 'apiKey', name: 'Unused', in: 'header', 'x-amazon-apigateway-authorizer': authorizer},
    scopes: undefined,
    functionArn: config.FunctionArn,
    defaultPermissions: config.EnableFunctionDefaultPermissions,
  }
}

function buildAuthorizers(apiId: string, auth: JsonObject, partition: string): Map<string, Authorizer> {
  const authorizers = new Map<string, Authorizer>()
  if (auth.EnableIamAuthorizer === true) {
    authorizers.set('AWS_IAM', {openapi: {type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4'}, scopes: undefined})
  }
  const config = auth.Authorizers
  if (!truthy(config)) return authorizers
  if (!isObject(config)) throw invalidResource(apiId, "Property 'Auth.Authorizers' should be a map.")
  for (const [name, authorizer] of Object.entries(config)) {
    if (!isObject(authorizer)) throw invalidResource(apiId, `Property 'Auth.Authorizers.${name}' should be a map.`)
    if ('OpenIdConnectUrl' in authorizer) {
      throw invalidResource(apiId, `'OpenIdConnectUrl' is no longer a supported property for authorizer '${name}'. Please refer to the AWS SAM documentation.`)
    }
    authorizers.set(name, buildAuthorizer(apiId, name, authorizer, partition))
  }
  return authorizers
}

function addAuth(apiId: string, auth: JsonObject, document: OpenApiDocument, partition: string): Map<string, Authorizer> {
  const authorizers = buildAuthorizers(apiId, auth, partition)
  const doc = document.doc
  const existing = isObject(doc.components) && isObject(doc.components.securitySchemes) && truthy(doc.components.securitySchemes) ? doc.components.securitySchemes : {}
  for (const [name, authorizer] of authorizers) existing[name] = authorizer.openapi
  if (truthy(existing)) {
    if (!truthy(doc.components)) doc.components = {}
    ;(doc.components as JsonObject).securitySchemes = existing
  }
  const defaultAuthorizer = auth.DefaultAuthorizer
  if (truthy(defaultAuthorizer) && !isNoValue(defaultAuthorizer)) {
    if (typeof defaultAuthorizer !== 'string') throw invalidResource(apiId, "Property 'Auth.DefaultAuthorizer' should be a string.")
    if (!authorizers.has(defaultAuthorizer)) {
      throw invalidResource(apiId, `Unable to set DefaultAuthorizer because '${defaultAuthorizer}' was not defined in 'Authorizers'.`)
    }
    const scopes = authorizers.get(defaultAuthorizer)!.scopes ?? []
    for (const path of Object.keys(document.paths)) {
      for (const item of conditionalContents(document.paths[path])) {
        pathItemMustBeMap(item, path)
        for (const [methodName, method] of Object.entries(item)) {
          const normalized = normalizeMethod(methodName)
          if (normalized === 'parameters' || normalized === 'options') continue
          if (!Object.hasOwn(item, normalized as string)) throw invalidTemplate(`Could not find ${String(normalized)} in ${path} within DefinitionBody.`)
          for (const definition of conditionalContents(method)) {
            methodMustBeMap(definition, path, methodName)
            if (!truthy(definition[INTEGRATION]) || truthy(definition.security)) continue
            definition.security = [{[defaultAuthorizer]: scopes}]
          }
        }
      }
    }
  }
  return authorizers
}

/** An HttpApi event's Auth: the method's security requirement, checked against the API's authorizers. */
function addMethodAuth(input: Parameters<EventSourceType['translate']>[0], apiId: string, apiProperties: JsonObject, document: OpenApiDocument, path: string, method: string): void {
  const auth = input.properties.Auth as JsonObject
  let authorizer = auth.Authorizer
  const apiAuth = apiProperties.Auth ?? {}
  if (!isObject(apiAuth)) throw invalidResource(apiId, "Property 'Auth' should be a map.")
  if (!truthy(authorizer)) {
    if (truthy(apiAuth.DefaultAuthorizer)) authorizer = auth.Authorizer = apiAuth.DefaultAuthorizer
    else throw new InvalidEventError(input.name, "'Auth' section requires either an explicit 'Authorizer' set or a 'DefaultAuthorizer' configured on the HttpApi.")
  }
  const apiAuthorizers = truthy(apiAuth) ? apiAuth.Authorizers : undefined
  const iamEnabled = truthy(apiAuth) && apiAuth.EnableIamAuthorizer === true
  checkAuthorizerType({eventName: input.name, method, path}, authorizer, apiAuthorizers, iamEnabled)
  if (authorizer === 'NONE') {
    if (!truthy(apiAuth.DefaultAuthorizer)) {
      throw new InvalidEventError(input.name, `Unable to set Authorizer on API method [${method}] for path [${path}] because 'NONE' is only a valid value when a DefaultAuthorizer on the API is specified.`)
    }
  } else if (!(authorizer === 'AWS_IAM' && iamEnabled)) {
    if (!truthy(apiAuthorizers)) {
      throw new InvalidEventError(input.name, `Unable to set Authorizer [${String(authorizer)}] on API method [${method}] for path [${path}] because the related API does not define any Authorizers.`)
    }
    if (!truthy((apiAuthorizers as JsonObject)[authorizer as string])) {
      throw new InvalidEventError(input.name, `Unable to set Authorizer [${String(authorizer)}] on API method [${method}] for path [${path}] because it wasn't defined in the API's Authorizers.`)
    }
  }
  if (truthy(auth.AuthorizationScopes) && !Array.isArray(auth.AuthorizationScopes)) {
    throw new InvalidEventError(input.name, `Unable to set Authorizer on API method [${method}] for path [${path}] because 'AuthorizationScopes' must be a list of strings.`)
  }
  const name = authorizer as string
  const scopes = (auth.AuthorizationScopes ?? []) as unknown[]
  for (const definition of document.methodDefinitions(path, method)) {
    const security: JsonObject = {[name]: []}
    if (name !== 'NONE' && name !== 'AWS_IAM') {
      const entry = isObject(apiAuthorizers) ? (apiAuthorizers[name] ?? {}) : {}
      if (!isObject(entry)) throw invalidTemplate(`Type of authorizer '${name}' must be a dictionary`)
      let methodScopes = entry.AuthorizationScopes
      if (truthy(scopes)) methodScopes = scopes
      if (truthy(entry) && truthy(methodScopes)) security[name] = methodScopes
    }
    const existing = definition.security ?? []
    if (!Array.isArray(existing)) throw invalidTemplate(`Type of security for path ${path} method ${method} must be a list`)
    definition.security = [...existing, security]
  }
}

const CORS_KEYS = ['AllowMethods', 'AllowHeaders', 'AllowOrigins', 'MaxAge', 'ExposeHeaders', 'AllowCredentials']

/** CorsConfiguration → the body's `x-amazon-apigateway-cors` (SAM's OpenApiEditor.add_cors). */
function addCors(apiId: string, cors: unknown, body: JsonObject | undefined): void {
  if (!truthy(body)) throw invalidResource(apiId, "Cors works only with inline OpenApi specified in 'DefinitionBody' property.")
  let properties: JsonObject
  if (typeof cors === 'boolean') properties = {AllowOrigins: ['*']}
  else if (isIntrinsic(cors)) properties = {AllowOrigins: cors}
  else if (isObject(cors)) {
    for (const key of Object.keys(cors)) if (!CORS_KEYS.includes(key)) throw invalidResource(apiId, `Invalid key '${key}' for 'Cors' property.`)
    properties = cors
  } else {
    throw invalidResource(apiId, "Invalid value for 'Cors' property.")
  }
  if (!isOpenApi(body)) throw invalidResource(apiId, "Unable to add Cors configuration because 'DefinitionBody' does not contain a valid OpenApi definition.")
  const origins = properties.AllowOrigins
  if (properties.AllowCredentials === true && Array.isArray(origins) && origins.length === 1 && origins[0] === '*') {
    throw invalidResource(apiId, "Unable to add Cors configuration because 'AllowCredentials' can not be true when 'AllowOrigin' is \"'*'\" or not set.")
  }
  const configuration = body['x-amazon-apigateway-cors'] ?? {}
  if (!isObject(configuration)) throw invalidTemplate("Value of 'x-amazon-apigateway-cors' must be a dictionary according to Swagger spec.")
  if (truthy(origins) && isIntrinsic(origins)) {
    // SAM renames the keys in the intrinsic's JSON text (wherever the words occur) and merges what it parses back.
    let text = JSON.stringify(origins)
    for (const key of ['AllowOrigins', 'AllowHeaders', 'AllowMethods', 'ExposeHeaders', 'MaxAge', 'AllowCredentials']) {
      text = text.split(key).join(key[0]!.toLowerCase() + key.slice(1))
    }
    Object.assign(configuration, JSON.parse(text) as JsonObject)
  } else {
    if (truthy(origins)) configuration.allowOrigins = origins
    if (truthy(properties.AllowHeaders)) configuration.allowHeaders = properties.AllowHeaders
    if (truthy(properties.AllowMethods)) configuration.allowMethods = properties.AllowMethods
    if (truthy(properties.ExposeHeaders)) configuration.exposeHeaders = properties.ExposeHeaders
    if (properties.MaxAge !== undefined && properties.MaxAge !== null) configuration.maxAge = properties.MaxAge
    if (properties.AllowCredentials === true) configuration.allowCredentials = true
  }
  body['x-amazon-apigateway-cors'] = configuration
}

/** AWS::Serverless::HttpApi → AWS::ApiGatewayV2::Api (the OpenAPI body with SAM's tags, title, description) and its stage. */
export function translateHttpApi(logicalId: string, resource: JsonObject, context: TransformContext): CfnResource[] {
  const props = (resource.Properties ?? {}) as JsonObject
  validateProperties(logicalId, HTTP_API_TYPE, props, HTTP_API_PROPERTIES)
  const attributes: JsonObject = {}
  for (const name of SUPPORTED_ATTRIBUTES) if (name in resource) attributes[name] = resource[name]
  const api = new CfnResource(logicalId, 'AWS::ApiGatewayV2::Api', attributes, resource.DependsOn)
  let body = props.DefinitionBody === undefined || props.DefinitionBody === null ? undefined : (deepClone(props.DefinitionBody) as JsonObject)
  const uri = props.DefinitionUri
  if (truthy(uri) && truthy(body)) throw invalidResource(logicalId, "Specify either 'DefinitionUri' or 'DefinitionBody' property and not both.")
  const editor = (): OpenApiDocument => {
    try {
      return new OpenApiDocument(body!)
    } catch (error) {
      if (error instanceof SamError) throw new SamError(error.message)
      throw error
    }
  }
  const cors = resolveParameterRefs(props.CorsConfiguration, context.parameters)
  if (truthy(cors)) addCors(logicalId, cors, body)
  let authorizers = new Map<string, Authorizer>()
  if (truthy(props.Auth)) {
    if (!truthy(body)) throw invalidResource(logicalId, "Auth works only with inline OpenApi specified in the 'DefinitionBody' property.")
    const auth = props.Auth as JsonObject
    if (!Object.keys(auth).every((key) => ['Authorizers', 'DefaultAuthorizer', 'EnableIamAuthorizer'].includes(key))) {
      throw invalidResource(logicalId, "Invalid value for 'Auth' property")
    }
    if (!isOpenApi(body)) throw invalidResource(logicalId, "Unable to add Auth configuration because 'DefinitionBody' does not contain a valid OpenApi definition.")
    authorizers = addAuth(logicalId, auth, editor(), context.partition)
  }
  let tags = props.Tags as JsonObject | undefined
  if (truthy(tags) && !truthy(body)) throw invalidResource(logicalId, "Tags works only with inline OpenApi specified in the 'DefinitionBody' property.")
  if (truthy(body)) {
    if (truthy(tags) && !isOpenApi(body)) throw invalidResource(logicalId, "Unable to add `Tags` because 'DefinitionBody' does not contain a valid OpenApi definition.")
    if (isOpenApi(body)) {
      tags = {...(truthy(tags) ? tags : {}), 'httpapi:createdBy': 'SAM'}
      const document = editor()
      const list: unknown = truthy(document.doc.tags) ? document.doc.tags : []
      for (const [name, value] of Object.entries(tags)) {
        if (!Array.isArray(list)) {
          throw invalidTemplate(`Tags in OpenApi DefinitionBody needs to be a list. ${String(list)} is a ${typeof list} not a list.`)
        }
        const existing = (list as JsonObject[]).find((tag) => isObject(tag) && tag.name === name)
        if (existing) existing['x-amazon-apigateway-tag-value'] = value
        else (list as JsonObject[]).push({name, 'x-amazon-apigateway-tag-value': value})
      }
      if (Array.isArray(list) && list.length > 0) document.doc.tags = list
    }
  }
  if (truthy(props.FailOnWarnings)) api.set('FailOnWarnings', props.FailOnWarnings)
  if (props.DisableExecuteApiEndpoint !== undefined && props.DisableExecuteApiEndpoint !== null) {
    if (!truthy(body)) throw invalidResource(logicalId, "DisableExecuteApiEndpoint works only within 'DefinitionBody' property.")
    const document = editor()
    const servers = (document.doc.servers ?? [{}]) as unknown[]
    for (const config of servers) {
      if (!isObject(config)) throw invalidTemplate("Value of 'servers' item must be a dictionary according to Swagger spec.")
      const endpoint = (config['x-amazon-apigateway-endpoint-configuration'] ?? {}) as JsonObject
      endpoint.disableExecuteApiEndpoint = props.DisableExecuteApiEndpoint
      config['x-amazon-apigateway-endpoint-configuration'] = endpoint
    }
    document.doc.servers = servers
  }
  if (truthy(props.Name)) {
    if (!truthy(body)) throw invalidResource(logicalId, "Name works only with inline OpenApi specified in the 'DefinitionBody' property.")
    const info = body!.info
    if (!isObject(info) || !deepEqual(info.title, DEFAULT_TITLE())) {
      throw invalidResource(logicalId, "Unable to set Name because it is already defined within inline OpenAPI specified in the 'DefinitionBody' property.")
    }
    const document = editor()
    const documentInfo = document.doc.info as JsonObject
    if (deepEqual(documentInfo.title, DEFAULT_TITLE())) documentInfo.title = props.Name
  }
  if (truthy(props.Description)) {
    if (!truthy(body)) throw invalidResource(logicalId, "Description works only with inline OpenApi specified in the 'DefinitionBody' property.")
    const info = body!.info
    if (isObject(info) && truthy(info.description)) {
      throw invalidResource(logicalId, "Unable to set Description because it is already defined within inline OpenAPI specified in the 'DefinitionBody' property.")
    }
    const document = editor()
    const documentInfo = (document.doc.info ??= {}) as JsonObject
    if (!truthy(documentInfo.description)) documentInfo.description = props.Description
  }
  if (truthy(props.FailOnWarnings) && truthy(body) && isObject(body!.paths) && DEFAULT_PATH in body!.paths) {
    const paths = body!.paths
    const moved = paths[DEFAULT_PATH]
    delete paths[DEFAULT_PATH]
    paths[`/${DEFAULT_PATH}`] = moved
  }
  if (truthy(uri)) api.set('BodyS3Location', definitionUriLocation(logicalId, uri))
  else if (truthy(body)) api.set('Body', body)
  else {
    throw invalidResource(logicalId, "'DefinitionUri' or 'DefinitionBody' are required properties of an 'AWS::Serverless::HttpApi'. Add a value for one of these properties or add a 'HttpApi' event to an 'AWS::Serverless::Function'.")
  }
  body = undefined

  const stageName = truthy(props.StageName) ? props.StageName : DEFAULT_PATH
  const prefix = typeof stageName === 'string' ? stageName : ''
  const stageId = /^[\p{L}\p{N}]+$/u.test(prefix) ? `${logicalId}${prefix}Stage` : prefix === DEFAULT_PATH ? `${logicalId}ApiGatewayDefaultStage` : generateLogicalId(`${logicalId}Stage`, prefix)
  const stage = new CfnResource(stageId, 'AWS::ApiGatewayV2::Stage', pickPassthrough(attributes))
    .set('ApiId', ref(logicalId))
    .set('StageName', stageName)
    .set('StageVariables', props.StageVariables)
    .set('AccessLogSettings', props.AccessLogSettings)
    .set('DefaultRouteSettings', props.DefaultRouteSettings)
    .set('Tags', tags)
    .set('AutoDeploy', true)
    .set('RouteSettings', props.RouteSettings)
  const permissions: CfnResource[] = []
  for (const [name, authorizer] of authorizers) {
    if (!truthy(authorizer.functionArn) || authorizer.defaultPermissions !== true) continue
    permissions.push(authorizerPermission(logicalId, name, authorizer.functionArn, pickPassthrough(attributes), '${AWS::Partition}'))
  }
  const generated: CfnResource[] = [api, ...permissions]
  const domainValue = resolveParameterRefs(props.Domain, context.parameters)
  if (domainValue !== undefined && domainValue !== null) {
    const resources = buildDomainV2(logicalId, domainValue, pickPassthrough(attributes), recordSetGroups(context))
    // With an inline body, SAM hands the API's Tags (and its own tag) to the domain as well as the stage.
    if (truthy(props.Tags) && props.DefinitionBody !== undefined && props.DefinitionBody !== null) resources.domain.set('Tags', tags)
    generated.push(...domainResourceList(resources))
  }
  generated.push(stage)
  return generated
}

