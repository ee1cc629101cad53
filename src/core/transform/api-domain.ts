import type {TransformContext} from './context.js'
import {invalidResource} from './errors.js'
import {getAtt, ref} from './intrinsics.js'
import {isObject, truthy, type JsonObject} from './json.js'
import {generateLogicalId} from './logical-id.js'
import {CfnResource} from './resource.js'
import {expectBoolean, expectMap} from './validate.js'

/**
 * Custom domains of APIs (`Domain`): the API Gateway domain name, its base path (or API) mappings and the Route 53
 * records, as the translator's ApiGenerator (REST APIs) and ApiV2Generator (HTTP and WebSocket APIs) build them.
 */

/** Route 53 record set groups by logical ID: the translator hands one dict to every REST and HTTP API of a template. */
const RECORD_SET_GROUPS = new WeakMap<TransformContext, Map<string, CfnResource>>()

/** The record set groups the APIs of the template being transformed have generated so far. */
export function recordSetGroups(context: TransformContext): Map<string, CfnResource> {
  let groups = RECORD_SET_GROUPS.get(context)
  if (!groups) RECORD_SET_GROUPS.set(context, (groups = new Map()))
  return groups
}

const isNone = (value: unknown): boolean => value === undefined || value === null

/** Domain.BasePath as a list: a string alone, a list as it is; anything else (absent, empty, an intrinsic) is none. */
function basePaths(config: JsonObject): unknown[] | undefined {
  const value = config.BasePath
  if (!truthy(value)) return undefined
  if (typeof value === 'string') return [value]
  return Array.isArray(value) ? value : undefined
}

/** The truststore of MutualTlsAuthentication, keeping the fields that are set. */
function truststore(mtls: JsonObject): JsonObject {
  const converted: JsonObject = {}
  if (truthy(mtls.TruststoreUri)) converted.TruststoreUri = mtls.TruststoreUri
  if (truthy(mtls.TruststoreVersion)) converted.TruststoreVersion = mtls.TruststoreVersion
  return converted
}

const TRUSTSTORE_FIELDS = ['TruststoreUri', 'TruststoreVersion']

/** The fields of MutualTlsAuthentication that are not a truststore's, sorted. */
function unknownTruststoreFields(mtls: JsonObject): string[] {
  return Object.keys(mtls).filter((key) => !TRUSTSTORE_FIELDS.includes(key)).sort()
}

/** Domain.Route53, checked: a map naming its hosted zone. */
function route53Of(apiId: string, config: JsonObject): JsonObject | undefined {
  if (isNone(config.Route53)) return undefined
  const route53 = expectMap(config.Route53, apiId, 'Domain.Route53')
  if (isNone(route53.HostedZoneId) && isNone(route53.HostedZoneName)) {
    throw invalidResource(apiId, 'HostedZoneId or HostedZoneName is required to enable Route53 support on Custom Domains.')
  }
  return route53
}

/**
 * The record set group of the hosted zone, shared by every domain of the template in that zone (the first creates it).
 * REST APIs give the group both HostedZoneId and HostedZoneName when both are set; HTTP APIs only the first.
 */
function sharedRecordSetGroup(route53: JsonObject, groups: Map<string, CfnResource>, passthrough: JsonObject, bothZoneProperties: boolean): CfnResource {
  const groupId = `RecordSetGroup${generateLogicalId('', route53.HostedZoneId || route53.HostedZoneName)}`
  let group = groups.get(groupId)
  if (!group) {
    group = new CfnResource(groupId, 'AWS::Route53::RecordSetGroup', passthrough)
    if ('HostedZoneId' in route53) group.set('HostedZoneId', route53.HostedZoneId)
    if ('HostedZoneName' in route53 && (bothZoneProperties || !('HostedZoneId' in route53))) group.set('HostedZoneName', route53.HostedZoneName)
    group.set('RecordSets', [])
    groups.set(groupId, group)
  }
  return group
}

/** An A record aliasing the domain, and an AAAA record too with `IpV6: true`, with Route 53's routing properties. */
function recordSets(domainName: unknown, route53: JsonObject, aliasTarget: () => JsonObject): JsonObject[] {
  const types = route53.IpV6 === true ? ['A', 'AAAA'] : ['A']
  return types.map((type) => {
    const record: JsonObject = {Name: domainName, Type: type, AliasTarget: aliasTarget()}
    if (!isNone(route53.Region)) record.Region = route53.Region
    if (!isNone(route53.SetIdentifier)) record.SetIdentifier = route53.SetIdentifier
    return record
  })
}

function evaluateTargetHealth(route53: JsonObject): JsonObject {
  return isNone(route53.EvaluateTargetHealth) ? {} : {EvaluateTargetHealth: route53.EvaluateTargetHealth}
}

/** Generated resources of a domain, in the order the translator lists them. */
export interface DomainResources {
  domain: CfnResource
  mappings: CfnResource[]
  recordSets?: CfnResource
  accessAssociation?: CfnResource
}

/** All of a domain's resources as one list. */
export function domainResourceList(resources: DomainResources): CfnResource[] {
  return [resources.domain, ...resources.mappings, ...(resources.recordSets ? [resources.recordSets] : []), ...(resources.accessAssociation ? [resources.accessAssociation] : [])]
}

/** Domain → AWS::ApiGatewayV2::DomainName, its API mappings and (with Route53) the record set group (HTTP and WebSocket APIs). */
export function buildDomainV2(
  apiId: string,
  domainValue: unknown,
  passthrough: JsonObject,
  groups: Map<string, CfnResource>,
  tagName = 'httpapi:createdBy',
): DomainResources {
  if (!isObject(domainValue)) throw invalidResource(apiId, "Property 'Domain' should be a map.")
  const config = domainValue
  const domainName = config.DomainName
  const certificate = config.CertificateArn
  if (isNone(domainName) || isNone(certificate)) {
    throw invalidResource(apiId, 'Custom Domains only works if both DomainName and CertificateArn are provided.')
  }
  const nameConfig: JsonObject = {CertificateArn: certificate}
  const domainId = `ApiGatewayDomainNameV2${generateLogicalId('', domainName)}`
  const domain = new CfnResource(domainId, 'AWS::ApiGatewayV2::DomainName', passthrough).set('DomainName', domainName).set('Tags', {[tagName]: 'SAM'})
  const endpoint = config.EndpointConfiguration ?? 'REGIONAL'
  if (endpoint !== 'REGIONAL') throw invalidResource(apiId, "EndpointConfiguration for Custom Domains must be one of ['REGIONAL'].")
  nameConfig.EndpointType = endpoint
  if (truthy(config.OwnershipVerificationCertificateArn)) nameConfig.OwnershipVerificationCertificateArn = config.OwnershipVerificationCertificateArn
  if (truthy(config.SecurityPolicy)) nameConfig.SecurityPolicy = config.SecurityPolicy
  domain.set('DomainNameConfigurations', [nameConfig])
  const mtls = config.MutualTlsAuthentication
  if (truthy(mtls)) {
    if (!isObject(mtls)) {
      throw invalidResource(apiId, `MutualTlsAuthentication must be a map with at least one of the following fields ['TruststoreUri', 'TruststoreVersion'].`)
    }
    const invalid = unknownTruststoreFields(mtls)
    if (invalid.length > 0) throw invalidResource(invalid.join(','), "Available MutualTlsAuthentication fields are ['TruststoreUri', 'TruststoreVersion'].")
    domain.set('MutualTlsAuthentication', truststore(mtls))
  }
  const paths = basePaths(config)
  const mappings: CfnResource[] = []
  const mapping = (id: string): CfnResource => new CfnResource(id, 'AWS::ApiGatewayV2::ApiMapping', passthrough)
    .set('DomainName', ref(domainId)).set('ApiId', ref(apiId)).set('Stage', ref(`${apiId}.Stage`))
  if (paths === undefined) mappings.push(mapping(`${apiId}ApiMapping`))
  else {
    for (const path of paths) {
      if (typeof path !== 'string') throw invalidResource(apiId, 'Basepath must be a string.')
      if (/[^0-9a-zA-Z/\-_]+/.test(path)) throw invalidResource(apiId, 'Invalid Basepath name provided.')
      mappings.push(mapping(`${apiId}${path.replace(/[-_/]+/g, '')}ApiMapping`).set('ApiMappingKey', path.replace(/^\/+|\/+$/g, '')))
    }
  }
  const route53 = route53Of(apiId, config)
  if (!route53) return {domain, mappings}
  const group = sharedRecordSetGroup(route53, groups, passthrough, false)
  const aliasTarget = (): JsonObject => ({
    ...evaluateTargetHealth(route53),
    HostedZoneId: getAtt(domainId, 'RegionalHostedZoneId'),
    DNSName: getAtt(domainId, 'RegionalDomainName'),
  })
  ;(group.get('RecordSets') as JsonObject[]).push(...recordSets(domainName, route53, aliasTarget))
  return {domain, mappings, recordSets: group}
}

/** The hosted zone CloudFront distributions (EDGE domains) live in. */
const CLOUDFRONT_HOSTED_ZONE_ID = 'Z2FDTNDATAQYW2'

/**
 * Domain of an AWS::Serverless::Api → AWS::ApiGateway::DomainName (EDGE or REGIONAL) or DomainNameV2 (PRIVATE), its
 * base path mappings, the Route 53 record set group and, for a private domain, its VPC endpoint access association.
 *
 * `config` is the API's resolved Domain, edited as the translator edits it (it records the domain's logical ID and
 * the defaults it applies), since the deployment hash covers the edited configuration.
 */
export function buildRestApiDomain(apiId: string, config: unknown, passthrough: JsonObject, groups: Map<string, CfnResource>): DomainResources {
  const isPrivate = isObject(config) && config.EndpointConfiguration === 'PRIVATE'
  const domainConfig = expectMap(config, apiId, 'Domain')
  const domainName = domainConfig.DomainName
  if (isNone(domainName)) throw invalidResource(apiId, "Property 'Domain.DomainName' is required.")
  const certificate = domainConfig.CertificateArn
  if (isNone(certificate)) throw invalidResource(apiId, "Property 'Domain.CertificateArn' is required.")
  return isPrivate
    ? privateRestApiDomain(apiId, domainConfig, passthrough, groups)
    : publicRestApiDomain(apiId, domainConfig, passthrough, groups)
}

/** Which of the optional Domain properties each type of REST API domain has. */
const DOMAIN_TYPE_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  'AWS::ApiGateway::DomainName': ['SecurityPolicy', 'EndpointAccessMode', 'OwnershipVerificationCertificateArn'],
  'AWS::ApiGateway::DomainNameV2': ['SecurityPolicy', 'EndpointAccessMode', 'Policy'],
}

/**
 * The optional properties of a REST API's domain that are given. The translator sets each on its model of the
 * domain's type, which refuses one the type lacks (a Policy on a public domain), naming the domain.
 */
function setOptionalDomainProperties(domain: CfnResource, config: JsonObject): void {
  for (const name of ['SecurityPolicy', 'EndpointAccessMode', 'Policy', 'OwnershipVerificationCertificateArn']) {
    if (!truthy(config[name])) continue
    if (!DOMAIN_TYPE_PROPERTIES[domain.type]!.includes(name)) {
      throw invalidResource(domain.logicalId, `property ${name} not defined for resource of type ${domain.type}`)
    }
    domain.set(name, config[name])
  }
}

function endpointConfiguration(config: JsonObject, endpoint: unknown): JsonObject {
  const configuration: JsonObject = {Types: [endpoint]}
  if (truthy(config.IpAddressType)) configuration.IpAddressType = config.IpAddressType
  return configuration
}

/** How a REST API's base path mappings name the domain: the DomainName of a public one, the DomainNameArn of a private one. */
interface MappingKind {
  type: 'AWS::ApiGateway::BasePathMapping' | 'AWS::ApiGateway::BasePathMappingV2'
  domainProperty: 'DomainName' | 'DomainNameArn'
}

/**
 * A base path mapping of the API's stage per Domain.BasePath (strings only), or one without a base path. A base path
 * may only hold letters, digits and "$-_.+!*'()": unless NormalizeBasePath is false, SAM keeps the letters and digits.
 */
function basePathMappings(apiId: string, config: JsonObject, domainId: string, passthrough: JsonObject, kind: MappingKind): CfnResource[] {
  const mapping = (id: string): CfnResource => new CfnResource(id, kind.type, passthrough)
    .set(kind.domainProperty, ref(domainId)).set('RestApiId', ref(apiId)).set('Stage', ref(`${apiId}.Stage`))
  const paths = basePaths(config)
  if (paths === undefined) return [mapping(`${apiId}BasePathMapping`)]
  paths.forEach((path, index) => {
    if (typeof path !== 'string') throw invalidResource(apiId, `Property 'Domain.BasePath[${index}]' should be a string.`)
  })
  const normalize = truthy(config.NormalizeBasePath ?? true)
  return (paths as string[]).map((basePath) => {
    const alphanumeric = [...basePath].filter((char) => /[\p{L}\p{N}]/u.test(char)).join('')
    return mapping(`${apiId}${alphanumeric}BasePathMapping`).set('BasePath', normalize ? alphanumeric : basePath)
  })
}

/** Domain.Route53.SeparateRecordSetGroup: a group for this domain alone rather than the hosted zone's shared one. */
function separateRecordSetGroup(apiId: string, route53: JsonObject): boolean {
  if (!truthy(route53.SeparateRecordSetGroup)) return false
  expectBoolean(route53.SeparateRecordSetGroup, apiId, 'Domain.Route53.SeparateRecordSetGroup')
  return true
}

/** The record set group for a REST API's domain, with the domain's records added. */
function restRecordSetGroup(
  apiId: string,
  config: JsonObject,
  passthrough: JsonObject,
  groups: Map<string, CfnResource>,
  aliasTarget: (route53: JsonObject) => JsonObject,
): CfnResource | undefined {
  const route53 = route53Of(apiId, config)
  if (!route53) return undefined
  let group: CfnResource
  if (separateRecordSetGroup(apiId, route53)) {
    const zone = route53.HostedZoneId || route53.HostedZoneName
    group = new CfnResource(generateLogicalId('RecordSetGroup', [zone, config.DomainName]), 'AWS::Route53::RecordSetGroup', passthrough)
    if (truthy(route53.HostedZoneId)) group.set('HostedZoneId', route53.HostedZoneId)
    if (truthy(route53.HostedZoneName)) group.set('HostedZoneName', route53.HostedZoneName)
    group.set('RecordSets', [])
  } else {
    group = sharedRecordSetGroup(route53, groups, passthrough, true)
  }
  const target = aliasTarget(route53)
  ;(group.get('RecordSets') as JsonObject[]).push(...recordSets(config.DomainName, route53, () => target))
  return group
}

/** ApiGenerator._construct_api_domain: an EDGE or REGIONAL AWS::ApiGateway::DomainName. */
function publicRestApiDomain(apiId: string, config: JsonObject, passthrough: JsonObject, groups: Map<string, CfnResource>): DomainResources {
  const domainId = `ApiGatewayDomainName${generateLogicalId('', config.DomainName)}`
  config.ApiDomainName = domainId
  const domain = new CfnResource(domainId, 'AWS::ApiGateway::DomainName', passthrough).set('DomainName', config.DomainName)
  if (isNone(config.EndpointConfiguration)) config.EndpointConfiguration = 'REGIONAL'
  const endpoint = config.EndpointConfiguration
  if (endpoint !== 'EDGE' && endpoint !== 'REGIONAL') {
    throw invalidResource(apiId, "EndpointConfiguration for Custom Domains must be one of ['EDGE', 'REGIONAL', 'PRIVATE'].")
  }
  domain.set(endpoint === 'REGIONAL' ? 'RegionalCertificateArn' : 'CertificateArn', config.CertificateArn)
  domain.set('EndpointConfiguration', endpointConfiguration(config, endpoint))
  const mtls = config.MutualTlsAuthentication
  if (truthy(mtls)) {
    const map = expectMap(mtls, apiId, 'Domain.MutualTlsAuthentication')
    if (unknownTruststoreFields(map).length > 0) {
      throw invalidResource(apiId, "Available Domain.MutualTlsAuthentication fields are ['TruststoreUri', 'TruststoreVersion'].")
    }
    domain.set('MutualTlsAuthentication', truststore(map))
  }
  setOptionalDomainProperties(domain, config)
  const mappings = basePathMappings(apiId, config, domainId, passthrough, {type: 'AWS::ApiGateway::BasePathMapping', domainProperty: 'DomainName'})
  const recordSetGroup = restRecordSetGroup(apiId, config, passthrough, groups, (route53) => {
    if (endpoint === 'REGIONAL') {
      return {...evaluateTargetHealth(route53), HostedZoneId: getAtt(domainId, 'RegionalHostedZoneId'), DNSName: getAtt(domainId, 'RegionalDomainName')}
    }
    // The translator records the distribution it aliases in the configuration, so the deployment hash covers it.
    if (isNone(route53.DistributionDomainName)) route53.DistributionDomainName = getAtt(domainId, 'DistributionDomainName')
    return {...evaluateTargetHealth(route53), HostedZoneId: CLOUDFRONT_HOSTED_ZONE_ID, DNSName: route53.DistributionDomainName}
  })
  return {domain, mappings, recordSets: recordSetGroup}
}

/** ApiGenerator._construct_api_domain_v2: a PRIVATE AWS::ApiGateway::DomainNameV2, reached through VPC endpoints. */
function privateRestApiDomain(apiId: string, config: JsonObject, passthrough: JsonObject, groups: Map<string, CfnResource>): DomainResources {
  const domainId = `ApiGatewayDomainNameV2${generateLogicalId('', config.DomainName)}`
  const domain = new CfnResource(domainId, 'AWS::ApiGateway::DomainNameV2', passthrough)
    .set('DomainName', config.DomainName)
    .set('CertificateArn', config.CertificateArn)
    .set('EndpointConfiguration', endpointConfiguration(config, config.EndpointConfiguration))
  setOptionalDomainProperties(domain, config)
  const mappings = basePathMappings(apiId, config, domainId, passthrough, {type: 'AWS::ApiGateway::BasePathMappingV2', domainProperty: 'DomainNameArn'})
  let accessAssociation: CfnResource | undefined
  if (!isNone(config.AccessAssociation)) {
    const vpcEndpointId = expectMap(config.AccessAssociation, apiId, 'Domain.AccessAssociation').VpcEndpointId
    accessAssociation = new CfnResource(generateLogicalId('DomainNameAccessAssociation', [vpcEndpointId, domainId]), 'AWS::ApiGateway::DomainNameAccessAssociation', passthrough)
      .set('DomainNameArn', ref(domainId))
      .set('AccessAssociationSourceType', 'VPCE')
      .set('AccessAssociationSource', vpcEndpointId)
  }
  const recordSetGroup = restRecordSetGroup(apiId, config, passthrough, groups, (route53) => ({
    ...evaluateTargetHealth(route53),
    HostedZoneId: route53.VpcEndpointHostedZoneId ?? null,
    DNSName: route53.VpcEndpointDomainName ?? null,
  }))
  return {domain, mappings, recordSets: recordSetGroup, accessAssociation}
}
