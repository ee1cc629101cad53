import {createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

import {LpackError} from '../errors.js'

/** A handler for requests lpack serves itself; it returns false for a request it leaves to moto. */
export type LocalRoute = (request: IncomingMessage, response: ServerResponse) => Promise<boolean> | boolean

export interface FrontServer {
  port: number
  close(): Promise<void>
}

/**
 * The local AWS's public port on 127.0.0.1: lpack's own routes first (Lambda's data plane), every other request
 * passed to moto as it came, streamed both ways (uploads of any size, S3 downloads).
 */
export async function startFrontServer(options: {port: number; motoEndpoint: string; routes: LocalRoute[]; onChange?: () => void}): Promise<FrontServer> {
  const moto = new URL(options.motoEndpoint)
  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, {'Content-Type': 'application/json'})
      response.end(JSON.stringify({message: `lpack local: ${(error as Error).message}`}))
    })
  })
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    for (const route of options.routes) if (await route(request, response)) return
    // Any request but a read may change what the data plane caches (a function's code or configuration, an
    // alias's weights, a reserved concurrency, a stack's resources): it is told before moto sees the request and
    // again once moto has answered it.
    const changes = options.onChange && !['GET', 'HEAD', 'OPTIONS'].includes(request.method ?? 'GET') ? options.onChange : undefined
    changes?.()
    const upstream = httpRequest({host: moto.hostname, port: moto.port, method: request.method, path: request.url, headers: request.headers}, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers)
      if (changes) answer.once('end', changes)
      answer.pipe(response)
    })
    upstream.on('error', (error) => {
      if (!response.headersSent) response.writeHead(502, {'Content-Type': 'text/plain'})
      response.end(`lpack local: moto did not answer: ${error.message}`)
    })
    request.pipe(upstream)
  }
  // Idle keep-alive sockets would hold close() open; SDK clients reconnect as needed.
  server.keepAliveTimeout = 5000
  await listen(server, options.port)
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE'
        ? new LpackError('USAGE', `Port ${port} on 127.0.0.1 is in use`, {hint: 'Choose another with --port, or --port 0 for any free port; `lpack local status` shows a local AWS lpack started.'})
        : error)
    })
    server.listen(port, '127.0.0.1', () => resolve())
  })
}

/** Reads a request's body whole (Lambda's payloads are at most 6 MB). */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size > limit) return undefined
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}
