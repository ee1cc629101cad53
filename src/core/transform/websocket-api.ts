import {buildDomainV2, domainResourceList, type DomainResources} from './api-domain.js'
import type {TransformContext} from './context.js'
import {invalidResource} from './errors.js'
import {isIntrinsic, ref, resolveParameterRefs} from './intrinsics.js'
import {isObject, truthy, type JsonObject} from './json.js'
import {CfnResource, pickPassthrough, SUPPORTED_ATTRIBUTES} from './resource.js'
import {oneOf, validateProperties, type PropertySpec} from './validate.js'

export const WEBSOCKET_API_TYPE = 'AWS::Serverless::WebSocketApi'
const TAG_NAME = 'websocketapi:createdBy'
const DEFAULT_STAGE = 'default'
const AUTH_TYPES = ['NONE', 'AWS_IAM', 'CUSTOM']

const WEBSOCKET_API_PROPERTIES: Record<string, PropertySpec> = {
  ApiKeySelectionExpression: {shape: 'string'},
  AccessLogSettings: {shape: 'map'},
  Auth: {shape: 'map'},
  DefaultRouteSettings: {shape: 'map'},
  Description: {shape: 'string'},
  DisableExecuteApiEndpoint: {shape: 'boolean'},
  Domain: {shape: 'map'},
  DisableSchemaValidation: {shape: 'boolean'},
  FailOnWarnings: {shape: 'boolean'},
  IpAddressType: {shape: 'string'},
  Name: {shape: 'string'},
  PropagateTags: {shape: 'boolean'},
  Routes: {shape: 'map', required: true},
  RouteSettings: {shape: 'map'},
  RouteSelectionExpression: {shape: 'string', required: true},
  StageName: {shape: oneOf('string', 'map')},
  StageVariables: {shape: 'map'},
  Tags: {shape: 'map'},
}

/** `$connect` → `Connect`; other keys must be alphanumeric (Python's str.capitalize). */
function routeIdPart(apiId: string, key: string): string {
  const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1).toLowerCase()
  if (key === '$connect' || key === '$disconnect' || key === '$default') return capitalize(key.slice(1))
  if (/^[\p{L}\p{N}]+$/u.test(key)) return capitalize(key)
  throw invalidResource(apiId, `Route key '${key}' must be alphanumeric. Only $connect, $disconnect, and $default special routes are supported.`)
}

/** AWS::Serverless::WebSocketApi → AWS::ApiGatewayV2::Api (WEBSOCKET), a route, integration and permission per route, stage, authorizer, domain. */
export function translateWebSocketApi(logicalId: string, resource: JsonObject, context: TransformContext): CfnResource[] {
  const props = (resource.Properties ?? {}) as JsonObject
  validateProperties(logicalId, WEBSOCKET_API_TYPE, props, WEBSOCKET_API_PROPERTIES)
  const attributes: JsonObject = {}
  for (const name of SUPPORTED_ATTRIBUTES) if (name in resource) attributes[name] = resource[name]
  const passthrough = pickPassthrough(attributes)
  const auth = resolveParameterRefs(props.Auth, context.parameters) as JsonObject | undefined
  const domainValue = resolveParameterRefs(props.Domain, context.parameters)
  const routes = resolveParameterRefs(props.Routes, context.parameters) as JsonObject
  const stageName = props.StageName ?? DEFAULT_STAGE
  if (!truthy(routes)) throw invalidResource(logicalId, 'WebSocket API must have at least one route.')
  const ipAddressType = props.IpAddressType
  if (ipAddressType !== undefined && ipAddressType !== null && !isIntrinsic(ipAddressType) && ipAddressType !== 'ipv4' && ipAddressType !== 'dualstack') {
    throw invalidResource(logicalId, "IpAddressType must be 'ipv4' or 'dualstack'.")
  }
  if (truthy(domainValue) && isObject(domainValue) && truthy(domainValue.MutualTlsAuthentication)) {
    throw invalidResource(logicalId, 'Mutual TLS domain name association is not supported for Websocket APIs.')
  }

  const api = new CfnResource(logicalId, 'AWS::ApiGatewayV2::Api', attributes, resource.DependsOn)
  for (const name of ['ApiKeySelectionExpression', 'Description', 'DisableExecuteApiEndpoint', 'DisableSchemaValidation', 'IpAddressType']) api.set(name, props[name])
  if (truthy(auth) && !('$connect' in routes)) throw invalidResource(logicalId, 'Authorization is only available if there is a $connect route.')
  api.set('Name', props.Name ?? logicalId)
  api.set('RouteSelectionExpression', props.RouteSelectionExpression)
  const tags: JsonObject = {...(truthy(props.Tags) ? (props.Tags as JsonObject) : {}), [TAG_NAME]: 'SAM'}
  api.set('Tags', tags)
  api.set('ProtocolType', 'WEBSOCKET')

  // The translator hands WebSocket APIs a record set group map of their own (a misspelt keyword): no sharing.
  let domainResources: DomainResources | undefined
  if (domainValue !== undefined && domainValue !== null) domainResources = buildDomainV2(logicalId, domainValue, passthrough, new Map(), TAG_NAME)
  if (stageName === '$default') throw invalidResource(logicalId, 'Stages cannot be named $default for WebSocket APIs.')
  const prefix = typeof stageName === 'string' ? stageName : ''
  const stage = new CfnResource(prefix === DEFAULT_STAGE ? `${logicalId}DefaultStage` : `${logicalId}${prefix}Stage`, 'AWS::ApiGatewayV2::Stage', passthrough)
    .set('ApiId', ref(logicalId))
    .set('StageName', stageName)
    .set('StageVariables', props.StageVariables)
    .set('AccessLogSettings', props.AccessLogSettings)
    .set('DefaultRouteSettings', props.DefaultRouteSettings)
    .set('Tags', {[TAG_NAME]: 'SAM'})
    .set('AutoDeploy', true)
    .set('RouteSettings', props.RouteSettings)

  const generated: CfnResource[] = [api]
  let authorizer: CfnResource | undefined
  const routeIds: string[] = []
  for (const [key, value] of Object.entries(routes)) {
    const spec = (value ?? {}) as JsonObject
    const base = `${logicalId}${routeIdPart(logicalId, key)}`
    const route = new CfnResource(`${base}Route`, 'AWS::ApiGatewayV2::Route', passthrough)
      .set('RouteKey', key)
      .set('ApiId', ref(logicalId))
      .set('ApiKeyRequired', spec.ApiKeyRequired)
      .set('ModelSelectionExpression', spec.ModelSelectionExpression)
      .set('OperationName', spec.OperationName)
      .set('RequestModels', spec.RequestModels)
    if (truthy(spec.RequestParameters)) {
      if (key !== '$connect') throw invalidResource(logicalId, 'Request parameters are only supported for the $connect route in WebSocket APIs.')
      route.set('RequestParameters', spec.RequestParameters)
    }
    route.set('RouteResponseSelectionExpression', spec.RouteResponseSelectionExpression)
    route.set('Target', {'Fn::Join': ['/', ['integrations', ref(`${base}Integration`)]]})
    if (truthy(auth)) {
      const authorizerForRoute = routeAuth(logicalId, auth!, key, route, passthrough)
      if (authorizerForRoute) authorizer = authorizerForRoute
    }
    if (!('FunctionArn' in spec)) throw invalidResource(logicalId, 'Route must have associated function.')
    const integration = new CfnResource(`${base}Integration`, 'AWS::ApiGatewayV2::Integration', passthrough)
      .set('ApiId', ref(logicalId))
      .set('IntegrationType', 'AWS_PROXY')
      .set('IntegrationUri', {'Fn::Sub': ['arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${FunctionArn}/invocations', {FunctionArn: spec.FunctionArn}]})
      .set('TimeoutInMillis', spec.IntegrationTimeout)
    const sourceArn = typeof stageName === 'string'
      ? {'Fn::Sub': `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${${logicalId}.ApiId}/${stageName}/${key}`}
      : {'Fn::Sub': [`arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${${logicalId}.ApiId}/\${__StageName__}/${key}`, {__StageName__: stageName}]}
    const permission = new CfnResource(`${base}Permission`, 'AWS::Lambda::Permission', passthrough)
      .set('Action', 'lambda:InvokeFunction')
      .set('FunctionName', spec.FunctionArn)
      .set('Principal', 'apigateway.amazonaws.com')
      .set('SourceArn', sourceArn)
    generated.push(route, integration, permission)
    routeIds.push(route.logicalId)
  }
  if (domainResources) generated.push(...domainResourceList(domainResources))
  if (truthy(props.RouteSettings) && routeIds.length > 0) stage.dependsOn = routeIds
  generated.push(stage)
  if (authorizer) {
    generated.push(authorizer)
    if (auth!.AuthType === 'CUSTOM' && !truthy(auth!.InvokeRole) && truthy(auth!.AuthArn)) {
      generated.push(new CfnResource(`${logicalId}AuthorizerPermission`, 'AWS::Lambda::Permission', passthrough)
        .set('Action', 'lambda:InvokeFunction')
        .set('FunctionName', auth!.AuthArn)
        .set('Principal', 'apigateway.amazonaws.com')
        .set('SourceArn', {'Fn::Sub': ['arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/authorizers/*', {__ApiId__: ref(logicalId)}]}))
    }
  }
  if (props.PropagateTags === true && truthy(props.Tags)) {
    for (const resourceWithTags of generated) {
      if (['AWS::ApiGatewayV2::Api', 'AWS::ApiGatewayV2::Stage', 'AWS::ApiGatewayV2::DomainName'].includes(resourceWithTags.type)) resourceWithTags.set('Tags', tags)
    }
  }
  return generated
}

function routeAuth(apiId: string, auth: JsonObject, key: string, route: CfnResource, passthrough: JsonObject): CfnResource | undefined {
  const rawType = auth.AuthType
  if (!rawType) throw invalidResource(apiId, 'AuthType must be specified for additional auth configurations.')
  const type = String(rawType).toUpperCase()
  if (!AUTH_TYPES.includes(type)) throw invalidResource(apiId, 'AuthType is not one of AWS_IAM, CUSTOM or NONE.')
  if (type === 'CUSTOM' && !truthy(auth.AuthArn)) throw invalidResource(apiId, 'AuthArn must be specified if AuthType is CUSTOM.')
  if (type === 'AWS_IAM' && Object.keys(auth).length > 1) throw invalidResource(apiId, 'No additional configurations supported for AuthType AWS_IAM.')
  if (type === 'NONE' && Object.keys(auth).length > 1) throw invalidResource(apiId, 'No additional configurations supported for AuthType NONE.')
  if (key !== '$connect') return undefined
  if (auth.AuthType === 'CUSTOM') {
    if (!truthy(auth.AuthArn)) return undefined
    const name = `${apiId}ConnectAuthorizer`
    const authorizer = new CfnResource(name, 'AWS::ApiGatewayV2::Authorizer', passthrough).set('ApiId', ref(apiId))
    if ('InvokeRole' in auth) authorizer.set('AuthorizerCredentialsArn', auth.InvokeRole)
    authorizer.set('AuthorizerType', 'REQUEST')
    if ('AuthArn' in auth) {
      authorizer.set('AuthorizerUri', {'Fn::Sub': ['arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${AuthArn}/invocations', {AuthArn: auth.AuthArn}]})
    }
    authorizer.set('IdentitySource', auth.IdentitySource)
    authorizer.set('Name', truthy(auth.Name) ? auth.Name : name)
    route.set('AuthorizationType', 'CUSTOM')
    route.set('AuthorizerId', ref(name))
    return authorizer
  }
  route.set('AuthorizationType', auth.AuthType === 'AWS_IAM' ? 'AWS_IAM' : 'NONE')
  return undefined
}
