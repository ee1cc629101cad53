import {spawn} from 'node:child_process'
import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {CreateStackCommand, DescribeStacksCommand, ListStackResourcesCommand} from '@aws-sdk/client-cloudformation'
import {ListObjectsV2Command} from '@aws-sdk/client-s3'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type CliResult, LPACK_BIN, runLpack} from '../support/cli.js'
import {type FaultProxy, stackStatusAs} from '../support/fault-proxy.js'
import {type DeployFixture, startDeployFixture} from '../support/fixtures.js'
import type {LocalAws} from '../support/local-aws.js'

const BUCKET = 'lpack-states'

let fixture: DeployFixture | undefined
let proxy: FaultProxy
let env: NodeJS.ProcessEnv
let sdk: LocalAws['sdk']

beforeAll(async () => {
  fixture = await startDeployFixture({name: 'states', bucket: BUCKET})
  ;({proxy, env, sdk} = fixture)
})

afterAll(async () => {
  await fixture?.stop()
})

const project = (name: string, dir: string) => fixture!.project(name, dir)

async function describeStack(stack: string) {
  return (await sdk.cloudFormation.send(new DescribeStacksCommand({StackName: stack}))).Stacks![0]
}

async function stackStatus(stack: string): Promise<string | undefined> {
  return (await describeStack(stack))!.StackStatus
}

describe('lpack deploy: stack states, config environments and templates', () => {
  it('a stack left in ROLLBACK_COMPLETE is replaced only with --replace-failed-stack', async () => {
    const dir = await project('app', 'rollback')
    const template = await readFile(join(dir, 'template.yaml'), 'utf8')
    await writeFile(join(dir, 'template.yaml'), template.replace('Role: !GetAtt FnRole.Arn\n      Code: world/', 'Role: arn:aws:iam::123456789012:role/missing\n      Code: world/'))
    const failed = await runLpack(['deploy', '-s', 'states-rollback', '--s3-bucket', BUCKET], {cwd: dir, env})
    expect(failed.exitCode).toBe(1)
    expect(failed.stderr).toMatch(/WorldFn \(AWS::Lambda::Function\) CREATE_FAILED: .*cannot be assumed/)
    expect(await stackStatus('states-rollback')).toBe('ROLLBACK_COMPLETE')

    await writeFile(join(dir, 'template.yaml'), template)
    const refused = await runLpack(['deploy', '-s', 'states-rollback', '--s3-bucket', BUCKET, '--json'], {cwd: dir, env})
    expect(refused.exitCode).toBe(1)
    expect(JSON.parse(refused.stdout).error).toMatchObject({code: 'DEPLOY_FAILED', hint: expect.stringContaining('--replace-failed-stack')})

    const replaced = await runLpack(['deploy', '-s', 'states-rollback', '--s3-bucket', BUCKET, '--replace-failed-stack', '--json'], {cwd: dir, env})
    expect(replaced.exitCode, replaced.stderr).toBe(0)
    expect(JSON.parse(replaced.stdout)).toMatchObject({kind: 'deployed', changeSetType: 'CREATE', status: 'CREATE_COMPLETE'})
  })

  it('--no-execute leaves a change set to review; the next deploy creates the stack from REVIEW_IN_PROGRESS', async () => {
    const dir = await project('app', 'review')
    const pending = await runLpack(['deploy', '-s', 'states-review', '--s3-bucket', BUCKET, '--no-execute', '--json'], {cwd: dir, env})
    expect(pending.exitCode, pending.stderr).toBe(0)
    expect(JSON.parse(pending.stdout)).toMatchObject({kind: 'change-set-created', changeSetType: 'CREATE'})
    expect(await stackStatus('states-review')).toBe('REVIEW_IN_PROGRESS')
    const deployed = await runLpack(['deploy', '-s', 'states-review', '--s3-bucket', BUCKET, '--json'], {cwd: dir, env})
    expect(deployed.exitCode, deployed.stderr).toBe(0)
    expect(JSON.parse(deployed.stdout)).toMatchObject({kind: 'deployed', changeSetType: 'CREATE'})
  })

  it('takes every setting from a named environment of lpack.config.yaml, flags winning', async () => {
    const dir = await project('app', 'config')
    await writeFile(join(dir, 'lpack.config.yaml'), [
      'version: 1',
      'environments:',
      '  prod:',
      '    deploy:',
      '      stack-name: states-config',
      `      s3-bucket: ${BUCKET}`,
      '      s3-prefix: prod',
      '      parameter-overrides: {Stage: prod}',
      '      tags: {env: prod}',
    ].join('\n'))
    const result = await runLpack(['deploy', '--config-env', 'prod', '--tags', 'env=flag', '--json'], {cwd: dir, env})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({kind: 'deployed', stackName: 'states-config', outputs: {Stage: 'prod'}})
    expect((await describeStack('states-config'))!.Tags).toEqual([{Key: 'env', Value: 'flag'}])
    const keys = (await sdk.s3.send(new ListObjectsV2Command({Bucket: BUCKET, Prefix: 'prod/'}))).Contents
    expect(keys?.length).toBe(2)
  })

  it('passes a template over 51,200 bytes through S3 as TemplateURL', async () => {
    const dir = await project('app', 'large')
    const template = await readFile(join(dir, 'template.yaml'), 'utf8')
    await writeFile(join(dir, 'template.yaml'), template.replace('Description: lpack deploy integration fixture - two functions, one role', `Description: large\nMetadata:\n  Padding: ${'x'.repeat(60_000)}`))
    const before = proxy.requests.length
    const result = await runLpack(['deploy', '-s', 'states-large', '--s3-bucket', BUCKET, '--json'], {cwd: dir, env})
    expect(result.exitCode, result.stderr).toBe(0)
    const puts = proxy.requests.slice(before).filter((r) => r.method === 'PUT' && r.path.includes('.template.json'))
    expect(puts).toHaveLength(1)
    expect(await stackStatus('states-large')).toBe('CREATE_COMPLETE')
  })

  it('deploys a SAM template transformed locally, alias included', async () => {
    const dir = await project('sam-app', 'sam')
    const result = await runLpack(['deploy', '-s', 'states-sam', '--s3-bucket', BUCKET], {cwd: dir, env})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toContain('Transformed AWS::Serverless-2016-10-31 locally')
    const resources = (await sdk.cloudFormation.send(new ListStackResourcesCommand({StackName: 'states-sam'}))).StackResourceSummaries ?? []
    const types = resources.map((r) => r.ResourceType).sort()
    expect(types).toEqual(['AWS::IAM::Role', 'AWS::Lambda::Alias', 'AWS::Lambda::Function', 'AWS::Lambda::Version'])
  })
})

/** Runs lpack and sends it SIGINT (Ctrl-C) once its stderr matches `when`. */
function interruptLpack(args: readonly string[], options: {cwd: string; env: NodeJS.ProcessEnv}, when: RegExp): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LPACK_BIN, ...args], {cwd: options.cwd, env: {...process.env, CI: 'true', NO_COLOR: '1', ...options.env}, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    let sent = false
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => {
      stderr += chunk
      if (!sent && when.test(stderr)) {
        sent = true
        child.kill('SIGINT')
      }
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({exitCode: code ?? (signal ? 128 : 1), stdout, stderr})
    })
  })
}

describe('lpack deploy on a stack another operation is running on', () => {
  // moto runs every operation to its end before answering; the proxy shows the stack as CloudFormation does
  // while an operation runs (UPDATE_IN_PROGRESS in DescribeStacks), for as many answers as a test asks.
  const stack = 'states-busy'
  let dir: string
  const deploy = (extra: string[]) => ['deploy', '-s', stack, '--s3-bucket', BUCKET, '--poll-interval', '100', ...extra]
  // A code change gives each deploy a resource to update (moto computes no change from a parameter alone).
  const changeCode = (body: string) => writeFile(join(dir, 'hello/index.js'), `exports.handler = async () => ({statusCode: 200, body: '${body}'})\n`)

  beforeAll(async () => {
    dir = await project('app', 'busy')
    await sdk.cloudFormation.send(new CreateStackCommand({StackName: stack, TemplateBody: JSON.stringify({Resources: {Handle: {Type: 'AWS::CloudFormation::WaitConditionHandle'}}})}))
  })

  it('with --no-wait fails at once with STACK_BUSY, before building or uploading anything', async () => {
    proxy.addRewrite({match: (r) => r.action === 'DescribeStacks', rewrite: stackStatusAs('UPDATE_IN_PROGRESS'), times: 1})
    const before = proxy.requests.length
    const result = await runLpack(deploy(['--no-wait']), {cwd: dir, env})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain(`Error [STACK_BUSY]: Stack ${stack} is busy (UPDATE_IN_PROGRESS)`)
    expect(result.stderr).toContain('Hint: Wait for the running operation to finish, or run without --no-wait')
    const during = proxy.requests.slice(before)
    expect(during.filter((r) => r.method === 'PUT' || r.action === 'CreateChangeSet')).toEqual([])
  })

  it('without it waits for the running operation to finish, then deploys', async () => {
    proxy.addRewrite({match: (r) => r.action === 'DescribeStacks', rewrite: stackStatusAs('UPDATE_IN_PROGRESS'), times: 3})
    const result = await runLpack(deploy(['--parameter-overrides', 'Stage=waited']), {cwd: dir, env})
    expect(result.exitCode, result.stderr).toBe(0)
    const lines = result.stderr.split('\n')
    const waiting = lines.findIndex((line) => line === `Stack ${stack} is UPDATE_IN_PROGRESS; waiting for the running operation to finish…`)
    const executing = lines.findIndex((line) => line.startsWith(`Executing change set for ${stack}`))
    expect(waiting).toBeGreaterThanOrEqual(0)
    expect(executing).toBeGreaterThan(waiting)
    expect(result.stdout).toMatch(/Stage\s+= waited/)
    expect(await stackStatus(stack)).toBe('UPDATE_COMPLETE')
  })

  it('Ctrl-C stops following the stack, prints its state and how to resume; the next deploy waits for that operation', async () => {
    await changeCode('interrupted')
    const before = proxy.requests.length
    const executed = () => proxy.requests.slice(before).some((r) => r.action === 'ExecuteChangeSet')
    const hold = proxy.addRewrite({match: (r) => r.action === 'DescribeStacks' && executed(), rewrite: stackStatusAs('UPDATE_IN_PROGRESS')})
    const interrupted = await interruptLpack(deploy([]), {cwd: dir, env}, /following the stack/)
    hold.stop()
    expect(interrupted.exitCode, interrupted.stderr).toBe(130)
    expect(interrupted.stderr).toContain(`Error [INTERRUPTED]: Stopped watching stack ${stack}; it is UPDATE_IN_PROGRESS and CloudFormation carries on without lpack`)
    expect(interrupted.stderr).toContain('Hint: Run the same `lpack deploy` again to wait for this operation and continue')

    proxy.addRewrite({match: (r) => r.action === 'DescribeStacks', rewrite: stackStatusAs('UPDATE_IN_PROGRESS'), times: 3})
    const resumed = await runLpack(deploy(['--json']), {cwd: dir, env})
    expect(resumed.exitCode, resumed.stderr).toBe(0)
    const events = resumed.stderr.trim().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line))
    expect(events.find((event) => event.kind === 'deploy.wait')).toMatchObject({data: {status: 'UPDATE_IN_PROGRESS'}})
    // The interrupted operation finished the job: nothing is left to change.
    expect(JSON.parse(resumed.stdout)).toMatchObject({kind: 'no-changes'})
  })

  it('an ExecuteChangeSet whose answer was lost (so the retry is refused) is followed to its end, not reported as failed', async () => {
    await changeCode('lost')
    proxy.addFault({kind: 'lose-response', times: 1, match: (r) => r.action === 'ExecuteChangeSet'})
    const before = proxy.requests.length
    const result = await runLpack(deploy(['--json']), {cwd: dir, env})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout), result.stderr).toMatchObject({kind: 'deployed', status: 'UPDATE_COMPLETE', changes: [{action: 'Modify', logicalId: 'HelloFn'}]})
    // The first attempt was executed by the server; the SDK's retry was refused as CloudFormation refuses it.
    const executes = proxy.requests.slice(before).filter((r) => r.action === 'ExecuteChangeSet')
    expect(executes.map((r) => [r.fault ?? 'ok', r.status])).toEqual([['lose-response', 500], ['ok', 400]])
    const events = result.stderr.trim().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line))
    expect(events.find((event) => event.kind === 'deploy.execute.recovered')).toMatchObject({data: {executionStatus: 'EXECUTE_COMPLETE', awsErrorCode: 'InvalidChangeSetStatusException'}})
  })
})
