import {describe, expect, it} from 'vitest'

import {planBuild, runtimeFamily} from '../../src/core/build/plan.js'
import {parseTemplate} from '../../src/core/template/load.js'

function plan(yaml: string, options: Parameters<typeof planBuild>[1] = {}) {
  const {template} = parseTemplate(yaml, '/project/template.yaml')
  return planBuild(template!, options)
}

describe('planBuild', () => {
  it('finds functions and layers with local code, with Globals applied', () => {
    const result = plan(`
Globals:
  Function:
    Runtime: nodejs22.x
    Architectures: [arm64]
    Metadata: {BuildMethod: esbuild, BuildProperties: {Minify: false}}
    Environment: {Variables: {A: '1'}}
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: src/api, Handler: index.handler, Layers: [!Ref Shared], Environment: {Variables: {B: '2'}}}
  Shared:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: layers/shared, CompatibleRuntimes: [nodejs22.x]}
  Raw:
    Type: AWS::Lambda::Function
    Properties: {Code: ./raw, Handler: main.handler, Runtime: python3.12}
`)
    expect(result.projectDir).toBe('/project')
    expect(result.units.map((u) => [u.logicalId, u.kind, u.runtime, u.family, u.architecture, u.codePath, u.codeProperty])).toEqual([
      ['Api', 'function', 'nodejs22.x', 'nodejs', 'arm64', '/project/src/api', 'CodeUri'],
      ['Raw', 'function', 'python3.12', 'python', 'x86_64', '/project/raw', 'Code'],
      ['Shared', 'layer', 'nodejs22.x', 'nodejs', 'x86_64', '/project/layers/shared', 'ContentUri'],
    ])
    const api = result.units[0]!
    expect(api.buildMethod).toBe('esbuild')
    expect(api.buildProperties).toEqual({Minify: false})
    expect(api.environment).toEqual({A: '1', B: '2'})
    expect(api.layerIds).toEqual(['Shared'])
  })

  it('skips code it does not build, and says why', () => {
    const result = plan(`
Resources:
  S3Code: {Type: AWS::Serverless::Function, Properties: {CodeUri: s3://bucket/key.zip, Runtime: nodejs22.x, Handler: a.b}}
  S3Object: {Type: AWS::Serverless::Function, Properties: {CodeUri: {Bucket: b, Key: k}, Runtime: nodejs22.x, Handler: a.b}}
  Inline: {Type: AWS::Serverless::Function, Properties: {InlineCode: 'x', Runtime: nodejs22.x, Handler: a.b}}
  Image: {Type: AWS::Serverless::Function, Properties: {PackageType: Image, ImageUri: repo:tag}}
  Queue: {Type: AWS::SQS::Queue}
`)
    expect(result.units).toEqual([])
    expect(result.skipped).toEqual([
      {logicalId: 'Image', reason: 'container image'},
      {logicalId: 'Inline', reason: 'inline code'},
      {logicalId: 'S3Code', reason: 'code already in S3'},
      {logicalId: 'S3Object', reason: 'CodeUri is not a local path'},
    ])
  })

  it('resolves !Ref to parameters, overrides first, then defaults', () => {
    const yaml = `
Parameters:
  Rt: {Type: String, Default: python3.11}
Resources:
  Fn: {Type: AWS::Serverless::Function, Properties: {CodeUri: ., Handler: a.b, Runtime: !Ref Rt}}
`
    expect(plan(yaml).units[0]!.runtime).toBe('python3.11')
    expect(plan(yaml, {parameters: {Rt: 'python3.13'}}).units[0]!.runtime).toBe('python3.13')
  })

  it('selects functions with --function, bringing the layers they use, and rejects unknown names', () => {
    const yaml = `
Resources:
  A: {Type: AWS::Serverless::Function, Properties: {CodeUri: a, Handler: a.b, Runtime: nodejs22.x, Layers: [!Ref L]}}
  B: {Type: AWS::Serverless::Function, Properties: {CodeUri: b, Handler: a.b, Runtime: nodejs22.x}}
  L: {Type: AWS::Serverless::LayerVersion, Properties: {ContentUri: l}}
`
    expect(plan(yaml, {only: ['A']}).units.map((u) => u.logicalId)).toEqual(['A', 'L'])
    expect(() => plan(yaml, {only: ['Nope']})).toThrow(expect.objectContaining({code: 'FUNCTION_NOT_FOUND', exitCode: 2}))
  })

  it('applies config defaults under BuildProperties from the template', () => {
    const result = plan(
      `Resources:\n  Fn: {Type: AWS::Serverless::Function, Metadata: {BuildProperties: {Minify: false}}, Properties: {CodeUri: ., Handler: a.b, Runtime: nodejs22.x}}`,
      {defaults: {all: {Sourcemap: true}, nodejs: {Minify: true, Target: 'node22'}}},
    )
    expect(result.units[0]!.buildProperties).toEqual({Sourcemap: true, Minify: false, Target: 'node22'})
  })

  it('names the runtime family of runtimes and build methods', () => {
    expect(['nodejs22.x', 'python3.13', 'java21', 'java8.al2', 'provided.al2023', 'dotnet8', 'ruby3.4', 'makefile', 'esbuild'].map(runtimeFamily)).toEqual([
      'nodejs', 'python', 'java', 'java', 'provided', 'dotnet', 'ruby', undefined, undefined,
    ])
  })
})
