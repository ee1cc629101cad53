import {dirname, resolve} from 'node:path'

import {AwsSession} from '../../aws/clients.js'
import {LpackError} from '../../errors.js'
import type {Reporter} from '../../io/reporter.js'
import {AWS_KEYS, mergeFlagsWithConfig, type RawFlags, type Settings} from '../config/resolve.js'
import {defaultTrafficSettings, type ReleaseOutcome, resumeRelease, rollbackRelease, type TrafficSettings, trafficStatus, type TrafficStatus} from './index.js'

/** Settings of a release, from flags or from lpack.config.yaml (deploy's and traffic's sections). */
export const TRAFFIC_SETTING_KEYS = ['traffic-engine', 'pre-traffic-hook', 'post-traffic-hook', 'hook-timeout', 'traffic-poll-interval', 'ignore-release-in-flight'] as const

export const TRAFFIC_KEYS = [...AWS_KEYS, 'stack-name', ...TRAFFIC_SETTING_KEYS] as const

export interface TrafficIo {
  reporter: Reporter
  signal?: AbortSignal
}

/** The release settings in `settings`; `.lpack/releases` goes beside `projectDir`. */
export function trafficSettingsFrom(settings: Settings, projectDir: string): TrafficSettings {
  const defaults = defaultTrafficSettings(projectDir)
  const engine = settings.string('traffic-engine') ?? defaults.engine
  if (engine !== 'lpack' && engine !== 'codedeploy') throw new LpackError('USAGE', `--traffic-engine must be lpack or codedeploy, got ${JSON.stringify(engine)}`)
  return {
    ...defaults,
    engine,
    preTrafficHooks: commands(settings.raw('pre-traffic-hook'), 'pre-traffic-hook'),
    postTrafficHooks: commands(settings.raw('post-traffic-hook'), 'post-traffic-hook'),
    hookTimeoutMs: settings.integer('hook-timeout') ?? defaults.hookTimeoutMs,
    pollIntervalMs: settings.integer('traffic-poll-interval') ?? defaults.pollIntervalMs,
    ignoreReleaseInFlight: settings.boolean('ignore-release-in-flight') ?? false,
  }
}

function commands(value: unknown, key: string): string[] {
  if (value === undefined || value === null) return []
  const list = Array.isArray(value) ? value : [value]
  if (!list.every((item) => typeof item === 'string' && item.trim() !== '')) throw new LpackError('CONFIG_INVALID', `${key} must be a command or a list of commands, got ${JSON.stringify(value)}`)
  return list as string[]
}

async function context(command: string, flags: RawFlags, io: TrafficIo) {
  const settings = await mergeFlagsWithConfig(command, flags, TRAFFIC_KEYS, io.reporter)
  const stackName = settings.required('stack-name')
  const projectDir = typeof flags['config-file'] === 'string' ? dirname(resolve(flags['config-file'])) : process.cwd()
  return {settings, stackName, aws: new AwsSession(settings.aws()), traffic: trafficSettingsFrom(settings, projectDir)}
}

export async function statusFromFlags(flags: RawFlags, io: TrafficIo): Promise<TrafficStatus> {
  const {stackName, aws} = await context('traffic', flags, io)
  return trafficStatus({stackName, aws, reporter: io.reporter})
}

export async function resumeFromFlags(flags: RawFlags, io: TrafficIo): Promise<ReleaseOutcome> {
  const {stackName, aws, traffic} = await context('traffic', flags, io)
  return resumeRelease({stackName, aws, reporter: io.reporter, signal: io.signal, settings: traffic})
}

export async function rollbackFromFlags(flags: RawFlags, io: TrafficIo) {
  const {stackName, aws} = await context('traffic', flags, io)
  return rollbackRelease({stackName, aws, reporter: io.reporter})
}
