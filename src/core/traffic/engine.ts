/**
 * lpack's traffic engine: moves each alias of a release from its old to its new version through UpdateAlias
 * RoutingConfig, following the schedule, with hooks and alarms, and puts every alias back on its old version at
 * the first bad sign (a failed hook, an alarm in ALARM, Ctrl-C or SIGTERM, an AWS error).
 *
 * Order per alias: PreTraffic hooks at 0 % → the schedule's steps (alarms polled every poll interval between
 * them) → PostTraffic hooks at 100 %. The aliases of a stack run in parallel; one failing rolls back all, since
 * the stack's template then keeps all of them on their old versions. The new versions stay published.
 * Each UpdateAlias also writes a marker into the alias's Description (marker.ts), so `lpack traffic status |
 * resume | rollback` can pick the release up from AWS alone.
 */
import type {AlarmOperations} from '../../aws/cloudwatch.js'
import type {AliasInfo, AliasUpdate, LambdaOperations} from '../../aws/lambda.js'
import type {Reporter} from '../events.js'
import type {Clock} from './clock.js'
import {emitAlarm, emitAliasDone, emitHook, emitReleaseDone, emitReleaseStart, emitRollback, emitWeight} from './events.js'
import {describeHook, runHook} from './hooks.js'
import {encodeMarker, type ReleasePhase} from './marker.js'
import {writeReleaseRecord} from './record.js'
import {checkAliasRules} from './rules.js'
import type {AliasRelease, AliasSummary, EngineOutcome, HookPhase, ReleasePlan, ReleaseRecord} from './types.js'

export interface EngineOptions {
  lambda: LambdaOperations
  alarms: AlarmOperations
  clock: Clock
  reporter: Reporter
  /** Ctrl-C / SIGTERM: its reason (e.g. 'SIGINT') is named in the rollback. */
  signal?: AbortSignal
  /** Between alarm polls while waiting for the next step: the longest a bad sign goes unnoticed. */
  pollIntervalMs: number
  hookTimeoutMs: number
  /** Where the release record goes (`.lpack/releases`); none is written when absent. */
  recordDir?: string
}

/** Where a resumed alias stands: its phase and the percent it was left at. */
export interface ResumePoint {
  phase: ReleasePhase
  percent: number
}

class ReleaseStopped extends Error {}

/**
 * Runs a release to its end: every alias on its new version (released), or every alias back on its old version
 * (rolled-back, with the first reason). Lambda's alias rules are checked before any change; breaking them throws
 * TRAFFIC_REFUSED with nothing changed.
 */
export async function runRelease(plan: ReleasePlan, options: EngineOptions, resume: Map<string, ResumePoint> = new Map()): Promise<EngineOutcome> {
  await checkAliasRules(plan.aliases, options.lambda)
  const {clock, reporter} = options
  const started = clock.now()
  const record: ReleaseRecord = {
    version: 1,
    stackName: plan.stackName,
    releaseId: plan.releaseId,
    engine: 'lpack',
    startedAt: new Date(started).toISOString(),
    aliases: plan.aliases.map((alias) => ({logicalId: alias.logicalId, functionName: alias.functionName, alias: alias.alias, oldVersion: alias.oldVersion, newVersion: alias.newVersion, type: alias.schedule.type})),
    steps: [],
    hooks: [],
    alarms: [],
  }
  const percents = new Map(plan.aliases.map((alias) => [alias.logicalId, resume.get(alias.logicalId)?.percent ?? 0]))
  const stop = new AbortController()
  let failure: string | undefined
  const fail = (reason: string) => {
    failure ??= reason
    stop.abort()
  }
  const onInterrupt = () => fail(`interrupted${typeof options.signal?.reason === 'string' ? ` by ${options.signal.reason}` : ''}`)
  if (options.signal?.aborted) onInterrupt()
  options.signal?.addEventListener('abort', onInterrupt, {once: true})

  const setPercent = async (alias: AliasRelease, percent: number, phase: ReleasePhase, shiftStart: number) => {
    if (failure !== undefined) throw new ReleaseStopped()
    await options.lambda.updateAlias(alias.functionName, alias.alias, {
      ...routingFor(alias, percent),
      description: encodeMarker({id: plan.releaseId, old: alias.oldVersion, new: alias.newVersion, type: alias.schedule.type, phase, at: shiftStart}),
    })
    percents.set(alias.logicalId, percent)
    const at = clock.now() - started
    record.steps.push({atMs: at, logicalId: alias.logicalId, percent})
    emitWeight(reporter, alias, percent, at)
  }

  const checkAlarms = async (alias: AliasRelease) => {
    if (alias.alarms.length === 0) return
    const states = await options.alarms.describeAlarms(alias.alarms)
    for (const alarm of states) {
      if (alarm.state !== 'ALARM') continue
      record.alarms.push({atMs: clock.now() - started, logicalId: alias.logicalId, name: alarm.name, state: alarm.state})
      emitAlarm(reporter, alias, alarm.name, alarm.state, alarm.reason)
      fail(`alarm ${alarm.name} of ${alias.logicalId} is in ALARM${alarm.reason ? ` (${alarm.reason})` : ''}`)
      throw new ReleaseStopped()
    }
  }

  const runHooks = async (alias: AliasRelease, phase: HookPhase) => {
    for (const hook of phase === 'PreTraffic' ? alias.hooks.preTraffic : alias.hooks.postTraffic) {
      if (failure !== undefined) throw new ReleaseStopped()
      const name = describeHook(hook)
      emitHook(reporter, alias, phase, name, undefined)
      const hookStarted = clock.now()
      const result = await runHook(hook, {plan, alias, phase, lambda: options.lambda, timeoutMs: options.hookTimeoutMs, signal: stop.signal})
      record.hooks.push({phase, hook: name, logicalId: alias.logicalId, passed: result.passed, detail: result.detail, durationMs: clock.now() - hookStarted})
      emitHook(reporter, alias, phase, name, result)
      if (!result.passed) {
        fail(`${phase} hook ${name} of ${alias.logicalId} failed: ${result.detail}`)
        throw new ReleaseStopped()
      }
    }
  }

  /** Waits until `until` (clock time), polling the alarms every poll interval; returns early only by failing. */
  const waitWatching = async (alias: AliasRelease, until: number) => {
    for (;;) {
      if (failure !== undefined) throw new ReleaseStopped()
      const polled = clock.now()
      await checkAlarms(alias)
      const left = until - clock.now()
      if (left <= 0) return
      // A fixed cadence: the time DescribeAlarms took counts against the interval, so polls do not drift apart.
      await clock.sleep(Math.min(Math.max(0, options.pollIntervalMs - (clock.now() - polled)), left), stop.signal)
    }
  }

  const releaseAlias = async (alias: AliasRelease) => {
    const point = resume.get(alias.logicalId) ?? {phase: 'pre-traffic' as const, percent: 0}
    if (point.phase === 'pre-traffic') {
      // The marker first: a release killed during its PreTraffic hooks is still found.
      await setPercent(alias, 0, 'pre-traffic', clock.now())
      await runHooks(alias, 'PreTraffic')
    }
    if (point.phase !== 'post-traffic') {
      const steps = alias.schedule.steps
      // Resuming at a step waits that step's full interval again from now: the time lpack was away counts for nothing.
      const current = steps.findLastIndex((step) => step.percent <= point.percent)
      const shiftStart = clock.now() - (current < 0 ? 0 : steps[current]!.atMs)
      for (const step of steps.slice(current + 1)) {
        await waitWatching(alias, shiftStart + step.atMs)
        await setPercent(alias, step.percent, step.percent === 100 ? 'post-traffic' : 'shifting', shiftStart)
      }
    }
    await checkAlarms(alias)
    await runHooks(alias, 'PostTraffic')
  }

  emitReleaseStart(reporter, plan.stackName, plan.releaseId, plan.aliases)
  const results = await Promise.allSettled(plan.aliases.map((alias) => releaseAlias(alias)))
  options.signal?.removeEventListener('abort', onInterrupt)
  for (const result of results) {
    if (result.status === 'rejected' && !(result.reason instanceof ReleaseStopped)) fail(errorText(result.reason))
  }

  let outcome: EngineOutcome
  if (failure === undefined) {
    // Done: the marker goes, the alias keeps only the new version.
    await Promise.all(plan.aliases.map((alias) => options.lambda.updateAlias(alias.functionName, alias.alias, {functionVersion: alias.newVersion, description: alias.description ?? ''})))
    for (const alias of plan.aliases) emitAliasDone(reporter, alias, 100, 'released')
    outcome = {kind: 'released', stackName: plan.stackName, releaseId: plan.releaseId, aliases: summaries(plan.aliases, percents)}
  } else {
    emitRollback(reporter, plan.stackName, failure, plan.aliases)
    await rollbackAliases(plan.aliases, options.lambda)
    for (const alias of plan.aliases) {
      record.steps.push({atMs: clock.now() - started, logicalId: alias.logicalId, percent: 0})
      emitAliasDone(reporter, alias, 0, 'rolled-back')
    }
    outcome = {kind: 'rolled-back', stackName: plan.stackName, releaseId: plan.releaseId, reason: failure, aliases: summaries(plan.aliases, percents)}
  }
  record.finishedAt = new Date(clock.now()).toISOString()
  record.outcome = outcome.kind
  if (outcome.kind === 'rolled-back') record.reason = outcome.reason
  if (options.recordDir !== undefined) outcome.recordFile = await writeReleaseRecord(options.recordDir, record)
  emitReleaseDone(reporter, plan.stackName, outcome.kind, outcome.recordFile)
  return outcome
}

/** Every alias back to 100 % on its old version, marker removed; the new versions stay published. */
export async function rollbackAliases(aliases: AliasRelease[], lambda: LambdaOperations): Promise<AliasInfo[]> {
  return Promise.all(aliases.map((alias) => lambda.updateAlias(alias.functionName, alias.alias, {functionVersion: alias.oldVersion, description: alias.description ?? ''})))
}

/** The alias routing that puts `percent` of the traffic on the new version. */
export function routingFor(alias: Pick<AliasRelease, 'oldVersion' | 'newVersion'>, percent: number): AliasUpdate {
  if (percent >= 100) return {functionVersion: alias.newVersion}
  if (percent <= 0) return {functionVersion: alias.oldVersion}
  return {functionVersion: alias.oldVersion, additional: {version: alias.newVersion, weight: percent / 100}}
}

/** The percent of an alias's traffic on `newVersion`, read from its routing. */
export function percentOnNew(alias: Pick<AliasInfo, 'functionVersion' | 'additional'>, newVersion: string): number {
  if (alias.functionVersion === newVersion) return alias.additional === undefined ? 100 : Math.round((1 - alias.additional.weight) * 100)
  if (alias.additional?.version === newVersion) return Math.round(alias.additional.weight * 100)
  return 0
}

function summaries(aliases: AliasRelease[], percents: Map<string, number>): AliasSummary[] {
  return aliases.map((alias) => ({logicalId: alias.logicalId, functionName: alias.functionName, alias: alias.alias, oldVersion: alias.oldVersion, newVersion: alias.newVersion, percent: percents.get(alias.logicalId) ?? 0}))
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
