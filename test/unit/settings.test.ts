import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {oclifFlags} from '../../src/cli/settings-flags.js'
import Build from '../../src/commands/build.js'
import Delete from '../../src/commands/delete.js'
import Deploy from '../../src/commands/deploy.js'
import Gc from '../../src/commands/gc.js'
import Init from '../../src/commands/init.js'
import Invoke from '../../src/commands/invoke.js'
import Package from '../../src/commands/package.js'
import Transform from '../../src/commands/transform.js'
import Validate from '../../src/commands/validate.js'
import {BUILD_SETTINGS} from '../../src/core/config/command-settings/build.js'
import {DELETE_SETTINGS, DEPLOY_SETTINGS, GC_SETTINGS} from '../../src/core/config/command-settings/deploy.js'
import {INIT_SETTINGS} from '../../src/core/config/command-settings/init.js'
import {INVOKE_SETTINGS} from '../../src/core/config/command-settings/invoke.js'
import {PACKAGE_SETTINGS} from '../../src/core/config/command-settings/package.js'
import {TRANSFORM_SETTINGS} from '../../src/core/config/command-settings/transform.js'
import {VALIDATE_SETTINGS} from '../../src/core/config/command-settings/validate.js'
import {configKeys, flagName, resolveSettings, type SettingsOf} from '../../src/core/config/settings.js'
import {silentReporter} from '../../src/io/reporter.js'

const COMMANDS = [
  [Build, BUILD_SETTINGS],
  [Delete, DELETE_SETTINGS],
  [Deploy, DEPLOY_SETTINGS],
  [Gc, GC_SETTINGS],
  [Init, INIT_SETTINGS],
  [Invoke, INVOKE_SETTINGS],
  [Package, PACKAGE_SETTINGS],
  [Transform, TRANSFORM_SETTINGS],
  [Validate, VALIDATE_SETTINGS],
] as const

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lpack-settings-'))
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

describe('settings declared once', () => {
  it('#12.4 a misspelt setting name is a type error, not undefined at run time', async () => {
    const settings: SettingsOf<typeof DEPLOY_SETTINGS> = await resolveSettings('deploy', DEPLOY_SETTINGS, {stackName: 'app', templateFile: join(dir, 'template.yaml')}, silentReporter)
    expect(settings.stackName).toBe('app')
    // @ts-expect-error -- `stak-name` is not a setting of deploy: the typecheck (npm run typecheck) fails without this line's error.
    expect(settings.stakName).toBeUndefined()
    // @ts-expect-error -- settings are read by name, never by flag string.
    expect(settings['stack-name']).toBeUndefined()
    // Typed values: a boolean with a default is a boolean, a choice is its union.
    const failOnEmpty: boolean = settings.failOnEmptyChangeset
    const transform: 'auto' | 'local' | 'server' = settings.transform
    expect([failOnEmpty, transform]).toEqual([false, 'auto'])
  })

  it('#12.4 every command\'s oclif flags are the ones its settings declare', () => {
    for (const [command, declarations] of COMMANDS) {
      const declared = Object.entries(declarations).flatMap(([name, setting]) => flagName(name, setting) ?? [])
      expect(Object.keys(command.flags ?? {}).sort(), command.name).toEqual([...declared].sort())
      expect(Object.keys(oclifFlags(declarations)), command.name).toEqual(declared)
    }
    expect(Object.keys(Deploy.flags ?? {})).toContain('stack-name')
    expect(flagName('templateFile', TRANSFORM_SETTINGS.templateFile)).toBe('template')
  })

  it('#12.4 the config-file keys and samconfig mapping come from the same declarations', () => {
    const deploy = configKeys(DEPLOY_SETTINGS)
    expect(deploy.keys).toContain('stack-name')
    expect(deploy.keys).not.toContain('yes')
    expect(deploy.keys).not.toContain('config-env')
    expect(deploy.sam.stack_name).toEqual({key: 'stack-name', negated: false})
    expect(deploy.sam.no_fail_on_empty_changeset).toEqual({key: 'fail-on-empty-changeset', negated: true})
    expect(configKeys(BUILD_SETTINGS).keys).toEqual(['template-file', 'build-dir', 'function', 'concurrency', 'cache', 'defaults', 'budgets'])
    expect(configKeys(TRANSFORM_SETTINGS).keys).toEqual(['template-file', 'output', 'format', 'parameter-overrides', 'region'])
  })

  it("#17.4 SAM's --no-execute-changeset (and samconfig's no_execute_changeset) mean lpack's --no-execute", () => {
    expect((Deploy.flags as Record<string, {aliases?: string[]}>)['no-execute']?.aliases).toContain('no-execute-changeset')
    expect(configKeys(DEPLOY_SETTINGS).sam.no_execute_changeset).toEqual({key: 'no-execute', negated: false})
  })

  it('#12.4 precedence: the command line, then lpack.config.yaml, then the environment variable, then the default', async () => {
    const project = join(dir, 'precedence')
    await mkdir(project, {recursive: true})
    await writeFile(join(project, 'lpack.config.yaml'), 'version: 1\nenvironments:\n  default:\n    global: {region: eu-west-1}\n    package: {aws-timeout: 300, concurrency: 2}\n')
    const templateFile = join(project, 'template.yaml')
    const env = {LPACK_AWS_TIMEOUT_MS: '900', LPACK_AWS_CONNECT_TIMEOUT_MS: '700'}
    const fromConfig = await resolveSettings('package', PACKAGE_SETTINGS, {templateFile}, silentReporter, env)
    expect(fromConfig).toMatchObject({region: 'eu-west-1', awsTimeout: 300, awsConnectTimeout: 700, concurrency: 2, resolveS3: false})
    const fromFlags = await resolveSettings('package', PACKAGE_SETTINGS, {templateFile, region: 'us-west-2', concurrency: 8}, silentReporter, env)
    expect(fromFlags).toMatchObject({region: 'us-west-2', concurrency: 8, awsTimeout: 300})
    await expect(resolveSettings('package', PACKAGE_SETTINGS, {templateFile}, silentReporter, {LPACK_AWS_TIMEOUT_MS: 'soon'})).resolves.toMatchObject({awsTimeout: 300})
    await expect(resolveSettings('package', PACKAGE_SETTINGS, {templateFile: join(dir, 'elsewhere', 't.yaml')}, silentReporter, {LPACK_AWS_TIMEOUT_MS: 'soon'})).rejects.toMatchObject({code: 'CONFIG_INVALID'})
  })

  it('#12.4 transform and invoke parse parameter overrides with the one parser deploy uses', async () => {
    const params = join(dir, 'params.json')
    await writeFile(params, JSON.stringify([{ParameterKey: 'Stage', ParameterValue: 'prod'}]))
    for (const declarations of [TRANSFORM_SETTINGS, INVOKE_SETTINGS, DEPLOY_SETTINGS]) {
      const settings = await resolveSettings('transform', declarations, {templateFile: join(dir, 'template.yaml'), parameterOverrides: [`file://${params}`, 'ParameterKey=Size,ParameterValue=3', 'Name=a=b']}, silentReporter)
      expect(settings.parameterOverrides).toEqual({Stage: 'prod', Size: '3', Name: 'a=b'})
    }
  })
})
