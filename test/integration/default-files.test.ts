import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runLpack} from '../support/cli.js'

// Issue #11, item 21: the files SAM finds without being told — template.yml, samconfig.yaml, samconfig.yml — are
// found by lpack too, through the CLI. The functions use the plain folder builder (ruby): no toolchain needed.
const TEMPLATE = 'Transform: AWS::Serverless-2016-10-31\nResources:\n  Greeter:\n    Type: AWS::Serverless::Function\n    Properties: {CodeUri: src/, Handler: app.handler, Runtime: ruby3.4}\n'
let root: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lpack-default-files-'))
})

afterAll(async () => {
  await rm(root, {recursive: true, force: true})
})

async function project(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(root, name)
  for (const [path, content] of Object.entries({'src/app.rb': 'def handler(event:, context:) = 1\n', ...files})) {
    await mkdir(join(dir, path, '..'), {recursive: true})
    await writeFile(join(dir, path), content)
  }
  return dir
}

describe('files found by default', () => {
  it('#11.21 build, validate and transform find template.yml when there is no template.yaml', async () => {
    const dir = await project('yml', {'template.yml': TEMPLATE})
    const build = await runLpack(['build', '--json'], {cwd: dir})
    expect(build.exitCode, build.stdout).toBe(0)
    expect((JSON.parse(build.stdout) as {artifacts: {logicalId: string}[]}).artifacts.map((a) => a.logicalId)).toEqual(['Greeter'])
    const validate = await runLpack(['validate', '--json'], {cwd: dir})
    expect(validate.exitCode, validate.stdout).toBe(0)
    const inS3 = await project('yml-s3', {'template.yml': TEMPLATE.replace('CodeUri: src/', 'CodeUri: s3://bucket/greeter.zip')})
    const transform = await runLpack(['transform'], {cwd: inS3})
    expect(transform.exitCode, transform.stderr).toBe(0)
    expect(transform.stdout).toContain('AWS::Lambda::Function')
  })

  it('#11.21 template.yaml wins over template.yml', async () => {
    const dir = await project('both', {'template.yaml': TEMPLATE, 'template.yml': TEMPLATE.replaceAll('Greeter', 'Other')})
    const build = await runLpack(['build', '--json'], {cwd: dir})
    expect((JSON.parse(build.stdout) as {artifacts: {logicalId: string}[]}).artifacts.map((a) => a.logicalId)).toEqual(['Greeter'])
  })

  it('#11.21 reads samconfig.yaml and samconfig.yml, samconfig.toml first', async () => {
    const samYaml = (file: string) => `version: 0.1\ndefault:\n  build:\n    parameters:\n      template_file: ${file}\n`
    const dir = await project('samconfig', {'a.yaml': TEMPLATE, 'b.yaml': TEMPLATE.replaceAll('Greeter', 'Other'), 'samconfig.yml': samYaml('b.yaml')})
    const ids = async () => (JSON.parse((await runLpack(['build', '--json'], {cwd: dir})).stdout) as {artifacts: {logicalId: string}[]}).artifacts.map((a) => a.logicalId)
    expect(await ids()).toEqual(['Other'])
    await writeFile(join(dir, 'samconfig.yaml'), samYaml('a.yaml'))
    expect(await ids()).toEqual(['Greeter'])
    await writeFile(join(dir, 'samconfig.toml'), 'version = 0.1\n[default.build.parameters]\ntemplate_file = "b.yaml"\n')
    expect(await ids()).toEqual(['Other'])
  })
})
