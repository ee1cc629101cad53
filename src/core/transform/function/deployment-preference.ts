import {awsManagedPolicyArn, type TransformContext} from '../context.js'
import {SamError, invalidResource} from '../errors.js'
import {getAtt, ifItems, isIntrinsic, isIntrinsicIf, isNoValue, ref, sub} from '../intrinsics.js'
import {deepClone, isObject, type JsonObject} from '../json.js'
import {CfnResource, tagList} from '../resource.js'

export const CODEDEPLOY_APPLICATION_ID = 'ServerlessDeploymentApplication'
export const CODEDEPLOY_SERVICE_ROLE_ID = 'CodeDeployServiceRole'
const CODEDEPLOY_CONDITION = 'ServerlessCodeDeployCondition'

/** SAM's shorthand deployment types; each becomes `CodeDeployDefault.Lambda<Type>`. */
export const PREDEFINED_DEPLOYMENT_TYPES = [
  'Canary10Percent5Minutes', 'Canary10Percent10Minutes', 'Canary10Percent15Minutes', 'Canary10Percent30Minutes',
  'Linear10PercentEvery1Minute', 'Linear10PercentEvery2Minutes', 'Linear10PercentEvery3Minutes',
  'Linear10PercentEvery10Minutes', 'AllAtOnce',
]

interface Preference {
  enabled: boolean
  type?: unknown
  preTrafficHook?: unknown
  postTrafficHook?: unknown
  alarms?: unknown
  role?: unknown
  triggerConfigurations?: unknown
  condition?: string
  tags?: JsonObject
  propagateTags?: boolean
}

/**
 * The DeploymentPreferences of all functions of a template: SAM emits one CodeDeploy application and (unless every
 * function brings its own Role) one service role for all of them, plus one deployment group per function.
 */
export class DeploymentPreferences {
  private readonly preferences = new Map<string, Preference>()

  add(functionId: string, preference: JsonObject, condition: string | undefined, tags: JsonObject | undefined, propagateTags: boolean | undefined): Preference {
    let enabled = preference.Enabled ?? true
    if (enabled === 'false' || enabled === 'False') enabled = false
    if (!enabled) {
      const disabled = {enabled: false}
      this.preferences.set(functionId, disabled)
      return disabled
    }
    if (!('Type' in preference)) throw invalidResource(functionId, "'DeploymentPreference' is missing required Property 'Type'")
    const hooks = preference.Hooks ?? {}
    if (!isObject(hooks)) throw invalidResource(functionId, "'Hooks' property of 'DeploymentPreference' must be a dictionary")
    const entry: Preference = {
      enabled: true,
      type: preference.Type,
      preTrafficHook: hooks.PreTraffic,
      postTrafficHook: hooks.PostTraffic,
      alarms: preference.Alarms,
      role: preference.Role,
      triggerConfigurations: preference.TriggerConfigurations,
      condition: preference.PassthroughCondition ? condition : undefined,
      tags: propagateTags && tags && Object.keys(tags).length > 0 ? tags : undefined,
      propagateTags,
    }
    this.preferences.set(functionId, entry)
    return entry
  }

  anyEnabled(): boolean {
    return [...this.preferences.values()].some((preference) => preference.enabled)
  }

  /** The alias's `UpdatePolicy`, which hands the shift from old to new version to CodeDeploy. */
  updatePolicy(functionId: string): JsonObject {
    const preference = this.preferences.get(functionId)!
    const update: JsonObject = {ApplicationName: ref(CODEDEPLOY_APPLICATION_ID), DeploymentGroupName: ref(deploymentGroupId(functionId))}
    if (isPresentHook(preference.preTrafficHook)) update.BeforeAllowTrafficHook = preference.preTrafficHook
    if (isPresentHook(preference.postTrafficHook)) update.AfterAllowTrafficHook = preference.postTrafficHook
    return {CodeDeployLambdaAliasUpdate: update}
  }

  /** The shared resources and per-function deployment groups, once every function has been translated. */
  resources(context: TransformContext, errors: SamError[]): CfnResource[] {
    if (!this.anyEnabled()) return []
    const resources: CfnResource[] = []
    const sharedCondition = this.sharedCondition(context)
    const mergedTags: JsonObject = {}
    for (const preference of this.preferences.values()) {
      if (preference.enabled && preference.propagateTags && preference.tags) Object.assign(mergedTags, preference.tags)
    }
    const application = new CfnResource(CODEDEPLOY_APPLICATION_ID, 'AWS::CodeDeploy::Application').set('ComputePlatform', 'Lambda')
    if (Object.keys(mergedTags).length > 0) application.set('Tags', tagList(mergedTags))
    if (sharedCondition) application.attributes.Condition = sharedCondition
    resources.push(application)
    if (![...this.preferences.values()].every((preference) => preference.role || !preference.enabled)) {
      const limited = context.partition === 'aws-iso' || context.partition === 'aws-iso-b'
      const role = new CfnResource(CODEDEPLOY_SERVICE_ROLE_ID, 'AWS::IAM::Role')
        .set('AssumeRolePolicyDocument', {
          Version: '2012-10-17',
          Statement: [{Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: {Service: ['codedeploy.amazonaws.com']}}],
        })
        .set('ManagedPolicyArns', [awsManagedPolicyArn(context, limited ? 'service-role/AWSCodeDeployRoleForLambdaLimited' : 'service-role/AWSCodeDeployRoleForLambda')])
      if (sharedCondition) role.attributes.Condition = sharedCondition
      if (Object.keys(mergedTags).length > 0) role.set('Tags', tagList(mergedTags))
      resources.push(role)
    }
    for (const [functionId, preference] of this.preferences) {
      if (!preference.enabled) continue
      try {
        resources.push(deploymentGroup(functionId, preference))
      } catch (error) {
        if (error instanceof SamError) errors.push(error)
        else throw error
      }
    }
    return resources
  }

  /** When every enabled preference passes its function's Condition through, the shared resources get one too. */
  private sharedCondition(context: TransformContext): string | undefined {
    const all = [...this.preferences.values()]
    if (all.length === 0 || all.some((preference) => !preference.condition && preference.enabled)) return undefined
    const conditions = [...new Set(all.map((preference) => preference.condition).filter((c): c is string => c !== undefined))]
    if (conditions.length <= 1) return conditions[0]
    Object.assign(context.conditions, combinedCondition(conditions, CODEDEPLOY_CONDITION))
    return CODEDEPLOY_CONDITION
  }
}

export function deploymentGroupId(functionId: string): string {
  return `${functionId}DeploymentGroup`
}

function isPresentHook(hook: unknown): boolean {
  return hook !== undefined && hook !== null && !(isObject(hook) && hook.Ref === null)
}

function deploymentGroup(functionId: string, preference: Preference): CfnResource {
  const group = new CfnResource(deploymentGroupId(functionId), 'AWS::CodeDeploy::DeploymentGroup')
  let alarms: unknown
  try {
    alarms = convertAlarms(preference.alarms)
  } catch (error) {
    throw invalidResource(functionId, (error as Error).message)
  }
  group.set('AlarmConfiguration', alarms)
  group.set('ApplicationName', ref(CODEDEPLOY_APPLICATION_ID))
  group.set('AutoRollbackConfiguration', {Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST']})
  group.set('DeploymentConfigName', replaceDeploymentTypes(deepClone(preference.type)))
  group.set('DeploymentStyle', {DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL'})
  group.set('ServiceRoleArn', preference.role ? preference.role : getAtt(CODEDEPLOY_SERVICE_ROLE_ID, 'Arn'))
  if (preference.triggerConfigurations) group.set('TriggerConfigurations', preference.triggerConfigurations)
  if (preference.tags) group.set('Tags', tagList(preference.tags))
  if (preference.condition) group.attributes.Condition = preference.condition
  return group
}

function convertAlarms(alarms: unknown): unknown {
  if (!alarms || isNoValue(alarms) || (Array.isArray(alarms) && alarms.length === 0) || (isObject(alarms) && Object.keys(alarms).length === 0)) return undefined
  if (isIntrinsicIf(alarms)) {
    const processed = deepClone(alarms)
    const items = ifItems(processed)
    const list = processed['Fn::If'] as unknown[]
    list[1] = alarmConfiguration(items[1])
    list[2] = alarmConfiguration(items[2])
    return processed
  }
  return alarmConfiguration(alarms)
}

function alarmConfiguration(alarms: unknown): JsonObject {
  if (!Array.isArray(alarms)) throw new SamError('Alarms must be a list')
  if (alarms.length === 0 || isNoValue(alarms[0])) return {}
  return {Enabled: true, Alarms: alarms.map((alarm) => ({Name: alarm}))}
}

function replaceDeploymentTypes(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => replaceDeploymentTypes(item))
  if (isIntrinsic(value)) {
    const result: JsonObject = {}
    for (const [name, item] of Object.entries(value)) result[name] = replaceDeploymentTypes(item, name)
    return result
  }
  if (typeof value === 'string' && PREDEFINED_DEPLOYMENT_TYPES.includes(value)) {
    // Inside an Fn::Sub the value is already substituted text: no Sub nested in a Sub.
    if (key === 'Fn::Sub') return ['CodeDeployDefault.Lambda${ConfigName}', {ConfigName: value}]
    return sub('CodeDeployDefault.Lambda${ConfigName}', {ConfigName: value})
  }
  return value
}

/** SAM's make_combined_condition: OR the names in groups of ten, chaining groups under numbered names. */
export function combinedCondition(names: string[], conditionName: string): JsonObject | undefined {
  if (names.length < 2) return undefined
  const maxConditions = 10
  const conditions: JsonObject = {}
  let remaining = [...names]
  let zeroBasedCount = 1 + Math.floor((remaining.length - 2) / (maxConditions - 1)) - 1
  while (remaining.length > 1) {
    let name = conditionName
    if (zeroBasedCount > 0) {
      name = `${conditionName}${zeroBasedCount}`
      zeroBasedCount--
    }
    conditions[name] = {'Fn::Or': remaining.slice(0, maxConditions).map((condition) => ({Condition: condition}))}
    remaining = [...remaining.slice(maxConditions), name]
  }
  return conditions
}
