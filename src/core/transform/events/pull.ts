import {awsManagedPolicyArn} from '../context.js'
import {InvalidEventError} from '../errors.js'
import {isIntrinsic, resolveParameterRefs} from '../intrinsics.js'
import {isObject, type JsonObject} from '../json.js'
import {CfnResource} from '../resource.js'
import {addInlinePolicies, addManagedPolicy, POLICY} from '../function/role.js'
import type {PropertySpec} from '../validate.js'
import {expectMap, expectString} from '../validate.js'
import type {EventInput, EventSourceType} from './event.js'

const COMMON: Record<string, PropertySpec> = {
  BatchSize: {shape: 'integer'},
  StartingPosition: {shape: 'any'},
  StartingPositionTimestamp: {shape: 'any'},
  Enabled: {shape: 'boolean'},
  MaximumBatchingWindowInSeconds: {shape: 'integer'},
  MaximumRetryAttempts: {shape: 'integer'},
  BisectBatchOnFunctionError: {shape: 'boolean'},
  MaximumRecordAgeInSeconds: {shape: 'integer'},
  DestinationConfig: {shape: 'map'},
  ParallelizationFactor: {shape: 'integer'},
  Topics: {shape: 'list'},
  Queues: {shape: 'list'},
  SourceAccessConfigurations: {shape: 'list'},
  SecretsManagerKmsKeyId: {shape: 'string'},
  TumblingWindowInSeconds: {shape: 'integer'},
  FunctionResponseTypes: {shape: 'list'},
  KafkaBootstrapServers: {shape: 'list'},
  FilterCriteria: {shape: 'map'},
  KmsKeyArn: {shape: 'any'},
  ConsumerGroupId: {shape: 'string'},
  ScalingConfig: {shape: 'map'},
  ProvisionedPollerConfig: {shape: 'map'},
  SchemaRegistryConfig: {shape: 'map'},
  MetricsConfig: {shape: 'map'},
  LoggingConfig: {shape: 'map'},
}

/** Properties copied onto the AWS::Lambda::EventSourceMapping unchanged. */
const MAPPED = [
  'StartingPosition', 'StartingPositionTimestamp', 'BatchSize', 'Enabled', 'MaximumBatchingWindowInSeconds',
  'MaximumRetryAttempts', 'BisectBatchOnFunctionError', 'MaximumRecordAgeInSeconds', 'ParallelizationFactor', 'Topics',
  'Queues', 'SourceAccessConfigurations', 'TumblingWindowInSeconds', 'FunctionResponseTypes', 'FilterCriteria',
  'KmsKeyArn', 'ScalingConfig', 'ProvisionedPollerConfig', 'MetricsConfig', 'LoggingConfig',
]
const FILTERING_TYPES = ['DocumentDB', 'DynamoDB', 'Kinesis', 'MQ', 'MSK', 'SelfManagedKafka', 'SQS']
const VPC_ACTIONS = [
  'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:DescribeVpcs',
  'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups',
]

interface PullKind {
  type: string
  /** The property holding the source ARN. */
  sourceProperty?: string
  extra: Record<string, PropertySpec>
  managedPolicy?: string
  statements?(input: EventInput): JsonObject[] | undefined
  extraMapping?(input: EventInput, mapping: CfnResource): void
}

function pullEventSource(kind: PullKind): EventSourceType {
  return {
    properties: {...COMMON, ...kind.extra},
    translate(input) {
      const props = input.properties
      const mapping = new CfnResource(input.logicalId, 'AWS::Lambda::EventSourceMapping', input.target.passthrough)
      mapping.set('FunctionName', input.target.name)
      mapping.set('EventSourceArn', kind.sourceProperty ? props[kind.sourceProperty] : undefined)
      for (const name of MAPPED) mapping.set(name, props[name])
      validateFilterCriteria(kind.type, input)
      if (props.KafkaBootstrapServers) mapping.set('SelfManagedEventSource', {Endpoints: {KafkaBootstrapServers: props.KafkaBootstrapServers}})
      const kafkaConfigName = kind.type === 'MSK' ? 'AmazonManagedKafkaEventSourceConfig' : kind.type === 'SelfManagedKafka' ? 'SelfManagedKafkaEventSourceConfig' : undefined
      if (props.ConsumerGroupId) {
        if (!kafkaConfigName) throw new InvalidEventError(input.logicalId, `Property ConsumerGroupId not defined for resource of type ${kind.type}.`)
        mapping.set(kafkaConfigName, {ConsumerGroupId: props.ConsumerGroupId})
      }
      if (props.SchemaRegistryConfig && kafkaConfigName) {
        mapping.set(kafkaConfigName, {...((mapping.get(kafkaConfigName) as JsonObject | undefined) ?? {}), SchemaRegistryConfig: props.SchemaRegistryConfig})
      }
      let destinationPolicy: JsonObject | undefined
      if (props.DestinationConfig) {
        const destination = props.DestinationConfig as JsonObject
        const onFailure = {...expectMap(destination.OnFailure, input.logicalId, 'DestinationConfig.OnFailure', true)}
        const type = onFailure.Type
        if (type) {
          delete onFailure.Type
          if (type === 'SQS') destinationPolicy = POLICY.sqsSendMessage(onFailure.Destination, input.logicalId)
          else if (type === 'SNS') destinationPolicy = POLICY.snsPublish(onFailure.Destination, input.logicalId)
          else if (type === 'S3') destinationPolicy = POLICY.s3SendEventPayload(onFailure.Destination, input.logicalId)
          else if (type !== 'Kafka') throw new InvalidEventError(input.logicalId, "The only valid values for 'Type' are 'SQS', 'SNS', 'S3', and 'Kafka'")
        }
        mapping.set('DestinationConfig', {...destination, OnFailure: onFailure})
      }
      kind.extraMapping?.(input, mapping)
      if (kind.managedPolicy) addManagedPolicy(input.role, awsManagedPolicyArn(input.context, kind.managedPolicy))
      const statements = kind.statements?.(input)
      if (statements) addInlinePolicies(input.role, statements)
      if (destinationPolicy) addInlinePolicies(input.role, [destinationPolicy])
      return [mapping]
    },
  }
}

function validateFilterCriteria(type: string, input: EventInput): void {
  const criteria = input.properties.FilterCriteria
  if (!criteria || isIntrinsic(criteria)) return
  if (!FILTERING_TYPES.includes(type)) {
    throw new InvalidEventError(input.name, `FilterCriteria is only available for ${FILTERING_TYPES.join(', ')} events.`)
  }
  const keys = Object.keys(criteria as JsonObject)
  if (!(keys.length === 0 || (keys.length === 1 && keys[0] === 'Filters'))) throw new InvalidEventError(input.name, 'FilterCriteria field has a wrong format')
}

const kmsDecrypt = (keyId: unknown): JsonObject => ({
  Action: ['kms:Decrypt'],
  Effect: 'Allow',
  Resource: {'Fn::Sub': `arn:\${AWS::Partition}:kms:\${AWS::Region}:\${AWS::AccountId}:key/${String(keyId)}`},
})

function secretsManagerKmsKeyId(input: EventInput): string | undefined {
  const keyId = input.properties.SecretsManagerKmsKeyId
  if (!keyId) return undefined
  return expectString(keyId, input.name, 'SecretsManagerKmsKeyId', true)
}

/** The one URI of `requiredType` among SourceAccessConfigurations, with SAM's checks (MQ, DocumentDB). */
function requiredAccessUri(input: EventInput, type: string, supported: string[], required: string): unknown {
  const configurations = input.properties.SourceAccessConfigurations
  if (!configurations) throw new InvalidEventError(input.name, `No SourceAccessConfigurations for Amazon ${type} event provided.`)
  if (!Array.isArray(configurations)) throw new InvalidEventError(input.name, 'Provided SourceAccessConfigurations cannot be parsed into a list.')
  let uri: unknown
  configurations.forEach((configuration, index) => {
    const conf = expectMap(configuration, input.name, `SourceAccessConfigurations[${index}]`, true)
    const confType = expectString(conf.Type, input.name, `SourceAccessConfigurations[${index}].Type`, true)
    if (!supported.includes(confType)) {
      throw new InvalidEventError(input.name, `Invalid property Type specified in SourceAccessConfigurations. The supported values are: [${supported.map((s) => `'${s}'`).join(', ')}].`)
    }
    if (confType === required) {
      if (uri) throw new InvalidEventError(input.name, `Multiple ${required} properties specified in SourceAccessConfigurations.`)
      uri = conf.URI
      if (!uri) throw new InvalidEventError(input.name, `No ${required} URI property specified in SourceAccessConfigurations.`)
    }
  })
  if (!uri) throw new InvalidEventError(input.name, `No ${required} property specified in SourceAccessConfigurations.`)
  return uri
}

function schemaRegistryStatements(input: EventInput): JsonObject[] | undefined {
  const config = input.properties.SchemaRegistryConfig
  if (!config) return undefined
  const registry = expectMap(config, input.name, 'SchemaRegistryConfig', true)
  for (const field of ['SchemaRegistryURI', 'EventRecordFormat', 'SchemaValidationConfigs']) {
    if (!(field in registry)) throw new InvalidEventError(input.name, `Missing required field ${field} in SchemaRegistryConfig`)
  }
  if (registry.EventRecordFormat !== 'JSON' && registry.EventRecordFormat !== 'SOURCE') {
    throw new InvalidEventError(input.name, "EventRecordFormat in SchemaRegistryConfig must be either 'JSON' or 'SOURCE'")
  }
  if (!Array.isArray(registry.SchemaValidationConfigs)) throw new InvalidEventError(input.name, 'SchemaValidationConfigs must be a list')
  const accessConfigs = registry.AccessConfigs ?? []
  if (accessConfigs) {
    if (!Array.isArray(accessConfigs)) throw new InvalidEventError(input.name, 'AccessConfigs in SchemaRegistryConfig must be a list')
    for (const access of accessConfigs) {
      if (!isObject(access) || !('Type' in access) || !('URI' in access)) throw new InvalidEventError(input.name, "Each AccessConfig must be a dict with 'Type' and 'URI' fields")
    }
  }
  const statements: JsonObject[] = []
  for (const access of (accessConfigs as JsonObject[]) ?? []) {
    statements.push({Action: ['secretsmanager:GetSecretValue'], Effect: 'Allow', Resource: access.URI})
  }
  const uri = registry.SchemaRegistryURI
  let arn: unknown
  if (typeof uri === 'string') arn = uri
  else if (isObject(uri)) arn = (resolveParameterRefs(uri, input.context.parameters) as JsonObject)['Fn::Sub']
  const registryName = registryNameOf(String(arn))
  if (registryName !== undefined) {
    statements.push({Action: ['glue:GetRegistry'], Effect: 'Allow', Resource: uri})
    statements.push({
      Action: ['glue:GetSchemaVersion'],
      Effect: 'Allow',
      Resource: [{'Fn::Sub': `arn:\${AWS::Partition}:glue:\${AWS::Region}:\${AWS::AccountId}:schema/${registryName}/*`}],
    })
  }
  return statements
}

function registryNameOf(uri: string): string | undefined {
  if (!uri.startsWith('arn')) return undefined
  const parts = uri.split(':')
  if (parts.length >= 6 && parts[5]!.startsWith('registry/')) return parts[5]!.slice('registry/'.length)
  return undefined
}

export const SQS = pullEventSource({
  type: 'SQS',
  sourceProperty: 'Queue',
  extra: {Queue: {shape: 'any', required: true}},
  managedPolicy: 'service-role/AWSLambdaSQSQueueExecutionRole',
})

export const Kinesis = pullEventSource({
  type: 'Kinesis',
  sourceProperty: 'Stream',
  extra: {Stream: {shape: 'any', required: true}, StartingPosition: {shape: 'any', required: true}},
  managedPolicy: 'service-role/AWSLambdaKinesisExecutionRole',
})

export const DynamoDB = pullEventSource({
  type: 'DynamoDB',
  sourceProperty: 'Stream',
  extra: {Stream: {shape: 'any', required: true}, StartingPosition: {shape: 'any', required: true}},
  managedPolicy: 'service-role/AWSLambdaDynamoDBExecutionRole',
})

export const MSK = pullEventSource({
  type: 'MSK',
  sourceProperty: 'Stream',
  extra: {Stream: {shape: 'any', required: true}, StartingPosition: {shape: 'any', required: true}},
  managedPolicy: 'service-role/AWSLambdaMSKExecutionRole',
  statements(input) {
    const statements: JsonObject[] = [...(schemaRegistryStatements(input) ?? [])]
    const configurations = input.properties.SourceAccessConfigurations
    if (Array.isArray(configurations)) {
      for (const conf of configurations) {
        if (isObject(conf) && conf.Type === 'CLIENT_CERTIFICATE_TLS_AUTH' && conf.URI) {
          statements.push({Action: ['secretsmanager:GetSecretValue'], Effect: 'Allow', Resource: conf.URI})
        }
      }
    }
    return statements.length > 0 ? [{PolicyName: 'MSKExecutionRolePolicy', PolicyDocument: {Statement: statements}}] : undefined
  },
})

export const MQ = pullEventSource({
  type: 'MQ',
  sourceProperty: 'Broker',
  extra: {Broker: {shape: 'any', required: true}, DynamicPolicyName: {shape: 'boolean', intrinsics: false}},
  statements(input) {
    const uri = requiredAccessUri(input, 'MQ', ['BASIC_AUTH', 'VIRTUAL_HOST'], 'BASIC_AUTH')
    const statements: JsonObject[] = [
      {Action: ['secretsmanager:GetSecretValue'], Effect: 'Allow', Resource: uri},
      {Action: ['mq:DescribeBroker'], Effect: 'Allow', Resource: input.properties.Broker},
    ]
    const keyId = secretsManagerKmsKeyId(input)
    if (keyId) statements.push({...kmsDecrypt(keyId), Action: 'kms:Decrypt'})
    const policyName = input.properties.DynamicPolicyName ? `${input.logicalId}AMQPolicy` : 'SamAutoGeneratedAMQPolicy'
    return [{PolicyName: policyName, PolicyDocument: {Statement: statements}}]
  },
})

/** Python's len(): a Ref standing for the list counts as one entry, as in SAM. */
function sizeOf(value: unknown): number {
  if (Array.isArray(value)) return value.length
  return isObject(value) ? Object.keys(value).length : 0
}

const SELF_MANAGED_KAFKA_AUTH = ['SASL_SCRAM_256_AUTH', 'SASL_SCRAM_512_AUTH', 'BASIC_AUTH', 'CLIENT_CERTIFICATE_TLS_AUTH']

export const SelfManagedKafka = pullEventSource({
  type: 'SelfManagedKafka',
  extra: {},
  statements(input) {
    const props = input.properties
    const fail = (message: string): never => {
      throw new InvalidEventError(input.name, message)
    }
    if (!props.KafkaBootstrapServers) fail('No KafkaBootstrapServers provided for self managed kafka as an event source')
    if (!props.Topics) fail('No Topics provided for self managed kafka as an event source')
    if (sizeOf(props.Topics) !== 1) fail('Topics for self managed kafka only supports single configuration entry.')
    if (!props.SourceAccessConfigurations) fail('No SourceAccessConfigurations for self managed kafka event provided.')
    const configurations = props.SourceAccessConfigurations
    if (!Array.isArray(configurations)) fail('SourceAccessConfigurations for self managed kafka event should be a list.')
    let authUri: unknown
    let rootCaUri: unknown
    let subnet = false
    let securityGroup = false
    const checkUri = (uri: unknown, what: string): void => {
      if (!uri) fail(`No ${what} URI property specified in SourceAccessConfigurations for self managed kafka event.`)
      if (typeof uri !== 'string' && !isIntrinsic(uri)) fail(`Wrong Type for ${what} URI property specified in SourceAccessConfigurations for self managed kafka event.`)
    }
    for (const configuration of configurations as unknown[]) {
      const conf = expectMap(configuration, input.name, 'SourceAccessConfigurations')
      if (conf.Type === 'VPC_SUBNET') {
        checkUri(conf.URI, 'VPC_SUBNET')
        subnet = true
      } else if (conf.Type === 'VPC_SECURITY_GROUP') {
        checkUri(conf.URI, 'VPC_SECURITY_GROUP')
        securityGroup = true
      } else if (typeof conf.Type === 'string' && SELF_MANAGED_KAFKA_AUTH.includes(conf.Type)) {
        if (authUri) fail('Multiple auth mechanism properties specified in SourceAccessConfigurations for self managed kafka event.')
        checkUri(conf.URI, 'auth mechanism')
        authUri = conf.URI
      } else if (conf.Type === 'SERVER_ROOT_CA_CERTIFICATE') {
        checkUri(conf.URI, 'SERVER_ROOT_CA_CERTIFICATE')
        rootCaUri = conf.URI
      } else {
        fail('Invalid SourceAccessConfigurations Type provided for self managed kafka event.')
      }
    }
    if (subnet !== securityGroup) fail('VPC_SUBNET and VPC_SECURITY_GROUP in SourceAccessConfigurations for SelfManagedKafka must be both provided.')
    const statements: JsonObject[] = []
    const secret = (uri: unknown): JsonObject => ({Action: ['secretsmanager:GetSecretValue'], Effect: 'Allow', Resource: uri})
    if (authUri) statements.push(secret(authUri))
    // SAM grants the auth secret again (not the CA secret) when a root CA certificate is configured.
    if (rootCaUri) statements.push(secret(authUri))
    if (subnet && securityGroup) statements.push({Action: VPC_ACTIONS, Effect: 'Allow', Resource: '*'})
    const keyId = secretsManagerKmsKeyId(input)
    if (keyId) statements.push(kmsDecrypt(keyId))
    statements.push(...(schemaRegistryStatements(input) ?? []))
    return [{PolicyDocument: {Statement: statements, Version: '2012-10-17'}, PolicyName: 'SelfManagedKafkaExecutionRolePolicy'}]
  },
})

export const DocumentDB = pullEventSource({
  type: 'DocumentDB',
  sourceProperty: 'Cluster',
  extra: {
    Cluster: {shape: 'any', required: true},
    DatabaseName: {shape: 'any', required: true},
    CollectionName: {shape: 'any'},
    FullDocument: {shape: 'any'},
  },
  extraMapping(input, mapping) {
    const config: JsonObject = {DatabaseName: input.properties.DatabaseName}
    if (input.properties.CollectionName) config.CollectionName = input.properties.CollectionName
    if (input.properties.FullDocument) config.FullDocument = input.properties.FullDocument
    mapping.set('DocumentDBEventSourceConfig', config)
  },
  statements(input) {
    const uri = requiredAccessUri(input, 'DocumentDB', ['BASIC_AUTH'], 'BASIC_AUTH')
    const statements: JsonObject[] = [
      {Action: ['secretsmanager:GetSecretValue'], Effect: 'Allow', Resource: uri},
      {Action: ['rds:DescribeDBClusterParameters'], Effect: 'Allow', Resource: {'Fn::Sub': 'arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:cluster-pg:*'}},
      {Action: ['rds:DescribeDBSubnetGroups'], Effect: 'Allow', Resource: {'Fn::Sub': 'arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:subgrp:*'}},
      {Action: ['rds:DescribeDBClusters'], Effect: 'Allow', Resource: input.properties.Cluster},
      {Action: VPC_ACTIONS, Effect: 'Allow', Resource: '*'},
    ]
    const keyId = secretsManagerKmsKeyId(input)
    if (keyId) statements.push(kmsDecrypt(keyId))
    return [{PolicyName: 'SamAutoGeneratedDocumentDBPolicy', PolicyDocument: {Statement: statements}}]
  },
})
