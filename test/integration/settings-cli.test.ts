import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {DEPLOY_SETTINGS} from '../../src/core/config/command-settings/deploy.js'
import {TRANSFORM_SETTINGS} from '../../src/core/config/command-settings/transform.js'
import {VALIDATE_SETTINGS} from '../../src/core/config/command-settings/validate.js'
import {flagName, type SettingDeclarations} from '../../src/core/config/settings.js'
import {runLpack} from '../support/cli.js'

// Runs the built CLI (npm run build) as a user would.
const TEMPLATE = [
  'Transform: AWS::Serverless-2016-10-31',
  'Parameters:',
  '  Key: {Type: String, Default: hello.zip}',
  'Resources:',
  '  Fn:',
  '    Type: AWS::Serverless::Function',
  '    Properties:',
  '      Handler: index.handler',
  '      Runtime: nodejs22.x',
  '      CodeUri: {Bucket: sam-demo-bucket, Key: !Ref Key}',
  '      AutoPublishAlias: live',
  '',
].join('\n')

/** The logical ID of the function's version: its hash changes with the code's S3 key, so it shows the parameter used. */
function versionId(stdout: string): string | undefined {
  return Object.keys((JSON.parse(stdout) as {Resources: Record<string, unknown>}).Resources).find((id) => id.startsWith('FnVersion'))
}

describe('settings declared once, through the CLI', () => {
  let dir: string
  let templateFile: string
  let defaultVersion: string | undefined
  let overriddenVersion: string | undefined
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lpack-settings-cli-'))
    templateFile = join(dir, 'template.yaml')
    await writeFile(templateFile, TEMPLATE)
    defaultVersion = versionId((await runLpack(['transform', '-t', templateFile, '--format', 'json'])).stdout)
    overriddenVersion = versionId((await runLpack(['transform', '-t', templateFile, '--format', 'json', '--parameter-overrides', 'Key=other.zip'])).stdout)
  })
  afterAll(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('#12.4 --help lists every flag a command declares', async () => {
    for (const [command, declarations] of [['deploy', DEPLOY_SETTINGS], ['transform', TRANSFORM_SETTINGS], ['validate', VALIDATE_SETTINGS]] as const) {
      const help = await runLpack([command, '--help'], {env: {COLUMNS: '200'}})
      expect(help.exitCode).toBe(0)
      for (const [name, setting] of Object.entries(declarations as SettingDeclarations)) {
        const flag = flagName(name, setting)
        if (flag !== undefined && setting.hidden !== true) expect(help.stdout, `${command} --${flag}`).toMatch(new RegExp(`--(\\[no-\\])?${flag}\\b`))
      }
    }
  })

  it('#12.4 transform takes file://params.json and ParameterKey=K,ParameterValue=V as deploy does', async () => {
    expect(defaultVersion).toBeDefined()
    expect(overriddenVersion).toBeDefined()
    expect(overriddenVersion).not.toBe(defaultVersion)
    const params = join(dir, 'params.json')
    await writeFile(params, JSON.stringify([{ParameterKey: 'Key', ParameterValue: 'other.zip'}]))
    const fromFile = await runLpack(['transform', '-t', templateFile, '--format', 'json', '--parameter-overrides', `file://${params}`])
    expect(fromFile.stderr).toBe('')
    expect(fromFile.exitCode).toBe(0)
    expect(versionId(fromFile.stdout)).toBe(overriddenVersion)
    const longForm = await runLpack(['transform', '-t', templateFile, '--format', 'json', '--parameter-overrides', 'ParameterKey=Key,ParameterValue=other.zip'])
    expect(longForm.exitCode).toBe(0)
    expect(versionId(longForm.stdout)).toBe(overriddenVersion)
  })

  it('#12.4 transform reads lpack.config.yaml beside the template, and --config-env picks the environment', async () => {
    const project = await mkdtemp(join(dir, 'project-'))
    await writeFile(join(project, 'template.yaml'), TEMPLATE)
    await writeFile(join(project, 'lpack.config.yaml'), [
      'version: 1',
      'environments:',
      '  default:',
      '    transform: {format: json, parameter-overrides: {Key: other.zip}}',
      '  prod:',
      '    transform: {format: json}',
      '',
    ].join('\n'))
    const byDefault = await runLpack(['transform', '-t', join(project, 'template.yaml')])
    expect(byDefault.exitCode).toBe(0)
    expect(versionId(byDefault.stdout)).toBe(overriddenVersion)
    const prod = await runLpack(['transform', '-t', join(project, 'template.yaml'), '--config-env', 'prod'])
    expect(prod.exitCode).toBe(0)
    expect(versionId(prod.stdout)).toBe(defaultVersion)
    // The command line wins over the file.
    const yaml = await runLpack(['transform', '-t', join(project, 'template.yaml'), '--format', 'yaml'])
    expect(yaml.exitCode).toBe(0)
    expect(() => JSON.parse(yaml.stdout)).toThrow()
    const missing = await runLpack(['transform', '-t', join(project, 'template.yaml'), '--config-env', 'nope'])
    expect(missing.exitCode).toBe(2)
    expect(missing.stderr).toContain('no environment named nope')
  })

  it('#12.4 validate takes --config-env and reads its section of lpack.config.yaml', async () => {
    const project = await mkdtemp(join(dir, 'validate-'))
    await writeFile(join(project, 'template.yaml'), TEMPLATE)
    await writeFile(join(project, 'lpack.config.yaml'), 'version: 1\nenvironments:\n  ci:\n    validate: {format: json}\n')
    const pretty = await runLpack(['validate', '-t', join(project, 'template.yaml')])
    expect(pretty.exitCode).toBe(0)
    expect(() => JSON.parse(pretty.stdout)).toThrow()
    const ci = await runLpack(['validate', join(project, 'template.yaml'), '--config-env', 'ci'])
    expect(ci.exitCode).toBe(0)
    expect(JSON.parse(ci.stdout)).toMatchObject({valid: true, errorCount: 0})
  })
})
