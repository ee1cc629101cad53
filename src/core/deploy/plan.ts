/**
 * Pure planning for deploy: the change-set type a stack's state calls for, the parameters to send, the
 * capabilities a template needs, whether anything changed, and the summary rows of a change set.
 */
import {LpackError} from '../../errors.js'

export type StackState =
  | {kind: 'missing'}
  | {kind: 'review'} // REVIEW_IN_PROGRESS: created by a change set that was never executed
  | {kind: 'busy'; status: string}
  | {kind: 'failed-create'; status: string} // ROLLBACK_COMPLETE and friends: can only be deleted
  | {kind: 'stuck'; status: string} // UPDATE_ROLLBACK_FAILED, DELETE_FAILED: need a person
  | {kind: 'ready'; status: string}

export function classifyStackStatus(status: string | undefined): StackState {
  if (status === undefined || status === 'DELETE_COMPLETE') return {kind: 'missing'}
  if (status === 'REVIEW_IN_PROGRESS') return {kind: 'review'}
  if (status.endsWith('_IN_PROGRESS')) return {kind: 'busy', status}
  if (status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED' || status === 'CREATE_FAILED') return {kind: 'failed-create', status}
  if (status === 'UPDATE_ROLLBACK_FAILED' || status === 'DELETE_FAILED') return {kind: 'stuck', status}
  return {kind: 'ready', status}
}

export function isTerminalStatus(status: string): boolean {
  return !status.endsWith('_IN_PROGRESS')
}

export function isSuccessStatus(status: string): boolean {
  return status === 'CREATE_COMPLETE' || status === 'UPDATE_COMPLETE' || status === 'IMPORT_COMPLETE'
}

export interface ParameterValue {
  ParameterKey: string
  ParameterValue?: string
  UsePreviousValue?: boolean
}

/**
 * Parameters to send: every override; for an existing stack, every other template parameter it already has
 * keeps its previous value (as `aws cloudformation deploy` does); the rest fall back to their defaults.
 */
export function planParameters(
  templateParameters: readonly string[],
  overrides: Readonly<Record<string, string>>,
  existing: ReadonlySet<string> | undefined,
): ParameterValue[] {
  const unknown = Object.keys(overrides).filter((key) => !templateParameters.includes(key))
  if (unknown.length > 0) {
    throw new LpackError('USAGE', `Parameter override ${unknown.sort().join(', ')} is not a parameter of the template`, {
      hint: templateParameters.length > 0 ? `The template's parameters are ${[...templateParameters].sort().join(', ')}.` : 'The template declares no Parameters.',
    })
  }
  return [...templateParameters].sort().flatMap((key): ParameterValue[] => {
    if (key in overrides) return [{ParameterKey: key, ParameterValue: overrides[key]}]
    if (existing?.has(key)) return [{ParameterKey: key, UsePreviousValue: true}]
    return []
  })
}

const IAM_NAME_PROPERTIES: Record<string, string> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
}
const IAM_TYPES = new Set([...Object.keys(IAM_NAME_PROPERTIES), 'AWS::IAM::Policy', 'AWS::IAM::AccessKey', 'AWS::IAM::UserToGroupAddition', 'AWS::IAM::RolePolicy', 'AWS::IAM::GroupPolicy', 'AWS::IAM::UserPolicy'])

/**
 * Capabilities the template needs: CAPABILITY_IAM for IAM resources (SAM functions without a Role create one),
 * CAPABILITY_NAMED_IAM when one is given a name, CAPABILITY_AUTO_EXPAND when CloudFormation must run a
 * Transform or the template nests applications.
 */
export function inferCapabilities(template: Record<string, unknown>): string[] {
  const capabilities = new Set<string>()
  const resources = (template.Resources ?? {}) as Record<string, {Type?: unknown; Properties?: Record<string, unknown>}>
  for (const resource of Object.values(resources)) {
    const type = String(resource?.Type ?? '')
    if (IAM_TYPES.has(type)) {
      capabilities.add('CAPABILITY_IAM')
      const nameProperty = IAM_NAME_PROPERTIES[type]
      if (nameProperty !== undefined && resource.Properties?.[nameProperty] !== undefined) capabilities.add('CAPABILITY_NAMED_IAM')
    }
    if ((type === 'AWS::Serverless::Function' || type === 'AWS::Serverless::StateMachine') && resource.Properties?.Role === undefined) {
      capabilities.add('CAPABILITY_IAM')
    }
    if (type === 'AWS::Serverless::Application') capabilities.add('CAPABILITY_AUTO_EXPAND')
  }
  if (template.Transform !== undefined) capabilities.add('CAPABILITY_AUTO_EXPAND')
  return [...capabilities].sort()
}

export interface DeployedState {
  templateBody?: string
  parameters: Readonly<Record<string, string>>
  tags: Readonly<Record<string, string>>
  notificationArns: readonly string[]
  roleArn?: string
}

export interface DesiredState {
  templateBody: string
  parameters: readonly ParameterValue[]
  /** Undefined: leave the stack's tags as they are. */
  tags?: Readonly<Record<string, string>>
  notificationArns?: readonly string[]
  roleArn?: string
}

const NO_ECHO_MASK = '****'

/**
 * True when deploying would change nothing: same template, same parameter values, same tags (and the same
 * notification ARNs and role when given). A masked (NoEcho) value that is overridden counts as a change.
 */
export function isUnchanged(deployed: DeployedState, desired: DesiredState): boolean {
  if (deployed.templateBody === undefined || !sameTemplate(deployed.templateBody, desired.templateBody)) return false
  for (const parameter of desired.parameters) {
    if (parameter.UsePreviousValue) continue
    const current = deployed.parameters[parameter.ParameterKey]
    if (current === undefined || current === NO_ECHO_MASK || current !== parameter.ParameterValue) return false
  }
  if (desired.tags !== undefined && !sameRecord(deployed.tags, desired.tags)) return false
  if (desired.notificationArns !== undefined && [...desired.notificationArns].sort().join() !== [...deployed.notificationArns].sort().join()) return false
  if (desired.roleArn !== undefined && desired.roleArn !== deployed.roleArn) return false
  return true
}

function sameTemplate(a: string, b: string): boolean {
  if (a === b) return true
  try {
    return canonicalJson(JSON.parse(a)) === canonicalJson(JSON.parse(b))
  } catch {
    return false
  }
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : inner,
  )
}

function sameRecord(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key])
}

export type ChangeAction = 'Add' | 'Modify' | 'Remove' | 'Import' | 'Dynamic'

export interface ChangeRow {
  action: ChangeAction
  logicalId: string
  type: string
  /** CloudFormation's Replacement: True, False, Conditional; absent for adds and removes. */
  replacement?: string
  /** The properties whose change drives the modification, when CloudFormation names them. */
  properties?: string[]
}

interface ResourceChangeLike {
  Action?: string
  LogicalResourceId?: string
  ResourceType?: string
  Replacement?: string
  Details?: {Target?: {Name?: string; Attribute?: string}}[]
}

/** Summary rows from DescribeChangeSet's Changes, sorted by logical id. */
export function summarizeChanges(changes: readonly {ResourceChange?: ResourceChangeLike}[]): ChangeRow[] {
  return changes
    .map((change) => change.ResourceChange)
    .filter((change): change is ResourceChangeLike => change !== undefined)
    .map((change) => {
      const properties = [...new Set((change.Details ?? []).map((detail) => detail.Target?.Name).filter((name): name is string => Boolean(name)))].sort()
      return {
        action: (change.Action ?? 'Modify') as ChangeAction,
        logicalId: change.LogicalResourceId ?? '?',
        type: change.ResourceType ?? '?',
        ...(change.Replacement && change.Action === 'Modify' ? {replacement: change.Replacement} : {}),
        ...(properties.length > 0 ? {properties} : {}),
      }
    })
    .sort((a, b) => (a.logicalId < b.logicalId ? -1 : a.logicalId > b.logicalId ? 1 : 0))
}

/** CloudFormation's ways of saying a change set is empty. */
export function isEmptyChangeSetReason(reason: string | undefined): boolean {
  return reason !== undefined && /didn't contain changes|No updates are to be performed/i.test(reason)
}
