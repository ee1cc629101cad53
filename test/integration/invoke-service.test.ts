import {rm} from 'node:fs/promises'
import {join} from 'node:path'

import {CreateQueueCommand, ReceiveMessageCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterEach, describe, expect, it} from 'vitest'

import {AwsSession} from '../../src/aws/clients.js'
import {AwsFailureSink} from '../../src/core/invoke/aws-sink.js'
import type {FunctionConfig} from '../../src/core/invoke/environment.js'
import {InvokeApiError, InvokeService, RecordingFailureSink, type CompletedInvocation, type FunctionSource, type ResolvedFunction} from '../../src/core/invoke/service.js'
import {startMoto} from '../support/moto.js'
import {taskRoot} from './invoke-support.js'

// The invoke service with real node processes: warm pools, concurrency, throttling, async retries and destinations.
const cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

const HANDLER = `
const {appendFileSync} = require('node:fs')
let calls = 0
exports.handler = async (event) => {
  calls++
  if (event.log) appendFileSync(event.log, 'attempt\\n')
  if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs))
  if (event.noise) for (let i = 0; i < event.noise; i++) console.log('line ' + i + ' ' + 'x'.repeat(60))
  if (event.fail) throw new Error('asked to fail')
  return {pid: process.pid, calls, version: process.env.AWS_LAMBDA_FUNCTION_VERSION, tag: process.env.TAG}
}
`

/** A FunctionSource over task folders, with settings a test changes between invokes. */
class FolderSource implements FunctionSource {
  constructor(public fn: Omit<Partial<ResolvedFunction>, 'config'> & {dir: string; config?: Partial<FunctionConfig>}) {}
  async resolve(name: string, qualifier: string | undefined): Promise<ResolvedFunction | undefined> {
    if (name !== 'Fn' || (qualifier !== undefined && qualifier !== '$LATEST' && qualifier !== 'live')) return undefined
    const {dir, config, ...rest} = this.fn
    return {
      config: {logicalId: 'Fn', functionName: 'Fn', runtime: 'nodejs20.x', handler: 'app.handler', memoryMb: 128, timeoutSeconds: 3, architecture: 'x86_64', variables: {}, ...config},
      version: qualifier === 'live' ? '1' : '$LATEST',
      code: {dir},
      ...rest,
    }
  }
}

async function service(fn: Omit<ConstructorParameters<typeof FolderSource>[0], 'dir'> | {handler: string}, options: Partial<ConstructorParameters<typeof InvokeService>[0]> = {}) {
  const root = await taskRoot({'task/app.js': 'handler' in fn ? fn.handler : HANDLER})
  const source = new FolderSource({...('handler' in fn ? {} : fn), dir: join(root, 'task')})
  const svc = new InvokeService({source, hostEnv: {PATH: process.env.PATH}, ...options})
  cleanup.push(async () => {
    await svc.close()
    await rm(root, {recursive: true, force: true})
  })
  return {svc, source, root}
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value))
const body = (result: {payload: Buffer}) => JSON.parse(result.payload.toString('utf8')) as Record<string, unknown>

describe('invoke service', () => {
  it('#14.5 keeps a warm environment per version: init once, the second invoke reuses it without Init Duration', {timeout: 30_000}, async () => {
    const {svc} = await service({handler: HANDLER})
    const first = await svc.invoke({functionName: 'Fn', payload: json({})})
    const second = await svc.invoke({functionName: 'Fn', payload: json({})})
    expect(first.statusCode).toBe(200)
    expect(first.executedVersion).toBe('$LATEST')
    expect(first.result?.report.initDurationMs).toBeGreaterThan(0)
    expect(second.result?.report.initDurationMs).toBeUndefined()
    expect(body(second)).toMatchObject({pid: body(first).pid, calls: 2})
    // A qualifier that names another version gets an environment of its own.
    const aliased = await svc.invoke({functionName: 'arn:aws:lambda:us-east-1:123456789012:function:Fn:live', payload: json({})})
    expect(aliased.executedVersion).toBe('1')
    expect(body(aliased)).toMatchObject({calls: 1, version: '1'})
    expect(aliased.result?.logs[0]).toMatch(/^START RequestId: \S+ Version: 1$/)
  })

  it('#14.5 one environment per concurrent request, throttled beyond ReservedConcurrentExecutions; 0 throttles every synchronous invoke', {timeout: 30_000}, async () => {
    const {svc, source} = await service({reservedConcurrency: 2})
    source.fn.reservedConcurrency = 2
    const settled = await Promise.allSettled([0, 1, 2].map(() => svc.invoke({functionName: 'Fn', payload: json({sleepMs: 1500})})))
    const ok = settled.filter((s) => s.status === 'fulfilled').map((s) => body((s as PromiseFulfilledResult<{payload: Buffer}>).value))
    const refused = settled.filter((s) => s.status === 'rejected').map((s) => (s as PromiseRejectedResult).reason as InvokeApiError)
    expect(ok).toHaveLength(2)
    expect(new Set(ok.map((b) => b.pid)).size).toBe(2)
    expect(refused).toHaveLength(1)
    expect(refused[0]).toBeInstanceOf(InvokeApiError)
    expect(refused[0]).toMatchObject({apiErrorType: 'TooManyRequestsException', statusCode: 429, reason: 'ReservedFunctionConcurrentInvocationLimitExceeded'})
    // Both environments are warm now and serve the next two at once.
    expect(svc.idleEnvironments()).toBe(2)
    const again = await Promise.all([0, 1].map(() => svc.invoke({functionName: 'Fn', payload: json({sleepMs: 300})})))
    expect(again.map((r) => r.result?.coldStart)).toEqual([false, false])
    source.fn.reservedConcurrency = 0
    await expect(svc.invoke({functionName: 'Fn', payload: json({})})).rejects.toMatchObject({statusCode: 429})
  })

  it('#14.5 an Event invocation at reserved concurrency 0 is accepted (202), throttled until MaximumEventAgeInSeconds, then sent to OnFailure or the DLQ', {timeout: 30_000}, async () => {
    // A clock that jumps ahead on every wait: a minute of event age passes in milliseconds.
    const startedAt = Date.parse('2026-12-04T00:00:00Z')
    let now = startedAt
    const waits: number[] = []
    let onWait = (): void => {}
    const clock = {
      now: () => now,
      sleep: async (ms: number) => {
        waits.push(ms)
        now += ms
        onWait()
        await new Promise((resolve) => setImmediate(resolve))
      },
    }
    const sink = new RecordingFailureSink()
    const onFailure = {arn: 'arn:aws:sqs:us-east-1:123456789012:failures'}
    const {svc, source} = await service({reservedConcurrency: 0, asyncConfig: {maximumEventAgeInSeconds: 60, onFailure}}, {failureSink: sink, clock})
    const accepted = await svc.invoke({functionName: 'Fn', payload: json({n: 1}), invocationType: 'Event'})
    expect(accepted).toMatchObject({statusCode: 202})
    await svc.drain()
    expect(now - startedAt).toBe(60_000)
    // Throttles back off, doubling from 100 ms up to 5 s.
    expect(waits.slice(0, 4)).toEqual([100, 200, 400, 800])
    expect(Math.max(...waits)).toBe(5_000)
    expect(sink.deliveries).toHaveLength(1)
    expect(sink.deliveries[0]).toMatchObject({kind: 'on-failure', requestId: accepted.requestId, target: onFailure})
    expect(sink.deliveries[0]!.record).toMatchObject({requestContext: {requestId: accepted.requestId, condition: 'EventAgeExceeded', approximateInvokeCount: 0}, requestPayload: {n: 1}})
    expect(svc.idleEnvironments()).toBe(0)
    // Without OnFailure, the dead-letter queue gets the event.
    source.fn.asyncConfig = {maximumEventAgeInSeconds: 60, deadLetter: {arn: 'arn:aws:sqs:us-east-1:123456789012:dlq'}}
    const dropped = await svc.invoke({functionName: 'Fn', payload: json({n: 2}), invocationType: 'Event'})
    await svc.drain()
    expect(sink.deliveries[1]).toMatchObject({kind: 'dead-letter', requestId: dropped.requestId, message: {body: JSON.stringify({n: 2}), attributes: {RequestID: dropped.requestId}}})
    // A concurrency raised while the event waits lets it run.
    source.fn.asyncConfig = {maximumEventAgeInSeconds: 60, onSuccess: {arn: 'arn:aws:sns:us-east-1:123456789012:done'}}
    onWait = () => {
      if (waits.length > 3) source.fn.reservedConcurrency = 1
    }
    waits.length = 0
    const later = await svc.invoke({functionName: 'Fn', payload: json({n: 3}), invocationType: 'Event'})
    await svc.drain()
    expect(sink.deliveries[2]).toMatchObject({kind: 'on-success', requestId: later.requestId})
    expect(sink.deliveries[2]!.record?.requestContext).toMatchObject({condition: 'Success', approximateInvokeCount: 1})
  })

  it('#14.5 a timeout kills the environment and the next invoke starts a new one', {timeout: 30_000}, async () => {
    const {svc} = await service({config: {timeoutSeconds: 1}})
    const first = await svc.invoke({functionName: 'Fn', payload: json({})})
    const timedOut = await svc.invoke({functionName: 'Fn', payload: json({sleepMs: 5000})})
    expect(timedOut.functionError).toBe('Unhandled')
    expect(body(timedOut)).toMatchObject({errorType: 'Sandbox.Timedout'})
    const next = await svc.invoke({functionName: 'Fn', payload: json({})})
    expect(next.result?.coldStart).toBe(true)
    expect(body(next).pid).not.toBe(body(first).pid)
  })

  it('#14.5 DryRun, LogType Tail, and the API errors: 404 unknown function, 413 too large, 400 not JSON', {timeout: 30_000}, async () => {
    const {svc} = await service({handler: HANDLER})
    expect(await svc.invoke({functionName: 'Fn', payload: json({}), invocationType: 'DryRun'})).toMatchObject({statusCode: 204})
    expect(svc.idleEnvironments()).toBe(0)
    const tailed = await svc.invoke({functionName: 'Fn', payload: json({noise: 200}), logType: 'Tail'})
    const tail = Buffer.from(tailed.logResult!, 'base64')
    expect(tail.length).toBe(4096)
    expect(tail.toString()).toMatch(/REPORT RequestId: \S+\tDuration: [\d.]+ ms/)
    expect(tail.toString()).toContain('line 199 ')
    expect(tail.toString()).not.toContain('line 100 ')
    await expect(svc.invoke({functionName: 'Nope', payload: json({})})).rejects.toMatchObject({statusCode: 404, apiErrorType: 'ResourceNotFoundException'})
    await expect(svc.invoke({functionName: 'Fn', qualifier: '7', payload: json({})})).rejects.toMatchObject({statusCode: 404})
    await expect(svc.invoke({functionName: 'Fn', payload: Buffer.alloc(6 * 1024 * 1024 + 1, 32)})).rejects.toMatchObject({statusCode: 413, apiErrorType: 'RequestTooLargeException'})
    await expect(svc.invoke({functionName: 'Fn', payload: json({pad: 'x'.repeat(300_000)}), invocationType: 'Event'})).rejects.toMatchObject({statusCode: 413})
    await expect(svc.invoke({functionName: 'Fn', payload: Buffer.from('{not json')})).rejects.toMatchObject({statusCode: 400, apiErrorType: 'InvalidRequestContentException'})
  })

  it('#14.5 new code (another code key) retires the warm environments of the old; retire() ends them on demand', {timeout: 30_000}, async () => {
    const {svc, source} = await service({codeKey: 'a', variables: {TAG: 'a'}})
    const first = await svc.invoke({functionName: 'Fn', payload: json({})})
    source.fn.codeKey = 'b'
    source.fn.variables = {TAG: 'b'}
    const second = await svc.invoke({functionName: 'Fn', payload: json({})})
    expect(body(first)).toMatchObject({tag: 'a'})
    expect(body(second)).toMatchObject({tag: 'b', calls: 1})
    expect(second.result?.coldStart).toBe(true)
    expect(svc.idleEnvironments()).toBe(1)
    // A source may retire a function's environments itself (deleted, or changed where the code key cannot show it).
    await svc.retire('Fn')
    expect(svc.idleEnvironments()).toBe(0)
    expect((await svc.invoke({functionName: 'Fn', payload: json({})})).result?.coldStart).toBe(true)
  })

  it('#14.5 async retries land in the failure destination: MaximumRetryAttempts, then OnFailure; DeadLetterQueue without one', {timeout: 30_000}, async () => {
    const sink = new RecordingFailureSink()
    const seen: CompletedInvocation[] = []
    const {svc, source, root} = await service({asyncConfig: {maximumRetryAttempts: 1, onFailure: {arn: 'arn:aws:sqs:us-east-1:123456789012:failures'}}}, {failureSink: sink, retryDelaysMs: [50], onInvocation: (invocation) => void seen.push(invocation)})
    const log = join(root, 'attempts.log')
    const accepted = await svc.invoke({functionName: 'Fn', payload: json({fail: true, log}), invocationType: 'Event'})
    expect(accepted).toMatchObject({statusCode: 202})
    await svc.drain()
    const {readFile} = await import('node:fs/promises')
    expect((await readFile(log, 'utf8')).split('\n').filter(Boolean)).toHaveLength(2)
    expect(sink.deliveries).toHaveLength(1)
    // Every attempt is seen by onInvocation (where lpack local puts logs into CloudWatch).
    expect(seen.map((i) => [i.invocationType, i.attempt, i.result.failed, i.result.logs.at(-1)?.startsWith('REPORT')])).toEqual([['Event', 1, true, true], ['Event', 2, true, true]])
    // Each attempt runs under the request ID the 202 gave (the function's context.awsRequestId and its log lines).
    expect(seen.map((i) => i.result.requestId)).toEqual([accepted.requestId, accepted.requestId])
    expect(seen[1]!.result.logs[0]).toBe(`START RequestId: ${accepted.requestId} Version: $LATEST`)
    expect(sink.deliveries[0]).toMatchObject({kind: 'on-failure', requestId: accepted.requestId, target: {arn: 'arn:aws:sqs:us-east-1:123456789012:failures'}})
    expect(sink.deliveries[0]!.record).toMatchObject({
      version: '1.0',
      requestContext: {requestId: accepted.requestId, condition: 'RetriesExhausted', approximateInvokeCount: 2, functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:Fn:$LATEST'},
      requestPayload: {fail: true},
      responseContext: {statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled'},
      responsePayload: {errorType: 'Error', errorMessage: 'asked to fail'},
    })
    // A success goes to OnSuccess; without OnFailure, a failure goes to the dead-letter queue, the event as the body.
    source.fn.asyncConfig = {maximumRetryAttempts: 0, onSuccess: {arn: 'arn:aws:sns:us-east-1:123456789012:done'}, deadLetter: {arn: 'arn:aws:sqs:us-east-1:123456789012:dlq'}}
    await svc.invoke({functionName: 'Fn', payload: json({ok: 1}), invocationType: 'Event'})
    const failed = await svc.invoke({functionName: 'Fn', payload: json({fail: true}), invocationType: 'Event'})
    await svc.drain()
    expect(sink.deliveries.slice(1).map((d) => d.kind).sort()).toEqual(['dead-letter', 'on-success'])
    const dead = sink.deliveries.find((d) => d.kind === 'dead-letter')!
    expect(dead).toMatchObject({requestId: failed.requestId, message: {body: JSON.stringify({fail: true}), attributes: {RequestID: failed.requestId, ErrorCode: '200', ErrorMessage: 'asked to fail'}}})
  })

  it('#14.5 an event older than MaximumEventAgeInSeconds is not retried again: EventAgeExceeded', {timeout: 30_000}, async () => {
    const sink = new RecordingFailureSink()
    const {svc} = await service({asyncConfig: {maximumRetryAttempts: 2, maximumEventAgeInSeconds: 1, onFailure: {arn: 'arn:aws:sqs:us-east-1:123456789012:failures'}}}, {failureSink: sink, retryDelaysMs: [5_000]})
    const started = Date.now()
    await svc.invoke({functionName: 'Fn', payload: json({fail: true}), invocationType: 'Event'})
    await svc.drain()
    expect(Date.now() - started).toBeLessThan(4_000)
    expect(sink.deliveries[0]!.record?.requestContext).toMatchObject({condition: 'EventAgeExceeded', approximateInvokeCount: 1})
  })

  it('#14.5 the AWS sink delivers the failure record to an SQS queue on a local AWS endpoint', {timeout: 90_000}, async () => {
    const moto = await startMoto()
    cleanup.push(() => moto.stop())
    const sqs = new SQSClient({region: 'us-east-1', endpoint: moto.endpoint, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}})
    const {QueueUrl} = await sqs.send(new CreateQueueCommand({QueueName: 'failures'}))
    const previous = {id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY}
    process.env.AWS_ACCESS_KEY_ID = 'test'
    process.env.AWS_SECRET_ACCESS_KEY = 'test'
    cleanup.push(async () => {
      process.env.AWS_ACCESS_KEY_ID = previous.id
      process.env.AWS_SECRET_ACCESS_KEY = previous.secret
      if (previous.id === undefined) delete process.env.AWS_ACCESS_KEY_ID
      if (previous.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY
    })
    const sink = new AwsFailureSink(new AwsSession({region: 'us-east-1', endpointUrl: moto.endpoint, maxAttempts: 2}))
    const {svc} = await service({asyncConfig: {maximumRetryAttempts: 0, onFailure: {arn: 'arn:aws:sqs:us-east-1:123456789012:failures'}}}, {failureSink: sink})
    const accepted = await svc.invoke({functionName: 'Fn', payload: json({fail: true}), invocationType: 'Event'})
    await svc.drain()
    const received = await sqs.send(new ReceiveMessageCommand({QueueUrl, WaitTimeSeconds: 1}))
    expect(received.Messages).toHaveLength(1)
    expect(JSON.parse(received.Messages![0]!.Body!)).toMatchObject({requestContext: {requestId: accepted.requestId, condition: 'RetriesExhausted'}, responsePayload: {errorMessage: 'asked to fail'}})
    expect(sink.recorded.deliveries).toHaveLength(1)
  })
})
