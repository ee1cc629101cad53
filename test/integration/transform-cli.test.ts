import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {runLpack} from '../support/cli.js'

// Runs the built CLI (npm run build) as a user would.
const input = (name: string) => `test/fixtures/transform/input/${name}`

describe('lpack transform', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lpack-transform-'))
  })
  afterAll(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('prints plain CloudFormation with the Version and Alias logical IDs SAM generates', async () => {
    const result = await runLpack(['transform', '-t', input('function_with_alias.yaml'), '--format', 'json'])
    expect(result.exitCode).toBe(0)
    const template = JSON.parse(result.stdout) as {Resources: Record<string, {Type: string}>}
    expect(Object.keys(template.Resources).sort()).toEqual(['MinimalFunction', 'MinimalFunctionAliaslive', 'MinimalFunctionRole', 'MinimalFunctionVersion640128d35d'])
    expect(Object.values(template.Resources).some((resource) => resource.Type.startsWith('AWS::Serverless::'))).toBe(false)
  })

  it('prints YAML by default, the same bytes every run', async () => {
    const first = await runLpack(['transform', '-t', input('function_with_deployment_preference.yaml')])
    const second = await runLpack(['transform', '-t', input('function_with_deployment_preference.yaml')])
    expect(first.exitCode).toBe(0)
    expect(first.stdout).toBe(second.stdout)
    const template = parse(first.stdout) as {Resources: Record<string, {Type: string}>}
    expect(template.Resources.ServerlessDeploymentApplication?.Type).toBe('AWS::CodeDeploy::Application')
  })

  it('writes -o FILE and applies --parameter-overrides to the version hash', async () => {
    const templateFile = join(dir, 'template.yaml')
    await writeFile(templateFile, [
      'Transform: AWS::Serverless-2016-10-31',
      'Parameters:',
      '  Key: {Type: String, Default: hello.zip}',
      'Resources:',
      '  Fn:',
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      '      Handler: index.handler',
      '      Runtime: nodejs22.x',
      '      CodeUri: {Bucket: sam-demo-bucket, Key: !Ref Key}',
      '      AutoPublishAlias: live',
      '',
    ].join('\n'))
    const out = join(dir, 'out.json')
    const byDefault = await runLpack(['transform', '-t', templateFile, '-o', out, '--format', 'json'])
    expect(byDefault.exitCode).toBe(0)
    expect(Object.keys(JSON.parse(await readFile(out, 'utf8')).Resources)).toContain('FnVersion640128d35d')
    const overridden = await runLpack(['transform', '-t', templateFile, '--format', 'json', '--parameter-overrides', 'Key=other.zip'])
    expect(overridden.exitCode).toBe(0)
    expect(Object.keys(JSON.parse(overridden.stdout).Resources)).not.toContain('FnVersion640128d35d')
  })

  it('names the resource and construct it does not transform, exit 1', async () => {
    // An application from the Serverless Application Repository: its template URL comes from that service.
    const result = await runLpack(['transform', '-t', input('basic_application.yaml')])
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('UNSUPPORTED_CONSTRUCT')
    expect(result.stderr).toContain('AWS::Serverless::Application from the Serverless Application Repository')
  })

  it('reports what SAM would reject in SAM words, exit 1, one JSON document under --json', async () => {
    const result = await runLpack(['transform', '-t', input('error_function_no_handler.yaml'), '--json'])
    expect(result.exitCode).toBe(1)
    const document = JSON.parse(result.stdout) as {error: {code: string; message: string}}
    expect(document.error.code).toBe('TRANSFORM_FAILED')
    expect(document.error.message).toContain('Resource with id [Function] is invalid. Runtime and Handler needs to be present')
  })

  it('#13 puts each error at the line:column of the resource property it names', async () => {
    const result = await runLpack(['transform', '-t', input('error_table_primary_key_missing_name.yaml')])
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain("error_table_primary_key_missing_name.yaml:5:7: Resource with id [Table] is invalid. Property 'PrimaryKey.Name' is required.")
  })

  it('is a usage error (exit 2) when the template does not exist', async () => {
    const result = await runLpack(['transform', '-t', join(dir, 'missing.yaml')])
    expect(result.exitCode).toBe(2)
  })
})
