import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {runLpack} from '../support/cli.js'

// Every refusal here happens before any AWS call: the endpoint is a closed port on loopback, so a check that
// came too late would fail with a connection error (exit 1) instead of the usage error (exit 2).
const dir = mkdtempSync(join(tmpdir(), 'lpack-deploy-inputs-'))
const AWS = ['--region', 'us-east-1', '--endpoint-url', 'http://127.0.0.1:9']
const ENV = {AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_MAX_ATTEMPTS: '1'}

writeFileSync(
  join(dir, 'template.yaml'),
  `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Stage: {Type: String, AllowedValues: [dev, prod]}
  Memory: {Type: Number, MinValue: 128, MaxValue: 10240}
  Prefix: {Type: String, AllowedPattern: '[a-z]+', ConstraintDescription: lower-case letters only}
Resources:
  Topic:
    Type: AWS::SNS::Topic
`,
)

afterAll(() => rmSync(dir, {recursive: true, force: true}))

function lpack(args: string[]) {
  return runLpack([...args, ...AWS], {cwd: dir, env: ENV, timeoutMs: 60_000})
}

describe('deploy and delete inputs, checked before anything is built or uploaded', () => {
  it('#11.15 refuses a stack name outside [a-zA-Z][-a-zA-Z0-9]{0,127} with exit 2 (deploy and delete)', async () => {
    for (const name of ['1app', 'my_app', 'a'.repeat(129)]) {
      const deploy = await lpack(['deploy', '--stack-name', name, '--resolve-s3', '--yes'])
      expect(deploy.exitCode, deploy.stderr).toBe(2)
      expect(deploy.stderr).toContain('is not a valid stack name')
    }
    const remove = await lpack(['delete', '--stack-name', 'my_app', '--yes'])
    expect(remove.exitCode, remove.stderr).toBe(2)
    expect(remove.stderr).toContain('"my_app" is not a valid stack name')
  })

  it('#11.15 refuses unknown capability names with exit 2', async () => {
    const result = await lpack(['deploy', '--stack-name', 'app', '--resolve-s3', '--yes', '--capabilities', 'CAPABILITY_IAM', '--capabilities', 'CAPABILITY_ADMIN'])
    expect(result.exitCode, result.stderr).toBe(2)
    expect(result.stderr).toContain('unknown capability CAPABILITY_ADMIN')
    expect(result.stderr).toContain('CAPABILITY_IAM, CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND')
  })

  it('#11.15 refuses parameter values against AllowedValues, MinValue and AllowedPattern, naming each, before building', async () => {
    const result = await lpack(['deploy', '--stack-name', 'app', '--resolve-s3', '--yes', '--parameter-overrides', 'Stage=qa', 'Memory=64', 'Prefix=App1'])
    expect(result.exitCode, result.stderr).toBe(2)
    expect(result.stderr).toContain('Memory: 64 is below the MinValue 128')
    expect(result.stderr).toContain('Prefix: "App1" does not match the AllowedPattern [a-z]+ (lower-case letters only)')
    expect(result.stderr).toContain('Stage: "qa" is not one of the AllowedValues dev, prod')
    expect(existsSync(join(dir, '.lpack'))).toBe(false)
  })
})
