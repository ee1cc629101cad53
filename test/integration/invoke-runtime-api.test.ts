import {afterEach, describe, expect, it} from 'vitest'

import {MAX_RESPONSE_BYTES, RuntimeApiServer, type RuntimeOutcome} from '../../src/core/invoke/runtime-api.js'

// The Runtime API over real HTTP on loopback, with fetch() playing the runtime.
let server: RuntimeApiServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const base = (address: string) => `http://${address}/2018-06-01/runtime`
const invocation = {requestId: 'req-1', payload: Buffer.from('{"a":1}'), deadlineMs: 1_900_000_000_000, invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:Fn'}

describe('Lambda Runtime API server', () => {
  it('#14.1 long-polls next, then delivers the event with Lambda\'s headers and takes the response', {timeout: 10_000}, async () => {
    let ready = 0
    server = new RuntimeApiServer({onReady: () => ready++})
    const address = await server.start()
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/)
    // The runtime polls before any invocation exists: the request waits.
    const next = fetch(`${base(address)}/invocation/next`)
    const waitUntil = Date.now() + 5000
    while (ready === 0 && Date.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(ready).toBe(1)
    const outcome = server.invoke({...invocation, traceId: 'Root=1-abc', clientContext: '{"custom":{"k":"v"}}', cognitoIdentity: '{"cognitoIdentityId":"id"}'})
    const delivered = await next
    expect(delivered.status).toBe(200)
    expect(delivered.headers.get('lambda-runtime-aws-request-id')).toBe('req-1')
    expect(delivered.headers.get('lambda-runtime-deadline-ms')).toBe('1900000000000')
    expect(delivered.headers.get('lambda-runtime-invoked-function-arn')).toBe(invocation.invokedFunctionArn)
    expect(delivered.headers.get('lambda-runtime-trace-id')).toBe('Root=1-abc')
    expect(delivered.headers.get('lambda-runtime-client-context')).toBe('{"custom":{"k":"v"}}')
    expect(delivered.headers.get('lambda-runtime-cognito-identity')).toBe('{"cognitoIdentityId":"id"}')
    expect(await delivered.text()).toBe('{"a":1}')
    const posted = await fetch(`${base(address)}/invocation/req-1/response`, {method: 'POST', body: '"done"'})
    expect(posted.status).toBe(202)
    const result = (await outcome) as Extract<RuntimeOutcome, {kind: 'response'}>
    expect(result.kind).toBe('response')
    expect(result.payload.toString()).toBe('"done"')
  })

  it('#14.1 an invocation waiting before the poll is delivered at once; headers it lacks are not sent', {timeout: 10_000}, async () => {
    server = new RuntimeApiServer()
    const address = await server.start()
    const outcome = server.invoke(invocation)
    const delivered = await fetch(`${base(address)}/invocation/next`)
    expect(delivered.headers.get('lambda-runtime-aws-request-id')).toBe('req-1')
    expect(delivered.headers.has('lambda-runtime-client-context')).toBe(false)
    expect(delivered.headers.has('lambda-runtime-cognito-identity')).toBe(false)
    await delivered.text()
    const posted = await fetch(`${base(address)}/invocation/req-1/error`, {
      method: 'POST',
      headers: {'Lambda-Runtime-Function-Error-Type': 'Runtime.HandlerNotFound'},
      body: JSON.stringify({errorType: 'Runtime.HandlerNotFound', errorMessage: 'x'}),
    })
    expect(posted.status).toBe(202)
    expect(await outcome).toMatchObject({kind: 'error', errorType: 'Runtime.HandlerNotFound'})
  })

  it('#14.1 refuses a response for another request id, and reports init errors', {timeout: 10_000}, async () => {
    const initErrors: RuntimeOutcome[] = []
    server = new RuntimeApiServer({onInitError: (outcome) => initErrors.push(outcome)})
    const address = await server.start()
    const wrong = await fetch(`${base(address)}/invocation/nope/response`, {method: 'POST', body: '1'})
    expect(wrong.status).toBe(400)
    const init = await fetch(`${base(address)}/init/error`, {method: 'POST', headers: {'Lambda-Runtime-Function-Error-Type': 'Runtime.ImportModuleError'}, body: '{"errorType":"Runtime.ImportModuleError"}'})
    expect(init.status).toBe(202)
    expect(initErrors).toHaveLength(1)
    expect(initErrors[0]).toMatchObject({kind: 'error', errorType: 'Runtime.ImportModuleError'})
  })

  it('#14.3 a response over 6 MB fails the invocation with Function.ResponseSizeTooLarge', {timeout: 10_000}, async () => {
    server = new RuntimeApiServer()
    const address = await server.start()
    const outcome = server.invoke(invocation)
    await (await fetch(`${base(address)}/invocation/next`)).text()
    const posted = await fetch(`${base(address)}/invocation/req-1/response`, {method: 'POST', body: Buffer.alloc(MAX_RESPONSE_BYTES + 1, 0x61)})
    expect(posted.status).toBe(413)
    const result = await outcome
    expect(result).toMatchObject({kind: 'error', errorType: 'Function.ResponseSizeTooLarge'})
    expect(JSON.parse(result.payload.toString()).errorMessage).toContain('6291556 bytes')
  })
})
