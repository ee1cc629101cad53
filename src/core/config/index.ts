/**
 * The one place configuration layers merge: command-line flags, then `lpack.config.yaml` (named
 * environments), or — when that file is absent — a SAM config (version 0.1: `samconfig.toml`, else
 * `samconfig.yaml`, else `samconfig.yml`), then defaults.
 *
 * lpack.config.yaml:
 * ```yaml
 * version: 1
 * environments:
 *   default:
 *     global: {region: eu-west-1}          # every command
 *     deploy: {stack-name: app, parameter-overrides: {Stage: dev}, tags: {team: web}}
 *   prod:
 *     deploy: {stack-name: app-prod, parameter-overrides: {Stage: prod}}
 * ```
 * Keys are the commands' flag names, as each command declares its settings (settings.ts). An environment is chosen with `--config-env` (default `default`).
 */
import {readFile} from 'node:fs/promises'
import {basename, join} from 'node:path'

import {LpackError} from '../../errors.js'
import {isObject} from '../json.js'

export const LPACK_CONFIG_FILE = 'lpack.config.yaml'
export const SAM_CONFIG_FILE = 'samconfig.toml'
/**
 * The SAM config files, in SAM CLI's order of precedence: samcli/lib/config/file_manager.py FILE_MANAGER_MAPPER
 * (".toml", ".yaml", ".yml", "keys ordered by priority"), read by SamConfig.get_default_file. The YAML files hold
 * the same tables as the TOML one (`version: 0.1`, `default: {deploy: {parameters: {…}}}`).
 */
export const SAM_CONFIG_FILES = [SAM_CONFIG_FILE, 'samconfig.yaml', 'samconfig.yml'] as const
export const DEFAULT_CONFIG_ENV = 'default'

export type ConfigValues = Record<string, unknown>

export interface LoadedConfig {
  values: ConfigValues
  /** The file the values came from, when one was read. */
  file?: string
  /** samconfig keys lpack has no use for (SAM-only settings), reported as a warning. */
  ignoredKeys: string[]
}

export interface LoadConfigOptions {
  command: string
  /** The config keys the command knows (its flags' names): anything else in lpack.config.yaml is an error. */
  knownKeys: readonly string[]
  /** samconfig keys whose meaning lpack shares, by the lpack key they set (`negated`: the opposite boolean); others are SAM-only and ignored. */
  samKeys: Readonly<Record<string, {key: string; negated: boolean}>>
  dir: string
  /** The environment asked for with --config-env; undefined means `default`, and a missing one is fine. */
  env?: string
  /** --config-file: read this file instead of looking for the defaults. */
  file?: string
}

/** Reads the config values for one command and environment; empty when no config file exists. */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const envName = options.env ?? DEFAULT_CONFIG_ENV
  const candidates = options.file !== undefined ? [options.file] : [LPACK_CONFIG_FILE, ...SAM_CONFIG_FILES].map((name) => join(options.dir, name))
  for (const file of candidates) {
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch {
      if (options.file !== undefined) throw new LpackError('FILE_NOT_FOUND', `Config file not found: ${file}`)
      continue
    }
    const loaded = isSamConfigFile(file) ? await readSamConfig(text, file, envName, options) : await readLpackConfig(text, file, envName, options)
    if (loaded === undefined) {
      if (options.env !== undefined) {
        throw new LpackError('CONFIG_INVALID', `${file} has no environment named ${envName}`, {hint: `Add it to ${file}, or pick another with --config-env.`})
      }
      return {values: {}, file, ignoredKeys: []}
    }
    return {...loaded, file}
  }
  if (options.env !== undefined && options.env !== DEFAULT_CONFIG_ENV) {
    throw new LpackError('CONFIG_INVALID', `--config-env ${options.env} was given, but there is no ${LPACK_CONFIG_FILE} or ${SAM_CONFIG_FILES.join(', ')} in ${options.dir}`)
  }
  return {values: {}, ignoredKeys: []}
}

/** SAM's config (TOML, or YAML named samconfig.*) rather than lpack.config.yaml. */
function isSamConfigFile(file: string): boolean {
  return file.endsWith('.toml') || /^samconfig\.ya?ml$/i.test(basename(file))
}

async function readLpackConfig(text: string, file: string, envName: string, options: LoadConfigOptions): Promise<Omit<LoadedConfig, 'file'> | undefined> {
  const document = await parseYamlConfig(text, file)
  if (!isObject(document) || (document.version !== undefined && document.version !== 1)) {
    throw new LpackError('CONFIG_INVALID', `${file} must be a mapping with \`version: 1\` and \`environments\``)
  }
  const environments = document.environments ?? {}
  if (!isObject(environments)) throw new LpackError('CONFIG_INVALID', `${file}: environments must be a mapping of environment names`)
  const environment = environments[envName]
  if (environment === undefined) return undefined
  if (!isObject(environment)) throw new LpackError('CONFIG_INVALID', `${file}: environments.${envName} must be a mapping of command names`)
  const values: ConfigValues = {}
  for (const section of ['global', options.command]) {
    const entries = environment[section]
    if (entries === undefined || entries === null) continue
    if (!isObject(entries)) throw new LpackError('CONFIG_INVALID', `${file}: environments.${envName}.${section} must be a mapping of flag names to values`)
    for (const [key, value] of Object.entries(entries)) {
      if (!options.knownKeys.includes(key)) {
        if (section === 'global') continue // global settings may belong to other commands
        throw new LpackError('CONFIG_INVALID', `${file}: environments.${envName}.${section}.${key} is not a flag of \`lpack ${options.command}\``, {
          hint: `Known keys: ${[...options.knownKeys].sort().join(', ')}.`,
        })
      }
      values[key] = value
    }
  }
  return {values, ignoredKeys: []}
}

async function parseToml(text: string, file: string): Promise<Record<string, unknown>> {
  const {parse} = await import('smol-toml')
  try {
    return parse(text) as Record<string, unknown>
  } catch (error) {
    throw new LpackError('CONFIG_INVALID', `${file} is not valid TOML: ${(error as Error).message.split('\n')[0]}`)
  }
}

/** A YAML config file's content; a syntax error is CONFIG_INVALID naming the file. */
async function parseYamlConfig(text: string, file: string): Promise<unknown> {
  const {parse} = await import('yaml')
  try {
    return parse(text)
  } catch (error) {
    throw new LpackError('CONFIG_INVALID', `${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`)
  }
}

async function parseSamYaml(text: string, file: string): Promise<Record<string, unknown>> {
  const document = await parseYamlConfig(text, file)
  // An empty file is an empty config, as SAM reads it.
  if (document === null || document === undefined) return {}
  if (!isObject(document)) throw new LpackError('CONFIG_INVALID', `${file} must be a mapping with \`version: 0.1\` and environments`)
  return document
}

async function readSamConfig(text: string, file: string, envName: string, options: LoadConfigOptions): Promise<Omit<LoadedConfig, 'file'> | undefined> {
  const document = file.endsWith('.toml') ? await parseToml(text, file) : await parseSamYaml(text, file)
  if (document.version !== undefined && String(document.version) !== '0.1') {
    throw new LpackError('CONFIG_INVALID', `${file} has version ${String(document.version)}; lpack reads samconfig version 0.1`)
  }
  const environment = document[envName]
  if (!isObject(environment)) return undefined
  const values: ConfigValues = {}
  const ignoredKeys: string[] = []
  for (const section of ['global', options.command]) {
    const table = environment[section]
    const parameters = isObject(table) ? table.parameters : undefined
    if (!isObject(parameters)) continue
    for (const [key, value] of Object.entries(parameters)) {
      const mapped = Object.hasOwn(options.samKeys, key) ? options.samKeys[key] : undefined
      if (mapped === undefined || !options.knownKeys.includes(mapped.key)) {
        if (section === options.command) ignoredKeys.push(key)
        continue
      }
      values[mapped.key] = mapped.negated ? value !== true : value
    }
  }
  return {values, ignoredKeys: ignoredKeys.sort()}
}
