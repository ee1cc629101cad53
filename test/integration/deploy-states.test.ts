import {cp, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {awsCli} from '../support/aws-cli.js'
import {runLpack} from '../support/cli.js'
import {type FaultProxy, startFaultProxy} from '../support/fault-proxy.js'
import {type MotoServer, motoEnv, startMoto} from '../support/moto.js'

const FIXTURES = new URL('../fixtures/deploy/', import.meta.url).pathname
const BUCKET = 'lpack-states'

let moto: MotoServer
let proxy: FaultProxy
let work: string
let env: NodeJS.ProcessEnv

beforeAll(async () => {
  moto = await startMoto()
  proxy = await startFaultProxy(moto.endpoint)
  env = motoEnv(proxy.url)
  work = await mkdtemp(join(tmpdir(), 'lpack-states-'))
  const created = await awsCli(moto.endpoint, moto.env, ['s3api', 'create-bucket', '--bucket', BUCKET])
  expect(created.exitCode, created.stderr).toBe(0)
})

afterAll(async () => {
  await proxy?.stop()
  await moto?.stop()
  if (work) await rm(work, {recursive: true, force: true})
})

async function project(fixture: string, name: string): Promise<string> {
  const dir = join(work, name)
  await cp(join(FIXTURES, fixture), dir, {recursive: true})
  return dir
}

async function stackStatus(stack: string): Promise<string | undefined> {
  const result = await awsCli(moto.endpoint, moto.env, ['cloudformation', 'describe-stacks', '--stack-name', stack])
  return result.exitCode === 0 ? JSON.parse(result.stdout).Stacks[0].StackStatus : undefined
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
    const stack = JSON.parse((await awsCli(moto.endpoint, moto.env, ['cloudformation', 'describe-stacks', '--stack-name', 'states-config'])).stdout).Stacks[0]
    expect(stack.Tags).toEqual([{Key: 'env', Value: 'flag'}])
    const keys = JSON.parse((await awsCli(moto.endpoint, moto.env, ['s3api', 'list-objects-v2', '--bucket', BUCKET, '--prefix', 'prod/'])).stdout).Contents
    expect(keys.length).toBe(2)
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
    const resources = JSON.parse((await awsCli(moto.endpoint, moto.env, ['cloudformation', 'list-stack-resources', '--stack-name', 'states-sam'])).stdout).StackResourceSummaries
    const types = resources.map((r: {ResourceType: string}) => r.ResourceType).sort()
    expect(types).toEqual(['AWS::IAM::Role', 'AWS::Lambda::Alias', 'AWS::Lambda::Function', 'AWS::Lambda::Version'])
  })
})
