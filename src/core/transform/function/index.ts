import {awsManagedPolicyArn, type TransformContext} from '../context.js'
import {InvalidEventError, invalidResource} from '../errors.js'
import {EVENT_SOURCES, linkedBucketId, type EventTarget} from '../events/index.js'
import {ifItems, isIntrinsic, isIntrinsicIf, isNoValue, logicalIdOfIntrinsic, makeConditional, makeNotCondition, resolveFindInMap, resolveParameterRefs} from '../intrinsics.js'
import {isObject, type JsonObject} from '../json.js'
import {generateLogicalId} from '../logical-id.js'
import {templateDictOrder} from '../python-repr.js'
import {CfnResource, pickPassthrough, SUPPORTED_ATTRIBUTES, tagList} from '../resource.js'
import {listOf, mapOf, oneOf, validateProperties, type PropertySpec} from '../validate.js'
import {functionCode} from './code.js'
import {expandPolicyTemplates} from './policies.js'
import {buildExecutionRole, POLICY} from './role.js'

export const FUNCTION_TYPE = 'AWS::Serverless::Function'

const FUNCTION_PROPERTIES: Record<string, PropertySpec> = {
  FunctionName: {shape: oneOf('string', 'map')},
  Handler: {shape: 'any'}, Runtime: {shape: 'any'}, CodeUri: {shape: 'any'}, ImageUri: {shape: 'any'},
  PackageType: {shape: 'any'}, InlineCode: {shape: 'any'},
  DeadLetterQueue: {shape: 'map'},
  Description: {shape: 'any'}, MemorySize: {shape: 'any'}, Timeout: {shape: 'any'}, VpcConfig: {shape: 'any'},
  Role: {shape: 'string'},
  AssumeRolePolicyDocument: {shape: 'map'},
  Policies: {shape: oneOf('string', 'map', listOf(oneOf('string', 'map')))},
  RolePath: {shape: 'any'},
  PermissionsBoundary: {shape: 'string'},
  Environment: {shape: mapOf('map')},
  Events: {shape: mapOf('map')},
  Tags: {shape: 'map'},
  PropagateTags: {shape: 'boolean'},
  Tracing: {shape: oneOf('map', 'string')},
  KmsKeyArn: {shape: 'any'},
  DeploymentPreference: {shape: 'map'},
  ReservedConcurrentExecutions: {shape: 'any'},
  Layers: {shape: listOf(oneOf('string', 'map'))},
  EventInvokeConfig: {shape: 'map'},
  EphemeralStorage: {shape: 'any'},
  AutoPublishAlias: {shape: 'string'},
  AutoPublishCodeSha256: {shape: 'string'},
  AutoPublishAliasAllProperties: {shape: 'boolean', intrinsics: false},
  VersionDescription: {shape: 'any'}, ProvisionedConcurrencyConfig: {shape: 'any'}, FileSystemConfigs: {shape: 'any'},
  ImageConfig: {shape: 'any'}, CodeSigningConfigArn: {shape: 'any'}, Architectures: {shape: 'any'},
  SnapStart: {shape: 'map'},
  FunctionUrlConfig: {shape: 'map'},
  RuntimeManagementConfig: {shape: 'any'}, LoggingConfig: {shape: 'any'}, RecursiveLoop: {shape: 'any'}, SourceKMSKeyArn: {shape: 'any'},
  CapacityProviderConfig: {shape: 'map'},
  FunctionScalingConfig: {shape: 'map'},
  VersionDeletionPolicy: {shape: (value) => value === 'Delete' || value === 'Retain'},
  PublishToLatestPublished: {shape: 'any'}, TenancyConfig: {shape: 'any'},
  DurableConfig: {shape: 'map'},
}

/** Properties copied to AWS::Lambda::Function as written. */
const PASSED_THROUGH = [
  'FunctionName', 'Handler', 'Runtime', 'Description', 'MemorySize', 'Timeout', 'VpcConfig', 'Role', 'Environment',
  'KmsKeyArn', 'ReservedConcurrentExecutions', 'Layers', 'FileSystemConfigs', 'ImageConfig', 'PackageType',
  'Architectures', 'SnapStart', 'EphemeralStorage',
]
const PASSED_THROUGH_LATE = ['CodeSigningConfigArn', 'RuntimeManagementConfig', 'LoggingConfig', 'TenancyConfig', 'RecursiveLoop', 'DurableConfig']
const DLQ_ACTIONS: Record<string, string> = {SQS: 'sqs:SendMessage', SNS: 'sns:Publish'}
const RESERVED_TAGS = ['lambda:createdBy', 'serverlessrepo:applicationId', 'serverlessrepo:semanticVersion']
const ALIAS_NAME = /^(?!^[0-9]+$)([a-zA-Z0-9\-_]+)$/
/** Generated resource types whose Tags PropagateTags fills. */
const TAGGABLE = new Set(['AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::S3::Bucket', 'AWS::IoT::TopicRule', 'AWS::CodeDeploy::DeploymentGroup'])

interface Parsed {
  id: string
  props: JsonObject
  attributes: JsonObject
  dependsOn: unknown
}

/**
 * Translates one AWS::Serverless::Function into AWS::Lambda::Function and everything SAM generates with it: the
 * execution role, Version and Alias, function URL, event invoke config, event sources, deployment preference.
 */
export function translateFunction(logicalId: string, resource: JsonObject, context: TransformContext): CfnResource[] {
  const fn = parse(logicalId, resource)
  const {props} = fn
  const passthrough = pickPassthrough(fn.attributes)
  validateRules(fn)
  if (props.DeadLetterQueue) validateDeadLetterQueue(fn)
  validateTenancy(fn)
  const eventEntries = collectEvents(fn, context)

  const lambda = buildLambdaFunction(fn, context)
  const resources: CfnResource[] = [lambda]
  if (props.ProvisionedConcurrencyConfig && !props.AutoPublishAlias) {
    throw invalidResource(logicalId, 'To set ProvisionedConcurrencyConfig AutoPublishALias must be defined on the function')
  }

  let alias: CfnResource | undefined
  let aliasName = ''
  if (props.AutoPublishAlias) {
    const resolvedAlias = resolveParameterRefs(props.AutoPublishAlias, context.parameters)
    if (typeof resolvedAlias !== 'string') throw invalidResource(logicalId, "'AutoPublishAlias' must be a string or a Ref to a template parameter")
    aliasName = resolvedAlias
    let codeSha256: string | undefined
    if (props.AutoPublishCodeSha256) {
      const resolvedSha = resolveParameterRefs(props.AutoPublishCodeSha256, context.parameters)
      if (typeof resolvedSha !== 'string') throw invalidResource(logicalId, 'AutoPublishCodeSha256 must be a string')
      codeSha256 = resolvedSha
      // Lambda publishes no version when only the code behind an unchanged S3 location changed: SAM puts the hash in
      // the Description so CloudFormation sees a change.
      const description = resolveParameterRefs(props.Description, context.parameters)
      if (!description || typeof description === 'string') lambda.set('Description', description ? `${description} ${codeSha256}` : codeSha256)
      else lambda.set('Description', {'Fn::Join': [' ', [description, codeSha256]]})
    }
    const version = buildVersion(fn, lambda, context, codeSha256)
    alias = buildAlias(fn, aliasName, lambda, version)
    resources.push(version, alias)
  }

  if (props.FunctionUrlConfig) resources.push(...buildFunctionUrl(fn, lambda, alias))
  applyDeploymentPreference(fn, alias, context)

  const eventInvokePolicies: JsonObject[] = []
  if (props.EventInvokeConfig) resources.push(...buildEventInvokeConfig(fn, aliasName, alias, context, eventInvokePolicies))

  const role = buildRole(fn, eventInvokePolicies, context)
  if (lambda.get('Role') === undefined || lambda.get('Role') === null) {
    lambda.set('Role', role.arn())
    resources.push(role)
  } else if (isIntrinsicIf(lambda.get('Role'))) {
    const roleValue = conditionalRole(fn, lambda, role, context)
    if (roleValue !== undefined) {
      lambda.set('Role', roleValue)
      resources.push(role)
    }
  }

  const target: EventTarget = alias
    ? {resource: alias, name: alias.ref(), arn: alias.ref(), passthrough: alias.passthroughAttributes()}
    : {resource: lambda, name: lambda.ref(), arn: lambda.arn(), passthrough}
  for (const [name, event] of eventEntries) {
    const source = EVENT_SOURCES[event.Type as string]!
    try {
      resources.push(...source.translate({
        logicalId: logicalId + name,
        name,
        properties: (event.Properties ?? {}) as JsonObject,
        target,
        role,
        functionId: logicalId,
        context,
      }))
    } catch (error) {
      if (error instanceof InvalidEventError) throw invalidResource(logicalId, error.message)
      throw error
    }
  }

  if (props.PropagateTags === true && isObject(props.Tags) && Object.keys(props.Tags).length > 0) {
    for (const generated of resources) if (TAGGABLE.has(generated.type)) generated.set('Tags', tagList(props.Tags))
  }
  return resources
}

function parse(logicalId: string, resource: JsonObject): Parsed {
  if ('Properties' in resource && !isObject(resource.Properties)) throw invalidResource(logicalId, 'Properties of a resource must be an object.')
  const raw = {...((resource.Properties ?? {}) as JsonObject)}
  const policies = expandPolicyTemplates(logicalId, raw.Policies)
  if (policies !== undefined) raw.Policies = policies
  validateProperties(logicalId, FUNCTION_TYPE, raw, FUNCTION_PROPERTIES)
  const attributes: JsonObject = {}
  for (const name of SUPPORTED_ATTRIBUTES) if (name in resource) attributes[name] = resource[name]
  return {id: logicalId, props: raw, attributes, dependsOn: resource.DependsOn}
}

function validateRules(fn: Parsed): void {
  const present = (name: string): boolean => fn.props[name] !== undefined && fn.props[name] !== null
  const messages: string[] = []
  for (const [a, b] of [['CapacityProviderConfig', 'ProvisionedConcurrencyConfig'], ['CapacityProviderConfig', 'VpcConfig']] as const) {
    if (present(a) && present(b)) messages.push(`Cannot specify '${a}' and '${b}' together.`)
  }
  for (const [a, b] of [['FunctionScalingConfig', 'CapacityProviderConfig'], ['VersionDeletionPolicy', 'AutoPublishAlias']] as const) {
    if (present(a) && !present(b)) messages.push(`'${a}' requires '${b}'.`)
  }
  if (messages.length > 0) throw invalidResource(fn.id, messages.join('\n'))
}

function validateDeadLetterQueue(fn: Parsed): void {
  const dlq = fn.props.DeadLetterQueue as JsonObject
  if (!dlq.Type || !dlq.TargetArn) throw invalidResource(fn.id, "'DeadLetterQueue' requires Type and TargetArn properties to be specified.")
  if (typeof dlq.Type !== 'string') throw invalidResource(fn.id, "Property 'DeadLetterQueue.Type' should be a string.")
  if (!(dlq.Type in DLQ_ACTIONS)) throw invalidResource(fn.id, "'DeadLetterQueue' requires Type of ['SQS', 'SNS']")
}

function validateTenancy(fn: Parsed): void {
  const {props} = fn
  if (!props.TenancyConfig) return
  if (props.ProvisionedConcurrencyConfig) throw invalidResource(fn.id, 'Provisioned concurrency is not supported for functions enabled with tenancy configuration.')
  if (props.FunctionUrlConfig) throw invalidResource(fn.id, 'Function URL is not supported for functions enabled with tenancy configuration.')
  if (props.SnapStart) throw invalidResource(fn.id, 'SnapStart is not supported for functions enabled with tenancy configuration.')
  for (const event of Object.values((props.Events ?? {}) as JsonObject)) {
    const type = (event as JsonObject).Type
    if (type !== 'Api' && type !== 'HttpApi') {
      throw invalidResource(fn.id, `Event source '${String(type)}' is not supported for functions enabled with tenancy configuration. Only Api and HttpApi event sources are supported.`)
    }
  }
}

/** The function's events, checked and in the order SAM translates them (by Path, else by name). */
function collectEvents(fn: Parsed, context: TransformContext): [string, JsonObject][] {
  const events = (fn.props.Events ?? {}) as JsonObject
  const entries: [string, JsonObject][] = []
  // Events with the same Path keep the order the translator walks them in.
  for (const name of templateDictOrder(events, context.samResources)) {
    const value = events[name]
    if (!isObject(value)) throw invalidResource(fn.id, new InvalidEventError(name, "'NoneType' object has no attribute 'get'").message)
    const event = value
    const type = event.Type
    if (typeof type !== 'string' || !(type in EVENT_SOURCES)) {
      throw invalidResource(fn.id, new InvalidEventError(name, `Resource dict has missing or invalid value for key Type. Event Type is: ${type === undefined || type === null ? 'None' : String(type)}.`).message)
    }
    const properties = event.Properties === undefined ? {} : event.Properties
    if (!isObject(properties)) throw invalidResource(fn.id, new InvalidEventError(name, "'NoneType' object has no attribute 'get'").message)
    validateProperties(fn.id + name, type, properties, EVENT_SOURCES[type]!.properties)
    if (type === 'S3') {
      try {
        linkedBucketId({name, properties, context})
      } catch (error) {
        if (error instanceof InvalidEventError) throw invalidResource(fn.id, error.message)
        throw error
      }
    }
    entries.push([name, event])
  }
  const sortKey = ([name, event]: [string, JsonObject]): string => {
    const path = isObject(event.Properties) ? event.Properties.Path : undefined
    return typeof path === 'string' ? path : name
  }
  return entries.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0))
}

function tagsOf(fn: Parsed): JsonObject[] {
  const tags = (fn.props.Tags ?? {}) as JsonObject
  for (const reserved of RESERVED_TAGS) {
    if (reserved in tags) {
      throw invalidResource(fn.id, `${reserved} is a reserved Tag key name and cannot be set on your resource. Please change the tag key in the input.`)
    }
  }
  return [{Key: 'lambda:createdBy', Value: 'SAM'}, ...tagList(fn.props.Tags)]
}

function buildLambdaFunction(fn: Parsed, context: TransformContext): CfnResource {
  const {props} = fn
  const lambda = new CfnResource(fn.id, 'AWS::Lambda::Function', fn.attributes, fn.dependsOn)
  for (const name of PASSED_THROUGH) lambda.set(name, props[name])
  if (!props.FunctionName) lambda.set('FunctionName', undefined)
  lambda.set('Code', functionCode(fn.id, props))
  lambda.set('Tags', tagsOf(fn))
  const tracing = resolveParameterRefs(props.Tracing, context.parameters)
  if (props.Tracing && tracing !== 'Disabled') lambda.set('TracingConfig', {Mode: props.Tracing})
  if (props.DeadLetterQueue) lambda.set('DeadLetterConfig', {TargetArn: (props.DeadLetterQueue as JsonObject).TargetArn})
  for (const name of PASSED_THROUGH_LATE) lambda.set(name, props[name])
  if (props.CapacityProviderConfig) {
    const config = props.CapacityProviderConfig as JsonObject
    const instances: JsonObject = {CapacityProviderArn: config.Arn}
    if (config.PerExecutionEnvironmentMaxConcurrency !== undefined) instances.PerExecutionEnvironmentMaxConcurrency = config.PerExecutionEnvironmentMaxConcurrency
    if (config.ExecutionEnvironmentMemoryGiBPerVCpu !== undefined) instances.ExecutionEnvironmentMemoryGiBPerVCpu = config.ExecutionEnvironmentMemoryGiBPerVCpu
    lambda.set('CapacityProviderConfig', {LambdaManagedInstancesCapacityProviderConfig: instances})
  }
  if (props.FunctionScalingConfig) lambda.set('FunctionScalingConfig', props.FunctionScalingConfig)
  if (props.PublishToLatestPublished !== undefined && props.PublishToLatestPublished !== null) lambda.set('PublishToLatestPublished', props.PublishToLatestPublished)
  validatePackageType(fn.id, lambda)
  return lambda
}

function validatePackageType(logicalId: string, lambda: CfnResource): void {
  const packageType = lambda.get('PackageType') ?? 'Zip'
  const code = lambda.get('Code') as JsonObject
  if (packageType === 'Zip') {
    if (!lambda.get('Runtime') || !lambda.get('Handler')) throw invalidResource(logicalId, 'Runtime and Handler needs to be present when PackageType is of type `Zip`')
    if (code.ImageUri || lambda.get('ImageConfig')) throw invalidResource(logicalId, 'ImageUri or ImageConfig cannot be present when PackageType is of type `Zip`')
  } else {
    if (lambda.get('Handler') || lambda.get('Runtime') || lambda.get('Layers')) {
      throw invalidResource(logicalId, 'Runtime, Handler, Layers cannot be present when PackageType is of type `Image`')
    }
    if (!code.ImageUri) throw invalidResource(logicalId, 'ImageUri needs to be present when PackageType is of type `Image`')
  }
}

/**
 * `<Fn>Version<hash>`: the hash covers what SAM considers a new version (code location with parameters resolved,
 * Environment, MemorySize, SnapStart — or every property with AutoPublishAliasAllProperties), so a change there
 * publishes a new version and an unchanged template keeps the same logical ID.
 */
function buildVersion(fn: Parsed, lambda: CfnResource, context: TransformContext, codeSha256: string | undefined): CfnResource {
  const {props} = fn
  const code = resolveParameterRefs(lambda.get('Code'), context.parameters) as JsonObject
  lambda.set('Code', code)
  let hashed: JsonObject
  if (props.AutoPublishAliasAllProperties) {
    hashed = {...(lambda.toTemplate().Properties as JsonObject)}
    for (const layer of (lambda.get('Layers') as unknown[] | undefined) ?? []) {
      const layerId = logicalIdOfIntrinsic(layer)
      const layerResource = layerId ? context.samResources[layerId] : undefined
      if (!layerId || !isObject(layerResource)) continue
      const layerProperties = (layerResource.Properties ?? {}) as JsonObject
      if (layerProperties.PublishLambdaVersion) hashed[layerId] = layerProperties
    }
  } else {
    hashed = {...code}
    const environment = lambda.get('Environment')
    if (isObject(environment)) Object.assign(hashed, environment)
    if (lambda.get('MemorySize')) hashed.MemorySize = lambda.get('MemorySize')
    const snapStart = lambda.get('SnapStart')
    if (isObject(snapStart) && (snapStart.ApplyOn ?? 'None') !== 'None') hashed.SnapStart = snapStart
  }
  const attributes = pickPassthrough(fn.attributes)
  if (!('DeletionPolicy' in attributes)) {
    attributes.DeletionPolicy = props.VersionDeletionPolicy ?? (props.CapacityProviderConfig ? 'Delete' : 'Retain')
  }
  const version = new CfnResource(generateLogicalId(`${fn.id}Version`, hashed, codeSha256), 'AWS::Lambda::Version', attributes)
  version.set('FunctionName', lambda.ref())
  version.set('Description', props.VersionDescription)
  if (props.CapacityProviderConfig && props.FunctionScalingConfig) version.set('FunctionScalingConfig', props.FunctionScalingConfig)
  return version
}

/** `<Fn>Alias<name>` with `-` → `D` and `_` → `U`, since logical IDs are alphanumeric. */
export function aliasLogicalId(functionId: string, aliasName: string): string {
  return `${functionId}Alias${aliasName.replaceAll('-', 'D').replaceAll('_', 'U')}`
}

function buildAlias(fn: Parsed, name: string, lambda: CfnResource, version: CfnResource): CfnResource {
  if (!name) throw invalidResource(fn.id, 'Alias name is required to create an alias')
  if (!ALIAS_NAME.test(name)) {
    throw invalidResource(fn.id, `AutoPublishAlias name ('${name}') must contain only alphanumeric characters, hyphens, or underscores matching (?!^[0-9]+$)([a-zA-Z0-9-_]+) pattern.`)
  }
  const alias = new CfnResource(aliasLogicalId(fn.id, name), 'AWS::Lambda::Alias', pickPassthrough(fn.attributes))
  alias.set('Name', name)
  alias.set('FunctionName', lambda.ref())
  alias.set('FunctionVersion', {'Fn::GetAtt': [version.logicalId, 'Version']})
  if (fn.props.ProvisionedConcurrencyConfig) alias.set('ProvisionedConcurrencyConfig', fn.props.ProvisionedConcurrencyConfig)
  return alias
}

const CORS_TYPES: Record<string, (value: unknown) => boolean> = {
  AllowOrigins: Array.isArray,
  AllowMethods: Array.isArray,
  AllowCredentials: (value) => typeof value === 'boolean',
  AllowHeaders: Array.isArray,
  ExposeHeaders: Array.isArray,
  MaxAge: (value) => typeof value === 'number' && Number.isInteger(value),
}
const CORS_TYPE_NAMES: Record<string, string> = {AllowCredentials: 'bool', MaxAge: 'int'}

function buildFunctionUrl(fn: Parsed, lambda: CfnResource, alias: CfnResource | undefined): CfnResource[] {
  const config = fn.props.FunctionUrlConfig as JsonObject
  const wholeConfigIsIntrinsic = isIntrinsic(config as unknown)
  if (!wholeConfigIsIntrinsic) {
    const authType = config.AuthType
    if (!isIntrinsic(authType) && (authType !== 'AWS_IAM' && authType !== 'NONE')) {
      throw invalidResource(fn.id, 'AuthType is required to configure function property `FunctionUrlConfig`. Please provide either AWS_IAM or NONE.')
    }
    const cors = config.Cors
    if (cors && !isIntrinsic(cors)) {
      if (!isObject(cors)) throw invalidResource(fn.id, "Property 'FunctionUrlConfig.Cors' should be a map.")
      for (const [name, value] of Object.entries(cors)) {
        const check = CORS_TYPES[name]
        if (!check) throw invalidResource(fn.id, `${name} is not a valid property for configuring Cors.`)
        if (!isIntrinsic(value) && !check(value)) throw invalidResource(fn.id, `${name} must be of type ${CORS_TYPE_NAMES[name] ?? 'list'}.`)
      }
    }
  }
  const targetArn = alias ? alias.ref() : lambda.ref()
  const passthrough = pickPassthrough(fn.attributes)
  const url = new CfnResource(`${fn.id}Url`, 'AWS::Lambda::Url', passthrough)
  if (config.Cors) url.set('Cors', config.Cors)
  url.set('AuthType', config.AuthType)
  url.set('TargetFunctionArn', targetArn)
  url.set('InvokeMode', config.InvokeMode)
  if (config.AuthType !== 'NONE' || wholeConfigIsIntrinsic) return [url]
  return [
    url,
    new CfnResource(`${fn.id}UrlPublicPermissions`, 'AWS::Lambda::Permission', passthrough)
      .set('Action', 'lambda:InvokeFunctionUrl').set('FunctionName', targetArn).set('Principal', '*').set('FunctionUrlAuthType', 'NONE'),
    new CfnResource(`${fn.id}URLInvokeAllowPublicAccess`, 'AWS::Lambda::Permission', passthrough)
      .set('Action', 'lambda:InvokeFunction').set('Principal', '*').set('FunctionName', targetArn).set('InvokedViaFunctionUrl', true),
  ]
}

function applyDeploymentPreference(fn: Parsed, alias: CfnResource | undefined, context: TransformContext): void {
  const preference = fn.props.DeploymentPreference as JsonObject | undefined
  if (!preference) return
  const resolved: JsonObject = {...preference}
  const resolve = (value: unknown): unknown => resolveFindInMap(resolveParameterRefs(value, context.parameters), context.mappings)
  if ('Enabled' in resolved) resolved.Enabled = resolve(resolved.Enabled)
  if ('Type' in resolved) resolved.Type = resolve(resolved.Type)
  if ('PassthroughCondition' in resolved) {
    const value = resolve(resolved.PassthroughCondition)
    if (value === true || value === 'true' || value === 'True') resolved.PassthroughCondition = true
    else if (value === false || value === 'false' || value === 'False') resolved.PassthroughCondition = false
    else if (isIntrinsic(value)) {
      throw invalidResource(fn.id, 'Unsupported intrinsic: the only intrinsic functions supported for property PassthroughCondition are FindInMap and parameter Refs.')
    } else {
      throw invalidResource(fn.id, 'Invalid value for property PassthroughCondition.')
    }
  } else {
    resolved.PassthroughCondition = false
  }
  const condition = fn.attributes.Condition as string | undefined
  const entry = context.deploymentPreferences.add(fn.id, resolved, condition, fn.props.Tags as JsonObject | undefined, fn.props.PropagateTags as boolean | undefined)
  if (!entry.enabled) return
  if (!fn.props.AutoPublishAlias || !alias) throw invalidResource(fn.id, "'DeploymentPreference' requires AutoPublishAlias property to be specified.")
  alias.attributes.UpdatePolicy = context.deploymentPreferences.updatePolicy(fn.id)
}

const DESTINATION_TYPES = ['SQS', 'SNS', 'EventBridge', 'Lambda', 'S3Bucket']

function buildEventInvokeConfig(fn: Parsed, aliasName: string, alias: CfnResource | undefined, context: TransformContext, policies: JsonObject[]): CfnResource[] {
  const config = resolveParameterRefs(fn.props.EventInvokeConfig, context.parameters) as JsonObject
  const logicalId = `${fn.id}EventInvokeConfig`
  const invokeConfig = new CfnResource(logicalId, 'AWS::Lambda::EventInvokeConfig', fn.attributes, alias ? [alias.logicalId] : undefined)
  const resources: CfnResource[] = []
  const destinations: JsonObject = {}
  if (config.DestinationConfig) {
    const destinationConfig = config.DestinationConfig
    if (!isObject(destinationConfig)) throw invalidResource(fn.id, "Property 'EventInvokeConfig.DestinationConfig' should be a map.")
    for (const kind of ['OnSuccess', 'OnFailure']) {
      const value = destinationConfig[kind]
      if (value === undefined || value === null) continue
      if (!isObject(value)) throw invalidResource(fn.id, `Property 'EventInvokeConfig.DestinationConfig.${kind}' should be a map.`)
      const {resource, destination, policy} = destinationFor(fn, value, kind, logicalId, context)
      destinations[kind] = {Destination: destination}
      if (resource) resources.push(resource)
      if (policy && Object.keys(policy).length > 0) policies.push(policy)
    }
  }
  invokeConfig.set('FunctionName', {Ref: fn.id})
  invokeConfig.set('Qualifier', aliasName || '$LATEST')
  invokeConfig.set('DestinationConfig', destinations)
  invokeConfig.set('MaximumEventAgeInSeconds', config.MaximumEventAgeInSeconds)
  invokeConfig.set('MaximumRetryAttempts', config.MaximumRetryAttempts)
  resources.push(invokeConfig)
  return resources
}

function destinationFor(fn: Parsed, config: JsonObject, kind: string, logicalId: string, context: TransformContext): {resource?: CfnResource; destination: unknown; policy?: JsonObject} {
  const type = config.Type
  if (typeof type !== 'string' || !DESTINATION_TYPES.includes(type)) {
    throw invalidResource(fn.id, `'Type: ${type === undefined || type === null ? 'None' : String(type)}' must be one of ['SQS', 'SNS', 'EventBridge', 'Lambda', 'S3Bucket']`)
  }
  const resourceId = logicalId + kind
  let destination = config.Destination
  const [propertyCondition, fallback] = destinationCondition(config.Destination, logicalId, context)
  let resource: CfnResource | undefined
  let policy: JsonObject | undefined
  if (config.Destination === undefined || config.Destination === null || propertyCondition !== undefined) {
    const combined = andConditions(fn, fn.attributes.Condition as string | undefined, propertyCondition, context)
    if (type !== 'SQS' && type !== 'SNS') throw invalidResource(fn.id, "Destination is required if Type is not ['SQS', 'SNS']")
    resource = type === 'SQS'
      ? new CfnResource(`${resourceId}Queue`, 'AWS::SQS::Queue', pickPassthrough(fn.attributes))
      : new CfnResource(`${resourceId}Topic`, 'AWS::SNS::Topic', pickPassthrough(fn.attributes))
    if (combined) resource.attributes.Condition = combined
    // A topic's Ref is its ARN; a queue's is its URL.
    const arn = type === 'SQS' ? resource.arn() : resource.ref()
    destination = propertyCondition ? makeConditional(propertyCondition, arn, fallback) : arn
    policy = destinationPolicy(type, resourceId, destination)
  }
  if (config.Destination !== undefined && config.Destination !== null && propertyCondition === undefined) {
    policy = destinationPolicy(type, resourceId, config.Destination)
  }
  return {resource, destination, policy}
}

function destinationPolicy(type: string, logicalId: string, arn: unknown): JsonObject {
  switch (type) {
    case 'SQS': return POLICY.sqsSendMessage(arn, logicalId)
    case 'SNS': return POLICY.snsPublish(arn, logicalId)
    case 'EventBridge': return POLICY.eventBusPutEvents(arn, logicalId)
    case 'Lambda': return POLICY.lambdaInvoke(arn, logicalId)
    default: return POLICY.s3SendEventPayload(arn, logicalId)
  }
}

/** For `Destination: !If [C, !Ref AWS::NoValue, arn]`: the condition under which SAM creates the queue/topic. */
function destinationCondition(destination: unknown, logicalId: string, context: TransformContext): [string | undefined, unknown] {
  if (!isIntrinsicIf(destination)) return [undefined, undefined]
  let items: [unknown, unknown, unknown]
  try {
    items = ifItems(destination)
  } catch (error) {
    throw invalidResource(logicalId, `Malformed 'Destination' property: ${(error as Error).message}.`)
  }
  const [condition, whenTrue, whenFalse] = items
  if (isNoValue(whenTrue) && isNoValue(whenFalse)) return [undefined, undefined]
  if (isNoValue(whenTrue)) return [condition as string, whenFalse]
  if (isNoValue(whenFalse)) {
    const notCondition = generatedConditionName(`NOT${String(condition)}`, logicalId)
    context.conditions[notCondition] = makeNotCondition(condition as string)
    return [notCondition, whenTrue]
  }
  return [undefined, undefined]
}

function andConditions(fn: Parsed, resourceCondition: string | undefined, propertyCondition: string | undefined, context: TransformContext): string | undefined {
  if (resourceCondition === undefined) return propertyCondition
  if (propertyCondition === undefined) return resourceCondition
  const name = generatedConditionName(`${resourceCondition}AND${propertyCondition}`, fn.id)
  context.conditions[name] = {'Fn::And': [{Condition: resourceCondition}, {Condition: propertyCondition}]}
  return name
}

function generatedConditionName(name: string, hashInput: string): string {
  return (name + generateLogicalId('', hashInput)).slice(0, 255)
}

function buildRole(fn: Parsed, eventInvokePolicies: JsonObject[], context: TransformContext): CfnResource {
  const {props} = fn
  const managed: unknown[] = [awsManagedPolicyArn(context, props.DurableConfig ? 'service-role/AWSLambdaBasicDurableExecutionRolePolicy' : 'service-role/AWSLambdaBasicExecutionRole')]
  const tracing = resolveParameterRefs(props.Tracing, context.parameters)
  if (props.Tracing && tracing !== 'Disabled') managed.push(awsManagedPolicyArn(context, context.partition === 'aws' ? 'AWSXrayWriteOnlyAccess' : 'AWSXRayDaemonWriteAccess'))
  if (props.VpcConfig) managed.push(awsManagedPolicyArn(context, 'service-role/AWSLambdaVPCAccessExecutionRole'))
  const documents: unknown[] = []
  if (props.DeadLetterQueue) {
    const dlq = props.DeadLetterQueue as JsonObject
    documents.push(POLICY.deadLetterQueue(DLQ_ACTIONS[dlq.Type as string]!, dlq.TargetArn))
  }
  documents.push(...eventInvokePolicies)
  const policies = props.Policies === undefined || props.Policies === null ? [] : Array.isArray(props.Policies) ? props.Policies : [props.Policies]
  return buildExecutionRole({
    functionId: fn.id,
    attributes: pickPassthrough(fn.attributes),
    assumeRolePolicyDocument: props.AssumeRolePolicyDocument,
    policies,
    managedPolicyArns: managed,
    policyDocuments: documents,
    rolePath: props.RolePath,
    permissionsBoundary: props.PermissionsBoundary,
    tags: tagsOf(fn),
  }, context)
}

/** `Role: !If [C, !Ref AWS::NoValue, arn]`: SAM creates its role only for the branch that has none. */
function conditionalRole(fn: Parsed, lambda: CfnResource, role: CfnResource, context: TransformContext): unknown {
  const resolved = resolveParameterRefs(lambda.get('Role'), context.parameters) as {'Fn::If': unknown}
  let items: [unknown, unknown, unknown]
  try {
    items = ifItems(resolved)
  } catch (error) {
    throw invalidResource(fn.id, `Malformed 'Role' property: ${(error as Error).message}.`)
  }
  const [condition, whenTrue, whenFalse] = items
  if (isNoValue(whenTrue) && isNoValue(whenFalse)) return role.arn()
  if (isNoValue(whenTrue)) {
    role.attributes.Condition = condition
    return makeConditional(condition, role.arn(), whenFalse)
  }
  if (isNoValue(whenFalse)) {
    role.attributes.Condition = `NOT${String(condition)}`
    context.conditions[`NOT${String(condition)}`] = makeNotCondition(condition as string)
    return makeConditional(condition, whenTrue, role.arn())
  }
  return undefined
}

