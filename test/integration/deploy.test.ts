import {cp, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {DescribeStacksCommand, GetTemplateCommand} from '@aws-sdk/client-cloudformation'
import {GetBucketEncryptionCommand, GetBucketPolicyCommand, GetBucketVersioningCommand, GetPublicAccessBlockCommand, HeadObjectCommand} from '@aws-sdk/client-s3'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {awsCli} from '../support/aws-cli.js'
import {runLpack} from '../support/cli.js'
import type {FaultProxy} from '../support/fault-proxy.js'
import {type LocalAws, startLocalAws} from '../support/local-aws.js'
import {MOTO_ACCOUNT_ID} from '../support/moto.js'

const FIXTURE = new URL('../fixtures/deploy/app', import.meta.url).pathname
const BUCKET = `lpack-artifacts-${MOTO_ACCOUNT_ID}-us-east-1`

let aws: LocalAws
let proxy: FaultProxy
let project: string
let env: NodeJS.ProcessEnv
let sdk: LocalAws['sdk']

beforeAll(async () => {
  aws = await startLocalAws()
  ;({proxy, env, sdk} = aws)
  project = await mkdtemp(join(tmpdir(), 'lpack-deploy-'))
  await cp(FIXTURE, project, {recursive: true})
})

afterAll(async () => {
  await aws?.stop()
  if (project) await rm(project, {recursive: true, force: true})
})

function lpack(args: string[]) {
  return runLpack(args, {cwd: project, env})
}


/** Artifact uploads that reached S3 (PUTs of `<sha256>.zip` keys). */
function zipPuts() {
  return proxy.passed((request) => request.method === 'PUT' && /\/[0-9a-f]{64}\.zip(\?|$)/.test(request.path))
}

function actions(name: string) {
  return proxy.passed((request) => request.action === name)
}

describe('lpack deploy against moto: create → one-function update → no-op → failing update → delete', () => {
  const stack = `lpack-it-${process.pid}`

  it('creates the stack through a CREATE change set, in a managed bucket it creates', async () => {
    const result = await lpack(['deploy', '--stack-name', stack, '--resolve-s3', '--tags', 'team=web', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const document = JSON.parse(result.stdout)
    expect(document).toMatchObject({kind: 'deployed', changeSetType: 'CREATE', status: 'CREATE_COMPLETE', uploads: {uploadedCount: 2, skippedCount: 0, bucket: BUCKET}})
    expect(document.changes.map((c: {action: string; logicalId: string}) => `${c.action} ${c.logicalId}`)).toEqual(['Add FnRole', 'Add HelloFn', 'Add WorldFn'])
    expect(document.outputs.Stage).toBe('dev')
    // Progress under --json: one JSON event per line on stderr.
    const events = result.stderr.trim().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line))
    expect(events.some((event) => event.kind === 'deploy.event' && event.data.status === 'CREATE_COMPLETE' && event.data.logicalId === 'HelloFn')).toBe(true)

    // The AWS CLI sees the stack lpack made.
    const described = await awsCli(aws.moto.endpoint, aws.moto.env, ['cloudformation', 'describe-stacks', '--stack-name', stack])
    expect(described.exitCode, described.stderr).toBe(0)
    const [cliStack] = JSON.parse(described.stdout).Stacks
    expect(cliStack.StackStatus).toBe('CREATE_COMPLETE')
    expect(cliStack.Tags).toEqual([{Key: 'team', Value: 'web'}])

    // The managed bucket: versioned, encrypted, public access blocked; the endpoint is plain http://, so no
    // TLS-only policy (it would refuse lpack's own requests), and lpack says so.
    expect((await sdk.s3.send(new GetBucketVersioningCommand({Bucket: BUCKET}))).Status).toBe('Enabled')
    const encryption = await sdk.s3.send(new GetBucketEncryptionCommand({Bucket: BUCKET}))
    expect(encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('AES256')
    const block = (await sdk.s3.send(new GetPublicAccessBlockCommand({Bucket: BUCKET}))).PublicAccessBlockConfiguration
    expect(block).toEqual({BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true})
    await expect(sdk.s3.send(new GetBucketPolicyCommand({Bucket: BUCKET}))).rejects.toMatchObject({name: 'NoSuchBucketPolicy'})
    expect(events.some((event) => event.kind === 'package.bucket.no-tls-policy')).toBe(true)

    // Objects are content-addressed, encrypted, and carry their SHA-256.
    const manifest = JSON.parse(await readFile(join(project, '.lpack/build/manifest.json'), 'utf8'))
    const hello = manifest.artifacts.find((a: {logicalId: string}) => a.logicalId === 'HelloFn')
    const head = await sdk.s3.send(new HeadObjectCommand({Bucket: BUCKET, Key: `${hello.sha256}.zip`}))
    expect(head.ServerSideEncryption).toBe('AES256')
    expect(head.Metadata).toEqual({sha256: hello.sha256})
  })

  it('after a one-function code change uploads only that artifact and changes only that function', async () => {
    await writeFile(join(project, 'hello/index.js'), "exports.handler = async () => ({statusCode: 200, body: 'hello v2'})\n")
    const putsBefore = zipPuts().length
    const result = await lpack(['deploy', '--stack-name', stack, '--resolve-s3', '--tags', 'team=web'])
    expect(result.exitCode, result.stderr).toBe(0)
    const puts = zipPuts().slice(putsBefore)
    const manifest = JSON.parse(await readFile(join(project, '.lpack/build/manifest.json'), 'utf8'))
    const hello = manifest.artifacts.find((a: {logicalId: string}) => a.logicalId === 'HelloFn')
    expect(puts.map((put) => put.path.split('?')[0])).toEqual([`/${BUCKET}/${hello.sha256}.zip`])
    // The summary table shows exactly one change, a modification of HelloFn.
    const tableLines = result.stderr.split('\n').filter((line) => /^\s+[+~-] (Add|Modify|Remove)/.test(line))
    expect(tableLines).toHaveLength(1)
    expect(tableLines[0]).toMatch(/^\s+~ Modify\s+HelloFn\s+AWS::Lambda::Function/)
    expect(result.stderr).toMatch(/UPDATE_COMPLETE\s+AWS::CloudFormation::Stack/)
    // The deployed template points HelloFn at the new object and leaves WorldFn where it was.
    const deployed = JSON.parse((await sdk.cloudFormation.send(new GetTemplateCommand({StackName: stack}))).TemplateBody!)
    const world = manifest.artifacts.find((a: {logicalId: string}) => a.logicalId === 'WorldFn')
    expect(deployed.Resources.HelloFn.Properties.Code).toEqual({S3Bucket: BUCKET, S3Key: `${hello.sha256}.zip`})
    expect(deployed.Resources.WorldFn.Properties.Code).toEqual({S3Bucket: BUCKET, S3Key: `${world.sha256}.zip`})
  })

  it('with nothing changed uploads nothing, creates no change set and exits 0', async () => {
    const before = proxy.requests.length
    const result = await lpack(['deploy', '--stack-name', stack, '--resolve-s3', '--tags', 'team=web', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({kind: 'no-changes', uploads: {uploadedCount: 0, uploadedBytes: 0, skippedCount: 2}})
    const during = proxy.requests.slice(before)
    expect(during.filter((r) => r.method === 'PUT')).toEqual([])
    expect(during.filter((r) => r.action === 'CreateChangeSet' || r.action === 'ExecuteChangeSet')).toEqual([])

    const strict = await lpack(['deploy', '--stack-name', stack, '--resolve-s3', '--tags', 'team=web', '--fail-on-empty-changeset', '--json'])
    expect(strict.exitCode).toBe(1)
    expect(JSON.parse(strict.stdout).error.code).toBe('NO_CHANGES')
  })

  it('an update with a resource the service rejects prints every failed resource with its reason and exits 1', async () => {
    const template = await readFile(join(project, 'template.yaml'), 'utf8')
    const broken = template.replace(
      'Outputs:',
      [
        '  BrokenFn:',
        '    Type: AWS::Lambda::Function',
        '    Properties:',
        '      Runtime: nodejs22.x',
        '      Handler: index.handler',
        '      Role: arn:aws:iam::123456789012:role/no-such-role',
        '      Code: world/',
        'Outputs:',
      ].join('\n'),
    )
    await writeFile(join(project, 'template.yaml'), broken)
    const executesBefore = actions('ExecuteChangeSet').length
    const result = await lpack(['deploy', '--stack-name', stack, '--resolve-s3', '--tags', 'team=web'])
    expect(result.exitCode).toBe(1)
    expect(actions('ExecuteChangeSet').length).toBe(executesBefore + 1)
    expect(result.stderr).toContain('Error [DEPLOY_FAILED]: Stack')
    expect(result.stderr).toContain('UPDATE_ROLLBACK_COMPLETE')
    expect(result.stderr).toMatch(/BrokenFn \(AWS::Lambda::Function\) CREATE_FAILED: .*The role defined for the function cannot be assumed by Lambda/)
    await writeFile(join(project, 'template.yaml'), template)

    const described = await sdk.cloudFormation.send(new DescribeStacksCommand({StackName: stack}))
    expect(described.Stacks?.[0]?.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE')
  })

  it('deletes the stack and, when asked, its artifacts', async () => {
    const result = await lpack(['delete', '--stack-name', stack, '--delete-artifacts', '--rollback-buffer-days', '0', '--yes', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const document = JSON.parse(result.stdout)
    expect(document.kind).toBe('deleted')
    expect(document.deletedArtifacts).toHaveLength(2)
    await expect(sdk.cloudFormation.send(new DescribeStacksCommand({StackName: stack}))).rejects.toThrow('does not exist')
    const again = await lpack(['delete', '--stack-name', stack, '--yes', '--json'])
    expect(again.exitCode).toBe(0)
    expect(JSON.parse(again.stdout).kind).toBe('not-found')
  })
})
