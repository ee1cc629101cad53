/**
 * Traffic schedules: what share of an alias's traffic the new version gets, and when. Pure: no clock, no AWS.
 *
 * The predefined types are SAM's (aws-sam-translator's CODEDEPLOY_PREDEFINED_CONFIGURATIONS_LIST), each naming
 * CodeDeploy's `CodeDeployDefault.Lambda<Type>`. CodeDeploy's TimeBasedCanary shifts its percentage at the start
 * and the rest after the interval; TimeBasedLinear shifts its percentage "at the start of each increment", with
 * the interval between increments, so Linear10PercentEvery1Minute is at 10 % at 0:00 and at 100 % at 9:00.
 * lpack's own engine also takes seconds (`Canary10Percent30Seconds`), for short releases and tests.
 */
import {LpackError} from '../../errors.js'

/** SAM's predefined DeploymentPreference types, in SAM's order. */
export const PREDEFINED_TYPES = [
  'Canary10Percent5Minutes',
  'Canary10Percent10Minutes',
  'Canary10Percent15Minutes',
  'Canary10Percent30Minutes',
  'Linear10PercentEvery1Minute',
  'Linear10PercentEvery2Minutes',
  'Linear10PercentEvery3Minutes',
  'Linear10PercentEvery10Minutes',
  'AllAtOnce',
] as const

export interface TrafficStep {
  /** Milliseconds after the shift started (after every PreTraffic hook passed) when this weight is set. */
  atMs: number
  /** Percent of the alias's traffic on the new version, 1–100. */
  percent: number
}

export interface TrafficSchedule {
  /** The DeploymentPreference Type as written (without CodeDeploy's `CodeDeployDefault.Lambda` prefix). */
  type: string
  kind: 'canary' | 'linear' | 'all-at-once'
  /** Ascending in time and in percent; the last step is 100 %. */
  steps: TrafficStep[]
}

const UNIT_MS = {Second: 1000, Seconds: 1000, Minute: 60_000, Minutes: 60_000} as const
const CANARY = /^Canary(\d+)Percent(\d+)(Seconds?|Minutes?)$/
const LINEAR = /^Linear(\d+)PercentEvery(\d+)(Seconds?|Minutes?)$/
const CODEDEPLOY_PREFIX = 'CodeDeployDefault.Lambda'

/**
 * The schedule a DeploymentPreference Type names, or a TEMPLATE_INVALID error saying which types exist.
 * Percent is an integer 1–99 for a canary and 1–100 for a linear shift; the interval a positive integer.
 */
export function planSchedule(type: string): TrafficSchedule {
  const name = type.startsWith(CODEDEPLOY_PREFIX) ? type.slice(CODEDEPLOY_PREFIX.length) : type
  if (name === 'AllAtOnce') return {type: name, kind: 'all-at-once', steps: [{atMs: 0, percent: 100}]}
  const canary = CANARY.exec(name)
  if (canary) {
    const percent = integerIn(canary[1]!, 1, 99, type, 'canary percentage')
    const intervalMs = interval(canary[2]!, canary[3]!, type)
    return {type: name, kind: 'canary', steps: [{atMs: 0, percent}, {atMs: intervalMs, percent: 100}]}
  }
  const linear = LINEAR.exec(name)
  if (linear) {
    const percent = integerIn(linear[1]!, 1, 100, type, 'linear percentage')
    const intervalMs = interval(linear[2]!, linear[3]!, type)
    const steps: TrafficStep[] = []
    for (let index = 0; ; index++) {
      const next = Math.min(100, (index + 1) * percent)
      steps.push({atMs: index * intervalMs, percent: next})
      if (next === 100) break
    }
    return {type: name, kind: 'linear', steps}
  }
  throw new LpackError('TEMPLATE_INVALID', `DeploymentPreference Type ${JSON.stringify(type)} is not a schedule lpack's traffic engine knows`, {
    hint: `Use one of ${PREDEFINED_TYPES.join(', ')}, or Canary<P>Percent<N>Minutes|Seconds, Linear<P>PercentEvery<N>Minutes|Seconds. A custom CodeDeploy deployment config needs --traffic-engine codedeploy.`,
    details: {type},
  })
}

/** The percent on the new version `elapsedMs` after the shift started: the last step whose time has come. */
export function percentAt(schedule: TrafficSchedule, elapsedMs: number): number {
  let percent = 0
  for (const step of schedule.steps) {
    if (step.atMs <= elapsedMs) percent = step.percent
  }
  return percent
}

/** Milliseconds from the start of the shift to 100 %. */
export function scheduleDurationMs(schedule: TrafficSchedule): number {
  return schedule.steps.at(-1)!.atMs
}

function interval(count: string, unit: string, type: string): number {
  const value = integerIn(count, 1, Number.MAX_SAFE_INTEGER, type, 'interval')
  // "1Minutes" is how CodeDeploy's own names read for ECS; the singular only fits 1.
  if ((unit === 'Minute' || unit === 'Second') && value !== 1) throw badNumber(type, `"${count}${unit}" needs the plural`)
  return value * UNIT_MS[unit as keyof typeof UNIT_MS]
}

function integerIn(text: string, min: number, max: number, type: string, what: string): number {
  const value = Number(text)
  if (!/^(0|[1-9]\d*)$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) throw badNumber(type, `the ${what} must be a whole number from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'up' : max}, got ${text}`)
  return value
}

function badNumber(type: string, why: string): LpackError {
  return new LpackError('TEMPLATE_INVALID', `DeploymentPreference Type ${JSON.stringify(type)}: ${why}`, {details: {type}})
}
