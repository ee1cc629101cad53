import {cp, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {DescribeStacksCommand} from '@aws-sdk/client-cloudformation'
import {GetBucketPolicyCommand, PutBucketPolicyCommand} from '@aws-sdk/client-s3'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {tlsOnlyPolicy} from '../../src/core/package/managed-bucket.js'
import {runLpack} from '../support/cli.js'
import {MOTO_ACCOUNT_ID, type MotoServer, motoClients, startPlainMoto} from '../support/moto.js'

const FIXTURE = new URL('../fixtures/deploy/functions-only', import.meta.url).pathname
const BUCKET = `lpack-artifacts-${MOTO_ACCOUNT_ID}-us-east-1`

let moto: MotoServer
let sdk: ReturnType<typeof motoClients>
let project: string

beforeAll(async () => {
  // moto's server exactly as a user starts it: none of the test launcher's gap-filling.
  moto = await startPlainMoto()
  sdk = motoClients(moto.endpoint)
  project = await mkdtemp(join(tmpdir(), 'lpack-plain-moto-'))
  await cp(FIXTURE, project, {recursive: true})
})

afterAll(async () => {
  sdk?.s3.destroy()
  sdk?.cloudFormation.destroy()
  await moto?.stop()
  if (project) await rm(project, {recursive: true, force: true})
})

describe('#11.12 lpack deploy --resolve-s3 against a plain-HTTP endpoint (python3 -m moto.server)', () => {
  it('#11.12 creates the managed bucket without the TLS-only statement, says so, and the stack reaches CREATE_COMPLETE', async () => {
    const result = await runLpack(['deploy', '--stack-name', 'plain-moto', '--resolve-s3'], {cwd: project, env: moto.env})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toContain(`warning: The S3 endpoint is plain http://: ${BUCKET} is made without its TLS-only policy`)
    const stack = (await sdk.cloudFormation.send(new DescribeStacksCommand({StackName: 'plain-moto'}))).Stacks?.[0]
    expect(stack?.StackStatus).toBe('CREATE_COMPLETE')
    await expect(sdk.s3.send(new GetBucketPolicyCommand({Bucket: BUCKET}))).rejects.toMatchObject({name: 'NoSuchBucketPolicy'})
  })

  it('#11.12 a 403 on the bucket lpack made names the likely cause (its TLS-only policy on a plain-HTTP endpoint)', async () => {
    // As a bucket made by an earlier lpack over https would be.
    await sdk.s3.send(new PutBucketPolicyCommand({Bucket: BUCKET, Policy: JSON.stringify(tlsOnlyPolicy(BUCKET))}))
    await writeFile(join(project, 'src/index.js'), "exports.handler = async () => ({statusCode: 201})\n")
    const result = await runLpack(['deploy', '--stack-name', 'plain-moto', '--resolve-s3'], {cwd: project, env: moto.env})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain(`Hint: lpack made ${BUCKET} with a policy that denies requests not sent over TLS, and this endpoint is plain http://`)
    expect(result.stderr).not.toContain('credentials in use lack a permission')
  })
})
