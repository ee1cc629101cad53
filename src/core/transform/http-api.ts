import type {TransformContext} from './context.js'
import {InvalidEventError, SamError, invalidResource, invalidTemplate} from './errors.js'
import type {EventSourceType} from './events/event.js'
import {permission} from './events/push.js'
import {parseS3Uri} from './function/code.js'
import {isNoValue, makeConditional, ref} from './intrinsics.js'
import {deepEqual, isObject, type JsonObject} from './json.js'
import {generateLogicalId} from './logical-id.js'
import {CfnResource, pickPassthrough, SUPPORTED_ATTRIBUTES} from './resource.js'
import {oneOf, validateProperties, type PropertySpec} from './validate.js'

export const HTTP_API_TYPE = 'AWS::Serverless::HttpApi'
export const IMPLICIT_HTTP_API_ID = 'ServerlessHttpApi'
const MANAGE = '__MANAGE_SWAGGER'
const DEFAULT_PATH = '$default'
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

/** HttpApi features lpack leaves to CloudFormation's transform for now (authorizers, custom domains, CORS). */
export const UNSUPPORTED_HTTP_API_PROPERTIES = ['Auth', 'Domain', 'CorsConfiguration'] as const

/** SAM's OpenApiEditor.is_valid */
export function isOpenApi(body: unknown): body is JsonObject {
  return isObject(body) && isObject(body.paths) && truthy(body.openapi) && typeof body.openapi === 'string' && OPENAPI_3.test(body.openapi)
}

function skeleton(): JsonObject {
  return {openapi: '3.0.1', info: {version: '1.0', title: DEFAULT_TITLE()}, paths: {}}
}

function conditionalContents(item: unknown): unknown[] {
  if (isObject(item) && 'Fn::If' in item) {
    const parameters = item['Fn::If']
    if (!Array.isArray(parameters)) throw invalidTemplate('Value of Fn::If must be a list.')
    return parameters.slice(1).filter((content) => !isNoValue(content))
  }
  return [item]
}

function normalizeMethod(method: unknown): unknown {
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
    const normalized = normalizeMethod(method) as string
    if (!Object.hasOwn(this.paths, path)) this.paths[path] = {}
    const item = this.paths[path]
    if (!isObject(item)) throw invalidTemplate(`Value of '${path}' path must be a dictionary according to Swagger spec.`)
    for (const content of conditionalContents(item)) if (isObject(content) && !(normalized in content)) content[normalized] = {}
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

  addLambdaIntegration(path: string, method: unknown, uri: unknown, condition?: string): void {
    const normalized = normalizeMethod(method) as string
    if (this.hasIntegration(path, normalized)) return
    this.addPath(path, normalized)
    const integrationUri = condition ? makeConditional(condition, uri) : uri
    for (const item of conditionalContents(this.paths[path])) {
      pathItemMustBeMap(item, path)
      if (item[normalized] === null || item[normalized] === undefined) item[normalized] = {}
      const definition = item[normalized] as JsonObject
      definition[INTEGRATION] = {type: 'aws_proxy', httpMethod: 'POST', payloadFormatVersion: '2.0', uri: integrationUri}
      if (path === DEFAULT_PATH && normalized === ANY_METHOD) definition.isDefaultRoute = true
      if (!('responses' in definition)) definition.responses = {}
      if (condition) item[normalized] = makeConditional(condition, definition)
    }
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

  makePathConditional(path: string, condition: string): void {
    this.paths[path] = makeConditional(condition, this.paths[path])
  }
}

function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false
  if (Array.isArray(value)) return value.length > 0
  if (isObject(value)) return Object.keys(value).length > 0
  return true
}

interface MethodAttributes {
  conditions: Map<string, Map<string, Map<string, string | undefined>>>
  deletionPolicies: Map<string, unknown[]>
  updateReplacePolicies: Map<string, unknown[]>
}

/**
 * SAM's DefaultDefinitionBody and ImplicitHttpApi plugins, run on the SAM resources before Globals: an HttpApi
 * without a definition gets an OpenAPI skeleton SAM manages; HttpApi events without ApiId go to the implicit
 * `ServerlessHttpApi` (created here, removed again when no event uses it); each event's route is added to the API.
 */
export function prepareHttpApis(resources: JsonObject, functionGlobals: JsonObject | undefined): void {
  for (const resource of Object.values(resources)) {
    if (!isObject(resource) || resource.Type !== HTTP_API_TYPE) continue
    const properties = isObject(resource.Properties) ? resource.Properties : (resource.Properties = {})
    if (truthy(properties.DefinitionBody) || truthy(properties.DefinitionUri)) continue
    properties.DefinitionBody = skeleton()
    properties[MANAGE] = true
  }
  const existing = resources[IMPLICIT_HTTP_API_ID] === undefined ? undefined : structuredClone(resources[IMPLICIT_HTTP_API_ID])
  resources[IMPLICIT_HTTP_API_ID] = {Type: HTTP_API_TYPE, Properties: {DefinitionBody: skeleton(), [MANAGE]: true}}
  const attributes: MethodAttributes = {conditions: new Map(), deletionPolicies: new Map(), updateReplacePolicies: new Map()}
  const errors: string[] = []
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isObject(resource) || (resource.Type !== 'AWS::Serverless::Function' && resource.Type !== 'AWS::Serverless::StateMachine')) continue
    const properties = resource.Properties
    if (!isObject(properties) || !isObject(properties.Events)) continue
    for (const [eventId, event] of Object.entries(properties.Events)) {
      if (!isObject(event) || event.Type !== 'HttpApi') continue
      try {
        addEventRoute(eventId, event, logicalId, resource, resources, functionGlobals, attributes)
      } catch (error) {
        if (error instanceof InvalidEventError) errors.push(invalidResource(logicalId, error.message).message)
        else throw error
      }
    }
  }
  implicitApiAttributes(resources, attributes)
  conditionalPaths(resources, attributes)
  const implicit = resources[IMPLICIT_HTTP_API_ID] as JsonObject
  if (Object.keys(((implicit.Properties as JsonObject).DefinitionBody as JsonObject).paths as JsonObject).length === 0) {
    if (existing !== undefined) resources[IMPLICIT_HTTP_API_ID] = existing
    else delete resources[IMPLICIT_HTTP_API_ID]
  }
  if (errors.length > 0) throw new HttpApiDocumentError(errors)
}

/** Errors of the implicit API plugin: reported as the whole document's errors. */
export class HttpApiDocumentError extends SamError {
  constructor(readonly errors: string[]) {
    super(errors.join('\n'))
  }
}

function addEventRoute(
  eventId: string,
  event: JsonObject,
  functionId: string,
  fn: JsonObject,
  resources: JsonObject,
  functionGlobals: JsonObject | undefined,
  attributes: MethodAttributes,
): void {
  if (event.Properties === undefined || event.Properties === null) event.Properties = {}
  const properties = event.Properties
  if (!isObject(properties)) throw new InvalidEventError(eventId, 'Properties should be a map.')
  if (!('ApiId' in properties)) {
    const implicit = resources[IMPLICIT_HTTP_API_ID] as JsonObject
    const fnProperties = fn.Properties as JsonObject
    const propagate = fnProperties.PropagateTags || functionGlobals?.PropagateTags
    const tags = fnProperties.Tags || functionGlobals?.Tags
    if (propagate && tags) {
      const implicitProperties = implicit.Properties as JsonObject
      implicitProperties.Tags = {...((implicitProperties.Tags as JsonObject | undefined) ?? {}), ...(tags as JsonObject)}
      implicitProperties.PropagateTags = true
    }
    properties.ApiId = ref(IMPLICIT_HTTP_API_ID)
  }
  if (!truthy(properties.Path) && !truthy(properties.Method)) {
    properties.Path = DEFAULT_PATH
    properties.Method = ANY_METHOD
  }
  const apiId = isObject(properties.ApiId) && 'Ref' in properties.ApiId ? properties.ApiId.Ref : properties.ApiId
  const {Path: path, Method: method} = properties
  if (path === undefined || path === null) throw new InvalidEventError(eventId, "Property 'Path' is required.")
  if (method === undefined || method === null) throw new InvalidEventError(eventId, "Property 'Method' is required.")
  if (typeof apiId !== 'string') throw new InvalidEventError(eventId, "Property 'ApiId' should be a string.")
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
  if (!isObject(api)) {
    throw new InvalidEventError(eventId, "ApiId must be a valid reference to an 'AWS::Serverless::HttpApi' resource in same template.")
  }
  if (isObject(api.Properties) && isOpenApi(api.Properties.DefinitionBody) && api.Properties[MANAGE]) {
    new OpenApiDocument(api.Properties.DefinitionBody).addPath(path, method)
  }
  if ('RouteSettings' in properties) {
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

function implicitApiAttributes(resources: JsonObject, attributes: MethodAttributes): void {
  const implicit = resources[IMPLICIT_HTTP_API_ID] as JsonObject
  const byPath = attributes.conditions.get(IMPLICIT_HTTP_API_ID)
  if (byPath && byPath.size > 0) {
    const all = new Set<string | undefined>()
    for (const methods of byPath.values()) for (const condition of methods.values()) all.add(condition)
    if (all.size > 0 && !all.has(undefined)) {
      if (all.size === 1) implicit.Condition = [...all][0]
      else {
        implicit.Condition = 'ServerlessHttpApiCondition'
        addCombinedCondition(resources, 'ServerlessHttpApiCondition', [...all] as string[])
      }
    }
  }
  const pick = (policies: unknown[] | undefined, order: string[]): string | undefined => {
    if (!policies || !policies.some(Boolean)) return undefined
    return order.find((candidate) => policies.includes(candidate))
  }
  const deletion = pick(attributes.deletionPolicies.get(IMPLICIT_HTTP_API_ID), ['Retain', 'Delete'])
  if (deletion) implicit.DeletionPolicy = deletion
  const updateReplace = pick(attributes.updateReplacePolicies.get(IMPLICIT_HTTP_API_ID), ['Retain', 'Snapshot', 'Delete'])
  if (updateReplace) implicit.UpdateReplacePolicy = updateReplace
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

function conditionalPaths(resources: JsonObject, attributes: MethodAttributes): void {
  for (const [apiId, api] of Object.entries(resources)) {
    if (!isObject(api) || api.Type !== HTTP_API_TYPE || !isObject(api.Properties) || !api.Properties[MANAGE]) continue
    const document = new OpenApiDocument(api.Properties.DefinitionBody as JsonObject)
    for (const path of Object.keys(document.paths)) {
      const methods = attributes.conditions.get(apiId)?.get(path)
      if (!methods) continue
      const all = new Set(methods.values())
      if (all.size === 0 || all.has(undefined)) continue
      if (all.size === 1) document.makePathConditional(path, [...all][0]!)
      else {
        const name = `${apiId}${path.replaceAll('/', 'SLASH').replaceAll('{', 'OB').replaceAll('}', 'CB')}PathCondition`
        addCombinedCondition(resources, name, [...all] as string[])
        document.makePathConditional(path, name)
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
    if (apiProperties[MANAGE] && document.hasIntegration(path, method)) {
      throw new InvalidEventError(input.name, `API method '${method}' defined multiple times for path '${path}'.`)
    }
    const uri = {'Fn::Sub': `arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/${shorthand(input.target.arn)}/invocations`}
    const condition = input.target.resource.attributes.Condition as string | undefined
    document.addLambdaIntegration(path, method, uri, condition)
    if (props.TimeoutInMillis) {
      for (const definition of document.methodDefinitions(path, method)) (definition[INTEGRATION] as JsonObject).timeoutInMillis = props.TimeoutInMillis
    }
    const parameters = [...path.matchAll(/{(.*?)}/g)].map((match) => match[1]!)
    if (parameters.length > 0) {
      for (const definition of document.methodDefinitions(path, method)) {
        const list = (definition.parameters ??= []) as JsonObject[]
        for (const name of parameters) {
          const existing = list.find((parameter) => parameter.name === name)
          if (existing) {
            existing.in = 'path'
            existing.required = true
          } else {
            list.push({name, in: 'path', required: true})
          }
        }
      }
    }
    if (props.PayloadFormatVersion) {
      for (const definition of document.methodDefinitions(path, method)) (definition[INTEGRATION] as JsonObject).payloadFormatVersion = props.PayloadFormatVersion
    }
    return resources
  },
}

function shorthand(value: JsonObject): string {
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

/** AWS::Serverless::HttpApi → AWS::ApiGatewayV2::Api (the OpenAPI body with SAM's tags, title, description) and its stage. */
export function translateHttpApi(logicalId: string, resource: JsonObject, _context: TransformContext): CfnResource[] {
  const props = (resource.Properties ?? {}) as JsonObject
  validateProperties(logicalId, HTTP_API_TYPE, props, HTTP_API_PROPERTIES)
  const attributes: JsonObject = {}
  for (const name of SUPPORTED_ATTRIBUTES) if (name in resource) attributes[name] = resource[name]
  const api = new CfnResource(logicalId, 'AWS::ApiGatewayV2::Api', attributes, resource.DependsOn)
  let body = props.DefinitionBody === undefined || props.DefinitionBody === null ? undefined : (structuredClone(props.DefinitionBody) as JsonObject)
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
  if (truthy(uri)) api.set('BodyS3Location', bodyLocation(logicalId, uri))
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
  return [api, stage]
}

function bodyLocation(logicalId: string, uri: unknown): JsonObject {
  let pointer: JsonObject | undefined
  if (isObject(uri)) {
    if (!uri.Bucket || !uri.Key) throw invalidResource(logicalId, "'DefinitionUri' requires Bucket and Key properties to be specified.")
    pointer = uri
  } else {
    pointer = typeof uri === 'string' ? parseS3Uri(uri) : undefined
    if (!pointer) throw invalidResource(logicalId, "'DefinitionUri' is not a valid S3 Uri of the form 's3://bucket/key' with optional versionId query parameter.")
  }
  const location: JsonObject = {Bucket: pointer.Bucket, Key: pointer.Key}
  if ('Version' in pointer) location.Version = pointer.Version
  return location
}

