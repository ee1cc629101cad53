import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

import {LpackError} from '../../errors.js'
import {InvokeApiError, MAX_ASYNC_REQUEST_BYTES, type InvocationType, type InvokeService} from './service.js'
import {MAX_REQUEST_BYTES} from './runtime-api.js'

/**
 * Lambda's Invoke REST API (2015-03-31) over an InvokeService, on loopback: what `aws lambda invoke --endpoint-url`
 * and the SDKs call. `POST /2015-03-31/functions/{name}/invocations` with X-Amz-Invocation-Type, X-Amz-Log-Type,
 * X-Amz-Client-Context and `?Qualifier=`; answers with Lambda's status codes, headers and error documents.
 * The legacy InvokeAsync (`POST /2014-11-13/functions/{name}/invoke-async/`) is answered too, and
 * InvokeWithResponseStream (`POST /2021-11-15/functions/{name}/response-streaming-invocations`) in Lambda's event
 * stream encoding: a PayloadChunk for each piece a response-streaming function writes, sent as it writes it (a
 * buffered response is one PayloadChunk when the function has answered), then InvokeComplete with the error, if
 * any, and the log tail.
 */

export interface LambdaApiServer {
  /** `http://127.0.0.1:<port>` */
  endpoint: string
  port: number
  close(): Promise<void>
}

export interface LambdaApiOptions {
  service: InvokeService
  /** 0 (the default) picks a free port. */
  port?: number
  host?: string
}

export async function startLambdaApi(options: LambdaApiOptions): Promise<LambdaApiServer> {
  const server = createServer((request, response) => {
    handle(options.service, request, response).catch((error: unknown) => {
      // A stream already under way cannot change its status: it ends without its InvokeComplete.
      if (response.headersSent) response.destroy()
      else sendError(response, toApiError(error))
    })
  })
  // A long synchronous invoke (Timeout up to 15 minutes) must not be cut by Node's request timeout.
  server.requestTimeout = 0
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new LpackError('USAGE', `Port ${options.port} on ${host} is in use`, {hint: 'Pick another with --port, or 0 for a free one.'}))
      else reject(error)
    })
    server.listen(options.port ?? 0, host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  return {endpoint: `http://${host}:${port}`, port, close: () => closeServer(server)}
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/
const INVOKE_ASYNC_PATH = /^\/2014-11-13\/functions\/([^/]+)\/invoke-async\/?$/
const STREAMING_PATH = /^\/2021-11-15\/functions\/([^/]+)\/response-streaming-invocations\/?$/

/**
 * Serves one request when it is one of Lambda's invoke calls (POST to an invoke path) and returns true; returns
 * false, having read nothing, for any other request: for a server that answers other APIs too (lpack local).
 */
export async function serveInvokeRequest(service: InvokeService, request: IncomingMessage, response: ServerResponse): Promise<boolean> {
  if (request.method !== 'POST') return false
  const {pathname} = new URL(request.url ?? '/', 'http://localhost')
  if (![INVOKE_PATH, INVOKE_ASYNC_PATH, STREAMING_PATH].some((path) => path.test(pathname))) return false
  await handle(service, request, response).catch((error: unknown) => sendError(response, toApiError(error)))
  return true
}

async function handle(service: InvokeService, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost')
  const invoke = INVOKE_PATH.exec(url.pathname)
  const invokeAsync = INVOKE_ASYNC_PATH.exec(url.pathname)
  const streaming = STREAMING_PATH.exec(url.pathname)
  const match = invoke ?? invokeAsync ?? streaming
  if (!match || request.method !== 'POST') {
    await drainBody(request)
    return sendError(response, new InvokeApiError('UnknownOperationException', 404, `lpack's Lambda endpoint answers Invoke only (POST /2015-03-31/functions/{name}/invocations), not ${request.method} ${url.pathname}`))
  }
  const invocationType = (invokeAsync ? 'Event' : (header(request, 'x-amz-invocation-type') ?? 'RequestResponse')) as InvocationType
  const body = await readBody(request, invocationType === 'Event' ? MAX_ASYNC_REQUEST_BYTES : MAX_REQUEST_BYTES)
  const clientContextHeader = header(request, 'x-amz-client-context')
  // The response's status and headers go out with the first chunk, so the caller reads each chunk as it is written.
  const startStream = (requestId: string, executedVersion: string) => {
    if (!response.headersSent) response.writeHead(200, {'x-amzn-RequestId': requestId, 'X-Amz-Executed-Version': executedVersion, 'Content-Type': 'application/vnd.amazon.eventstream'})
  }
  let streamed = false
  const region = signedRegion(request)
  const result = await service.invoke({
    functionName: decodeURIComponent(match[1]!),
    qualifier: url.searchParams.get('Qualifier') ?? undefined,
    payload: body,
    invocationType,
    logType: header(request, 'x-amz-log-type') === 'Tail' ? 'Tail' : 'None',
    ...(clientContextHeader ? {clientContext: Buffer.from(clientContextHeader, 'base64').toString('utf8')} : {}),
    ...(streaming
      ? {
          onResponseChunk: (chunk: Buffer, invocation: {requestId: string; executedVersion: string}) => {
            startStream(invocation.requestId, invocation.executedVersion)
            streamed = true
            response.write(eventMessage('PayloadChunk', 'application/octet-stream', chunk))
          },
        }
      : {}),
    ...(region !== undefined ? {region} : {}),
  })
  const headers: Record<string, string> = {'x-amzn-RequestId': result.requestId, 'Content-Type': 'application/json'}
  if (result.executedVersion !== undefined) headers['X-Amz-Executed-Version'] = result.executedVersion
  if (result.functionError !== undefined) headers['X-Amz-Function-Error'] = result.functionError
  if (result.logResult !== undefined) headers['X-Amz-Log-Result'] = result.logResult
  // InvokeAsync answers 202 with a Status field, Invoke with no body.
  if (invokeAsync) return send(response, 202, headers, Buffer.from(JSON.stringify({Status: 202})))
  if (streaming && result.statusCode === 200) {
    // The error and the log tail travel in InvokeComplete, not in headers.
    const complete: Record<string, string> = {}
    if (result.functionError !== undefined) {
      const document = parseErrorDocument(result.payload)
      complete.ErrorCode = document.errorType ?? result.functionError
      complete.ErrorDetails = document.errorMessage ?? result.payload.toString('utf8')
    }
    if (result.logResult !== undefined) complete.LogResult = result.logResult
    startStream(result.requestId, result.executedVersion ?? '$LATEST')
    if (!streamed && result.functionError === undefined && result.payload.length > 0) response.write(eventMessage('PayloadChunk', 'application/octet-stream', result.payload))
    response.end(eventMessage('InvokeComplete', 'application/json', Buffer.from(JSON.stringify(complete))))
    return
  }
  send(response, result.statusCode, headers, result.payload)
}

/** Reads the body; one over the limit is answered as Lambda answers it, before the service sees it. */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let kept = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    // The rest of a body over the limit is read and dropped, so that the answer still reaches the caller.
    if (kept > limit) continue
    chunks.push(chunk)
    kept += chunk.length
  }
  // The service names the limit in its error; a body one byte over is enough to tell it.
  return Buffer.concat(chunks).subarray(0, limit + 1)
}

async function drainBody(request: IncomingMessage): Promise<void> {
  for await (const _ of request as AsyncIterable<Buffer>) void _
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** The region a request is signed for (SigV4's credential scope). */
export function signedRegion(request: IncomingMessage): string | undefined {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(header(request, 'authorization') ?? '')?.[1]
}

function toApiError(error: unknown): InvokeApiError {
  if (error instanceof InvokeApiError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new InvokeApiError('ServiceException', 500, message)
}

/** Lambda's error answer: the type in x-amzn-ErrorType (what the SDKs read) and a JSON document. */
function sendError(response: ServerResponse, error: InvokeApiError): void {
  const document: Record<string, unknown> = {Type: error.statusCode >= 500 ? 'Service' : 'User', message: error.message}
  const headers: Record<string, string> = {'x-amzn-ErrorType': error.apiErrorType, 'Content-Type': 'application/json'}
  if (error.reason) document.Reason = error.reason
  if (error.statusCode === 429) headers['Retry-After'] = '1'
  send(response, error.statusCode, headers, Buffer.from(JSON.stringify(document)))
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: Buffer): void {
  if (response.headersSent) return
  response.writeHead(status, {...headers, 'Content-Length': String(body.length)})
  response.end(body)
}

function parseErrorDocument(payload: Buffer): {errorType?: string; errorMessage?: string} {
  try {
    const document = JSON.parse(payload.toString('utf8')) as {errorType?: unknown; errorMessage?: unknown}
    return {
      ...(typeof document.errorType === 'string' ? {errorType: document.errorType} : {}),
      ...(typeof document.errorMessage === 'string' ? {errorMessage: document.errorMessage} : {}),
    }
  } catch {
    return {}
  }
}

/**
 * One message of AWS's event stream encoding: a prelude (total and headers length, their CRC32), string headers
 * (:event-type, :content-type, :message-type), the payload, and the CRC32 of all that.
 */
export function eventMessage(eventType: string, contentType: string, payload: Buffer): Buffer {
  const headers = Buffer.concat(
    Object.entries({':event-type': eventType, ':content-type': contentType, ':message-type': 'event'}).map(([name, value]) => {
      const nameBytes = Buffer.from(name)
      const valueBytes = Buffer.from(value)
      const header = Buffer.alloc(1 + nameBytes.length + 1 + 2 + valueBytes.length)
      header.writeUInt8(nameBytes.length, 0)
      nameBytes.copy(header, 1)
      header.writeUInt8(7, 1 + nameBytes.length) // 7: a string value
      header.writeUInt16BE(valueBytes.length, 2 + nameBytes.length)
      valueBytes.copy(header, 4 + nameBytes.length)
      return header
    }),
  )
  const total = 12 + headers.length + payload.length + 4
  const message = Buffer.alloc(total)
  message.writeUInt32BE(total, 0)
  message.writeUInt32BE(headers.length, 4)
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8)
  headers.copy(message, 12)
  payload.copy(message, 12 + headers.length)
  message.writeUInt32BE(crc32(message.subarray(0, total - 4)), total - 4)
  return message
}

let crcTable: Uint32Array | undefined

/** CRC-32 (IEEE), as the event stream encoding uses it (zlib.crc32 arrives in Node 22). */
function crc32(bytes: Uint8Array): number {
  const table = (crcTable ??= Uint32Array.from({length: 256}, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  }))
  let crc = 0xffffffff
  for (const byte of bytes) crc = table[(crc ^ byte) & 0xff]! ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
}
