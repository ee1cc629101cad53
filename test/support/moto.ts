import {type ChildProcess, spawn} from 'node:child_process'
import {type AddressInfo, createServer} from 'node:net'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {CloudFormationClient} from '@aws-sdk/client-cloudformation'
import {S3Client} from '@aws-sdk/client-s3'

import {LPACK_BIN} from './cli.js'

/**
 * The local AWS for integration tests: `lpack local start` on a free 127.0.0.1 port (moto with the fixes of
 * src/local/moto/launcher.py, Lambda's data plane in lpack), stopped by `stop()`. One per test file (beforeAll / afterAll).
 */
export interface MotoServer {
  endpoint: string
  port: number
  /** `lpack local start`'s state folder (its local.json names the moto process); undefined for a plain moto. */
  stateDir?: string
  /** Environment for a child lpack / aws process talking to this server (fake credentials, fixed region). */
  env: NodeJS.ProcessEnv
  stop(): Promise<void>
}

const START_TIMEOUT_MS = 60_000

export const MOTO_ACCOUNT_ID = '123456789012'
export const MOTO_REGION = 'us-east-1'

/**
 * The local AWS as a user starts it: `lpack local start --port 0` of the built CLI (moto with lpack's fixes behind
 * lpack's front server, src/local), in the foreground, stopped with SIGTERM. Its state folder is a temporary one.
 */
export async function startMoto(options: {env?: NodeJS.ProcessEnv} = {}): Promise<MotoServer> {
  const stateDir = await mkdtemp(join(tmpdir(), 'lpack-local-'))
  const child = spawn(process.execPath, [LPACK_BIN, 'local', 'start', '--port', '0', '--state-dir', stateDir], {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, CI: 'true', NO_COLOR: '1', ...options.env}})
  const endpoint = await waitForEndpoint(child)
  return {
    endpoint,
    port: Number(new URL(endpoint).port),
    stateDir,
    env: motoEnv(endpoint),
    stop: async () => {
      await stopChild(child)
      await rm(stateDir, {recursive: true, force: true})
    },
  }
}

/** Credentials and region for moto; the endpoint goes through the SDK's own variable. */
export function motoEnv(endpoint: string): NodeJS.ProcessEnv {
  return {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing',
    AWS_REGION: MOTO_REGION,
    AWS_DEFAULT_REGION: MOTO_REGION,
    AWS_ENDPOINT_URL: endpoint,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  }
}

/**
 * SDK clients talking to moto directly (not through a test's fault proxy), for a test to set up state and
 * look at what lpack left: in-process calls instead of an AWS CLI process (~1 s of Python start-up) each.
 */
export function motoClients(endpoint: string): {s3: S3Client; cloudFormation: CloudFormationClient} {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  const config = {endpoint, region: MOTO_REGION, credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'}}
  return {s3: new S3Client({...config, forcePathStyle: true}), cloudFormation: new CloudFormationClient(config)}
}

/**
 * moto's own server as a user runs it (`python3 -m moto.server`), without the launcher's gap-filling: for tests
 * that lpack works against a plain S3-compatible / CloudFormation-compatible endpoint as it is.
 */
export async function startPlainMoto(): Promise<MotoServer> {
  const port = await freePort()
  const python = process.env.PYTHON ?? 'python3'
  const child = spawn(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {stdio: ['ignore', 'ignore', 'pipe'], env: {...process.env, PYTHONUNBUFFERED: '1'}})
  let errors = ''
  child.stderr!.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-4000)))
  const endpoint = `http://127.0.0.1:${port}`
  const deadline = Date.now() + START_TIMEOUT_MS
  for (;;) {
    if (child.exitCode !== null) throw new Error(`python3 -m moto.server exited with ${child.exitCode}:\n${errors}`)
    const ready = await fetch(`${endpoint}/moto-api/`).then((response) => response.ok, () => false)
    if (ready) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`python3 -m moto.server did not answer within ${START_TIMEOUT_MS} ms:\n${errors}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return {endpoint, port, env: motoEnv(endpoint), stop: () => stopChild(child)}
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}

function waitForEndpoint(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = ''
    let errors = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`lpack local start did not print its endpoint within ${START_TIMEOUT_MS} ms:\n${errors}`))
    }, START_TIMEOUT_MS)
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /^endpoint: (\S+)$/m.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    })
    child.stderr!.on('data', (chunk: Buffer) => {
      errors = (errors + chunk.toString()).slice(-8000)
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`lpack local start exited with ${code} before it was ready (npm run build first; is moto installed? pip install "moto[server]==5.2.1"):\n${errors}`))
    })
  })
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.on('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}
