import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {CreateBucketCommand} from '@aws-sdk/client-s3'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {awsCli} from '../support/aws-cli.js'
import {runLpack} from '../support/cli.js'
import {writeFiles} from '../support/fixtures.js'
import {type LocalAws, startLocalAws} from '../support/local-aws.js'

// Issue #13: a SAM template with an implicit REST API (an Api event) is transformed by lpack and deployed. Its
// `OpenApiVersion: 3.0` is a YAML float that SAM reads as the string '3.0' (an integer 3 it rejects): the built and
// packaged templates keep it a float, so the transform at deploy time sees what the user wrote.
const BUCKET = 'lpack-rest-api'

const FILES = {
  'template.yaml': `Transform: AWS::Serverless-2016-10-31
Globals:
  Api:
    OpenApiVersion: 3.0
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Runtime: nodejs24.x
      Handler: index.handler
      Events:
        Get:
          Type: Api
          Properties:
            Path: /hello
            Method: get
Outputs:
  ApiId:
    Value: !Ref ServerlessRestApi
`,
  'src/index.js': 'exports.handler = async () => ({statusCode: 200, body: "hello"})\n',
  // Most of SAM at once: an explicit REST API with CORS, the implicit one, an HTTP API, a connector's managed policy,
  // a table and a state machine.
  'many/template.yaml': `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ../src/
      Runtime: nodejs24.x
      Handler: index.handler
      Events:
        Rest:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /
            Method: any
        Implicit:
          Type: Api
          Properties:
            Path: /items/{id}
            Method: get
        Http:
          Type: HttpApi
          Properties:
            Path: /hi
            Method: get
    Connectors:
      TableConn:
        Properties:
          Destination: {Id: Table}
          Permissions: [Read, Write]
  Table:
    Type: AWS::Serverless::SimpleTable
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Call
        States:
          Call: {Type: Task, Resource: arn:aws:states:::lambda:invoke, Parameters: {FunctionName: !Ref Fn}, End: true}
      Policies:
        - LambdaInvokePolicy: {FunctionName: !Ref Fn}
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      Cors: "'*'"
Outputs:
  RestApiId:
    Value: !Ref Api
  HttpApiUrl:
    Value: !Sub https://\${ServerlessHttpApi}.execute-api.\${AWS::Region}.amazonaws.com
`,
}

let aws: LocalAws
let work: string

beforeAll(async () => {
  aws = await startLocalAws()
  await aws.sdk.s3.send(new CreateBucketCommand({Bucket: BUCKET}))
  work = await mkdtemp(join(tmpdir(), 'lpack-rest-api-'))
  await writeFiles(work, FILES)
}, 60_000)

afterAll(async () => {
  await aws?.stop()
  if (work) await rm(work, {recursive: true, force: true})
})

describe('#13 SAM APIs deploy on the local AWS, transformed by lpack', () => {
  it('keeps OpenApiVersion 3.0 a float through build and package, and the stack has the API with its path', async () => {
    const built = await runLpack(['build', '--json'], {cwd: work})
    expect(built.exitCode, built.stderr).toBe(0)
    expect(await readFile(join(work, '.lpack/build/template.yaml'), 'utf8')).toContain('OpenApiVersion: 3.0\n')
    const packaged = await runLpack(['package', '--s3-bucket', BUCKET, '-o', 'packaged.yaml', '--json'], {cwd: work, env: aws.env})
    expect(packaged.exitCode, packaged.stderr).toBe(0)
    expect(await readFile(join(work, 'packaged.yaml'), 'utf8')).toContain('OpenApiVersion: 3.0\n')

    const deployed = await runLpack(['deploy', '--stack-name', 'rest-api', '--s3-bucket', BUCKET, '--yes', '--json'], {cwd: work, env: aws.env})
    expect(deployed.exitCode, deployed.stderr).toBe(0)
    const result = JSON.parse(deployed.stdout) as {status: string; outputs: Record<string, string>}
    expect(result.status).toBe('CREATE_COMPLETE')
    // Transformed locally: the stack's template is plain CloudFormation, with SAM's OpenAPI 3 body.
    expect(deployed.stderr).toMatch(/"kind":"deploy\.transform"[^\n]*"mode":"local"/)
    const resources = await awsCli(aws.endpoint, aws.env, ['apigateway', 'get-resources', '--rest-api-id', result.outputs.ApiId!])
    expect(resources.exitCode, resources.stderr).toBe(0)
    expect((JSON.parse(resources.stdout) as {items: {path: string}[]}).items.map((item) => item.path).sort()).toEqual(['/', '/hello'])
  }, 180_000)

  it('a template with REST and HTTP APIs, a connector, a table and a state machine deploys, then deletes without leftovers', async () => {
    const cwd = join(work, 'many')
    const deployed = await runLpack(['deploy', '--stack-name', 'many', '--s3-bucket', BUCKET, '--yes', '--json'], {cwd, env: aws.env})
    expect(deployed.exitCode, deployed.stderr).toBe(0)
    const {outputs} = JSON.parse(deployed.stdout) as {outputs: Record<string, string>}
    const cli = async <T>(...args: string[]): Promise<T> => {
      const result = await awsCli(aws.endpoint, aws.env, args)
      expect(result.exitCode, result.stderr).toBe(0)
      return JSON.parse(result.stdout) as T
    }
    const rest = await cli<{items: {path: string; resourceMethods?: Record<string, unknown>}[]}>('apigateway', 'get-resources', '--rest-api-id', outputs.RestApiId!)
    expect(rest.items.flatMap((item) => Object.keys(item.resourceMethods ?? {}).map((method) => `${method} ${item.path}`)).sort()).toEqual(['ANY /', 'OPTIONS /'])
    // The HTTP API exists, so its Ref resolves in the output, and it has the event's route.
    const apiId = /^https:\/\/([a-z0-9]+)\.execute-api\.us-east-1\.amazonaws\.com$/.exec(outputs.HttpApiUrl!)?.[1]
    expect(apiId, outputs.HttpApiUrl).toBeDefined()
    const routes = await cli<{Items: {RouteKey: string}[]}>('apigatewayv2', 'get-routes', '--api-id', apiId!)
    expect(routes.Items.map((route) => route.RouteKey)).toEqual(['GET /hi'])

    const deleted = await runLpack(['delete', '--stack-name', 'many', '--yes', '--json'], {cwd, env: aws.env})
    expect(deleted.exitCode, deleted.stderr).toBe(0)
    // The connector's managed policy was detached from the function's role, so both are gone.
    const policies = await cli<{Policies: {PolicyName: string}[]}>('iam', 'list-policies', '--scope', 'Local')
    expect(policies.Policies.filter((policy) => policy.PolicyName.startsWith('many-'))).toEqual([])
    const apis = await cli<{Items: unknown[]}>('apigatewayv2', 'get-apis')
    expect(apis.Items).toEqual([])
  }, 180_000)
})
