import {type ChildProcess, spawn} from 'node:child_process'
import {cp, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {GetTemplateCommand} from '@aws-sdk/client-cloudformation'
import {CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand} from '@aws-sdk/client-cloudwatch'
import {GetAliasCommand, LambdaClient, ListVersionsByFunctionCommand} from '@aws-sdk/client-lambda'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {LPACK_BIN, runLpack} from '../support/cli.js'
import {motoClients, type MotoServer, MOTO_REGION, startMoto} from '../support/moto.js'

/**
 * lpack's traffic engine end to end on lpack local: lpack deploy → stack update that publishes the new versions
 * while the aliases stay → shift through UpdateAlias RoutingConfig on seconds-scale schedules → the stack updated
 * again so its template names the released versions. Alarms are driven with SetAlarmState here and hooks are
 * commands; traffic-local-plane.test.ts invokes the aliases while they shift and lets lpack local's evaluator set
 * an alarm from real errors. The schedule arithmetic and rollback timing are pinned in traffic-engine.test.ts.
 */
const FIXTURE = new URL('../fixtures/traffic/app', import.meta.url).pathname
const POLL_MS = 200
const ALARM = 'lpack-traffic-errors'

let moto: MotoServer
let cloudFormation: ReturnType<typeof motoClients>['cloudFormation']
let project: string
let lambda: LambdaClient
let cloudWatch: CloudWatchClient
const stack = `lpack-traffic-${process.pid}`
let version = 1

beforeAll(async () => {
  moto = await startMoto()
  // moto's docker-free Lambda is a separate backend that does not see functions CloudFormation created: this file
  // invokes nothing, so it uses the backend CloudFormation writes to.
  await fetch(`${moto.endpoint}/moto-api/config`, {method: 'POST', body: JSON.stringify({lambda: {use_docker: true}})})
  cloudFormation = motoClients(moto.endpoint).cloudFormation
  project = await mkdtemp(join(tmpdir(), 'lpack-traffic-'))
  await cp(FIXTURE, project, {recursive: true})
  const config = {endpoint: moto.endpoint, region: MOTO_REGION, credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'}}
  lambda = new LambdaClient(config)
  cloudWatch = new CloudWatchClient(config)
  await cloudWatch.send(new PutMetricAlarmCommand({AlarmName: ALARM, Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold'}))
})

afterAll(async () => {
  lambda?.destroy()
  cloudWatch?.destroy()
  cloudFormation?.destroy()
  await moto?.stop()
  if (project) await rm(project, {recursive: true, force: true})
})

const DEPLOY = ['deploy', '--stack-name', stack, '--resolve-s3', '--traffic-engine', 'lpack', '--traffic-poll-interval', String(POLL_MS), '--poll-interval', '200']

async function newCode(): Promise<void> {
  version += 1
  await writeFile(join(project, 'src/index.js'), `exports.handler = async () => 'v${version}'\n`)
}

function lpack(args: string[]) {
  return runLpack(args, {cwd: project, env: moto.env})
}

function startLpack(args: string[]): {child: ChildProcess; done: Promise<{exitCode: number | null; signal: NodeJS.Signals | null; stderr: string}>} {
  const child = spawn(process.execPath, [LPACK_BIN, ...args], {cwd: project, env: {...process.env, CI: 'true', NO_COLOR: '1', ...moto.env}, stdio: ['ignore', 'pipe', 'pipe']})
  let stderr = ''
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  child.stdout!.resume()
  const done = new Promise<{exitCode: number | null; signal: NodeJS.Signals | null; stderr: string}>((resolve) => child.on('close', (exitCode, signal) => resolve({exitCode, signal, stderr})))
  return {child, done}
}

async function functionName(logicalId: string): Promise<string> {
  const {ListStackResourcesCommand} = await import('@aws-sdk/client-cloudformation')
  const resources = await cloudFormation.send(new ListStackResourcesCommand({StackName: stack}))
  return resources.StackResourceSummaries!.find((resource) => resource.LogicalResourceId === logicalId)!.PhysicalResourceId!
}

async function alias(fn: string) {
  const answer = await lambda.send(new GetAliasCommand({FunctionName: fn, Name: 'live'}))
  const weights = Object.entries(answer.RoutingConfig?.AdditionalVersionWeights ?? {})
  return {version: answer.FunctionVersion!, additional: weights[0] as [string, number] | undefined, description: answer.Description ?? ''}
}

/** Polls the alias until `stop` resolves: [ms since start, percent on `newVersion`]. */
function recordTimeline(fn: string, newVersion: string, until: Promise<unknown>): Promise<[number, number][]> {
  const started = Date.now()
  const points: [number, number][] = []
  let finished = false
  void until.then(() => (finished = true))
  return (async () => {
    while (!finished) {
      const state = await alias(fn).catch(() => undefined)
      if (state) {
        const percent = state.version === newVersion && !state.additional ? 100 : state.additional?.[0] === newVersion ? Math.round(state.additional[1] * 100) : 0
        if (points.length === 0 || points.at(-1)![1] !== percent) points.push([Date.now() - started, percent])
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return points
  })()
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe().catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function aliasTemplateVersion(aliasLogicalPrefix: string): Promise<unknown> {
  const body = (await cloudFormation.send(new GetTemplateCommand({StackName: stack}))).TemplateBody!
  const template = JSON.parse(body) as {Resources: Record<string, {Type: string; Properties: {FunctionVersion: unknown}}>}
  const [, resource] = Object.entries(template.Resources).find(([id, value]) => id.startsWith(aliasLogicalPrefix) && value.Type === 'AWS::Lambda::Alias')!
  return resource.Properties.FunctionVersion
}

async function versions(fn: string): Promise<string[]> {
  return ((await lambda.send(new ListVersionsByFunctionCommand({FunctionName: fn}))).Versions ?? []).map((v) => v.Version!).filter((v) => v !== '$LATEST')
}

describe('#16 lpack engine against moto', () => {
  let canary: string
  let linear: string

  it('creates the stack: the aliases start on the first version, nothing to shift', async () => {
    const result = await lpack(DEPLOY)
    expect(result.exitCode, result.stderr).toBe(0)
    canary = await functionName('CanaryFn')
    linear = await functionName('LinearFn')
    expect((await alias(canary)).version).toBe('1')
    expect((await alias(linear)).version).toBe('1')
  })

  it('#16.3 canary and linear in parallel: weights follow the schedules, then the template names the new versions', async () => {
    await newCode()
    const run = lpack([...DEPLOY, '--json'])
    const [canaryTimeline, linearTimeline, result] = await Promise.all([recordTimeline(canary, '2', run), recordTimeline(linear, '2', run), run])
    expect(result.exitCode, result.stdout).toBe(0)
    const document = JSON.parse(result.stdout)
    expect(document.release).toMatchObject({kind: 'released', aliases: [{logicalId: 'CanaryFn', oldVersion: '1', newVersion: '2', percent: 100}, {logicalId: 'LinearFn', oldVersion: '1', newVersion: '2', percent: 100}]})
    expect(canaryTimeline.map(([, percent]) => percent)).toEqual([0, 50, 100])
    expect(linearTimeline.map(([, percent]) => percent)).toEqual([0, 34, 68, 100])
    // Canary50Percent4Seconds: 4 s at 50 %; Linear34PercentEvery2Seconds: 2 s per step (± the test's and lpack's polls).
    const held = (timeline: [number, number][], index: number) => timeline[index + 1]![0] - timeline[index]![0]
    expect(held(canaryTimeline, 1)).toBeGreaterThan(4000 - 300)
    expect(held(canaryTimeline, 1)).toBeLessThan(4000 + 1500)
    expect(held(linearTimeline, 1)).toBeGreaterThan(2000 - 300)
    expect(held(linearTimeline, 2)).toBeLessThan(2000 + 1500)
    for (const fn of [canary, linear]) expect(await alias(fn)).toEqual({version: '2', additional: undefined, description: ''})
    // No drift: the template's alias points at the Version resource again (the GetAtt), which is version 2.
    expect(await aliasTemplateVersion('CanaryFnAlias')).toEqual({'Fn::GetAtt': [expect.stringMatching(/^CanaryFnVersion/), 'Version']})
    // The release record.
    const records = await readdir(join(project, '.lpack/releases'))
    expect(records.some((file) => file.startsWith(`${stack}-`) && file.endsWith('.json'))).toBe(true)
  })

  it('#16.3 an alarm in ALARM during the shift → every alias back on the old version, the new one stays published, exit 1', async () => {
    await newCode()
    const running = startLpack(DEPLOY)
    await waitFor(async () => ((await alias(canary)).additional?.[0] === '3' ? true : undefined))
    const alarmSet = Date.now()
    await cloudWatch.send(new SetAlarmStateCommand({AlarmName: ALARM, StateValue: 'ALARM', StateReason: 'test: errors'}))
    const backAt = await waitFor(async () => ((await alias(canary)).additional === undefined && (await alias(canary)).version === '2' ? Date.now() : undefined))
    const result = await running.done
    await cloudWatch.send(new SetAlarmStateCommand({AlarmName: ALARM, StateValue: 'OK', StateReason: 'test: reset'}))
    expect(result.exitCode, result.stderr).toBe(1)
    expect(result.stderr).toContain('TRAFFIC_ROLLED_BACK')
    expect(result.stderr).toContain(`alarm ${ALARM} of CanaryFn is in ALARM`)
    expect(backAt - alarmSet).toBeLessThan(POLL_MS + 1000)
    for (const fn of [canary, linear]) {
      expect(await alias(fn)).toEqual({version: '2', additional: undefined, description: ''})
      expect(await versions(fn)).toContain('3')
    }
    // No drift: the deployed template holds the alias on version 2.
    expect(await aliasTemplateVersion('CanaryFnAlias')).toBe('2')
  })

  it('#16.4 a failing command PreTraffic hook → rollback before any traffic moved; the hook saw the release in its environment', async () => {
    await newCode()
    const seen = join(project, 'hook-env.txt')
    const timeline = lpack([...DEPLOY, '--pre-traffic-hook', `env | grep ^LPACK_ | sort >> ${seen}; exit 3`])
    const [points, result] = await Promise.all([recordTimeline(canary, '4', timeline), timeline])
    expect(result.exitCode, result.stderr).toBe(1)
    expect(result.stderr).toMatch(/PreTraffic hook command .* failed: exit 3/)
    expect(points.every(([, percent]) => percent === 0)).toBe(true)
    const env = await readFile(seen, 'utf8')
    expect(env).toContain(`LPACK_STACK_NAME=${stack}`)
    expect(env).toContain('LPACK_ALIAS=live')
    expect(env).toContain('LPACK_OLD_VERSION=2')
    expect(env).toContain('LPACK_NEW_VERSION=4')
    expect(env).toContain(`LPACK_REGION=${MOTO_REGION}`)
    expect(env).toMatch(/LPACK_ALIAS_ARN=arn:aws:lambda:us-east-1:\d+:function:.*:live/)
    expect(env).toMatch(/LPACK_FUNCTION=(CanaryFn|LinearFn)/)
  })

  it('#16.5 SIGKILL mid-shift: status shows the release in flight, a new deploy refuses, resume finishes it', async () => {
    await newCode()
    const running = startLpack(DEPLOY)
    await waitFor(async () => ((await alias(canary)).additional?.[0] === '5' ? true : undefined))
    running.child.kill('SIGKILL')
    await running.done
    const status = await lpack(['traffic', 'status', '--stack-name', stack, '--json'])
    expect(status.exitCode, status.stderr).toBe(0)
    const document = JSON.parse(status.stdout)
    expect(document.inFlight.map((alias: {logicalId: string}) => alias.logicalId)).toContain('CanaryFn')
    expect(document.inFlight.find((alias: {logicalId: string}) => alias.logicalId === 'CanaryFn')).toMatchObject({marker: {old: '2', new: '5', type: 'Canary50Percent4Seconds', phase: 'shifting'}, percent: 50})
    const human = await lpack(['traffic', 'status', '--stack-name', stack])
    expect(human.stdout).toMatch(/CanaryFn:live .* in flight: 2→5 at 50%/)

    const refused = await lpack(DEPLOY)
    expect(refused.exitCode).toBe(1)
    expect(refused.stderr).toContain('RELEASE_IN_FLIGHT')

    const resumed = await lpack(['traffic', 'resume', '--stack-name', stack, '--traffic-poll-interval', String(POLL_MS)])
    expect(resumed.exitCode, resumed.stderr).toBe(0)
    for (const fn of [canary, linear]) expect(await alias(fn)).toEqual({version: '5', additional: undefined, description: ''})
    expect(await aliasTemplateVersion('CanaryFnAlias')).toEqual({'Fn::GetAtt': [expect.stringMatching(/^CanaryFnVersion/), 'Version']})
    const after = JSON.parse((await lpack(['traffic', 'status', '--stack-name', stack, '--json'])).stdout)
    expect(after.inFlight).toEqual([])
  })

  it('#16.5 SIGKILL mid-shift, then traffic rollback puts every alias back on the old version', async () => {
    await newCode()
    const running = startLpack(DEPLOY)
    await waitFor(async () => ((await alias(canary)).additional?.[0] === '6' ? true : undefined))
    running.child.kill('SIGKILL')
    await running.done
    const rolledBack = await lpack(['traffic', 'rollback', '--stack-name', stack, '--json'])
    expect(rolledBack.exitCode, rolledBack.stderr).toBe(0)
    expect(JSON.parse(rolledBack.stdout)).toMatchObject({kind: 'rolled-back'})
    for (const fn of [canary, linear]) {
      expect(await alias(fn)).toEqual({version: '5', additional: undefined, description: ''})
      expect(await versions(fn)).toContain('6')
    }
    expect(await aliasTemplateVersion('CanaryFnAlias')).toBe('5')
  })

  it('#16.3 Ctrl-C (SIGINT) mid-shift → rollback within one poll interval, exit 1 naming the signal', async () => {
    await newCode()
    const running = startLpack(DEPLOY)
    await waitFor(async () => ((await alias(canary)).additional?.[0] === '7' ? true : undefined))
    const sent = Date.now()
    running.child.kill('SIGINT')
    const backAt = await waitFor(async () => ((await alias(canary)).additional === undefined ? Date.now() : undefined))
    const result = await running.done
    expect(result.exitCode, result.stderr).toBe(1)
    expect(result.stderr).toContain('interrupted by SIGINT')
    expect(backAt - sent).toBeLessThan(POLL_MS + 1000)
    expect(await alias(canary)).toEqual({version: '5', additional: undefined, description: ''})
  })
})
