import {dirname, resolve} from 'node:path'

import {AwsSession} from '../../aws/clients.js'
import type {Reporter} from '../events.js'
import {TRAFFIC_RELEASE_SETTINGS, TRAFFIC_RESUME_SETTINGS, TRAFFIC_STACK_SETTINGS} from '../config/command-settings/traffic.js'
import {awsOptions} from '../config/command-settings/shared.js'
import {type GivenSettings, missingSetting, resolveSettings, type SettingsOf} from '../config/settings.js'
import {defaultTrafficSettings, type ReleaseOutcome, resumeRelease, rollbackRelease, type TrafficSettings, trafficStatus, type TrafficStatus} from './index.js'

export interface TrafficIo {
  reporter: Reporter
  signal?: AbortSignal
}

/** The release settings; `.lpack/releases` goes into `projectDir`. */
export function trafficSettingsFrom(settings: SettingsOf<typeof TRAFFIC_RELEASE_SETTINGS>, projectDir: string): TrafficSettings {
  return {
    ...defaultTrafficSettings(projectDir),
    engine: settings.trafficEngine,
    preTrafficHooks: settings.preTrafficHook ?? [],
    postTrafficHooks: settings.postTrafficHook ?? [],
    hookTimeoutMs: settings.hookTimeout,
    pollIntervalMs: settings.trafficPollInterval,
    ignoreReleaseInFlight: settings.ignoreReleaseInFlight ?? false,
  }
}

function projectDir(settings: {configFile?: string}): string {
  return settings.configFile === undefined ? process.cwd() : dirname(resolve(settings.configFile))
}

export async function statusFromFlags(given: GivenSettings<typeof TRAFFIC_STACK_SETTINGS>, io: TrafficIo): Promise<TrafficStatus> {
  const settings = await resolveSettings('traffic', TRAFFIC_STACK_SETTINGS, given, io.reporter)
  if (!settings.stackName) throw missingSetting(TRAFFIC_STACK_SETTINGS, 'stackName')
  return trafficStatus({stackName: settings.stackName, aws: new AwsSession(awsOptions(settings)), reporter: io.reporter})
}

export async function rollbackFromFlags(given: GivenSettings<typeof TRAFFIC_STACK_SETTINGS>, io: TrafficIo) {
  const settings = await resolveSettings('traffic', TRAFFIC_STACK_SETTINGS, given, io.reporter)
  if (!settings.stackName) throw missingSetting(TRAFFIC_STACK_SETTINGS, 'stackName')
  return rollbackRelease({stackName: settings.stackName, aws: new AwsSession(awsOptions(settings)), reporter: io.reporter})
}

export async function resumeFromFlags(given: GivenSettings<typeof TRAFFIC_RESUME_SETTINGS>, io: TrafficIo): Promise<ReleaseOutcome> {
  const settings = await resolveSettings('traffic', TRAFFIC_RESUME_SETTINGS, given, io.reporter)
  if (!settings.stackName) throw missingSetting(TRAFFIC_RESUME_SETTINGS, 'stackName')
  return resumeRelease({stackName: settings.stackName, aws: new AwsSession(awsOptions(settings)), reporter: io.reporter, signal: io.signal, settings: trafficSettingsFrom(settings, projectDir(settings))})
}
