import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {DEPLOY_SETTINGS} from '../../src/core/config/command-settings/deploy.js'
import {loadConfig} from '../../src/core/config/index.js'
import {configKeys} from '../../src/core/config/settings.js'
import {defaultTemplateFile} from '../../src/core/template/default-file.js'
import {parseKeyValues, splitQuoted} from '../../src/core/config/values.js'

// The config keys and samconfig mapping of these deploy settings, as their declarations make them.
const {stackName, parameterOverrides, tags, capabilities, region, failOnEmptyChangeset, s3Bucket} = DEPLOY_SETTINGS
const KNOWN = configKeys({stackName, parameterOverrides, tags, capabilities, region, failOnEmptyChangeset, s3Bucket})
let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lpack-config-'))
})
afterEach(async () => {
  await rm(dir, {recursive: true, force: true})
})

describe('lpack.config.yaml', () => {
  it('merges global and command settings of the chosen environment', async () => {
    await writeFile(join(dir, 'lpack.config.yaml'), [
      'version: 1',
      'environments:',
      '  default:',
      '    deploy: {stack-name: app-dev}',
      '  prod:',
      '    global: {region: eu-west-1, other-command-flag: 1}',
      '    deploy: {stack-name: app-prod, parameter-overrides: {Stage: prod}}',
    ].join('\n'))
    expect((await loadConfig({command: 'deploy', knownKeys: KNOWN.keys, samKeys: KNOWN.sam, dir})).values).toEqual({'stack-name': 'app-dev'})
    expect((await loadConfig({command: 'deploy', knownKeys: KNOWN.keys, samKeys: KNOWN.sam, dir, env: 'prod'})).values).toEqual({region: 'eu-west-1', 'stack-name': 'app-prod', 'parameter-overrides': {Stage: 'prod'}})
  })

  it('names an unknown key and a missing environment', async () => {
    await writeFile(join(dir, 'lpack.config.yaml'), 'version: 1\nenvironments:\n  default:\n    deploy: {stack-nmae: x}\n')
    await expect(loadConfig({command: 'deploy', knownKeys: KNOWN.keys, samKeys: KNOWN.sam, dir})).rejects.toThrow(/environments\.default\.deploy\.stack-nmae is not a flag/)
    await expect(loadConfig({command: 'deploy', knownKeys: KNOWN.keys, samKeys: KNOWN.sam, dir, env: 'prod'})).rejects.toMatchObject({code: 'CONFIG_INVALID'})
  })
})

describe('samconfig.toml', () => {
  it('reads [env.deploy.parameters] of version 0.1 and reports SAM-only keys', async () => {
    await writeFile(join(dir, 'samconfig.toml'), [
      'version = 0.1',
      '[default.global.parameters]',
      'region = "us-west-2"',
      '[default.deploy.parameters]',
      'stack_name = "sam-app"',
      'capabilities = "CAPABILITY_IAM"',
      'parameter_overrides = "Stage=\\"dev env\\" Size=3"',
      'no_fail_on_empty_changeset = true',
      'image_repositories = []',
      'confirm_changeset = true',
    ].join('\n'))
    const loaded = await loadConfig({command: 'deploy', knownKeys: KNOWN.keys, samKeys: KNOWN.sam, dir})
    expect(loaded.values).toEqual({region: 'us-west-2', 'stack-name': 'sam-app', capabilities: 'CAPABILITY_IAM', 'parameter-overrides': 'Stage="dev env" Size=3', 'fail-on-empty-changeset': false})
    expect(loaded.ignoredKeys).toEqual(['confirm_changeset', 'image_repositories'])
    expect(parseKeyValues(loaded.values['parameter-overrides'], 'parameter-overrides')).toEqual({Stage: 'dev env', Size: '3'})
  })
})

describe('samconfig.yaml and samconfig.yml', () => {
  const samYaml = (stack: string) => ['version: 0.1', 'default:', '  global:', '    parameters: {region: eu-central-1}', '  deploy:', '    parameters:', `      stack_name: ${stack}`, '      confirm_changeset: true', ''].join('\n')

  it('#11.21 reads samconfig.yaml as SAM reads it (same tables as samconfig.toml)', async () => {
    await writeFile(join(dir, 'samconfig.yaml'), samYaml('from-yaml'))
    const loaded = await loadConfig({command: 'deploy', knownKeys: KNOWN.keys, samKeys: KNOWN.sam, dir})
    expect(loaded.file).toBe(join(dir, 'samconfig.yaml'))
    expect(loaded.values).toEqual({region: 'eu-central-1', 'stack-name': 'from-yaml'})
    expect(loaded.ignoredKeys).toEqual(['confirm_changeset'])
  })

  it('#11.21 reads samconfig.yml', async () => {
    await writeFile(join(dir, 'samconfig.yml'), samYaml('from-yml'))
    expect((await loadConfig({command: 'deploy', knownKeys: KNOWN.keys, samKeys: KNOWN.sam, dir})).values['stack-name']).toBe('from-yml')
  })

  it('#11.21 precedence: lpack.config.yaml, then samconfig.toml, samconfig.yaml, samconfig.yml (SAM CLI order)', async () => {
    await writeFile(join(dir, 'samconfig.yml'), samYaml('from-yml'))
    await writeFile(join(dir, 'samconfig.yaml'), samYaml('from-yaml'))
    expect((await loadConfig({command: 'deploy', knownKeys: KNOWN.keys, samKeys: KNOWN.sam, dir})).values['stack-name']).toBe('from-yaml')
    await writeFile(join(dir, 'samconfig.toml'), 'version = 0.1\n[default.deploy.parameters]\nstack_name = "from-toml"\n')
    expect((await loadConfig({command: 'deploy', knownKeys: KNOWN.keys, samKeys: KNOWN.sam, dir})).values['stack-name']).toBe('from-toml')
    await writeFile(join(dir, 'lpack.config.yaml'), 'version: 1\nenvironments:\n  default:\n    deploy: {stack-name: from-lpack}\n')
    expect((await loadConfig({command: 'deploy', knownKeys: KNOWN.keys, samKeys: KNOWN.sam, dir})).values['stack-name']).toBe('from-lpack')
  })

  it('#11.21 a samconfig.yaml given with --config-file is read as SAM config, and bad YAML is CONFIG_INVALID', async () => {
    const file = join(dir, 'samconfig.yaml')
    await writeFile(file, samYaml('chosen'))
    expect((await loadConfig({command: 'deploy', knownKeys: KNOWN.keys, samKeys: KNOWN.sam, dir, file})).values['stack-name']).toBe('chosen')
    await writeFile(file, 'default: [unclosed\n')
    await expect(loadConfig({command: 'deploy', knownKeys: KNOWN.keys, samKeys: KNOWN.sam, dir})).rejects.toMatchObject({code: 'CONFIG_INVALID'})
  })
})

describe('default template file', () => {
  it('#11.21 finds template.yml when there is no template.yaml, in SAM order (yaml, yml, json)', async () => {
    expect(defaultTemplateFile(dir)).toBe(join(dir, 'template.yaml'))
    await writeFile(join(dir, 'template.json'), '{}')
    expect(defaultTemplateFile(dir)).toBe(join(dir, 'template.json'))
    await writeFile(join(dir, 'template.yml'), 'Resources: {}\n')
    expect(defaultTemplateFile(dir)).toBe(join(dir, 'template.yml'))
    await writeFile(join(dir, 'template.yaml'), 'Resources: {}\n')
    expect(defaultTemplateFile(dir)).toBe(join(dir, 'template.yaml'))
  })
})

describe('parameter values', () => {
  it('reads K=V, ParameterKey=…,ParameterValue=… and file:// in any mix', async () => {
    const file = join(dir, 'params.json')
    await writeFile(file, JSON.stringify([{ParameterKey: 'FromFile', ParameterValue: 'yes'}]))
    expect(parseKeyValues(['A=1', 'ParameterKey=B,ParameterValue=x=y', `file://${file}`], 'parameter-overrides', {allowFiles: true})).toEqual({A: '1', B: 'x=y', FromFile: 'yes'})
    expect(() => parseKeyValues(['novalue'], 'tags')).toThrow(/"novalue" is not KEY=VALUE/)
    expect(splitQuoted(`a=1 b='two words'`)).toEqual(['a=1', 'b=two words'])
  })
})
