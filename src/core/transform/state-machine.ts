import type {TransformContext} from './context.js'
import {InvalidEventError, invalidResource} from './errors.js'
import type {EventInput, EventTarget} from './events/event.js'
import {ruleDeadLetterQueue, ruleTargetId, ScheduleV2, validateDeadLetterConfig} from './events/push.js'
import {definitionUriLocation} from './function/code.js'
import {expandPolicyTemplates} from './function/policies.js'
import {buildExecutionRole, POLICY} from './function/role.js'
import {getAtt, isIntrinsic} from './intrinsics.js'
import {deepClone, isObject, pythonJsonPretty, type JsonObject} from './json.js'
import {generateLogicalId} from './logical-id.js'
import {templateDictOrder} from './python-repr.js'
import {CfnResource, pickPassthrough, SUPPORTED_ATTRIBUTES, tagList} from './resource.js'
import {addStateMachineIntegration, STATE_MACHINE_API_PROPERTIES} from './rest-api.js'
import {listOf, mapOf, oneOf, validateProperties, type PropertySpec} from './validate.js'

export const STATE_MACHINE_TYPE = 'AWS::Serverless::StateMachine'

const STATE_MACHINE_PROPERTIES: Record<string, PropertySpec> = {
  Definition: {shape: 'map'},
  DefinitionUri: {shape: oneOf('string', 'map')},
  Logging: {shape: 'map'},
  Role: {shape: 'string'},
  RolePath: {shape: 'any'},
  DefinitionSubstitutions: {shape: 'map'},
  Events: {shape: mapOf('map')},
  Name: {shape: 'string'},
  Type: {shape: 'string'},
  Tags: {shape: 'map'},
  PropagateTags: {shape: 'boolean'},
  Policies: {shape: oneOf('string', listOf(oneOf('string', 'map')))},
  Tracing: {shape: 'map'},
  PermissionsBoundary: {shape: 'string'},
  AutoPublishAlias: {shape: 'any'},
  DeploymentPreference: {shape: 'any'},
  UseAliasAsEventTarget: {shape: 'boolean', intrinsics: false},
}

/** State machine event types lpack translates; Api events need AWS::Serverless::Api, which it leaves to CloudFormation. */
export const STATE_MACHINE_EVENT_TYPES: ReadonlySet<string> = new Set(['Schedule', 'ScheduleV2', 'CloudWatchEvent', 'EventBridgeRule', 'Api'])

const SCHEDULE_PROPERTIES: Record<string, PropertySpec> = {
  Schedule: {shape: 'string', required: true},
  Input: {shape: 'string'},
  Enabled: {shape: 'boolean'},
  State: {shape: 'string'},
  Name: {shape: 'string'},
  Description: {shape: 'string'},
  DeadLetterConfig: {shape: 'map'},
  RetryPolicy: {shape: 'map'},
  Target: {shape: 'map', intrinsics: false},
  RoleArn: {shape: 'string', intrinsics: false},
}
const RULE_PROPERTIES: Record<string, PropertySpec> = {
  EventBusName: {shape: 'string'},
  RuleName: {shape: 'string'},
  Pattern: {shape: 'map'},
  Input: {shape: 'string'},
  InputPath: {shape: 'string'},
  DeadLetterConfig: {shape: 'map'},
  RetryPolicy: {shape: 'map'},
  State: {shape: 'string'},
  Target: {shape: 'map', intrinsics: false},
  InputTransformer: {shape: 'map'},
}
const TAGGABLE = new Set(['AWS::StepFunctions::StateMachine', 'AWS::IAM::Role', 'AWS::SQS::Queue'])

/**
 * AWS::Serverless::StateMachine → AWS::StepFunctions::StateMachine with its execution role, the version and alias of
 * AutoPublishAlias, and the rules, schedules and roles of its events.
 */
export function translateStateMachine(logicalId: string, resource: JsonObject, context: TransformContext): CfnResource[] {
  const props = {...((resource.Properties ?? {}) as JsonObject)}
  const policies = expandPolicyTemplates(logicalId, props.Policies)
  if (policies !== undefined) props.Policies = policies
  validateProperties(logicalId, STATE_MACHINE_TYPE, props, STATE_MACHINE_PROPERTIES)
  const attributes: JsonObject = {}
  for (const name of SUPPORTED_ATTRIBUTES) if (name in resource) attributes[name] = resource[name]
  const passthrough = pickPassthrough(attributes)
  const events = checkEvents(logicalId, props.Events, context)

  const machine = new CfnResource(logicalId, 'AWS::StepFunctions::StateMachine', attributes, resource.DependsOn)
  const resources: CfnResource[] = [machine]
  let substitutions = truthy(props.DefinitionSubstitutions) ? (props.DefinitionSubstitutions as JsonObject) : undefined
  if (truthy(props.Definition) && truthy(props.DefinitionUri)) {
    throw invalidResource(logicalId, "Specify either 'Definition' or 'DefinitionUri' property and not both.")
  }
  if (truthy(props.Definition)) {
    const definition = deepClone(props.Definition)
    const dynamic = replaceDynamicValues(definition)
    if (Object.keys(dynamic).length > 0) substitutions = {...substitutions, ...dynamic}
    machine.set('DefinitionString', {'Fn::Join': ['\n', pythonJsonPretty(definition).split('\n')]})
  } else if (truthy(props.DefinitionUri)) {
    machine.set('DefinitionS3Location', definitionUriLocation(logicalId, props.DefinitionUri))
  } else {
    throw invalidResource(logicalId, "Either 'Definition' or 'DefinitionUri' property must be specified.")
  }
  machine.set('DefinitionSubstitutions', substitutions)

  if (truthy(props.Role) && truthy(props.Policies)) {
    throw invalidResource(logicalId, "Specify either 'Role' or 'Policies' (but not both at the same time) or neither of them")
  }
  const tags = [{Key: 'stateMachine:createdBy', Value: 'SAM'}, ...tagList(props.Tags)]
  if (truthy(props.Role)) {
    machine.set('RoleArn', props.Role)
  } else {
    const rolePolicies = [...((props.Policies as unknown[] | undefined) ?? [])]
    if (typeof props.Policies === 'string') rolePolicies.splice(0, rolePolicies.length, props.Policies)
    const tracing = props.Tracing as JsonObject | undefined
    if (isObject(tracing) && tracing.Enabled === true) rolePolicies.push(context.partition === 'aws' ? 'AWSXrayWriteOnlyAccess' : 'AWSXRayDaemonWriteAccess')
    const role = buildExecutionRole({
      functionId: logicalId,
      attributes: passthrough,
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: {Service: ['states.amazonaws.com']}}],
      },
      policies: rolePolicies,
      managedPolicyArns: [],
      policyDocuments: [],
      rolePath: props.RolePath,
      permissionsBoundary: props.PermissionsBoundary,
      tags,
    }, context)
    machine.set('RoleArn', role.arn())
    resources.push(role)
  }
  machine.set('StateMachineName', props.Name)
  machine.set('StateMachineType', props.Type)
  machine.set('LoggingConfiguration', props.Logging)
  machine.set('TracingConfiguration', props.Tracing)
  machine.set('Tags', tags)

  let alias: CfnResource | undefined
  if (!truthy(props.AutoPublishAlias) && props.UseAliasAsEventTarget) {
    throw invalidResource(logicalId, "'UseAliasAsEventTarget' requires 'AutoPublishAlias' property to be specified.")
  }
  if (!truthy(props.AutoPublishAlias) && truthy(props.DeploymentPreference)) {
    throw invalidResource(logicalId, "'DeploymentPreference' requires 'AutoPublishAlias' property to be specified.")
  }
  if (truthy(props.AutoPublishAlias)) {
    const versionAttributes = {...passthrough}
    if (!('DeletionPolicy' in versionAttributes)) versionAttributes.DeletionPolicy = 'Retain'
    if (!('UpdateReplacePolicy' in versionAttributes)) versionAttributes.UpdateReplacePolicy = 'Retain'
    const version = new CfnResource(`${logicalId}Version`, 'AWS::StepFunctions::StateMachineVersion', versionAttributes)
      .set('StateMachineArn', machine.ref())
      .set('StateMachineRevisionId', getAtt(logicalId, 'StateMachineRevisionId'))
    const preference: JsonObject = truthy(props.DeploymentPreference) ? {...(props.DeploymentPreference as JsonObject)} : {Type: 'ALL_AT_ONCE'}
    preference.StateMachineVersionArn = version.ref()
    alias = new CfnResource(`${logicalId}Alias${String(props.AutoPublishAlias)}`, 'AWS::StepFunctions::StateMachineAlias', passthrough)
      .set('Name', props.AutoPublishAlias)
      .set('DeploymentPreference', preference)
    resources.push(version, alias)
  }

  const targetResource = props.UseAliasAsEventTarget && alias ? alias : machine
  const target: EventTarget = {resource: targetResource, name: targetResource.ref(), arn: targetResource.ref(), passthrough: pickPassthrough(targetResource.attributes)}
  for (const [name, event] of events) {
    const input = {logicalId: logicalId + name, name, properties: (event.Properties ?? {}) as JsonObject, target, role: undefined, functionId: logicalId, context}
    try {
      resources.push(...translateEvent(event.Type as string, input, props.PermissionsBoundary))
    } catch (error) {
      if (error instanceof InvalidEventError) throw invalidResource(logicalId, error.message)
      throw error
    }
  }
  if (props.PropagateTags === true && truthy(props.Tags)) {
    for (const generated of resources) if (TAGGABLE.has(generated.type)) generated.set('Tags', tagList(props.Tags))
  }
  return resources
}

function checkEvents(logicalId: string, events: unknown, context: TransformContext): [string, JsonObject][] {
  if (!isObject(events)) return []
  const entries: [string, JsonObject][] = []
  for (const name of templateDictOrder(events, context.samResources)) {
    const value = events[name] as JsonObject
    const type = value.Type
    if (typeof type !== 'string' || !STATE_MACHINE_EVENT_TYPES.has(type)) {
      throw invalidResource(logicalId, new InvalidEventError(name, `Resource dict has missing or invalid value for key Type. Event Type is: ${type === undefined || type === null ? 'None' : String(type)}.`).message)
    }
    const properties = value.Properties ?? {}
    if (!isObject(properties)) throw invalidResource(logicalId, new InvalidEventError(name, "'NoneType' object has no attribute 'get'").message)
    const specs = type === 'Schedule' ? SCHEDULE_PROPERTIES : type === 'ScheduleV2' ? ScheduleV2.properties : type === 'Api' ? STATE_MACHINE_API_PROPERTIES : RULE_PROPERTIES
    validateProperties(logicalId + name, type, properties, specs)
    entries.push([name, value])
  }
  return entries
}

function translateEvent(type: string, input: EventInput, permissionsBoundary: unknown): CfnResource[] {
  if (type === 'ScheduleV2') return ScheduleV2.translate(input)
  if (type === 'Api') {
    const role = startExecutionRole(input, permissionsBoundary, 'apigateway.amazonaws.com')
    addStateMachineIntegration(input, role)
    return [role]
  }
  const props = input.properties
  const passthrough = input.target.passthrough
  const rule = new CfnResource(input.logicalId, 'AWS::Events::Rule', passthrough)
  const resources: CfnResource[] = [rule]
  let role: unknown
  if (type === 'Schedule') {
    rule.set('ScheduleExpression', props.Schedule)
    if (props.State && props.Enabled !== undefined && props.Enabled !== null) {
      throw new InvalidEventError(input.name, 'State and Enabled Properties cannot both be specified.')
    }
    if (props.State) rule.set('State', props.State)
    if (props.Enabled !== undefined && props.Enabled !== null) rule.set('State', props.Enabled ? 'ENABLED' : 'DISABLED')
    rule.set('Name', props.Name)
    rule.set('Description', props.Description)
    if (props.RoleArn === undefined || props.RoleArn === null) {
      const generated = startExecutionRole(input, permissionsBoundary)
      resources.push(generated)
      role = generated.arn()
    } else {
      role = props.RoleArn
    }
  } else {
    rule.set('EventBusName', props.EventBusName)
    rule.set('EventPattern', props.Pattern)
    rule.set('Name', props.RuleName)
    if (props.State) rule.set('State', props.State)
    const generated = startExecutionRole(input, permissionsBoundary)
    resources.push(generated)
    role = generated.arn()
  }
  let dlqArn: unknown
  if (props.DeadLetterConfig !== undefined && props.DeadLetterConfig !== null) {
    validateDeadLetterConfig(input.logicalId, props.DeadLetterConfig as JsonObject)
    const dlq = ruleDeadLetterQueue(input, rule.arn())!
    dlqArn = dlq.arn
    resources.push(...dlq.resources)
  }
  const targetConfig = props.Target as JsonObject | undefined
  const ruleTarget: JsonObject = {
    Arn: input.target.arn,
    Id: isObject(targetConfig) && 'Id' in targetConfig ? targetConfig.Id : ruleTargetId(input.logicalId, 'StepFunctionsTarget'),
    RoleArn: role,
  }
  if (props.Input !== undefined && props.Input !== null) ruleTarget.Input = props.Input
  if (type !== 'Schedule' && props.InputPath !== undefined && props.InputPath !== null) ruleTarget.InputPath = props.InputPath
  if (props.DeadLetterConfig !== undefined && props.DeadLetterConfig !== null) ruleTarget.DeadLetterConfig = {Arn: dlqArn}
  if (props.RetryPolicy !== undefined && props.RetryPolicy !== null) ruleTarget.RetryPolicy = props.RetryPolicy
  if (type !== 'Schedule' && props.InputTransformer !== undefined && props.InputTransformer !== null) ruleTarget.InputTransformer = props.InputTransformer
  rule.set('Targets', [ruleTarget])
  return resources
}

/** `<Event>Role`: lets EventBridge (or API Gateway) start executions of the state machine. */
function startExecutionRole(input: EventInput, permissionsBoundary: unknown, principal = 'events.amazonaws.com'): CfnResource {
  const id = generateLogicalId(`${input.logicalId}Role`)
  const role = new CfnResource(id, 'AWS::IAM::Role', input.target.passthrough)
    .set('AssumeRolePolicyDocument', {
      Version: '2012-10-17',
      Statement: [{Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: {Service: [principal]}}],
    })
    .set('Policies', [POLICY.startExecution(input.target.arn, id)])
  if (permissionsBoundary) role.set('PermissionsBoundary', permissionsBoundary)
  return role
}

const DYNAMIC_REFERENCE = /^{{resolve:([a-z-]+):(.+)}}$/

/**
 * Moves every intrinsic (and `{{resolve:…}}` reference) out of an inline definition into DefinitionSubstitutions as
 * `${definition_substitution_N}`, numbered in SAM's order: keys sorted at each level, depth first.
 */
function replaceDynamicValues(definition: unknown): JsonObject {
  const substitutions: JsonObject = {}
  let counter = 1
  const walk = (node: unknown): void => {
    let entries: [string | number, unknown][]
    if (Array.isArray(node)) entries = node.map((item, index) => [index, item])
    else if (isObject(node)) entries = Object.entries(node).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    else return
    for (const [key, value] of entries) {
      if (isIntrinsic(value) || (typeof value === 'string' && DYNAMIC_REFERENCE.test(value))) {
        substitutions[`definition_substitution_${counter}`] = value
        ;(node as Record<string | number, unknown>)[key] = `\${definition_substitution_${counter}}`
        counter++
      } else if (typeof value === 'object' && value !== null) {
        walk(value)
      }
    }
  }
  walk(definition)
  return substitutions
}

function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false
  if (Array.isArray(value)) return value.length > 0
  if (isObject(value)) return Object.keys(value).length > 0
  return true
}
