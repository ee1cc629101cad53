import type {TransformContext} from './context.js'
import {invalidResource} from './errors.js'
import {isIntrinsic, resolveFindInMap, resolveParameterRefs} from './intrinsics.js'
import {isObject, type JsonObject} from './json.js'
import {CfnResource, pickPassthrough, SUPPORTED_ATTRIBUTES, tagList} from './resource.js'
import {listOf, oneOf, validateProperties, type PropertySpec} from './validate.js'

export const APPLICATION_TYPE = 'AWS::Serverless::Application'

const APPLICATION_PROPERTIES: Record<string, PropertySpec> = {
  Location: {shape: oneOf('string', 'map'), required: true},
  TemplateUrl: {shape: 'string'},
  Parameters: {shape: 'map'},
  NotificationARNs: {shape: listOf(oneOf('string', 'map'))},
  Tags: {shape: 'map'},
  TimeoutInMinutes: {shape: 'integer'},
}
const RESERVED_TAGS = ['lambda:createdBy', 'serverlessrepo:applicationId', 'serverlessrepo:semanticVersion']
const SSM_REFERENCE = /{{resolve:ssm:[a-zA-Z0-9_.\-/]+(:\d+)?}}/

/**
 * A Serverless Application Repository location (ApplicationId + SemanticVersion): its template URL comes from the
 * repository's CreateCloudFormationTemplate call, which a local, offline transform cannot make.
 */
export function isRepositoryApplication(properties: unknown, mappings: JsonObject): boolean {
  const location = isObject(properties) ? properties.Location : undefined
  if (!isObject(location)) return false
  const named = (value: unknown): boolean => (typeof value === 'string' && value !== '') || (isIntrinsic(value) && 'Ref' in value)
  let id: unknown
  let version: unknown
  try {
    id = resolveFindInMap(location.ApplicationId, mappings)
    version = resolveFindInMap(location.SemanticVersion, mappings)
  } catch {
    return false
  }
  return named(id) && named(version) && !(typeof id === 'string' && SSM_REFERENCE.test(id))
}

/** AWS::Serverless::Application with a template URL → AWS::CloudFormation::Stack. */
export function translateApplication(logicalId: string, resource: JsonObject, context: TransformContext): CfnResource[] {
  const props = {...((resource.Properties ?? {}) as JsonObject)}
  checkLocation(logicalId, props, context)
  validateProperties(logicalId, APPLICATION_TYPE, props, APPLICATION_PROPERTIES)
  const attributes: JsonObject = {}
  for (const name of SUPPORTED_ATTRIBUTES) if (name in resource) attributes[name] = resource[name]
  const stack = new CfnResource(logicalId, 'AWS::CloudFormation::Stack', pickPassthrough(attributes), resource.DependsOn)
  stack.set('Parameters', props.Parameters)
  stack.set('NotificationARNs', props.NotificationARNs)
  const tags = isObject(props.Tags) ? props.Tags : {}
  for (const reserved of RESERVED_TAGS) {
    if (reserved in tags) {
      throw invalidResource(logicalId, `${reserved} is a reserved Tag key name and cannot be set on your resource. Please change the tag key in the input.`)
    }
  }
  stack.set('Tags', [{Key: 'lambda:createdBy', Value: 'SAM'}, ...tagList(props.Tags)])
  stack.set('TimeoutInMinutes', props.TimeoutInMinutes)
  stack.set('TemplateURL', props.TemplateUrl || '')
  return [stack]
}

/** The checks SAM's application plugin makes before the resource is translated; a URL Location becomes TemplateUrl. */
function checkLocation(logicalId: string, props: JsonObject, context: TransformContext): void {
  if (!('Location' in props)) throw invalidResource(logicalId, 'Resource is missing the required [Location] property.')
  const location = props.Location
  if (!isObject(location)) {
    props.TemplateUrl = location
    return
  }
  const resolve = (value: unknown): unknown => resolveFindInMap(resolveParameterRefs(value, context.parameters), context.mappings)
  const id = resolve(location.ApplicationId)
  const version = resolve(location.SemanticVersion)
  if (id !== undefined && id !== null && !isObject(id) && typeof id !== 'string') throw invalidResource(logicalId, "Property 'Location.ApplicationId' should be a string.")
  if (version !== undefined && version !== null && !isObject(version) && typeof version !== 'string') {
    throw invalidResource(logicalId, "Property 'Location.SemanticVersion' should be a string.")
  }
  if (typeof id === 'string' && SSM_REFERENCE.test(id)) {
    throw invalidResource(logicalId, "Serverless Application Repostiory does not support dynamic reference in 'ApplicationId' property.")
  }
  for (const key of ['ApplicationId', 'SemanticVersion']) {
    if (!(key in location)) throw invalidResource(logicalId, `Resource is missing the required [${key}] property.`)
  }
  if (id === undefined || id === null) throw invalidResource(logicalId, "Property 'ApplicationId' is required.")
  if (isObject(id)) throw invalidResource(logicalId, "Property 'ApplicationId' cannot be resolved. Only FindInMap and Ref intrinsic functions are supported.")
  if (!version) throw invalidResource(logicalId, "Property 'SemanticVersion' cannot be blank.")
  if (isObject(version)) throw invalidResource(logicalId, "Property 'SemanticVersion' cannot be resolved. Only FindInMap and Ref intrinsic functions are supported.")
  // A repository application that resolved to plain strings: findUnsupportedConstructs leaves such templates to
  // CloudFormation, so this is reached only through a Location that names no application.
  throw invalidResource(logicalId, 'Serverless Application Repository applications are transformed by CloudFormation.')
}
