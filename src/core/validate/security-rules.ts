import type {TemplatePath} from '../template/template.js'
import {isObject, literalString, lookup, referencedResource, type RuleContext} from './context.js'
import {functionViews} from './functions.js'

/** Where IAM policy documents live, per resource type. */
const POLICY_DOCUMENT_PATHS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  'AWS::IAM::Role': [['Policies', '*', 'PolicyDocument']],
  'AWS::IAM::Policy': [['PolicyDocument']],
  'AWS::IAM::ManagedPolicy': [['PolicyDocument']],
  'AWS::IAM::User': [['Policies', '*', 'PolicyDocument']],
  'AWS::IAM::Group': [['Policies', '*', 'PolicyDocument']],
}

/** Names that usually hold a secret value; names that hold a pointer to one (…_ARN, …_NAME) are fine. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?)/i
const POINTER_SUFFIX = /(_ARN|_NAME|_ID|_PATH|_PARAM|_PARAMETER|_TABLE|_URL|_URI|_REGION|_TTL|_EXPIRY|_LENGTH|_HEADER)$/i

/** Security and best-practice warnings: IAM wildcards, literal secrets, S3 trigger loops. */
export function checkSecurity(context: RuleContext): void {
  for (const [logicalId, resource] of Object.entries(context.resources)) {
    const type = context.typeOf(logicalId)
    if (!isObject(resource.Properties)) continue
    const base = ['Resources', logicalId, 'Properties']
    for (const documentPath of (type === undefined ? undefined : lookup(POLICY_DOCUMENT_PATHS, type)) ?? []) {
      for (const [document, path] of expand(resource.Properties, documentPath, base)) checkPolicyDocument(context, document, path)
    }
    if (type === 'AWS::Serverless::Function' || type === 'AWS::Serverless::StateMachine') {
      const policies = resource.Properties.Policies
      const list = Array.isArray(policies) ? policies : policies === undefined ? [] : [policies]
      list.forEach((policy, index) => {
        const path = Array.isArray(policies) ? [...base, 'Policies', index] : [...base, 'Policies']
        if (isObject(policy) && policy.Statement !== undefined) checkPolicyDocument(context, policy, path)
      })
    }
  }
  for (const fn of functionViews(context)) {
    for (const variable of fn.environmentVariables()) {
      const value = literalString(variable.value)
      if (value === undefined || value.length < 8 || !SECRET_NAME.test(variable.name) || POINTER_SUFFIX.test(variable.name)) continue
      if (/^(arn:|\{\{resolve:|\/|\$\{)/.test(value)) continue
      context.report('LP5005', variable.path, `Environment variable ${variable.name} of ${fn.logicalId} holds a literal value that looks like a secret`, 'Anyone who can read the function configuration or the template sees it. Store it in Secrets Manager or SSM SecureString and pass its ARN or name instead.')
    }
    if (fn.serverless) checkS3Loop(context, fn.logicalId)
  }
}

function checkPolicyDocument(context: RuleContext, document: unknown, path: TemplatePath): void {
  if (!isObject(document)) return
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement]
  statements.forEach((statement, index) => {
    if (!isObject(statement) || statement.Effect !== 'Allow') return
    const statementPath = Array.isArray(document.Statement) ? [...path, 'Statement', index] : [...path, 'Statement']
    for (const [key, code, what] of [
      ['Action', 'LP5003', 'every action'],
      ['Resource', 'LP5004', 'every resource'],
    ] as const) {
      const value = statement[key]
      const values = Array.isArray(value) ? value : [value]
      const wildcardIndex = values.findIndex((v) => v === '*')
      if (wildcardIndex < 0) continue
      const valuePath = Array.isArray(value) ? [...statementPath, key, wildcardIndex] : [...statementPath, key]
      context.report(code, valuePath, `IAM policy allows ${key}: "*" (${what})`, key === 'Action' ? 'Grant only the actions the code calls (e.g. dynamodb:GetItem), or use a SAM policy template.' : 'Name the resources (ARNs) the code uses; a few actions (e.g. xray:PutTraceSegments) genuinely need "*".')
    }
  })
}

/**
 * Warns when a function triggered by an S3 bucket may write to the same bucket: each write triggers the
 * function again, a loop that can cost a fortune before anyone notices.
 */
function checkS3Loop(context: RuleContext, fnId: string): void {
  const properties = context.resources[fnId]!.Properties
  if (!isObject(properties) || !isObject(properties.Events)) return
  const policies = properties.Policies === undefined ? [] : [properties.Policies].flat()
  for (const [eventId, event] of Object.entries(properties.Events)) {
    if (!isObject(event) || event.Type !== 'S3' || !isObject(event.Properties)) continue
    const bucketId = referencedResource(event.Properties.Bucket)
    if (bucketId === undefined || !policies.some((policy) => grantsWrite(policy, bucketId))) continue
    context.report('LP5002', ['Resources', fnId, 'Properties', 'Events', eventId, 'Properties', 'Bucket'], `${fnId} is triggered by bucket ${bucketId} and may also write to it: a recursive loop`, 'Write to another bucket, or filter the event (Filter: S3Key prefix/suffix) so the function\'s own writes do not trigger it.')
  }
}

const S3_WRITE_TEMPLATES = ['S3CrudPolicy', 'S3WritePolicy', 'S3FullAccessPolicy']
const S3_WRITE_ACTION = /^s3:(\*|Put\*|PutObject.*|\*Object.*)$/i

function grantsWrite(policy: unknown, bucketId: string): boolean {
  if (!isObject(policy)) return false
  for (const name of S3_WRITE_TEMPLATES) {
    const parameters = policy[name]
    if (isObject(parameters) && mentions(parameters.BucketName, bucketId)) return true
  }
  const statements = policy.Statement === undefined ? [] : [policy.Statement].flat()
  return statements.some((statement) => {
    if (!isObject(statement) || statement.Effect !== 'Allow') return false
    const actions = [statement.Action].flat().filter((a): a is string => typeof a === 'string')
    return actions.some((a) => a === '*' || S3_WRITE_ACTION.test(a)) && mentions(statement.Resource, bucketId)
  })
}

/** True when an intrinsic anywhere inside `value` refers to `logicalId`. */
function mentions(value: unknown, logicalId: string): boolean {
  if (Array.isArray(value)) return value.some((item) => mentions(item, logicalId))
  if (!isObject(value)) return false
  if (referencedResource(value) === logicalId) return true
  const sub = value['Fn::Sub']
  const text = Array.isArray(sub) ? sub[0] : sub
  if (typeof text === 'string' && new RegExp(`\\$\\{${logicalId}(\\.[A-Za-z]+)?\\}`).test(text)) return true
  return Object.values(value).some((item) => mentions(item, logicalId))
}

/** Every value at `pattern` under `root` (`*` matches each list item), with its template path. */
function expand(root: unknown, pattern: readonly string[], base: TemplatePath): [unknown, TemplatePath][] {
  if (pattern.length === 0) return [[root, base]]
  const [head, ...rest] = pattern
  if (head === '*') return Array.isArray(root) ? root.flatMap((item, index) => expand(item, rest, [...base, index])) : []
  return isObject(root) && root[head!] !== undefined ? expand(root[head!], rest, [...base, head!]) : []
}
