import type {FollowedDeployment} from './codedeploy.js'
import type {TrafficSchedule} from './schedule.js'

/** A hook that must pass before traffic moves (PreTraffic) or after it all moved (PostTraffic). */
export type TrafficHook =
  | {kind: 'lambda'; functionName: string}
  | {kind: 'command'; command: string}

export type HookPhase = 'PreTraffic' | 'PostTraffic'

/** One alias moving from its live version to a new one. */
export interface AliasRelease {
  /** Logical id of the function in the stack. */
  logicalId: string
  functionName: string
  alias: string
  aliasArn: string
  oldVersion: string
  newVersion: string
  schedule: TrafficSchedule
  /** CloudWatch alarm names polled between steps. */
  alarms: string[]
  hooks: {preTraffic: TrafficHook[]; postTraffic: TrafficHook[]}
  /** The alias's own Description, put back when the release ends (the marker replaces it meanwhile). */
  description?: string
}

/** Every alias of one stack update, shifted together. */
export interface ReleasePlan {
  stackName: string
  /** Stable for the release: the marker on each alias and the record carry it. */
  releaseId: string
  region: string
  endpointUrl?: string
  aliases: AliasRelease[]
}

export type HookOutcome = {phase: HookPhase; hook: string; logicalId: string; passed: boolean; detail: string; durationMs: number}

/** What the release record (`.lpack/releases/<stack>-<time>.json`) holds. */
export interface ReleaseRecord {
  version: 1
  stackName: string
  releaseId: string
  engine: 'lpack'
  startedAt: string
  finishedAt?: string
  outcome?: 'released' | 'rolled-back'
  reason?: string
  aliases: {logicalId: string; functionName: string; alias: string; oldVersion: string; newVersion: string; type: string}[]
  /** Each weight the engine set, in order: milliseconds since the release started. */
  steps: {atMs: number; logicalId: string; percent: number}[]
  hooks: HookOutcome[]
  alarms: {atMs: number; logicalId: string; name: string; state: string}[]
}

export type ReleaseOutcome =
  | {kind: 'followed'; engine: 'codedeploy'; stackName: string; deployments: FollowedDeployment[]}
  | {kind: 'released'; stackName: string; releaseId: string; aliases: AliasSummary[]; recordFile?: string}
  | {kind: 'rolled-back'; stackName: string; releaseId: string; reason: string; aliases: AliasSummary[]; recordFile?: string}

/** What lpack's own engine ends with. */
export type EngineOutcome = Exclude<ReleaseOutcome, {kind: 'followed'}>

export interface AliasSummary {
  logicalId: string
  functionName: string
  alias: string
  oldVersion: string
  newVersion: string
  /** Percent on the new version when lpack stopped. */
  percent: number
}
