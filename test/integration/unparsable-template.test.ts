import {mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {PROJECT_ROOT, runLpack} from '../support/cli.js'

const DIR = join(PROJECT_ROOT, 'test/.tmp/unparsable-template')

// An unclosed flow sequence: PyYAML and lpack both refuse it; lpack points at its `[` (line 7, column 15).
const TEMPLATE = `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Layers: [arn:aws:lambda:us-east-1:123456789012:layer:a:1
`
// No AWS is reached: an unparsable template must fail before any call. A closed port makes a call fail loudly.
const NO_AWS = {AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1'}

beforeAll(() => {
  rmSync(DIR, {recursive: true, force: true})
  mkdirSync(join(DIR, 'src'), {recursive: true})
  writeFileSync(join(DIR, 'template.yaml'), TEMPLATE)
  writeFileSync(join(DIR, 'src/app.js'), 'exports.handler = async () => 1\n')
})

describe('#11.13 a template that cannot be parsed', () => {
  const commands: [string, string[]][] = [
    ['validate', ['validate']],
    ['build', ['build']],
    ['transform', ['transform']],
    ['package', ['package', '--s3-bucket', 'artifacts']],
    ['deploy', ['deploy', '--stack-name', 'unparsable', '--s3-bucket', 'artifacts', '--yes']],
  ]

  it.each(commands)('#11.13 exits 1 from %s, with the located diagnostic', async (_name, args) => {
    const result = await runLpack(args, {cwd: DIR, env: NO_AWS})
    expect({exitCode: result.exitCode, output: result.stdout + result.stderr}).toMatchObject({exitCode: 1, output: expect.stringMatching(/template\.yaml:7:15\s+(error\s+)?LP0001/)})
  })

  it('#11.13 --json carries the diagnostics with the error', async () => {
    const result = await runLpack(['build', '--json'], {cwd: DIR, env: NO_AWS})
    expect(result.exitCode).toBe(1)
    const {error} = JSON.parse(result.stdout)
    expect(error).toMatchObject({code: 'TEMPLATE_INVALID', details: {diagnostics: [{code: 'LP0001', line: 7, column: 15}]}})
  })
})
