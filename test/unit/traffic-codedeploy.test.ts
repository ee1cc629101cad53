import {readFileSync} from 'node:fs'
import {Readable} from 'node:stream'

import {CodeDeployClient} from '@aws-sdk/client-codedeploy'
import {describe, expect, it} from 'vitest'

import {codeDeployOperations} from '../../src/aws/codedeploy.js'
import {followDeployment} from '../../src/core/traffic/codedeploy.js'
import {RecordingReporter} from '../../src/io/reporter.js'
import {FakeClock} from './traffic-fakes.js'

/** Per CodeDeploy operation, the HTTP bodies it answers in turn (the last repeats). */
type Answers = Record<string, unknown[]>

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

/**
 * The real SDK client over a fake transport that answers each CodeDeploy operation with bodies written in the
 * wire shape of the CodeDeploy API reference (test/fixtures/traffic/codedeploy; not captured from AWS, see its
 * README), one per call, the last repeating: the follower is tested through the wire shapes, not lpack's types.
 */
function apiShapedClient(file: string): {client: CodeDeployClient; calls: string[]} {
  const recorded = JSON.parse(readFileSync(new URL(`../fixtures/traffic/codedeploy/${file}`, import.meta.url), 'utf8')) as Answers
  const served = new Map<string, number>()
  const calls: string[] = []
  const client = new CodeDeployClient({
    region: 'us-east-1',
    credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'},
    requestHandler: {
      handle: async (request: {headers: Record<string, string>; body?: string | Uint8Array}) => {
        const operation = request.headers['x-amz-target']!.replace('CodeDeploy_20141006.', '')
        calls.push(`${operation} ${typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body)}`)
        const answers = recorded[operation]
        if (!answers) throw new Error(`no answer for ${operation} in ${file}`)
        const index = served.get(operation) ?? 0
        served.set(operation, index + 1)
        const body = JSON.stringify(answers[Math.min(index, answers.length - 1)])
        return {response: {statusCode: 200, reason: 'OK', headers: {'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'api-shaped'}, body: Readable.from([Buffer.from(body)])}}
      },
    } as never,
  })
  return {client, calls}
}

describe('#16.1 codedeploy engine: following the deployment CloudFormation started (CodeDeploy answers shaped from the API reference)', () => {
  it('a canary that succeeds: each weight, each lifecycle hook and its result', async () => {
    const {client, calls} = apiShapedClient('canary-succeeded.json')
    const reporter = new RecordingReporter()
    const followed = await followDeployment('d-7ZK2Q8N1B', {codeDeploy: codeDeployOperations(async () => client), clock: new FakeClock(), reporter, pollIntervalMs: 5000, timeoutMs: 3_600_000})
    expect(followed.status).toBe('Succeeded')
    expect(followed.reason).toBeUndefined()
    expect(followed.steps.map((step) => [step.atMs, step.percent])).toEqual([[0, 0], [5000, 10], [10_000, 100]])
    expect(followed.hooks).toEqual([
      {functionName: 'app-Fn-1X2Y3Z', event: 'BeforeAllowTraffic', status: 'Succeeded', message: 'Succeeded'},
      {functionName: 'app-Fn-1X2Y3Z', event: 'AllowTraffic', status: 'Succeeded'},
      {functionName: 'app-Fn-1X2Y3Z', event: 'AfterAllowTraffic', status: 'Succeeded'},
    ])
    expect(followed.targets[0]).toMatchObject({functionName: 'app-Fn-1X2Y3Z', alias: 'live', currentVersion: '3', targetVersion: '4', status: 'Succeeded'})
    expect(followed.targets[0]!.events[0]!.startTime).toEqual(new Date(1796346601200))
    expect(calls[0]).toBe('GetDeployment {"deploymentId":"d-7ZK2Q8N1B"}')
    expect(calls).toContain('GetDeploymentTarget {"deploymentId":"d-7ZK2Q8N1B","targetId":"app-Fn-1X2Y3Z:live"}')
    expect(reporter.events.filter((event) => event.kind === 'traffic.step').map((event) => event.data?.percent)).toEqual([0, 10, 100])
  })

  it('#16 a deployment stopped by an alarm: CodeDeploy’s reason and its rollback, the alias back on the old version', async () => {
    const {client} = apiShapedClient('canary-alarm-stopped.json')
    const reporter = new RecordingReporter()
    const followed = await followDeployment('d-7ZK2Q8N1B', {codeDeploy: codeDeployOperations(async () => client), clock: new FakeClock(), reporter, pollIntervalMs: 5000, timeoutMs: 3_600_000})
    expect(followed.status).toBe('Stopped')
    expect(followed.reason).toContain('ALARM_ACTIVE: One or more alarms have been activated')
    expect(followed.reason).toContain('Activated alarms: <app-errors>')
    expect(followed.reason).toContain('Automatic rollback triggered by alarm')
    expect(followed.reason).toContain('AllowTraffic of app-Fn-1X2Y3Z Failed')
    expect(followed.steps.map((step) => step.percent)).toEqual([10, 0])
    expect(followed.hooks.find((hook) => hook.event === 'AllowTraffic')).toMatchObject({status: 'Failed', message: expect.stringContaining('alarms have been activated')})
    expect(followed.targets[0]).toMatchObject({status: 'Failed', currentVersion: '3', targetVersionWeight: 0})
    expect(reporter.events.some((event) => event.level === 'warn' && event.kind === 'traffic.hook.done')).toBe(true)
  })

  it('#16 a deployment failed by its BeforeAllowTraffic hook: CodeDeploy’s reason naming the hook and its diagnostics, no traffic moved, rolled back', async () => {
    const {client} = apiShapedClient('canary-hook-failed.json')
    const reporter = new RecordingReporter()
    const followed = await followDeployment('d-7ZK2Q8N1B', {codeDeploy: codeDeployOperations(async () => client), clock: new FakeClock(), reporter, pollIntervalMs: 5000, timeoutMs: 3_600_000})
    expect(followed.status).toBe('Failed')
    expect(followed.reason).toContain('CodeDeploy deployment d-7ZK2Q8N1B Failed; HOOK_EXECUTION_FAILURE: ')
    expect(followed.reason).toContain('BeforeAllowTraffic of app-Fn-1X2Y3Z Failed: The hook function app-PreTrafficHook-4R5T6Y reported Failed: smoke test GET /orders answered 500')
    expect(followed.reason).toContain('Automatic rollback triggered by deployment failure d-7ZK2Q8N1B')
    expect(followed.steps.map((step) => step.percent)).toEqual([0])
    expect(followed.hooks).toEqual([
      {functionName: 'app-Fn-1X2Y3Z', event: 'BeforeAllowTraffic', status: 'Failed', message: 'The hook function app-PreTrafficHook-4R5T6Y reported Failed: smoke test GET /orders answered 500'},
      {functionName: 'app-Fn-1X2Y3Z', event: 'AllowTraffic', status: 'Skipped'},
      {functionName: 'app-Fn-1X2Y3Z', event: 'AfterAllowTraffic', status: 'Skipped'},
    ])
    expect(followed.targets[0]).toMatchObject({status: 'Failed', currentVersion: '3', targetVersion: '4', targetVersionWeight: 0})
    expect(reporter.events.filter((event) => event.kind === 'traffic.hook.done' && event.level === 'warn').map((event) => (event.data as {phase?: string} | undefined)?.phase)).toEqual(['BeforeAllowTraffic'])
  })
})
