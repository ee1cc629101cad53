import {createServer, type IncomingHttpHeaders, request as httpRequest, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

/**
 * A reverse proxy on 127.0.0.1 between lpack and moto that records every request and injects faults:
 * a 500, throttling, a connection reset in the middle of an upload (after part of the body reached moto), or
 * a response lost after moto acted on the request. It can also rewrite responses, to show states a real
 * service passes through but a server that runs operations synchronously never shows (a stack
 * `UPDATE_IN_PROGRESS`). Test support only.
 */
export interface ProxiedRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  /** For query-protocol services (CloudFormation, STS): the Action in the form body. */
  action?: string
  /** For query-protocol services: every field of the form body. */
  parameters?: Record<string, string>
  bodyBytes: number
  status?: number
  fault?: FaultKind
  /** True when the response body was rewritten by a rewrite rule. */
  rewritten?: boolean
}

/**
 * `lose-response`: the request reaches the server and the server acts on it, then the client gets a 500 in
 * place of the server's answer (a response lost on the way back).
 * `delay`: the request reaches the server `delayMs` later (a slow link), and not at all when the client has gone.
 */
export type FaultKind = 'internal-error' | 'throttle' | 'reset-mid-upload' | 'lose-response' | 'delay'

export interface FaultRule {
  kind: FaultKind
  match(request: ProxiedRequest): boolean
  /** How many matching requests get the fault; later ones pass through. */
  times: number
  /** For `delay`: how long the request is held before it is forwarded. */
  delayMs?: number
}

export interface RewriteRule {
  match(request: ProxiedRequest): boolean
  /** The response body the client gets instead of the server's. */
  rewrite(body: string): string
  /** How many matching responses are rewritten; every one until stopped when absent. */
  times?: number
}

export interface FaultProxy {
  url: string
  requests: ProxiedRequest[]
  addFault(rule: FaultRule): void
  /** Rewrites matching responses until `times` runs out or the returned stop() is called. */
  addRewrite(rule: RewriteRule): {stop(): void}
  /** Requests the server acted on (not faulted, or faulted only on the way back) that match. */
  passed(match: (request: ProxiedRequest) => boolean): ProxiedRequest[]
  stop(): Promise<void>
}

/** A rewrite making every stack in a DescribeStacks answer read as being in `status`. */
export function stackStatusAs(status: string): (body: string) => string {
  return (body) => body.replace(/<StackStatus>[^<]*<\/StackStatus>/g, `<StackStatus>${status}</StackStatus>`)
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target)
  const requests: ProxiedRequest[] = []
  const faults: FaultRule[] = []
  const rewrites: (RewriteRule & {stopped?: boolean})[] = []

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const parameters = formOf(req, body)
      const record: ProxiedRequest = {method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, bodyBytes: body.byteLength, action: parameters?.Action, parameters}
      requests.push(record)
      const fault = faults.find((candidate) => candidate.times > 0 && candidate.match(record))
      if (fault) {
        fault.times--
        record.fault = fault.kind
        injectFault(fault.kind, req, res, body, upstream, record, fault.delayMs)
        return
      }
      const rewrite = rewrites.find((candidate) => !candidate.stopped && (candidate.times === undefined || candidate.times > 0) && candidate.match(record))
      if (rewrite) {
        if (rewrite.times !== undefined) rewrite.times--
        record.rewritten = true
      }
      forward(req, res, body, upstream, record, rewrite?.rewrite)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    addFault: (rule) => faults.push(rule),
    addRewrite: (rule) => {
      const entry: RewriteRule & {stopped?: boolean} = {...rule}
      rewrites.push(entry)
      return {stop: () => void (entry.stopped = true)}
    },
    passed: (match) => requests.filter((request) => (request.fault === undefined || request.fault === 'lose-response' || request.fault === 'delay') && match(request)),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function formOf(req: IncomingMessage, body: Buffer): Record<string, string> | undefined {
  if (!String(req.headers['content-type'] ?? '').includes('x-www-form-urlencoded')) return undefined
  return Object.fromEntries(new URLSearchParams(body.toString()))
}

function forward(req: IncomingMessage, res: ServerResponse, body: Buffer, upstream: URL, record: ProxiedRequest, rewrite?: (body: string) => string): void {
  const outgoing = httpRequest(
    {host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers},
    (answer) => {
      record.status = answer.statusCode
      if (rewrite === undefined) {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
        return
      }
      const chunks: Buffer[] = []
      answer.on('data', (chunk: Buffer) => chunks.push(chunk))
      answer.on('end', () => {
        const rewritten = Buffer.from(rewrite(Buffer.concat(chunks).toString('utf8')), 'utf8')
        const {'transfer-encoding': _chunked, ...headers} = answer.headers
        headers['content-length'] = String(rewritten.byteLength)
        res.writeHead(answer.statusCode ?? 502, headers)
        res.end(rewritten)
      })
    },
  )
  outgoing.on('error', () => res.destroy())
  outgoing.end(body)
}

function internalError(res: ServerResponse, record: ProxiedRequest): void {
  record.status = 500
  res.writeHead(500, {'content-type': 'text/xml'})
  res.end(
    record.action !== undefined
      ? '<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>Injected internal error</Message></Error><RequestId>fault</RequestId></ErrorResponse>'
      : '<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message><RequestId>fault</RequestId></Error>',
  )
}

function injectFault(kind: FaultKind, req: IncomingMessage, res: ServerResponse, body: Buffer, upstream: URL, record: ProxiedRequest, delayMs = 0): void {
  const isQueryApi = record.action !== undefined
  if (kind === 'internal-error') {
    internalError(res, record)
    return
  }
  if (kind === 'throttle') {
    if (isQueryApi) {
      record.status = 400
      res.writeHead(400, {'content-type': 'text/xml'})
      res.end('<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>fault</RequestId></ErrorResponse>')
    } else {
      record.status = 503
      res.writeHead(503, {'content-type': 'text/xml'})
      res.end('<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>fault</RequestId></Error>')
    }
    return
  }
  if (kind === 'delay') {
    let gone = false
    res.on('close', () => (gone = true))
    setTimeout(() => {
      if (!gone) forward(req, res, body, upstream, record)
    }, delayMs)
    return
  }
  if (kind === 'lose-response') {
    // The whole request reaches the server, which acts on it; its answer is dropped for a 500.
    const outgoing = httpRequest({host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers}, (answer) => {
      answer.resume()
      answer.on('end', () => internalError(res, record))
    })
    outgoing.on('error', () => res.destroy())
    outgoing.end(body)
    return
  }
  // reset-mid-upload: half of the body reaches the server, then both connections are cut.
  const outgoing = httpRequest({host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers})
  outgoing.on('error', () => {})
  outgoing.write(body.subarray(0, Math.floor(body.byteLength / 2)), () => {
    setTimeout(() => {
      outgoing.destroy()
      req.socket.destroy()
    }, 50)
  })
}
