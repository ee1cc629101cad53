/**
 * Settings declared once. A command's settings are one object of declarations (a name, its type, description,
 * default, config-file key, samconfig key, environment variable); from it come the command's oclif flags
 * (src/cli/settings-flags.ts), the keys lpack.config.yaml and samconfig may hold for the command, and the typed
 * values core reads (`SettingsOf<typeof DEPLOY_SETTINGS>`: a misspelt name is a type error, not `undefined`).
 *
 * Precedence, for every setting alike: the command line, then the config file, then the environment variable,
 * then the declared default.
 */
import {dirname, resolve} from 'node:path'

import {LpackError} from '../../errors.js'
import type {Reporter} from '../events.js'
import {parseKeyValues, parseList} from './values.js'

/** How a setting is written on the command line: oclif's flag type, or `none` for a config-file-only setting. */
export type FlagKind = 'string' | 'boolean' | 'integer' | 'strings' | 'none'

/** One setting. `T` is its typed value; `HasDefault` makes it `T` rather than `T | undefined`. */
export interface Setting<T, HasDefault extends boolean = boolean> {
  readonly kind: FlagKind
  readonly description: string
  /** The flag's name (default: the setting's name in kebab-case, `stackName` → `stack-name`). */
  readonly flag?: string
  readonly char?: string
  readonly aliases?: readonly string[]
  readonly hidden?: boolean
  readonly helpGroup?: string
  /** Smallest value of an integer flag (oclif checks the flag; the parser checks config values). */
  readonly min?: number
  /** The values a choice may take. */
  readonly options?: readonly string[]
  /** A boolean flag that also takes `--no-<flag>`. */
  readonly allowNo?: boolean
  /** The flag may be repeated (oclif `multiple`). */
  readonly multiple?: boolean
  /** The value when no layer gives one. Applied after the config file, so a config value beats it. */
  readonly default?: T
  /** The key in lpack.config.yaml; `false` for a command-line-only setting. Default: the flag's name. */
  readonly config?: string | false
  /** The samconfig key (SAM's snake_case) with the same meaning, when there is one. */
  readonly sam?: string
  /** A samconfig key meaning the opposite (`no_fail_on_empty_changeset`). */
  readonly samNegated?: string
  /** An environment variable read when neither the command line nor the config file gives a value. */
  readonly env?: string
  /** The typed value from a raw one (a flag's, a config file's or an environment variable's); `name` is for errors. */
  readonly parse: (raw: unknown, name: string) => T
  /** Whether --help shows the default of a string setting as `[default: …]` (default: it does). */
  readonly showDefault?: boolean
  /** Type-level only: whether the value can be undefined. */
  readonly hasDefault?: HasDefault
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySetting = Setting<any, boolean>
export type SettingDeclarations = Readonly<Record<string, AnySetting>>

/** The typed value of one setting. */
export type SettingValue<S> = S extends Setting<infer T, infer D> ? (D extends true ? T : T | undefined) : never

/** The typed values of a command's settings, as core receives them. */
export type SettingsOf<D extends SettingDeclarations> = {readonly [K in keyof D]: SettingValue<D[K]>}

/** What the command line gave (undefined: not given, so the config file may fill it). */
export type GivenSettings<D extends SettingDeclarations> = {readonly [K in keyof D]?: unknown}

interface Common {
  description: string
  flag?: string
  char?: string
  aliases?: readonly string[]
  hidden?: boolean
  helpGroup?: string
  config?: string | false
  sam?: string
  samNegated?: string
  env?: string
  showDefault?: boolean
}

/** A string. */
export function text(spec: Common & {default: string}): Setting<string, true>
export function text(spec: Common): Setting<string, false>
export function text(spec: Common & {default?: string}): Setting<string> {
  return {...spec, kind: 'string', parse: parseString}
}

/** One of a few strings. */
export function choice<const O extends readonly string[]>(options: O, spec: Common & {default: O[number]}): Setting<O[number], true>
export function choice<const O extends readonly string[]>(options: O, spec: Common): Setting<O[number], false>
export function choice<const O extends readonly string[]>(options: O, spec: Common & {default?: O[number]}): Setting<O[number]> {
  return {
    ...spec,
    kind: 'string',
    options,
    parse: (raw, name) => {
      const value = parseString(raw, name)
      if (!options.includes(value)) throw new LpackError('USAGE', `--${name} must be ${options.slice(0, -1).join(', ')} or ${options.at(-1)}, got ${value}`)
      return value as O[number]
    },
  }
}

/** true or false. */
export function flag(spec: Common & {allowNo?: boolean; default: boolean}): Setting<boolean, true>
export function flag(spec: Common & {allowNo?: boolean}): Setting<boolean, false>
export function flag(spec: Common & {allowNo?: boolean; default?: boolean}): Setting<boolean> {
  return {...spec, kind: 'boolean', parse: parseBoolean}
}

/** A whole number, at least `min` (default 1). */
export function integer(spec: Common & {min?: number; default: number}): Setting<number, true>
export function integer(spec: Common & {min?: number}): Setting<number, false>
export function integer(spec: Common & {min?: number; default?: number}): Setting<number> {
  const min = spec.min ?? 1
  return {
    ...spec,
    kind: 'integer',
    parse: (raw, name) => {
      const number = Number(raw)
      if (typeof raw === 'boolean' || raw === '' || !Number.isInteger(number) || number < min) {
        throw new LpackError('CONFIG_INVALID', `${name} must be ${min === 1 ? 'a positive integer' : `a whole number, ${min} or more`}, got ${JSON.stringify(raw)}`)
      }
      return number
    },
  }
}

/** Names: a repeatable flag, a config list, or a space/comma-separated string. */
export function list(spec: Common): Setting<string[], false> {
  return {...spec, kind: 'strings', multiple: true, parse: (raw, name) => parseList(raw, name)}
}

/** Strings taken as they are (file paths, which may hold spaces or commas): a repeatable flag or a config list. */
export function strings(spec: Common): Setting<string[], false> {
  return {...spec, kind: 'strings', multiple: true, parse: (raw, name) => (Array.isArray(raw) ? raw : [raw]).map((item) => parseString(item, name))}
}

/**
 * `K=V` pairs: repeatable `K=V` / `ParameterKey=K,ParameterValue=V` (and `file://params.json` with `files`), a
 * config mapping, or SAM's quoted string. One parser for every command that takes parameter overrides or tags.
 */
export function keyValues(spec: Common & {files?: boolean}): Setting<Record<string, string>, false> {
  const {files, ...rest} = spec
  return {...rest, kind: 'strings', multiple: true, parse: (raw, name) => parseKeyValues(raw, name, {allowFiles: files === true})}
}

/** A setting only the config file holds (a structure no flag expresses well), checked by `parse`. */
export function configOnly<T>(spec: {description: string; config?: string; parse: (raw: unknown, name: string) => T}): Setting<T, false> {
  return {...spec, kind: 'none'}
}

/** `stackName` → `stack-name`, `s3Bucket` → `s3-bucket`. */
export function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)
}

/** The flag a setting is given with, or undefined for a config-file-only setting. */
export function flagName(name: string, setting: AnySetting): string | undefined {
  return setting.kind === 'none' ? undefined : (setting.flag ?? kebabCase(name))
}

/** The key a setting has in lpack.config.yaml, or undefined when the config file cannot hold it. */
export function configKey(name: string, setting: AnySetting): string | undefined {
  if (setting.config === false) return undefined
  return setting.config ?? setting.flag ?? kebabCase(name)
}

/** The lpack.config.yaml keys and samconfig mapping the command's declarations make. */
export function configKeys(declarations: SettingDeclarations): {keys: string[]; sam: Record<string, {key: string; negated: boolean}>} {
  const keys: string[] = []
  const sam: Record<string, {key: string; negated: boolean}> = {}
  for (const [name, setting] of Object.entries(declarations)) {
    const key = configKey(name, setting)
    if (key === undefined) continue
    keys.push(key)
    if (setting.sam !== undefined) sam[setting.sam] = {key, negated: false}
    if (setting.samNegated !== undefined) sam[setting.samNegated] = {key, negated: true}
  }
  return {keys, sam}
}

/**
 * The command's typed settings: `given` (the command line) over the config file's values for `command`, then
 * environment variables, then defaults, each parsed by its declaration. SAM settings lpack ignores are reported.
 * Only a command that declares `configEnv` (CONFIG_SETTINGS) reads a config file; it is looked for beside
 * `--config-file`, else beside the template (`templateFile`), else in the working directory.
 */
export async function resolveSettings<D extends SettingDeclarations>(
  command: string,
  declarations: D,
  given: GivenSettings<D>,
  reporter: Reporter,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SettingsOf<D>> {
  const loaded: Record<string, unknown> = 'configEnv' in declarations ? await loadConfigFor(command, declarations, given, reporter) : {}
  const values: Record<string, unknown> = {}
  for (const [name, setting] of Object.entries(declarations)) {
    const key = configKey(name, setting)
    const label = flagName(name, setting) ?? key ?? name
    const fromFlag = (given as Record<string, unknown>)[name]
    // An empty list from a repeatable flag counts as not given.
    if (fromFlag !== undefined && fromFlag !== null && !(Array.isArray(fromFlag) && fromFlag.length === 0)) {
      values[name] = setting.parse(fromFlag, label)
    } else if (key !== undefined && loaded[key] !== undefined && loaded[key] !== null) {
      values[name] = setting.parse(loaded[key], key)
    } else if (setting.env !== undefined && env[setting.env] !== undefined && env[setting.env] !== '') {
      values[name] = setting.parse(env[setting.env], setting.env)
    } else {
      values[name] = setting.default
    }
  }
  return values as SettingsOf<D>
}

async function loadConfigFor(command: string, declarations: SettingDeclarations, given: Record<string, unknown>, reporter: Reporter): Promise<Record<string, unknown>> {
  const file = optionalString(given.configFile, 'config-file')
  const template = Array.isArray(given.templateFile) ? given.templateFile[0] : given.templateFile
  const templateFile = optionalString(template, 'template-file')
  const {keys, sam} = configKeys(declarations)
  const {loadConfig} = await import('./index.js')
  const loaded = await loadConfig({
    command,
    knownKeys: keys,
    samKeys: sam,
    dir: file !== undefined ? dirname(resolve(file)) : templateFile !== undefined ? dirname(resolve(templateFile)) : process.cwd(),
    env: optionalString(given.configEnv, 'config-env'),
    file,
  })
  if (loaded.ignoredKeys.length > 0) {
    reporter.emit({kind: 'config.ignored', data: {file: loaded.file ?? '', keys: loaded.ignoredKeys}})
  }
  return loaded.values
}

function optionalString(raw: unknown, name: string): string | undefined {
  return raw === undefined || raw === null ? undefined : parseString(raw, name)
}

/** A required string setting that was not given: the usage error names the flag and the config keys. */
export function missingSetting(declarations: SettingDeclarations, name: string): LpackError {
  const setting = declarations[name]
  const key = setting ? (flagName(name, setting) ?? name) : name
  const sam = setting?.sam ?? key.replace(/-/g, '_')
  return new LpackError('USAGE', `--${key} is required`, {hint: `Pass --${key}, or set ${key} in lpack.config.yaml (or ${sam} in samconfig.toml).`})
}

function parseString(raw: unknown, name: string): string {
  if (typeof raw === 'string' || typeof raw === 'number') return String(raw)
  throw new LpackError('CONFIG_INVALID', `${name} must be a string, got ${JSON.stringify(raw)}`)
}

function parseBoolean(raw: unknown, name: string): boolean {
  if (typeof raw === 'boolean') return raw
  if (raw === 'true' || raw === 'false') return raw === 'true'
  throw new LpackError('CONFIG_INVALID', `${name} must be true or false, got ${JSON.stringify(raw)}`)
}
