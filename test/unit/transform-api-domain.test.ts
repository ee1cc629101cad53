import {describe, expect, it} from 'vitest'

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
