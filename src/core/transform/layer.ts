import type {TransformContext} from './context.js'
import {invalidResource} from './errors.js'
import {isIntrinsic, resolveParameterRefs} from './intrinsics.js'
import {isObject, type JsonObject} from './json.js'
import {generateLogicalId} from './logical-id.js'
import {s3Location} from './function/code.js'
import {CfnResource, pickPassthrough, SUPPORTED_ATTRIBUTES} from './resource.js'
import {listOf, oneOf, validateProperties, type PropertySpec} from './validate.js'

export const LAYER_TYPE = 'AWS::Serverless::LayerVersion'

const LAYER_PROPERTIES: Record<string, PropertySpec> = {
  LayerName: {shape: oneOf('string', 'map')},
  Description: {shape: 'string'},
  PublishLambdaVersion: {shape: 'boolean'},
  ContentUri: {shape: oneOf('string', 'map'), required: true},
  CompatibleArchitectures: {shape: listOf(oneOf('string', 'map'))},
  CompatibleRuntimes: {shape: listOf(oneOf('string', 'map'))},
  LicenseInfo: {shape: 'string'},
  RetentionPolicy: {shape: 'string'},
}
const PROPERTY_ORDER = Object.keys(LAYER_PROPERTIES)
const RETENTION_OPTIONS = ['Retain', 'Delete']

/**
 * AWS::Serverless::LayerVersion → AWS::Lambda::LayerVersion under `<Layer><hash>`: a changed layer is a new logical
 * ID, so CloudFormation publishes a new layer version (and, with RetentionPolicy Retain, keeps the old one).
 */
export function translateLayer(logicalId: string, resource: JsonObject, context: TransformContext): CfnResource {
  if ('Properties' in resource && !isObject(resource.Properties)) throw invalidResource(logicalId, 'Properties of a resource must be an object.')
  const props = {...((resource.Properties ?? {}) as JsonObject)}
  validateProperties(logicalId, LAYER_TYPE, props, LAYER_PROPERTIES)
  for (const name of ['LayerName', 'LicenseInfo', 'Description', 'RetentionPolicy']) {
    if (!props[name]) continue
    const value = resolveParameterRefs(props[name], context.parameters)
    if (typeof value !== 'string' && !isObject(value)) {
      throw invalidResource(logicalId, `Could not resolve parameter for '${name}' or parameter is not a String.`)
    }
    props[name] = value
  }
  const attributes: JsonObject = {}
  for (const name of SUPPORTED_ATTRIBUTES) if (name in resource) attributes[name] = resource[name]
  const generated = pickPassthrough(attributes)
  if (!('DeletionPolicy' in generated)) generated.DeletionPolicy = 'Retain'
  const retention = retentionPolicy(logicalId, props.RetentionPolicy)
  if (retention !== undefined) generated.DeletionPolicy = retention

  // SAM hashes the SAM resource as it would print it, minus the attributes that do not change the layer.
  const hashed: JsonObject = {Type: LAYER_TYPE}
  if (resource.DependsOn) hashed.DependsOn = resource.DependsOn
  for (const [name, value] of Object.entries(attributes)) {
    if (name !== 'DeletionPolicy' && name !== 'UpdateReplacePolicy' && name !== 'Metadata') hashed[name] = value
  }
  const hashedProperties: JsonObject = {}
  for (const name of PROPERTY_ORDER) if (props[name] !== undefined && props[name] !== null) hashedProperties[name] = props[name]
  hashed.Properties = hashedProperties
  const newId = generateLogicalId(logicalId, {[logicalId]: hashed})

  const layer = new CfnResource(newId, 'AWS::Lambda::LayerVersion', generated, resource.DependsOn)
  layer.set('LayerName', props.LayerName || logicalId)
  layer.set('Description', props.Description)
  layer.set('Content', s3Location(props.ContentUri, newId, 'ContentUri'))
  layer.set('CompatibleArchitectures', props.CompatibleArchitectures)
  validateArchitectures(newId, props.CompatibleArchitectures)
  layer.set('CompatibleRuntimes', props.CompatibleRuntimes)
  layer.set('LicenseInfo', props.LicenseInfo)
  return layer
}

function retentionPolicy(logicalId: string, value: unknown): string | undefined {
  const options = `['Retain', 'Delete']`
  if (isIntrinsic(value)) {
    throw invalidResource(logicalId, `'RetentionPolicy' does not accept intrinsic functions, please use one of the following options: ${options}`)
  }
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw invalidResource(logicalId, `Invalid 'RetentionPolicy' type, please use one of the following options: ${options}`)
  const match = RETENTION_OPTIONS.find((option) => option.toLowerCase() === value.toLowerCase())
  if (!match) throw invalidResource(logicalId, `'RetentionPolicy' must be one of the following options: ${options}.`)
  return match
}

function validateArchitectures(logicalId: string, architectures: unknown): void {
  const list = architectures ?? ['x86_64']
  if (isIntrinsic(list) || !Array.isArray(list)) return
  for (const architecture of list) {
    if (!isIntrinsic(architecture) && architecture !== 'arm64' && architecture !== 'x86_64') {
      throw invalidResource(logicalId, "CompatibleArchitectures needs to be a list of 'x86_64' or 'arm64'")
    }
  }
}
