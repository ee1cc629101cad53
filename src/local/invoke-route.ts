import type {IncomingMessage, ServerResponse} from 'node:http'

import type {AsyncInvoker} from './async-invoke.js'
import {readBody, type LocalRoute} from './front-server.js'
import type {LambdaPlane} from './lambda-plane.js'

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/
const MAX_SYNC_BYTES = 6 * 1024 * 1024
const MAX_ASYNC_BYTES = 256 * 1024
/** LogType Tail returns the last 4 KB of the invocation's log, base64. */
const TAIL_BYTES = 4096

/**
 * Lambda's Invoke API (POST /2015-03-31/functions/{name}/invocations): RequestResponse, Event and DryRun, with
 * Qualifier (a version or an alias, weights honoured), LogType Tail, and Lambda's error shapes
 * (x-amzn-ErrorType, X-Amz-Function-Error).
 */
export function invokeRoute(plane: LambdaPlane, asyncInvoker: AsyncInvoker, defaultRegion: string): LocalRoute {
  return async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://local')
    const match = request.method === 'POST' ? INVOKE_PATH.exec(url.pathname) : null
    if (!match) return false
    const invocationType = header(request, 'x-amz-invocation-type') ?? 'RequestResponse'
    const body = await readBody(request, invocationType === 'Event' ? MAX_ASYNC_BYTES : MAX_SYNC_BYTES)
    if (body === undefined) {
      sendError(response, 413, 'RequestTooLargeException', `Request must be smaller than ${invocationType === 'Event' ? MAX_ASYNC_BYTES : MAX_SYNC_BYTES} bytes for the InvokeFunction operation`)
      return true
    }
    const payload = body.length === 0 ? Buffer.from('{}') : body
    if (!isJson(payload)) {
      sendError(response, 400, 'InvalidRequestContentException', 'Could not parse request body into json')
      return true
    }
    const target = await plane.resolve(decodeURIComponent(match[1]!), url.searchParams.get('Qualifier') ?? undefined, regionOf(request) ?? defaultRegion)
    if ('notFound' in target) {
      sendError(response, 404, 'ResourceNotFoundException', target.notFound)
      return true
    }
    if (invocationType === 'DryRun') {
      response.writeHead(204, {'X-Amz-Executed-Version': target.version}).end()
      return true
    }
    if (invocationType === 'Event') {
      const requestId = asyncInvoker.enqueue(target, payload)
      response.writeHead(202, {'x-amzn-RequestId': requestId, 'Content-Length': '0'}).end()
      return true
    }
    const outcome = await plane.invoke(target, payload, {...(header(request, 'x-amz-client-context') ? {clientContext: Buffer.from(header(request, 'x-amz-client-context')!, 'base64').toString('utf8')} : {})})
    if (outcome.kind === 'throttled') {
      sendError(response, 429, 'TooManyRequestsException', 'Rate Exceeded.', {Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded'})
      return true
    }
    if (outcome.kind === 'not-found') {
      sendError(response, 404, 'ResourceNotFoundException', outcome.message)
      return true
    }
    const {result} = outcome
    const headers: Record<string, string> = {'Content-Type': 'application/json', 'X-Amz-Executed-Version': target.version, 'x-amzn-RequestId': result.requestId}
    if (result.failed) headers['X-Amz-Function-Error'] = 'Unhandled'
    if (header(request, 'x-amz-log-type') === 'Tail') {
      const logs = Buffer.from(result.logs.join('\n') + '\n')
      headers['X-Amz-Log-Result'] = logs.subarray(Math.max(0, logs.length - TAIL_BYTES)).toString('base64')
    }
    response.writeHead(200, headers).end(result.payload)
    return true
  }
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** The region the request is signed for (SigV4's credential scope). */
export function regionOf(request: IncomingMessage): string | undefined {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(header(request, 'authorization') ?? '')?.[1]
}

function isJson(payload: Buffer): boolean {
  try {
    JSON.parse(payload.toString('utf8'))
    return true
  } catch {
    return false
  }
}

function sendError(response: ServerResponse, status: number, type: string, message: string, extra: Record<string, string> = {}): void {
  response.writeHead(status, {'Content-Type': 'application/json', 'x-amzn-ErrorType': type}).end(JSON.stringify({Type: 'User', message, ...extra}))
}
