import {describe, expect, it} from 'vitest'

import {parseReport, summarise} from '../../src/core/logs/index.js'
import {parseFunctionName} from '../../src/core/invoke/service.js'
import {pickVersion} from '../../src/local/function-source.js'
import {evaluateAlarm, invocationMetrics, MetricStore, type AlarmDefinition} from '../../src/local/metrics.js'
import {batchItemFailures} from '../../src/local/sqs-poller.js'

describe('lpack local: the data plane\'s pure parts', () => {
  it('#15.2 an alias routes an additional version its weight\'s share, the alias\'s version the rest', () => {
    const draws = Array.from({length: 1000}, (_, index) => pickVersion('1', {'2': 0.1}, index / 1000))
    expect(draws.filter((version) => version === '2')).toHaveLength(100)
    expect(pickVersion('3', undefined, 0)).toBe('3')
    expect(pickVersion('3', {}, 0.5)).toBe('3')
  })

  it('#15.2 reads a function name, name:qualifier, a partial ARN and an ARN', () => {
    expect(parseFunctionName('app-fn', undefined)).toEqual({name: 'app-fn'})
    expect(parseFunctionName('app-fn:live', undefined)).toEqual({name: 'app-fn', qualifier: 'live'})
    expect(parseFunctionName('123456789012:function:app-fn:2', undefined)).toEqual({name: 'app-fn', qualifier: '2'})
    expect(parseFunctionName('arn:aws:lambda:us-east-1:123456789012:function:app-fn', undefined)).toEqual({name: 'app-fn'})
    expect(parseFunctionName('arn:aws:lambda:us-east-1:123456789012:function:app-fn:live', undefined)).toEqual({name: 'app-fn', qualifier: 'live'})
  })

  it('#15.3 a function\'s batchItemFailures name the messages to keep; anything else keeps none', () => {
    expect([...batchItemFailures('{"batchItemFailures": [{"itemIdentifier": "m-2"}, {"itemIdentifier": 7}]}')]).toEqual(['m-2'])
    expect(batchItemFailures('null').size).toBe(0)
    expect(batchItemFailures('not json').size).toBe(0)
  })

  it('#15.4 an alarm on the alias\'s Errors: ALARM at the threshold, counted on the exact dimension set', () => {
    const store = new MetricStore()
    const now = Date.now()
    const alarm: AlarmDefinition = {Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{Name: 'FunctionName', Value: 'fn'}, {Name: 'Resource', Value: 'fn:live'}], Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 2, ComparisonOperator: 'GreaterThanOrEqualToThreshold'}
    expect(evaluateAlarm(alarm, store, now)?.state).toBe('INSUFFICIENT_DATA')
    expect(evaluateAlarm({...alarm, TreatMissingData: 'notBreaching'}, store, now)?.state).toBe('OK')
    store.add(invocationMetrics({functionName: 'fn', resource: 'fn:live', executedVersion: '2', durationMs: 5, failed: true, throttled: false, timestampMs: now}))
    expect(evaluateAlarm(alarm, store, now)?.state).toBe('OK')
    // Errors of the function without the alias do not count for the alias's alarm.
    store.add(invocationMetrics({functionName: 'fn', executedVersion: '$LATEST', durationMs: 5, failed: true, throttled: false, timestampMs: now}))
    expect(evaluateAlarm(alarm, store, now)?.state).toBe('OK')
    store.add(invocationMetrics({functionName: 'fn', resource: 'fn:live', executedVersion: '2', durationMs: 5, failed: true, throttled: false, timestampMs: now}))
    const verdict = evaluateAlarm(alarm, store, now)
    expect(verdict?.state).toBe('ALARM')
    expect(verdict?.reason).toContain('[2]')
    // A state set with SetAlarmState holds for a period, as until CloudWatch's next evaluation.
    const setByTest = {...alarm, StateValue: 'OK', StateReason: 'test: reset', StateUpdatedTimestamp: new Date(now - 30_000)}
    expect(evaluateAlarm(setByTest, store, now)).toBeUndefined()
    expect(evaluateAlarm({...setByTest, StateUpdatedTimestamp: new Date(now - 61_000)}, store, now)?.state).toBe('ALARM')
    // An alarm on a metric the data plane does not publish is left alone.
    expect(evaluateAlarm({...alarm, Namespace: 'AWS/SQS'}, store, now)).toBeUndefined()
  })

  it('#15.4 a throttled invocation counts as Throttles only; an invocation publishes per function, alias and executed version', () => {
    const throttled = invocationMetrics({functionName: 'fn', resource: 'fn:live', executedVersion: '2', failed: false, throttled: true, timestampMs: 0})
    expect(new Set(throttled.map((datum) => datum.name))).toEqual(new Set(['Throttles']))
    const ran = invocationMetrics({functionName: 'fn', resource: 'fn:live', executedVersion: '2', durationMs: 3, failed: false, throttled: false, timestampMs: 0})
    expect(ran.filter((datum) => datum.name === 'Invocations').map((datum) => datum.dimensions.map((d) => d.Name).join('+'))).toEqual(['FunctionName', 'FunctionName+Resource', 'FunctionName+Resource+ExecutedVersion'])
  })

  it('#15.4 REPORT lines parse to their figures and sum up', () => {
    const cold = parseReport('REPORT RequestId: 6f1c\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 45 MB\tInit Duration: 120.50 ms\t')
    expect(cold).toEqual({requestId: '6f1c', durationMs: 12.34, billedDurationMs: 13, memorySizeMb: 128, maxMemoryUsedMb: 45, initDurationMs: 120.5})
    const warm = parseReport('REPORT RequestId: 7a2d\tDuration: 2.00 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 46 MB\t')
    expect(parseReport('START RequestId: 7a2d Version: $LATEST')).toBeUndefined()
    expect(summarise([cold!, warm!])).toEqual({invocations: 2, coldStarts: 1, durationMs: {p50: 2, p99: 12.34, max: 12.34}, maxMemoryUsedMb: 46, memorySizeMb: 128, initDurationMs: {max: 120.5}})
  })
})
