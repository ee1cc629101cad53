import {rm} from 'node:fs/promises'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import type {ExecutionEnvironment} from '../../src/core/invoke/execution-environment.js'
import {describeEvent} from '../../src/io/event-text.js'
import {environment, event, taskRoot} from './invoke-support.js'

// lpack's Node.js and Python bootstraps and a custom runtime's own bootstrap, run by real node, python3 and sh,
// each talking to lpack's Runtime API. Every test is bounded: one environment, a few invocations.
const cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step()
})

async function setup(files: Record<string, string>, fn: Parameters<typeof environment>[1], options?: Parameters<typeof environment>[2]): Promise<{env: ExecutionEnvironment; root: string; logs: () => string[]}> {
  const root = await taskRoot(files)
  const {env, reporter} = environment(root, fn, options)
  cleanup.push(async () => {
    await env.dispose()
    await rm(root, {recursive: true, force: true})
  })
  return {env, root, logs: () => reporter.events.filter((e) => e.kind === 'invoke.log').map((e) => describeEvent(e).text)}
}

const NODE_CONTEXT = `
  const fields = (event, context) => ({
    event,
    functionName: context.functionName, functionVersion: context.functionVersion, invokedFunctionArn: context.invokedFunctionArn,
    memoryLimitInMB: context.memoryLimitInMB, awsRequestId: context.awsRequestId, logGroupName: context.logGroupName,
    logStreamName: context.logStreamName, remaining: context.getRemainingTimeInMillis(),
    waits: context.callbackWaitsForEmptyEventLoop, identity: context.identity, clientContext: context.clientContext,
    env: {handler: process.env._HANDLER, taskRoot: process.env.LAMBDA_TASK_ROOT, tz: process.env.TZ, trace: process.env._X_AMZN_TRACE_ID},
  })
`

describe('lpack invoke: the Node.js runtime', () => {
  it('#14.2 an async CommonJS handler gets the event and Lambda\'s context', {timeout: 30_000}, async () => {
    const {env, root, logs} = await setup({'task/app.js': `${NODE_CONTEXT}\nexports.handler = async (event, context) => { console.log('got', event.name); return fields(event, context) }`}, {runtime: 'nodejs20.x', handler: 'app.handler', memoryMb: 256, timeoutSeconds: 7})
    const result = await env.invoke({...event({name: 'ada'}), clientContext: '{"custom":{"k":"v"}}', cognitoIdentity: '{"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}'})
    expect(result.failed).toBe(false)
    const body = JSON.parse(result.payload)
    expect(body).toMatchObject({
      event: {name: 'ada'},
      functionName: 'Fn',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:Fn',
      memoryLimitInMB: '256',
      awsRequestId: result.requestId,
      logGroupName: '/aws/lambda/Fn',
      logStreamName: '2026/12/03/[$LATEST]0123456789abcdef0123456789abcdef',
      waits: true,
      identity: {cognitoIdentityId: 'id-1', cognitoIdentityPoolId: 'pool-1'},
      clientContext: {custom: {k: 'v'}},
      env: {handler: 'app.handler', taskRoot: join(root, 'task'), tz: ':UTC'},
    })
    expect(body.env.trace).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};/)
    expect(body.remaining).toBeGreaterThan(5000)
    expect(body.remaining).toBeLessThanOrEqual(7000)
    // Lambda's console format: time, request id, level, message.
    expect(logs()).toContainEqual(expect.stringMatching(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t${result.requestId}\\tINFO\\tgot ada$`)))
  })

  it('#14.2 ES modules: a .mjs file and a .js file under "type": "module"', {timeout: 30_000}, async () => {
    const mjs = await setup({'task/lib/app.mjs': `export const handler = async (event) => ({esm: import.meta.url.endsWith('app.mjs'), got: event})`}, {runtime: 'nodejs20.x', handler: 'lib/app.handler'})
    expect(JSON.parse((await mjs.env.invoke(event(1))).payload)).toEqual({esm: true, got: 1})
    const typeModule = await setup({'task/package.json': '{"type":"module"}', 'task/index.js': `export const nested = {run: async () => typeof require}`}, {runtime: 'nodejs20.x', handler: 'index.nested.run'})
    expect(JSON.parse((await typeModule.env.invoke(event({}))).payload)).toBe('undefined')
  })

  it('#14.2 a callback handler answers when the event loop is empty, unless callbackWaitsForEmptyEventLoop is false', {timeout: 30_000}, async () => {
    const {env} = await setup(
      {
        'task/app.js': `
          let finished = []
          exports.wait = (event, context, callback) => { setTimeout(() => finished.push('timer'), 200); callback(null, {finished: [...finished]}); }
          exports.after = (event, context, callback) => { callback(null, {finished: [...finished]}) }
          exports.nowait = (event, context, callback) => { context.callbackWaitsForEmptyEventLoop = false; setTimeout(() => {}, 1500); callback(null, 'fast') }`,
      },
      {runtime: 'nodejs20.x', handler: 'app.wait'},
    )
    const first = await env.invoke(event({}))
    // The response waits for the timer: it took ≥ 200 ms although the callback came at once.
    expect(JSON.parse(first.payload)).toEqual({finished: []})
    expect(first.report.durationMs).toBeGreaterThanOrEqual(190)
    const nowait = await setup({'task/app.js': `exports.nowait = (event, context, callback) => { context.callbackWaitsForEmptyEventLoop = false; setTimeout(() => {}, 1500); callback(null, 'fast') }`}, {runtime: 'nodejs20.x', handler: 'app.nowait'})
    const fast = await nowait.env.invoke(event({}))
    expect(fast.payload).toBe('"fast"')
    expect(fast.report.durationMs).toBeLessThan(1400)
  })

  it('#14.4 a thrown error is returned as Lambda returns it: errorType, errorMessage, trace', {timeout: 30_000}, async () => {
    const {env, logs} = await setup({'task/app.js': `class OrderError extends Error { constructor(m) { super(m); this.name = 'OrderError' } }\nexports.handler = async () => { throw new OrderError('no stock') }`}, {runtime: 'nodejs20.x', handler: 'app.handler'})
    const result = await env.invoke(event({}))
    expect(result.failed).toBe(true)
    expect(result.errorType).toBe('OrderError')
    const body = JSON.parse(result.payload)
    expect(body).toMatchObject({errorType: 'OrderError', errorMessage: 'no stock'})
    expect(body.trace[0]).toBe('OrderError: no stock')
    expect(body.trace[1]).toMatch(/app\.js/)
    expect(logs()).toContainEqual(expect.stringMatching(/\tERROR\tInvoke Error \t\{"errorType":"OrderError"/))
    // The environment survives a handled error: the next invoke is warm.
    expect((await env.invoke(event({}))).coldStart).toBe(false)
  })

  it('#14.4 a missing module is Runtime.ImportModuleError, a missing export Runtime.HandlerNotFound', {timeout: 30_000}, async () => {
    const missingModule = await setup({'task/other.js': 'exports.handler = async () => 1'}, {runtime: 'nodejs20.x', handler: 'app.handler'})
    const imported = await missingModule.env.invoke(event({}))
    expect(imported.failed).toBe(true)
    expect(JSON.parse(imported.payload)).toMatchObject({errorType: 'Runtime.ImportModuleError', errorMessage: expect.stringContaining("Cannot find module 'app'")})
    const missingExport = await setup({'task/app.js': 'exports.other = async () => 1'}, {runtime: 'nodejs20.x', handler: 'app.handler'})
    const notFound = await missingExport.env.invoke(event({}))
    expect(JSON.parse(notFound.payload)).toMatchObject({errorType: 'Runtime.HandlerNotFound', errorMessage: 'app.handler is undefined or not exported'})
  })

  it('#14.4 a crash is Runtime.ExitError, and the next invoke starts a new environment', {timeout: 30_000}, async () => {
    const {env} = await setup({'task/app.js': `let calls = 0\nexports.handler = async (event) => { calls++; if (event.exit) process.exit(3); return calls }`}, {runtime: 'nodejs20.x', handler: 'app.handler'})
    expect((await env.invoke(event({}))).payload).toBe('1')
    const crashed = await env.invoke(event({exit: true}))
    expect(crashed.failed).toBe(true)
    expect(JSON.parse(crashed.payload)).toEqual({errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${crashed.requestId} Error: Runtime exited with error: exit status 3`})
    const after = await env.invoke(event({}))
    expect(after.coldStart).toBe(true)
    expect(after.payload).toBe('1')
  })
})

describe('lpack invoke: the Python runtime', () => {
  it('#14.2 handler(event, context) gets the event and Lambda\'s context', {timeout: 30_000}, async () => {
    const {env, logs} = await setup(
      {
        'task/pkg/app.py': `import os
def handler(event, context):
    print("got", event["name"])
    return {"event": event, "function_name": context.function_name, "function_version": context.function_version,
            "invoked_function_arn": context.invoked_function_arn, "memory_limit_in_mb": context.memory_limit_in_mb,
            "aws_request_id": context.aws_request_id, "log_group_name": context.log_group_name,
            "log_stream_name": context.log_stream_name, "remaining": context.get_remaining_time_in_millis(),
            "identity": context.identity.cognito_identity_id, "custom": context.client_context.custom,
            "tz": os.environ["TZ"], "pythonpath": os.environ["PYTHONPATH"]}
`,
      },
      {runtime: 'python3.12', handler: 'pkg/app.handler', memoryMb: 512, timeoutSeconds: 5},
    )
    const result = await env.invoke({...event({name: 'ada'}), clientContext: '{"custom":{"k":"v"}}', cognitoIdentity: '{"cognitoIdentityId":"id-1"}'})
    expect(result.failed).toBe(false)
    const body = JSON.parse(result.payload)
    expect(body).toMatchObject({
      event: {name: 'ada'},
      function_name: 'Fn',
      function_version: '$LATEST',
      invoked_function_arn: 'arn:aws:lambda:eu-west-1:123456789012:function:Fn',
      memory_limit_in_mb: '512',
      aws_request_id: result.requestId,
      log_group_name: '/aws/lambda/Fn',
      identity: 'id-1',
      custom: {k: 'v'},
      tz: ':UTC',
    })
    expect(body.remaining).toBeGreaterThan(3000)
    expect(body.remaining).toBeLessThanOrEqual(5000)
    expect(body.pythonpath).toContain('opt/python/lib/python3.12/site-packages')
    expect(logs()).toContain('got ada')
  })

  it('#14.4 a raised exception is returned as Lambda returns it: errorMessage, errorType, stackTrace', {timeout: 30_000}, async () => {
    const {env} = await setup({'task/app.py': 'def handler(event, context):\n    raise ValueError("bad input")\n'}, {runtime: 'python3.12', handler: 'app.handler'})
    const result = await env.invoke(event({}))
    expect(result.failed).toBe(true)
    const body = JSON.parse(result.payload)
    expect(body).toMatchObject({errorType: 'ValueError', errorMessage: 'bad input', requestId: result.requestId})
    expect(body.stackTrace).toHaveLength(1)
    expect(body.stackTrace[0]).toMatch(/app\.py", line 2, in handler\n {4}raise ValueError\("bad input"\)/)
  })

  it('#14.4 a missing module is Runtime.ImportModuleError, a missing function Runtime.HandlerNotFound', {timeout: 30_000}, async () => {
    const missingModule = await setup({'task/other.py': ''}, {runtime: 'python3.12', handler: 'app.handler'})
    expect(JSON.parse((await missingModule.env.invoke(event({}))).payload)).toMatchObject({errorType: 'Runtime.ImportModuleError', errorMessage: "Unable to import module 'app': No module named 'app'"})
    const missingFunction = await setup({'task/app.py': 'def other(event, context):\n    return 1\n'}, {runtime: 'python3.12', handler: 'app.handler'})
    expect(JSON.parse((await missingFunction.env.invoke(event({}))).payload)).toMatchObject({errorType: 'Runtime.HandlerNotFound', errorMessage: "Handler 'handler' missing on module 'app'"})
  })
})

describe('lpack invoke: Python and response streaming', () => {
  it('#14.1 a Python handler that yields its response fails as in Lambda (Runtime.MarshalError), saying Lambda streams only Node.js and custom runtimes', {timeout: 30_000}, async () => {
    const {env} = await setup({'task/app.py': 'def handler(event, context):\n    yield "first"\n    yield "second"\n'}, {runtime: 'python3.12', handler: 'app.handler'})
    const result = await env.invoke(event({}))
    expect(result.failed).toBe(true)
    const body = JSON.parse(result.payload)
    expect(body.errorType).toBe('Runtime.MarshalError')
    expect(body.errorMessage).toMatch(/^Unable to marshal response: Object of type generator is not JSON serializable/)
    expect(body.errorMessage).toContain('Lambda does not stream responses from Python functions')
  })
})

describe('lpack invoke: a custom runtime', () => {
  it('#14.1 a provided.al2023 bootstrap (a shell script with curl) runs unchanged against the Runtime API', {timeout: 30_000}, async () => {
    const bootstrap = `0755 #!/bin/sh
set -eu
API="http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
HEADERS="$(mktemp)"
while true; do
  EVENT="$(curl -sS -D "$HEADERS" "$API/invocation/next")"
  REQUEST_ID="$(grep -i '^lambda-runtime-aws-request-id:' "$HEADERS" | tr -d '\\r' | cut -d' ' -f2)"
  echo "handling $REQUEST_ID"
  curl -sS -X POST "$API/invocation/$REQUEST_ID/response" -d "{\\"echo\\":$EVENT,\\"handler\\":\\"$_HANDLER\\",\\"cwd\\":\\"$(pwd)\\"}" >/dev/null
done
`
    const {env, root, logs} = await setup({'task/bootstrap': bootstrap}, {runtime: 'provided.al2023', handler: 'anything.here'})
    const first = await env.invoke(event({n: 1}))
    expect(JSON.parse(first.payload)).toEqual({echo: {n: 1}, handler: 'anything.here', cwd: join(root, 'task')})
    expect(logs()).toContain(`handling ${first.requestId}`)
    const second = await env.invoke(event({n: 2}))
    expect(second.coldStart).toBe(false)
    expect(JSON.parse(second.payload).echo).toEqual({n: 2})
    // A custom runtime's start is billed (Lambda bills the init of provided runtimes), rounded up from the printed
    // hundredths of a millisecond.
    expect(first.report.billedDurationMs).toBeGreaterThanOrEqual(Math.floor(first.report.durationMs + (first.report.initDurationMs ?? 0)))
  })

  it('#14.4 a bootstrap that exits before asking for work is Runtime.ExitError', {timeout: 30_000}, async () => {
    const {env} = await setup({'task/bootstrap': '0755 #!/bin/sh\necho "no runtime here" >&2\nexit 2\n'}, {runtime: 'provided.al2023', handler: 'x'})
    const result = await env.invoke(event({}))
    expect(result.failed).toBe(true)
    expect(JSON.parse(result.payload)).toEqual({errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${result.requestId} Error: Runtime exited with error: exit status 2`})
    expect(result.logs).toContain('no runtime here')
  })
})

describe('lpack invoke: response streaming', () => {
  it('#14.1 an awslambda.streamifyResponse handler streams its response; an error after the first bytes is the invocation\'s error', {timeout: 30_000}, async () => {
    const {env} = await setup(
      {
        'task/app.mjs': `
          export const handler = awslambda.streamifyResponse(async (event, responseStream, context) => {
            if (event.url) responseStream = awslambda.HttpResponseStream.from(responseStream, {statusCode: 201, headers: {'x-a': 'b'}})
            for (const part of ['one ', 'two ', 'three']) {
              responseStream.write(part)
              await new Promise((resolve) => setTimeout(resolve, 20))
            }
            if (event.fail) throw new Error('stream broke after ' + context.awsRequestId.length)
            responseStream.end()
          })`,
      },
      {runtime: 'nodejs20.x', handler: 'app.handler'},
    )
    const streamed = await env.invoke(event({}))
    expect(streamed.failed).toBe(false)
    expect(streamed.payload).toBe('one two three')
    const url = await env.invoke(event({url: true}))
    expect(url.payload).toBe('{"statusCode":201,"headers":{"x-a":"b"}}' + '\u0000'.repeat(8) + 'one two three')
    const broken = await env.invoke(event({fail: true}))
    expect(broken.failed).toBe(true)
    expect(JSON.parse(broken.payload)).toMatchObject({errorType: 'Error', errorMessage: 'stream broke after 36'})
    expect(broken.coldStart).toBe(false)
  })
})
