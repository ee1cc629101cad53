import {spawn} from 'node:child_process'
import {mkdirSync, openSync, readFileSync} from 'node:fs'
import {rm} from 'node:fs/promises'
import {join} from 'node:path'

import {AwsFailureSink} from '../core/invoke/aws-sink.js'
import {serveInvokeRequest} from '../core/invoke/lambda-api.js'
import {InvokeService, RecordingFailureSink} from '../core/invoke/service.js'
import {LpackError, type ErrorCode} from '../errors.js'
import type {Reporter} from '../io/reporter.js'
import {startFrontServer, type LocalRoute} from './front-server.js'
import {LocalFunctionSource, MotoSessions} from './function-source.js'
import {MOTO_VERSION, startMoto} from './moto.js'
import {Observability} from './observability.js'
import {SnsDeliveries} from './sns-deliveries.js'
import {SqsPoller} from './sqs-poller.js'
import {defaultStateDir, isAlive, readLiveState, removeState, writeState, type LocalState} from './state.js'

export {defaultStateDir} from './state.js'

/** The default port: the one local AWS emulators conventionally use, so SDK settings carry over. */
export const DEFAULT_PORT = 4566
export const LOCAL_CREDENTIALS = {AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing'} as const

export interface LocalStartOptions {
  port?: number
  stateDir?: string
  region?: string
  reporter: Reporter
}

export interface RunningLocalAws {
  endpoint: string
  port: number
  pid: number
  region: string
  /** The environment a shell exports to use it. */
  env: Record<string, string>
  /** Settles when moto has ended by itself (the local AWS is then down). */
  motoExited: Promise<void>
  stop(): Promise<void>
}

/** The variables that point the AWS CLI, SDKs and lpack at the local AWS. */
export function localEnvironment(endpoint: string, region: string): Record<string, string> {
  return {AWS_ENDPOINT_URL: endpoint, ...LOCAL_CREDENTIALS, AWS_REGION: region, AWS_DEFAULT_REGION: region}
}

/**
 * Starts the local AWS in this process: moto (through lpack's launcher) behind lpack's front server on
 * 127.0.0.1:`port`, which serves Lambda's data plane itself — the InvokeService of `lpack local start-lambda`,
 * with the functions deployed to moto as its source; polls SQS event source mappings and evaluates alarms.
 */
export async function startLocalAws(options: LocalStartOptions): Promise<RunningLocalAws> {
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1'
  const stateDir = options.stateDir ?? defaultStateDir()
  const existing = readLiveState(stateDir)
  if (existing && existing.pid !== process.pid) throw new LpackError('USAGE', `A local AWS is already running at ${existing.endpoint} (pid ${existing.pid})`, {hint: `Stop it with \`lpack local stop${options.stateDir ? ` --state-dir ${options.stateDir}` : ''}\`, or give another --state-dir.`})
  // The local AWS and the functions it runs sign their calls with test credentials, whatever the user's are.
  Object.assign(process.env, LOCAL_CREDENTIALS)
  delete process.env.AWS_SESSION_TOKEN
  delete process.env.AWS_PROFILE
  mkdirSync(stateDir, {recursive: true})
  const moto = await startMoto({logFile: join(stateDir, 'moto.log')})
  if (moto.installedVersion !== undefined) options.reporter.emit({kind: 'local.moto-version', data: {installed: moto.installedVersion, expected: MOTO_VERSION}})
  const workDir = join(stateDir, 'run', String(process.pid))
  mkdirSync(workDir, {recursive: true})
  const retryDelayMs = Number(process.env.LPACK_LOCAL_RETRY_DELAY_MS ?? 1000)
  // The data plane needs the public endpoint, known once the front server listens; its route is added then.
  const routes: LocalRoute[] = []
  const holder: {source?: LocalFunctionSource} = {}
  let front
  try {
    front = await startFrontServer({port: options.port ?? DEFAULT_PORT, motoEndpoint: moto.endpoint, routes, onChange: () => holder.source?.invalidate()})
  } catch (error) {
    await moto.stop()
    throw error
  }
  const endpoint = `http://127.0.0.1:${front.port}`
  const sessions = new MotoSessions(moto.endpoint)
  const observability = new Observability(sessions, options.reporter, region)
  const source = (holder.source = new LocalFunctionSource({motoEndpoint: moto.endpoint, publicEndpoint: endpoint, workDir, defaultRegion: region, sessions}))
  const delay = Number.isFinite(retryDelayMs) && retryDelayMs >= 0 ? retryDelayMs : 1000
  const service = new InvokeService({
    source,
    // Dead-letter queues and destinations on the local SQS / SNS.
    failureSink: new AwsFailureSink(sessions.session(region), new RecordingFailureSink(options.reporter)),
    // The functions' own lines reach CloudWatch Logs; the local server's output shows them with --debug.
    reporter: {emit: (event) => options.reporter.emit(event.kind === 'invoke.log' ? {...event, level: 'debug'} : event)},
    workDir,
    defaultRegion: region,
    retryDelaysMs: [delay, delay * 2],
    onInvocation: (invocation) => observability.record({functionName: invocation.functionName, region: invocation.fn.region ?? region, resource: resourceOf(invocation.functionName, invocation.qualifier), version: invocation.version, ...(invocation.logStreamName !== undefined ? {logStream: invocation.logStreamName} : {}), result: invocation.result, throttled: false, timestampMs: Date.now()}),
    onThrottle: (throttle) => observability.record({functionName: throttle.functionName, region: throttle.fn.region ?? region, resource: resourceOf(throttle.functionName, throttle.qualifier), version: throttle.fn.version, throttled: true, timestampMs: Date.now()}),
  })
  routes.push((request, response) => serveInvokeRequest(service, request, response))
  const poller = new SqsPoller(service, sessions, region, options.reporter)
  poller.start(1000)
  const sns = new SnsDeliveries({motoEndpoint: moto.endpoint, service, region, reporter: options.reporter})
  sns.start()
  observability.startAlarms(1000)
  await writeState(stateDir, {pid: process.pid, motoPid: moto.pid, python: moto.python, port: front.port, endpoint, region, startedAt: new Date().toISOString()})
  let stopping: Promise<void> | undefined
  const frontServer = front
  return {
    endpoint,
    port: front.port,
    pid: process.pid,
    region,
    env: localEnvironment(endpoint, region),
    motoExited: moto.exited,
    stop: () =>
      (stopping ??= (async () => {
        observability.stop()
        await poller.stop()
        await sns.stop()
        await frontServer.close()
        await service.close()
        await moto.stop()
        await rm(workDir, {recursive: true, force: true})
        removeState(stateDir, process.pid)
      })()),
  }
}

/** CloudWatch's Resource dimension: the function, or `name:qualifier` as the caller named it. */
function resourceOf(functionName: string, qualifier: string | undefined): string {
  return qualifier === undefined || qualifier === '$LATEST' ? functionName : `${functionName}:${qualifier}`
}

/**
 * `--detach`: starts `lpack local start` again as a process of its own (its output in the state folder's
 * local.log) and resolves with its state once it is ready.
 */
export async function startDetached(options: {port?: number; stateDir?: string; region?: string; cliArgs: {execPath: string; script: string}}): Promise<LocalState> {
  const stateDir = options.stateDir ?? defaultStateDir()
  const existing = readLiveState(stateDir)
  if (existing) throw new LpackError('USAGE', `A local AWS is already running at ${existing.endpoint} (pid ${existing.pid})`, {hint: 'Stop it with `lpack local stop`, or give another --state-dir.'})
  mkdirSync(stateDir, {recursive: true})
  const logFile = join(stateDir, 'local.log')
  const log = openSync(logFile, 'w')
  const args = [options.cliArgs.script, 'local', 'start', '--state-dir', stateDir, '--port', String(options.port ?? DEFAULT_PORT), ...(options.region ? ['--region', options.region] : [])]
  const child = spawn(options.cliArgs.execPath, args, {detached: true, stdio: ['ignore', log, log], env: {...process.env, CI: 'true', NO_COLOR: '1'}})
  child.unref()
  const deadline = Date.now() + 60_000
  for (;;) {
    const state = readLiveState(stateDir)
    if (state && state.pid === child.pid) return state
    if (child.exitCode !== null || (child.pid !== undefined && !isAlive(child.pid))) throw detachedFailure(logFile)
    if (Date.now() > deadline) {
      if (child.pid) process.kill(child.pid, 'SIGTERM')
      throw new LpackError('LOCAL_AWS_FAILED', 'The local AWS did not become ready within 60 s', {hint: `See ${logFile}.`})
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** The detached process's own error, as it printed it (`Error [CODE]: message` / `Hint: …`), with its code. */
function detachedFailure(logFile: string): LpackError {
  let text = ''
  try {
    text = readFileSync(logFile, 'utf8')
  } catch {
    // No log: the generic message below.
  }
  const match = /Error \[([A-Z_]+)\]: (.*)(?:\nHint: (.*))?/.exec(text)
  if (match) return new LpackError(match[1] as ErrorCode, match[2]!, match[3] ? {hint: match[3]} : {})
  return new LpackError('LOCAL_AWS_FAILED', `The local AWS stopped before it was ready:\n${text.trim().split('\n').slice(-10).join('\n')}`)
}

export type LocalStatus = ({running: true} & LocalState) | {running: false; stateDir: string}

export function localStatus(stateDir: string = defaultStateDir()): LocalStatus {
  const state = readLiveState(stateDir)
  return state ? {running: true, ...state} : {running: false, stateDir}
}

/** Stops a detached local AWS (SIGTERM, then SIGKILL after 10 s); resolves with whether one was running. */
export async function stopLocalAws(stateDir: string = defaultStateDir()): Promise<{stopped: boolean; endpoint?: string}> {
  const state = readLiveState(stateDir)
  if (!state) return {stopped: false}
  process.kill(state.pid, 'SIGTERM')
  const deadline = Date.now() + 10_000
  while (isAlive(state.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
  for (const pid of [state.pid, state.motoPid]) {
    if (isAlive(pid)) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // Ended meanwhile.
      }
    }
  }
  removeState(stateDir, state.pid)
  return {stopped: true, endpoint: state.endpoint}
}
