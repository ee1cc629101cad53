import type {TransformContext} from './context.js'
import {invalidResource} from './errors.js'
import {isObject, truthy, type JsonObject} from './json.js'
import {CfnResource, SUPPORTED_ATTRIBUTES, tagList} from './resource.js'
import {mapOf, oneOf, validateProperties, type PropertySpec} from './validate.js'

export const SIMPLE_TABLE_TYPE = 'AWS::Serverless::SimpleTable'

const TABLE_PROPERTIES: Record<string, PropertySpec> = {
  PointInTimeRecoverySpecification: {shape: 'any'},
  PrimaryKey: {shape: mapOf('string')},
  ProvisionedThroughput: {shape: mapOf(oneOf('integer', 'map'))},
  TableName: {shape: oneOf('string', 'map')},
  Tags: {shape: 'map'},
  SSESpecification: {shape: 'map'},
}
const ATTRIBUTE_TYPES: Readonly<Record<string, string>> = {String: 'S', Number: 'N', Binary: 'B'}

/** AWS::Serverless::SimpleTable → an on-demand (unless ProvisionedThroughput) AWS::DynamoDB::Table keyed by one hash key. */
export function translateSimpleTable(logicalId: string, resource: JsonObject, _context: TransformContext): CfnResource[] {
  const props = (resource.Properties ?? {}) as JsonObject
  validateProperties(logicalId, SIMPLE_TABLE_TYPE, props, TABLE_PROPERTIES)
  const attributes: JsonObject = {}
  for (const name of SUPPORTED_ATTRIBUTES) if (name in resource) attributes[name] = resource[name]
  const table = new CfnResource(logicalId, 'AWS::DynamoDB::Table', attributes, resource.DependsOn)
  let key: JsonObject = {AttributeName: 'id', AttributeType: 'S'}
  if (isObject(props.PrimaryKey) && Object.keys(props.PrimaryKey).length > 0) {
    const {Name: name, Type: type} = props.PrimaryKey
    if (name === undefined || name === null) throw invalidResource(logicalId, "Property 'PrimaryKey.Name' is required.")
    if (type === undefined || type === null) throw invalidResource(logicalId, "Property 'PrimaryKey.Type' is required.")
    const attributeType = typeof type === 'string' ? ATTRIBUTE_TYPES[type] : undefined
    if (attributeType === undefined) throw invalidResource(logicalId, `Invalid 'Type' "${String(type)}".`)
    key = {AttributeName: name, AttributeType: attributeType}
  }
  table.set('AttributeDefinitions', [key])
  table.set('KeySchema', [{AttributeName: key.AttributeName, KeyType: 'HASH'}])
  if (truthy(props.PointInTimeRecoverySpecification)) table.set('PointInTimeRecoverySpecification', props.PointInTimeRecoverySpecification)
  if (truthy(props.ProvisionedThroughput)) table.set('ProvisionedThroughput', props.ProvisionedThroughput)
  else table.set('BillingMode', 'PAY_PER_REQUEST')
  if (truthy(props.SSESpecification)) table.set('SSESpecification', props.SSESpecification)
  if (truthy(props.TableName)) table.set('TableName', props.TableName)
  if (truthy(props.Tags)) table.set('Tags', tagList(props.Tags))
  return [table]
}
