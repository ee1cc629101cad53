import {spawn, type ChildProcess} from 'node:child_process'
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {InvokeWithResponseStreamCommand, LambdaClient} from '@aws-sdk/client-lambda'
import {CreateQueueCommand, ReceiveMessageCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {awsCli} from '../support/aws-cli.js'
import {LPACK_BIN, runLpack} from '../support/cli.js'
import {startMoto} from '../support/moto.js'

// `lpack local start-lambda` as a user runs it: the built CLI, a SAM template, the AWS CLI (v1) and raw HTTP.
const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: hello/, Handler: app.handler, Runtime: nodejs22.x, AutoPublishAlias: live, Timeout: 5}
  Greeter:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: greeter/, Handler: app.handler, Runtime: python3.12, FunctionName: greeter-fn}
  Stopped:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: hello/, Handler: app.handler, Runtime: nodejs22.x, ReservedConcurrentExecutions: 0}
  Failing:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: hello/
      Handler: app.handler
      Runtime: nodejs22.x
      EventInvokeConfig:
        MaximumRetryAttempts: 0
        DestinationConfig:
          OnFailure: {Type: SQS, Destination: !GetAtt Failures.Arn}
  Streamer:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: streamer/, Handler: app.handler, Runtime: nodejs22.x}
  Failures:
    Type: AWS::SQS::Queue
    Properties: {QueueName: failures}
`
const HELLO = (tag: string) => `
exports.handler = async (event) => {
  console.log('hello handling', JSON.stringify(event))
  if (event.fail) throw new RangeError('asked to fail')
  return {tag: ${JSON.stringify(tag)}, event, pid: process.pid, version: process.env.AWS_LAMBDA_FUNCTION_VERSION}
}
`
const CREDENTIALS = {AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null'}

interface Server {
  child: ChildProcess
  endpoint: string
  stderr: () => string
  exited: Promise<number | null>
}

const servers: Server[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.child.kill('SIGTERM')
    await server.exited
  }
})

/** Starts `lpack local start-lambda --port 0` and resolves when it prints its endpoint. */
async function startServer(project: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Server> {
  const child = spawn(process.execPath, [LPACK_BIN, 'local', 'start-lambda', '--port', '0', ...args], {cwd: project, env: {...process.env, CI: 'true', NO_COLOR: '1', ...CREDENTIALS, ...env}, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`start-lambda did not start: ${stderr}`)), 60_000)
    child.stdout!.on('data', (chunk) => {
      stdout += chunk
      const match = /endpoint: (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    })
    void exited.then((code) => reject(new Error(`start-lambda exited ${code}: ${stderr}`)))
  })
  const server = {child, endpoint, stderr: () => stderr, exited}
  servers.push(server)
  return server
}

let project: string
beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'lpack-start-lambda-'))
  await mkdir(join(project, 'hello'))
  await mkdir(join(project, 'greeter'))
  await writeFile(join(project, 'template.yaml'), TEMPLATE)
  await writeFile(join(project, 'hello', 'app.js'), HELLO('one'))
  await mkdir(join(project, 'streamer'))
  await writeFile(join(project, 'streamer', 'app.mjs'), `export const handler = awslambda.streamifyResponse(async (event, stream) => {
  if (event.pauseMs) {
    stream.write('first ')
    await new Promise((resolve) => setTimeout(resolve, event.pauseMs))
    stream.write('second')
    if (event.fail) throw new Error('broke after a pause')
    return stream.end()
  }
  for (const part of ['one ', 'two ', 'three']) stream.write(part)
  if (event.fail) throw new Error('stream broke')
  stream.end()
})
`)
  await writeFile(join(project, 'greeter', 'app.py'), 'def handler(event, context):\n    return {"hello": event.get("name"), "version": context.function_version}\n')
})
afterAll(async () => {
  await rm(project, {recursive: true, force: true})
})

const invokeUrl = (endpoint: string, name: string, query = '') => `${endpoint}/2015-03-31/functions/${name}/invocations${query}`

describe('lpack local start-lambda', () => {
  it('#14.5 aws lambda invoke --endpoint-url runs the function: payload, LogType Tail, Qualifier of the AutoPublishAlias, FunctionError', {timeout: 120_000}, async () => {
    const server = await startServer(project)
    const out = join(project, 'out.json')
    const first = await awsCli(server.endpoint, CREDENTIALS, ['lambda', 'invoke', '--function-name', 'Hello', '--payload', '{"id": 7}', '--log-type', 'Tail', out])
    expect(first.exitCode, first.stderr).toBe(0)
    const answer = JSON.parse(first.stdout) as {StatusCode: number; ExecutedVersion: string; LogResult: string}
    expect(answer).toMatchObject({StatusCode: 200, ExecutedVersion: '$LATEST'})
    expect(JSON.parse(await readFile(out, 'utf8'))).toMatchObject({tag: 'one', event: {id: 7}, version: '$LATEST'})
    const tail = Buffer.from(answer.LogResult, 'base64').toString('utf8')
    expect(tail).toMatch(/^START RequestId: \S+ Version: \$LATEST$/m)
    expect(tail).toContain('hello handling {"id":7}')
    expect(tail).toMatch(/^REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms/m)
    // Warm: the second invoke reuses the process, without Init Duration.
    const second = await awsCli(server.endpoint, CREDENTIALS, ['lambda', 'invoke', '--function-name', 'Hello', '--log-type', 'Tail', out])
    expect(Buffer.from((JSON.parse(second.stdout) as {LogResult: string}).LogResult, 'base64').toString()).not.toContain('Init Duration')
    const aliased = await awsCli(server.endpoint, CREDENTIALS, ['lambda', 'invoke', '--function-name', 'Hello', '--qualifier', 'live', out])
    expect(JSON.parse(aliased.stdout)).toMatchObject({StatusCode: 200, ExecutedVersion: '1'})
    expect(JSON.parse(await readFile(out, 'utf8'))).toMatchObject({version: '1'})
    // By its FunctionName, a Python function.
    const greeter = await awsCli(server.endpoint, CREDENTIALS, ['lambda', 'invoke', '--function-name', 'greeter-fn', '--payload', '{"name": "Ada"}', out])
    expect(greeter.exitCode, greeter.stderr).toBe(0)
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual({hello: 'Ada', version: '$LATEST'})
    const failed = await awsCli(server.endpoint, CREDENTIALS, ['lambda', 'invoke', '--function-name', 'Hello', '--payload', '{"fail": true}', out])
    expect(JSON.parse(failed.stdout)).toMatchObject({StatusCode: 200, FunctionError: 'Unhandled'})
    expect(JSON.parse(await readFile(out, 'utf8'))).toMatchObject({errorType: 'RangeError', errorMessage: 'asked to fail'})
    const missing = await awsCli(server.endpoint, CREDENTIALS, ['lambda', 'invoke', '--function-name', 'Nope', out])
    expect(missing.exitCode).not.toBe(0)
    expect(missing.stderr).toContain('An error occurred (ResourceNotFoundException) when calling the Invoke operation: Function not found: arn:aws:lambda:us-east-1:123456789012:function:Nope')
  })

  it('#14.5 Lambda\'s status codes and error shapes: 429 at reserved concurrency 0 (an Event 202), 413 too large, 202 Event, 204 DryRun', {timeout: 120_000}, async () => {
    const server = await startServer(project)
    const throttled = await fetch(invokeUrl(server.endpoint, 'Stopped'), {method: 'POST', body: '{}'})
    expect(throttled.status).toBe(429)
    expect(throttled.headers.get('x-amzn-errortype')).toBe('TooManyRequestsException')
    expect(await throttled.json()).toEqual({Type: 'User', message: 'Rate Exceeded.', Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded'})
    const large = await fetch(invokeUrl(server.endpoint, 'Hello'), {method: 'POST', body: JSON.stringify({pad: 'x'.repeat(6 * 1024 * 1024)})})
    expect(large.status).toBe(413)
    expect(large.headers.get('x-amzn-errortype')).toBe('RequestTooLargeException')
    const event = await fetch(invokeUrl(server.endpoint, 'Hello'), {method: 'POST', body: '{}', headers: {'X-Amz-Invocation-Type': 'Event'}})
    expect(event.status).toBe(202)
    // An Event invoke at reserved concurrency 0 is accepted: the event waits, throttled, in the queue.
    const queued = await fetch(invokeUrl(server.endpoint, 'Stopped'), {method: 'POST', body: '{}', headers: {'X-Amz-Invocation-Type': 'Event'}})
    expect(queued.status).toBe(202)
    const dryRun = await fetch(invokeUrl(server.endpoint, 'Hello', '?Qualifier=live'), {method: 'POST', body: '{}', headers: {'X-Amz-Invocation-Type': 'DryRun'}})
    expect(dryRun.status).toBe(204)
    const badQualifier = await fetch(invokeUrl(server.endpoint, 'Hello', '?Qualifier=9'), {method: 'POST', body: '{}'})
    expect(badQualifier.status).toBe(404)
  })

  it('#14.5 InvokeWithResponseStream: the SDK reads the response\'s chunks and InvokeComplete (with the error and the log tail)', {timeout: 120_000}, async () => {
    const server = await startServer(project)
    const lambda = new LambdaClient({region: 'us-east-1', endpoint: server.endpoint, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}, maxAttempts: 1})
    const read = async (payload: unknown) => {
      const output = await lambda.send(new InvokeWithResponseStreamCommand({FunctionName: 'Streamer', Payload: Buffer.from(JSON.stringify(payload)), LogType: 'Tail'}))
      let text = ''
      let complete: {ErrorCode?: string; ErrorDetails?: string; LogResult?: string} | undefined
      for await (const item of output.EventStream!) {
        if (item.PayloadChunk?.Payload) text += Buffer.from(item.PayloadChunk.Payload).toString('utf8')
        if (item.InvokeComplete) complete = item.InvokeComplete
      }
      return {status: output.StatusCode, version: output.ExecutedVersion, text, complete}
    }
    const streamed = await read({})
    expect(streamed).toMatchObject({status: 200, version: '$LATEST', text: 'one two three'})
    expect(streamed.complete?.ErrorCode).toBeUndefined()
    expect(Buffer.from(streamed.complete!.LogResult!, 'base64').toString()).toMatch(/^REPORT RequestId: /m)
    const broken = await read({fail: true})
    expect(broken.complete).toMatchObject({ErrorCode: 'Error', ErrorDetails: 'stream broke'})
  })

  it('#14.5 InvokeWithResponseStream delivers each chunk as the handler writes it, and an error after them in InvokeComplete', {timeout: 120_000}, async () => {
    const server = await startServer(project)
    const lambda = new LambdaClient({region: 'us-east-1', endpoint: server.endpoint, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}, maxAttempts: 1})
    const read = async (payload: unknown) => {
      const output = await lambda.send(new InvokeWithResponseStreamCommand({FunctionName: 'Streamer', Payload: Buffer.from(JSON.stringify(payload))}))
      const chunks: {text: string; at: number}[] = []
      let complete: {ErrorCode?: string; ErrorDetails?: string; at: number} | undefined
      for await (const item of output.EventStream!) {
        if (item.PayloadChunk?.Payload) chunks.push({text: Buffer.from(item.PayloadChunk.Payload).toString('utf8'), at: performance.now()})
        if (item.InvokeComplete) complete = {...item.InvokeComplete, at: performance.now()}
      }
      return {status: output.StatusCode, version: output.ExecutedVersion, chunks, complete: complete!}
    }
    // The handler writes, waits 500 ms, writes again: the first chunk is read while it waits.
    const streamed = await read({pauseMs: 500})
    expect(streamed).toMatchObject({status: 200, version: '$LATEST'})
    expect(streamed.chunks.map((chunk) => chunk.text)).toEqual(['first ', 'second'])
    expect(streamed.chunks[1]!.at - streamed.chunks[0]!.at).toBeGreaterThanOrEqual(400)
    expect(streamed.complete.ErrorCode).toBeUndefined()
    const broken = await read({pauseMs: 500, fail: true})
    expect(broken.chunks.map((chunk) => chunk.text)).toEqual(['first ', 'second'])
    expect(broken.complete.at - broken.chunks[0]!.at).toBeGreaterThanOrEqual(400)
    expect(broken.complete).toMatchObject({ErrorCode: 'Error', ErrorDetails: 'broke after a pause'})
  })

  it('#14.5 a rebuild is picked up by the next invoke (a new environment), and SIGTERM ends every function process', {timeout: 120_000}, async () => {
    const server = await startServer(project)
    const before = (await (await fetch(invokeUrl(server.endpoint, 'Hello'), {method: 'POST', body: '{}'})).json()) as {tag: string; pid: number}
    expect(before.tag).toBe('one')
    await writeFile(join(project, 'hello', 'app.js'), HELLO('two'))
    try {
      const build = await runLpack(['build'], {cwd: project})
      expect(build.exitCode, build.stderr).toBe(0)
      const after = (await (await fetch(invokeUrl(server.endpoint, 'Hello'), {method: 'POST', body: '{}'})).json()) as {tag: string; pid: number}
      expect(after.tag).toBe('two')
      expect(after.pid).not.toBe(before.pid)
      expect(await gone(before.pid)).toBe(true)
      server.child.kill('SIGTERM')
      expect(await server.exited).toBe(0)
      expect(await gone(after.pid)).toBe(true)
    } finally {
      await writeFile(join(project, 'hello', 'app.js'), HELLO('one'))
    }
  })

  it('#14.5 --watch rebuilds on a file change', {timeout: 120_000}, async () => {
    const server = await startServer(project, ['--watch'])
    const call = async () => ((await (await fetch(invokeUrl(server.endpoint, 'Hello'), {method: 'POST', body: '{}'})).json()) as {tag: string}).tag
    expect(await call()).toBe('one')
    await writeFile(join(project, 'hello', 'app.js'), HELLO('watched'))
    try {
      const deadline = Date.now() + 30_000
      let tag = 'one'
      while (tag !== 'watched' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 300))
        tag = await call()
      }
      expect(tag).toBe('watched')
    } finally {
      await writeFile(join(project, 'hello', 'app.js'), HELLO('one'))
    }
  })

  it('#14.5 an Event invocation that fails lands, after its retries, in the OnFailure queue on a local AWS endpoint', {timeout: 120_000}, async () => {
    const moto = await startMoto()
    try {
      const sqs = new SQSClient({region: 'us-east-1', endpoint: moto.endpoint, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}})
      const {QueueUrl} = await sqs.send(new CreateQueueCommand({QueueName: 'failures'}))
      const server = await startServer(project, ['--endpoint-url', moto.endpoint])
      const out = join(project, 'event.json')
      const accepted = await awsCli(server.endpoint, CREDENTIALS, ['lambda', 'invoke', '--function-name', 'Failing', '--invocation-type', 'Event', '--payload', '{"fail": true}', out])
      expect(JSON.parse(accepted.stdout)).toMatchObject({StatusCode: 202})
      const received = await sqs.send(new ReceiveMessageCommand({QueueUrl, WaitTimeSeconds: 15}))
      expect(received.Messages).toHaveLength(1)
      expect(JSON.parse(received.Messages![0]!.Body!)).toMatchObject({
        requestContext: {condition: 'RetriesExhausted', approximateInvokeCount: 1, functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:Failing:$LATEST'},
        requestPayload: {fail: true},
        responseContext: {functionError: 'Unhandled'},
        responsePayload: {errorType: 'RangeError'},
      })
    } finally {
      await moto.stop()
    }
  })
})

/** True once the process has ended (a killed process is reaped by its parent a moment later). */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    try {
      process.kill(pid, 0)
    } catch {
      return true
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return false
}
