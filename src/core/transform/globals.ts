import {applyGlobals} from '../template/resolve.js'
import {SamError} from './errors.js'
import {isObject, type JsonObject} from './json.js'
import {markCopiedDeep} from './python-repr.js'

/** Properties SAM accepts in each Globals section (aws-sam-translator 1.110.0). */
const GLOBAL_PROPERTIES: Record<string, readonly string[]> = {
  Function: [
    'Handler', 'Runtime', 'CodeUri', 'DeadLetterQueue', 'Description', 'MemorySize', 'Timeout', 'VpcConfig',
    'Environment', 'Tags', 'PropagateTags', 'Tracing', 'KmsKeyArn', 'AutoPublishAlias', 'AutoPublishAliasAllProperties',
    'Layers', 'DeploymentPreference', 'RolePath', 'PermissionsBoundary', 'ReservedConcurrentExecutions',
    'ProvisionedConcurrencyConfig', 'AssumeRolePolicyDocument', 'EventInvokeConfig', 'FileSystemConfigs',
    'CodeSigningConfigArn', 'Architectures', 'SnapStart', 'EphemeralStorage', 'FunctionUrlConfig',
    'RuntimeManagementConfig', 'LoggingConfig', 'RecursiveLoop', 'SourceKMSKeyArn', 'TenancyConfig', 'DurableConfig',
    'CapacityProviderConfig', 'FunctionScalingConfig', 'PublishToLatestPublished', 'VersionDeletionPolicy',
  ],
  Api: [
    'Auth', 'Name', 'DefinitionUri', 'CacheClusterEnabled', 'CacheClusterSize', 'MergeDefinitions', 'Variables',
    'EndpointConfiguration', 'MethodSettings', 'BinaryMediaTypes', 'MinimumCompressionSize', 'Cors',
    'GatewayResponses', 'AccessLogSetting', 'CanarySetting', 'TracingEnabled', 'OpenApiVersion', 'Domain',
    'AlwaysDeploy', 'PropagateTags', 'SecurityPolicy', 'EndpointAccessMode',
  ],
  HttpApi: [
    'Auth', 'AccessLogSettings', 'StageVariables', 'Tags', 'CorsConfiguration', 'DefaultRouteSettings', 'Domain',
    'RouteSettings', 'FailOnWarnings', 'PropagateTags',
  ],
  SimpleTable: ['SSESpecification'],
  StateMachine: ['PropagateTags'],
  LayerVersion: ['PublishLambdaVersion'],
  CapacityProvider: ['VpcConfig', 'OperatorRole', 'Tags', 'InstanceRequirements', 'ScalingConfig', 'KmsKeyArn', 'PropagateTags'],
  WebSocketApi: [
    'AccessLogSettings', 'ApiKeySelectionExpression', 'DefaultRouteSettings', 'DisableExecuteApiEndpoint',
    'DisableSchemaValidation', 'Domain', 'FailOnWarnings', 'IpAddressType', 'PropagateTags', 'RouteSelectionExpression',
    'RouteSettings', 'StageVariables', 'Tags',
  ],
}

const SECTION_NAMES = Object.keys(GLOBAL_PROPERTIES).sort()

function globalsError(message: string): SamError {
  return new SamError(`'Globals' section is invalid. ${message}`)
}

function pythonList(items: readonly string[]): string {
  return `[${items.map((item) => `'${item}'`).join(', ')}]`
}

/** The Globals section, parsed and checked as SAM checks it. */
export class Globals {
  private readonly sections = new Map<string, JsonObject>()

  constructor(globals: unknown) {
    if (globals === undefined) return
    if (!isObject(globals)) throw globalsError('It must be a non-empty dictionary')
    for (const [section, properties] of Object.entries(globals)) {
      const supported = GLOBAL_PROPERTIES[section]
      if (supported === undefined) {
        throw globalsError(`'${section}' is not supported. Must be one of the following values - ${pythonList(SECTION_NAMES)}`)
      }
      if (!isObject(properties)) throw globalsError('Value of ${section} must be a dictionary')
      for (const key of Object.keys(properties)) {
        if (!supported.includes(key)) {
          throw globalsError(`'${key}' is not a supported property of '${section}'. Must be one of the following values - ${pythonList(supported)}`)
        }
      }
      this.sections.set(`AWS::Serverless::${section}`, properties)
    }
  }

  /**
   * The resource's properties with the globals of its type merged in, honouring IgnoreGlobals, by the merge every
   * stage shares (template/resolve.ts). An IgnoreGlobals the translator refuses is a SamError here.
   */
  merge(logicalId: string, type: string, properties: JsonObject, ignoreGlobals: unknown): JsonObject {
    const section = this.sections.get(type)
    if (section === undefined) return properties
    const merged = applyGlobals(section, [], properties, [], ignoreGlobals)
    if (merged.invalidIgnoreGlobals !== undefined) {
      if (!Array.isArray(ignoreGlobals)) {
        throw new SamError(`Resource with id [${logicalId}] is invalid. Resource ${logicalId} has invalid resource attribute 'IgnoreGlobals'.`)
      }
      throw new SamError(`Resource with id [${logicalId}] is invalid. Resource ${logicalId} has invalid resource attribute 'IgnoreGlobals' on item '${String(merged.invalidIgnoreGlobals)}'.`)
    }
    if (type === 'AWS::Serverless::Api') {
      // SAM deep-copies a resource's globals before merging: what an Api takes whole from them is copied once more.
      for (const key of Object.keys(merged.properties)) if (!(key in properties)) markCopiedDeep(merged.properties[key])
    }
    return merged.properties
  }
}
