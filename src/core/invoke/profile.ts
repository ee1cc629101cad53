import type {Reporter} from '../events.js'
import {ExecutionEnvironment, type InvokeResult} from './execution-environment.js'
import {prepareFunction, type InvokeOptions} from './index.js'

/**
 * `lpack invoke --profile-memory N`: the measuring Lambda's guidance asks for before choosing MemorySize and
 * Timeout — invoke N times in one execution environment (the first a cold start), read Max Memory Used and the
 * durations, and recommend settings — without a deploy.
 */

/** Headroom over the p99 of Max Memory Used before rounding up to the next 64 MB step. */
export const MEMORY_HEADROOM = 1.2
export const MEMORY_STEP_MB = 64
/** The Timeout recommended: this many times the slowest invocation (its init included). */
export const TIMEOUT_FACTOR = 3

export interface Percentiles {
  min: number
  p50: number
  p90: number
  p99: number
  max: number
}

export interface MemoryProfile {
  functionId: string
  invocations: number
  failures: number
  memorySizeMb: number
  timeoutSeconds: number
  /** Undefined where the platform does not measure memory. */
  maxMemoryUsedMb?: Percentiles
  /** Every invocation's Duration (the cold one included). */
  durationMs: Percentiles
  /** The cold start's Init Duration. */
  initDurationMs?: number
  recommendation: {
    memorySizeMb?: number
    timeoutSeconds: number
    notes: string[]
  }
}

/** Nearest-rank percentile of numbers sorted ascending. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[Math.min(rank, sorted.length) - 1]!
}

function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b)
  const round = (n: number) => Math.round(n * 100) / 100
  return {min: round(sorted[0] ?? 0), p50: round(percentile(sorted, 50)), p90: round(percentile(sorted, 90)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? 0)}
}

/** The profile of a run's results, and the settings it recommends. Pure. */
export function summarizeProfile(functionId: string, fn: {memoryMb: number; timeoutSeconds: number}, results: readonly InvokeResult[]): MemoryProfile {
  const memory = results.map((r) => r.report.maxMemoryUsedMb).filter((m): m is number => m !== undefined)
  const durations = results.map((r) => r.report.durationMs)
  const initDurationMs = results.find((r) => r.report.initDurationMs !== undefined)?.report.initDurationMs
  const failures = results.filter((r) => r.failed).length
  const notes: string[] = []
  const maxMemoryUsedMb = memory.length > 0 ? percentiles(memory) : undefined
  let memorySizeMb: number | undefined
  if (maxMemoryUsedMb) {
    memorySizeMb = Math.min(10_240, Math.max(128, Math.ceil((maxMemoryUsedMb.p99 * MEMORY_HEADROOM) / MEMORY_STEP_MB) * MEMORY_STEP_MB))
    notes.push(`MemorySize: p99 of Max Memory Used (${maxMemoryUsedMb.p99} MB) + ${Math.round((MEMORY_HEADROOM - 1) * 100)} %, up to the next ${MEMORY_STEP_MB} MB step (at least 128 MB)`)
    if (maxMemoryUsedMb.max >= fn.memoryMb) notes.push(`An invocation reached the MemorySize (${fn.memoryMb} MB) and was stopped: raise MemorySize and profile again to see what the function needs`)
  } else {
    notes.push('Max Memory Used is not measured on this platform (Linux /proc is needed): no MemorySize recommended')
  }
  const slowest = Math.max(0, ...results.map((r) => r.report.durationMs + (r.report.initDurationMs ?? 0)))
  const timeoutSeconds = Math.min(900, Math.max(1, Math.ceil((slowest * TIMEOUT_FACTOR) / 1000)))
  notes.push(`Timeout: ${TIMEOUT_FACTOR} x the slowest invocation with its init (${slowest.toFixed(2)} ms), in whole seconds; load-test with real downstream services before relying on it`)
  if (results.some((r) => r.timedOut)) notes.push(`An invocation timed out at ${fn.timeoutSeconds} s: raise Timeout and profile again`)
  if (failures > 0) notes.push(`${failures} of ${results.length} invocations failed: the figures include them`)
  return {
    functionId,
    invocations: results.length,
    failures,
    memorySizeMb: fn.memoryMb,
    timeoutSeconds: fn.timeoutSeconds,
    ...(maxMemoryUsedMb ? {maxMemoryUsedMb} : {}),
    durationMs: percentiles(durations),
    ...(initDurationMs !== undefined ? {initDurationMs: Math.round(initDurationMs * 100) / 100} : {}),
    recommendation: {...(memorySizeMb !== undefined ? {memorySizeMb} : {}), timeoutSeconds, notes},
  }
}

/** Invokes `count` times in one execution environment (a new one after a timeout or a crash) and profiles the runs. */
export async function profileFunction(options: InvokeOptions & {event: Buffer; count: number}): Promise<MemoryProfile> {
  // The function's own log lines are detail here (shown with --debug); the profile is the result.
  const reporter: Reporter = {emit: (event) => options.reporter.emit(event.kind === 'invoke.log' ? {...event, level: 'debug'} : event)}
  const prepared = await prepareFunction({...options, reporter})
  const environment = new ExecutionEnvironment({fn: prepared.fn, folders: {taskRoot: prepared.taskRoot, optDir: prepared.optDir}, variables: prepared.variables, identity: prepared.identity, hostEnv: prepared.hostEnv, reporter})
  const results: InvokeResult[] = []
  try {
    for (let i = 0; i < options.count; i++) {
      results.push(await environment.invoke({payload: options.event}))
    }
  } finally {
    await environment.dispose()
  }
  return summarizeProfile(options.functionId, prepared.fn, results)
}
