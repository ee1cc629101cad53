import {createHash} from 'node:crypto'
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {CreateBucketCommand, GetObjectCommand} from '@aws-sdk/client-s3'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {awsCli} from '../support/aws-cli.js'
import {runLpack} from '../support/cli.js'
import {writeFiles} from '../support/fixtures.js'
import {type LocalAws, startLocalAws} from '../support/local-aws.js'

// Issue #11, item 22: local paths other than function code (AWS::Include, a StateMachine and an Api definition, a
// nested stack) are rewritten by `lpack build` relative to the build folder, and uploaded by `lpack package` under
// content keys, with the locations written as `aws cloudformation package` writes them (awscli v1, the oracle).
const BUCKET = 'lpack-local-paths'

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Greeter:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: src/, Handler: app.handler, Runtime: ruby3.4}
  Api:
    Type: AWS::Serverless::Api
    Properties: {StageName: prod, DefinitionUri: api/openapi.yaml}
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties: {DefinitionUri: statemachine/flow.asl.json, Role: arn:aws:iam::123456789012:role/flow}
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      Fn::Transform: {Name: AWS::Include, Parameters: {Location: include/topic.yaml}}
  Nested:
    Type: AWS::CloudFormation::Stack
    Properties: {TemplateURL: nested/stack.yaml}
`
const NESTED = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties: {Code: worker/, Handler: index.handler, Runtime: nodejs22.x, Role: arn:aws:iam::123456789012:role/worker}
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties: {DefinitionS3Location: ../statemachine/flow.asl.json, RoleArn: arn:aws:iam::123456789012:role/flow}
`
const FILES: Record<string, string> = {
  'template.yaml': TEMPLATE,
  'src/app.rb': 'def handler(event:, context:) = 1\n',
  'api/openapi.yaml': 'openapi: 3.0.1\ninfo: {title: demo, version: "1"}\npaths: {}\n',
  'statemachine/flow.asl.json': '{"StartAt":"Done","States":{"Done":{"Type":"Succeed"}}}\n',
  'include/topic.yaml': 'DisplayName: included\n',
  'nested/stack.yaml': NESTED,
  'nested/worker/index.js': 'exports.handler = async () => 1\n',
}

let aws: LocalAws
let work: string
let project: string

const sha256 = (text: string | Uint8Array) => createHash('sha256').update(text).digest('hex')

/** The value at a path in a parsed template, or undefined. */
function at(value: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), value)
}

async function objectBytes(key: string): Promise<Buffer> {
  const object = await aws.sdk.s3.send(new GetObjectCommand({Bucket: BUCKET, Key: key}))
  return Buffer.from(await object.Body!.transformToByteArray())
}

beforeAll(async () => {
  aws = await startLocalAws()
  await aws.sdk.s3.send(new CreateBucketCommand({Bucket: BUCKET}))
  work = await mkdtemp(join(tmpdir(), 'lpack-local-paths-'))
  project = join(work, 'app')
  await writeFiles(project, FILES)
}, 60_000)

afterAll(async () => {
  await aws?.stop()
  if (work) await rm(work, {recursive: true, force: true})
})

describe('local paths besides function code', () => {
  it('#11.22 lpack build rewrites them relative to the build folder', async () => {
    const result = await runLpack(['build', '--json'], {cwd: project})
    expect(result.exitCode, result.stderr).toBe(0)
    const built = parse(await readFile(join(project, '.lpack/build/template.yaml'), 'utf8')) as unknown
    const property = (id: string, ...path: string[]) => at(built, 'Resources', id, 'Properties', ...path)
    expect(property('Greeter', 'CodeUri')).toBe('artifacts/Greeter.zip')
    expect(property('Api', 'DefinitionUri')).toBe('../../api/openapi.yaml')
    expect(property('Flow', 'DefinitionUri')).toBe('../../statemachine/flow.asl.json')
    expect(property('Topic', 'Fn::Transform', 'Parameters', 'Location')).toBe('../../include/topic.yaml')
    expect(property('Nested', 'TemplateURL')).toBe('../../nested/stack.yaml')
  })

  it('#11.22 lpack package uploads them under content keys and rewrites them to S3 locations; nested stacks recursively', async () => {
    const output = join(project, 'packaged.yaml')
    const result = await runLpack(['package', '--s3-bucket', BUCKET, '-o', output, '--json'], {cwd: project, env: aws.env})
    expect(result.exitCode, result.stderr).toBe(0)
    const packaged = parse(await readFile(output, 'utf8')) as unknown
    const property = (id: string, ...path: string[]) => at(packaged, 'Resources', id, 'Properties', ...path)

    const api = `${sha256(FILES['api/openapi.yaml']!)}.yaml`
    const flow = `${sha256(FILES['statemachine/flow.asl.json']!)}.json`
    const include = `${sha256(FILES['include/topic.yaml']!)}.yaml`
    expect(property('Api', 'DefinitionUri')).toBe(`s3://${BUCKET}/${api}`)
    expect(property('Flow', 'DefinitionUri')).toEqual({Bucket: BUCKET, Key: flow})
    expect(property('Topic', 'Fn::Transform', 'Parameters', 'Location')).toBe(`s3://${BUCKET}/${include}`)
    expect((await objectBytes(api)).toString()).toBe(FILES['api/openapi.yaml'])
    expect((await objectBytes(flow)).toString()).toBe(FILES['statemachine/flow.asl.json'])
    expect((await objectBytes(include)).toString()).toBe(FILES['include/topic.yaml'])

    // The nested template: uploaded packaged (its Lambda code folder zipped and uploaded, its definition too), and
    // the parent points at its URL (path-style on the custom endpoint).
    const url = property('Nested', 'TemplateURL') as string
    const match = new RegExp(`/${BUCKET}/([0-9a-f]{64}\\.template\\.yaml)$`).exec(url)
    expect(match, url).not.toBeNull()
    expect(url.startsWith(aws.env.AWS_ENDPOINT_URL!.replace(/\/+$/, ''))).toBe(true)
    const nestedBytes = await objectBytes(match![1]!)
    expect(sha256(nestedBytes)).toBe(match![1]!.slice(0, 64))
    const nested = parse(nestedBytes.toString()) as unknown
    const code = at(nested, 'Resources', 'Worker', 'Properties', 'Code') as {S3Bucket: string; S3Key: string}
    expect(code).toEqual({S3Bucket: BUCKET, S3Key: expect.stringMatching(/^[0-9a-f]{64}\.zip$/)})
    expect((await objectBytes(code.S3Key)).subarray(0, 4).readUInt32LE(0)).toBe(0x04034b50)
    expect(at(nested, 'Resources', 'Machine', 'Properties', 'DefinitionS3Location')).toEqual({Bucket: BUCKET, Key: flow})

    const report = JSON.parse(result.stdout) as {artifacts: {logicalId: string; property?: string; key: string}[]}
    // The nested Machine's definition has the bytes of Flow's: one object, listed once.
    expect(report.artifacts.filter((a) => a.property !== undefined).map((a) => a.property).sort()).toEqual([
      'Resources/Api/Properties/DefinitionUri',
      'Resources/Flow/Properties/DefinitionUri',
      'Resources/Nested/Properties/TemplateURL',
      'Resources/Nested/Properties/TemplateURL → Resources/Worker/Properties/Code',
      'Resources/Topic/Properties/Fn::Transform/Parameters/Location',
    ])

    // Packaging again uploads nothing: same content, same keys.
    const again = await runLpack(['package', '--s3-bucket', BUCKET, '--json'], {cwd: project, env: aws.env})
    expect(again.exitCode, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({uploadedCount: 0})
  }, 60_000)

  it('#11.22 the rewritten shapes are those of aws cloudformation package (awscli v1)', async () => {
    const output = join(work, 'aws-packaged.yaml')
    const oracle = await awsCli(aws.env.AWS_ENDPOINT_URL!, aws.env, ['cloudformation', 'package', '--template-file', join(project, 'template.yaml'), '--s3-bucket', BUCKET, '--output-template-file', output])
    expect(oracle.exitCode, oracle.stderr).toBe(0)
    const theirs = parse(await readFile(output, 'utf8')) as unknown
    const ours = parse(await readFile(join(project, 'packaged.yaml'), 'utf8')) as unknown
    const shape = (value: unknown): unknown =>
      typeof value === 'string' ? (value.startsWith('s3://') ? 's3-uri' : /^https?:\/\//.test(value) ? 'url' : 'other') : value && typeof value === 'object' ? Object.keys(value).sort() : typeof value
    for (const path of [['Api', 'DefinitionUri'], ['Flow', 'DefinitionUri'], ['Nested', 'TemplateURL'], ['Greeter', 'CodeUri'], ['Topic', 'Fn::Transform', 'Parameters', 'Location']]) {
      expect(shape(at(ours, 'Resources', path[0]!, 'Properties', ...path.slice(1))), path.join('.')).toEqual(shape(at(theirs, 'Resources', path[0]!, 'Properties', ...path.slice(1))))
    }
  }, 60_000)

  it('#11.22 a local path that does not exist is named with its property (exit 2)', async () => {
    const dir = join(work, 'missing')
    await mkdir(dir, {recursive: true})
    await writeFile(join(dir, 'template.yaml'), 'Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties: {BodyS3Location: openapi.yaml}\n')
    expect((await runLpack(['build'], {cwd: dir})).exitCode).toBe(0)
    const result = await runLpack(['package', '--s3-bucket', BUCKET], {cwd: dir, env: aws.env})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('Resources/Api/Properties/BodyS3Location: ../../openapi.yaml does not exist')
  })
})
