/**
 * Lambda's metrics as the local data plane records them, and CloudWatch metric alarms on them evaluated here:
 * moto stores alarms and metric data but never evaluates an alarm, and matches dimensions as a subset (an alarm on
 * FunctionName alone would also count every datum that has FunctionName among others), where CloudWatch matches
 * the exact set.
 */

export interface MetricDimension {
  Name: string
  Value: string
}

export interface MetricDatum {
  name: string
  dimensions: MetricDimension[]
  value: number
  unit: 'Count' | 'Milliseconds'
  timestampMs: number
}

/** The datapoints of one invocation, per dimension set Lambda publishes (function; alias or version; executed version). */
export function invocationMetrics(input: {functionName: string; resource?: string; executedVersion: string; durationMs?: number; failed: boolean; throttled: boolean; timestampMs: number}): MetricDatum[] {
  const sets: MetricDimension[][] = [[{Name: 'FunctionName', Value: input.functionName}]]
  if (input.resource && input.resource !== input.functionName) {
    const resource = [{Name: 'FunctionName', Value: input.functionName}, {Name: 'Resource', Value: input.resource}]
    sets.push(resource, [...resource, {Name: 'ExecutedVersion', Value: input.executedVersion}])
  }
  const values: {name: string; value: number; unit: MetricDatum['unit']}[] = input.throttled
    ? [{name: 'Throttles', value: 1, unit: 'Count'}]
    : [
        {name: 'Invocations', value: 1, unit: 'Count'},
        {name: 'Errors', value: input.failed ? 1 : 0, unit: 'Count'},
        ...(input.durationMs === undefined ? [] : [{name: 'Duration', value: input.durationMs, unit: 'Milliseconds' as const}]),
      ]
  return sets.flatMap((dimensions) => values.map((value) => ({...value, dimensions, timestampMs: input.timestampMs})))
}

/** The metric data recorded in the last hour, kept in memory for the alarm evaluator. */
export class MetricStore {
  private data: MetricDatum[] = []

  add(data: readonly MetricDatum[]): void {
    this.data.push(...data)
    const horizon = Date.now() - 3_600_000
    if (this.data.length > 0 && this.data[0]!.timestampMs < horizon) this.data = this.data.filter((datum) => datum.timestampMs >= horizon)
  }

  values(name: string, dimensions: readonly MetricDimension[], fromMs: number, toMs: number): {value: number; timestampMs: number}[] {
    const key = dimensionKey(dimensions)
    return this.data.filter((datum) => datum.name === name && datum.timestampMs >= fromMs && datum.timestampMs < toMs && dimensionKey(datum.dimensions) === key)
  }
}

function dimensionKey(dimensions: readonly MetricDimension[]): string {
  return dimensions.map((d) => `${d.Name}=${d.Value}`).sort().join('\n')
}

/** The parts of a CloudWatch metric alarm the evaluator reads (DescribeAlarms' MetricAlarm). */
export interface AlarmDefinition {
  AlarmName?: string
  Namespace?: string
  MetricName?: string
  Dimensions?: {Name?: string; Value?: string}[]
  Statistic?: string
  Period?: number
  EvaluationPeriods?: number
  DatapointsToAlarm?: number
  Threshold?: number
  ComparisonOperator?: string
  TreatMissingData?: string
  StateValue?: string
  StateReason?: string
  StateUpdatedTimestamp?: Date
}

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'

/** Named in the reasons of the states the evaluator sets, to tell them from states set by others. */
const EVALUATOR = 'lpack local'

/**
 * An alarm's state from the data: the last EvaluationPeriods periods (aligned to the period, the current one
 * included, so that a local alarm reacts within seconds rather than after a whole period), ALARM when at least
 * DatapointsToAlarm of them breach; periods without data count as TreatMissingData says (default: missing).
 * Undefined when the alarm is not on a metric the local data plane records, or the state should not change.
 */
export function evaluateAlarm(alarm: AlarmDefinition, store: MetricStore, nowMs: number): {state: AlarmState; reason: string} | undefined {
  if (alarm.Namespace !== 'AWS/Lambda' || !alarm.MetricName || !alarm.Period || alarm.Threshold === undefined || !alarm.ComparisonOperator) return undefined
  // A state someone set (SetAlarmState) holds until the alarm's next evaluation, a period later, as in CloudWatch.
  const setByOthers = alarm.StateReason !== undefined && !alarm.StateReason.includes(EVALUATOR) && !alarm.StateReason.startsWith('Unchecked')
  if (setByOthers && alarm.StateUpdatedTimestamp && nowMs - alarm.StateUpdatedTimestamp.getTime() < alarm.Period * 1000) return undefined
  const periodMs = alarm.Period * 1000
  const periods = Math.max(1, alarm.EvaluationPeriods ?? 1)
  const needed = Math.min(periods, Math.max(1, alarm.DatapointsToAlarm ?? periods))
  const dimensions = (alarm.Dimensions ?? []).map((d) => ({Name: d.Name ?? '', Value: d.Value ?? ''}))
  const currentStart = Math.floor(nowMs / periodMs) * periodMs
  let breaching = 0
  let withData = 0
  const figures: string[] = []
  for (let index = periods - 1; index >= 0; index--) {
    const start = currentStart - index * periodMs
    const values = store.values(alarm.MetricName, dimensions, start, start + periodMs).map((datum) => datum.value)
    if (values.length === 0) {
      if (alarm.TreatMissingData === 'breaching') breaching++
      continue
    }
    withData++
    const figure = statistic(alarm.Statistic ?? 'Average', values)
    figures.push(String(Math.round(figure * 1000) / 1000))
    if (compare(alarm.ComparisonOperator, figure, alarm.Threshold)) breaching++
  }
  const reason = `Threshold Crossed: ${figures.length} datapoint(s) [${figures.join(', ')}] evaluated by ${EVALUATOR} against ${alarm.ComparisonOperator} ${alarm.Threshold}`
  if (breaching >= needed) return {state: 'ALARM', reason}
  if (withData > 0 || alarm.TreatMissingData === 'notBreaching') return {state: 'OK', reason}
  if (alarm.TreatMissingData === 'ignore') return undefined
  return {state: 'INSUFFICIENT_DATA', reason: `No datapoints in the evaluation periods (${EVALUATOR})`}
}

function statistic(name: string, values: readonly number[]): number {
  switch (name) {
    case 'Sum':
      return values.reduce((a, b) => a + b, 0)
    case 'Maximum':
      return Math.max(...values)
    case 'Minimum':
      return Math.min(...values)
    case 'SampleCount':
      return values.length
    default:
      return values.reduce((a, b) => a + b, 0) / values.length
  }
}

function compare(operator: string, value: number, threshold: number): boolean {
  switch (operator) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold
    case 'GreaterThanThreshold':
      return value > threshold
    case 'LessThanThreshold':
      return value < threshold
    case 'LessThanOrEqualToThreshold':
      return value <= threshold
    default:
      return false
  }
}
