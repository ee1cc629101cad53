import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

/**
 * The Lambda Runtime API (version 2018-06-01) as Lambda serves it inside an execution environment: the runtime
 * long-polls `invocation/next`, then posts the invocation's `response` or `error`; `init/error` reports a failed
 * start. Every runtime lpack runs — its own Node.js and Python bootstraps and a custom runtime's `bootstrap` — talks
 * to the function host through this one protocol, so they all get the same semantics.
 */

export const RUNTIME_API_PREFIX = '/2018-06-01/runtime'
/** Lambda's synchronous request limit (bytes). */
export const MAX_REQUEST_BYTES = 6 * 1024 * 1024
/** Lambda's synchronous response limit: 6 MB and the 100 bytes its message names ("6291556 bytes"). */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 100
/** Lambda's limit for a streamed response (response streaming's soft limit, 20 MB). */
export const MAX_STREAMED_RESPONSE_BYTES = 20 * 1024 * 1024

export interface Invocation {
  requestId: string
  payload: Buffer
  /** When the invocation times out, in Unix milliseconds. */
  deadlineMs: number
  invokedFunctionArn: string
  traceId?: string
  /** The client context as JSON text (Lambda sends it as is in a header). */
  clientContext?: string
  /** The Cognito identity as JSON text. */
  cognitoIdentity?: string
}

/** What the runtime posted for an invocation or for its start. */
export type RuntimeOutcome =
  | {kind: 'response'; payload: Buffer}
  | {kind: 'error'; payload: Buffer; errorType?: string}

export interface RuntimeApiHandlers {
  /** The runtime reported that it could not start (`init/error`). */
  onInitError?(outcome: Extract<RuntimeOutcome, {kind: 'error'}>): void
  /** The runtime asked for its first invocation: its start (init) is over. */
  onReady?(): void
}

/** Receives a streamed response's bytes as the runtime sends them (before the invocation's outcome). */
export type ResponseChunkListener = (chunk: Buffer) => void

interface PendingInvocation {
  invocation: Invocation
  resolve(outcome: RuntimeOutcome): void
  onChunk?: ResponseChunkListener
  /** True once the runtime has received the invocation from `next`. */
  delivered: boolean
}

/** A Runtime API server on 127.0.0.1 for one execution environment (one invocation at a time, as Lambda). */
export class RuntimeApiServer {
  private server?: Server
  private ready = false
  /** The runtime's waiting `next` request, answered when an invocation arrives. */
  private waitingNext?: ServerResponse
  private pending?: PendingInvocation

  constructor(private readonly handlers: RuntimeApiHandlers = {}) {}

  /** Listens on a free loopback port; resolves with `host:port`, the value of AWS_LAMBDA_RUNTIME_API. */
  async start(): Promise<string> {
    const server = createServer((request, response) => {
      this.route(request, response).catch((error: unknown) => reply(response, 500, {errorType: 'ServiceException', errorMessage: (error as Error).message}))
    })
    // A runtime keeps one connection open for its whole life: no idle timeout may cut a long poll.
    server.keepAliveTimeout = 0
    server.requestTimeout = 0
    server.headersTimeout = 0
    this.server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    return `127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  /**
   * Hands an invocation to the runtime (now, or at its next poll) and resolves with what it posts back. One at a
   * time: an execution environment runs one invocation after another. A response the runtime streams
   * (Lambda-Runtime-Function-Response-Mode: streaming) reaches `onChunk` as it arrives, and the outcome still
   * carries all of it.
   */
  invoke(invocation: Invocation, onChunk?: ResponseChunkListener): Promise<RuntimeOutcome> {
    if (this.pending) throw new Error(`invocation ${this.pending.invocation.requestId} is still running`)
    return new Promise((resolve) => {
      this.pending = {invocation, resolve, delivered: false, ...(onChunk ? {onChunk} : {})}
      const waiting = this.waitingNext
      if (waiting) {
        this.waitingNext = undefined
        this.deliver(waiting)
      }
    })
  }

  /** Ends the running invocation with an outcome decided outside the runtime (a timeout, a crash). */
  abandon(outcome: RuntimeOutcome): void {
    const pending = this.pending
    this.pending = undefined
    pending?.resolve(outcome)
  }

  async close(): Promise<void> {
    const server = this.server
    if (!server) return
    this.server = undefined
    this.waitingNext?.destroy()
    this.waitingNext = undefined
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0] ?? ''
    if (!path.startsWith(RUNTIME_API_PREFIX + '/')) return reply(response, 404, {errorType: 'NotFound', errorMessage: `No such route: ${request.method} ${path}`})
    const route = path.slice(RUNTIME_API_PREFIX.length)
    if (request.method === 'GET' && route === '/invocation/next') return this.next(response)
    if (request.method !== 'POST') return reply(response, 405, {errorType: 'MethodNotAllowed', errorMessage: `${request.method} ${path}`})
    if (request.headers['lambda-runtime-function-response-mode'] === 'streaming' && /^\/invocation\/[^/]+\/response$/.test(route)) return this.streamed(request, response, route)

    const body = await readBody(request, MAX_RESPONSE_BYTES)
    if (route === '/init/error') {
      this.handlers.onInitError?.({kind: 'error', payload: body.bytes, errorType: errorTypeHeader(request)})
      return reply(response, 202, {status: 'OK'})
    }
    const match = /^\/invocation\/([^/]+)\/(response|error)$/.exec(route)
    if (!match) return reply(response, 404, {errorType: 'NotFound', errorMessage: `No such route: POST ${path}`})
    const requestId = decodeURIComponent(match[1]!)
    const pending = this.pending
    if (!pending || !pending.delivered || pending.invocation.requestId !== requestId) {
      return reply(response, 400, {errorType: 'InvalidRequestID', errorMessage: `No invocation ${requestId} is running`})
    }
    this.pending = undefined
    if (body.tooLarge) {
      // Lambda refuses the body and fails the invocation, whatever the runtime meant to send.
      reply(response, 413, {errorType: 'RequestEntityTooLarge', errorMessage: `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`})
      const message = `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`
      pending.resolve({kind: 'error', errorType: 'Function.ResponseSizeTooLarge', payload: Buffer.from(JSON.stringify({errorMessage: message, errorType: 'Function.ResponseSizeTooLarge'}))})
      return
    }
    reply(response, 202, {status: 'OK'})
    const failedInTrailers = match[2] === 'response' ? trailerError(request) : undefined
    if (failedInTrailers) return pending.resolve(failedInTrailers)
    pending.resolve(match[2] === 'response' ? {kind: 'response', payload: body.bytes} : {kind: 'error', payload: body.bytes, errorType: errorTypeHeader(request)})
  }

  /**
   * A streamed response: each chunk goes to the caller as it arrives, so that the first bytes reach it while the
   * function still runs. An error after the first bytes comes in the trailers, as Lambda's runtimes send it.
   */
  private async streamed(request: IncomingMessage, response: ServerResponse, route: string): Promise<void> {
    const requestId = decodeURIComponent(route.split('/')[2]!)
    const pending = this.pending
    if (!pending || !pending.delivered || pending.invocation.requestId !== requestId) {
      await readBody(request, 0)
      return reply(response, 400, {errorType: 'InvalidRequestID', errorMessage: `No invocation ${requestId} is running`})
    }
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of request as AsyncIterable<Buffer>) {
      // An invocation ended from outside (a timeout) takes no more bytes; the rest is read and dropped.
      if (this.pending !== pending || size > MAX_STREAMED_RESPONSE_BYTES) continue
      size += chunk.length
      if (size > MAX_STREAMED_RESPONSE_BYTES) continue
      chunks.push(chunk)
      pending.onChunk?.(chunk)
    }
    if (this.pending !== pending) return reply(response, 202, {status: 'OK'})
    this.pending = undefined
    if (size > MAX_STREAMED_RESPONSE_BYTES) {
      reply(response, 413, {errorType: 'RequestEntityTooLarge', errorMessage: `Exceeded maximum allowed payload size (${MAX_STREAMED_RESPONSE_BYTES} bytes).`})
      const message = `Response payload size exceeded maximum allowed payload size (${MAX_STREAMED_RESPONSE_BYTES} bytes).`
      pending.resolve({kind: 'error', errorType: 'Function.ResponseSizeTooLarge', payload: Buffer.from(JSON.stringify({errorMessage: message, errorType: 'Function.ResponseSizeTooLarge'}))})
      return
    }
    reply(response, 202, {status: 'OK'})
    pending.resolve(trailerError(request) ?? {kind: 'response', payload: Buffer.concat(chunks)})
  }

  private next(response: ServerResponse): void {
    if (!this.ready) {
      this.ready = true
      this.handlers.onReady?.()
    }
    if (this.pending && !this.pending.delivered) return this.deliver(response)
    // Long poll: answered when the next invocation arrives. A runtime that polls again replaces its old request.
    this.waitingNext?.destroy()
    this.waitingNext = response
    response.on('close', () => {
      if (this.waitingNext === response) this.waitingNext = undefined
    })
  }

  private deliver(response: ServerResponse): void {
    const pending = this.pending!
    pending.delivered = true
    const {invocation} = pending
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'Lambda-Runtime-Aws-Request-Id': invocation.requestId,
      'Lambda-Runtime-Deadline-Ms': String(invocation.deadlineMs),
      'Lambda-Runtime-Invoked-Function-Arn': invocation.invokedFunctionArn,
    }
    if (invocation.traceId !== undefined) headers['Lambda-Runtime-Trace-Id'] = invocation.traceId
    if (invocation.clientContext !== undefined) headers['Lambda-Runtime-Client-Context'] = invocation.clientContext
    if (invocation.cognitoIdentity !== undefined) headers['Lambda-Runtime-Cognito-Identity'] = invocation.cognitoIdentity
    response.writeHead(200, headers)
    response.end(invocation.payload)
  }
}

/** A streamed response that failed after its first bytes carries the error in trailers. */
function trailerError(request: IncomingMessage): RuntimeOutcome | undefined {
  const errorType = request.trailers['lambda-runtime-function-error-type']
  if (!errorType) return undefined
  const errorBody = request.trailers['lambda-runtime-function-error-body']
  return {kind: 'error', errorType, payload: errorBody ? Buffer.from(errorBody, 'base64') : Buffer.from(JSON.stringify({errorType, errorMessage: ''}))}
}

function errorTypeHeader(request: IncomingMessage): string | undefined {
  const value = request.headers['lambda-runtime-function-error-type']
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** Reads a request body, keeping at most `limit` bytes (the rest is read and dropped, so the reply still arrives). */
async function readBody(request: IncomingMessage, limit: number): Promise<{bytes: Buffer; tooLarge: boolean}> {
  const chunks: Buffer[] = []
  let size = 0
  let tooLarge = false
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) tooLarge = true
    else chunks.push(chunk)
  }
  return {bytes: Buffer.concat(chunks), tooLarge}
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return
  response.writeHead(status, {'Content-Type': 'application/json'})
  response.end(JSON.stringify(body))
}
