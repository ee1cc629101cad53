import {execFileSync} from 'node:child_process'
import {cp, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {DeleteFunctionConcurrencyCommand, InvokeCommand, LambdaClient, PutFunctionConcurrencyCommand, UpdateAliasCommand, UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand} from '@aws-sdk/client-lambda'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {awsCli} from '../support/aws-cli.js'
import {runLpack} from '../support/cli.js'
import {type MotoServer, startMoto} from '../support/moto.js'

/**
 * `lpack local` (#15): deploy a SAM template with lpack to the local AWS, then use it with the AWS CLI as against
 * AWS — the functions' code really runs, SQS event source mappings deliver, async failures reach the DLQ, logs,
 * metrics and alarms work.
 */
const FIXTURE = new URL('../fixtures/local/app', import.meta.url).pathname
const STACK = 'localapp'
const GREET = `${STACK}-greet`
const WORKER = `${STACK}-worker`

let local: MotoServer
let project: string
let lambda: LambdaClient

beforeAll(async () => {
  // Lambda waits minutes between the retries of an async invoke; this local AWS waits 200 ms, then 400.
  local = await startMoto({env: {LPACK_LOCAL_RETRY_DELAY_MS: '200'}})
  project = await mkdtemp(join(tmpdir(), 'lpack-local-aws-'))
  await cp(FIXTURE, project, {recursive: true})
  lambda = new LambdaClient({endpoint: local.endpoint, region: 'us-east-1', credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'}})
}, 120_000)

afterAll(async () => {
  lambda?.destroy()
  await local?.stop()
  if (project) await rm(project, {recursive: true, force: true})
})

const aws = (args: readonly string[]) => awsCli(local.endpoint, local.env, args)

async function awsJson<T>(args: readonly string[]): Promise<T> {
  const result = await aws(args)
  expect(result.exitCode, result.stderr).toBe(0)
  return (result.stdout.trim() === '' ? {} : JSON.parse(result.stdout)) as T
}

/** Polls `check` until it returns a value (not undefined), for at most `ms`. */
async function eventually<T>(check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

async function logMessages(functionName: string, filterPattern?: string): Promise<string[]> {
  const result = await aws(['logs', 'filter-log-events', '--log-group-name', `/aws/lambda/${functionName}`, ...(filterPattern ? ['--filter-pattern', filterPattern] : [])])
  if (result.exitCode !== 0) return []
  return (JSON.parse(result.stdout) as {events: {message: string}[]}).events.map((event) => event.message)
}

async function queueUrl(logicalId: string): Promise<string> {
  const {QueueUrls} = await awsJson<{QueueUrls: string[]}>(['sqs', 'list-queues', '--queue-name-prefix', `${STACK}-${logicalId}`])
  return QueueUrls[0]!
}

describe('lpack local: deploy with lpack, then use the local AWS with the AWS CLI', () => {
  it('#15.2 after lpack deploy, `aws lambda invoke` of the alias runs the function\'s code and returns its result', async () => {
    const deployed = await runLpack(['deploy', '--stack-name', STACK, '--resolve-s3', '--yes'], {cwd: project, env: local.env})
    expect(deployed.exitCode, deployed.stderr).toBe(0)
    const out = join(project, 'out.json')
    const invoked = await awsJson<{StatusCode: number; ExecutedVersion: string; LogResult: string}>(['lambda', 'invoke', '--function-name', GREET, '--qualifier', 'live', '--payload', '{"name": "ann"}', '--log-type', 'Tail', out])
    expect(invoked).toMatchObject({StatusCode: 200, ExecutedVersion: '1'})
    const result = JSON.parse(await readFile(out, 'utf8'))
    expect(result).toMatchObject({message: 'hello, ann', invocations: 1})
    // LogType Tail: the invocation's log, base64, ending with its REPORT line.
    const tail = Buffer.from(invoked.LogResult, 'base64').toString('utf8')
    expect(tail).toContain('greeting "ann"')
    expect(tail).toMatch(new RegExp(`REPORT RequestId: ${result.requestId}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB`))
    // The environment stays warm: the second invoke is the same process (its counter goes on).
    await awsJson(['lambda', 'invoke', '--function-name', GREET, '--qualifier', 'live', '--payload', '{"name": "bo"}', out])
    expect(JSON.parse(await readFile(out, 'utf8'))).toMatchObject({message: 'hello, bo', invocations: 2})
    // A function that does not exist is Lambda's 404.
    const missing = await aws(['lambda', 'invoke', '--function-name', 'no-such-fn', out])
    expect(missing.exitCode).not.toBe(0)
    expect(missing.stderr).toContain('ResourceNotFoundException')
  })

  it('#15.4 the REPORT line is read back with `aws logs filter-log-events`', async () => {
    const reports = await eventually(async () => {
      const messages = await logMessages(GREET, 'REPORT')
      return messages.length >= 2 ? messages : undefined
    })
    expect(reports[0]).toMatch(/^REPORT RequestId: [0-9a-f-]{36}\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\t(Max Memory Used: \d+ MB\t)?Init Duration: [\d.]+ ms\t$/)
    expect(reports[1]).not.toContain('Init Duration')
    // One stream per execution environment, named as Lambda names them.
    const {logStreams} = await awsJson<{logStreams: {logStreamName: string}[]}>(['logs', 'describe-log-streams', '--log-group-name', `/aws/lambda/${GREET}`])
    expect(logStreams.map((stream) => stream.logStreamName)).toEqual([expect.stringMatching(/^\d{4}\/\d{2}\/\d{2}\/\[1\][0-9a-f]{32}$/)])
  })

  it('#15.4 `lpack logs ID --stack-name S` reads the function\'s logs from the local AWS, REPORT lines summarised', async () => {
    const shown = await runLpack(['logs', 'GreetFn', '--stack-name', STACK], {cwd: project, env: local.env})
    expect(shown.exitCode, shown.stderr).toBe(0)
    expect(shown.stdout).toMatch(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z {2}START RequestId: /m)
    expect(shown.stdout).toContain('greeting "ann"')
    expect(shown.stdout).toMatch(/^\S+ {2}REPORT [0-9a-f]{8} [\d.]+ ms \(billed \d+ ms\) · (\d+\/)?128 MB · cold start, init [\d.]+ ms$/m)
    expect(shown.stdout).toMatch(/^2 invocation\(s\): duration p50 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms.*; 1 cold start\(s\)/m)
    const json = await runLpack(['logs', GREET, '--json'], {cwd: project, env: local.env})
    expect(json.exitCode, json.stderr).toBe(0)
    const document = JSON.parse(json.stdout)
    expect(document).toMatchObject({functionName: GREET, logGroupName: `/aws/lambda/${GREET}`, summary: {invocations: 2, coldStarts: 1, memorySizeMb: 128}})
    const missing = await runLpack(['logs', 'NoSuchFn', '--stack-name', STACK], {cwd: project, env: local.env})
    expect(missing.exitCode).toBe(2)
    expect(missing.stderr).toContain('Error [FUNCTION_NOT_FOUND]: Stack localapp has no resource NoSuchFn')
  })

  it('#15.2 an alias at 90/10 sends about 10 % of invocations to the additional version; versions keep their code', async () => {
    const template = join(project, 'template.yaml')
    await writeFile(template, (await readFile(template, 'utf8')).replace('GREETING: hello', 'GREETING: hi'))
    const deployed = await runLpack(['deploy', '--stack-name', STACK, '--resolve-s3', '--yes'], {cwd: project, env: local.env})
    expect(deployed.exitCode, deployed.stderr).toBe(0)
    // AutoPublishAlias published version 2 and moved the alias; now route 10 % of it to 2, the rest to 1.
    await awsJson(['lambda', 'update-alias', '--function-name', GREET, '--name', 'live', '--function-version', '1', '--routing-config', '{"AdditionalVersionWeights": {"2": 0.1}}'])
    const counts: Record<string, number> = {}
    const messages: Record<string, string> = {}
    for (let index = 0; index < 200; index++) {
      const response = await lambda.send(new InvokeCommand({FunctionName: GREET, Qualifier: 'live', Payload: Buffer.from('{"name": "cy"}')}))
      const version = response.ExecutedVersion!
      counts[version] = (counts[version] ?? 0) + 1
      messages[version] = JSON.parse(Buffer.from(response.Payload!).toString('utf8')).message
    }
    // 200 draws at p = 0.1: mean 20, standard deviation 4.2; 8..40 is beyond three of them either way.
    expect(counts['2']).toBeGreaterThanOrEqual(8)
    expect(counts['2']).toBeLessThanOrEqual(40)
    expect(counts['1']! + counts['2']!).toBe(200)
    expect(messages).toEqual({'1': 'hello, cy', '2': 'hi, cy'})
    await awsJson(['lambda', 'update-alias', '--function-name', GREET, '--name', 'live', '--function-version', '2', '--routing-config', '{"AdditionalVersionWeights": {}}'])
  })

  it('#15.2 ReservedConcurrentExecutions 0 throttles every invoke with 429 TooManyRequestsException', async () => {
    await awsJson(['lambda', 'put-function-concurrency', '--function-name', GREET, '--reserved-concurrent-executions', '0'])
    const throttled = await aws(['lambda', 'invoke', '--function-name', GREET, '--qualifier', 'live', '--payload', '{}', join(project, 'throttled.json')])
    expect(throttled.exitCode).not.toBe(0)
    expect(throttled.stderr).toContain('TooManyRequestsException')
    await awsJson(['lambda', 'delete-function-concurrency', '--function-name', GREET])
    const after = await aws(['lambda', 'invoke', '--function-name', GREET, '--qualifier', 'live', '--payload', '{"name": "di"}', join(project, 'after.json')])
    expect(after.exitCode, after.stderr).toBe(0)
  })

  it('#15.3 context.functionVersion and AWS_LAMBDA_FUNCTION_VERSION are the version run; invokedFunctionArn carries the qualifier', async () => {
    const invoke = async (qualifier?: string) => {
      const response = await lambda.send(new InvokeCommand({FunctionName: GREET, ...(qualifier ? {Qualifier: qualifier} : {}), Payload: Buffer.from('{"name": "ver"}')}))
      return {executed: response.ExecutedVersion, ...JSON.parse(Buffer.from(response.Payload!).toString('utf8'))} as {executed: string; version: string; versionVariable: string; invokedFunctionArn: string}
    }
    // The alias now routes everything to version 2.
    expect(await invoke('live')).toMatchObject({executed: '2', version: '2', versionVariable: '2', invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${GREET}:live`})
    expect(await invoke('1')).toMatchObject({executed: '1', version: '1', versionVariable: '1', invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${GREET}:1`})
    expect(await invoke()).toMatchObject({executed: '$LATEST', version: '$LATEST', versionVariable: '$LATEST', invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${GREET}`})
  })

  it('#15.2 a warm invoke asks moto nothing: it is answered while the moto process is paused', async () => {
    await lambda.send(new InvokeCommand({FunctionName: GREET, Qualifier: 'live', Payload: Buffer.from('{"name": "warm"}')}))
    const {motoPid} = JSON.parse(await readFile(join(local.stateDir!, 'local.json'), 'utf8')) as {motoPid: number}
    process.kill(motoPid, 'SIGSTOP')
    try {
      const startedAt = performance.now()
      const response = await lambda.send(new InvokeCommand({FunctionName: GREET, Qualifier: 'live', Payload: Buffer.from('{"name": "paused"}')}), {abortSignal: AbortSignal.timeout(5000)})
      expect(JSON.parse(Buffer.from(response.Payload!).toString('utf8'))).toMatchObject({message: 'hi, paused', version: '2'})
      expect(performance.now() - startedAt).toBeLessThan(2000)
    } finally {
      process.kill(motoPid, 'SIGCONT')
    }
  })

  it('#15.2 the next invoke after a change sees it: alias weights, configuration, code, reserved concurrency', async () => {
    const invoke = async (qualifier?: string) => {
      const response = await lambda.send(new InvokeCommand({FunctionName: GREET, ...(qualifier ? {Qualifier: qualifier} : {}), Payload: Buffer.from('{"name": "next"}')}))
      return {executed: response.ExecutedVersion, error: response.FunctionError, body: Buffer.from(response.Payload!).toString('utf8')}
    }
    // Warm (and cached) first, then each change is followed at once by the invoke that must see it.
    expect((await invoke('live')).executed).toBe('2')
    await lambda.send(new UpdateAliasCommand({FunctionName: GREET, Name: 'live', FunctionVersion: '1'}))
    expect(await invoke('live')).toMatchObject({executed: '1', body: expect.stringContaining('"hello, next"')})
    await lambda.send(new UpdateAliasCommand({FunctionName: GREET, Name: 'live', FunctionVersion: '1', RoutingConfig: {AdditionalVersionWeights: {'2': 1}}}))
    expect((await invoke('live')).executed).toBe('2')
    await lambda.send(new UpdateAliasCommand({FunctionName: GREET, Name: 'live', FunctionVersion: '2', RoutingConfig: {AdditionalVersionWeights: {}}}))

    expect(JSON.parse((await invoke()).body)).toMatchObject({message: 'hi, next'})
    await lambda.send(new UpdateFunctionConfigurationCommand({FunctionName: GREET, Environment: {Variables: {GREETING: 'howdy'}}}))
    expect(JSON.parse((await invoke()).body)).toMatchObject({message: 'howdy, next', invocations: 1})

    const code = join(project, 'changed.zip')
    execFileSync('python3', ['-c', 'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w") as z: z.writestr("greet.mjs", "export const handler = async () => ({changed: true})\\n")', code])
    await lambda.send(new UpdateFunctionCodeCommand({FunctionName: GREET, ZipFile: await readFile(code)}))
    expect(JSON.parse((await invoke()).body)).toEqual({changed: true})

    await lambda.send(new PutFunctionConcurrencyCommand({FunctionName: GREET, ReservedConcurrentExecutions: 0}))
    await expect(invoke('live')).rejects.toThrow(/Rate Exceeded/)
    await lambda.send(new DeleteFunctionConcurrencyCommand({FunctionName: GREET}))
    expect((await invoke('live')).executed).toBe('2')
  })

  it('#15.3 an SQS message sent with the AWS CLI reaches the function through its event source mapping; a reported item failure stays in the queue', async () => {
    const url = await queueUrl('WorkQueue')
    await awsJson(['sqs', 'send-message', '--queue-url', url, '--message-body', 'job-42'])
    await awsJson(['sqs', 'send-message', '--queue-url', url, '--message-body', 'poison-7'])
    await eventually(async () => {
      const messages = await logMessages(WORKER)
      return messages.some((line) => line.includes('worked on job-42')) && messages.some((line) => line.includes('worked on poison-7')) ? true : undefined
    })
    // job-42 was deleted; poison-7, named in batchItemFailures, is back in flight until its visibility timeout.
    const attributes = await eventually(async () => {
      const {Attributes} = await awsJson<{Attributes: Record<string, string>}>(['sqs', 'get-queue-attributes', '--queue-url', url, '--attribute-names', 'All'])
      return Attributes.ApproximateNumberOfMessages === '0' && Attributes.ApproximateNumberOfMessagesNotVisible === '1' ? Attributes : undefined
    })
    expect(attributes).toMatchObject({ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '1'})
  })

  it('#15.2 a message published to a topic reaches the function subscribed to it (SAM\'s SNS event), in Lambda\'s SNS event shape', async () => {
    const {Topics} = await awsJson<{Topics: {TopicArn: string}[]}>(['sns', 'list-topics'])
    const topicArn = Topics.map((topic) => topic.TopicArn).find((arn) => arn.includes('NoticeTopic'))!
    expect(topicArn).toBeDefined()
    const {MessageId} = await awsJson<{MessageId: string}>(['sns', 'publish', '--topic-arn', topicArn, '--message', 'stock is low', '--subject', 'stock', '--message-attributes', '{"kind": {"DataType": "String", "StringValue": "alert"}}'])
    const line = await eventually(async () => (await logMessages(`${STACK}-notice`)).find((message) => message.includes('noticed ')))
    const record = JSON.parse(line.slice(line.indexOf('noticed ') + 'noticed '.length)) as {EventSource: string; EventVersion: string; EventSubscriptionArn: string; Sns: Record<string, unknown>}
    expect(record).toMatchObject({EventSource: 'aws:sns', EventVersion: '1.0', EventSubscriptionArn: expect.stringMatching(new RegExp(`^${topicArn}:`))})
    expect(record.Sns).toMatchObject({Type: 'Notification', MessageId, TopicArn: topicArn, Subject: 'stock', Message: 'stock is low', MessageAttributes: {kind: {Type: 'String', Value: 'alert'}}})
    expect(record.Sns.Timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    // It ran in lpack's data plane: its REPORT line is in its log group too.
    expect((await logMessages(`${STACK}-notice`, 'REPORT')).length).toBeGreaterThanOrEqual(1)
  })

  it('#15.2 an async invoke of a failing function lands in its DLQ after the retries', async () => {
    const accepted = await awsJson<{StatusCode: number}>(['lambda', 'invoke', '--function-name', WORKER, '--invocation-type', 'Event', '--payload', '{"fail": "async-9"}', join(project, 'async.json')])
    expect(accepted.StatusCode).toBe(202)
    const dlq = await queueUrl('DeadQueue')
    const message = await eventually(async () => {
      const {Messages} = await awsJson<{Messages?: {Body: string; MessageAttributes: Record<string, {StringValue: string}>}[]}>(['sqs', 'receive-message', '--queue-url', dlq, '--message-attribute-names', 'All', '--wait-time-seconds', '1'])
      return Messages?.[0]
    })
    expect(JSON.parse(message.Body)).toEqual({fail: 'async-9'})
    expect(message.MessageAttributes.ErrorMessage?.StringValue).toBe('worker failed on async-9')
    expect(message.MessageAttributes.RequestID?.StringValue).toMatch(/^[0-9a-f-]{36}$/)
    // One invocation and Lambda's two retries, each in the function's log.
    const attempts = (await logMessages(WORKER)).filter((line) => line.includes('worker failed on async-9') && line.includes('ERROR'))
    expect(attempts).toHaveLength(3)
  })

  it('#15.4 an alarm on the alias\'s Errors goes to ALARM after failing invokes', async () => {
    type Alarm = {StateValue: string; StateReason: string; Dimensions: {Name: string; Value: string}[]}
    // The template's alarm: on Errors of FunctionName + Resource (the alias), as CodeDeploy's alarms are.
    const state = async () => (await awsJson<{MetricAlarms: Alarm[]}>(['cloudwatch', 'describe-alarms'])).MetricAlarms.find((alarm) => alarm.Dimensions.some((d) => d.Name === 'Resource' && d.Value === `${GREET}:live`))!
    // Invocations without errors so far: the alarm is evaluated as OK.
    await eventually(async () => ((await state()).StateValue === 'OK' ? true : undefined))
    for (const name of ['e1', 'e2']) {
      const failed = await lambda.send(new InvokeCommand({FunctionName: GREET, Qualifier: 'live', Payload: Buffer.from(JSON.stringify({name, fail: name}))}))
      expect(failed.FunctionError).toBe('Unhandled')
    }
    const alarmed = await eventually(async () => {
      const current = await state()
      return current.StateValue === 'ALARM' ? current : undefined
    })
    expect(alarmed.StateReason).toContain('GreaterThanOrEqualToThreshold 2')
    // The metrics themselves are in the local CloudWatch, with the dimensions CodeDeploy's alarms use.
    const {Metrics} = await awsJson<{Metrics: {MetricName: string; Dimensions: {Name: string; Value: string}[]}[]}>(['cloudwatch', 'list-metrics', '--namespace', 'AWS/Lambda', '--metric-name', 'Errors'])
    expect(Metrics.some((metric) => metric.Dimensions.some((d) => d.Name === 'Resource' && d.Value === `${GREET}:live`) && metric.Dimensions.some((d) => d.Name === 'ExecutedVersion' && d.Value === '2'))).toBe(true)
  })
})
