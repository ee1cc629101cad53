import {LAMBDA_LIMITS} from '../lambda/limits.js'
import {isIntrinsic} from '../template/intrinsics.js'
import type {TemplatePath} from '../template/template.js'
import {didYouMean, isObject, literalBoolean, literalNumber, literalString, referencedResource, type RuleContext, show} from './context.js'
import {functionViews} from './functions.js'

const FUNCTION_TYPES = ['AWS::Serverless::Function', 'AWS::Lambda::Function']

/** Event sources, aliases, versions, DeploymentPreference and EventInvokeConfig. */
export function checkReleaseRules(context: RuleContext): void {
  for (const fn of functionViews(context)) {
    if (!fn.serverless) continue
    const alias = fn.get('AutoPublishAlias')
    const aliasName = literalString(alias?.value)
    if (alias && aliasName !== undefined) checkAliasName(context, aliasName, alias.path, 'AutoPublishAlias')
    const needsAlias = (property: string, code: 'LP4006' | 'LP4011' | 'LP4012', why: string) => {
      const located = fn.get(property)
      if (located === undefined || alias !== undefined || isDisabled(context, located.value)) return
      context.report(code, located.path, `${fn.logicalId} sets ${property} without AutoPublishAlias`, why, {atKey: true})
    }
    needsAlias('DeploymentPreference', 'LP4006', 'Traffic shifting moves an alias between versions: set AutoPublishAlias (e.g. live).')
    needsAlias('ProvisionedConcurrencyConfig', 'LP4011', 'Provisioned concurrency is set on the published alias: set AutoPublishAlias.')
    needsAlias('VersionDeletionPolicy', 'LP4012', 'VersionDeletionPolicy applies to the versions AutoPublishAlias publishes.')
    checkHooks(context, fn.get('DeploymentPreference'))
    checkDeploymentType(context, fn.get('DeploymentPreference'))
    const invokeConfig = fn.get('EventInvokeConfig')
    if (invokeConfig && isObject(invokeConfig.value)) checkInvokeConfigRanges(context, invokeConfig.value, invokeConfig.path)
    const events = fn.getOwn('Events')
    if (events && isObject(events.value)) {
      const timeout = literalNumber(fn.get('Timeout')?.value) ?? LAMBDA_LIMITS.timeoutSeconds.default
      for (const [eventId, event] of Object.entries(events.value)) {
        if (!isObject(event) || !isObject(event.Properties)) continue
        checkEvent(context, fn.logicalId, eventId, String(event.Type), event.Properties, [...events.path, eventId, 'Properties'], timeout)
      }
    }
  }
  for (const id of context.resourcesOfType('AWS::Lambda::Alias')) checkAlias(context, id)
  for (const id of context.resourcesOfType('AWS::Lambda::EventInvokeConfig')) {
    const properties = context.resources[id]!.Properties
    if (isObject(properties)) checkInvokeConfigRanges(context, properties, ['Resources', id, 'Properties'])
  }
  for (const id of context.resourcesOfType('AWS::Lambda::EventSourceMapping')) {
    const properties = context.resources[id]!.Properties
    if (isObject(properties)) checkFifoBatch(context, properties.EventSourceArn, properties.BatchSize, ['Resources', id, 'Properties', 'BatchSize'])
  }
}

/** DeploymentPreference with Enabled false, written literally or as a Ref to a parameter whose default is false. */
function isDisabled(context: RuleContext, value: unknown): boolean {
  if (!isObject(value)) return false
  return literalBoolean(context.resolveParameterDefault(value.Enabled)) === false
}

function checkAliasName(context: RuleContext, name: string, path: TemplatePath, what: string): void {
  if (LAMBDA_LIMITS.aliasNamePattern.test(name) && name.length <= LAMBDA_LIMITS.aliasNameLength) return
  context.report('LP4002', path, `${what} ${show(name)} is not a valid alias name`, 'An alias name is 1–128 letters, digits, - or _, and not only digits (e.g. live).')
}

function checkHooks(context: RuleContext, preference: {value: unknown; path: TemplatePath} | undefined): void {
  if (!preference || !isObject(preference.value) || !isObject(preference.value.Hooks)) return
  for (const [hook, value] of Object.entries(preference.value.Hooks)) {
    const path = [...preference.path, 'Hooks', hook]
    if (isIntrinsic(value) && Object.keys(value)[0] === 'Fn::If') continue
    const target = referencedResource(value)
    if (target === undefined) {
      if (typeof value !== 'string') context.report('LP4007', path, `Deployment hook ${hook} must name a function, got ${show(value)}`, 'Write !Ref MyHookFunction.')
      continue
    }
    const type = context.typeOf(target)
    if (type !== undefined && !FUNCTION_TYPES.includes(type)) {
      context.report('LP4007', path, `Deployment hook ${hook} points at ${target}, a ${type}, not a Lambda function`, 'CodeDeploy invokes hooks as Lambda functions: !Ref a function in this template.')
    }
  }
}

/** The SAM translator's predefined types (CODEDEPLOY_PREDEFINED_CONFIGURATIONS_LIST); each becomes CodeDeployDefault.Lambda<Type>. */
const PREDEFINED_DEPLOYMENT_TYPES = [
  'Canary10Percent5Minutes', 'Canary10Percent10Minutes', 'Canary10Percent15Minutes', 'Canary10Percent30Minutes',
  'Linear10PercentEvery1Minute', 'Linear10PercentEvery2Minutes', 'Linear10PercentEvery3Minutes', 'Linear10PercentEvery10Minutes',
  'AllAtOnce',
]
/** CodeDeploy's DeploymentConfigName: 1–100 characters (the API model sets no pattern). */
const DEPLOYMENT_CONFIG_NAME_LENGTH = {min: 1, max: 100}

/**
 * DeploymentPreference.Type: a predefined type, or the name of a deployment configuration, which SAM passes to
 * CodeDeploy as it is. Names starting with `CodeDeployDefault.` are CodeDeploy's own: only the Lambda ones exist
 * for a Lambda deployment group. A name one typo away from a predefined type is most likely that type misspelt
 * (CodeDeploy would fail the deployment: no such configuration), so it is a warning.
 */
function checkDeploymentType(context: RuleContext, preference: {value: unknown; path: TemplatePath} | undefined): void {
  if (!preference || !isObject(preference.value) || preference.value.Type === undefined) return
  const path = [...preference.path, 'Type']
  const value = context.resolveParameterDefault(preference.value.Type)
  if (isIntrinsic(value)) return
  const type = literalString(value)
  if (type === undefined) {
    context.report('LP4016', path, `DeploymentPreference Type must be a string, got ${show(value)}`, `Predefined types: ${PREDEFINED_DEPLOYMENT_TYPES.join(', ')}.`)
    return
  }
  if (PREDEFINED_DEPLOYMENT_TYPES.includes(type)) return
  const {min, max} = DEPLOYMENT_CONFIG_NAME_LENGTH
  if (type.length < min || type.length > max) {
    context.report('LP4016', path, `DeploymentPreference Type ${show(type)} is neither a predefined type nor a deployment configuration name (1–${max} characters)`, `Predefined types: ${PREDEFINED_DEPLOYMENT_TYPES.join(', ')}.`)
    return
  }
  if (type.startsWith('CodeDeployDefault.')) {
    const lambdaDefaults = PREDEFINED_DEPLOYMENT_TYPES.map((name) => `CodeDeployDefault.Lambda${name}`)
    if (!lambdaDefaults.includes(type)) {
      const suggestion = didYouMean(type, lambdaDefaults)
      context.report('LP4016', path, `DeploymentPreference Type ${show(type)} is not one of CodeDeploy's Lambda configurations${suggestion ? `; did you mean ${suggestion}?` : ''}`, `Write a predefined type without the prefix (e.g. Canary10Percent5Minutes), or the name of a configuration you created.`)
    }
    return
  }
  const suggestion = didYouMean(type, PREDEFINED_DEPLOYMENT_TYPES)
  if (suggestion !== undefined) {
    context.report('LP4017', path, `DeploymentPreference Type ${show(type)} is not a predefined type; did you mean ${suggestion}?`, 'Any other name is taken as a custom CodeDeploy deployment configuration, which must exist in the account.')
  }
}

function checkInvokeConfigRanges(context: RuleContext, config: Record<string, unknown>, base: TemplatePath): void {
  const {maximumRetryAttempts, maximumEventAgeSeconds} = LAMBDA_LIMITS.eventInvokeConfig
  for (const [name, range] of [
    ['MaximumRetryAttempts', maximumRetryAttempts],
    ['MaximumEventAgeInSeconds', maximumEventAgeSeconds],
  ] as const) {
    const value = literalNumber(config[name])
    if (value === undefined || (Number.isInteger(value) && value >= range.min && value <= range.max)) continue
    context.report('LP4008', [...base, name], `${name} must be between ${range.min} and ${range.max}, got ${show(config[name])}`)
  }
}

function checkAlias(context: RuleContext, id: string): void {
  const properties = context.resources[id]!.Properties
  if (!isObject(properties)) return
  const base = ['Resources', id, 'Properties']
  const name = literalString(properties.Name)
  if (name !== undefined) checkAliasName(context, name, [...base, 'Name'], 'Alias Name')
  const routing = properties.RoutingConfig
  if (!isObject(routing) || !Array.isArray(routing.AdditionalVersionWeights)) return
  const weights = routing.AdditionalVersionWeights
  const weightsPath = [...base, 'RoutingConfig', 'AdditionalVersionWeights']
  if (weights.length > 1) {
    context.report('LP4003', [...weightsPath, 1], `Alias ${id} routes to ${weights.length} additional versions; Lambda allows one`, 'An alias splits traffic between its FunctionVersion and at most one more version.')
  }
  if (weights.length > 0 && literalString(properties.FunctionVersion) === '$LATEST') {
    context.report('LP4005', [...base, 'FunctionVersion'], `Alias ${id} points at $LATEST and also routes weighted traffic`, 'Weighted aliases need two published versions; publish a version (AWS::Lambda::Version) and point the alias at it.')
  }
  weights.forEach((entry, index) => {
    if (!isObject(entry)) return
    if (literalString(entry.FunctionVersion) === '$LATEST') {
      context.report('LP4005', [...weightsPath, index, 'FunctionVersion'], `Alias ${id} routes weighted traffic to $LATEST`, 'Weighted routing only works between published versions.')
    }
    const weight = literalNumber(entry.FunctionWeight)
    if (weight !== undefined && (weight < 0 || weight > 1)) {
      context.report('LP4004', [...weightsPath, index, 'FunctionWeight'], `FunctionWeight must be between 0.0 and 1.0, got ${show(entry.FunctionWeight)}`, 'The weight is the fraction of traffic for the additional version, e.g. 0.1 for 10 %.')
    }
  })
}

function checkEvent(context: RuleContext, fnId: string, eventId: string, type: string, properties: Record<string, unknown>, base: TemplatePath, timeout: number): void {
  if (['Schedule', 'ScheduleV2', 'CloudWatchEvent', 'EventBridgeRule'].includes(type)) {
    if (properties.State !== undefined && properties.Enabled !== undefined) {
      context.report('LP4014', [...base, 'Enabled'], `Event ${eventId} sets both State and Enabled`, 'Keep State (ENABLED | DISABLED); Enabled is the older form.', {atKey: true})
    }
    const dlq = properties.DeadLetterConfig
    if (isObject(dlq)) {
      const dlqPath = [...base, 'DeadLetterConfig']
      if (dlq.Arn !== undefined && dlq.Type !== undefined) context.report('LP4013', dlqPath, `Event ${eventId}'s DeadLetterConfig sets both Arn and Type`, 'Give Arn for an existing queue, or Type: SQS for lpack to create one.', {atKey: true})
      else if (dlq.Arn === undefined && dlq.Type === undefined) context.report('LP4013', dlqPath, `Event ${eventId}'s DeadLetterConfig has neither Arn nor Type`, 'Give Arn for an existing queue, or Type: SQS for lpack to create one.', {atKey: true})
      else if (dlq.Type !== undefined && dlq.Type !== 'SQS') context.report('LP4013', [...dlqPath, 'Type'], `DeadLetterConfig Type must be SQS, got ${show(dlq.Type)}`)
    }
    if (type === 'ScheduleV2' && literalBoolean(properties.OmitName) === true && properties.Name !== undefined) {
      context.report('LP4015', [...base, 'Name'], `Event ${eventId} sets Name while OmitName is true`, 'Remove Name, or OmitName.', {atKey: true})
    }
  }
  if (type === 'SQS') {
    checkFifoBatch(context, properties.Queue, properties.BatchSize, [...base, 'BatchSize'])
    const queueId = referencedResource(properties.Queue)
    const queue = queueId === undefined ? undefined : context.resources[queueId]
    if (queue?.Type === 'AWS::SQS::Queue') {
      const queueProperties = isObject(queue.Properties) ? queue.Properties : {}
      const visibility = queueProperties.VisibilityTimeout === undefined ? 30 : literalNumber(queueProperties.VisibilityTimeout)
      if (visibility !== undefined && visibility < LAMBDA_LIMITS.sqsVisibilityTimeoutFactor * timeout) {
        const path = queueProperties.VisibilityTimeout === undefined ? ['Resources', queueId!, 'Type'] : ['Resources', queueId!, 'Properties', 'VisibilityTimeout']
        context.report('LP5001', path, `Queue ${queueId} has VisibilityTimeout ${visibility} s, below 6 × ${fnId}'s Timeout of ${timeout} s (${6 * timeout} s)`, 'Messages may be delivered again while the function still works on them. Set VisibilityTimeout to at least 6 × the function Timeout.')
      }
    }
  }
  if (type === 'S3') {
    const bucketId = isIntrinsic(properties.Bucket) && typeof properties.Bucket.Ref === 'string' ? properties.Bucket.Ref : undefined
    if (bucketId === undefined || context.typeOf(bucketId) !== 'AWS::S3::Bucket') {
      context.report('LP4010', [...base, 'Bucket'], `S3 event ${eventId} must !Ref an AWS::S3::Bucket in this template, got ${show(properties.Bucket)}`, 'SAM can only add the notification to a bucket the template creates. For an existing bucket use an EventBridgeRule event on "Object Created".')
    }
  }
}

function checkFifoBatch(context: RuleContext, source: unknown, batchSize: unknown, path: TemplatePath): void {
  const size = literalNumber(batchSize)
  if (size === undefined || size <= LAMBDA_LIMITS.sqsFifoMaxBatchSize || !isFifoQueue(context, source)) return
  context.report('LP4009', path, `BatchSize ${size} is over ${LAMBDA_LIMITS.sqsFifoMaxBatchSize}, the most a FIFO queue allows`, 'Set BatchSize to 10 or less for a .fifo queue.')
}

function isFifoQueue(context: RuleContext, source: unknown): boolean {
  if (typeof source === 'string') return source.endsWith('.fifo')
  const queueId = referencedResource(source)
  const queue = queueId === undefined ? undefined : context.resources[queueId]
  if (queue?.Type !== 'AWS::SQS::Queue' || !isObject(queue.Properties)) return false
  const name = literalString(queue.Properties.QueueName)
  return literalBoolean(queue.Properties.FifoQueue) === true || (name !== undefined && name.endsWith('.fifo'))
}
