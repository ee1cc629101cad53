import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {PROJECT_ROOT, runLpack} from '../support/cli.js'

const DIR = join(PROJECT_ROOT, 'test/.tmp/validate-cli')
const FIXTURES = join(PROJECT_ROOT, 'test/fixtures/validate')

const good = `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: nodejs24.x
`
const bad = good.replace('      Runtime: nodejs24.x\n', '      Runtime: nodejs24.x\n      MemorySize: 64\n')

beforeAll(() => {
  // The templates' CodeUri: validate checks that local code folders exist (#11.15).
  mkdirSync(join(DIR, 'src'), {recursive: true})
  writeFileSync(join(DIR, 'template.yaml'), good)
  writeFileSync(join(DIR, 'bad.yaml'), bad)
  writeFileSync(join(DIR, 'garbage.yaml'), Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x7b, 0x5b]))
  writeFileSync(join(DIR, 'deep.yaml'), '['.repeat(10_000))
})

describe('lpack validate (built CLI)', () => {
  it('exits 0 on a valid template, reading template.yaml by default', async () => {
    const result = await runLpack(['validate'], {cwd: DIR})
    expect(result.stdout).toContain('No problems found')
    expect(result.exitCode).toBe(0)
  })

  it('exits 1 with file:line:col, code and a code frame', async () => {
    const result = await runLpack(['validate', 'bad.yaml'], {cwd: DIR})
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain('bad.yaml:9:19  error  LP3012  MemorySize must be an integer between 128 and 32768 MB, got 64')
    expect(result.stdout).toContain('  9 |       MemorySize: 64\n    |                   ^^')
  })

  it('validates many files at once; --json prints the summary document', async () => {
    const result = await runLpack(['validate', 'template.yaml', 'bad.yaml', '-t', 'garbage.yaml', '--json'], {cwd: DIR})
    expect(result.exitCode).toBe(1)
    const summary = JSON.parse(result.stdout)
    expect(summary).toMatchObject({valid: false, errorCount: 2, warningCount: 0})
    expect(summary.diagnostics.map((d: {file: string; code: string}) => `${d.file} ${d.code}`)).toEqual(['bad.yaml LP3012', 'garbage.yaml LP0008'])
  })

  it('--format sarif and github', async () => {
    const sarif = await runLpack(['validate', 'bad.yaml', '--format', 'sarif'], {cwd: DIR})
    expect(JSON.parse(sarif.stdout).runs[0].results[0]).toMatchObject({ruleId: 'LP3012', level: 'error'})
    const github = await runLpack(['validate', 'bad.yaml', '--format', 'github'], {cwd: DIR})
    expect(github.stdout).toContain('::error file=bad.yaml,line=9,col=19')
    expect(github.exitCode).toBe(1)
  })

  it('a missing file is a usage error (exit 2), an unknown format too', async () => {
    const missing = await runLpack(['validate', 'nope.yaml'], {cwd: DIR})
    expect(missing.exitCode).toBe(2)
    expect(missing.stderr).toContain('FILE_NOT_FOUND')
    expect((await runLpack(['validate', '--format', 'xml'], {cwd: DIR})).exitCode).toBe(2)
  })

  it('hostile files give diagnostics, never a stack trace or exit 70', async () => {
    const result = await runLpack(['validate', 'deep.yaml', 'garbage.yaml', join(FIXTURES, 'serverless-patterns/apigw-ec2_template.yaml')], {cwd: DIR})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/)
    expect(result.stdout).toContain('LP0003')
  })
})
