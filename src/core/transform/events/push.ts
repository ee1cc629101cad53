import {InvalidEventError, invalidResource} from '../errors.js'
import {generateLogicalId} from '../logical-id.js'
import {logicalIdOfIntrinsic, makeConditional, ref, resolveParameterRefs, sub} from '../intrinsics.js'
import {deepClone, deepEqual, isObject, type JsonObject} from '../json.js'
import {CfnResource, SUPPORTED_ATTRIBUTES, tagList} from '../resource.js'
import {POLICY} from '../function/role.js'
import {expectMap, listOf, mapOf, oneOf, validateProperties} from '../validate.js'
import type {EventInput, EventSourceType} from './event.js'
import {SQS} from './pull.js'

const RULE_TARGET_SUFFIX = 'LambdaTarget'
const TARGET_ID_MAX_LENGTH = 64

/** The Lambda permission letting a service invoke the target: `<Event>Permission`. */
export function permission(
  input: EventInput,
  principal: string,
  extra: {sourceArn?: unknown; sourceAccount?: unknown; eventSourceToken?: unknown; prefix?: string; suffix?: string},
): CfnResource {
  const prefix = `${extra.prefix ?? input.logicalId}Permission`
  const suffix = extra.suffix ?? ''
  // SAM's _construct_permission: a suffix that is not alphanumeric is hashed into the ID.
  const logicalId = suffix === '' || /^[\p{L}\p{N}]+$/u.test(suffix) ? prefix + suffix : generateLogicalId(prefix, suffix)
  return new CfnResource(logicalId, 'AWS::Lambda::Permission', input.target.passthrough)
    .set('Action', 'lambda:InvokeFunction')
    .set('FunctionName', input.target.name)
    .set('Principal', principal)
    .set('SourceArn', extra.sourceArn)
    .set('SourceAccount', extra.sourceAccount)
    .set('EventSourceToken', extra.eventSourceToken)
}

export function ruleTargetId(logicalId: string, suffix = RULE_TARGET_SUFFIX): string {
  if (logicalId.length + suffix.length <= TARGET_ID_MAX_LENGTH) return logicalId + suffix
  return logicalId.slice(0, TARGET_ID_MAX_LENGTH - suffix.length) + suffix
}

function ruleState(input: EventInput): string | unknown {
  const {State: state, Enabled: enabled} = input.properties
  if (state && enabled !== undefined && enabled !== null) throw new InvalidEventError(input.name, 'State and Enabled Properties cannot both be specified.')
  if (enabled !== undefined && enabled !== null) return enabled ? 'ENABLED' : 'DISABLED'
  return state || undefined
}

/** An EventBridge rule's dead-letter queue: the given Arn, or a generated queue and the policy that lets the rule use it. */
export function ruleDeadLetterQueue(input: EventInput, ruleArn: JsonObject): {arn: unknown; resources: CfnResource[]} | undefined {
  const config = input.properties.DeadLetterConfig
  if (config === undefined || config === null) return undefined
  const dlq = config as JsonObject
  validateDeadLetterConfig(input.logicalId, dlq)
  if (dlq.Arn !== undefined) return {arn: dlq.Arn, resources: []}
  const queueId = dlq.QueueLogicalId
  if (queueId !== undefined && typeof queueId !== 'string') throw new InvalidEventError(input.logicalId, 'QueueLogicalId must be a string')
  const queue = new CfnResource(queueId ?? `${input.logicalId}Queue`, 'AWS::SQS::Queue', input.target.passthrough)
  const policy = new CfnResource(`${input.logicalId}QueuePolicy`, 'AWS::SQS::QueuePolicy', input.target.passthrough)
    .set('PolicyDocument', {
      Version: '2012-10-17',
      Statement: [{
        Action: 'sqs:SendMessage',
        Effect: 'Allow',
        Principal: {Service: 'events.amazonaws.com'},
        Resource: queue.arn(),
        Condition: {ArnEquals: {'aws:SourceArn': ruleArn}},
      }],
    })
    .set('Queues', [queue.ref()])
  return {arn: queue.arn(), resources: [queue, policy]}
}

export function validateDeadLetterConfig(logicalId: string, config: JsonObject): void {
  const hasArn = 'Arn' in config
  const hasType = 'Type' in config
  if (hasArn && hasType) throw new InvalidEventError(logicalId, "You can either define 'Arn' or 'Type' property of DeadLetterConfig.")
  if (hasType && config.Type !== 'SQS') throw new InvalidEventError(logicalId, "The only valid value for 'Type' property of DeadLetterConfig is 'SQS'.")
  if (!hasArn && !hasType) throw new InvalidEventError(logicalId, "No 'Arn' or 'Type' property provided for DeadLetterConfig.")
}

export const Schedule: EventSourceType = {
  properties: {
    Schedule: {shape: 'string', required: true},
    RuleName: {shape: 'string'},
    Input: {shape: 'string'},
    Enabled: {shape: 'boolean'},
    State: {shape: 'string'},
    Name: {shape: 'string'},
    Description: {shape: 'string'},
    DeadLetterConfig: {shape: 'map'},
    RetryPolicy: {shape: 'map'},
  },
  translate(input) {
    const props = input.properties
    const rule = new CfnResource(input.logicalId, 'AWS::Events::Rule', input.target.passthrough).set('ScheduleExpression', props.Schedule)
    rule.set('State', ruleState(input))
    rule.set('Name', props.Name)
    rule.set('Description', props.Description)
    const dlq = ruleDeadLetterQueue(input, rule.arn())
    const target: JsonObject = {Arn: input.target.arn, Id: ruleTargetId(input.logicalId)}
    if (props.Input !== undefined) target.Input = props.Input
    if (props.DeadLetterConfig !== undefined) target.DeadLetterConfig = {Arn: dlq?.arn}
    if (props.RetryPolicy !== undefined) target.RetryPolicy = props.RetryPolicy
    rule.set('Targets', [target])
    return [rule, ...(dlq?.resources ?? []), permission(input, 'events.amazonaws.com', {sourceArn: rule.arn()})]
  },
}

export const CloudWatchEvent: EventSourceType = {
  properties: {
    EventBusName: {shape: 'string'},
    RuleName: {shape: 'string'},
    Pattern: {shape: 'map'},
    DeadLetterConfig: {shape: 'map'},
    RetryPolicy: {shape: 'map'},
    Input: {shape: 'string'},
    InputPath: {shape: 'string'},
    Target: {shape: 'map'},
    Enabled: {shape: 'boolean'},
    State: {shape: 'string'},
    InputTransformer: {shape: 'map'},
  },
  translate(input) {
    const props = input.properties
    const rule = new CfnResource(input.logicalId, 'AWS::Events::Rule', input.target.passthrough)
      .set('EventBusName', props.EventBusName)
      .set('EventPattern', props.Pattern)
      .set('Name', props.RuleName)
    const dlq = ruleDeadLetterQueue(input, rule.arn())
    rule.set('State', ruleState(input))
    const explicitTarget = props.Target as JsonObject | undefined
    const target: JsonObject = {
      Arn: input.target.arn,
      Id: explicitTarget && 'Id' in explicitTarget ? explicitTarget.Id : ruleTargetId(input.logicalId),
    }
    if (props.Input !== undefined) target.Input = props.Input
    if (props.InputPath !== undefined) target.InputPath = props.InputPath
    if (props.DeadLetterConfig !== undefined) target.DeadLetterConfig = {Arn: dlq?.arn}
    if (props.RetryPolicy !== undefined) target.RetryPolicy = props.RetryPolicy
    if (props.InputTransformer !== undefined) target.InputTransformer = props.InputTransformer
    rule.set('Targets', [target])
    return [...(dlq?.resources ?? []), rule, permission(input, 'events.amazonaws.com', {sourceArn: rule.arn()})]
  },
}

export const EventBridgeRule = CloudWatchEvent

export const CloudWatchLogs: EventSourceType = {
  properties: {LogGroupName: {shape: 'string', required: true}, FilterPattern: {shape: 'string', required: true}},
  translate(input) {
    const props = input.properties
    const sourceArn = sub(`arn:${input.context.partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:\${__LogGroupName__}:*`, {__LogGroupName__: props.LogGroupName})
    const allow = permission(input, 'logs.amazonaws.com', {sourceArn})
    const filter = new CfnResource(input.logicalId, 'AWS::Logs::SubscriptionFilter', input.target.passthrough, [allow.logicalId])
      .set('LogGroupName', props.LogGroupName)
      .set('FilterPattern', props.FilterPattern)
      .set('DestinationArn', input.target.arn)
    return [allow, filter]
  },
}

export const IoTRule: EventSourceType = {
  properties: {Sql: {shape: 'string', required: true}, AwsIotSqlVersion: {shape: 'string'}},
  translate(input) {
    const props = input.properties
    const sourceArn = sub(`arn:${input.context.partition}:iot:\${AWS::Region}:\${AWS::AccountId}:rule/\${RuleName}`, {RuleName: ref(input.logicalId)})
    const payload: JsonObject = {Sql: props.Sql, RuleDisabled: false, Actions: [{Lambda: {FunctionArn: input.target.arn}}]}
    if (props.AwsIotSqlVersion) payload.AwsIotSqlVersion = props.AwsIotSqlVersion
    return [
      permission(input, 'iot.amazonaws.com', {sourceArn, sourceAccount: sub('${AWS::AccountId}')}),
      new CfnResource(input.logicalId, 'AWS::IoT::TopicRule', input.target.passthrough).set('TopicRulePayload', payload),
    ]
  },
}

const S3_BUCKET_PROPERTIES = [
  'AccessControl', 'AccelerateConfiguration', 'AnalyticsConfigurations', 'BucketEncryption', 'BucketName',
  'CorsConfiguration', 'IntelligentTieringConfigurations', 'InventoryConfigurations', 'LifecycleConfiguration',
  'LoggingConfiguration', 'MetricsConfigurations', 'NotificationConfiguration', 'ObjectLockConfiguration',
  'ObjectLockEnabled', 'OwnershipControls', 'PublicAccessBlockConfiguration', 'ReplicationConfiguration', 'Tags',
  'VersioningConfiguration', 'WebsiteConfiguration',
]

/** The bucket an S3 event names; it must be a `Ref` to a bucket in the same template. */
export function linkedBucketId(input: Pick<EventInput, 'name' | 'properties' | 'context'>): string {
  const bucket = input.properties.Bucket
  if (isObject(bucket) && 'Ref' in bucket) {
    if (typeof bucket.Ref !== 'string') throw new InvalidEventError(input.name, "'Ref' value in S3 events is not a valid string.")
    if (bucket.Ref in input.context.samResources) return bucket.Ref
  }
  throw new InvalidEventError(input.name, 'S3 events must reference an S3 bucket in the same template.')
}

export const S3: EventSourceType = {
  properties: {
    Bucket: {shape: 'string', required: true},
    Events: {shape: oneOf('string', listOf('string')), required: true, intrinsics: false},
    Filter: {shape: mapOf('string')},
  },
  translate(input) {
    const bucketId = linkedBucketId(input)
    const bucket = input.context.samResources[bucketId] as JsonObject
    const allow = permission(input, 's3.amazonaws.com', {sourceAccount: ref('AWS::AccountId')})
    const condition = allow.attributes.Condition
    if (condition !== undefined) {
      // A bucket cannot DependsOn a conditional resource; SAM makes the dependency through a conditional tag.
      const properties = (bucket.Properties ??= {}) as JsonObject
      const tags = properties.Tags ?? []
      if (!Array.isArray(tags)) throw invalidResource(bucketId, "Property 'Tags' should be a list.")
      properties.Tags = [...tags, ...tagList({[`sam:ConditionalDependsOn:${allow.logicalId}`]: {'Fn::If': [condition, ref(allow.logicalId), 'no dependency']}})]
    } else {
      const dependsOn = bucket.DependsOn === undefined ? [] : typeof bucket.DependsOn === 'string' ? [bucket.DependsOn] : bucket.DependsOn
      if (!Array.isArray(dependsOn) || dependsOn.some((item) => typeof item !== 'string')) {
        throw invalidResource(input.logicalId, "Invalid type for field 'DependsOn'. Expected a string or list of strings.")
      }
      bucket.DependsOn = [...new Set([...(dependsOn as string[]), allow.logicalId])]
    }
    injectNotifications(input, bucketId, bucket)
    return [allow, bucketResource(bucketId, bucket)]
  },
}

function injectNotifications(input: EventInput, bucketId: string, bucket: JsonObject): void {
  const base: JsonObject = {Function: input.target.arn}
  if (input.properties.Filter !== undefined) base.Filter = input.properties.Filter
  const events = typeof input.properties.Events === 'string' ? [input.properties.Events] : (input.properties.Events as unknown[])
  const functionCondition = input.target.resource.attributes.Condition
  const mappings = events.map((event) => {
    const mapping = {...deepClone(base), Event: event}
    return functionCondition !== undefined ? makeConditional(functionCondition, mapping) : mapping
  })
  const properties = bucket.Properties ?? {}
  if (!isObject(properties)) throw invalidResource(bucketId, 'Properties should be a map.')
  bucket.Properties = properties
  const notification = (properties.NotificationConfiguration ??= {})
  expectMap(notification, bucketId, 'NotificationConfiguration')
  const configuration = notification as JsonObject
  const lambdaConfigurations = (configuration.LambdaConfigurations ??= [])
  if (!Array.isArray(lambdaConfigurations)) throw invalidResource(bucketId, 'Invalid type for LambdaConfigurations. Must be a list.')
  for (const mapping of mappings) if (!lambdaConfigurations.some((existing) => deepEqual(existing, mapping))) lambdaConfigurations.push(mapping)
}

/** The bucket as SAM re-emits it (S3Bucket.from_dict): known properties only, its own attributes and DependsOn. */
function bucketResource(bucketId: string, bucket: JsonObject): CfnResource {
  if ('Properties' in bucket && !isObject(bucket.Properties)) throw invalidResource(bucketId, 'Properties of a resource must be an object.')
  const properties = (bucket.Properties ?? {}) as JsonObject
  validateProperties(bucketId, 'AWS::S3::Bucket', properties, Object.fromEntries(S3_BUCKET_PROPERTIES.map((name) => [name, {shape: 'any'}])))
  const attributes: JsonObject = {}
  for (const name of SUPPORTED_ATTRIBUTES) if (name in bucket) attributes[name] = bucket[name]
  const resource = new CfnResource(bucketId, 'AWS::S3::Bucket', attributes, bucket.DependsOn)
  for (const name of S3_BUCKET_PROPERTIES) resource.set(name, properties[name])
  return resource
}

export const SNS: EventSourceType = {
  properties: {
    Topic: {shape: 'string', required: true},
    Region: {shape: 'string'},
    FilterPolicy: {shape: 'any'},
    FilterPolicyScope: {shape: 'any'},
    SqsSubscription: {shape: oneOf('boolean', 'map')},
    RedrivePolicy: {shape: 'map'},
  },
  translate(input) {
    const props = input.properties
    const subscription = (protocol: string, endpoint: unknown): CfnResource => {
      const resource = new CfnResource(input.logicalId, 'AWS::SNS::Subscription', input.target.passthrough)
        .set('Protocol', protocol)
        .set('Endpoint', endpoint)
        .set('TopicArn', props.Topic)
      for (const name of ['Region', 'FilterPolicy', 'FilterPolicyScope', 'RedrivePolicy']) if (props[name] !== undefined && props[name] !== null) resource.set(name, props[name])
      return resource
    }
    if (!props.SqsSubscription) {
      return [permission(input, 'sns.amazonaws.com', {sourceArn: props.Topic}), subscription('lambda', input.target.arn)]
    }
    if (typeof props.SqsSubscription === 'boolean') {
      const queue = new CfnResource(`${input.logicalId}Queue`, 'AWS::SQS::Queue', input.target.passthrough)
      if (isFifoTopic(input)) queue.set('FifoQueue', true)
      return [
        ...queueEventSource(input, queue.arn()),
        queue,
        queuePolicy(input, queue.arn(), queue.ref()),
        subscription('sqs', queue.arn()),
      ]
    }
    const config = expectMap(props.SqsSubscription, input.name, 'SqsSubscription', true)
    if (!config.QueueArn || !config.QueueUrl) throw new InvalidEventError(input.name, 'No QueueARN or QueueURL provided.')
    return [
      ...queueEventSource(input, config.QueueArn, config.BatchSize),
      queuePolicy(input, config.QueueArn, config.QueueUrl, config.QueuePolicyLogicalId as string | undefined),
      subscription('sqs', config.QueueArn),
    ]
  },
}

function isFifoTopic(input: EventInput): boolean {
  const topicId = logicalIdOfIntrinsic(input.properties.Topic)
  if (!topicId) return false
  const topic = input.context.samResources[topicId]
  const properties = isObject(topic) && isObject(topic.Properties) ? topic.Properties : {}
  return Boolean(resolveParameterRefs(properties.FifoTopic ?? false, input.context.parameters))
}

function queueEventSource(input: EventInput, queueArn: unknown, batchSize?: unknown): CfnResource[] {
  return SQS.translate({
    ...input,
    logicalId: `${input.logicalId}EventSourceMapping`,
    // SAM always enables the mapping it generates for an SNS-to-SQS subscription.
    properties: {Queue: queueArn, BatchSize: batchSize || 10, Enabled: true},
  })
}

function queuePolicy(input: EventInput, queueArn: unknown, queueUrl: unknown, logicalId?: string): CfnResource {
  return new CfnResource(logicalId ?? `${input.logicalId}QueuePolicy`, 'AWS::SQS::QueuePolicy', input.target.passthrough)
    .set('PolicyDocument', {
      Version: '2012-10-17',
      Statement: [{
        Action: 'sqs:SendMessage',
        Effect: 'Allow',
        Principal: '*',
        Resource: queueArn,
        Condition: {ArnEquals: {'aws:SourceArn': input.properties.Topic}},
      }],
    })
    .set('Queues', [queueUrl])
}

export const ScheduleV2: EventSourceType = {
  properties: {
    PermissionsBoundary: {shape: 'string'},
    ScheduleExpression: {shape: 'string', required: true},
    FlexibleTimeWindow: {shape: 'map'},
    Name: {shape: 'string'},
    State: {shape: 'string'},
    Description: {shape: 'string'},
    StartDate: {shape: 'string'},
    EndDate: {shape: 'string'},
    ScheduleExpressionTimezone: {shape: 'string'},
    GroupName: {shape: 'string'},
    KmsKeyArn: {shape: 'string'},
    Input: {shape: 'string'},
    RoleArn: {shape: 'string'},
    DeadLetterConfig: {shape: 'map'},
    RetryPolicy: {shape: 'map'},
    OmitName: {shape: 'boolean', intrinsics: false},
  },
  translate(input) {
    const props = input.properties
    const passthrough = input.target.passthrough
    const schedule = new CfnResource(input.logicalId, 'AWS::Scheduler::Schedule', passthrough).set('ScheduleExpression', props.ScheduleExpression)
    if (props.State) schedule.set('State', props.State)
    if (props.OmitName) {
      if (props.Name) throw new InvalidEventError(input.logicalId, 'Name cannot be set when OmitName is True')
    } else {
      schedule.set('Name', props.Name || input.logicalId)
    }
    schedule.set('Description', props.Description)
    schedule.set('FlexibleTimeWindow', props.FlexibleTimeWindow || {Mode: 'OFF'})
    for (const name of ['StartDate', 'EndDate', 'ScheduleExpressionTimezone', 'GroupName', 'KmsKeyArn']) schedule.set(name, props[name])
    const resources: CfnResource[] = [schedule]
    let dlqArn: unknown
    if (props.DeadLetterConfig !== undefined && props.DeadLetterConfig !== null) {
      const dlq = props.DeadLetterConfig as JsonObject
      validateDeadLetterConfig(input.logicalId, dlq)
      if (dlq.Arn !== undefined) {
        dlqArn = dlq.Arn
      } else {
        if (dlq.QueueLogicalId !== undefined && typeof dlq.QueueLogicalId !== 'string') throw new InvalidEventError(input.logicalId, 'QueueLogicalId must be a string')
        const queue = new CfnResource((dlq.QueueLogicalId as string | undefined) ?? `${input.logicalId}Queue`, 'AWS::SQS::Queue', passthrough)
        resources.push(queue)
        dlqArn = queue.arn()
      }
    }
    let roleArn = props.RoleArn
    if (!roleArn) {
      const role = new CfnResource(generateLogicalId(`${input.logicalId}Role`), 'AWS::IAM::Role', passthrough)
        .set('AssumeRolePolicyDocument', {
          Version: '2012-10-17',
          Statement: [{Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: {Service: ['scheduler.amazonaws.com']}}],
        })
      const policies = [input.target.resource.type === 'AWS::Lambda::Function' || input.target.resource.type === 'AWS::Lambda::Alias'
        ? POLICY.lambdaInvoke(input.target.arn, input.logicalId)
        : POLICY.startExecution(input.target.arn, input.logicalId)]
      if (dlqArn) policies.push(POLICY.sqsSendMessage(dlqArn, input.logicalId))
      role.set('Policies', policies)
      if (props.PermissionsBoundary) role.set('PermissionsBoundary', props.PermissionsBoundary)
      resources.push(role)
      roleArn = role.arn()
    }
    const target: JsonObject = {Arn: input.target.arn, RoleArn: roleArn}
    if (props.Input !== undefined) target.Input = props.Input
    if (props.DeadLetterConfig !== undefined) target.DeadLetterConfig = {Arn: dlqArn}
    if (props.RetryPolicy !== undefined) target.RetryPolicy = props.RetryPolicy
    schedule.set('Target', target)
    return resources
  },
}

export const AlexaSkill: EventSourceType = {
  properties: {SkillId: {shape: 'string'}},
  translate(input) {
    return [permission(input, 'alexa-appkit.amazon.com', {eventSourceToken: input.properties.SkillId})]
  },
}

const USER_POOL_PROPERTIES = [
  'AccountRecoverySetting', 'AdminCreateUserConfig', 'AliasAttributes', 'AutoVerifiedAttributes', 'DeletionProtection',
  'DeviceConfiguration', 'EmailAuthenticationMessage', 'EmailAuthenticationSubject', 'EmailConfiguration',
  'EmailVerificationMessage', 'EmailVerificationSubject', 'EnabledMfas', 'LambdaConfig', 'MfaConfiguration', 'Policies',
  'Schema', 'SmsAuthenticationMessage', 'SmsConfiguration', 'SmsVerificationMessage', 'UserAttributeUpdateSettings',
  'UsernameAttributes', 'UsernameConfiguration', 'UserPoolAddOns', 'UserPoolName', 'UserPoolTags', 'UserPoolTier',
  'VerificationMessageTemplate', 'WebAuthnRelyingPartyID', 'WebAuthnUserVerification',
]

/** The user pool a Cognito event names; it must be a `Ref` to a resource in the same template. */
export function linkedUserPoolId(input: Pick<EventInput, 'name' | 'logicalId' | 'properties' | 'context'>): string {
  const pool = input.properties.UserPool
  if (isObject(pool) && 'Ref' in pool) {
    if (typeof pool.Ref !== 'string') throw new InvalidEventError(input.logicalId, 'Ref in Userpool is not a string.')
    if (pool.Ref in input.context.samResources) return pool.Ref
  }
  throw new InvalidEventError(input.name, 'Cognito events must reference a Cognito UserPool in the same template.')
}

export const Cognito: EventSourceType = {
  properties: {
    UserPool: {shape: 'string', required: true},
    Trigger: {shape: oneOf('string', listOf('string')), required: true, intrinsics: false},
  },
  translate(input) {
    const poolId = linkedUserPoolId(input)
    const pool = input.context.samResources[poolId] as JsonObject
    const allow = permission(input, 'cognito-idp.amazonaws.com', {sourceArn: {'Fn::GetAtt': [poolId, 'Arn']}, prefix: `${input.target.resource.logicalId}Cognito`})
    const properties = (pool.Properties ??= {}) as JsonObject
    const lambdaConfig = (properties.LambdaConfig ??= {})
    expectMap(lambdaConfig, poolId, 'LambdaConfig')
    const triggers = typeof input.properties.Trigger === 'string' ? [input.properties.Trigger] : (input.properties.Trigger as string[])
    for (const trigger of triggers) {
      if (trigger in (lambdaConfig as JsonObject)) {
        const written = typeof input.properties.Trigger === 'string' ? input.properties.Trigger : `[${triggers.map((item) => `'${item}'`).join(', ')}]`
        throw new InvalidEventError(input.name, `Cognito trigger "${written}" defined multiple times.`)
      }
      ;(lambdaConfig as JsonObject)[trigger] = input.target.arn
    }
    validateProperties(poolId, 'AWS::Cognito::UserPool', properties, Object.fromEntries(USER_POOL_PROPERTIES.map((name) => [name, {shape: 'any'}])))
    const attributes: JsonObject = {}
    for (const name of SUPPORTED_ATTRIBUTES) if (name in pool) attributes[name] = pool[name]
    const resource = new CfnResource(poolId, 'AWS::Cognito::UserPool', attributes, pool.DependsOn)
    for (const name of Object.keys(properties)) resource.set(name, properties[name])
    return [allow, resource]
  },
}
