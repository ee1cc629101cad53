import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {CreateBucketCommand} from '@aws-sdk/client-s3'
import {ListStackResourcesCommand} from '@aws-sdk/client-cloudformation'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {awsCli} from '../support/aws-cli.js'
import {runLpack} from '../support/cli.js'
import {writeFiles} from '../support/fixtures.js'
import {type LocalAws, startLocalAws} from '../support/local-aws.js'
import {MOTO_ACCOUNT_ID} from '../support/moto.js'

// Issue #13.5: a template with [AWS::LanguageExtensions, AWS::Serverless-2016-10-31] is expanded by lpack — the
// local AWS runs no transforms, so without it the stack could not be made. The loop runs over a CommaDelimitedList
// parameter given at deploy time; the function beside it gets its code built, packaged and triggered by a queue,
// with a batch size from Fn::Length and the names from Fn::ToJsonString.
const BUCKET = 'lpack-language-extensions'

const FILES = {
  'template.yaml': `Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Parameters:
  TopicNames:
    Type: CommaDelimitedList
    Default: Default
Resources:
  Fn::ForEach::Topics:
    - Name
    - !Ref TopicNames
    - Topic\${Name}:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !Sub 'lpack-\${Name}'
  Jobs:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Runtime: nodejs24.x
      Handler: index.handler
      Environment:
        Variables:
          TOPICS: {Fn::ToJsonString: !Ref TopicNames}
      Events:
        Job:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
            BatchSize: {Fn::Length: !Ref TopicNames}
Outputs:
  Fn::ForEach::TopicArns:
    - Name
    - !Ref TopicNames
    - Topic\${Name}Arn:
        Value: !Ref Topic\${Name}
`,
  'src/index.js': 'exports.handler = async () => ({ok: true})\n',
}

let aws: LocalAws
let work: string

beforeAll(async () => {
  aws = await startLocalAws()
  await aws.sdk.s3.send(new CreateBucketCommand({Bucket: BUCKET}))
  work = await mkdtemp(join(tmpdir(), 'lpack-language-extensions-'))
  await writeFiles(work, FILES)
}, 60_000)

afterAll(async () => {
  await aws?.stop()
  if (work) await rm(work, {recursive: true, force: true})
})

/** `lpack deploy --json` of a one-file project (its template only) into `stackName`. */
async function deployTemplate(stackName: string, template: string, extraArgs: string[] = []) {
  const dir = join(work, stackName)
  await writeFiles(dir, {'template.yaml': template})
  return runLpack(['deploy', '--stack-name', stackName, '--s3-bucket', BUCKET, ...extraArgs, '--yes', '--json'], {cwd: dir, env: aws.env})
}

describe('#13.5 AWS::LanguageExtensions deploys, expanded by lpack', () => {
  it('makes a topic per item of the parameter, and the SQS-triggered function, in one stack', async () => {
    const built = await runLpack(['build', '--json'], {cwd: work})
    expect(built.exitCode, built.stderr).toBe(0)

    const deployed = await runLpack(['deploy', '--stack-name', 'language-extensions', '--s3-bucket', BUCKET, '--parameter-overrides', 'TopicNames=Orders,Refunds', '--yes', '--json'], {cwd: work, env: aws.env})
    expect(deployed.exitCode, deployed.stderr).toBe(0)
    const result = JSON.parse(deployed.stdout) as {status: string; outputs: Record<string, string>}
    expect(result.status).toBe('CREATE_COMPLETE')
    expect(deployed.stderr).toMatch(/"kind":"deploy\.transform"[^\n]*"mode":"local"[^\n]*"AWS::LanguageExtensions","AWS::Serverless-2016-10-31"/)
    expect(Object.keys(result.outputs).sort()).toEqual(['TopicOrdersArn', 'TopicRefundsArn'])

    const listed = await aws.sdk.cloudFormation.send(new ListStackResourcesCommand({StackName: 'language-extensions'}))
    const resources = Object.fromEntries((listed.StackResourceSummaries ?? []).map((r) => [r.LogicalResourceId, r.ResourceType]))
    expect(resources).toMatchObject({TopicOrders: 'AWS::SNS::Topic', TopicRefunds: 'AWS::SNS::Topic', Jobs: 'AWS::SQS::Queue', Worker: 'AWS::Lambda::Function', WorkerJob: 'AWS::Lambda::EventSourceMapping'})
    expect(resources).not.toHaveProperty('TopicDefault')

    const topics = await awsCli(aws.endpoint, aws.env, ['sns', 'list-topics'])
    expect(topics.exitCode, topics.stderr).toBe(0)
    expect((JSON.parse(topics.stdout) as {Topics: {TopicArn: string}[]}).Topics.map((topic) => topic.TopicArn.split(':').at(-1)).sort()).toEqual(['lpack-Orders', 'lpack-Refunds'])

    const functionName = (listed.StackResourceSummaries ?? []).find((r) => r.LogicalResourceId === 'Worker')!.PhysicalResourceId!
    const fn = await awsCli(aws.endpoint, aws.env, ['lambda', 'get-function-configuration', '--function-name', functionName])
    expect(fn.exitCode, fn.stderr).toBe(0)
    expect((JSON.parse(fn.stdout) as {Environment: {Variables: Record<string, string>}}).Environment.Variables).toEqual({TOPICS: '["Orders","Refunds"]'})
    const mappings = await awsCli(aws.endpoint, aws.env, ['lambda', 'list-event-source-mappings', '--function-name', functionName])
    expect(mappings.exitCode, mappings.stderr).toBe(0)
    expect((JSON.parse(mappings.stdout) as {EventSourceMappings: {BatchSize: number}[]}).EventSourceMappings.map((mapping) => mapping.BatchSize)).toEqual([2])
  }, 180_000)

  it('resolves AWS::AccountId to the account deployed to (a FindInMap default keyed by account), still locally', async () => {
    const deployed = await deployTemplate('language-extensions-account', `Transform: AWS::LanguageExtensions
Mappings:
  Accounts:
    '${MOTO_ACCOUNT_ID}': {Tier: gold}
Resources:
  Tiered:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Sub
        - 'lpack-tier-\${Tier}'
        - Tier: !FindInMap [Accounts, !Ref AWS::AccountId, Tier, DefaultValue: bronze]
`)
    expect(deployed.exitCode, deployed.stderr).toBe(0)
    expect(deployed.stderr).toMatch(/"kind":"deploy\.transform"[^\n]*"mode":"local"/)
    const topics = await awsCli(aws.endpoint, aws.env, ['sns', 'list-topics'])
    expect((JSON.parse(topics.stdout) as {Topics: {TopicArn: string}[]}).Topics.map((topic) => topic.TopicArn.split(':').at(-1))).toContain('lpack-tier-gold')
  }, 120_000)

  it('--transform server: the body CloudFormation transforms keeps a float the template wrote as one (3.0, not 3)', async () => {
    const before = aws.proxy.requests.length
    const deployed = await deployTemplate('language-extensions-server', `Transform: AWS::LanguageExtensions
Resources:
  Versioned:
    Type: AWS::SNS::Topic
    Metadata: {SchemaVersion: 3.0, Count: 3}
    Properties:
      TopicName: lpack-server-side
`, ['--transform', 'server'])
    expect(deployed.stderr).toMatch(/"kind":"deploy\.transform"[^\n]*"mode":"server"/)
    const bodies = aws.proxy.requests.slice(before).filter((request) => request.action === 'CreateChangeSet').map((request) => request.parameters?.TemplateBody)
    expect(bodies).toHaveLength(1)
    expect(bodies[0]).toContain('"Metadata":{"SchemaVersion":3.0,"Count":3}')
  }, 120_000)
})
