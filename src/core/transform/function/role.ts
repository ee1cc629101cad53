import type {TransformContext} from '../context.js'
import {invalidResource} from '../errors.js'
import {ifItems, isIntrinsicIf, isNoValue} from '../intrinsics.js'
import {deepEqual, type JsonObject} from '../json.js'
import {CfnResource} from '../resource.js'
import {managedPolicyArn, policyKind} from './policies.js'

export const LAMBDA_ASSUME_ROLE_POLICY = (): JsonObject => ({
  Version: '2012-10-17',
  Statement: [{Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: {Service: ['lambda.amazonaws.com']}}],
})

export interface ExecutionRoleInput {
  functionId: string
  attributes: JsonObject
  assumeRolePolicyDocument?: unknown
  policies?: unknown[]
  managedPolicyArns: unknown[]
  policyDocuments: unknown[]
  rolePath?: unknown
  permissionsBoundary?: unknown
  tags: JsonObject[]
}

/** The `<Fn>Role` SAM generates from the function's Policies (construct_role_for_resource). */
export function buildExecutionRole(input: ExecutionRoleInput, context: TransformContext): CfnResource {
  const role = new CfnResource(`${input.functionId}Role`, 'AWS::IAM::Role', input.attributes)
  role.set('AssumeRolePolicyDocument', input.assumeRolePolicyDocument ?? LAMBDA_ASSUME_ROLE_POLICY())
  const managed = [...input.managedPolicyArns]
  const documents = [...input.policyDocuments]
  const resolveName = (name: string): string => managedPolicyArn(name, context.partition)
  ;(input.policies ?? []).forEach((policy, index) => {
    const kind = policyKind(policy, false)
    const policyName = `${role.logicalId}Policy${index}`
    if (kind === 'statement') {
      if (isIntrinsicIf(policy)) {
        const [condition, whenTrue, whenFalse] = ifItems(policy)
        const wrap = (value: unknown): unknown => (isNoValue(value) ? value : {PolicyName: policyName, PolicyDocument: value})
        documents.push({'Fn::If': [condition, wrap(whenTrue), wrap(whenFalse)]})
      } else {
        documents.push({PolicyName: policyName, PolicyDocument: policy})
      }
    } else if (kind === 'managed') {
      let arn: unknown = policy
      if (typeof policy === 'string') arn = resolveName(policy)
      else if (isIntrinsicIf(policy)) {
        const [condition, whenTrue, whenFalse] = ifItems(policy)
        const convert = (value: unknown): unknown => (typeof value === 'string' ? resolveName(value) : value)
        arn = {'Fn::If': [condition, convert(whenTrue), convert(whenFalse)]}
      }
      if (!managed.some((existing) => deepEqual(existing, arn))) managed.push(arn)
    } else {
      throw invalidResource(input.functionId, `Policy at index ${index} in the 'Policies' property is not valid`)
    }
  })
  role.set('ManagedPolicyArns', managed)
  role.set('Policies', documents.length > 0 ? documents : undefined)
  role.set('Path', input.rolePath)
  role.set('PermissionsBoundary', input.permissionsBoundary)
  role.set('Tags', input.tags)
  return role
}

/** Adds a managed policy ARN to a generated role unless it is already there. */
export function addManagedPolicy(role: CfnResource | undefined, arn: string): void {
  if (!role) return
  const list = role.get('ManagedPolicyArns') as unknown[]
  if (!list.some((existing) => deepEqual(existing, arn))) list.push(arn)
}

/** Adds inline policies to a generated role, skipping any whose document it already has (SAM's _link_policy). */
export function addInlinePolicies(role: CfnResource | undefined, policies: readonly JsonObject[]): void {
  if (!role) return
  for (const policy of policies) {
    const current = (role.get('Policies') as JsonObject[] | undefined) ?? []
    if (current.some((existing) => deepEqual(existing, policy) || deepEqual(existing.PolicyDocument ?? {}, policy.PolicyDocument))) continue
    role.set('Policies', [...current, policy])
  }
}

export const POLICY = {
  sqsSendMessage: (queueArn: unknown, logicalId: string): JsonObject => ({
    PolicyName: `${logicalId}SQSPolicy`,
    PolicyDocument: {Statement: [{Action: 'sqs:SendMessage', Effect: 'Allow', Resource: queueArn}]},
  }),
  snsPublish: (topicArn: unknown, logicalId: string): JsonObject => ({
    PolicyName: `${logicalId}SNSPolicy`,
    PolicyDocument: {Statement: [{Action: 'sns:publish', Effect: 'Allow', Resource: topicArn}]},
  }),
  s3SendEventPayload: (bucketArn: unknown, logicalId: string): JsonObject => ({
    PolicyName: `${logicalId}S3Policy`,
    PolicyDocument: {
      Statement: [
        {Action: 's3:PutObject', Effect: 'Allow', Resource: {'Fn::Join': ['/', [bucketArn, '*']]}},
        {Action: 's3:ListBucket', Effect: 'Allow', Resource: bucketArn},
      ],
    },
  }),
  eventBusPutEvents: (busArn: unknown, logicalId: string): JsonObject => ({
    PolicyName: `${logicalId}EventBridgePolicy`,
    PolicyDocument: {Statement: [{Action: 'events:PutEvents', Effect: 'Allow', Resource: busArn}]},
  }),
  lambdaInvoke: (functionArn: unknown, logicalId: string): JsonObject => ({
    PolicyName: `${logicalId}LambdaPolicy`,
    PolicyDocument: {Statement: [{Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: functionArn}]},
  }),
  startExecution: (stateMachineArn: unknown, logicalId: string): JsonObject => ({
    PolicyName: `${logicalId}StartExecutionPolicy`,
    PolicyDocument: {Statement: [{Action: 'states:StartExecution', Effect: 'Allow', Resource: stateMachineArn}]},
  }),
  deadLetterQueue: (action: string, targetArn: unknown): JsonObject => ({
    PolicyName: 'DeadLetterQueuePolicy',
    PolicyDocument: {Version: '2012-10-17', Statement: [{Action: action, Resource: targetArn, Effect: 'Allow'}]},
  }),
}
