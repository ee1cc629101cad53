/**
 * How a stack update hands a release over to lpack's engine, in the transformed (plain CloudFormation) template.
 *
 * SAM's template gives each released alias `FunctionVersion: !GetAtt <Fn>Version<hash>.Version` plus an
 * UpdatePolicy that makes CloudFormation start a CodeDeploy deployment. For lpack's engine the template is
 * rewritten before the change set:
 *   - the alias keeps the version it runs now: FunctionVersion becomes that literal version (the "pin"), so the
 *     stack update publishes the new version (a new AWS::Lambda::Version, which SAM retains) and moves no traffic;
 *   - the UpdatePolicy and the CodeDeploy resources only it used go (no CodeDeploy needed); what lpack needs to
 *     run the release — the schedule type, alarms, hooks, the Version resource — moves into the alias's Metadata
 *     under `LpackTraffic`, so `lpack traffic resume` finds it in the deployed template.
 * When the release finishes, one more stack update with the unpinned template (FunctionVersion: the GetAtt again)
 * makes the template say what the alias does; when it rolls back, the pinned template already says it. Either
 * way template and alias agree.
 */
import {LpackError} from '../../errors.js'

export const TRAFFIC_METADATA_KEY = 'LpackTraffic'

type Json = Record<string, unknown>

/** A released alias as the template declares it (intrinsics unresolved). */
export interface TrafficAliasConfig {
  aliasLogicalId: string
  functionLogicalId: string
  versionLogicalId: string
  aliasName: string
  type: unknown
  alarms: unknown[]
  preTraffic?: unknown
  postTraffic?: unknown
  /** The CodeDeploy deployment group and application (SAM's UpdatePolicy), while the template has them. */
  deploymentGroupLogicalId?: string
  applicationLogicalId?: string
}

interface LpackTrafficMetadata {
  Function: string
  Version: string
  Type: unknown
  Alarms: unknown[]
  PreTraffic?: unknown
  PostTraffic?: unknown
}

function resourcesOf(template: Json): Record<string, Json> {
  return (template.Resources ?? {}) as Record<string, Json>
}

function refTarget(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const ref = (value as Json).Ref
    if (typeof ref === 'string') return ref
    const getAtt = (value as Json)['Fn::GetAtt']
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0]
    if (typeof getAtt === 'string') return getAtt.split('.')[0]
  }
  return undefined
}

/** The deployment type SAM wrote into a DeploymentGroup: `Fn::Sub` over ConfigName for predefined types, else as is. */
function deploymentType(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const sub = (value as Json)['Fn::Sub']
    if (Array.isArray(sub) && sub[0] === 'CodeDeployDefault.Lambda${ConfigName}') return (sub[1] as Json | undefined)?.ConfigName
  }
  return value
}

/** Every alias of the template released with a DeploymentPreference (UpdatePolicy) or already handed to lpack (Metadata). */
export function trafficAliases(template: Json): TrafficAliasConfig[] {
  const resources = resourcesOf(template)
  const aliases: TrafficAliasConfig[] = []
  for (const [id, resource] of Object.entries(resources).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (resource.Type !== 'AWS::Lambda::Alias') continue
    const properties = (resource.Properties ?? {}) as Json
    const metadata = (resource.Metadata as Json | undefined)?.[TRAFFIC_METADATA_KEY] as LpackTrafficMetadata | undefined
    const aliasName = typeof properties.Name === 'string' ? properties.Name : id
    if (metadata !== undefined) {
      aliases.push({aliasLogicalId: id, functionLogicalId: metadata.Function, versionLogicalId: metadata.Version, aliasName, type: metadata.Type, alarms: metadata.Alarms ?? [], preTraffic: metadata.PreTraffic, postTraffic: metadata.PostTraffic})
      continue
    }
    const update = ((resource.UpdatePolicy as Json | undefined)?.CodeDeployLambdaAliasUpdate) as Json | undefined
    if (update === undefined) continue
    const groupId = refTarget(update.DeploymentGroupName)
    const group = groupId === undefined ? undefined : ((resources[groupId]?.Properties ?? {}) as Json)
    const functionLogicalId = refTarget(properties.FunctionName)
    const versionLogicalId = refTarget(properties.FunctionVersion)
    if (group === undefined || functionLogicalId === undefined || versionLogicalId === undefined) continue
    const alarmConfiguration = (group.AlarmConfiguration ?? {}) as Json
    const alarms = Array.isArray(alarmConfiguration.Alarms) ? (alarmConfiguration.Alarms as Json[]).map((alarm) => alarm.Name) : []
    aliases.push({
      aliasLogicalId: id,
      functionLogicalId,
      versionLogicalId,
      aliasName,
      deploymentGroupLogicalId: groupId!,
      ...(refTarget(update.ApplicationName) ? {applicationLogicalId: refTarget(update.ApplicationName)} : {}),
      type: deploymentType(group.DeploymentConfigName),
      alarms,
      ...(update.BeforeAllowTrafficHook === undefined ? {} : {preTraffic: update.BeforeAllowTrafficHook}),
      ...(update.AfterAllowTrafficHook === undefined ? {} : {postTraffic: update.AfterAllowTrafficHook}),
    })
  }
  return aliases
}

/**
 * The template for lpack's engine: UpdatePolicies replaced by LpackTraffic Metadata, CodeDeploy resources that
 * served only them removed, and each alias in `pins` held on its live version. With no pins it is the template
 * that ends a finished release (every alias on its new version).
 */
export function handOverTemplate(template: Json, pins: ReadonlyMap<string, string>): Json {
  const copy = structuredClone(template)
  const resources = resourcesOf(copy)
  const groups = new Set<string>()
  for (const alias of trafficAliases(copy)) {
    const resource = resources[alias.aliasLogicalId]!
    const update = (resource.UpdatePolicy as Json | undefined)?.CodeDeployLambdaAliasUpdate as Json | undefined
    const group = refTarget(update?.DeploymentGroupName)
    if (group !== undefined) groups.add(group)
    if (resource.UpdatePolicy !== undefined) {
      delete (resource.UpdatePolicy as Json).CodeDeployLambdaAliasUpdate
      if (Object.keys(resource.UpdatePolicy as Json).length === 0) delete resource.UpdatePolicy
    }
    const metadata: LpackTrafficMetadata = {
      Function: alias.functionLogicalId,
      Version: alias.versionLogicalId,
      Type: alias.type,
      Alarms: alias.alarms,
      ...(alias.preTraffic === undefined ? {} : {PreTraffic: alias.preTraffic}),
      ...(alias.postTraffic === undefined ? {} : {PostTraffic: alias.postTraffic}),
    }
    resource.Metadata = {...((resource.Metadata ?? {}) as Json), [TRAFFIC_METADATA_KEY]: metadata}
    const properties = resource.Properties as Json
    const pin = pins.get(alias.aliasLogicalId)
    properties.FunctionVersion = pin ?? {'Fn::GetAtt': [alias.versionLogicalId, 'Version']}
  }
  for (const group of groups) delete resources[group]
  // The application and the service role go once nothing else refers to them.
  for (const id of Object.keys(resources)) {
    const type = resources[id]!.Type
    if (type !== 'AWS::CodeDeploy::Application' && !(type === 'AWS::IAM::Role' && id === 'CodeDeployServiceRole')) continue
    const rest = JSON.stringify({...copy, Resources: Object.fromEntries(Object.entries(resources).filter(([other]) => other !== id))})
    if (!rest.includes(`"${id}"`)) delete resources[id]
  }
  return copy
}

/** A Ref/GetAtt/string of the template as AWS knows it: the physical id of a logical resource, or the string. */
export function resolveName(value: unknown, physicalIds: ReadonlyMap<string, string>, what: string): string {
  if (typeof value === 'string') return value
  const target = refTarget(value)
  if (target !== undefined && physicalIds.has(target)) return physicalIds.get(target)!
  throw new LpackError('TEMPLATE_INVALID', `${what} must be a name or a Ref to a resource of the stack for --traffic-engine lpack, got ${JSON.stringify(value)}`, {
    hint: 'Use --traffic-engine codedeploy for values lpack cannot resolve.',
  })
}
