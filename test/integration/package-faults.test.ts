import {createHash, randomBytes} from 'node:crypto'
import {cp, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {CreateBucketCommand, GetObjectCommand, PutObjectCommand} from '@aws-sdk/client-s3'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {AwsSession} from '../../src/aws/clients.js'
import {isLpackError} from '../../src/errors.js'
import {type PackageOptions, type PackageResult, packageBuild} from '../../src/core/package/index.js'
import {RecordingReporter} from '../../src/io/reporter.js'
import {runLpack} from '../support/cli.js'
import type {FaultProxy, ProxiedRequest} from '../support/fault-proxy.js'
import {type LocalAws, startLocalAws} from '../support/local-aws.js'
import {MOTO_ACCOUNT_ID} from '../support/moto.js'

const FIXTURE = new URL('../fixtures/deploy/app', import.meta.url).pathname
const BUCKET = 'lpack-faults'

let aws: LocalAws
let proxy: FaultProxy
let work: string
let sdk: LocalAws['sdk']

beforeAll(async () => {
  aws = await startLocalAws()
  ;({proxy, sdk} = aws)
  work = await mkdtemp(join(tmpdir(), 'lpack-faults-'))
  // Credentials and region for the in-process package runs below (this file's own worker process).
  Object.assign(process.env, aws.env)
  await sdk.s3.send(new CreateBucketCommand({Bucket: BUCKET}))
})

afterAll(async () => {
  await aws?.stop()
  if (work) await rm(work, {recursive: true, force: true})
})

interface FakeArtifact {
  logicalId: string
  bytes: Buffer
}

/** A finished build folder as `lpack build` leaves it (manifest, template, zips); the zip bytes are arbitrary. */
async function writeBuildDir(name: string, artifacts: FakeArtifact[]): Promise<{dir: string; sha256: Record<string, string>}> {
  const dir = join(work, name)
  await mkdir(join(dir, 'artifacts'), {recursive: true})
  const sha256: Record<string, string> = {}
  const resources: string[] = []
  const entries = []
  for (const artifact of artifacts) {
    await writeFile(join(dir, 'artifacts', `${artifact.logicalId}.zip`), artifact.bytes)
    sha256[artifact.logicalId] = createHash('sha256').update(artifact.bytes).digest('hex')
    entries.push({
      logicalId: artifact.logicalId, kind: 'function', runtime: 'nodejs22.x', architecture: 'x86_64', zip: `artifacts/${artifact.logicalId}.zip`,
      sha256: sha256[artifact.logicalId], zippedBytes: artifact.bytes.byteLength, unzippedBytes: artifact.bytes.byteLength, files: 1, inputsHash: 'x', cached: false,
    })
    resources.push(`  ${artifact.logicalId}:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs22.x\n      Handler: index.handler\n      CodeUri: artifacts/${artifact.logicalId}.zip`)
  }
  await writeFile(join(dir, 'template.yaml'), `Transform: AWS::Serverless-2016-10-31\nResources:\n${resources.join('\n')}\n`)
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({version: 1, template: 'template.yaml', artifacts: entries}))
  return {dir, sha256}
}

async function storedSha256(key: string): Promise<string | undefined> {
  try {
    const object = await sdk.s3.send(new GetObjectCommand({Bucket: BUCKET, Key: key}))
    return createHash('sha256').update(await object.Body!.transformToByteArray()).digest('hex')
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return undefined
    throw error
  }
}

/**
 * lpack's package step in this process, through the proxy: what the retries and the bytes in S3 depend on.
 * The CLI around it (flags, exit codes, output file) is exercised by the first test; a process each would
 * only add start-up time.
 */
function packageHere(dir: string, extra: Partial<PackageOptions> = {}): Promise<PackageResult> {
  return packageBuild({buildDir: dir, bucket: BUCKET, aws: new AwsSession({endpointUrl: proxy.url}), reporter: new RecordingReporter(), ...extra})
}

const isPut = (key: string) => (request: ProxiedRequest) => request.method === 'PUT' && request.path.split('?')[0] === `/${BUCKET}/${key}`

describe('lpack package through a faulty network', () => {
  it('retries a reset mid-upload, a 500 and throttling, and every content key holds exactly its bytes', async () => {
    const {dir, sha256} = await writeBuildDir('small', [
      {logicalId: 'AlphaFn', bytes: randomBytes(200_000)},
      {logicalId: 'BetaFn', bytes: randomBytes(150_000)},
    ])
    proxy.addFault({kind: 'reset-mid-upload', times: 1, match: isPut(`${sha256.AlphaFn}.zip`)})
    proxy.addFault({kind: 'internal-error', times: 1, match: isPut(`${sha256.BetaFn}.zip`)})
    proxy.addFault({kind: 'throttle', times: 2, match: (r) => r.method === 'HEAD'})
    proxy.addFault({kind: 'throttle', times: 1, match: (r) => r.action === 'GetCallerIdentity'})
    const result = await runLpack(['package', '-b', dir, '--s3-bucket', BUCKET, '-o', join(dir, 'packaged.yaml'), '--json'], {env: aws.env})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({bucket: BUCKET, uploadedCount: 2, skippedCount: 0})
    expect(proxy.requests.filter((r) => r.fault !== undefined).map((r) => r.fault).sort()).toEqual(['internal-error', 'reset-mid-upload', 'throttle', 'throttle', 'throttle'])
    expect(await storedSha256(`${sha256.AlphaFn}.zip`)).toBe(sha256.AlphaFn)
    expect(await storedSha256(`${sha256.BetaFn}.zip`)).toBe(sha256.BetaFn)
    const packaged = await readFile(join(dir, 'packaged.yaml'), 'utf8')
    expect(packaged).toContain(`CodeUri: s3://${BUCKET}/${sha256.AlphaFn}.zip`)
    expect(packaged).toContain(`CodeUri: s3://${BUCKET}/${sha256.BetaFn}.zip`)
  })

  it('replaces an object under a content key whose bytes differ instead of trusting it', async () => {
    const {dir, sha256} = await writeBuildDir('squatted', [{logicalId: 'GammaFn', bytes: randomBytes(50_000)}])
    await sdk.s3.send(new PutObjectCommand({Bucket: BUCKET, Key: `${sha256.GammaFn}.zip`, Body: 'not the artifact'}))
    expect(await packageHere(dir)).toMatchObject({uploadedCount: 1})
    expect(await storedSha256(`${sha256.GammaFn}.zip`)).toBe(sha256.GammaFn)
  })

  it('uploads a large artifact in parts, retrying a failed part, with the whole object intact', async () => {
    const {dir, sha256} = await writeBuildDir('large', [{logicalId: 'BigFn', bytes: randomBytes(20 * 1024 * 1024)}])
    proxy.addFault({kind: 'internal-error', times: 1, match: (r) => r.method === 'PUT' && r.path.includes('partNumber=2')})
    expect(await packageHere(dir)).toMatchObject({uploadedCount: 1})
    const parts = proxy.passed((r) => r.method === 'PUT' && r.path.includes('partNumber='))
    expect(parts.length).toBe(3)
    expect(await storedSha256(`${sha256.BigFn}.zip`)).toBe(sha256.BigFn)
  })

  it('names the bucket owner on every S3 call and asks for SSE-KMS with the key given, in one part or many', async () => {
    const key = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555'
    const {dir, sha256} = await writeBuildDir('kms', [
      {logicalId: 'SmallFn', bytes: randomBytes(20_000)},
      {logicalId: 'PartsFn', bytes: randomBytes(17 * 1024 * 1024)},
    ])
    const before = proxy.requests.length
    expect(await packageHere(dir, {kmsKeyId: key})).toMatchObject({uploadedCount: 2})
    const s3Calls = proxy.requests.slice(before).filter((r) => r.action === undefined)
    // HEAD of each key, PUT of the small one, create + 3 parts + complete for the large one.
    expect(s3Calls.length).toBeGreaterThanOrEqual(7)
    expect(s3Calls.filter((r) => r.headers['x-amz-expected-bucket-owner'] !== MOTO_ACCOUNT_ID).map((r) => `${r.method} ${r.path}`)).toEqual([])
    const encrypting = s3Calls.filter((r) => (r.method === 'PUT' && !r.path.includes('partNumber=')) || (r.method === 'POST' && /[?&]uploads(=|&|$)/.test(r.path)))
    expect(encrypting.map((r) => r.path.split('?')[0]).sort()).toEqual([`/${BUCKET}/${sha256.PartsFn}.zip`, `/${BUCKET}/${sha256.SmallFn}.zip`].sort())
    for (const request of encrypting) {
      expect(request.headers).toMatchObject({'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': key})
    }
  })

  it('gives up after the retries with the reason, exit 1, and no object under the key', async () => {
    const {dir, sha256} = await writeBuildDir('down', [{logicalId: 'DeltaFn', bytes: randomBytes(10_000)}])
    proxy.addFault({kind: 'internal-error', times: 100, match: isPut(`${sha256.DeltaFn}.zip`)})
    const error = await packageHere(dir).then(() => undefined, (error: unknown) => error)
    expect(isLpackError(error) && {code: error.code, exitCode: error.exitCode}).toEqual({code: 'UPLOAD_FAILED', exitCode: 1})
    expect((error as Error).message).toContain('InternalError')
    expect(proxy.requests.filter((r) => isPut(`${sha256.DeltaFn}.zip`)(r)).length).toBe(5)
    expect(await storedSha256(`${sha256.DeltaFn}.zip`)).toBeUndefined()
  })
})

describe('lpack deploy through a faulty CloudFormation endpoint', () => {
  it('retries 500s and throttling on CloudFormation calls and deploys', async () => {
    const project = join(work, 'app')
    await cp(FIXTURE, project, {recursive: true})
    proxy.addFault({kind: 'internal-error', times: 1, match: (r) => r.action === 'CreateChangeSet'})
    proxy.addFault({kind: 'throttle', times: 2, match: (r) => r.action === 'DescribeStacks'})
    proxy.addFault({kind: 'internal-error', times: 1, match: (r) => r.action === 'ExecuteChangeSet'})
    const result = await runLpack(['deploy', '--stack-name', 'lpack-faults', '--s3-bucket', BUCKET, '--json'], {cwd: project, env: aws.env})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({kind: 'deployed', status: 'CREATE_COMPLETE'})
    expect(proxy.requests.filter((r) => r.action === 'CreateChangeSet').map((r) => r.fault ?? 'ok')).toEqual(['internal-error', 'ok'])
  })
})
