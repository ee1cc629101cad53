import type {InvokeResult} from '../core/invoke/execution-environment.js'
import type {Reporter} from '../io/reporter.js'
import type {MotoSessions} from './function-source.js'
import {evaluateAlarm, invocationMetrics, type MetricDatum, MetricStore} from './metrics.js'

/** One finished (or throttled) invocation, for the logs and metrics. */
export interface InvocationRecord {
  functionName: string
  region: string
  /** What the caller named: the function, `name:alias` or `name:version` (CloudWatch's Resource dimension). */
  resource: string
  /** The version that ran (or would have). */
  version: string
  /** The CloudWatch Logs stream of the environment that ran it. */
  logStream?: string
  result?: InvokeResult
  throttled: boolean
  timestampMs: number
}

/**
 * What Lambda writes about every invocation: the log lines (START, the function's own, END, REPORT) into
 * CloudWatch Logs `/aws/lambda/<name>`, one stream per execution environment, and the metrics Invocations,
 * Errors, Throttles and Duration into CloudWatch; and the evaluation of metric alarms on them, which moto lacks.
 */
export class Observability {
  readonly metrics = new MetricStore()
  private readonly streams = new Map<string, Promise<void>>()
  private chain: Promise<void> = Promise.resolve()
  private alarmTimer?: NodeJS.Timeout
  private evaluating = false

  constructor(private readonly sessions: MotoSessions, private readonly reporter: Reporter, private readonly defaultRegion: string) {}

  record(record: InvocationRecord): void {
    const {result} = record
    const data = invocationMetrics({functionName: record.functionName, resource: record.resource, executedVersion: record.version, ...(result ? {durationMs: result.report.durationMs} : {}), failed: result?.failed ?? false, throttled: record.throttled, timestampMs: record.timestampMs})
    // The alarm evaluator sees the datum at once, not when the writes queued before it have reached moto: under
    // load that queue falls behind by many seconds, and an alarm would miss the errors of a seconds-long canary.
    this.metrics.add(data)
    // One invocation after another, so that a stream's events arrive in order.
    this.chain = this.chain.then(() => this.write(record, data)).catch((error: unknown) => {
      this.reporter.emit({kind: 'local.observability-failed', data: {resource: record.resource, error: (error as Error).message}})
    })
  }

  /** Settles once everything recorded so far is written. */
  flushed(): Promise<void> {
    return this.chain
  }

  startAlarms(intervalMs: number): void {
    this.alarmTimer = setInterval(() => void this.evaluateAlarms(), intervalMs)
    this.alarmTimer.unref()
  }

  stop(): void {
    clearInterval(this.alarmTimer)
  }

  private async write(record: InvocationRecord, data: MetricDatum[]): Promise<void> {
    const {result} = record
    const session = this.sessions.session(record.region)
    const cloudWatch = await import('@aws-sdk/client-cloudwatch')
    const metricsClient = await session.cloudWatch()
    await metricsClient.send(new cloudWatch.PutMetricDataCommand({
      Namespace: 'AWS/Lambda',
      MetricData: data.map((datum) => ({MetricName: datum.name, Dimensions: datum.dimensions, Value: datum.value, Unit: datum.unit, Timestamp: new Date(datum.timestampMs)})),
    }))
    if (!result || !record.logStream || result.logs.length === 0) return
    const logs = await import('@aws-sdk/client-cloudwatch-logs')
    const logsClient = await session.cloudWatchLogs()
    const group = `/aws/lambda/${record.functionName}`
    const streamKey = `${record.region}${group}/${record.logStream}`
    let created = this.streams.get(streamKey)
    if (!created) {
      created = (async () => {
        await logsClient.send(new logs.CreateLogGroupCommand({logGroupName: group})).catch((error: {name?: string}) => {
          if (error.name !== 'ResourceAlreadyExistsException') throw error
        })
        await logsClient.send(new logs.CreateLogStreamCommand({logGroupName: group, logStreamName: record.logStream}))
      })()
      this.streams.set(streamKey, created)
    }
    await created
    await logsClient.send(new logs.PutLogEventsCommand({logGroupName: group, logStreamName: record.logStream, logEvents: result.logs.map((line) => ({timestamp: record.timestampMs, message: line}))}))
  }

  private async evaluateAlarms(): Promise<void> {
    if (this.evaluating) return
    this.evaluating = true
    try {
      const cloudWatch = await import('@aws-sdk/client-cloudwatch')
      const client = await this.sessions.session(this.defaultRegion).cloudWatch()
      const {MetricAlarms = []} = await client.send(new cloudWatch.DescribeAlarmsCommand({}))
      const now = Date.now()
      for (const alarm of MetricAlarms) {
        const verdict = evaluateAlarm(alarm, this.metrics, now)
        if (!verdict || verdict.state === alarm.StateValue || !alarm.AlarmName) continue
        await client.send(new cloudWatch.SetAlarmStateCommand({AlarmName: alarm.AlarmName, StateValue: verdict.state, StateReason: verdict.reason}))
        this.reporter.emit({kind: 'local.alarm', data: {alarmName: alarm.AlarmName, from: alarm.StateValue ?? 'INSUFFICIENT_DATA', to: verdict.state}})
      }
    } catch (error) {
      this.reporter.emit({kind: 'local.alarm-failed', data: {error: (error as Error).message}})
    } finally {
      this.evaluating = false
    }
  }
}
