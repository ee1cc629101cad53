import type {TransformContext} from './context.js'
import {invalidResource} from './errors.js'
import {LAMBDA_ASSUME_ROLE_POLICY} from './function/role.js'
import {isIntrinsic} from './intrinsics.js'
import {isObject, type JsonObject} from './json.js'
import {CfnResource, pickPassthrough, SUPPORTED_ATTRIBUTES, tagList} from './resource.js'

export const CAPACITY_PROVIDER_TYPE = 'AWS::Serverless::CapacityProvider'

type Check = (value: unknown) => boolean
const intrinsicOr = (check: Check): Check => (value) => isIntrinsic(value) || check(value)
const stringList: Check = intrinsicOr((value) => Array.isArray(value) && value.every(intrinsicOr((item) => typeof item === 'string')))
const integer: Check = intrinsicOr((value) => typeof value === 'number' && Number.isInteger(value))
const number: Check = intrinsicOr((value) => typeof value === 'number')
const anything: Check = () => true

/** The translator's schema for the resource (aws_serverless_capacity_provider): unknown keys are errors too. */
const SCHEMA: Record<string, Check | Record<string, Check>> = {
  CapacityProviderName: anything,
  VpcConfig: {SecurityGroupIds: stringList, SubnetIds: stringList},
  OperatorRole: anything,
  Tags: (value) => isObject(value),
  PropagateTags: (value) => typeof value === 'boolean',
  InstanceRequirements: {Architectures: stringList, AllowedTypes: stringList, ExcludedTypes: stringList},
  ScalingConfig: {MaxVCpuCount: integer, AverageCPUUtilization: number},
  KmsKeyArn: anything,
}

function validate(logicalId: string, props: JsonObject): void {
  const problems: string[] = []
  for (const [name, value] of Object.entries(props)) {
    const check = SCHEMA[name]
    if (check === undefined) {
      problems.push(`Property '${name}' is an extra field not permitted.`)
    } else if (typeof check === 'function') {
      if (value !== null && !check(value)) problems.push(`Property '${name}' has an invalid value.`)
    } else if (value !== null) {
      if (!isObject(value)) {
        problems.push(`Property '${name}' should be a map.`)
        continue
      }
      for (const [key, item] of Object.entries(value)) {
        const nested = check[key]
        if (nested === undefined) problems.push(`Property '${name}.${key}' is an extra field not permitted.`)
        else if (item !== null && !nested(item)) problems.push(`Property '${name}.${key}' has an invalid value.`)
      }
    }
  }
  if (!isObject(props.VpcConfig)) problems.push("Property 'VpcConfig' is required.")
  else if (props.VpcConfig.SubnetIds === undefined || props.VpcConfig.SubnetIds === null) problems.push("Property 'VpcConfig.SubnetIds' is required.")
  const requirements = props.InstanceRequirements
  if (isObject(requirements) && requirements.AllowedTypes !== undefined && requirements.AllowedTypes !== null && requirements.ExcludedTypes !== undefined && requirements.ExcludedTypes !== null) {
    problems.push("Cannot specify 'InstanceRequirements.AllowedTypes' and 'InstanceRequirements.ExcludedTypes' together.")
  }
  if (problems.length > 0) throw invalidResource(logicalId, problems.join('\n'))
}

/** AWS::Serverless::CapacityProvider → AWS::Lambda::CapacityProvider and, unless OperatorRole is given, its operator role. */
export function translateCapacityProvider(logicalId: string, resource: JsonObject, context: TransformContext): CfnResource[] {
  const props = (resource.Properties ?? {}) as JsonObject
  validate(logicalId, props)
  const attributes: JsonObject = {}
  for (const name of SUPPORTED_ATTRIBUTES) if (name in resource) attributes[name] = resource[name]
  const passthrough = pickPassthrough(attributes)
  const resources: CfnResource[] = []
  let operatorRole = props.OperatorRole
  if (!operatorRole) {
    const role = new CfnResource(`${logicalId}OperatorRole`, 'AWS::IAM::Role', passthrough)
      .set('AssumeRolePolicyDocument', LAMBDA_ASSUME_ROLE_POLICY())
      .set('ManagedPolicyArns', [`arn:${context.partition}:iam::aws:policy/AWSLambdaManagedEC2ResourceOperator`])
      .set('Tags', [{Key: 'lambda:createdBy', Value: 'SAM'}])
    resources.push(role)
    operatorRole = role.arn()
  }
  const provider = new CfnResource(logicalId, 'AWS::Lambda::CapacityProvider', {...attributes, ...passthrough}, resource.DependsOn)
  if (props.CapacityProviderName) provider.set('CapacityProviderName', props.CapacityProviderName)
  const vpc = props.VpcConfig as JsonObject
  const vpcConfig: JsonObject = {SubnetIds: vpc.SubnetIds}
  if (vpc.SecurityGroupIds !== undefined && vpc.SecurityGroupIds !== null) vpcConfig.SecurityGroupIds = vpc.SecurityGroupIds
  provider.set('VpcConfig', vpcConfig)
  if (operatorRole) provider.set('PermissionsConfig', {CapacityProviderOperatorRoleArn: operatorRole})
  provider.set('Tags', tagList({...(isObject(props.Tags) ? props.Tags : {}), 'lambda:createdBy': 'SAM'}))
  const requirements = isObject(props.InstanceRequirements) ? props.InstanceRequirements : {}
  if (Object.values(requirements).some((value) => value !== null && value !== undefined)) {
    const converted: JsonObject = {}
    if (requirements.Architectures !== undefined && requirements.Architectures !== null) converted.Architectures = requirements.Architectures
    if (requirements.AllowedTypes !== undefined && requirements.AllowedTypes !== null) converted.AllowedInstanceTypes = requirements.AllowedTypes
    if (requirements.ExcludedTypes !== undefined && requirements.ExcludedTypes !== null) converted.ExcludedInstanceTypes = requirements.ExcludedTypes
    provider.set('InstanceRequirements', converted)
  }
  const scaling = isObject(props.ScalingConfig) ? props.ScalingConfig : {}
  if (Object.values(scaling).some((value) => value !== null && value !== undefined)) {
    const converted: JsonObject = {}
    if (scaling.MaxVCpuCount !== undefined && scaling.MaxVCpuCount !== null) converted.MaxVCpuCount = scaling.MaxVCpuCount
    if (scaling.AverageCPUUtilization !== undefined && scaling.AverageCPUUtilization !== null) {
      converted.ScalingMode = 'Manual'
      converted.ScalingPolicies = [{PredefinedMetricType: 'LambdaCapacityProviderAverageCPUUtilization', TargetValue: scaling.AverageCPUUtilization}]
    } else {
      converted.ScalingMode = 'Auto'
    }
    provider.set('CapacityProviderScalingConfig', converted)
  }
  if (props.KmsKeyArn) provider.set('KmsKeyArn', props.KmsKeyArn)
  resources.push(provider)
  if (props.PropagateTags && isObject(props.Tags) && Object.keys(props.Tags).length > 0) {
    for (const generated of resources) {
      const existing = (generated.get('Tags') as JsonObject[] | undefined) ?? []
      const combined = new Map<unknown, unknown>()
      for (const tag of [...existing, ...tagList(props.Tags)]) combined.set(tag.Key, tag.Value)
      generated.set('Tags', [...combined].map(([Key, Value]) => ({Key, Value})))
    }
  }
  return resources
}
