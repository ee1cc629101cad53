import type {TransformContext} from './context.js'
import {InvalidEventError, invalidResource, invalidTemplate} from './errors.js'
import {conditionalContents, normalizeMethod, truthy} from './http-api.js'
import {ref, resolveParameterRefs} from './intrinsics.js'
import {deepEqual, isObject, type JsonObject} from './json.js'
import {markSam, pythonKeyOrder, pythonRepr, samCopyDocument, samIntrinsic, samMergeKey, setSamKey} from './python-repr.js'
import {CfnResource} from './resource.js'

/**
 * Auth of an AWS::Serverless::Api (SAM's ApiGenerator._add_auth, its authorizer permissions and usage plans) and of
 * the Api events of functions and state machines (SwaggerEditor's security and resource policy editing). The swagger
 * parts are marked as SAM's where SAM writes them, so the deployment hash sees what the translator's str() sees.
 */

const AUTH_PROPERTIES = [
  'Authorizers', 'DefaultAuthorizer', 'InvokeRole', 'AddDefaultAuthorizerToCorsPreflight', 'AddApiKeyRequiredToCorsPreflight',
  'ApiKeyRequired', 'ResourcePolicy', 'UsagePlan',
]
const USAGE_PLAN_PROPERTIES = ['CreateUsagePlan', 'Description', 'Quota', 'Tags', 'Throttle', 'UsagePlanName']
const INTEGRATION = 'x-amazon-apigateway-integration'
const AUTHORIZER = 'x-amazon-apigateway-authorizer'
const SECURITY_DEFINITIONS = 'securityDefinitions'
const RESOURCE_POLICY = 'x-amazon-apigateway-policy'
const ANY_METHOD = 'x-amazon-apigateway-any-method'
/** Path item keys that are not methods (SwaggerEditor._EXCLUDED_PATHS_FIELDS). */
const NOT_METHODS = ['summary', 'description', 'parameters']
const SAM_DICT = {keys: true, copied: true} as const

/** `str()` of a value in a message: strings as they are, anything else as Python prints it. */
function asPythonStr(value: unknown): string {
  return typeof value === 'string' ? value : pythonRepr(value)
}

function given(value: unknown): boolean {
  return value !== undefined && value !== null
}

/** One entry of Auth.Authorizers, or the AWS_IAM default (SAM's ApiGatewayAuthorizer). */
interface RestAuthorizer {
  name: string
  awsIam: boolean
  userPoolArn?: unknown
  functionArn?: unknown
  identity?: unknown
  payloadType?: unknown
  invokeRole?: unknown
  scopes: unknown
  disableDefaultPermissions?: unknown
}

function restAuthorizer(apiId: string, name: string, config: JsonObject): RestAuthorizer {
  const payloadType = config.FunctionPayloadType
  if (given(payloadType) && payloadType !== 'TOKEN' && payloadType !== 'REQUEST') {
    throw invalidResource(apiId, `${name} Authorizer has invalid 'FunctionPayloadType': ${asPythonStr(payloadType)}.`)
  }
  if (payloadType === 'REQUEST' && missingIdentitySource(apiId, name, config.Identity)) {
    throw invalidResource(apiId, `${name} Authorizer must specify Identity with at least one of Headers, QueryStrings, StageVariables, or Context.`)
  }
  const scopes = config.AuthorizationScopes ?? []
  if (!Array.isArray(scopes)) throw invalidResource(apiId, `Property 'Authorizers.${name}.AuthorizationScopes' should be a list.`)
  const disable = config.DisableFunctionDefaultPermissions
  if (given(disable) && typeof disable !== 'boolean') {
    throw invalidResource(apiId, `Property 'Authorizers.${name}.DisableFunctionDefaultPermissions' should be a boolean.`)
  }
  return {
    name,
    awsIam: false,
    userPoolArn: config.UserPoolArn,
    functionArn: config.FunctionArn,
    identity: config.Identity,
    payloadType,
    invokeRole: config.FunctionInvokeRole,
    scopes,
    disableDefaultPermissions: disable,
  }
}

/** Python's int() of a ReauthorizeEvery, or undefined where int() raises. */
function pythonInt(value: unknown): number | undefined {
  if (typeof value === 'number') return Math.trunc(value)
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return Number.parseInt(value, 10)
  return undefined
}

function missingIdentitySource(apiId: string, name: string, identity: unknown): boolean {
  if (!truthy(identity)) return true
  if (!isObject(identity)) throw invalidResource(apiId, `Property 'Authorizer.${name}.Identity' should be a map.`)
  const missing = !truthy(identity.Headers) && !truthy(identity.QueryStrings) && !truthy(identity.StageVariables) && !truthy(identity.Context)
  const ttl = identity.ReauthorizeEvery
  if (!given(ttl)) return missing
  const seconds = pythonInt(ttl)
  if (seconds === undefined) return missing
  return seconds > 0 && missing
}

/** ApiGenerator._get_authorizers: the AWS_IAM default first, then Auth.Authorizers in the order SAM iterates them. */
function restAuthorizers(apiId: string, config: unknown, defaultAuthorizer: unknown): Map<string, RestAuthorizer> | undefined {
  const authorizers = new Map<string, RestAuthorizer>()
  if (defaultAuthorizer === 'AWS_IAM') authorizers.set('AWS_IAM', {name: 'AWS_IAM', awsIam: true, scopes: []})
  if (!truthy(config)) return authorizers.size > 0 ? authorizers : undefined
  if (!isObject(config)) throw invalidResource(apiId, "Property 'Auth.Authorizers' should be a map.")
  for (const name of pythonKeyOrder(config)) {
    const authorizer = config[name]
    if (!isObject(authorizer)) throw invalidResource(apiId, `Property 'Auth.Authorizers.${name}' should be a map.`)
    authorizers.set(name, restAuthorizer(apiId, name, authorizer))
  }
  return authorizers
}

function authorizerKind(authorizer: RestAuthorizer): 'AWS_IAM' | 'COGNITO_USER_POOLS' | 'LAMBDA' {
  if (authorizer.awsIam) return 'AWS_IAM'
  return truthy(authorizer.userPoolArn) ? 'COGNITO_USER_POOLS' : 'LAMBDA'
}

function payloadType(authorizer: RestAuthorizer): unknown {
  return truthy(authorizer.payloadType) ? authorizer.payloadType : 'TOKEN'
}

/** The header a TOKEN or Cognito authorizer reads; SAM's own 'Authorization' unless Identity.Header names one. */
function identityHeader(apiId: string, identity: unknown): {value: unknown; fromSam: boolean} {
  if (truthy(identity) && !isObject(identity)) {
    throw invalidResource(apiId, 'Auth.Authorizers.<Authorizer>.Identity must be a dict (LambdaTokenAuthorizationIdentity, LambdaRequestAuthorizationIdentity or CognitoAuthorizationIdentity).')
  }
  if (!isObject(identity) || !truthy(identity.Header)) return {value: 'Authorization', fromSam: true}
  return {value: identity.Header, fromSam: false}
}

const IDENTITY_SOURCES = [['Headers', 'method.request.header.'], ['QueryStrings', 'method.request.querystring.'], ['StageVariables', 'stageVariables.'], ['Context', 'context.']] as const

function identitySource(apiId: string, name: string, identity: JsonObject): string {
  const sources: string[] = []
  for (const [key, prefix] of IDENTITY_SOURCES) {
    const values = identity[key]
    if (!truthy(values)) continue
    const path = `Auth.Authorizers.${name}.Identity.${key}`
    if (!Array.isArray(values)) throw invalidResource(apiId, `Property '${path}' should be a list.`)
    values.forEach((value, index) => {
      if (typeof value !== 'string') throw invalidResource(apiId, `Property '${path}[${index}]' should be a string.`)
      sources.push(prefix + value)
    })
  }
  return sources.join(', ')
}

/** ApiGatewayAuthorizer.generate_swagger: the authorizer's security definition. */
function securityDefinition(apiId: string, authorizer: RestAuthorizer, partition: string): JsonObject {
  const kind = authorizerKind(authorizer)
  const payload = payloadType(authorizer)
  const identity = authorizer.identity
  const header = kind === 'LAMBDA' && payload === 'REQUEST' ? {value: 'Unused', fromSam: true} : identityHeader(apiId, identity)
  const authType = kind === 'AWS_IAM' ? 'awsSigv4' : kind === 'COGNITO_USER_POOLS' ? 'cognito_user_pools' : 'custom'
  const definition: JsonObject = {type: 'apiKey', name: header.value, in: 'header', 'x-amazon-apigateway-authtype': authType}
  markSam(definition, {...SAM_DICT, values: ['type', 'in', 'x-amazon-apigateway-authtype', ...(header.fromSam ? ['name'] : [])]})
  const identityMap = isObject(identity) ? identity : {}
  if (kind === 'COGNITO_USER_POOLS') {
    const arns = Array.isArray(authorizer.userPoolArn) ? authorizer.userPoolArn : [authorizer.userPoolArn]
    definition[AUTHORIZER] = markSam({type: 'cognito_user_pools', providerARNs: arns}, {...SAM_DICT, values: ['type']})
  } else if (kind === 'LAMBDA') {
    const uriText = `arn:${partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${__FunctionArn__}/invocations`
    const lambda: JsonObject = {
      type: payload === 'REQUEST' ? 'request' : payload === 'TOKEN' ? 'token' : null,
      authorizerUri: samIntrinsic({'Fn::Sub': markSam([uriText, samIntrinsic({__FunctionArn__: authorizer.functionArn ?? null}, false)], {values: ['0']})}, false),
    }
    const ttl = identityMap.ReauthorizeEvery
    if (truthy(identity) && given(ttl)) lambda.authorizerResultTtlInSeconds = ttl
    if (truthy(authorizer.invokeRole) && authorizer.invokeRole !== 'NONE') lambda.authorizerCredentials = authorizer.invokeRole
    if (payload === 'REQUEST') {
      const source = identitySource(apiId, authorizer.name, identityMap)
      if (source) lambda.identitySource = source
    }
    definition[AUTHORIZER] = markSam(lambda, {...SAM_DICT, values: ['type']})
  }
  if (kind === 'COGNITO_USER_POOLS' || (kind === 'LAMBDA' && payload === 'TOKEN')) {
    const expression = truthy(identity) ? identityMap.ValidationExpression : undefined
    if (truthy(expression)) (definition[AUTHORIZER] as JsonObject).identityValidationExpression = expression
  }
  return definition
}

/** Security definitions an editing pass created; SAM's editor puts them into the document when the pass ends. */
const CREATED_DEFINITIONS = new WeakMap<JsonObject, JsonObject>()

/** The body's securityDefinitions, created (as SAM's) when there are none. */
function securityDefinitions(body: JsonObject): JsonObject {
  const existing = body[SECURITY_DEFINITIONS]
  if (truthy(existing)) {
    if (!isObject(existing)) throw invalidTemplate('securityDefinitions must be a dictionary.')
    return existing
  }
  let created = CREATED_DEFINITIONS.get(body)
  if (!created) CREATED_DEFINITIONS.set(body, (created = markSam({}, {copied: true})))
  return created
}

/** Documents an auth editing pass is open on. */
const EDITING = new WeakSet<JsonObject>()

/**
 * Starts an editing pass over `body` that adds auth (SwaggerEditor's constructor deep-copies the document): the keys
 * the pass adds to the template's dicts go into rebuilt tables. Idempotent within a pass.
 */
export function startSwaggerEdit(body: JsonObject): void {
  if (EDITING.has(body)) return
  EDITING.add(body)
  samCopyDocument(body)
}

/**
 * Ends an editing pass over `body` (SwaggerEditor.swagger, another deep copy): security definitions it created go in
 * after every key the pass added directly, which decides where they fall in the dict SAM hashes.
 */
export function finishSwaggerEdit(body: JsonObject): void {
  const created = CREATED_DEFINITIONS.get(body)
  CREATED_DEFINITIONS.delete(body)
  if (created && truthy(created)) setSamKey(body, SECURITY_DEFINITIONS, created)
  if (!EDITING.has(body)) return
  EDITING.delete(body)
  samCopyDocument(body)
}

/** SwaggerEditor.add_awsiam_security_definition / add_apikey_security_definition: added unless already there. */
function addBuiltInSecurityDefinition(body: JsonObject, name: 'AWS_IAM' | 'api_key'): void {
  const definitions = securityDefinitions(body)
  if (name in definitions) return
  const definition = name === 'AWS_IAM'
    ? {'x-amazon-apigateway-authtype': 'awsSigv4', type: 'apiKey', name: 'Authorization', in: 'header'}
    : {type: 'apiKey', name: 'x-api-key', in: 'header'}
  samMergeKey(definitions, name, markSam(definition, {...SAM_DICT, values: true}))
}

interface MethodDefinition {
  method: string
  definition: JsonObject
}

/** SwaggerEditor.iter_on_all_methods_for_path: the path's integrated methods, inside conditionals too. */
function integratedMethods(paths: JsonObject, path: string): MethodDefinition[] {
  const found: MethodDefinition[] = []
  for (const item of conditionalContents(paths[path])) {
    if (!isObject(item)) throw invalidTemplate(`Value of '${path}' path must be a dictionary according to Swagger spec.`)
    for (const name of pythonKeyOrder(item)) {
      if (NOT_METHODS.includes(name)) continue
      for (const definition of conditionalContents(item[name])) {
        if (!isObject(definition)) throw invalidTemplate(`Definition of method '${name}' for path '${path}' should be a map.`)
        if (!truthy(definition[INTEGRATION])) continue
        found.push({method: normalizeMethod(name) as string, definition})
      }
    }
  }
  return found
}

/** BaseEditor.iter_on_method_definitions_for_path_at_method */
function integratedDefinitions(paths: JsonObject, path: string, method: string): JsonObject[] {
  const normalized = normalizeMethod(method) as string
  const found: JsonObject[] = []
  for (const item of conditionalContents(paths[path])) {
    if (!isObject(item)) throw invalidTemplate(`Value of '${path}' path must be a dictionary according to Swagger spec.`)
    for (const definition of conditionalContents(item[normalized])) {
      if (!isObject(definition)) throw invalidTemplate(`Definition of method '${method}' for path '${path}' should be a map.`)
      if (truthy(definition[INTEGRATION])) found.push(definition)
    }
  }
  return found
}

/** A method's security list, checked as SwaggerEditor checks it. */
function methodSecurity(definition: JsonObject, path: string, method: string, checkEntries: boolean): JsonObject[] {
  const security = definition.security ?? []
  if (!Array.isArray(security)) throw invalidTemplate(`Type of security for path ${path} method ${method} must be a list`)
  if (checkEntries) {
    for (const entry of security) {
      if (!isObject(entry)) throw invalidTemplate(`${asPythonStr(entry)} in Security for path ${path} method ${method} is not a valid dictionary.`)
    }
  }
  return security as JsonObject[]
}

/** A security requirement SAM builds: `{name: scopes}`. */
function requirement(name: string, scopes: unknown, nameFromSam = false): JsonObject {
  return markSam({[name]: scopes}, {keys: nameFromSam ? true : undefined, copied: true})
}

/** SwaggerEditor.set_path_default_authorizer */
function setDefaultAuthorizer(body: JsonObject, path: string, defaultAuthorizer: string, authorizers: Map<string, RestAuthorizer>, toPreflight: boolean): void {
  const names = new Set(['AWS_IAM', ...authorizers.keys()])
  for (const {method, definition} of integratedMethods(body.paths as JsonObject, path)) {
    if (!toPreflight && method === 'options') continue
    const others: JsonObject[] = []
    const authorizerSecurity: JsonObject[] = []
    for (const entry of methodSecurity(definition, path, method, true)) {
      if (Object.keys(entry).some((key) => names.has(key))) authorizerSecurity.push(entry)
      else others.push(entry)
    }
    const none = others.findIndex((entry) => Object.keys(entry).includes('NONE'))
    let chosen: JsonObject[] = []
    if (none > -1) others.splice(none, 1)
    else if (authorizerSecurity.length > 0) chosen = authorizerSecurity
    else chosen = [requirement(defaultAuthorizer, authorizers.get(defaultAuthorizer)?.scopes ?? [])]
    const security = [...others, ...chosen]
    if (security.length === 0) continue
    setSamKey(definition, 'security', security)
    if ('AWS_IAM' in security[0]!) addBuiltInSecurityDefinition(body, 'AWS_IAM')
  }
}

/** SwaggerEditor.set_path_default_apikey_required */
function setDefaultApiKeyRequired(body: JsonObject, path: string, toPreflight: boolean): void {
  for (const {method, definition} of integratedMethods(body.paths as JsonObject, path)) {
    const existing = methodSecurity(definition, path, method, true)
    const others = existing.filter((entry) => !('api_key' in entry) && !('api_key_false' in entry))
    const apiKeySecurity = existing.filter((entry) => 'api_key' in entry || 'api_key_false' in entry)
    const optedOut = apiKeySecurity.some((entry) => 'api_key_false' in entry)
    let security = optedOut ? others : [...others, requirement('api_key', [], true)]
    if (method === 'options' && !toPreflight) security = others
    if (!deepEqual(security, existing)) setSamKey(definition, 'security', security)
  }
}

/** The stage a resource policy names: SAM's own string for the implicit API and for a stage it cannot read. */
export interface PolicyStage {
  value: unknown
  fromSam: boolean
}

/** SwaggerEditor._get_method_path_uri_list: `execute-api:/${__Stage__}/METHOD/path` for each method of the path. */
function methodResources(paths: JsonObject, path: string, stage: PolicyStage): JsonObject[] {
  const methods: string[] = []
  for (const item of conditionalContents(paths[path])) {
    if (!isObject(item)) throw invalidTemplate(`Value of '${path}' path must be a dictionary according to Swagger spec.`)
    methods.push(...pythonKeyOrder(item))
  }
  const permissionPath = path.replace(/{([a-zA-Z0-9._-]+|[a-zA-Z0-9._-]+\+|proxy\+)}/g, '*')
  return methods.map((method) => {
    const verb = method.toLowerCase() === ANY_METHOD || method.toLowerCase() === 'any' ? '*' : method.toUpperCase()
    const substitutions = samIntrinsic({__Stage__: stage.value}, stage.fromSam)
    return samIntrinsic({'Fn::Sub': [`execute-api:/\${__Stage__}/${verb}${permissionPath}`, substitutions]}, false)
  })
}

/** The document's resource policy (`x-amazon-apigateway-policy`) as SwaggerEditor edits it. */
class ResourcePolicy {
  readonly policy: JsonObject

  constructor(private readonly body: JsonObject) {
    const existing = body[RESOURCE_POLICY]
    this.policy = truthy(existing) && isObject(existing) ? existing : markSam({}, {copied: true})
  }

  private versioned(): void {
    setSamKey(this.policy, 'Version', '2012-10-17')
    markSam(this.policy, {values: ['Version']})
  }

  /** Appends statements, skipping those already there unless `always`. */
  private append(statements: unknown[], always: boolean): void {
    const current = this.policy.Statement
    if (!given(current)) {
      setSamKey(this.policy, 'Statement', always && statements.length === 1 ? statements[0] : statements)
      return
    }
    const list = Array.isArray(current) ? current : [current]
    for (const statement of statements) if (always || !list.some((existing) => deepEqual(existing, statement))) list.push(statement)
    this.policy.Statement = list
  }

  private statement(effect: string, resources: JsonObject[], principal: unknown, condition?: JsonObject): JsonObject {
    const statement: JsonObject = {Effect: effect, Action: 'execute-api:Invoke', Resource: resources, Principal: principal}
    if (condition) statement.Condition = condition
    return markSam(statement, {...SAM_DICT, values: ['Effect', 'Action', ...(typeof principal === 'string' ? ['Principal'] : [])]})
  }

  /** _add_iam_resource_policy_for_method */
  accounts(accounts: unknown, effect: 'Allow' | 'Deny', resources: JsonObject[]): void {
    if (!truthy(accounts)) return
    if (!isObject(accounts) && !Array.isArray(accounts)) throw invalidTemplate(`Type of '${asPythonStr(accounts)}' must be a list or dictionary`)
    this.versioned()
    const principal = markSam({AWS: Array.isArray(accounts) ? accounts : [accounts]}, SAM_DICT)
    this.append([this.statement(effect, resources, principal)], true)
  }

  /** _add_ip_resource_policy_for_method */
  ipRanges(ranges: unknown, operator: 'IpAddress' | 'NotIpAddress', resources: JsonObject[]): void {
    if (!truthy(ranges)) return
    this.versioned()
    const condition = samIntrinsic({[operator]: samIntrinsic({'aws:SourceIp': Array.isArray(ranges) ? ranges : [ranges]}, false)}, false)
    this.append([this.statement('Allow', resources, '*'), this.statement('Deny', resources, '*', condition)], false)
  }

  /** _add_vpc_resource_policy_for_method */
  endpoints(strings: unknown, intrinsicVpcs: unknown, intrinsicVpces: unknown, operator: 'StringEquals' | 'StringNotEquals', resources: JsonObject[]): void {
    const condition: JsonObject = markSam({}, SAM_DICT)
    const add = (key: string, values: unknown[]): void => {
      setSamKey(condition, key, [...((condition[key] as unknown[] | undefined) ?? []), ...values])
    }
    if (given(strings)) {
      const list = [...(strings as Iterable<string>)]
      const vpcs = list.filter((endpoint) => /^vpc-/.test(endpoint))
      const vpces = list.filter((endpoint) => /^vpce-/.test(endpoint))
      if (vpcs.length > 0) add('aws:SourceVpc', vpcs)
      if (vpces.length > 0) add('aws:SourceVpce', vpces)
    }
    if (given(intrinsicVpcs)) add('aws:SourceVpc', intrinsicVpcs as unknown[])
    if (given(intrinsicVpces)) add('aws:SourceVpce', intrinsicVpces as unknown[])
    if (!truthy(condition['aws:SourceVpc']) && !truthy(condition['aws:SourceVpce'])) return
    this.versioned()
    const deny = this.statement('Deny', resources, '*', samIntrinsic({[operator]: condition}, false))
    this.append([this.statement('Allow', resources, '*'), deny], false)
  }

  /** _add_custom_statement */
  custom(statements: unknown): void {
    this.versioned()
    if (!given(this.policy.Statement)) {
      setSamKey(this.policy, 'Statement', statements)
      return
    }
    this.append(Array.isArray(statements) ? statements : [statements], false)
  }

  save(): void {
    setSamKey(this.body, RESOURCE_POLICY, this.policy)
  }
}

function requireStringList(value: unknown, name: string, instead: string): void {
  if (given(value) && Array.isArray(value) && !value.every((item) => typeof item === 'string')) {
    throw invalidTemplate(`${name} must be a list of strings. Use ${instead} instead for values that use Intrinsic Functions`)
  }
}

/** SwaggerEditor.add_resource_policy (and add_custom_statements) for one path. */
function addResourcePolicy(body: JsonObject, config: JsonObject, path: string, stage: PolicyStage): void {
  const paths = body.paths as JsonObject
  const editor = new ResourcePolicy(body)
  const resources = (): JsonObject[] => methodResources(paths, path, stage)
  if (given(config.AwsAccountWhitelist)) editor.accounts(config.AwsAccountWhitelist, 'Allow', resources())
  if (given(config.AwsAccountBlacklist)) editor.accounts(config.AwsAccountBlacklist, 'Deny', resources())
  if (given(config.IpRangeWhitelist)) editor.ipRanges(config.IpRangeWhitelist, 'NotIpAddress', resources())
  if (given(config.IpRangeBlacklist)) editor.ipRanges(config.IpRangeBlacklist, 'IpAddress', resources())
  requireStringList(config.SourceVpcBlacklist, 'SourceVpcBlacklist', 'IntrinsicVpcBlacklist')
  const listed = resources()
  editor.endpoints(config.SourceVpcBlacklist, config.IntrinsicVpcBlacklist, config.IntrinsicVpceBlacklist, 'StringEquals', listed)
  requireStringList(config.SourceVpcWhitelist, 'SourceVpcWhitelist', 'IntrinsicVpcWhitelist')
  editor.endpoints(config.SourceVpcWhitelist, config.IntrinsicVpcWhitelist, config.IntrinsicVpceWhitelist, 'StringNotEquals', listed)
  editor.save()
}

function addCustomStatements(body: JsonObject, statements: unknown): void {
  const editor = new ResourcePolicy(body)
  editor.custom(statements)
  editor.save()
}

/** SwaggerEditor's check that a document's path items are maps, run when an editor opens the document. */
function checkPathItems(paths: JsonObject): void {
  for (const path of Object.keys(paths)) {
    for (const item of conditionalContents(paths[path])) {
      if (!isObject(item)) throw invalidTemplate(`Value of '${path}' path must be a dictionary according to Swagger spec.`)
    }
  }
}

/**
 * ApiGenerator._add_auth: the API's authorizers as security definitions, its DefaultAuthorizer and ApiKeyRequired on
 * every method, and its ResourcePolicy. `isSwagger` is rest-api's document check.
 */
export function addApiAuth(apiId: string, auth: JsonObject, body: JsonObject | undefined, stage: PolicyStage, partition: string, isSwagger: (body: unknown) => boolean): void {
  if (!truthy(body)) throw invalidResource(apiId, "Auth works only with inline Swagger specified in 'DefinitionBody' property.")
  if (!Object.keys(auth).every((key) => AUTH_PROPERTIES.includes(key))) throw invalidResource(apiId, "Invalid value for 'Auth' property")
  if (!isSwagger(body)) {
    throw invalidResource(apiId, "Unable to add Auth configuration because 'DefinitionBody' does not contain a valid Swagger definition.")
  }
  const document = body!
  const paths = document.paths as JsonObject
  checkPathItems(paths)
  startSwaggerEdit(document)
  const authorizers = restAuthorizers(apiId, auth.Authorizers, auth.DefaultAuthorizer)
  if (authorizers) {
    const definitions = securityDefinitions(document)
    for (const [name, authorizer] of authorizers) definitions[name] = securityDefinition(apiId, authorizer, partition)
    const defaultAuthorizer = auth.DefaultAuthorizer
    if (truthy(defaultAuthorizer)) {
      if (typeof defaultAuthorizer !== 'string') throw invalidResource(apiId, 'DefaultAuthorizer is not a string.')
      if (!authorizers.has(defaultAuthorizer) && defaultAuthorizer !== 'AWS_IAM') {
        throw invalidResource(apiId, `Unable to set DefaultAuthorizer because '${defaultAuthorizer}' was not defined in 'Authorizers'.`)
      }
      const toPreflight = optionWithDefault(auth, 'AddDefaultAuthorizerToCorsPreflight')
      for (const path of pythonKeyOrder(paths)) setDefaultAuthorizer(document, path, defaultAuthorizer, authorizers, toPreflight)
    }
  }
  if (truthy(auth.ApiKeyRequired)) {
    addBuiltInSecurityDefinition(document, 'api_key')
    const toPreflight = optionWithDefault(auth, 'AddApiKeyRequiredToCorsPreflight')
    for (const path of pythonKeyOrder(paths)) setDefaultApiKeyRequired(document, path, toPreflight)
  }
  const policy = auth.ResourcePolicy
  if (truthy(policy)) {
    if (!isObject(policy)) throw invalidTemplate('ResourcePolicy must be a map (ResourcePolicyStatement).')
    for (const path of pythonKeyOrder(paths)) addResourcePolicy(document, policy, path, stage)
    if (truthy(policy.CustomStatements)) addCustomStatements(document, policy.CustomStatements)
  }
  finishSwaggerEdit(document)
}

/** An Auth flag that defaults to true when absent (an explicit null is false, as in SAM's AuthProperties). */
function optionWithDefault(auth: JsonObject, name: string): boolean {
  return name in auth ? truthy(auth[name]) : true
}

/**
 * The permission that lets API Gateway invoke an API's Lambda authorizer. `partition` is written into the ARN: REST
 * APIs name the partition, HTTP APIs `${AWS::Partition}`.
 */
export function authorizerPermission(apiId: string, name: string, functionArn: unknown, passthrough: JsonObject, partition: string): CfnResource {
  return new CfnResource(`${apiId}${name}AuthorizerPermission`, 'AWS::Lambda::Permission', passthrough)
    .set('Action', 'lambda:InvokeFunction')
    .set('FunctionName', functionArn)
    .set('Principal', 'apigateway.amazonaws.com')
    .set('SourceArn', {'Fn::Sub': [`arn:${partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${__ApiId__}/authorizers/*`, {__ApiId__: ref(apiId)}]})
}

/** ApiGenerator._construct_authorizer_lambda_permission: a permission for each Lambda authorizer. */
export function authorizerPermissions(apiId: string, auth: JsonObject, passthrough: JsonObject, partition: string): CfnResource[] {
  const authorizers = restAuthorizers(apiId, auth.Authorizers, undefined) ?? new Map<string, RestAuthorizer>()
  return [...authorizers.values()]
    .filter((authorizer) => truthy(authorizer.functionArn) && !truthy(authorizer.disableDefaultPermissions))
    .map((authorizer) => authorizerPermission(apiId, authorizer.name, authorizer.functionArn, passthrough, partition))
}

/** What the APIs of one template with `CreateUsagePlan: SHARED` share (SAM's SharedApiUsagePlan). */
class SharedUsagePlan {
  static readonly CONDITION = 'SharedUsagePlanCondition'
  readonly apiStages: JsonObject[] = []
  readonly stageKeys: JsonObject[] = []
  readonly dependsOn: string[] = []
  private readonly conditions: string[] = []
  private anyWithoutCondition = false
  private deletionPolicy?: unknown
  private updateReplacePolicy?: unknown

  /** Folds in one API's attributes; returns the attributes the shared resources carry now. */
  attributes(passthrough: JsonObject, templateConditions: JsonObject): JsonObject {
    const deletion = passthrough.DeletionPolicy
    if (truthy(deletion) && (!truthy(this.deletionPolicy) || deletion === 'Retain')) this.deletionPolicy = deletion
    const replace = passthrough.UpdateReplacePolicy
    if (truthy(replace) && (!truthy(this.updateReplacePolicy) || replace === 'Retain' || (replace === 'Snapshot' && this.updateReplacePolicy === 'Delete'))) {
      this.updateReplacePolicy = replace
    }
    this.foldCondition(passthrough.Condition, templateConditions)
    const combined: JsonObject = {}
    if (truthy(this.deletionPolicy)) combined.DeletionPolicy = this.deletionPolicy
    if (truthy(this.updateReplacePolicy)) combined.UpdateReplacePolicy = this.updateReplacePolicy
    if (this.conditions.length > 0 && !this.anyWithoutCondition) combined.Condition = SharedUsagePlan.CONDITION
    return combined
  }

  private foldCondition(condition: unknown, templateConditions: JsonObject): void {
    if (this.anyWithoutCondition) return
    if (truthy(condition) && !this.conditions.includes(condition as string)) {
      this.conditions.push(condition as string)
      templateConditions[SharedUsagePlan.CONDITION] = this.conditions.length === 1
        ? condition
        : {'Fn::Or': this.conditions.map((name) => ({Condition: name}))}
    } else if (!given(condition)) {
      this.anyWithoutCondition = true
      delete templateConditions[SharedUsagePlan.CONDITION]
    }
  }
}

const SHARED_USAGE_PLANS = new WeakMap<TransformContext, SharedUsagePlan>()

/** ApiGenerator._construct_usage_plan: the usage plan, API key and usage plan key of Auth.UsagePlan. */
export function usagePlanResources(apiId: string, auth: JsonObject, stageId: string, passthrough: JsonObject, context: TransformContext): CfnResource[] {
  const config = auth.UsagePlan
  if (!given(config)) return []
  if (!isObject(config)) throw invalidResource(apiId, "'UsagePlan' must be a dictionary")
  if (!Object.keys(config).every((key) => USAGE_PLAN_PROPERTIES.includes(key))) throw invalidResource(apiId, "Invalid property for 'UsagePlan'")
  const create = config.CreateUsagePlan
  if (!given(create)) throw invalidResource(apiId, "'CreateUsagePlan' is a required field for UsagePlan.")
  if (create !== 'SHARED' && create !== 'PER_API' && create !== 'NONE') {
    throw invalidResource(apiId, "'CreateUsagePlan' accepts one of ['SHARED', 'PER_API', 'NONE'].")
  }
  if (create === 'NONE') return []
  const apiStage = {ApiId: ref(apiId), Stage: ref(stageId)}
  const stageKey = {RestApiId: ref(apiId), StageName: ref(stageId)}
  let planId: string
  let keyId: string
  let planKeyId: string
  let plan: CfnResource
  let apiKey: CfnResource
  let planKey: CfnResource
  if (create === 'PER_API') {
    planId = `${apiId}UsagePlan`
    keyId = `${apiId}ApiKey`
    planKeyId = `${apiId}UsagePlanKey`
    plan = new CfnResource(planId, 'AWS::ApiGateway::UsagePlan', passthrough, [apiId]).set('ApiStages', [apiStage])
    apiKey = new CfnResource(keyId, 'AWS::ApiGateway::ApiKey', passthrough, [planId]).set('Enabled', true).set('StageKeys', [stageKey])
    planKey = new CfnResource(planKeyId, 'AWS::ApiGateway::UsagePlanKey', passthrough, [keyId])
  } else {
    let shared = SHARED_USAGE_PLANS.get(context)
    if (!shared) SHARED_USAGE_PLANS.set(context, (shared = new SharedUsagePlan()))
    planId = 'ServerlessUsagePlan'
    keyId = 'ServerlessApiKey'
    planKeyId = 'ServerlessUsagePlanKey'
    if (!shared.dependsOn.includes(apiId)) shared.dependsOn.push(apiId)
    if (!shared.apiStages.some((existing) => deepEqual(existing, apiStage))) shared.apiStages.push(apiStage)
    plan = new CfnResource(planId, 'AWS::ApiGateway::UsagePlan', shared.attributes(passthrough, context.conditions), shared.dependsOn).set('ApiStages', shared.apiStages)
    const keyAttributes = shared.attributes(passthrough, context.conditions)
    if (!shared.stageKeys.some((existing) => deepEqual(existing, stageKey))) shared.stageKeys.push(stageKey)
    apiKey = new CfnResource(keyId, 'AWS::ApiGateway::ApiKey', keyAttributes, [planId]).set('Enabled', true).set('StageKeys', shared.stageKeys)
    planKey = new CfnResource(planKeyId, 'AWS::ApiGateway::UsagePlanKey', shared.attributes(passthrough, context.conditions), [keyId])
  }
  planKey.set('KeyId', ref(keyId)).set('KeyType', 'API_KEY').set('UsagePlanId', ref(planId))
  for (const name of ['UsagePlanName', 'Description', 'Quota', 'Tags', 'Throttle']) if (truthy(config[name])) plan.set(name, config[name])
  return [plan, apiKey, planKey]
}

/** The integration credentials of an AWS_IAM method (SwaggerEditor.add_lambda_integration); undefined for none. */
export function integrationCredentials(methodAuth: JsonObject, apiAuth: JsonObject, partition: string): {value: unknown; fromSam: boolean} | undefined {
  const iam = methodAuth.Authorizer === 'AWS_IAM' || (apiAuth.DefaultAuthorizer === 'AWS_IAM' && !truthy(methodAuth))
  if (!iam) return undefined
  const role = (auth: JsonObject): unknown => (truthy(auth.InvokeRole) ? auth.InvokeRole : 'InvokeRole' in auth ? 'NONE' : undefined)
  const methodRole = role(methodAuth)
  const invokeRole = truthy(methodRole) ? methodRole : role(apiAuth)
  if (!truthy(invokeRole) || invokeRole === 'CALLER_CREDENTIALS') return {value: `arn:${partition}:iam::*:user/*`, fromSam: true}
  return invokeRole === 'NONE' ? undefined : {value: invokeRole, fromSam: false}
}

/** The API-level Auth an event reads: absent is an empty map, anything else must be a map. */
export function apiAuthOf(apiId: string, apiProperties: JsonObject): JsonObject {
  const auth = truthy(apiProperties.Auth) ? apiProperties.Auth : {}
  if (!isObject(auth)) throw invalidResource(apiId, "Property 'Auth' should be a map.")
  return auth
}

/** Where an Api event's Auth applies: the API's SAM properties and the method's place in its document. */
export interface EventAuthTarget {
  eventName: string
  apiId: string
  apiProperties: JsonObject
  body: JsonObject
  method: string
  path: string
  stage: PolicyStage
}

/**
 * SAM's _check_valid_authorizer_types for an event's Authorizer (REST and HTTP APIs): a name to look up in the API's
 * Authorizers map, unless NONE or the HTTP API's own AWS_IAM.
 */
export function checkAuthorizerType(
  method: Pick<EventAuthTarget, 'eventName' | 'method' | 'path'>, authorizer: unknown, apiAuthorizers: unknown, iamEnabled: boolean,
): void {
  if (authorizer === 'NONE' || (authorizer === 'AWS_IAM' && iamEnabled)) return
  if (typeof authorizer !== 'string' || !isObject(apiAuthorizers)) {
    throw new InvalidEventError(method.eventName, `Unable to set Authorizer [${asPythonStr(authorizer)}] on API method [${method.method}] for path [${method.path}]. The method authorizer must be a string with a corresponding dict entry in the api authorizer.`)
  }
}

/** Api.add_auth_to_swagger: an event's Authorizer, AuthorizationScopes, ApiKeyRequired and ResourcePolicy. */
export function addEventAuth(eventAuth: JsonObject, target: EventAuthTarget, context: TransformContext): void {
  const {eventName, apiId, method, path} = target
  startSwaggerEdit(target.body)
  const authorizer = eventAuth.Authorizer
  const apiAuth = resolveParameterRefs(target.apiProperties.Auth, context.parameters)
  const resolved = isObject(apiAuth) ? apiAuth : undefined
  if (truthy(authorizer)) {
    const apiAuthorizers = truthy(resolved) ? resolved!.Authorizers : undefined
    if (truthy(apiAuthorizers) && !isObject(apiAuthorizers)) throw invalidResource(apiId, "Property 'Auth.Authorizers' should be a map.")
    if (authorizer !== 'AWS_IAM') {
      if (authorizer !== 'NONE') {
        if (!truthy(apiAuthorizers)) {
          throw new InvalidEventError(eventName, `Unable to set Authorizer [${asPythonStr(authorizer)}] on API method [${method}] for path [${path}] because the related API does not define any Authorizers.`)
        }
        checkAuthorizerType(target, authorizer, apiAuthorizers, false)
        if (!truthy((apiAuthorizers as JsonObject)[authorizer as string])) {
          throw new InvalidEventError(eventName, `Unable to set Authorizer [${asPythonStr(authorizer)}] on API method [${method}] for path [${path}] because it wasn't defined in the API's Authorizers.`)
        }
      } else if (!truthy(resolved) || !truthy(resolved!.DefaultAuthorizer)) {
        throw new InvalidEventError(eventName, `Unable to set Authorizer on API method [${method}] for path [${path}] because 'NONE' is only a valid value when a DefaultAuthorizer on the API is specified.`)
      }
    }
  }
  const scopes = eventAuth.AuthorizationScopes
  if (truthy(scopes)) {
    if (!Array.isArray(scopes)) throw new InvalidEventError(eventName, "Property 'Auth.AuthorizationScopes' should be a list.")
    if (!truthy(authorizer)) throw new InvalidEventError(eventName, 'AuthorizationScopes works only when Authorizer is set')
  }
  const apiKeyRequired = eventAuth.ApiKeyRequired
  if (given(apiKeyRequired) && !truthy(apiKeyRequired) && (!truthy(resolved) || !truthy(resolved!.ApiKeyRequired))) {
    throw new InvalidEventError(eventName, `Unable to set ApiKeyRequired [False] on API method [${method}] for path [${path}] because the related API does not specify any ApiKeyRequired.`)
  }
  const paths = target.body.paths as JsonObject
  if (truthy(authorizer)) setMethodAuthorizer(target, authorizer as string, scopes)
  if (given(apiKeyRequired)) {
    for (const definition of integratedDefinitions(paths, path, method)) {
      if (truthy(apiKeyRequired)) addBuiltInSecurityDefinition(target.body, 'api_key')
      const existing = methodSecurity(definition, path, method, false)
      setSamKey(definition, 'security', [...existing, requirement(truthy(apiKeyRequired) ? 'api_key' : 'api_key_false', [], true)])
    }
  }
  const policy = eventAuth.ResourcePolicy
  if (truthy(policy)) {
    // SAM checks it as a property of a resource named after the event.
    if (!isObject(policy)) throw invalidResource(eventName, "Property 'Auth.ResourcePolicy' should be a map.")
    addResourcePolicy(target.body, policy, path, target.stage)
    if (truthy(policy.CustomStatements)) addCustomStatements(target.body, policy.CustomStatements)
  }
}

/** SwaggerEditor._set_method_authorizer */
function setMethodAuthorizer(target: EventAuthTarget, authorizer: string, scopes: unknown): void {
  const {path, method} = target
  const apiAuth = target.apiProperties.Auth
  const authorizers = isObject(apiAuth) ? apiAuth.Authorizers : undefined
  for (const definition of integratedDefinitions(target.body.paths as JsonObject, path, method)) {
    const security = requirement(authorizer, [])
    if (authorizer !== 'NONE' && truthy(authorizers)) {
      const config = (authorizers as JsonObject)[authorizer] ?? {}
      if (!isObject(config)) throw invalidTemplate(`Type of authorizer '${authorizer}' must be a dictionary`)
      const methodScopes = given(scopes) ? scopes : config.AuthorizationScopes
      if (given((authorizers as JsonObject)[authorizer]) && given(methodScopes)) security[authorizer] = methodScopes
    }
    const list = [...methodSecurity(definition, path, method, false), security]
    setSamKey(definition, 'security', list)
    if ('AWS_IAM' in list[0]!) addBuiltInSecurityDefinition(target.body, 'AWS_IAM')
  }
}
