import {dirname, resolve} from 'node:path'

import type {AwsOptions} from '../../aws/clients.js'
import {LpackError} from '../../errors.js'
import type {Reporter} from '../events.js'
import {loadConfig} from './index.js'

/** Raw flag values as parsed: undefined when the flag was not given (so config can fill it). */
export type RawFlags = Record<string, unknown>

/**
 * Merges flags over the config file's values for `command` (flags win), and reports SAM settings lpack
 * ignores. Returns one accessor so each command reads every setting the same way.
 */
export async function mergeFlagsWithConfig(command: string, flags: RawFlags, knownKeys: readonly string[], reporter: Reporter): Promise<Settings> {
  const templateFile = typeof flags['template-file'] === 'string' ? flags['template-file'] : undefined
  const loaded = await loadConfig({
    command,
    knownKeys,
    dir: typeof flags['config-file'] === 'string' ? dirname(resolve(flags['config-file'])) : templateFile ? dirname(resolve(templateFile)) : process.cwd(),
    env: typeof flags['config-env'] === 'string' ? flags['config-env'] : undefined,
    file: typeof flags['config-file'] === 'string' ? flags['config-file'] : undefined,
  })
  if (loaded.ignoredKeys.length > 0) {
    reporter.emit({kind: 'config.ignored', data: {file: loaded.file ?? '', keys: loaded.ignoredKeys}})
  }
  return new Settings(flags, loaded.values)
}

export class Settings {
  constructor(
    private readonly flags: RawFlags,
    private readonly config: Record<string, unknown>,
  ) {}

  /** The flag's value, else the config's, else undefined. An empty list from a flag counts as not given. */
  raw(key: string): unknown {
    const flag = this.flags[key]
    if (flag !== undefined && !(Array.isArray(flag) && flag.length === 0)) return flag
    return this.config[key]
  }

  string(key: string): string | undefined {
    const value = this.raw(key)
    if (value === undefined || value === null) return undefined
    if (typeof value === 'string' || typeof value === 'number') return String(value)
    throw new LpackError('CONFIG_INVALID', `${key} must be a string, got ${JSON.stringify(value)}`)
  }

  boolean(key: string): boolean | undefined {
    const value = this.raw(key)
    if (value === undefined || value === null) return undefined
    if (typeof value === 'boolean') return value
    if (value === 'true' || value === 'false') return value === 'true'
    throw new LpackError('CONFIG_INVALID', `${key} must be true or false, got ${JSON.stringify(value)}`)
  }

  integer(key: string): number | undefined {
    const value = this.raw(key)
    if (value === undefined || value === null) return undefined
    const number = Number(value)
    if (!Number.isInteger(number) || number < 1) throw new LpackError('CONFIG_INVALID', `${key} must be a positive integer, got ${JSON.stringify(value)}`)
    return number
  }

  required(key: string): string {
    const value = this.string(key)
    if (value === undefined || value === '') {
      throw new LpackError('USAGE', `--${key} is required`, {hint: `Pass --${key}, or set ${key} in lpack.config.yaml (or ${key.replace(/-/g, '_')} in samconfig.toml).`})
    }
    return value
  }

  aws(): AwsOptions {
    return {
      region: this.string('region'),
      profile: this.string('profile'),
      endpointUrl: this.string('endpoint-url'),
      requestTimeoutMs: this.integer('aws-timeout'),
      connectTimeoutMs: this.integer('aws-connect-timeout'),
    }
  }
}

export const AWS_KEYS = ['region', 'profile', 'endpoint-url', 'aws-timeout', 'aws-connect-timeout'] as const
