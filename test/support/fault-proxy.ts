import {createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

/**
 * A reverse proxy on 127.0.0.1 between lpack and moto that records every request and injects faults:
 * a 500, throttling, or a connection reset in the middle of an upload (after part of the body reached moto).
 * Test support only.
 */
export interface ProxiedRequest {
  method: string
  path: string
  /** For query-protocol services (CloudFormation, STS): the Action in the form body. */
  action?: string
  bodyBytes: number
  status?: number
  fault?: FaultKind
}

export type FaultKind = 'internal-error' | 'throttle' | 'reset-mid-upload'

export interface FaultRule {
  kind: FaultKind
  match(request: ProxiedRequest): boolean
  /** How many matching requests get the fault; later ones pass through. */
  times: number
}

export interface FaultProxy {
  url: string
  requests: ProxiedRequest[]
  addFault(rule: FaultRule): void
  /** Requests that reached the server (not faulted) and match. */
  passed(match: (request: ProxiedRequest) => boolean): ProxiedRequest[]
  stop(): Promise<void>
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target)
  const requests: ProxiedRequest[] = []
  const rules: FaultRule[] = []

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const record: ProxiedRequest = {method: req.method ?? 'GET', path: req.url ?? '/', bodyBytes: body.byteLength, action: actionOf(req, body)}
      requests.push(record)
      const rule = rules.find((candidate) => candidate.times > 0 && candidate.match(record))
      if (rule) {
        rule.times--
        record.fault = rule.kind
        injectFault(rule.kind, req, res, body, upstream, record)
        return
      }
      forward(req, res, body, upstream, record)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    addFault: (rule) => rules.push(rule),
    passed: (match) => requests.filter((request) => request.fault === undefined && match(request)),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function actionOf(req: IncomingMessage, body: Buffer): string | undefined {
  if (!String(req.headers['content-type'] ?? '').includes('x-www-form-urlencoded')) return undefined
  return new URLSearchParams(body.toString()).get('Action') ?? undefined
}

function forward(req: IncomingMessage, res: ServerResponse, body: Buffer, upstream: URL, record: ProxiedRequest): void {
  const outgoing = httpRequest(
    {host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers},
    (answer) => {
      record.status = answer.statusCode
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    },
  )
  outgoing.on('error', () => res.destroy())
  outgoing.end(body)
}

function injectFault(kind: FaultKind, req: IncomingMessage, res: ServerResponse, body: Buffer, upstream: URL, record: ProxiedRequest): void {
  const isQueryApi = record.action !== undefined
  if (kind === 'internal-error') {
    record.status = 500
    res.writeHead(500, {'content-type': 'text/xml'})
    res.end(
      isQueryApi
        ? '<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>Injected internal error</Message></Error><RequestId>fault</RequestId></ErrorResponse>'
        : '<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message><RequestId>fault</RequestId></Error>',
    )
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
