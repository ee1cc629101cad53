import {awsError} from '../../aws/errors.js'
import type {AwsSession} from '../../aws/clients.js'
import {filterLogEvents, stackResourcePhysicalId, type LogEvent} from '../../aws/logs.js'
import {LpackError} from '../../errors.js'

/** The figures of one REPORT line. */
export interface ReportFigures {
  requestId: string
  durationMs: number
  billedDurationMs: number
  memorySizeMb: number
  maxMemoryUsedMb?: number
  initDurationMs?: number
}

export interface LogsSummary {
  invocations: number
  coldStarts: number
  durationMs?: {p50: number; p99: number; max: number}
  maxMemoryUsedMb?: number
  memorySizeMb?: number
  initDurationMs?: {max: number}
}

export interface FunctionLogs {
  functionName: string
  logGroupName: string
  events: (LogEvent & {report?: ReportFigures})[]
  summary: LogsSummary
}

export interface LogsOptions {
  /** A function's logical ID (with stackName) or its name. */
  id: string
  stackName?: string
  /** Only events from this time (ms since the epoch). */
  startTime?: number
  aws: AwsSession
}

/** Reads a function's CloudWatch logs (`/aws/lambda/<name>`), REPORT lines parsed and summarised. */
export async function readFunctionLogs(options: LogsOptions): Promise<FunctionLogs> {
  const functionName = await functionNameOf(options)
  const logGroupName = `/aws/lambda/${functionName}`
  let events: LogEvent[] | undefined
  try {
    events = await filterLogEvents(options.aws, {logGroupName, ...(options.startTime !== undefined ? {startTime: options.startTime} : {})})
  } catch (error) {
    throw awsError(error, `Reading ${logGroupName}`)
  }
  const parsed = (events ?? []).map((event): FunctionLogs['events'][number] => {
    const report = parseReport(event.message)
    return report ? {...event, report} : event
  })
  return {functionName, logGroupName, events: parsed, summary: summarise(parsed.flatMap((event) => (event.report ? [event.report] : [])))}
}

async function functionNameOf(options: LogsOptions): Promise<string> {
  if (!options.stackName) return options.id
  let physical: string | undefined
  try {
    physical = await stackResourcePhysicalId(options.aws, options.stackName, options.id)
  } catch (error) {
    throw awsError(error, `Reading stack ${options.stackName}`)
  }
  if (!physical) throw new LpackError('FUNCTION_NOT_FOUND', `Stack ${options.stackName} has no resource ${options.id}`, {hint: 'Give the function\'s logical ID in the stack, or its name without --stack-name.'})
  return physical
}

/** The figures of Lambda's REPORT line, or undefined for any other line. */
export function parseReport(line: string): ReportFigures | undefined {
  const match = /^REPORT RequestId: (\S+)/.exec(line)
  if (!match) return undefined
  const figure = (label: string) => {
    const found = new RegExp(`${label}: ([\\d.]+) (?:ms|MB)`).exec(line)
    return found ? Number(found[1]) : undefined
  }
  const durationMs = figure('Duration')
  if (durationMs === undefined) return undefined
  const maxMemoryUsedMb = figure('Max Memory Used')
  const initDurationMs = figure('Init Duration')
  return {
    requestId: match[1]!,
    durationMs,
    billedDurationMs: figure('Billed Duration') ?? Math.ceil(durationMs),
    memorySizeMb: figure('Memory Size') ?? 0,
    ...(maxMemoryUsedMb !== undefined ? {maxMemoryUsedMb} : {}),
    ...(initDurationMs !== undefined ? {initDurationMs} : {}),
  }
}

/** Invocations, cold starts, duration percentiles and the peak memory, from the REPORT lines. */
export function summarise(reports: readonly ReportFigures[]): LogsSummary {
  if (reports.length === 0) return {invocations: 0, coldStarts: 0}
  const durations = reports.map((report) => report.durationMs).sort((a, b) => a - b)
  const percentile = (p: number) => durations[Math.min(durations.length - 1, Math.ceil((p / 100) * durations.length) - 1)]!
  const memory = reports.flatMap((report) => (report.maxMemoryUsedMb !== undefined ? [report.maxMemoryUsedMb] : []))
  const inits = reports.flatMap((report) => (report.initDurationMs !== undefined ? [report.initDurationMs] : []))
  return {
    invocations: reports.length,
    coldStarts: inits.length,
    durationMs: {p50: percentile(50), p99: percentile(99), max: durations[durations.length - 1]!},
    ...(memory.length > 0 ? {maxMemoryUsedMb: Math.max(...memory)} : {}),
    memorySizeMb: reports[reports.length - 1]!.memorySizeMb,
    ...(inits.length > 0 ? {initDurationMs: {max: Math.max(...inits)}} : {}),
  }
}

/** One log line for people: the time, and a REPORT line shortened to its figures. */
export function formatLogEvent(event: FunctionLogs['events'][number]): string {
  const time = new Date(event.timestamp).toISOString()
  if (!event.report) return `${time}  ${event.message.replace(/\n$/, '')}`
  const r = event.report
  const memory = r.maxMemoryUsedMb !== undefined ? ` · ${r.maxMemoryUsedMb}/${r.memorySizeMb} MB` : ` · ${r.memorySizeMb} MB`
  const cold = r.initDurationMs !== undefined ? ` · cold start, init ${r.initDurationMs.toFixed(2)} ms` : ''
  return `${time}  REPORT ${r.requestId.slice(0, 8)} ${r.durationMs.toFixed(2)} ms (billed ${r.billedDurationMs} ms)${memory}${cold}`
}

/** The summary as one line. */
export function formatSummary(summary: LogsSummary): string {
  if (summary.invocations === 0) return 'no invocations in these logs'
  const d = summary.durationMs!
  const memory = summary.maxMemoryUsedMb !== undefined ? `; max memory used ${summary.maxMemoryUsedMb} of ${summary.memorySizeMb} MB` : ''
  const cold = summary.coldStarts > 0 ? `; ${summary.coldStarts} cold start(s), init up to ${summary.initDurationMs!.max.toFixed(2)} ms` : ''
  return `${summary.invocations} invocation(s): duration p50 ${d.p50.toFixed(2)} ms, p99 ${d.p99.toFixed(2)} ms, max ${d.max.toFixed(2)} ms${memory}${cold}`
}

/**
 * `--tail`: the logs so far, then every new event as it arrives (polled each `intervalMs`), until `signal` aborts.
 * Events already shown are not shown again (CloudWatch may return an event of the same millisecond twice).
 */
export async function tailFunctionLogs(options: LogsOptions & {intervalMs?: number; signal: AbortSignal; onEvents(events: FunctionLogs['events'], logs: FunctionLogs): void}): Promise<FunctionLogs> {
  const seen = new Set<string>()
  const all: FunctionLogs['events'] = []
  let startTime = options.startTime
  let last: FunctionLogs | undefined
  while (!options.signal.aborted) {
    last = await readFunctionLogs({...options, ...(startTime !== undefined ? {startTime} : {})})
    const fresh = last.events.filter((event) => !seen.has(event.eventId || `${event.timestamp}/${event.logStreamName}/${event.message}`))
    for (const event of fresh) seen.add(event.eventId || `${event.timestamp}/${event.logStreamName}/${event.message}`)
    if (fresh.length > 0) {
      all.push(...fresh)
      startTime = Math.max(...fresh.map((event) => event.timestamp))
      options.onEvents(fresh, last)
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.intervalMs ?? 1000)
      options.signal.addEventListener('abort', () => {
        clearTimeout(timer)
        resolve()
      }, {once: true})
    })
  }
  const functionName = last?.functionName ?? options.id
  return {functionName, logGroupName: `/aws/lambda/${functionName}`, events: all, summary: summarise(all.flatMap((event) => (event.report ? [event.report] : [])))}
}

/** The AWS session of `lpack logs`' flags. */
export async function logsSession(flags: {region?: string; profile?: string; endpointUrl?: string}): Promise<AwsSession> {
  const {AwsSession} = await import('../../aws/clients.js')
  return new AwsSession({...(flags.region ? {region: flags.region} : {}), ...(flags.profile ? {profile: flags.profile} : {}), ...(flags.endpointUrl ? {endpointUrl: flags.endpointUrl} : {})})
}
