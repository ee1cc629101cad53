import profiles from './data/connector-profiles.json' with {type: 'json'}
import type {TransformContext} from './context.js'
import {SamError, invalidResource} from './errors.js'
import {logicalIdOfIntrinsic, ref} from './intrinsics.js'
import {deepClone, isObject, type JsonObject} from './json.js'
import {CfnResource, SUPPORTED_ATTRIBUTES} from './resource.js'
import {listOf, mapOf, oneOf, validateProperties, type PropertySpec} from './validate.js'

export const CONNECTOR_TYPE = 'AWS::Serverless::Connector'

const CONNECTOR_PROPERTIES: Record<string, PropertySpec> = {
  Source: {shape: mapOf('any'), required: true},
  Destination: {shape: oneOf('map', listOf('map')), required: true},
  Permissions: {shape: listOf('string'), required: true},
}

/** Connector profiles speak CloudFormation types; a reference by Type may name the SAM type instead. */
const CFN_TYPE_OF_SAM: Readonly<Record<string, string>> = {
  'AWS::Serverless::Function': 'AWS::Lambda::Function',
  'AWS::Serverless::StateMachine': 'AWS::StepFunctions::StateMachine',
  'AWS::Serverless::Api': 'AWS::ApiGateway::RestApi',
  'AWS::Serverless::HttpApi': 'AWS::ApiGatewayV2::Api',
  'AWS::Serverless::SimpleTable': 'AWS::DynamoDB::Table',
}

interface Profile {
  Type: string
  Properties: JsonObject
}

/** One end of a connector, as SAM's ConnectorResourceReference: what the profile's `%{…}` variables become. */
interface Endpoint {
  logicalId?: string
  type: string
  arn?: unknown
  roleName?: unknown
  queueUrl?: unknown
  resourceId?: unknown
  name?: unknown
  qualifier?: unknown
}

/**
 * Moves each resource's `Connectors` attribute into `AWS::Serverless::Connector` resources named
 * `<Resource><Connector>` with the resource as Source, as SAM does before anything is translated. Returns the errors
 * found; the template's resources are edited in place.
 */
export function expandEmbeddedConnectors(resources: JsonObject): string[] {
  const errors: string[] = []
  const generated: JsonObject = {}
  for (const [sourceId, resource] of Object.entries(resources)) {
    if (!isObject(resource) || !('Connectors' in resource)) continue
    const connectors = resource.Connectors
    if (!isObject(connectors)) {
      errors.push(invalidResource(sourceId, `Attribute '${sourceId}.Connectors' should be a map.`).message)
      continue
    }
    for (const [name, connector] of Object.entries(connectors)) {
      const id = sourceId + name
      try {
        if (!isObject(connector)) throw invalidResource(id, `${sourceId}.${id} should be a map.`)
        const expanded: JsonObject = {...deepClone(connector), Type: CONNECTOR_TYPE}
        const properties = expanded.Properties
        if (!isObject(properties)) throw invalidResource(sourceId, `Attribute 'Connectors.${name}.Properties' should be a map.`)
        const source: JsonObject = {Id: sourceId}
        if ('SourceReference' in properties) {
          const reference = properties.SourceReference
          if (!isObject(reference)) throw invalidResource(sourceId, `Property 'Connectors.${name}.Properties.SourceReference' should be a map.`)
          if ('Id' in reference) throw invalidResource(name, "'Id' shouldn't be defined in 'SourceReference'.")
          Object.assign(source, reference)
          delete properties.SourceReference
        }
        properties.Source = source
        if (id in resources) {
          throw new SamError(`Transforming resource with id [${sourceId}] attempts to create a new resource with id [${id}] and type "${CONNECTOR_TYPE}". A resource with that id already exists within this template. Please use a different id for that resource.`)
        }
        generated[id] = expanded
      } catch (error) {
        if (error instanceof SamError) errors.push(error.message)
        else throw error
      }
    }
  }
  for (const resource of Object.values(resources)) if (isObject(resource)) delete resource.Connectors
  Object.assign(resources, generated)
  return errors
}

/**
 * AWS::Serverless::Connector → the IAM managed policy, queue or topic policy, or Lambda permissions its profile
 * describes. Connectors are translated last, against the generated CloudFormation (`context.output`), and may add
 * to the DependsOn of what they connect.
 */
export function translateConnector(logicalId: string, resource: JsonObject, context: TransformContext): CfnResource[] {
  const props = (resource.Properties ?? {}) as JsonObject
  validateProperties(logicalId, CONNECTOR_TYPE, props, CONNECTOR_PROPERTIES)
  const output = context.outputResources
  const multiple = Array.isArray(props.Destination)
  const destinations = (multiple ? props.Destination : [props.Destination]) as JsonObject[]
  const attributes: JsonObject = {}
  for (const name of SUPPORTED_ATTRIBUTES) if (name in resource) attributes[name] = resource[name]
  const generated: CfnResource[] = []
  destinations.forEach((target, index) => {
    let destination: Endpoint
    let source: Endpoint
    try {
      destination = endpoint(target, output, props.Source as JsonObject)
      source = endpoint(props.Source as JsonObject, output, target)
    } catch (error) {
      if (error instanceof EndpointError) throw invalidResource(logicalId, error.message)
      throw error
    }
    const suffix = multiple ? `Destination${index}` : ''
    const created = connectorResources(logicalId, source, destination, props.Permissions as string[], suffix, attributes, resource.DependsOn, output)
    const metadata = {
      'aws:sam:connectors': {
        [logicalId]: {
          Source: {Type: originalType(source, context) ?? source.type},
          Destination: {Type: originalType(destination, context) ?? destination.type},
        },
      },
    }
    for (const cfn of created) cfn.attributes.Metadata = {...(isObject(cfn.attributes.Metadata) ? cfn.attributes.Metadata : {}), ...metadata}
    generated.push(...created)
  })
  if (generated.length === 0) throw invalidResource(logicalId, "'Destination' is an empty list")
  replaceDependsOn(logicalId, generated.map((cfn) => cfn.logicalId), output)
  return generated
}

function originalType(end: Endpoint, context: TransformContext): string | undefined {
  if (end.logicalId === undefined) return undefined
  const original = context.samResources[end.logicalId]
  return isObject(original) && typeof original.Type === 'string' ? original.Type : undefined
}

class EndpointError extends Error {}

function endpoint(reference: JsonObject, output: JsonObject, other: JsonObject): Endpoint {
  const hasId = 'Id' in reference
  const hasOthers = Object.keys(reference).some((key) => key !== 'Id' && key !== 'Qualifier')
  if (hasId === hasOthers) throw new EndpointError("Must provide 'Id' (with optional 'Qualifier') or a supported combination of other properties.")
  const logicalId = reference.Id
  if (!logicalId) {
    const type = reference.Type
    if (typeof type !== 'string' || type === '') throw new EndpointError("'Type' is missing or not a string.")
    return {
      type: CFN_TYPE_OF_SAM[type] ?? type,
      arn: reference.Arn,
      roleName: reference.RoleName,
      queueUrl: reference.QueueUrl,
      resourceId: reference.ResourceId,
      name: reference.Name,
      qualifier: reference.Qualifier,
    }
  }
  if (typeof logicalId !== 'string') throw new EndpointError("'Id' is missing or not a string.")
  const resource = output[logicalId]
  if (!isObject(resource)) throw new EndpointError(`Unable to find resource with logical ID '${logicalId}'.`)
  const type = resource.Type
  if (typeof type !== 'string' || type === '') throw new EndpointError("'Type' is missing or not a string.")
  const properties = isObject(resource.Properties) ? resource.Properties : {}
  const described = replaceVariables(deepClone((profiles.CfnResourceProperties as JsonObject)[type] ?? {}), {logicalId}) as JsonObject
  const outputs = isObject(described.Outputs) ? described.Outputs : {}
  return {
    logicalId,
    type,
    arn: outputs.Arn,
    roleName: roleName(other, isObject(described.Inputs) ? described.Inputs.Role : undefined, properties),
    queueUrl: outputs.Url,
    resourceId: outputs.Id,
    name: outputs.Name,
    qualifier: 'Qualifier' in reference ? reference.Qualifier : outputs.Qualifier,
  }
}

/** `{Ref: Role}` for the role the resource runs as (the property its profile names), when that is a template role. */
function roleName(other: JsonObject, roleInput: unknown, properties: JsonObject): unknown {
  let role: unknown
  if (typeof roleInput === 'string') role = properties[roleInput]
  else if (isObject(roleInput) && roleInput.Function === 'GetEventsRuleRole') {
    // An events rule runs each target as the target's own role.
    const targets = Array.isArray(properties.Targets) ? properties.Targets : []
    for (const target of targets) {
      const arn = isObject(target) ? target.Arn : undefined
      const targetId = logicalIdOfIntrinsic(arn)
      if ((targetId && targetId === other.Id) || (other.Arn && deepEqualJson(arn, other.Arn))) {
        role = (target as JsonObject).RoleArn
        break
      }
    }
  }
  if (!role) return undefined
  const id = logicalIdOfIntrinsic(role)
  return id === undefined ? undefined : ref(id)
}

function deepEqualJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

function connectorResources(
  logicalId: string,
  source: Endpoint,
  destination: Endpoint,
  requested: string[],
  suffix: string,
  attributes: JsonObject,
  dependsOn: unknown,
  output: JsonObject,
): CfnResource[] {
  const permissions = Object.entries(profiles.Permissions as JsonObject)
  const profile = (permissions.find(([type]) => type === source.type)?.[1] as JsonObject | undefined)?.[destination.type] as Profile | undefined
  if (!profile) {
    throw invalidResource(logicalId, `Unable to create connector from ${source.type} to ${destination.type}; it's not supported or the template is invalid.`)
  }
  const wanted = [...new Set(requested)]
  const categories = profile.Properties.AccessCategories as JsonObject
  const valid = Object.keys(categories).join(', ')
  if (wanted.length === 0) throw invalidResource(logicalId, `'Permissions' cannot be empty; valid values are: ${valid}.`)
  if (wanted.some((permission) => !(permission in categories))) {
    throw invalidResource(logicalId, `Unsupported 'Permissions' provided for connector from ${source.type} to ${destination.type}; valid values are: ${valid}.`)
  }
  const combinations = (profile.Properties.ValidAccessCategories as string[][] | undefined)?.map((combination) => [...combination].sort())
  if (combinations && !combinations.some((combination) => combination.join('+') === [...wanted].sort().join('+'))) {
    const listed = combinations.map((combination) => combination.join(' + ')).join(', ')
    throw invalidResource(logicalId, `Unsupported 'Permissions' provided for connector from ${source.type} to ${destination.type}; valid combinations are: ${listed}.`)
  }
  let properties: JsonObject
  try {
    properties = replaceVariables(deepClone(profile.Properties), {
      'Source.Arn': source.arn,
      'Destination.Arn': destination.arn,
      'Source.ResourceId': source.resourceId,
      'Destination.ResourceId': destination.resourceId,
      'Source.Name': source.name,
      'Destination.Name': destination.name,
      'Source.Qualifier': source.qualifier,
      'Destination.Qualifier': destination.qualifier,
    }) as JsonObject
  } catch (error) {
    if (error instanceof MissingVariable) throw invalidResource(logicalId, error.message)
    throw error
  }
  const leftOver = JSON.stringify(properties).match(/%\{[\w.]+\}/g)
  if (leftOver) throw new Error(`connector profile variables not replaced: ${leftOver.join(', ')}`)

  const fromSource = properties.SourcePolicy === true
  const owner = fromSource ? source : destination
  const side = fromSource ? 'Source' : 'Destination'
  const make = (name: string, type: string): CfnResource => new CfnResource(name, type, {...attributes}, dependsOn)
  const document = (): JsonObject => ({
    Version: '2012-10-17',
    Statement: Object.entries(properties.AccessCategories as JsonObject)
      .filter(([name]) => wanted.includes(name))
      .flatMap(([, category]) => (category as JsonObject).Statement as unknown[]),
  })
  switch (profile.Type) {
    case 'AWS_IAM_ROLE_MANAGED_POLICY': {
      if (!owner.roleName) throw invalidResource(logicalId, `Unable to get IAM role name from '${side}' resource.`)
      const policy = make(`${logicalId}Policy${suffix}`, 'AWS::IAM::ManagedPolicy').set('PolicyDocument', document()).set('Roles', [owner.roleName])
      if (properties.DependedBy === 'DESTINATION_EVENT_SOURCE_MAPPING' && source.logicalId && destination.logicalId) {
        // Only one mapping may join a source to a function; the policy must exist before it polls.
        const mappings = eventSourceMappings(source.logicalId, destination.logicalId, output)
        if (mappings.length === 1) addDependsOn(output, mappings[0]!, policy.logicalId)
      }
      if (properties.DependedBy === 'SOURCE' && source.logicalId) addDependsOn(output, source.logicalId, policy.logicalId)
      return [policy]
    }
    case 'AWS_SQS_QUEUE_POLICY':
      if (!owner.queueUrl) throw invalidResource(logicalId, `Unable to get SQS queue URL from '${side}' resource.`)
      return [make(`${logicalId}QueuePolicy${suffix}`, 'AWS::SQS::QueuePolicy').set('PolicyDocument', document()).set('Queues', [owner.queueUrl])]
    case 'AWS_SNS_TOPIC_POLICY':
      if (!owner.arn) throw invalidResource(logicalId, `Unable to get SNS topic ARN from '${side}' resource.`)
      return [make(`${logicalId}TopicPolicy${suffix}`, 'AWS::SNS::TopicPolicy').set('Topics', [owner.arn]).set('PolicyDocument', document())]
    case 'AWS_LAMBDA_PERMISSION': {
      if (!owner.arn) throw invalidResource(logicalId, `Unable to get Lambda function ARN from '${side}' resource.`)
      return Object.entries(properties.AccessCategories as JsonObject)
        .filter(([name]) => wanted.includes(name))
        .map(([name, category]) => {
          const permission = category as JsonObject
          return make(`${logicalId}${name}LambdaPermission${suffix}`, 'AWS::Lambda::Permission')
            .set('Action', permission.Action)
            .set('FunctionName', owner.arn)
            .set('Principal', permission.Principal)
            .set('SourceArn', permission.SourceArn)
            .set('SourceAccount', permission.SourceAccount)
        })
    }
    default:
      throw new Error(`connector profile type ${profile.Type} is not supported`)
  }
}

class MissingVariable extends Error {}

/**
 * Fills a profile's `%{Name}` variables: a string that is exactly one variable becomes its value, a string that
 * contains some becomes an `Fn::Sub` with them as `${Name}` (dots removed, as Sub allows no other characters).
 */
function replaceVariables(value: unknown, replacements: Readonly<Record<string, unknown>>): unknown {
  if (Array.isArray(value)) return value.map((item) => replaceVariables(item, replacements))
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceVariables(item, replacements)]))
  if (typeof value !== 'string') return value
  let text = value
  const variables: JsonObject = {}
  for (const [name, replacement] of Object.entries(replacements)) {
    const pattern = `%{${name}}`
    const subName = name.replace(/[^A-Za-z0-9]/g, '')
    if (text.includes(pattern) && (replacement === undefined || replacement === null)) throw new MissingVariable(`${name} is missing.`)
    if (text === pattern) return replacement
    if (text.includes(pattern)) {
      text = text.split(pattern).join(`\${${subName}}`)
      variables[subName] = replacement
    }
  }
  if (/\$\{.+\}/.test(text)) return {'Fn::Sub': Object.keys(variables).length > 0 ? [text, variables] : text}
  return text
}

function eventSourceMappings(sourceId: string, functionId: string, output: JsonObject): string[] {
  return Object.entries(output)
    .filter(([, resource]) => {
      if (!isObject(resource) || resource.Type !== 'AWS::Lambda::EventSourceMapping') return false
      const properties = isObject(resource.Properties) ? resource.Properties : {}
      return logicalIdOfIntrinsic(properties.FunctionName) === functionId && logicalIdOfIntrinsic(properties.EventSourceArn) === sourceId
    })
    .map(([id]) => id)
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? [...value] : [value]
}

function insertUnique(list: unknown, values: unknown): unknown[] {
  const result = asArray(deepClone(list))
  for (const value of asArray(values)) if (!result.some((item) => deepEqualJson(item, value))) result.push(value)
  return result
}

function addDependsOn(output: JsonObject, logicalId: string, dependsOn: string): void {
  const resource = output[logicalId]
  if (!isObject(resource)) return
  resource.DependsOn = insertUnique(resource.DependsOn ?? [], dependsOn)
}

/** A resource that DependsOn the connector depends on what it generated instead. */
function replaceDependsOn(logicalId: string, replacement: string[], output: JsonObject): void {
  for (const resource of Object.values(output)) {
    if (!isObject(resource)) continue
    const dependsOn = asArray(resource.DependsOn ?? [])
    const at = dependsOn.indexOf(logicalId)
    if (at < 0) continue
    dependsOn.splice(at, 1)
    resource.DependsOn = insertUnique(dependsOn, replacement)
  }
}
