import {describe, expect, it} from 'vitest'

import {parseTemplate} from '../../src/core/template/load.js'
import {transformTemplate} from '../../src/core/transform/index.js'

const api = (domain: Record<string, unknown>, properties: Record<string, unknown> = {}) => ({
  Type: 'AWS::Serverless::Api',
  Properties: {StageName: 'Prod', ...properties, Domain: domain},
})

function deploymentId(domain: Record<string, unknown>): string {
  const result = transformTemplate({Resources: {MyApi: api(domain)}})
  if (result.kind !== 'transformed') throw new Error(JSON.stringify(result))
  return Object.keys(result.template.Resources as object).find((id) => id.startsWith('MyApiDeployment'))!
}

describe('#13.1 Api Domain', () => {
  it('redeploys the API when its custom domain changes, as the translator hashes the domain into the deployment', () => {
    const domain = {DomainName: 'api.example.com', CertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/1'}
    expect(deploymentId(domain)).toBe(deploymentId({...domain}))
    expect(deploymentId({...domain, BasePath: '/v1'})).not.toBe(deploymentId(domain))
  })

  // Messages as aws-sam-translator 1.110.0 words them for this template.
  it('rejects what the translator rejects, naming the domain for a property its type lacks', () => {
    const result = transformTemplate({
      Resources: {
        PublicApi: api({DomainName: 'p.example.com', CertificateArn: 'arn:c', Policy: {Version: '2012-10-17'}}),
        PrivateApi: api({DomainName: 'q.example.com', CertificateArn: 'arn:c', EndpointConfiguration: 'PRIVATE', OwnershipVerificationCertificateArn: 'arn:o'}, {EndpointConfiguration: {Type: 'PRIVATE'}}),
        BadSeparate: api({DomainName: 's.example.com', CertificateArn: 'arn:c', Route53: {HostedZoneId: 'Z', SeparateRecordSetGroup: 'yes'}}),
        EmptyDomain: api({}),
      },
    })
    expect(result.kind).toBe('invalid')
    if (result.kind !== 'invalid') return
    expect([...result.errors].sort()).toEqual([
      'Resource with id [ApiGatewayDomainName22c8577ffc] is invalid. property Policy not defined for resource of type AWS::ApiGateway::DomainName',
      'Resource with id [ApiGatewayDomainNameV26898bc7daf] is invalid. property OwnershipVerificationCertificateArn not defined for resource of type AWS::ApiGateway::DomainNameV2',
      "Resource with id [BadSeparate] is invalid. Property 'Domain.Route53.SeparateRecordSetGroup' should be a boolean.",
      "Resource with id [EmptyDomain] is invalid. Property 'Domain.DomainName' is required.",
    ])
  })
})

describe('#13.1 generated logical IDs', () => {
  it('rejects one that is not alphanumeric, as the translator does (a base path keeps its non-ASCII letters)', () => {
    const result = transformTemplate({Resources: {MyApi: api({DomainName: 'api.example.com', CertificateArn: 'arn:c', BasePath: ['/ü-x']})}})
    expect(result).toMatchObject({kind: 'invalid', errors: ['Resource with id [MyApiüxBasePathMapping] is invalid. Logical ids must be alphanumeric.']})
  })
})

describe('#13.1 Api MergeDefinitions', () => {
  const fn = (events: Record<string, unknown>) => ({
    Type: 'AWS::Serverless::Function',
    Properties: {Handler: 'index.handler', Runtime: 'nodejs22.x', InlineCode: 'x', Events: events},
  })
  const event = (apiId: string) => ({Type: 'Api', Properties: {RestApiId: {Ref: apiId}, Path: '/a', Method: 'get'}})
  const merging = (definitionBody: unknown) => ({Type: 'AWS::Serverless::Api', Properties: {StageName: 'Prod', MergeDefinitions: true, DefinitionBody: definitionBody}})

  it("merges SAM's method over the API's own, keeping the keys SAM does not set", () => {
    const result = transformTemplate({
      Resources: {
        MyApi: merging({swagger: '2.0', paths: {'/a': {get: {summary: 'mine', responses: {200: {description: 'ok'}}}}}}),
        Fn: fn({Get: event('MyApi')}),
      },
    })
    if (result.kind !== 'transformed') throw new Error(JSON.stringify(result))
    const body = ((result.template.Resources as Record<string, {Properties: {Body: {paths: Record<string, Record<string, Record<string, unknown>>>}}}>).MyApi!.Properties.Body)
    expect(Object.keys(body.paths['/a']!.get!).sort()).toEqual(['responses', 'summary', 'x-amazon-apigateway-integration'])
    expect(body.paths['/a']!.get!.summary).toBe('mine')
    expect(body.paths['/a']!.get!.responses).toEqual({})
  })

  // Messages as aws-sam-translator 1.110.0 words them (it reports the first failing event of each function).
  it('rejects paths and methods that are not maps, and MergeDefinitions with DefinitionUri', () => {
    const rejected = (api: unknown): string[] => {
      const result = transformTemplate({Resources: {MyApi: api, Fn: fn({Get: event('MyApi')})}})
      return result.kind === 'invalid' ? result.errors : []
    }
    expect(rejected(merging({swagger: '2.0', paths: ['a']}))).toEqual(["Resource with id [MyApi] is invalid. Property 'DefinitionBody' is invalid: It should be a map"])
    expect(rejected(merging({swagger: '2.0', paths: {'/a': ['x']}}))).toEqual(["Resource with id [MyApi] is invalid. Property 'DefinitionBody' is invalid: The value of '/a' should be a map"])
    expect(rejected(merging({swagger: '2.0', paths: {'/a': {get: ['x']}}}))).toEqual(["Resource with id [MyApi] is invalid. Property 'DefinitionBody.paths./a.get' should be a map."])
    expect(rejected({Type: 'AWS::Serverless::Api', Properties: {StageName: 'Prod', MergeDefinitions: true, DefinitionUri: 's3://bucket/api.yaml'}}))
      .toEqual(["Resource with id [MyApi] is invalid. Cannot set 'MergeDefinitions' to True when using `DefinitionUri`."])
  })
})

describe('#13.1 Api AlwaysDeploy', () => {
  const deployment = (time: Date): string => {
    const result = transformTemplate({Resources: {MyApi: {Type: 'AWS::Serverless::Api', Properties: {StageName: 'Prod', AlwaysDeploy: true}}}}, {time})
    if (result.kind !== 'transformed') throw new Error(JSON.stringify(result))
    return Object.keys(result.template.Resources as object).find((id) => id.startsWith('MyApiDeployment'))!
  }

  it('names the deployment by the second of translation, as the translator does, so each deploy makes a new one', () => {
    // sha1('1700000000'), the translator's str(int(time.time())) at that moment.
    expect(deployment(new Date(1_700_000_000_400))).toBe('MyApiDeploymenteaaa8ade94')
    expect(deployment(new Date(1_700_000_001_000))).not.toBe('MyApiDeploymenteaaa8ade94')
  })
})

describe('#13.1 OpenApiVersion written as a YAML float', () => {
  const translate = (text: string) => {
    const template = parseTemplate(text, 'template.yaml').template!
    return transformTemplate(template.value, {isFloat: template.isFloat})
  }
  const managed = (version: string, where: 'resource' | 'globals') => [
    ...(where === 'globals' ? ['Globals:', '  Api:', `    OpenApiVersion: ${version}`] : []),
    'Resources:',
    '  MyApi:',
    '    Type: AWS::Serverless::Api',
    '    Properties:',
    '      StageName: Prod',
    ...(where === 'resource' ? [`      OpenApiVersion: ${version}`] : []),
  ].join('\n')
  const body = (result: ReturnType<typeof transformTemplate>) =>
    result.kind === 'transformed' ? (result.template.Resources as Record<string, {Properties: {Body: Record<string, unknown>}}>).MyApi!.Properties.Body : result

  it("is the version '3.0', as the translator (PyYAML, then str()) reads it, on the resource or in Globals", () => {
    expect(body(translate(managed('3.0', 'resource')))).toMatchObject({openapi: '3.0'})
    expect(body(translate(managed('3.0', 'globals')))).toMatchObject({openapi: '3.0'})
    expect(body(translate(managed("'3.0'", 'resource')))).toMatchObject({openapi: '3.0'})
  })

  it('is rejected as the integer 3 is, which is not a string', () => {
    expect(translate(managed('3', 'resource'))).toMatchObject({kind: 'invalid', errors: ["Resource with id [MyApi] is invalid. Property 'OpenApiVersion' should be a string."]})
  })
})
