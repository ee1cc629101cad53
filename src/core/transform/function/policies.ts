import managedPolicies from '../data/aws-managed-policies.json' with {type: 'json'}
import policyTemplates from '../data/policy-templates.json' with {type: 'json'}
import {invalidResource, invalidTemplate} from '../errors.js'
import {ifItems, isIntrinsic, isIntrinsicIf, isNoValue, resolveParameterRefs} from '../intrinsics.js'
import {isObject, type JsonObject} from '../json.js'

interface PolicyTemplate {
  Parameters?: Record<string, unknown>
  Definition: unknown
}

const TEMPLATES = policyTemplates.Templates as unknown as Record<string, PolicyTemplate>
const MANAGED_POLICY_ARNS = managedPolicies as Record<string, Record<string, string>>
const PARAMETER_PREFIX = '___SAM_POLICY_PARAMETER_'

export type PolicyKind = 'managed' | 'statement' | 'template' | 'unknown'

/** How SAM classifies one entry of `Policies` (ResourcePolicies._get_type). */
export function policyKind(policy: unknown, withTemplates: boolean): PolicyKind {
  if (typeof policy === 'string') return 'managed'
  if (isIntrinsicIf(policy)) {
    const [, whenTrue, whenFalse] = ifItemsForPolicy(policy)
    const trueKind = policyKind(whenTrue, withTemplates)
    const falseKind = policyKind(whenFalse, withTemplates)
    if (trueKind === falseKind) return trueKind
    if (isNoValue(whenTrue)) return falseKind
    if (isNoValue(whenFalse)) return trueKind
    throw invalidTemplate('Different policy types within the same Fn::If statement is unsupported. Separate different policy types into different Fn::If statements')
  }
  if (isIntrinsic(policy)) return 'managed'
  if (isObject(policy) && 'Statement' in policy) return 'statement'
  if (withTemplates && isObject(policy) && Object.keys(policy).length === 1 && Object.hasOwn(TEMPLATES, Object.keys(policy)[0]!)) return 'template'
  return 'unknown'
}

function ifItemsForPolicy(policy: {'Fn::If': unknown}): [unknown, unknown, unknown] {
  try {
    return ifItems(policy)
  } catch (error) {
    throw invalidTemplate((error as Error).message)
  }
}

/** `Policies` as a list, with SAM policy templates expanded into policy documents (SAM's policy-templates plugin). */
export function expandPolicyTemplates(logicalId: string, policies: unknown): unknown[] | undefined {
  if (policies === undefined || policies === null || policies === '' || (Array.isArray(policies) && policies.length === 0)) return undefined
  if (isObject(policies) && Object.keys(policies).length === 0) return undefined
  const list = Array.isArray(policies) ? policies : [policies]
  return list.map((policy) => {
    if (policyKind(policy, true) !== 'template') return policy
    if (isIntrinsicIf(policy)) {
      const [condition, whenTrue, whenFalse] = ifItems(policy)
      const expand = (value: unknown): unknown => (isNoValue(value) ? value : expandTemplate(logicalId, value as JsonObject))
      return {'Fn::If': [condition, expand(whenTrue), expand(whenFalse)]}
    }
    return expandTemplate(logicalId, policy as JsonObject)
  })
}

function expandTemplate(logicalId: string, policy: JsonObject): unknown {
  const name = Object.keys(policy)[0]!
  const values = policy[name]
  const template = TEMPLATES[name]!
  if (!isObject(values)) throw invalidResource(logicalId, `Must specify valid parameter values for policy template '${name}'`)
  const parameters = Object.keys(template.Parameters ?? {})
  const missing = parameters.filter((parameter) => !(parameter in values))
  if (missing.length > 0) {
    throw invalidResource(logicalId, `Following required parameters of template '${name}' don't have values: [${missing.map((m) => `'${m}'`).join(', ')}]`)
  }
  // Template parameters are renamed first so a value that itself Refs a template parameter of the same name
  // (TableName: !Ref TableName) is not substituted again.
  const prefixed = new Map(parameters.map((parameter) => [PARAMETER_PREFIX + parameter, values[parameter]]))
  return resolveParameterRefs(prefixRefs(template.Definition), prefixed)
}

function prefixRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prefixRefs)
  if (!isObject(value)) return value
  const copy: JsonObject = {}
  for (const [key, item] of Object.entries(value)) copy[key] = prefixRefs(item)
  if (typeof copy.Ref === 'string') copy.Ref = PARAMETER_PREFIX + copy.Ref
  return copy
}

/** An AWS managed policy name → its ARN in the partition (SAM's bundled map); anything else as written. */
export function managedPolicyArn(name: string, partition: string): string {
  const arn = MANAGED_POLICY_ARNS[partition]?.[name]
  return arn ?? name
}
