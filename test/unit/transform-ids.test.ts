import {describe, expect, it} from 'vitest'

import {aliasLogicalId, generateLogicalId, transformTemplate} from '../../src/core/transform/index.js'
import {pythonJsonDumps} from '../../src/core/transform/json.js'

const fn = (properties: Record<string, unknown>) => ({
  Resources: {Fn: {Type: 'AWS::Serverless::Function', Properties: {Handler: 'index.handler', Runtime: 'nodejs22.x', CodeUri: 's3://sam-demo-bucket/hello.zip', ...properties}}},
})

function resourceIds(template: Record<string, unknown>): string[] {
  const result = transformTemplate(template)
  if (result.kind !== 'transformed') throw new Error(JSON.stringify(result))
  return Object.keys(result.template.Resources as object).sort()
}

describe('version logical ID (LAMBDA-FACTS.md test vector)', () => {
  it('hashes the code location as SAM does', () => {
    expect(generateLogicalId('FnVersion', {S3Bucket: 'sam-demo-bucket', S3Key: 'hello.zip'})).toBe('FnVersion640128d35d')
    expect(resourceIds(fn({AutoPublishAlias: 'live'}))).toEqual(['Fn', 'FnAliaslive', 'FnRole', 'FnVersion640128d35d'])
  })

  it('changes with the code location, Environment and MemorySize, and not with Timeout', () => {
    const base = resourceIds(fn({AutoPublishAlias: 'live'}))
    expect(resourceIds(fn({AutoPublishAlias: 'live', Timeout: 30}))).toEqual(base)
    expect(resourceIds(fn({AutoPublishAlias: 'live', MemorySize: 256}))).not.toEqual(base)
    expect(resourceIds(fn({AutoPublishAlias: 'live', Environment: {Variables: {A: '1'}}}))).not.toEqual(base)
    expect(resourceIds(fn({AutoPublishAlias: 'live', CodeUri: 's3://sam-demo-bucket/hello2.zip'}))).not.toEqual(base)
  })

  it('uses AutoPublishCodeSha256 as the hash', () => {
    expect(resourceIds(fn({AutoPublishAlias: 'live', AutoPublishCodeSha256: '0123456789abcdef'}))).toContain('FnVersion0123456789')
  })

  it('resolves parameter Refs in the code location before hashing', () => {
    const template = {...fn({AutoPublishAlias: 'live', CodeUri: {Bucket: 'sam-demo-bucket', Key: {Ref: 'Key'}}}), Parameters: {Key: {Type: 'String', Default: 'hello.zip'}}}
    expect(resourceIds(template)).toContain('FnVersion640128d35d')
  })

  it('serialises as Python json.dumps does: sorted keys, no spaces, non-ASCII escaped', () => {
    expect(pythonJsonDumps({b: 1, a: ['é', true, null]})).toBe('{"a":["\\u00e9",true,null],"b":1}')
  })
})

describe('alias logical ID', () => {
  it('escapes - as D and _ as U', () => {
    expect(aliasLogicalId('Fn', 'live')).toBe('FnAliaslive')
    expect(aliasLogicalId('Fn', 'pre-prod_v2')).toBe('FnAliaspreDprodUv2')
    expect(resourceIds(fn({AutoPublishAlias: 'my-alias_1'}))).toContain('FnAliasmyDaliasU1')
  })

  it('rejects names Lambda rejects: purely numeric or with other characters', () => {
    for (const name of ['123', 'a.b', 'a b']) {
      const result = transformTemplate(fn({AutoPublishAlias: name}))
      expect(result.kind).toBe('invalid')
    }
  })
})

describe('lpack extensions', () => {
  it('accepts build settings in Globals.Function.Metadata and leaves them out of the output', () => {
    const template = {
      Transform: 'AWS::Serverless-2016-10-31',
      Globals: {Function: {Runtime: 'nodejs22.x', Metadata: {BuildMethod: 'esbuild'}}},
      Resources: {Fn: {Type: 'AWS::Serverless::Function', Properties: {CodeUri: 's3://b/k.zip', Handler: 'a.handler'}}},
    }
    const result = transformTemplate(template)
    expect(result.kind).toBe('transformed')
    expect(JSON.stringify(result)).not.toContain('esbuild')
    // The caller's template is not modified.
    expect(template.Globals.Function.Metadata).toEqual({BuildMethod: 'esbuild'})
  })
})
