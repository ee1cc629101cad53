import {CONNECTOR_TYPE, translateConnector} from './connector.js'
import type {TransformContext} from './context.js'
import {invalidResource} from './errors.js'
import {getAtt, ref, sub} from './intrinsics.js'
import {isObject, type JsonObject} from './json.js'
import {CfnResource, SUPPORTED_ATTRIBUTES, tagList} from './resource.js'
import {oneOf, validateProperties, type PropertySpec} from './validate.js'

export const GRAPHQL_API_TYPE = 'AWS::Serverless::GraphQLApi'

const GRAPHQL_API_PROPERTIES: Record<string, PropertySpec> = {
  Name: {shape: 'any'},
  Tags: {shape: 'map', intrinsics: false},
  XrayEnabled: {shape: 'any'},
  Auth: {shape: 'map', required: true, intrinsics: false},
  SchemaInline: {shape: 'string', intrinsics: false},
  SchemaUri: {shape: 'string', intrinsics: false},
  Logging: {shape: oneOf('map', 'boolean'), intrinsics: false},
  DataSources: {shape: 'map', intrinsics: false},
  Functions: {shape: 'map', intrinsics: false},
  Resolvers: {shape: 'map', intrinsics: false},
  ApiKeys: {shape: 'map', intrinsics: false},
  DomainName: {shape: 'map', intrinsics: false},
  Cache: {shape: 'map', intrinsics: false},
  Visibility: {shape: 'any'},
  OwnerContact: {shape: 'any'},
  IntrospectionConfig: {shape: 'any'},
  QueryDepthLimit: {shape: 'any'},
  ResolverCountLimit: {shape: 'any'},
}

/**
 * The nested shapes SAM's schema model (aws_serverless_graphqlapi) accepts: a model's fields (unknown keys are
 * errors), a map of models, a list, a string, a boolean or anything (a CloudFormation pass-through value).
 */
type Model =
  | {any: true}
  | {fields: Record<string, Field>}
  | {mapOf: Model}
  | {listOf: Model}
  | {oneOf: string[]}
  | {anyOf: Model[]}
  | 'string'
  | 'boolean'
  | 'stringOrIntrinsic'
  | 'any'
type Field = Model & {required?: boolean}

const ANY = 'any'
const optional = (names: string[]): Record<string, Model> => Object.fromEntries(names.map((name) => [name, ANY]))

const RUNTIME: Model = {fields: {Name: anyRequired(), Version: anyRequired()}}
const SYNC: Model = {
  fields: {ConflictDetection: anyRequired(), ConflictHandler: ANY, LambdaConflictHandlerConfig: {fields: {LambdaConflictHandlerArn: anyRequired()}}},
}
const AUTHORIZER_FIELDS: Record<string, Field> = {
  Type: {oneOf: ['AWS_IAM', 'API_KEY', 'AWS_LAMBDA', 'OPENID_CONNECT', 'AMAZON_COGNITO_USER_POOLS'], required: true},
  LambdaAuthorizer: {fields: {AuthorizerResultTtlInSeconds: ANY, AuthorizerUri: anyRequired(), IdentityValidationExpression: ANY}},
  OpenIDConnect: {fields: optional(['AuthTTL', 'ClientId', 'IatTTL', 'Issuer'])},
  UserPool: {fields: {AppIdClientRegex: ANY, AwsRegion: ANY, DefaultAction: ANY, UserPoolId: anyRequired()}},
}
const PROPERTIES_MODEL: Model = {
  fields: {
    Auth: {fields: {...AUTHORIZER_FIELDS, Additional: {listOf: {fields: AUTHORIZER_FIELDS}}}, required: true},
    Tags: {mapOf: ANY},
    XrayEnabled: 'boolean',
    Logging: {anyOf: ['boolean', {fields: optional(['CloudWatchLogsRoleArn', 'ExcludeVerboseContent', 'FieldLogLevel'])}]},
    DataSources: {
      fields: {
        DynamoDb: {
          mapOf: {
            fields: {
              TableName: anyRequired(),
              Permissions: {listOf: {oneOf: ['Read', 'Write']}},
              DeltaSync: {fields: {BaseTableTTL: anyRequired(), DeltaSyncTableName: anyRequired(), DeltaSyncTableTTL: anyRequired()}},
              ...optional(['ServiceRoleArn', 'TableArn', 'Name', 'Description', 'Region', 'UseCallerCredentials', 'Versioned']),
            },
          },
        },
        Lambda: {mapOf: {fields: {FunctionArn: anyRequired(), ...optional(['ServiceRoleArn', 'Name', 'Description'])}}},
      },
    },
    Functions: {
      mapOf: {
        fields: {
          DataSource: 'stringOrIntrinsic',
          Runtime: RUNTIME,
          Name: 'string',
          Sync: SYNC,
          ...optional(['InlineCode', 'CodeUri', 'Description', 'MaxBatchSize', 'Id']),
        },
      },
    },
    Resolvers: {
      mapOf: {
        mapOf: {
          fields: {
            FieldName: 'string',
            Caching: {fields: {Ttl: anyRequired(), CachingKeys: {listOf: ANY}}},
            Pipeline: {listOf: 'string'},
            Runtime: RUNTIME,
            Sync: SYNC,
            ...optional(['InlineCode', 'CodeUri', 'MaxBatchSize']),
          },
        },
      },
    },
    ApiKeys: {mapOf: {fields: optional(['ApiKeyId', 'Description', 'ExpiresOn'])}},
    DomainName: {fields: {CertificateArn: anyRequired(), DomainName: anyRequired(), Description: ANY}},
    Cache: {
      fields: {ApiCachingBehavior: anyRequired(), Ttl: anyRequired(), Type: anyRequired(), ...optional(['AtRestEncryptionEnabled', 'TransitEncryptionEnabled'])},
    },
    ...optional(['Name', 'SchemaInline', 'SchemaUri', 'Visibility', 'OwnerContact', 'IntrospectionConfig', 'QueryDepthLimit', 'ResolverCountLimit']),
  },
}

function anyRequired(): Field {
  return {any: true, required: true}
}

/** The first value that does not fit the model, as a dotted path (SAM: `Property 'Auth.Type' is invalid.`). */
function firstMismatch(value: unknown, model: Model, path: string[]): string[] | undefined {
  if (model === 'any' || (isObject(model) && 'any' in model)) return undefined
  if (model === 'string') return typeof value === 'string' || typeof value === 'number' ? undefined : path
  if (model === 'boolean') return typeof value === 'boolean' || value === 'true' || value === 'false' ? undefined : path
  if (model === 'stringOrIntrinsic') return typeof value === 'string' || isObject(value) ? undefined : path
  if ('anyOf' in model) {
    const mismatches = model.anyOf.map((option) => firstMismatch(value, option, path))
    return mismatches.includes(undefined) ? undefined : mismatches.reduce((deepest, found) => (found!.length > deepest!.length ? found : deepest))
  }
  if ('oneOf' in model) return typeof value === 'string' && model.oneOf.includes(value) ? undefined : path
  if ('listOf' in model) {
    if (!Array.isArray(value)) return path
    for (const [index, item] of value.entries()) {
      const found = firstMismatch(item, model.listOf, [...path, String(index)])
      if (found) return found
    }
    return undefined
  }
  if (!isObject(value) || 'any' in model) return path
  if ('mapOf' in model) {
    for (const [key, item] of Object.entries(value)) {
      const found = firstMismatch(item, model.mapOf, [...path, key])
      if (found) return found
    }
    return undefined
  }
  for (const [name, field] of Object.entries(model.fields)) {
    const item = value[name]
    if (item === undefined || item === null) {
      if (field.required) return [...path, name]
      continue
    }
    const found = firstMismatch(item, field, [...path, name])
    if (found) return found
  }
  const unknown = Object.keys(value).find((key) => !(key in model.fields))
  return unknown === undefined ? undefined : [...path, unknown]
}

const APPSYNC_ASSUME_ROLE_POLICY = (): JsonObject => ({
  Version: '2012-10-17',
  Statement: [{Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: {Service: ['appsync.amazonaws.com']}}],
})

/** The pipeline resolver code SAM writes when a resolver brings none: pass the last function's result on. */
const DEFAULT_RESOLVER_CODE = `
export function request(ctx) {
    return {};
}

export function response(ctx) {
    return ctx.prev.result;
}
`

const has = (value: unknown): boolean => value !== undefined && value !== null && value !== '' && value !== false && value !== 0

/**
 * AWS::Serverless::GraphQLApi → an AppSync GraphQLApi with its schema, data sources (with roles and connector
 * policies), functions, pipeline resolvers, API keys, cache, domain and logging role.
 */
export function translateGraphQLApi(logicalId: string, resource: JsonObject, context: TransformContext): CfnResource[] {
  const props = (resource.Properties ?? {}) as JsonObject
  validateProperties(logicalId, GRAPHQL_API_TYPE, props, GRAPHQL_API_PROPERTIES)
  const mismatch = firstMismatch(props, PROPERTIES_MODEL, [])
  if (mismatch) throw invalidResource(logicalId, `Property '${mismatch.join('.')}' is invalid.`)

  const attributes: JsonObject = {}
  for (const name of SUPPORTED_ATTRIBUTES) if (name in resource) attributes[name] = resource[name]
  const make = (id: string, type: string, dependsOn: unknown = resource.DependsOn): CfnResource => new CfnResource(id, type, {...attributes}, dependsOn)
  const api = make(logicalId, 'AWS::AppSync::GraphQLApi').set('Name', has(props.Name) ? props.Name : logicalId)
  for (const name of ['Visibility', 'OwnerContact']) if (has(props[name])) api.set(name, props[name])
  api.set('XrayEnabled', typeof props.XrayEnabled === 'string' ? props.XrayEnabled === 'true' : props.XrayEnabled)
  for (const name of ['IntrospectionConfig', 'QueryDepthLimit', 'ResolverCountLimit']) if (has(props[name])) api.set(name, props[name])
  const apiId = getAtt(logicalId, 'ApiId')

  const resources: CfnResource[] = [api]
  const lambdaAuthorizers = setAuth(logicalId, api, props.Auth as JsonObject)
  api.set('Tags', tagList({...(isObject(props.Tags) ? props.Tags : {}), 'graphqlapi:createdBy': 'SAM'}))
  if (props.Logging !== false) {
    const logging = isObject(props.Logging) ? props.Logging : undefined
    const logConfig: JsonObject = {}
    if (logging && has(logging.ExcludeVerboseContent)) logConfig.ExcludeVerboseContent = logging.ExcludeVerboseContent
    logConfig.FieldLogLevel = logging && has(logging.FieldLogLevel) ? logging.FieldLogLevel : 'ALL'
    if (logging && has(logging.CloudWatchLogsRoleArn)) logConfig.CloudWatchLogsRoleArn = logging.CloudWatchLogsRoleArn
    else {
      const role = make(`${logicalId}CloudWatchRole`, 'AWS::IAM::Role')
        .set('AssumeRolePolicyDocument', APPSYNC_ASSUME_ROLE_POLICY())
        .set('ManagedPolicyArns', [sub('arn:${AWS::Partition}:iam::aws:policy/service-role/AWSAppSyncPushToCloudWatchLogs')])
      logConfig.CloudWatchLogsRoleArn = role.arn()
      resources.push(role)
    }
    api.set('LogConfig', logConfig)
  }

  if (!has(props.SchemaInline) && !has(props.SchemaUri)) throw invalidResource(logicalId, "One of 'SchemaInline' or 'SchemaUri' must be set.")
  if (has(props.SchemaInline) && has(props.SchemaUri)) {
    throw invalidResource(logicalId, "Property 'SchemaUri' cannot be defined with 'SchemaInline': both 'SchemaInline' and 'SchemaUri' cannot be defined at the same time.")
  }
  const schema = make(`${logicalId}Schema`, 'AWS::AppSync::GraphQLSchema').set('ApiId', apiId).set('Definition', props.SchemaInline).set('DefinitionS3Location', props.SchemaUri)
  resources.push(schema)

  lambdaAuthorizers.forEach((arn, index) => {
    const connector = {
      Type: CONNECTOR_TYPE,
      Properties: {
        Source: {Type: 'AWS::AppSync::GraphQLApi', Arn: ref(logicalId), ResourceId: apiId},
        Destination: {Type: 'AWS::Lambda::Function', Arn: arn},
        Permissions: ['Write'],
      },
    }
    resources.push(...translateConnector(`${logicalId}ToLambdaAuthConnector${index + 1}`, connector, context))
  })

  for (const [name, key] of Object.entries(isObject(props.ApiKeys) ? props.ApiKeys : {})) {
    const spec = key as JsonObject
    resources.push(make(`${logicalId}${name}`, 'AWS::AppSync::ApiKey').set('ApiId', apiId).set('ApiKeyId', spec.ApiKeyId).set('Description', spec.Description).set('Expires', spec.ExpiresOn))
  }
  if (isObject(props.Cache)) {
    const cache = props.Cache
    const apiCache = make(`${logicalId}ApiCache`, 'AWS::AppSync::ApiCache').set('ApiId', apiId)
    for (const name of ['ApiCachingBehavior', 'Type', 'Ttl', 'AtRestEncryptionEnabled', 'TransitEncryptionEnabled']) apiCache.set(name, cache[name])
    resources.push(apiCache)
  }

  const dataSourceNames = new Map<string, unknown>()
  const dataSources = isObject(props.DataSources) ? props.DataSources : {}
  for (const [name, spec] of Object.entries(isObject(dataSources.DynamoDb) ? dataSources.DynamoDb : {})) {
    resources.push(...dynamoDbDataSource({apiLogicalId: logicalId, name, spec: spec as JsonObject, apiId, make, context}))
    dataSourceNames.set(name, getAtt(`${logicalId}${name}DynamoDBDataSource`, 'Name'))
  }
  for (const [name, spec] of Object.entries(isObject(dataSources.Lambda) ? dataSources.Lambda : {})) {
    resources.push(...lambdaDataSource({apiLogicalId: logicalId, name, spec: spec as JsonObject, apiId, make, context}))
    dataSourceNames.set(name, getAtt(`${logicalId}${name}LambdaDataSource`, 'Name'))
  }

  if (isObject(props.DomainName)) {
    const domain = props.DomainName
    const domainName = make(`${logicalId}DomainName`, 'AWS::AppSync::DomainName')
      .set('CertificateArn', domain.CertificateArn)
      .set('DomainName', domain.DomainName)
      .set('Description', domain.Description)
    resources.push(domainName, make(`${logicalId}DomainNameApiAssociation`, 'AWS::AppSync::DomainNameApiAssociation').set('ApiId', apiId).set('DomainName', domainName.ref()))
  }

  let noneDataSource: CfnResource | undefined
  const dataSourceName = (owner: string, value: unknown): unknown => {
    if (!has(value)) throw invalidResource(logicalId, `Property '${owner}.DataSource' must be set.`)
    if (typeof value !== 'string') return value
    if (value.toLowerCase() === 'none') {
      noneDataSource ??= make(`${logicalId}NoneDataSource`, 'AWS::AppSync::DataSource').set('ApiId', apiId).set('Name', `${logicalId}NoneDataSource`).set('Type', 'NONE')
      return getAtt(noneDataSource.logicalId, 'Name')
    }
    if (dataSourceNames.has(value)) return dataSourceNames.get(value)
    throw invalidResource(
      logicalId,
      `Property '${owner}.DataSource': either define DataSource '${value}' in 'DataSources' or use intrinsic function like GetAtt, ImportValue, Sub or another one to reference a DataSource defined outside of this GraphQLApi resource.`,
    )
  }
  const runtime = (owner: string, spec: JsonObject): JsonObject => {
    if (!isObject(spec.Runtime)) throw invalidResource(logicalId, `Property '${owner}.Runtime' must be defined.`)
    return {Name: spec.Runtime.Name, RuntimeVersion: spec.Runtime.Version}
  }

  const functionIds = new Map<string, unknown>()
  for (const [name, value] of Object.entries(isObject(props.Functions) ? props.Functions : {})) {
    const spec = value as JsonObject
    const owner = `Functions.${name}`
    if (has(spec.Id)) {
      if (Object.values(spec).filter((item) => item !== null && item !== undefined).length !== 1) {
        throw invalidResource(logicalId, `Property '${owner}.Id' cannot be defined with other properties in Function.`)
      }
      functionIds.set(name, spec.Id)
      continue
    }
    const configuration = make(`${logicalId}${name}`, 'AWS::AppSync::FunctionConfiguration')
      .set('ApiId', apiId)
      .set('Name', has(spec.Name) ? spec.Name : name)
    if (has(spec.InlineCode) && has(spec.CodeUri)) throw invalidResource(logicalId, `Property '${owner}.CodeUri' cannot be defined with 'InlineCode' at the same time.`)
    if (has(spec.InlineCode)) configuration.set('Code', spec.InlineCode)
    else if (has(spec.CodeUri)) configuration.set('CodeS3Location', spec.CodeUri)
    else throw invalidResource(logicalId, `Property '${owner}': one of 'InlineCode' or 'CodeUri' must be set.`)
    configuration
      .set('DataSourceName', dataSourceName(owner, spec.DataSource))
      .set('MaxBatchSize', spec.MaxBatchSize)
      .set('Description', spec.Description)
      .set('Runtime', runtime(owner, spec))
    if (isObject(spec.Sync)) configuration.set('SyncConfig', withoutNulls(spec.Sync))
    functionIds.set(name, getAtt(configuration.logicalId, 'FunctionId'))
    resources.push(configuration)
  }

  for (const [typeName, fields] of Object.entries(isObject(props.Resolvers) ? props.Resolvers : {})) {
    for (const [name, value] of Object.entries(fields as JsonObject)) {
      const spec = value as JsonObject
      const owner = `Resolvers.${typeName}.${name}`
      const resolver = make(`${logicalId}${typeName}${name}`, 'AWS::AppSync::Resolver', [schema.logicalId])
      if (has(spec.CodeUri) && has(spec.InlineCode)) throw invalidResource(logicalId, `Property '${owner}.CodeUri' cannot be defined with 'InlineCode' at the same time.`)
      resolver.set('Code', spec.InlineCode).set('CodeS3Location', spec.CodeUri)
      if (!has(spec.InlineCode) && !has(spec.CodeUri)) resolver.set('Code', DEFAULT_RESOLVER_CODE).set('Runtime', {Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0'})
      else resolver.set('Runtime', runtime(owner, spec))
      resolver.set('ApiId', apiId).set('FieldName', has(spec.FieldName) ? spec.FieldName : name).set('TypeName', typeName)
      if (!has(spec.Pipeline)) {
        throw invalidResource(logicalId, `Property '${owner}.Pipeline' must be defined: unit resolvers are not supported. If you need a Unit resolver you can use AppSync resource.`)
      }
      resolver.set('Kind', 'PIPELINE').set('PipelineConfig', {
        Functions: (spec.Pipeline as string[]).map((functionName) => {
          if (!functionIds.has(functionName)) throw invalidResource(logicalId, `Property '${owner}.Pipeline': Function '${functionName}' does not exist.`)
          return functionIds.get(functionName)
        }),
      })
      if (isObject(spec.Caching)) resolver.set('CachingConfig', withoutNulls(spec.Caching))
      if (has(spec.MaxBatchSize)) resolver.set('MaxBatchSize', spec.MaxBatchSize)
      resources.push(resolver)
    }
  }
  if (noneDataSource) resources.push(noneDataSource)
  return resources
}

function withoutNulls(value: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== null && item !== undefined))
}

/** AuthenticationType and its configuration, and the additional providers; returns the Lambda authorizers' ARNs. */
function setAuth(logicalId: string, api: CfnResource, auth: JsonObject): unknown[] {
  const lambdaAuthorizers: unknown[] = []
  const {Additional: additional, ...primary} = auth
  const config = authorizerConfig(logicalId, primary, 'Auth', true)
  api.set('AuthenticationType', auth.Type)
  if (config) {
    api.set(config.name, config.value)
    if (config.name === 'LambdaAuthorizerConfig') lambdaAuthorizers.push(config.value.AuthorizerUri)
  }
  const providers = (Array.isArray(additional) ? additional : []).map((item, index) => {
    const entry = item as JsonObject
    const provider: JsonObject = {AuthenticationType: entry.Type}
    const extra = authorizerConfig(logicalId, entry, `Auth.Additional.${index}`, false)
    if (extra) {
      provider[extra.name] = extra.value
      if (extra.name === 'LambdaAuthorizerConfig') lambdaAuthorizers.push(extra.value.AuthorizerUri)
    }
    return provider
  })
  if (providers.length > 0) api.set('AdditionalAuthenticationProviders', providers)
  return lambdaAuthorizers
}

const AUTH_CONFIGS: Readonly<Record<string, [property: string, config: string]>> = {
  AWS_LAMBDA: ['LambdaAuthorizer', 'LambdaAuthorizerConfig'],
  OPENID_CONNECT: ['OpenIDConnect', 'OpenIDConnectConfig'],
  AMAZON_COGNITO_USER_POOLS: ['UserPool', 'UserPoolConfig'],
}

function authorizerConfig(logicalId: string, auth: JsonObject, path: string, primary: boolean): {name: string; value: JsonObject} | undefined {
  // One authorizer: its Type and, where the type needs one, the configuration of that type.
  if (Object.values(auth).filter((value) => value !== null && value !== undefined).length > 2) {
    throw invalidResource(logicalId, `Property '${path}' has more than one authentication configuration defined.`)
  }
  const config = AUTH_CONFIGS[auth.Type as string]
  if (!config) return undefined
  const [property, name] = config
  const value = auth[property]
  if (!isObject(value)) throw invalidResource(logicalId, `Property '${path}.${property}' must be defined if type is '${String(auth.Type)}'.`)
  const cleaned = withoutNulls(value)
  // DefaultAction belongs to the primary user pool only.
  if (property === 'UserPool' && !primary) delete cleaned.DefaultAction
  return {name, value: cleaned}
}

/** One entry of DataSources.DynamoDb or DataSources.Lambda, and what its resources are made with. */
interface DataSourceInput {
  apiLogicalId: string
  name: string
  spec: JsonObject
  apiId: JsonObject
  make: (id: string, type: string) => CfnResource
  context: TransformContext
}

/** What every data source has: its name (the key in DataSources unless named), type, API and description. */
function dataSourceOf(dataSource: CfnResource, name: string, spec: JsonObject, type: string, apiId: JsonObject): CfnResource {
  return dataSource.set('Name', has(spec.Name) ? spec.Name : name).set('Type', type).set('ApiId', apiId).set('Description', spec.Description)
}

function dynamoDbDataSource({apiLogicalId, name, spec, apiId, make, context}: DataSourceInput): CfnResource[] {
  const id = `${apiLogicalId}${name}DynamoDBDataSource`
  const region = has(spec.Region) ? spec.Region : ref('AWS::Region')
  const config: JsonObject = {AwsRegion: region, TableName: spec.TableName}
  if (has(spec.UseCallerCredentials)) config.UseCallerCredentials = spec.UseCallerCredentials
  if (has(spec.Versioned)) config.Versioned = spec.Versioned
  if (isObject(spec.DeltaSync)) config.DeltaSyncConfig = spec.DeltaSync
  const dataSource = dataSourceOf(make(id, 'AWS::AppSync::DataSource'), name, spec, 'AMAZON_DYNAMODB', apiId).set('DynamoDBConfig', config)
  if (has(spec.ServiceRoleArn)) return [dataSource.set('ServiceRoleArn', spec.ServiceRoleArn)]
  const tableArn = has(spec.TableArn)
    ? spec.TableArn
    : sub('arn:${AWS::Partition}:dynamodb:${__Region__}:${AWS::AccountId}:table/${__TableName__}', {__TableName__: spec.TableName, __Region__: region})
  const permissions = Array.isArray(spec.Permissions) && spec.Permissions.length > 0 ? spec.Permissions : ['Read', 'Write']
  return [dataSource, ...serviceRole(`${id}ToTableConnector`, dataSource, 'AWS::DynamoDB::Table', tableArn, permissions, make, context)]
}

function lambdaDataSource({apiLogicalId, name, spec, apiId, make, context}: DataSourceInput): CfnResource[] {
  const id = `${apiLogicalId}${name}LambdaDataSource`
  const dataSource = dataSourceOf(make(id, 'AWS::AppSync::DataSource'), name, spec, 'AWS_LAMBDA', apiId).set('LambdaConfig', {LambdaFunctionArn: spec.FunctionArn})
  if (has(spec.ServiceRoleArn)) return [dataSource.set('ServiceRoleArn', spec.ServiceRoleArn)]
  return [dataSource, ...serviceRole(`${id}ToLambdaConnector`, dataSource, 'AWS::Lambda::Function', spec.FunctionArn, ['Write'], make, context)]
}

/** `<DataSource>Role`, which AppSync assumes, and the connector that lets it reach the data source's target. */
function serviceRole(
  connectorId: string,
  dataSource: CfnResource,
  targetType: string,
  targetArn: unknown,
  permissions: unknown[],
  make: (id: string, type: string) => CfnResource,
  context: TransformContext,
): CfnResource[] {
  const role = make(`${dataSource.logicalId}Role`, 'AWS::IAM::Role').set('AssumeRolePolicyDocument', APPSYNC_ASSUME_ROLE_POLICY())
  dataSource.set('ServiceRoleArn', role.arn())
  const connector = {
    Type: CONNECTOR_TYPE,
    Properties: {
      Source: {Type: 'AWS::AppSync::DataSource', Arn: getAtt(dataSource.logicalId, 'DataSourceArn'), RoleName: role.ref()},
      Destination: {Type: targetType, Arn: targetArn},
      Permissions: permissions,
    },
  }
  return [role, ...translateConnector(connectorId, connector, context)]
}
