import {createHash} from 'node:crypto'

import type {TemplatePath} from '../template/template.js'
import {
  addApiAuth, addEventAuth, apiAuthOf, authorizerPermissions, finishSwaggerEdit, integrationCredentials, startSwaggerEdit, usagePlanResources, type EventAuthTarget,
} from './api-auth.js'
import {buildRestApiDomain, domainResourceList, recordSetGroups} from './api-domain.js'
import type {TransformContext} from './context.js'
import {InvalidEventError, invalidResource, invalidTemplate, type SamError} from './errors.js'
import type {EventSourceType} from './events/event.js'
import {permission} from './events/push.js'
import {definitionUriLocation} from './function/code.js'
import {addDocumentPath, conditionalContents, copyPaths, normalizeMethod, shorthand, truthy, type ImplicitApiKind} from './http-api.js'
import {isIntrinsic, ref, resolveParameterRefs} from './intrinsics.js'
import {deepClone, isObject, pythonJsonDumpsOrdered, type JsonObject} from './json.js'
import {generateLogicalId} from './logical-id.js'
import {
  carryCopyMarks, markSam, py27KeyOrder, pythonFloatRepr, pythonRepr, samConditional, samCopyFollowedDocument, samCopyPoint, samDelete, samIntrinsic, samMergedDict, setSamKey, templateText,
} from './python-repr.js'
import {CfnResource, pickPassthrough, SUPPORTED_ATTRIBUTES, tagList} from './resource.js'
import {expectMap, oneOf, validateProperties, type PropertySpec} from './validate.js'

export const API_TYPE = 'AWS::Serverless::Api'
export const IMPLICIT_REST_API_ID = 'ServerlessRestApi'
const MANAGE = '__MANAGE_SWAGGER'
const ANY_METHOD = 'x-amazon-apigateway-any-method'
const INTEGRATION = 'x-amazon-apigateway-integration'
const OPENAPI_3 = /^3(\.\d)(\.\d)?$/
const SUPPORTED_VERSIONS = /^[2-3](\.\d)(\.\d)?$/
/** Generated resource types that take the API's Tags when it has PropagateTags. */
const TAGGABLE_TYPES: ReadonlySet<string> = new Set([
  'AWS::ApiGateway::RestApi', 'AWS::ApiGateway::Stage', 'AWS::ApiGateway::DomainName', 'AWS::ApiGateway::DomainNameV2',
  'AWS::ApiGateway::DomainNameAccessAssociation', 'AWS::ApiGateway::UsagePlan', 'AWS::ApiGateway::ApiKey',
])

/**
 * Api properties (on the resource or in Globals.Api) and Api event properties lpack leaves to CloudFormation's SAM
 * transform: a template using one is reported as unsupported rather than translated differently.
 */
export const UNSUPPORTED_API_PROPERTIES: readonly string[] = []
export const UNSUPPORTED_API_EVENT_PROPERTIES: readonly string[] = []

const API_PROPERTIES: Record<string, PropertySpec> = {
  [MANAGE]: {shape: 'boolean'},
  Name: {shape: oneOf('string', 'map')},
  StageName: {shape: oneOf('string', 'map')},
  Tags: {shape: 'map'},
  PropagateTags: {shape: 'boolean'},
  DefinitionBody: {shape: 'map'},
  DefinitionUri: {shape: oneOf('string', 'map')},
  MergeDefinitions: {shape: 'boolean'},
  CacheClusterEnabled: {shape: 'boolean'},
  CacheClusterSize: {shape: 'string'},
  Variables: {shape: 'map'},
  EndpointConfiguration: {shape: oneOf('string', 'map')},
  MethodSettings: {shape: 'list'},
  BinaryMediaTypes: {shape: 'list'},
  MinimumCompressionSize: {shape: 'integer'},
  Cors: {shape: oneOf('string', 'map')},
  Auth: {shape: 'map'},
  GatewayResponses: {shape: 'map'},
  AccessLogSetting: {shape: 'map'},
  CanarySetting: {shape: 'map'},
  TracingEnabled: {shape: 'boolean'},
  OpenApiVersion: {shape: 'string'},
  Models: {shape: 'map'},
  Domain: {shape: 'map'},
  FailOnWarnings: {shape: 'boolean'},
  Description: {shape: 'string'},
  Mode: {shape: 'string'},
  DisableExecuteApiEndpoint: {shape: 'boolean'},
  ApiKeySourceType: {shape: 'string'},
  AlwaysDeploy: {shape: 'boolean'},
  Policy: {shape: oneOf('string', 'map')},
  SecurityPolicy: {shape: 'string'},
  EndpointAccessMode: {shape: 'string'},
}

/** SAM's SwaggerEditor.is_valid: a map with paths and a swagger version, or an OpenAPI 3 version. */
export function isSwagger(data: unknown): data is JsonObject {
  if (!truthy(data) || !isObject(data) || !isObject(data.paths)) return false
  if (truthy(data.swagger)) return true
  return truthy(data.openapi) && OPENAPI_3.test(templateText(data, 'openapi'))
}

/** SwaggerEditor.gen_skeleton, marked as SAM's for the deployment hash. */
function swaggerSkeleton(): JsonObject {
  const info = markSam({version: '1.0', title: samIntrinsic(ref('AWS::StackName'))}, {keys: true, values: ['version']})
  return markSam({swagger: '2.0', info, paths: {}}, {keys: true, values: ['swagger']})
}

export const REST_KIND: ImplicitApiKind = {
  type: API_TYPE,
  implicitId: IMPLICIT_REST_API_ID,
  eventType: 'Api',
  idProperty: 'RestApiId',
  skeleton: swaggerSkeleton,
  implicitProperties: {StageName: 'Prod'},
  isDocument: isSwagger,
  defaultRoute: false,
  pythonOrdered: true,
}

function methodHasIntegration(definition: unknown): boolean {
  return conditionalContents(definition).some((content) => isObject(content) && truthy(content[INTEGRATION]))
}

/** SwaggerEditor.has_integration: every conditional branch of the path has the method with an integration. */
function hasIntegration(paths: JsonObject, path: string, method: string): boolean {
  if (!Object.hasOwn(paths, path)) return false
  for (const item of conditionalContents(paths[path])) {
    if (!isObject(item) || !(method in item) || !isObject(item[method]) || !methodHasIntegration(item[method])) return false
  }
  return true
}

/** SwaggerEditor.add_lambda_integration for an Api event of a function. */
function addLambdaIntegration(
  paths: JsonObject, path: string, method: string, uri: JsonObject, condition: string | undefined, stream: boolean,
  credentials: ReturnType<typeof integrationCredentials>,
): void {
  addDocumentPath(paths, path, method)
  const integrationUri = condition ? samConditional(condition, uri) : uri
  for (const item of conditionalContents(paths[path])) {
    if (!isObject(item)) throw invalidTemplate(`Value of '${path}' path must be a dictionary according to Swagger spec.`)
    if (method === ANY_METHOD) markSam(item, {keys: [ANY_METHOD]})
    const definition = item[method] as JsonObject
    const integration: JsonObject = {type: 'aws_proxy', httpMethod: 'POST', uri: integrationUri}
    if (stream) integration.responseTransferMode = 'STREAM'
    if (credentials) integration.credentials = credentials.value
    const samValues = ['type', 'httpMethod', 'responseTransferMode', ...(credentials?.fromSam ? ['credentials'] : [])]
    definition[INTEGRATION] = markSam(integration, {keys: true, values: samValues, copied: true})
    if (!('responses' in definition)) definition.responses = markSam({}, {copied: true})
    markSam(definition, {keys: [INTEGRATION, 'responses']})
    if (condition) item[method] = samConditional(condition, definition)
  }
}

/**
 * Where an Api event's Auth applies. A function's event names its permission's stage, SAM's own string for the
 * implicit API and for a StageName it cannot read; a state machine's event names its own Stage (usually none).
 */
function eventAuthTarget(input: Parameters<EventSourceType['translate']>[0], apiId: string, body: JsonObject, permittedStage?: string): EventAuthTarget {
  const apiProperties = ((input.context.samResources[apiId] as JsonObject).Properties ?? {}) as JsonObject
  const stage = permittedStage === undefined
    ? {value: input.properties.Stage ?? null, fromSam: false}
    : {value: permittedStage, fromSam: apiId === IMPLICIT_REST_API_ID || typeof apiProperties.StageName !== 'string'}
  return {eventName: input.name, apiId, apiProperties, body, method: String(input.properties.Method).toLowerCase(), path: String(input.properties.Path), stage}
}

/** An Api event's Auth with OverrideApiAuth: applied to the API's own DefinitionBody too. */
function overrideApiAuth(input: Parameters<EventSourceType['translate']>[0], apiId: string, stage: string): void {
  const auth = input.properties.Auth
  const body = ((input.context.samResources[apiId] as JsonObject).Properties as JsonObject | undefined)?.DefinitionBody
  if (!truthy(body) || !isObject(auth) || !truthy(auth.OverrideApiAuth)) return
  if (!truthy(auth.Authorizer) && !truthy(auth.ApiKeyRequired) && !truthy(auth.ResourcePolicy)) {
    throw new InvalidEventError(input.name, 'Must define one of: Authorizer, ApiKeyRequired or ResourcePolicy when using the OverrideApiAuth property.')
  }
  if (!isSwagger(body)) throw invalidTemplate("Invalid Swagger document or the Swagger document is not explicitly defined in 'DefinitionBody'.")
  addEventAuth(auth, eventAuthTarget(input, apiId, body, stage), input.context)
  finishSwaggerEdit(body)
}

/** The stage an Api event's permission names: the explicit API's StageName, `Stage` when it is not a string. */
function permittedStage(apiId: string, samResources: JsonObject, eventName: string): string {
  const api = samResources[apiId]
  if (!isObject(api)) throw new InvalidEventError(eventName, 'RestApiId property of Api event must reference a valid resource in the same template.')
  const properties = api.Properties ?? {}
  if (!isObject(properties)) throw invalidResource(apiId, "Attribute 'Properties' should be a map.")
  const stage = properties.StageName
  if (typeof stage !== 'string') return 'Stage'
  if (stage === '') throw invalidResource(apiId, 'StageName cannot be empty.')
  return stage
}

/** The Api event of a function: its invoke permission, and its method's Lambda integration in a SAM-managed API. */
export const Api: EventSourceType = {
  properties: {
    Path: {shape: 'string'},
    Method: {shape: 'string'},
    RestApiId: {shape: 'string'},
    Stage: {shape: 'string'},
    Auth: {shape: 'map'},
    RequestModel: {shape: 'map'},
    RequestParameters: {shape: 'list'},
    TimeoutInMillis: {shape: 'integer'},
    ResponseTransferMode: {shape: 'string'},
  },
  translate(input) {
    const props = input.properties
    const rawId = props.RestApiId
    const apiId = isObject(rawId) && 'Ref' in rawId ? (rawId.Ref as string) : (rawId as string)
    const stage = permittedStage(apiId, input.context.samResources, input.name)
    const method = String(props.Method).toLowerCase()
    const rawPath = String(props.Path)
    const permissionPath = rawPath.replace(/^(.+)\/$/s, '$1').replace(/{([a-zA-Z0-9._-]+|[a-zA-Z0-9._-]+\+|proxy\+)}/g, '*')
    const verb = method === 'any' ? '*' : method.toUpperCase()
    const sourceArn = {
      'Fn::Sub': [`arn:${input.context.partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${__ApiId__}/\${__Stage__}/${verb}${permissionPath}`, {__ApiId__: rawId, __Stage__: '*'}],
    }
    const resources = [permission(input, 'apigateway.amazonaws.com', {sourceArn, suffix: stage})]
    const api = input.context.samResources[apiId] as JsonObject
    const apiProperties = (api.Properties ?? {}) as JsonObject
    const apiBody = apiProperties.DefinitionBody
    const merge = truthy(apiProperties.MergeDefinitions)
    if (!(apiProperties[MANAGE] || merge) || apiBody === undefined || apiBody === null) {
      overrideApiAuth(input, apiId, stage)
      return resources
    }
    // With MergeDefinitions, SAM builds the method in a document of its own and merges only the method into the API's.
    const body = merge ? swaggerSkeleton() : apiBody
    if (!isSwagger(body)) throw invalidTemplate("Invalid Swagger document or the Swagger document is not explicitly defined in 'DefinitionBody'.")
    const paths = body.paths as JsonObject
    const normalized = normalizeMethod(method) as string
    copyPaths(paths)
    if (truthy(props.Auth)) startSwaggerEdit(body)
    if (hasIntegration(paths, rawPath, normalized)) throw new InvalidEventError(input.name, `API method "${method}" defined multiple times for path "${rawPath}".`)
    const stream = props.ResponseTransferMode === 'RESPONSE_STREAM'
    const arn = input.target.arn
    const text = `arn:${input.context.partition}:apigateway:\${AWS::Region}:lambda:path/${stream ? '2021-11-15' : '2015-03-31'}/functions/${shorthand(arn)}${stream ? '/response-streaming-invocations' : '/invocations'}`
    // The function's own ARN names its (template) logical ID, so SAM keeps the text a template string; an alias's is SAM's.
    const uri = markSam({'Fn::Sub': text}, {keys: true, values: 'Fn::GetAtt' in arn ? undefined : true})
    const condition = input.target.resource.attributes.Condition as string | undefined
    const methodAuth = (props.Auth ?? {}) as JsonObject
    const credentials = integrationCredentials(methodAuth, apiAuthOf(apiId, apiProperties), input.context.partition)
    addLambdaIntegration(paths, rawPath, normalized, uri, condition, stream, credentials)
    if (truthy(props.Auth)) addEventAuth(methodAuth, eventAuthTarget(input, apiId, body, stage), input.context)
    if (truthy(props.TimeoutInMillis)) {
      for (const item of conditionalContents(paths[rawPath])) {
        for (const definition of conditionalContents((item as JsonObject)[normalized])) {
          const integration = (definition as JsonObject)[INTEGRATION] as JsonObject
          integration.timeoutInMillis = props.TimeoutInMillis
        }
      }
    }
    const definitions = (): JsonObject[] => conditionalContents(paths[rawPath]).flatMap((item) => conditionalContents((item as JsonObject)[normalized]) as JsonObject[])
      .filter((definition) => truthy(definition[INTEGRATION]))
    if (truthy(props.RequestModel)) addRequestModel(input.name, props.RequestModel, apiProperties, body, definitions(), method, rawPath)
    if (truthy(props.RequestParameters)) addRequestParameters(input.name, props.RequestParameters as unknown[], definitions())
    finishSwaggerEdit(body)
    copyPaths(paths)
    if (merge) apiProperties.DefinitionBody = mergeMethod(apiId, apiBody, rawPath, method, (paths[rawPath] as JsonObject)[normalized] as JsonObject)
    overrideApiAuth(input, apiId, stage)
    return resources
  },
}

/**
 * push.py _get_merged_definitions: the method SAM generated, merged over the API's own definition of it (SAM's keys
 * win), in a copy of the API's document. The method goes in under the event's lower-cased Method (`any` stays `any`).
 */
function mergeMethod(apiId: string, source: unknown, path: string, method: string, generated: JsonObject): JsonObject {
  const merged = expectMap(source, apiId, 'DefinitionBody')
  samCopyPoint(merged, true)
  // A document without paths keeps none: SAM merges into a map of paths that it then drops.
  const paths = truthy(merged.paths) ? merged.paths : {}
  const invalid = (where: string): SamError => invalidResource(apiId, `Property 'DefinitionBody' is invalid: ${where}`)
  if (!isObject(paths)) throw invalid('It should be a map')
  const item = paths[path]
  // (A path whose value is null stops the translator with a TypeError.)
  if (Object.hasOwn(paths, path) && !isObject(item)) throw invalid(`The value of '${path}' should be a map`)
  const existing = isObject(item) && truthy(item[method]) ? item[method] : {}
  if (!isObject(existing)) throw invalidResource(apiId, `Property 'DefinitionBody.paths.${path}.${method}' should be a map.`)
  const definition = samMergedDict(existing, generated)
  if (isObject(item)) item[method] = definition
  else paths[path] = markSam({[method]: definition}, {insertionOrdered: true})
  return merged
}

/** An Api event's RequestModel: the method's body parameter (or OpenAPI 3 requestBody) and request validator. */
function addRequestModel(eventName: string, requestModel: unknown, apiProperties: JsonObject, body: JsonObject, definitions: JsonObject[], method: string, path: string): void {
  if (!isObject(requestModel)) throw new InvalidEventError(eventName, "Property 'RequestModel' should be a map.")
  const model = requestModel.Model
  if (!truthy(model)) return
  const fail = (reason: string): InvalidEventError =>
    new InvalidEventError(eventName, `Unable to set RequestModel [${String(model)}] on API method [${method}] for path [${path}] because ${reason}.`)
  const models = apiProperties.Models
  if (!truthy(models)) throw fail('the related API does not define any Models')
  if (!isIntrinsic(models) && !isObject(models)) throw fail('the related API Models defined is of invalid type')
  if (typeof model !== 'string') throw fail('the related API does not contain valid Models')
  if (!truthy((models as JsonObject)[model])) throw fail("it wasn't defined in the API's Models")
  const name = model.toLowerCase()
  const required = requestModel.Required
  for (const definition of definitions) {
    if (body.swagger !== undefined && body.swagger !== null) {
      const parameter: JsonObject = {in: 'body', name, schema: samIntrinsic({$ref: `#/definitions/${name}`})}
      if (required !== undefined && required !== null) parameter.required = required
      setSamKey(definition, 'parameters', [...((definition.parameters as unknown[] | undefined) ?? []), markSam(parameter, {keys: true, values: ['in'], copied: true})])
    } else if (truthy(body.openapi) && OPENAPI_3.test(templateText(body, 'openapi'))) {
      const requestBody = samIntrinsic({content: samIntrinsic({'application/json': samIntrinsic({schema: samIntrinsic({$ref: `#/components/schemas/${name}`})})})}) as JsonObject
      if (required !== undefined && required !== null) requestBody.required = required
      setSamKey(definition, 'requestBody', requestBody)
    }
  }
  let validateBody = requestModel.ValidateBody
  let validateParameters = requestModel.ValidateParameters
  if ((validateBody === undefined || validateBody === null) && (validateParameters === undefined || validateParameters === null)) return
  validateBody ??= false
  validateParameters ??= false
  if (typeof validateBody !== 'boolean' || typeof validateParameters !== 'boolean') {
    throw new InvalidEventError(eventName, `Unable to set Validator to RequestModel [${model}] on API method [${method}] for path [${path}] ValidateBody and ValidateParameters must be a boolean type, strings or intrinsics are not supported.`)
  }
  const validator = validateBody && validateParameters ? 'body-and-params' : validateBody ? 'body-only' : validateParameters ? 'params-only' : 'no-validation'
  const validatorsKey = 'x-amazon-apigateway-request-validators'
  if (!truthy(body[validatorsKey])) setSamKey(body, validatorsKey, markSam({}, {copied: true}))
  const validators = body[validatorsKey] as JsonObject
  if (!truthy(validators[validator])) {
    setSamKey(validators, validator, markSam({validateRequestBody: validateBody, validateRequestParameters: validateParameters}, {keys: true, copied: true}))
  }
  for (const definition of definitions) {
    setSamKey(definition, 'x-amazon-apigateway-request-validator', validator)
    markSam(definition, {values: ['x-amazon-apigateway-request-validator']})
  }
}

/** An Api event's RequestParameters: swagger parameters of the method, cached ones in the integration's cache keys. */
function addRequestParameters(eventName: string, requestParameters: unknown[], definitions: JsonObject[]): void {
  const format = "Invalid value for 'RequestParameters' property. Keys must be in the format 'method.request.[querystring|path|header].{value}', e.g 'method.request.header.Authorization'."
  const pattern = /^method\.request\.(querystring|path|header)\./
  const settings = requestParameters.map((parameter) => {
    if (isObject(parameter)) {
      const [name, value] = Object.entries(parameter)[0] ?? []
      if (typeof name !== 'string' || !pattern.test(name)) throw new InvalidEventError(eventName, format)
      if (!isObject(value) || !Object.keys(value).every((key) => key === 'Required' || key === 'Caching')) {
        throw new InvalidEventError(eventName, "Invalid value for 'RequestParameters' property. Values must be an object, e.g { Required: true, Caching: false }")
      }
      return {Required: false, Caching: false, ...value, Name: name}
    }
    if (typeof parameter === 'string') {
      if (!pattern.test(parameter)) throw new InvalidEventError(eventName, format)
      return {Required: false, Caching: false, Name: parameter}
    }
    throw new InvalidEventError(eventName, "Invalid value for 'RequestParameters' property. Property must be either a string or an object")
  })
  for (const definition of definitions) {
    const parameters = [...((definition.parameters as unknown[] | undefined) ?? [])]
    for (const setting of settings) {
      const [location, name] = splitOnce(setting.Name.replace('method.request.', ''))
      const parameter = markSam({in: location === 'querystring' ? 'query' : location, name, required: setting.Required, type: 'string'}, {
        keys: true, values: location === 'querystring' ? ['in', 'type'] : ['type'], copied: true,
      })
      parameters.push(parameter)
      if (setting.Caching) {
        const integration = definition[INTEGRATION] as JsonObject
        setSamKey(integration, 'cacheKeyParameters', [...((integration.cacheKeyParameters as unknown[] | undefined) ?? []), setting.Name])
      }
    }
    setSamKey(definition, 'parameters', parameters)
  }
}

function splitOnce(text: string): [string, string] {
  const index = text.indexOf('.')
  return [text.slice(0, index), text.slice(index + 1)]
}

/** ApiGenerator._add_models: the API's Models as swagger definitions (lower-cased names). */
function addModels(logicalId: string, models: unknown, body: JsonObject | undefined): void {
  if (!truthy(body)) throw invalidResource(logicalId, "Models works only with inline Swagger specified in 'DefinitionBody' property.")
  if (!isSwagger(body)) throw invalidResource(logicalId, "Unable to add Models definitions because 'DefinitionBody' does not contain a valid Swagger definition.")
  const config = models as JsonObject
  if (!Object.values(config).every(isObject)) throw invalidResource(logicalId, "Invalid value for 'Models' property")
  const definitions: JsonObject = truthy(body.definitions) ? (body.definitions as JsonObject) : markSam({}, {copied: true})
  for (const name of py27KeyOrder(Object.keys(config))) {
    const schema = config[name] as JsonObject
    if (!truthy(schema.type)) throw invalidTemplate("'Models' schema is missing 'type'.")
    definitions[name.toLowerCase()] = schema
  }
  if (truthy(definitions)) setSamKey(body, 'definitions', definitions)
}

/** Properties of a state machine's Api event. */
export const STATE_MACHINE_API_PROPERTIES: Record<string, PropertySpec> = {
  Path: {shape: 'string'},
  Method: {shape: 'string'},
  RestApiId: {shape: 'string'},
  Stage: {shape: 'string'},
  Auth: {shape: 'map'},
  UnescapeMappingTemplate: {shape: 'boolean', intrinsics: false},
}

/** A state machine's Api event: SwaggerEditor.add_state_machine_integration in its SAM-managed API. */
export function addStateMachineIntegration(input: Parameters<EventSourceType['translate']>[0], role: CfnResource): void {
  const props = input.properties
  for (const name of ['Path', 'Method', 'RestApiId']) {
    if (props[name] === undefined || props[name] === null) throw new InvalidEventError(input.name, `Missing required property '${name}'.`)
  }
  const rawId = props.RestApiId
  const apiId = isObject(rawId) && 'Ref' in rawId ? (rawId.Ref as string) : (rawId as string)
  permittedStage(apiId, input.context.samResources, input.name)
  const apiProperties = ((input.context.samResources[apiId] as JsonObject).Properties ?? {}) as JsonObject
  const body = apiProperties.DefinitionBody
  if (!apiProperties[MANAGE] || body === undefined || body === null) return
  if (!isSwagger(body)) throw invalidTemplate("Invalid Swagger document or the Swagger document is not explicitly defined in 'DefinitionBody'.")
  const paths = body.paths as JsonObject
  const method = String(props.Method).toLowerCase()
  const path = String(props.Path)
  const normalized = normalizeMethod(method) as string
  copyPaths(paths)
  if (truthy(props.Auth)) startSwaggerEdit(body)
  if (hasIntegration(paths, path, normalized)) throw new InvalidEventError(input.name, `API method "${method}" defined multiple times for path "${path}".`)
  const machineId = input.target.resource.logicalId
  const template = props.UnescapeMappingTemplate
    ? `{"input": "$util.escapeJavaScript($input.json('$')).replaceAll("\\\\'","'")", "stateMachineArn": "\${${machineId}}"}`
    : `{"input": "$util.escapeJavaScript($input.json('$'))", "stateMachineArn": "\${${machineId}}"}`
  const condition = input.target.resource.attributes.Condition as string | undefined
  const uri = samIntrinsic({'Fn::Sub': 'arn:${AWS::Partition}:apigateway:${AWS::Region}:states:action/StartExecution'})
  addDocumentPath(paths, path, normalized)
  const sam = {keys: true, values: true, copied: true} as const
  for (const item of conditionalContents(paths[path])) {
    if (!isObject(item)) throw invalidTemplate(`Value of '${path}' path must be a dictionary according to Swagger spec.`)
    if (normalized === ANY_METHOD) markSam(item, {keys: [ANY_METHOD]})
    const definition = item[normalized] as JsonObject
    definition[INTEGRATION] = markSam({
      type: 'aws',
      httpMethod: 'POST',
      uri: condition ? samConditional(condition, uri) : uri,
      responses: markSam({200: markSam({statusCode: '200'}, sam), 400: markSam({statusCode: '400'}, sam)}, sam),
      credentials: samIntrinsic({'Fn::GetAtt': markSam([role.logicalId, 'Arn'], {values: true})}),
      requestTemplates: samIntrinsic({'application/json': samIntrinsic({'Fn::Sub': template})}),
    }, sam)
    if (!('responses' in definition)) definition.responses = markSam({200: markSam({description: 'OK'}, sam), 400: markSam({description: 'Bad Request'}, sam)}, sam)
    markSam(definition, {keys: [INTEGRATION, 'responses']})
    if (condition) item[normalized] = samConditional(condition, definition)
  }
  if (truthy(props.Auth)) addEventAuth(props.Auth as JsonObject, eventAuthTarget(input, apiId, body), input.context)
  finishSwaggerEdit(body)
  copyPaths(paths)
}

/** Function names of the Api events that name an explicit RestApiId, per API (the translator's redeploy parameters). */
function functionNames(apiId: string, context: TransformContext): string {
  let names = ''
  for (const resource of Object.values(context.samResources)) {
    if (!isObject(resource) || resource.Type !== 'AWS::Serverless::Function' || !isObject(resource.Properties)) continue
    const events = resource.Properties.Events
    if (!isObject(events)) continue
    for (const event of Object.values(events)) {
      if (!isObject(event) || event.Type !== 'Api' || !isObject(event.Properties) || !truthy(event.Properties.RestApiId)) continue
      const rawId = event.Properties.RestApiId
      const id = isObject(rawId) && 'Ref' in rawId ? rawId.Ref : rawId
      if (id !== apiId) continue
      const name = resolveParameterRefs(deepClone(resource.Properties.FunctionName), context.parameters)
      if (!truthy(name)) continue
      names += typeof name === 'string' ? name : pythonRepr(name)
    }
  }
  return names
}

/**
 * The deployment's hash (ApiGatewayDeployment.make_auto_deployable): sha1 over `str(swagger)`, the OpenApiVersion,
 * `json.dumps` of the custom domain's configuration (its dicts in Python 2.7 order, as the translator holds template
 * values) and the function names of explicit Api events, joined by `||`.
 */
export function deploymentHash(swagger: unknown, openApiVersion: unknown, functionNamesText: string, domain?: unknown): string {
  const parts = [pythonRepr(swagger)]
  if (truthy(openApiVersion)) parts.push(typeof openApiVersion === 'string' ? openApiVersion : pythonRepr(openApiVersion))
  if (truthy(domain)) parts.push(pythonJsonDumpsOrdered(domain, py27KeyOrder))
  if (functionNamesText) parts.push(functionNamesText)
  return createHash('sha1').update(parts.join('||'), 'utf8').digest('hex')
}

/** ApiGenerator._openapi_postprocess for what lpack translates: OpenAPI 3 keeps no `consumes`/`produces` on options. */
function openApiPostprocess(body: JsonObject, openApiVersion: unknown): JsonObject {
  if (body.swagger !== undefined && body.swagger !== null) return body
  const fromBody = body.openapi !== undefined && body.openapi !== null && openApiVersion === undefined
  const version = fromBody ? body.openapi : openApiVersion
  if (!truthy(version) || !OPENAPI_3.test(fromBody ? templateText(body, 'openapi') : String(version))) return body
  for (const [from, to] of [['securityDefinitions', 'securitySchemes'], ['definitions', 'schemas']] as const) {
    if (!truthy(body[from])) continue
    const components = truthy(body.components) ? (body.components as JsonObject) : {}
    setSamKey(components, to, body[from])
    if (!('components' in body)) markSam(body, {keys: ['components']})
    body.components = components
    samDelete(body, from)
  }
  const paths = body.paths
  if (!truthy(paths)) return body
  if (!isObject(paths)) throw invalidTemplate('Value of paths must be a dictionary according to Swagger spec.')
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) throw invalidTemplate(`Value of '${path}' path must be a dictionary according to Swagger spec.`)
    const options = item.options
    if (!truthy(options)) continue
    if (!isObject(options)) throw invalidTemplate(`Value of options method for path ${path} must be a dictionary according to Swagger spec.`)
    samDelete(options, 'produces')
    samDelete(options, 'consumes')
    if (!('responses' in options)) continue
    const responses = options.responses
    const invalid = !isObject(responses) ? 'It should be a map' : '200' in responses && !isObject(responses['200']) ? "The value of '200' should be a map" : undefined
    if (invalid) throw invalidTemplate(`Invalid responses in options method for path ${path}: ${invalid}.`)
    const headers = isObject(responses) && isObject(responses['200']) ? responses['200'].headers : undefined
    if (!truthy(headers)) continue
    if (!isObject(headers)) throw invalidTemplate(`Value of response's headers in options method for path ${path} must be a dictionary according to Swagger spec.`)
    for (const [name, value] of Object.entries(headers)) headers[name] = markSam({schema: value}, {keys: true})
  }
  return body
}

/**
 * GlobalsPlugin.fix_openapi_definitions, once Globals are merged and before any event adds to the API: a SAM-managed
 * body takes the API's OpenApiVersion 3.x, as a string. A version written as a float (`3.0`, on the resource or else
 * in Globals.Api) converts as Python's str() converts it, to '3.0'; the integer 3 is not a version.
 */
export function fixOpenApiVersion(logicalId: string, local: JsonObject, props: JsonObject, isFloat: (path: TemplatePath) => boolean): void {
  const version = props.OpenApiVersion
  const path = Object.hasOwn(local, 'OpenApiVersion') ? ['Resources', logicalId, 'Properties', 'OpenApiVersion'] : ['Globals', 'Api', 'OpenApiVersion']
  const text = typeof version === 'number' && isFloat(path) ? pythonFloatRepr(version) : String(version)
  if (!(MANAGE in props) || version === undefined || !OPENAPI_3.test(text)) return
  const converted = typeof version !== 'string'
  if (converted) props.OpenApiVersion = text
  const body = props.DefinitionBody
  if (!isObject(body)) return
  if (!('openapi' in body)) markSam(body, {keys: ['openapi']})
  body.openapi = props.OpenApiVersion
  if (converted) markSam(body, {values: ['openapi']})
  if (truthy(body.swagger)) delete body.swagger
}

function endpointConfiguration(logicalId: string, value: unknown): {parameters: JsonObject; configuration: JsonObject} {
  if (isObject(value) && truthy(value.Type)) {
    const configuration: JsonObject = {Types: [value.Type]}
    if ('VPCEndpointIds' in value && 'VpcEndpointIds' in value) {
      throw invalidResource(logicalId, "'VPCEndpointIds' and 'VpcEndpointIds' cannot be used together in EndpointConfiguration.")
    }
    if ('VPCEndpointIds' in value || 'VpcEndpointIds' in value) configuration.VpcEndpointIds = value.VPCEndpointIds || value.VpcEndpointIds
    if ('IpAddressType' in value) configuration.IpAddressType = value.IpAddressType
    return {parameters: {endpointConfigurationTypes: value.Type}, configuration}
  }
  return {parameters: {endpointConfigurationTypes: value}, configuration: {Types: [value]}}
}

const ENDPOINT_EXTENSION = 'x-amazon-apigateway-endpoint-configuration'
const CORS_KEYS = ['AllowMethods', 'AllowHeaders', 'AllowOrigin', 'MaxAge', 'AllowCredentials']
const ALL_HTTP_METHODS = ['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH']

/** ApiGenerator._add_cors: an OPTIONS method answering the CORS preflight on every path that has none. */
function addCors(logicalId: string, cors: unknown, body: JsonObject | undefined): void {
  if (!truthy(body)) throw invalidResource(logicalId, "Cors works only with inline Swagger specified in 'DefinitionBody' property.")
  let properties: JsonObject
  // A string or an intrinsic is the allowed origin; the default origin is SAM's own string.
  let originFromSam = false
  if (typeof cors === 'string' || (isObject(cors) && Object.keys(cors).length === 1 && /^(Ref|Fn::.*|Condition)$/.test(Object.keys(cors)[0]!))) {
    properties = {AllowOrigin: cors}
  } else if (isObject(cors)) {
    for (const key of Object.keys(cors)) if (!CORS_KEYS.includes(key)) throw invalidResource(logicalId, `Invalid key '${key}' for 'Cors' property.`)
    properties = {...cors}
    if (!('AllowOrigin' in cors)) {
      properties.AllowOrigin = "'*'"
      originFromSam = true
    }
  } else {
    throw invalidResource(logicalId, "Invalid value for 'Cors' property")
  }
  if (!isSwagger(body)) {
    throw invalidResource(logicalId, "Unable to add Cors configuration because 'DefinitionBody' does not contain a valid Swagger definition.")
  }
  if (properties.AllowCredentials === true && properties.AllowOrigin === "'*'") {
    throw invalidResource(logicalId, "Unable to add Cors configuration because 'AllowCredentials' can not be true when 'AllowOrigin' is \"'*'\" or not set")
  }
  const paths = body.paths as JsonObject
  const done = new Set<string>()
  for (const path of py27KeyOrder(Object.keys(paths))) {
    const normalized = path === '/' ? path : path.replace(/\/+$/, '')
    if (done.has(normalized)) continue
    done.add(normalized)
    let methods = properties.AllowMethods
    let methodsFromSam = false
    for (const item of conditionalContents(paths[path])) {
      if (!isObject(item)) throw invalidResource(logicalId, `Value of '${path}' path must be a dictionary according to Swagger spec.`)
      if ('options' in item) continue
      if (!truthy(properties.AllowOrigin)) throw invalidResource(logicalId, 'Invalid input. Value for AllowedOrigins is required')
      if (!truthy(methods)) {
        const keys = Object.keys(item)
        const all = keys.includes(ANY_METHOD) ? ALL_HTTP_METHODS : [...keys, 'options']
        methods = `'${[...new Set(all.map((method) => method.toUpperCase()))].sort().join(',')}'`
        methodsFromSam = true
      }
      item.options = corsOptionsMethod(properties, originFromSam, methods, methodsFromSam)
      markSam(item, {keys: ['options']})
    }
  }
}

const GATEWAY_RESPONSE_KEYS = ['ResponseParameters', 'ResponseTemplates', 'StatusCode']
const GATEWAY_RESPONSES = 'x-amazon-apigateway-gateway-responses'

/** ApiGenerator._add_gateway_responses: `x-amazon-apigateway-gateway-responses` from the GatewayResponses property. */
function addGatewayResponses(logicalId: string, responses: unknown, body: JsonObject | undefined): void {
  if (!truthy(body)) throw invalidResource(logicalId, "GatewayResponses works only with inline Swagger specified in 'DefinitionBody' property.")
  const config = responses as JsonObject
  for (const [type, response] of Object.entries(config)) {
    if (isIntrinsic(response)) {
      throw invalidResource(logicalId, 'Unable to set GatewayResponses attribute because intrinsic functions are not supported for this field.')
    }
    if (!isObject(response)) {
      throw invalidResource(logicalId, `Invalid property type '${pythonTypeName(response)}' for GatewayResponses. Expected an object of type 'GatewayResponse'.`)
    }
    for (const key of Object.keys(response)) {
      if (!GATEWAY_RESPONSE_KEYS.includes(key)) throw invalidResource(logicalId, `Invalid property '${key}' in 'GatewayResponses' property '${type}'.`)
    }
  }
  if (!isSwagger(body)) throw invalidResource(logicalId, "Unable to add Auth configuration because 'DefinitionBody' does not contain a valid Swagger definition.")
  const generated: JsonObject = markSam({}, {copied: true})
  for (const type of py27KeyOrder(Object.keys(config))) {
    const response = config[type] as JsonObject
    const parameters = truthy(response.ResponseParameters) ? response.ResponseParameters : undefined
    if (parameters !== undefined && !isObject(parameters)) throw invalidResource(logicalId, `Property 'GatewayResponses.${type}.ResponseParameters' should be a map.`)
    for (const key of Object.keys(parameters ?? {})) {
      if (!['Headers', 'Paths', 'QueryStrings'].includes(key)) throw invalidResource(logicalId, `Invalid gateway response parameter '${key}'`)
    }
    const status = response.StatusCode === undefined || response.StatusCode === null ? undefined : String(response.StatusCode)
    if (truthy(response.StatusCode) && !/^[0-9]{1,3}$/.test(status!)) throw invalidResource(logicalId, "Property 'StatusCode' must be numeric")
    const prefixed: JsonObject = markSam({}, {copied: true})
    for (const [property, prefix] of [['Headers', 'header.'], ['Paths', 'path.'], ['QueryStrings', 'querystring.']] as const) {
      const values = (parameters ?? {})[property] ?? {}
      if (!isObject(values)) throw invalidResource(logicalId, `Property 'ResponseParameters.${property}' should be a map.`)
      for (const key of py27KeyOrder(Object.keys(values))) prefixed[`gatewayresponse.${prefix}${key}`] = values[key]
    }
    const swagger: JsonObject = {responseParameters: prefixed, responseTemplates: truthy(response.ResponseTemplates) ? response.ResponseTemplates : markSam({}, {copied: true})}
    if (truthy(status)) swagger.statusCode = status
    generated[type] = markSam(swagger, {keys: true, values: ['statusCode'], copied: true})
  }
  if (Object.keys(generated).length === 0) return
  const existing = body[GATEWAY_RESPONSES]
  if (truthy(existing) && isObject(existing)) Object.assign(existing, generated)
  else {
    body[GATEWAY_RESPONSES] = generated
    // The key goes in inside SAM's editor, whose result is a copy: the document now hashes in its once-copied order.
    markSam(body, {keys: [GATEWAY_RESPONSES], copied: true})
  }
}

function pythonTypeName(value: unknown): string {
  if (typeof value === 'string') return 'str'
  if (typeof value === 'boolean') return 'bool'
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float'
  if (Array.isArray(value)) return 'list'
  return value === null || value === undefined ? 'NoneType' : 'dict'
}

/** SwaggerEditor._options_method_response_for_cors */
function corsOptionsMethod(properties: JsonObject, originFromSam: boolean, methods: unknown, methodsFromSam: boolean): JsonObject {
  const header = (name: string): string => `method.response.header.Access-Control-${name}`
  const stringType = (): JsonObject => samIntrinsic({type: 'string'})
  const parameters: JsonObject = {[header('Allow-Origin')]: properties.AllowOrigin}
  const headers: JsonObject = {'Access-Control-Allow-Origin': stringType()}
  const plainValues: string[] = originFromSam ? [header('Allow-Origin')] : []
  if (truthy(properties.AllowHeaders)) {
    parameters[header('Allow-Headers')] = properties.AllowHeaders
    headers['Access-Control-Allow-Headers'] = stringType()
  }
  if (truthy(methods)) {
    parameters[header('Allow-Methods')] = methods
    if (methodsFromSam) plainValues.push(header('Allow-Methods'))
    headers['Access-Control-Allow-Methods'] = stringType()
  }
  if (properties.MaxAge !== undefined && properties.MaxAge !== null) {
    parameters[header('Max-Age')] = properties.MaxAge
    headers['Access-Control-Max-Age'] = samIntrinsic({type: 'integer'})
  }
  if (properties.AllowCredentials === true) {
    parameters[header('Allow-Credentials')] = "'true'"
    plainValues.push(header('Allow-Credentials'))
    headers['Access-Control-Allow-Credentials'] = stringType()
  }
  markSam(parameters, {keys: true, values: plainValues, copied: true})
  markSam(headers, {keys: true, copied: true})
  const template = (text: string): JsonObject => samIntrinsic({'application/json': text})
  const sam = {keys: true, values: true, copied: true} as const
  const integration = markSam({
    type: 'mock',
    requestTemplates: template('{\n  "statusCode" : 200\n}\n'),
    responses: markSam({default: markSam({statusCode: '200', responseParameters: parameters, responseTemplates: template('{}\n')}, sam)}, sam),
  }, sam)
  const responses = markSam({200: markSam({description: 'Default response for CORS method', headers}, sam)}, sam)
  const json = (): string[] => markSam(['application/json'], {values: true})
  return markSam({summary: 'CORS support', consumes: json(), produces: json(), [INTEGRATION]: integration, responses}, sam)
}

/** SwaggerEditor.add_disable_execute_api_endpoint_extension: on each OpenAPI 3 server, or on the swagger document. */
function addEndpointExtension(body: JsonObject, disable: unknown): void {
  const set = (target: unknown, where: string): void => {
    const prefix = where ? `Invalid OpenAPI definition of '${where}'` : 'Invalid OpenAPI definition'
    if (!isObject(target)) throw invalidTemplate(`${prefix}: It should be a map.`)
    if (!(ENDPOINT_EXTENSION in target)) {
      target[ENDPOINT_EXTENSION] = markSam({}, {keys: true, insertionOrdered: true})
      markSam(target, {keys: [ENDPOINT_EXTENSION]})
    }
    const extension = target[ENDPOINT_EXTENSION]
    if (!isObject(extension)) throw invalidTemplate(`${prefix}: The value of '${ENDPOINT_EXTENSION}' should be a map.`)
    extension.disableExecuteApiEndpoint = disable
    markSam(extension, {keys: ['disableExecuteApiEndpoint']})
  }
  if (truthy(body.openapi) && OPENAPI_3.test(templateText(body, 'openapi'))) {
    // The key goes in inside SAM's editor, whose result is a copy: the document now hashes in its once-copied order.
    if (!('servers' in body)) markSam(body, {keys: ['servers'], copied: true})
    const servers = 'servers' in body ? body.servers : [markSam({})]
    if (!Array.isArray(servers)) throw invalidTemplate("Invalid OpenAPI definition of 'servers': It should be a list.")
    servers.forEach((server, index) => set(server, `servers[${index}]`))
    body.servers = servers
  } else {
    set(body, '')
  }
}

/** RegionConfiguration.is_apigw_edge_configuration_supported */
function edgeSupported(partition: string): boolean {
  return !(partition.startsWith('aws-iso') || ['aws-us-gov', 'aws-cn', 'aws-eusc'].includes(partition))
}

function replaceSlashes(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('~1', '/')
  if (Array.isArray(value)) return value.map(replaceSlashes)
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key.replaceAll('~1', '/'), replaceSlashes(item)]))
  return value
}

/** AWS::Serverless::Api → AWS::ApiGateway::RestApi, its Deployment (hashed logical ID) and its Stage. */
export function translateApi(logicalId: string, resource: JsonObject, context: TransformContext): CfnResource[] {
  const props = (resource.Properties ?? {}) as JsonObject
  validateProperties(logicalId, API_TYPE, props, API_PROPERTIES)
  if (props.StageName === undefined || props.StageName === null) throw invalidResource(logicalId, "Missing required property 'StageName'.")
  const attributes: JsonObject = {}
  for (const name of SUPPORTED_ATTRIBUTES) if (name in resource) attributes[name] = resource[name]
  const passthrough = pickPassthrough(attributes)
  const api = new CfnResource(logicalId, 'AWS::ApiGateway::RestApi', attributes, resource.DependsOn)
  const uri = props.DefinitionUri
  let body = props.DefinitionBody as JsonObject | undefined
  if (truthy(uri) && truthy(body)) throw invalidResource(logicalId, "Specify either 'DefinitionUri' or 'DefinitionBody' property and not both.")
  if (truthy(uri) && truthy(props.MergeDefinitions)) throw invalidResource(logicalId, "Cannot set 'MergeDefinitions' to True when using `DefinitionUri`.")
  const openApiVersion = props.OpenApiVersion
  if (truthy(openApiVersion) && !SUPPORTED_VERSIONS.test(String(openApiVersion))) {
    throw invalidResource(logicalId, "The OpenApiVersion value must be of the format '3.0.0'.")
  }
  const binaryMediaTypes = resolveParameterRefs(props.BinaryMediaTypes, context.parameters)
  api.set('BinaryMediaTypes', binaryMediaTypes)
  api.set('MinimumCompressionSize', props.MinimumCompressionSize)
  const endpoint = truthy(props.EndpointConfiguration) ? props.EndpointConfiguration : edgeSupported(context.partition) ? undefined : 'REGIONAL'
  if (endpoint !== undefined) {
    const {parameters, configuration} = endpointConfiguration(logicalId, endpoint)
    api.set('EndpointConfiguration', configuration).set('Parameters', parameters)
  }
  if (truthy(props.Cors)) addCors(logicalId, props.Cors, body)
  const auth = resolveParameterRefs(props.Auth, context.parameters) as JsonObject | undefined
  carryCopyMarks(props.Auth, auth)
  if (truthy(auth)) {
    addApiAuth(logicalId, auth!, body, {value: props.StageName, fromSam: logicalId === IMPLICIT_REST_API_ID}, context.partition, isSwagger)
    body = openApiPostprocess(body!, openApiVersion)
  }
  // Each editor pass after Auth's copies the document twice (see samCopyFollowedDocument).
  const editorPass = (edit: () => void): void => {
    samCopyFollowedDocument(body)
    edit()
    samCopyFollowedDocument(body)
  }
  if (truthy(props.GatewayResponses)) editorPass(() => addGatewayResponses(logicalId, props.GatewayResponses, body))
  if (truthy(binaryMediaTypes) && truthy(body)) {
    if (!isSwagger(body)) throw invalidTemplate("Invalid Swagger document or the Swagger document is not explicitly defined in 'DefinitionBody'.")
    editorPass(() => {
      body!['x-amazon-apigateway-binary-media-types'] = replaceSlashes(binaryMediaTypes)
      markSam(body!, {keys: ['x-amazon-apigateway-binary-media-types']})
    })
  }
  if (truthy(props.Models)) {
    editorPass(() => addModels(logicalId, props.Models, body))
    body = openApiPostprocess(body!, props.OpenApiVersion)
  }
  if (truthy(props.FailOnWarnings)) api.set('FailOnWarnings', props.FailOnWarnings)
  const disableEndpoint = props.DisableExecuteApiEndpoint
  if (disableEndpoint !== undefined && disableEndpoint !== null) {
    if (!truthy(body)) throw invalidResource(logicalId, "DisableExecuteApiEndpoint works only within 'DefinitionBody' property.")
    if (!isSwagger(body)) throw invalidTemplate("Invalid Swagger document or the Swagger document is not explicitly defined in 'DefinitionBody'.")
    editorPass(() => addEndpointExtension(body!, disableEndpoint))
  }
  let swagger: unknown
  if (truthy(uri)) {
    swagger = markSam(definitionUriLocation(logicalId, uri), {keys: true})
    api.set('BodyS3Location', swagger)
  } else if (truthy(body)) {
    body = openApiPostprocess(body!, openApiVersion)
    swagger = body
    api.set('Body', body)
  }
  for (const name of ['Name', 'Description', 'Mode', 'ApiKeySourceType', 'Policy', 'SecurityPolicy', 'EndpointAccessMode']) {
    if (truthy(props[name])) api.set(name, props[name])
  }

  const domainConfig = deepClone(resolveParameterRefs(props.Domain, context.parameters))
  const domain = domainConfig === undefined || domainConfig === null ? undefined : buildRestApiDomain(logicalId, domainConfig, passthrough, recordSetGroups(context))

  const deployment = new CfnResource(`${logicalId}Deployment`, 'AWS::ApiGateway::Deployment', passthrough).set('RestApiId', ref(logicalId))
  if (!truthy(openApiVersion)) deployment.set('StageName', 'Stage')
  const stageName = props.StageName
  const prefix = typeof stageName === 'string' ? stageName : ''
  const stageId = /^[\p{L}\p{N}]+$/u.test(prefix) ? `${logicalId}${prefix}Stage` : generateLogicalId(`${logicalId}Stage`, prefix)
  const stage = new CfnResource(stageId, 'AWS::ApiGateway::Stage', passthrough)
    .set('RestApiId', ref(logicalId))
    .set('StageName', stageName)
    .set('CacheClusterEnabled', props.CacheClusterEnabled)
    .set('CacheClusterSize', props.CacheClusterSize)
    .set('Variables', props.Variables)
    .set('MethodSettings', props.MethodSettings)
    .set('AccessLogSetting', props.AccessLogSetting)
    .set('CanarySetting', props.CanarySetting)
    .set('TracingEnabled', props.TracingEnabled)
  if (truthy(swagger)) {
    // AlwaysDeploy: a deployment of its own for every translation, named by the time of it.
    const digest = truthy(props.AlwaysDeploy)
      ? createHash('sha1').update(String(Math.floor(context.time.getTime() / 1000)), 'utf8').digest('hex')
      : deploymentHash(swagger, openApiVersion, functionNames(logicalId, context), domainConfig)
    deployment.logicalId += digest.slice(0, 10)
    deployment.set('Description', `RestApi deployment id: ${digest}`)
  }
  stage.set('DeploymentId', ref(deployment.logicalId))
  if (props.Tags !== undefined && props.Tags !== null) stage.set('Tags', tagList(props.Tags))
  const generated = [
    api, deployment, stage,
    ...(truthy(auth) ? authorizerPermissions(logicalId, auth!, passthrough, context.partition) : []),
    ...(domain ? domainResourceList(domain) : []),
    ...(truthy(auth) ? usagePlanResources(logicalId, auth!, stage.logicalId, passthrough, context) : []),
  ]
  if (props.PropagateTags === true && truthy(props.Tags)) {
    for (const resource of generated) if (TAGGABLE_TYPES.has(resource.type)) resource.set('Tags', tagList(props.Tags))
  }
  return generated
}
