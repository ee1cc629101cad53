import {createHash} from 'node:crypto'
import {cp, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {CreateStackCommand} from '@aws-sdk/client-cloudformation'
import {CreateBucketCommand, HeadObjectCommand, ListObjectVersionsCommand, PutObjectCommand} from '@aws-sdk/client-s3'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runLpack} from '../support/cli.js'
import {type LocalAws, startLocalAws} from '../support/local-aws.js'
import {MOTO_ACCOUNT_ID} from '../support/moto.js'

const FIXTURE = new URL('../fixtures/deploy/app', import.meta.url).pathname
const MANAGED = `lpack-artifacts-${MOTO_ACCOUNT_ID}-us-east-1`
const FOREIGN = 'someone-elses-bucket'

let aws: LocalAws
let work: string
let env: NodeJS.ProcessEnv
let sdk: LocalAws['sdk']

beforeAll(async () => {
  aws = await startLocalAws()
  ;({env, sdk} = aws)
  work = await mkdtemp(join(tmpdir(), 'lpack-gc-'))
  await sdk.s3.send(new CreateBucketCommand({Bucket: FOREIGN}))
})

afterAll(async () => {
  await aws?.stop()
  if (work) await rm(work, {recursive: true, force: true})
})

async function project(name: string, hello?: string): Promise<string> {
  const dir = join(work, name)
  await cp(FIXTURE, dir, {recursive: true})
  if (hello !== undefined) await writeFile(join(dir, 'hello/index.js'), `exports.handler = async () => ({statusCode: 200, body: '${hello}'})\n`)
  return dir
}

/** The content keys of the fixture's two functions, from the build manifest. */
async function zipKeys(dir: string): Promise<{HelloFn: string; WorldFn: string}> {
  const manifest = JSON.parse(await readFile(join(dir, '.lpack/build/manifest.json'), 'utf8'))
  const key = (id: string) => `${manifest.artifacts.find((a: {logicalId: string}) => a.logicalId === id).sha256}.zip`
  return {HelloFn: key('HelloFn'), WorldFn: key('WorldFn')}
}

async function exists(bucket: string, key: string): Promise<boolean> {
  return sdk.s3.send(new HeadObjectCommand({Bucket: bucket, Key: key})).then(() => true, () => false)
}

describe('#11.8 lpack delete --delete-artifacts collects garbage, as cdk gc does', () => {
  let alpha: {HelloFn: string; WorldFn: string}
  let beta: {HelloFn: string; WorldFn: string}
  /** gc-gamma's own object, kept by its delete (too recent), collected by lpack gc. */
  let gammaHello = ''

  beforeAll(async () => {
    // Two stacks share WorldFn's content-addressed object; each has its own HelloFn.
    const alphaDir = await project('alpha', 'alpha')
    const betaDir = await project('beta', 'beta')
    for (const [dir, stack] of [[alphaDir, 'gc-alpha'], [betaDir, 'gc-beta']] as const) {
      const result = await runLpack(['deploy', '-s', stack, '--resolve-s3', '--yes'], {cwd: dir, env})
      expect(result.exitCode, result.stderr).toBe(0)
    }
    alpha = await zipKeys(alphaDir)
    beta = await zipKeys(betaDir)
    expect(alpha.WorldFn).toBe(beta.WorldFn)
    expect(alpha.HelloFn).not.toBe(beta.HelloFn)
  })

  it('#11.8 keeps objects newer than the rollback buffer (default 1 day), listing why before deleting the stack', async () => {
    const dir = await project('gamma', 'gamma')
    expect((await runLpack(['deploy', '-s', 'gc-gamma', '--resolve-s3', '--yes'], {cwd: dir, env})).exitCode).toBe(0)
    const gamma = await zipKeys(dir)
    gammaHello = gamma.HelloFn
    const result = await runLpack(['delete', '-s', 'gc-gamma', '--delete-artifacts', '--yes', '--json'], {cwd: work, env})
    expect(result.exitCode, result.stderr).toBe(0)
    const document = JSON.parse(result.stdout)
    expect(document.deletedArtifacts).toEqual([])
    const kept = Object.fromEntries(document.keptArtifacts.map((k: {key: string; reason: string}) => [k.key, k.reason]))
    expect(kept[gamma.HelloFn]).toMatch(/within the 1-day rollback buffer/)
    expect(kept[gamma.WorldFn]).toBe('used by stack gc-alpha, gc-beta')
    expect(await exists(MANAGED, gamma.HelloFn)).toBe(true)
    // The plan was shown before the stack went (its events come first).
    const events = result.stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line))
    expect(events.findIndex((e) => e.kind === 'gc.plan')).toBeLessThan(events.findIndex((e) => e.kind === 'delete.done'))
  })

  it('#11.8 deletes only what no other stack uses: the shared object stays', async () => {
    const result = await runLpack(['delete', '-s', 'gc-alpha', '--delete-artifacts', '--rollback-buffer-days', '0', '--yes', '--json'], {cwd: work, env})
    expect(result.exitCode, result.stderr).toBe(0)
    const document = JSON.parse(result.stdout)
    expect(document.deletedArtifacts).toEqual([{bucket: MANAGED, key: alpha.HelloFn}])
    expect(document.keptArtifacts).toEqual([{bucket: MANAGED, key: alpha.WorldFn, reason: 'used by stack gc-beta'}])
    expect(await exists(MANAGED, alpha.HelloFn)).toBe(false)
    // The managed bucket is versioned: every version went, not just the current one behind a delete marker.
    const versions = await sdk.s3.send(new ListObjectVersionsCommand({Bucket: MANAGED, Prefix: alpha.HelloFn}))
    expect([...(versions.Versions ?? []), ...(versions.DeleteMarkers ?? [])]).toEqual([])
    expect(await exists(MANAGED, alpha.WorldFn)).toBe(true)
    expect(await exists(MANAGED, beta.HelloFn)).toBe(true)
  })

  it('#11.8 never deletes an object in a bucket lpack did not write, even one named like an artifact', async () => {
    const body = Buffer.from('not lpack')
    const sha256 = createHash('sha256').update(body).digest('hex')
    await sdk.s3.send(new PutObjectCommand({Bucket: FOREIGN, Key: `${sha256}.zip`, Body: body, Metadata: {sha256}}))
    await sdk.cloudFormation.send(new CreateStackCommand({
      StackName: 'gc-foreign',
      TemplateBody: JSON.stringify({
        Resources: {
          Role: {Type: 'AWS::IAM::Role', Properties: {AssumeRolePolicyDocument: {Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: 'lambda.amazonaws.com'}, Action: 'sts:AssumeRole'}]}}},
          Fn: {Type: 'AWS::Lambda::Function', Properties: {Runtime: 'nodejs22.x', Handler: 'index.handler', Role: {'Fn::GetAtt': ['Role', 'Arn']}, Code: {S3Bucket: FOREIGN, S3Key: `${sha256}.zip`}}},
        },
      }),
    }))
    const result = await runLpack(['delete', '-s', 'gc-foreign', '--delete-artifacts', '--rollback-buffer-days', '0', '--yes', '--json'], {cwd: work, env})
    expect(result.exitCode, result.stderr).toBe(0)
    const document = JSON.parse(result.stdout)
    expect(document.deletedArtifacts).toEqual([])
    expect(document.keptArtifacts).toEqual([{bucket: FOREIGN, key: `${sha256}.zip`, reason: "not under a content key in lpack's artifacts bucket and prefix"}])
    expect(await exists(FOREIGN, `${sha256}.zip`)).toBe(true)
  })

  it('#11.8 lpack gc collects the whole bucket the same way: lists first, needs --yes without a terminal, keeps what is not lpack\'s', async () => {
    // Named like an artifact, but not written by lpack (no matching sha256 metadata).
    const squatter = `${'c'.repeat(64)}.zip`
    await sdk.s3.send(new PutObjectCommand({Bucket: MANAGED, Key: squatter, Body: 'not lpack'}))
    const refused = await runLpack(['gc', '--rollback-buffer-days', '0'], {cwd: work, env})
    expect(refused.exitCode, refused.stderr).toBe(2)
    expect(refused.stderr).toContain('--yes')

    const dryRun = await runLpack(['gc', '--rollback-buffer-days', '0', '--dry-run', '--json'], {cwd: work, env})
    expect(dryRun.exitCode, dryRun.stderr).toBe(0)
    const planned = JSON.parse(dryRun.stdout)
    expect(planned).toMatchObject({dryRun: true, deleted: []})
    expect(await exists(MANAGED, gammaHello)).toBe(true)

    const result = await runLpack(['gc', '--rollback-buffer-days', '0', '--yes', '--json'], {cwd: work, env})
    expect(result.exitCode, result.stderr).toBe(0)
    const document = JSON.parse(result.stdout)
    expect(document.deleted).toEqual([{bucket: MANAGED, key: gammaHello}])
    const kept = Object.fromEntries(document.kept.map((k: {key: string; reason: string}) => [k.key, k.reason]))
    expect(kept[squatter]).toBe('not written by lpack (its sha256 metadata does not match its name)')
    expect(kept[beta.HelloFn]).toBe('used by stack gc-beta')
    expect(await exists(MANAGED, gammaHello)).toBe(false)
    expect(await exists(MANAGED, squatter)).toBe(true)
    expect(await exists(MANAGED, beta.WorldFn)).toBe(true)
  })
})
