import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {RecordingReporter} from '../../src/io/reporter.js'
import {runRelease, percentOnNew} from '../../src/core/traffic/engine.js'
import {decodeMarker} from '../../src/core/traffic/marker.js'
import {planSchedule} from '../../src/core/traffic/schedule.js'
import type {AliasRelease, ReleasePlan, TrafficHook} from '../../src/core/traffic/types.js'
import {FakeAlarms, FakeClock, FakeLambda, type AliasChange} from './traffic-fakes.js'

const MINUTE = 60_000
const POLL = 10_000
const ROLE = 'arn:aws:iam::123456789012:role/app'

function aliasRelease(logicalId: string, type: string, extra: Partial<AliasRelease> = {}): AliasRelease {
  return {
    logicalId,
    functionName: `stack-${logicalId}`,
    alias: 'live',
    aliasArn: `arn:aws:lambda:us-east-1:123456789012:function:stack-${logicalId}:live`,
    oldVersion: '1',
    newVersion: '2',
    schedule: planSchedule(type),
    alarms: [],
    hooks: {preTraffic: [], postTraffic: []},
    ...extra,
  }
}

function setup(aliases: AliasRelease[], alarmState?: (name: string, time: number) => 'OK' | 'ALARM') {
  const clock = new FakeClock()
  const lambda = new FakeLambda(clock)
  for (const alias of aliases) lambda.addFunction(alias.functionName, [{role: ROLE}, {role: ROLE}], {name: 'live', version: '1'})
  const alarms = new FakeAlarms(clock, alarmState)
  const reporter = new RecordingReporter()
  const plan: ReleasePlan = {stackName: 'stack', releaseId: 'r1', region: 'us-east-1', aliases}
  const options = {lambda, alarms, clock, reporter, pollIntervalMs: POLL, hookTimeoutMs: 1000}
  return {clock, lambda, alarms, reporter, plan, options}
}

/** The timeline of one alias: [ms, percent on the new version]. */
function timeline(changes: AliasChange[], functionName: string): [number, number][] {
  return changes.filter((change) => change.functionName === functionName).map((change) => [change.at, percentOnNew(change, '2')])
}

let dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, {recursive: true, force: true})))
  dirs = []
})

describe('#16.3 lpack engine: weights follow the schedule', () => {
  it('Canary10Percent5Minutes: 0 % with the marker, 10 % at once, 100 % after 5 minutes', async () => {
    const {lambda, plan, options} = setup([aliasRelease('Fn', 'Canary10Percent5Minutes')])
    const outcome = await runRelease(plan, options)
    expect(outcome.kind).toBe('released')
    expect(timeline(lambda.changes, 'stack-Fn')).toEqual([[0, 0], [0, 10], [5 * MINUTE, 100], [5 * MINUTE, 100]])
    const alias = await lambda.getAlias('stack-Fn', 'live')
    expect(alias).toMatchObject({functionVersion: '2', description: ''})
    expect(alias?.additional).toBeUndefined()
    // While it ran, every change carried the marker.
    expect(lambda.changes.slice(0, -1).every((change) => decodeMarker(change.description)?.id === 'r1')).toBe(true)
  })

  it('Linear10PercentEvery1Minute: +10 % each minute, two functions in parallel', async () => {
    const {lambda, plan, options} = setup([aliasRelease('A', 'Linear10PercentEvery1Minute'), aliasRelease('B', 'Linear10PercentEvery1Minute')])
    expect((await runRelease(plan, options)).kind).toBe('released')
    const expected: [number, number][] = [[0, 0], ...Array.from({length: 10}, (_, k) => [k * MINUTE, (k + 1) * 10] as [number, number]), [9 * MINUTE, 100]]
    expect(timeline(lambda.changes, 'stack-A')).toEqual(expected)
    expect(timeline(lambda.changes, 'stack-B')).toEqual(expected)
  })

  it('the routing uses one additional version with weight percent/100, never $LATEST', async () => {
    const {lambda, plan, options} = setup([aliasRelease('Fn', 'Linear30PercentEvery2Seconds')])
    await runRelease(plan, options)
    expect(lambda.changes.map((change) => change.additional?.weight)).toEqual([undefined, 0.3, 0.6, 0.9, undefined, undefined])
    expect(lambda.changes.every((change) => change.additional === undefined || (change.functionVersion === '1' && change.additional.version === '2'))).toBe(true)
  })
})

describe('#16.3 lpack engine: rollback', () => {
  it('an alarm in ALARM rolls back within one poll interval and leaves the new version published', async () => {
    const alarmAt = 150_000 + 3_000
    const {lambda, plan, options, alarms} = setup([aliasRelease('Fn', 'Canary10Percent5Minutes', {alarms: ['Errors']})], (_name, time) => (time >= alarmAt ? 'ALARM' : 'OK'))
    const outcome = await runRelease(plan, options)
    expect(outcome).toMatchObject({kind: 'rolled-back', reason: expect.stringContaining('alarm Errors of Fn is in ALARM')})
    const last = lambda.changes.at(-1)!
    expect(last).toMatchObject({functionVersion: '1', description: ''})
    expect(last.additional).toBeUndefined()
    expect(last.at - alarmAt).toBeLessThanOrEqual(POLL)
    expect(last.at).toBeGreaterThanOrEqual(alarmAt)
    expect(Math.max(...timeline(lambda.changes, 'stack-Fn').map(([, percent]) => percent))).toBe(10)
    expect(await lambda.getVersion('stack-Fn', '2')).toBeDefined()
    expect(alarms.polls.length).toBeGreaterThan(10)
  })

  it('polls keep a fixed cadence: rollback within one interval plus one DescribeAlarms, however slow that call', async () => {
    const worst: number[] = []
    for (let alarmAt = 400; alarmAt <= 4000; alarmAt += 50) {
      const {lambda, plan, options, clock} = setup([aliasRelease('Fn', 'Canary10Percent5Minutes', {alarms: ['Errors']})])
      // CloudWatch reads the state when the request arrives; the answer takes 300 ms to come back.
      const slow = {
        describeAlarms: async (names: string[]) => {
          const state = clock.now() >= alarmAt ? ('ALARM' as const) : ('OK' as const)
          await clock.sleep(300)
          return names.map((name) => ({name, state, reason: ''}))
        },
      }
      expect((await runRelease(plan, {...options, alarms: slow, pollIntervalMs: 1000})).kind).toBe('rolled-back')
      worst.push(lambda.changes.at(-1)!.at - alarmAt)
    }
    expect(Math.max(...worst)).toBeLessThanOrEqual(1000 + 300)
  })

  it('one alias failing rolls back every alias of the release', async () => {
    const {lambda, plan, options} = setup([aliasRelease('A', 'Linear10PercentEvery1Minute', {alarms: ['A-Errors']}), aliasRelease('B', 'Linear10PercentEvery1Minute')], (name, time) => (name === 'A-Errors' && time >= 2 * MINUTE ? 'ALARM' : 'OK'))
    const outcome = await runRelease(plan, options)
    expect(outcome.kind).toBe('rolled-back')
    for (const name of ['stack-A', 'stack-B']) {
      expect((await lambda.getAlias(name, 'live'))).toMatchObject({functionVersion: '1'})
      expect((await lambda.getAlias(name, 'live'))?.additional).toBeUndefined()
    }
  })

  it('Ctrl-C / SIGTERM mid-shift rolls back within one poll interval and names the signal', async () => {
    const {lambda, plan, options, clock} = setup([aliasRelease('Fn', 'Linear10PercentEvery1Minute')])
    const interrupt = new AbortController()
    const running = runRelease(plan, {...options, signal: interrupt.signal})
    while (clock.now() < 3 * MINUTE + 5000) await new Promise((resolve) => setImmediate(resolve))
    const at = clock.now()
    interrupt.abort('SIGTERM')
    const outcome = await running
    expect(outcome).toMatchObject({kind: 'rolled-back', reason: 'interrupted by SIGTERM'})
    expect(lambda.changes.at(-1)!.at - at).toBeLessThanOrEqual(POLL)
    expect((await lambda.getAlias('stack-Fn', 'live'))).toMatchObject({functionVersion: '1', description: ''})
  })
})

describe('#16.4 Lambda hooks', () => {
  const hook = (name: string): TrafficHook => ({kind: 'lambda', functionName: name})

  it('PreTraffic runs with a CodeDeploy-shaped event before the new version takes any traffic; PostTraffic at 100 %', async () => {
    const {lambda, plan, options} = setup([aliasRelease('Fn', 'Canary10Percent5Minutes', {hooks: {preTraffic: [hook('pre')], postTraffic: [hook('post')]}})])
    const seen: {name: string; percent: number}[] = []
    for (const name of ['pre', 'post']) {
      lambda.handlers.set(name, () => {
        seen.push({name, percent: percentOnNew(lambda.functions.get('stack-Fn')!.aliases.get('live')!, '2')})
        return {statusCode: 200, payload: '{"status":"Succeeded"}'}
      })
    }
    expect((await runRelease(plan, options)).kind).toBe('released')
    expect(seen).toEqual([{name: 'pre', percent: 0}, {name: 'post', percent: 100}])
    const event = JSON.parse(lambda.invocations[0]!.payload) as Record<string, string>
    expect(Object.keys(event).sort()).toEqual(['DeploymentId', 'LifecycleEventHookExecutionId'])
    expect(event.DeploymentId).toMatch(/^d-[A-Z0-9]{9}$/)
  })

  it.each([
    ['a function error', {statusCode: 200, functionError: 'Unhandled', payload: '{"errorMessage":"boom"}'}, 'failed (Unhandled)'],
    ['a payload {"status": "Failed"}', {statusCode: 200, payload: '{"status":"Failed"}'}, 'returned status Failed'],
  ])('a PreTraffic hook failing with %s: no traffic ever reaches the new version', async (_what, answer, text) => {
    const {lambda, plan, options} = setup([aliasRelease('Fn', 'Canary10Percent5Minutes', {hooks: {preTraffic: [hook('pre')], postTraffic: []}})])
    lambda.handlers.set('pre', () => answer)
    const outcome = await runRelease(plan, options)
    expect(outcome).toMatchObject({kind: 'rolled-back', reason: expect.stringContaining(text)})
    expect(timeline(lambda.changes, 'stack-Fn').every(([, percent]) => percent === 0)).toBe(true)
  })

  it('a PostTraffic hook failing rolls back from 100 %', async () => {
    const {lambda, plan, options} = setup([aliasRelease('Fn', 'AllAtOnce', {hooks: {preTraffic: [], postTraffic: [hook('post')]}})])
    lambda.handlers.set('post', () => ({statusCode: 200, payload: '{"status":"Failed"}'}))
    const outcome = await runRelease(plan, options)
    expect(outcome.kind).toBe('rolled-back')
    expect(timeline(lambda.changes, 'stack-Fn').map(([, percent]) => percent)).toEqual([0, 100, 0])
  })
})

describe('#16.3 alias rules checked on the live versions before any change', () => {
  it.each([
    ['a different role', [{role: ROLE}, {role: 'arn:aws:iam::123456789012:role/other'}], 'runs as'],
    ['a different dead-letter target', [{role: ROLE, dlq: 'arn:aws:sqs:us-east-1:123456789012:a'}, {role: ROLE}], 'dead-letter target'],
  ])('versions with %s are refused with TRAFFIC_REFUSED, nothing changed', async (_what, versions, text) => {
    const {lambda, plan, options} = setup([])
    plan.aliases = [aliasRelease('Fn', 'AllAtOnce')]
    lambda.addFunction('stack-Fn', versions, {name: 'live', version: '1'})
    await expect(runRelease(plan, options)).rejects.toMatchObject({code: 'TRAFFIC_REFUSED', message: expect.stringContaining(text)})
    expect(lambda.changes).toEqual([])
  })

  it('$LATEST is refused', async () => {
    const {lambda, plan, options} = setup([aliasRelease('Fn', 'AllAtOnce', {newVersion: '$LATEST'})])
    await expect(runRelease(plan, options)).rejects.toMatchObject({code: 'TRAFFIC_REFUSED', message: expect.stringContaining('$LATEST')})
    expect(lambda.changes).toEqual([])
  })
})

describe('#16.5 resume and #16.6 record', () => {
  it('resuming at the canary step waits one full interval, then finishes', async () => {
    const {lambda, plan, options} = setup([aliasRelease('Fn', 'Canary10Percent5Minutes')])
    const outcome = await runRelease(plan, options, new Map([['Fn', {phase: 'shifting', percent: 10}]]))
    expect(outcome.kind).toBe('released')
    expect(timeline(lambda.changes, 'stack-Fn')).toEqual([[5 * MINUTE, 100], [5 * MINUTE, 100]])
  })

  it('writes .lpack/releases/<stack>-<time>.json with steps, hooks and alarms', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lpack-release-'))
    dirs.push(dir)
    const {plan, options} = setup([aliasRelease('Fn', 'Canary10Percent5Minutes', {alarms: ['E']})], (_n, time) => (time > MINUTE ? 'ALARM' : 'OK'))
    const outcome = await runRelease(plan, {...options, recordDir: dir})
    expect(outcome.recordFile).toBe(join(dir, 'stack-19700101T000000000Z.json'))
    const record = JSON.parse(await readFile(outcome.recordFile!, 'utf8'))
    expect(record).toMatchObject({version: 1, stackName: 'stack', outcome: 'rolled-back', alarms: [{name: 'E', state: 'ALARM', logicalId: 'Fn'}]})
    expect(record.steps.map((step: {percent: number}) => step.percent)).toEqual([0, 10, 0])
  })
})
