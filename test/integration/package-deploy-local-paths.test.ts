import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {CreateBucketCommand} from '@aws-sdk/client-s3'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {awsCli} from '../support/aws-cli.js'
import {runLpack} from '../support/cli.js'
import {writeFiles} from '../support/fixtures.js'
import {type LocalAws, startLocalAws} from '../support/local-aws.js'

// Issue #13 (Done when): a template with a nested stack, an AWS::Include and a state machine definition file is
// packaged (each uploaded once; a second run uploads nothing) and the packaged template deploys on the local AWS.
const BUCKET = 'lpack-packaged-deploy'

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachine/flow.asl.json
      Policies: []
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      Fn::Transform: {Name: AWS::Include, Parameters: {Location: include/topic.yaml}}
  Nested:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: nested/stack.yaml
      Parameters: {Prefix: inner}
Outputs:
  FlowArn:
    Value: !Ref Flow
  TopicName:
    Value: !GetAtt Topic.TopicName
  QueueUrl:
    Value: !GetAtt Nested.Outputs.QueueUrl
`
const NESTED = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Prefix: {Type: String}
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !Sub '\${Prefix}-queue'}
Outputs:
  QueueUrl:
    Value: !Ref Queue
`
const FILES: Record<string, string> = {
  'template.yaml': TEMPLATE,
  'statemachine/flow.asl.json': '{"StartAt":"Done","States":{"Done":{"Type":"Succeed"}}}\n',
  'include/topic.yaml': 'TopicName: included-topic\n',
  'nested/stack.yaml': NESTED,
}

let aws: LocalAws
let work: string

beforeAll(async () => {
  aws = await startLocalAws()
  await aws.sdk.s3.send(new CreateBucketCommand({Bucket: BUCKET}))
  work = await mkdtemp(join(tmpdir(), 'lpack-packaged-deploy-'))
  await writeFiles(work, FILES)
}, 60_000)

afterAll(async () => {
  await aws?.stop()
  if (work) await rm(work, {recursive: true, force: true})
})

describe('#13 a packaged template with a nested stack, an AWS::Include and a definition file', () => {
  it('#13.5 uploads each once, then nothing, and the packaged template deploys on the local AWS', async () => {
    const built = await runLpack(['build', '--json'], {cwd: work})
    expect(built.exitCode, built.stderr).toBe(0)
    const packaged = join(work, 'packaged.yaml')
    const first = await runLpack(['package', '--s3-bucket', BUCKET, '-o', packaged, '--json'], {cwd: work, env: aws.env})
    expect(first.exitCode, first.stderr).toBe(0)
    const report = JSON.parse(first.stdout) as {uploadedCount: number; artifacts: {property: string; uploaded: boolean}[]}
    expect(report.artifacts.map((artifact) => artifact.property).sort()).toEqual([
      'Resources/Flow/Properties/DefinitionUri',
      'Resources/Nested/Properties/TemplateURL',
      'Resources/Topic/Properties/Fn::Transform/Parameters/Location',
    ])
    expect(report.uploadedCount).toBe(3)
    const again = await runLpack(['package', '--s3-bucket', BUCKET, '--json'], {cwd: work, env: aws.env})
    expect(again.exitCode, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({uploadedCount: 0})

    const deployed = await runLpack(['deploy', '-t', packaged, '--stack-name', 'packaged-paths', '--s3-bucket', BUCKET, '--yes', '--json'], {cwd: work, env: aws.env})
    expect(deployed.exitCode, deployed.stderr).toBe(0)
    const result = JSON.parse(deployed.stdout) as {kind: string; status: string; outputs: Record<string, string>; uploads: {uploadedCount: number}}
    expect(result).toMatchObject({kind: 'deployed', status: 'CREATE_COMPLETE', uploads: {uploadedCount: 0}})
    // The included snippet named the topic; the nested stack made the queue; the machine runs the uploaded file.
    expect(result.outputs.TopicName).toBe('included-topic')
    expect(result.outputs.QueueUrl).toMatch(/\/inner-queue$/)
    expect(result.outputs.FlowArn).toMatch(/^arn:aws:states:us-east-1:\d{12}:stateMachine:/)
    const machine = await awsCli(aws.endpoint, aws.env, ['stepfunctions', 'describe-state-machine', '--state-machine-arn', result.outputs.FlowArn!])
    expect(machine.exitCode, machine.stderr).toBe(0)
    expect(JSON.parse(machine.stdout).definition).toBe(FILES['statemachine/flow.asl.json'])
  }, 120_000)
})
