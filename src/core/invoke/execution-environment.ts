import {spawn, type ChildProcess} from 'node:child_process'
import {randomUUID} from 'node:crypto'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'

import {LpackError} from '../../errors.js'
import type {Reporter} from '../events.js'
import {lambdaEnvironment, type EnvironmentFolders, type FunctionConfig, type InvokeIdentity} from './environment.js'
import {ProcessTreeMemory} from './memory.js'
import {RuntimeApiServer, type ResponseChunkListener, type RuntimeOutcome} from './runtime-api.js'

/** Lambda gives a function's start (init) 10 seconds; on-demand functions then get their Timeout for it too. */
const INIT_LIMIT_MS = 10_000
/** How often the process tree's memory is read while an invocation runs. */
const MEMORY_SAMPLE_MS = 20

export interface InvokeRequest {
  payload: Buffer
  /** JSON text, as Lambda passes the ClientContext (decoded from base64). */
  clientContext?: string
  cognitoIdentity?: string
  traceId?: string
  /** The ARN the caller invoked (with its qualifier); default the unqualified function ARN. */
  invokedFunctionArn?: string
  /** The request ID, when the caller has one already (an Event invocation keeps its ID across retries); default a new one. */
  requestId?: string
  /**
   * Receives a streamed response's bytes as the function writes them (a response-streaming handler); the result's
   * payload still holds all of them. A buffered response does not come through here.
   */
  onResponseChunk?: ResponseChunkListener
}

/** The figures of Lambda's REPORT line. */
export interface InvokeReport {
  durationMs: number
  billedDurationMs: number
  memorySizeMb: number
  /** Undefined where the platform does not say (Linux's /proc does). */
  maxMemoryUsedMb?: number
  /** Only on a cold start: the time the runtime took to ask for its first invocation. */
  initDurationMs?: number
}

export interface InvokeResult {
  requestId: string
  /** The response, or the error document, as Lambda returns it (JSON text). */
  payload: string
  /** The error document's errorType when the function failed (Lambda's X-Amz-Function-Error is set then). */
  errorType?: string
  failed: boolean
  timedOut: boolean
  coldStart: boolean
  report: InvokeReport
  /** The invocation's log lines, START to REPORT (and the start's own lines on a cold start). */
  logs: string[]
}

export interface ExecutionEnvironmentOptions {
  fn: FunctionConfig
  folders: Omit<EnvironmentFolders, 'runtimeDir'>
  /** The function's variables after overrides. */
  variables: Record<string, string>
  identity: InvokeIdentity
  hostEnv: NodeJS.ProcessEnv
  reporter: Reporter
}

interface RunningProcess {
  child: ChildProcess
  server: RuntimeApiServer
  memory: ProcessTreeMemory
  exited?: {code: number | null; signal: NodeJS.Signals | null}
  initError?: Extract<RuntimeOutcome, {kind: 'error'}>
  initDurationMs?: number
  /** Settles when the runtime asks for work, reports an init error, or exits. */
  started: Promise<void>
  /** Settles when the process has exited and its output has been read to the end. */
  closed: Promise<void>
  onExit: Set<() => void>
}

/**
 * One Lambda execution environment: the function's runtime process with its Runtime API. The first invoke starts it
 * (a cold start, with Init Duration); later invokes reuse it while it lives. A timeout or a crash ends the
 * process — its whole process group — and the next invoke starts a new one, as in Lambda.
 */
export class ExecutionEnvironment {
  private running?: RunningProcess
  private logs: string[] = []

  constructor(private readonly options: ExecutionEnvironmentOptions) {}

  /** The version this environment runs, as its START lines name it. */
  get version(): string {
    return this.options.identity.version ?? '$LATEST'
  }

  /** True while a runtime process is up (the next invoke is warm). */
  get warm(): boolean {
    return this.running !== undefined
  }

  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    const {fn} = this.options
    const requestId = request.requestId ?? randomUUID()
    const coldStart = this.running === undefined
    const running = this.running ?? (await this.start())
    if (coldStart) {
      await running.started
      if (running.initError || running.initDurationMs === undefined) return this.failedStart(running, requestId)
    }
    this.log(`START RequestId: ${requestId} Version: ${this.version}`)
    const timeoutMs = fn.timeoutSeconds * 1000
    const startedAt = performance.now()
    const invocation = running.server.invoke({
      requestId,
      payload: request.payload,
      deadlineMs: Date.now() + timeoutMs,
      invokedFunctionArn: request.invokedFunctionArn ?? `arn:aws:lambda:${this.options.identity.region}:${this.options.identity.accountId}:function:${fn.functionName}`,
      traceId: request.traceId ?? traceId(),
      ...(request.clientContext !== undefined ? {clientContext: request.clientContext} : {}),
      ...(request.cognitoIdentity !== undefined ? {cognitoIdentity: request.cognitoIdentity} : {}),
    }, request.onResponseChunk)
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      this.stop(running)
      const message = `Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`
      this.log(`${new Date().toISOString()} ${requestId} ${message}`)
      running.server.abandon({kind: 'error', errorType: 'Sandbox.Timedout', payload: Buffer.from(JSON.stringify({errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: ${message}`}))})
    }, timeoutMs)
    const crashed = () => running.server.abandon(exitError(requestId, running.exited))
    running.onExit.add(crashed)
    // Each process keeps its own peak: one sample at the end finds those still running; samples meanwhile find
    // the children that end before the invocation does, and a function past its MemorySize, which Lambda kills.
    let outOfMemory = false
    const sampler = setInterval(() => {
      running.memory.sample()
      if (outOfMemory || timedOut || running.memory.peakBytes() <= fn.memoryMb * 1024 * 1024) return
      outOfMemory = true
      this.stop(running)
      const document = {errorType: 'Runtime.OutOfMemory', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed`}
      this.log(`${document.errorMessage}\nRuntime.OutOfMemory`)
      running.server.abandon({kind: 'error', errorType: document.errorType, payload: Buffer.from(JSON.stringify(document))})
    }, MEMORY_SAMPLE_MS)
    const outcome = await invocation
    const durationMs = performance.now() - startedAt
    clearTimeout(timer)
    clearInterval(sampler)
    running.onExit.delete(crashed)
    if (!timedOut && !outOfMemory) running.memory.sample()
    if (outcome.kind === 'error' && outcome.errorType === 'Runtime.ExitError') this.log(`RequestId: ${requestId} Error: Runtime exited with error: ${exitStatus(running.exited)}\nRuntime.ExitError`)
    // Lines the function wrote just before it answered may still be in the pipe: one turn of the event loop reads
    // them; a process that ended is read to the end.
    await new Promise((resolve) => setImmediate(resolve))
    if (running.exited) await outputRead(running)
    if (timedOut || outOfMemory || running.exited) this.running = undefined
    const report: InvokeReport = {
      durationMs,
      billedDurationMs: billedMs(durationMs, coldStart && isCustomRuntime(fn.runtime) ? (running.initDurationMs ?? 0) : 0),
      memorySizeMb: fn.memoryMb,
      // Lambda reports a function it stopped at its MemorySize as using exactly that.
      ...(ProcessTreeMemory.supported() ? {maxMemoryUsedMb: Math.min(Math.round(running.memory.peakBytes() / (1024 * 1024)), fn.memoryMb)} : {}),
      ...(coldStart ? {initDurationMs: running.initDurationMs} : {}),
    }
    return this.finish(requestId, outcome, report, {coldStart, timedOut})
  }

  /** Ends the process, if one is running. */
  async dispose(): Promise<void> {
    const running = this.running
    this.running = undefined
    if (running) this.stop(running)
  }

  private async start(): Promise<RunningProcess> {
    const {fn, folders, variables, identity, hostEnv} = this.options
    const command = withMemoryCeiling(await runtimeCommand(fn, folders), fn)
    // The server's handlers run once the process exists; they reach it through this holder.
    const holder: {running?: RunningProcess} = {}
    let ready!: () => void
    const started = new Promise<void>((resolve) => (ready = resolve))
    const startedAt = performance.now()
    const server = new RuntimeApiServer({
      onReady: () => {
        if (holder.running) holder.running.initDurationMs = performance.now() - startedAt
        ready()
      },
      onInitError: (error) => {
        if (holder.running) holder.running.initError = error
        ready()
      },
    })
    const address = await server.start()
    const env = lambdaEnvironment(fn, variables, {...folders, runtimeDir: command.runtimeDir}, identity, address, hostEnv)
    // Its own process group (detached), so that a timeout ends everything the function started.
    const child = spawn(command.program, command.args, {cwd: folders.taskRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe']})
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()))
    const current: RunningProcess = {child, server, memory: new ProcessTreeMemory(child.pid ?? 0), started, closed, onExit: new Set()}
    holder.running = current
    for (const stream of [child.stdout!, child.stderr!]) createInterface({input: stream, crlfDelay: Infinity}).on('line', (line) => this.log(line))
    const exited = (code: number | null, signal: NodeJS.Signals | null) => {
      current.exited ??= {code, signal}
      if (this.running === current) this.running = undefined
      void server.close()
      ready()
      for (const listener of current.onExit) listener()
    }
    child.on('exit', exited)
    child.on('error', (error) => {
      this.log(`lpack: cannot start ${command.program}: ${error.message}`)
      exited(127, null)
    })
    const initTimer = setTimeout(() => {
      if (current.initDurationMs === undefined && !current.exited) {
        this.log(`INIT_REPORT Init Duration: ${INIT_LIMIT_MS.toFixed(2)} ms Phase: init Status: timeout`)
        this.stop(current)
      }
    }, INIT_LIMIT_MS + fn.timeoutSeconds * 1000)
    void started.then(() => clearTimeout(initTimer))
    this.running = current
    return current
  }

  /** A start that failed: the runtime's init error, or its exit before it asked for work. */
  private async failedStart(running: RunningProcess, requestId: string): Promise<InvokeResult> {
    this.stop(running)
    this.running = undefined
    await outputRead(running)
    this.log(`START RequestId: ${requestId} Version: ${this.version}`)
    const outcome: RuntimeOutcome = running.initError ?? exitError(requestId, running.exited)
    if (!running.initError) this.log(`RequestId: ${requestId} Error: Runtime exited with error: ${exitStatus(running.exited)}\nRuntime.ExitError`)
    return this.finish(requestId, outcome, {durationMs: 0, billedDurationMs: 0, memorySizeMb: this.options.fn.memoryMb}, {coldStart: true, timedOut: false})
  }

  private finish(requestId: string, outcome: RuntimeOutcome, report: InvokeReport, flags: {coldStart: boolean; timedOut: boolean}): InvokeResult {
    this.log(`END RequestId: ${requestId}`)
    this.log(formatReport(requestId, report))
    const logs = this.logs
    this.logs = []
    const payload = outcome.payload.toString('utf8')
    const errorType = outcome.kind === 'error' ? (outcome.errorType ?? errorTypeOf(payload)) : undefined
    return {requestId, payload, ...(errorType !== undefined ? {errorType} : {}), failed: outcome.kind === 'error', timedOut: flags.timedOut, coldStart: flags.coldStart, report, logs}
  }

  private log(line: string): void {
    this.logs.push(line)
    this.options.reporter.emit({kind: 'invoke.log', data: {functionId: this.options.fn.logicalId, line}})
  }

  private stop(running: RunningProcess): void {
    const pid = running.child.pid
    if (pid !== undefined && !running.exited) {
      try {
        process.kill(-pid, 'SIGKILL')
      } catch {
        // The group is gone already.
      }
    }
    void running.server.close()
  }
}

/**
 * Waits until the ended process's output is read, for at most a moment: a child it left running (in another
 * process group) may hold the pipes open.
 */
async function outputRead(running: RunningProcess): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([running.closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, 200)))])
  clearTimeout(timer)
}

/**
 * Billed Duration: the time rounded up to the next millisecond, from the durations as REPORT prints them (to 1/100
 * ms), so that a reader's ceil(Duration) is the billed figure: 7.0004 ms prints `7.00` and bills 7, not 8. Summed in
 * hundredths, as integers, so no floating-point remainder rounds it up.
 */
export function billedMs(durationMs: number, billedInitMs: number): number {
  // At least 1 ms: Lambda bills every invocation it ran.
  return Math.max(1, Math.ceil((Math.round(durationMs * 100) + Math.round(billedInitMs * 100)) / 100))
}

/** Lambda's REPORT line (tab-separated fields). */
export function formatReport(requestId: string, report: InvokeReport): string {
  const fields = [
    `REPORT RequestId: ${requestId}`,
    `Duration: ${report.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${report.billedDurationMs} ms`,
    `Memory Size: ${report.memorySizeMb} MB`,
    ...(report.maxMemoryUsedMb !== undefined ? [`Max Memory Used: ${report.maxMemoryUsedMb} MB`] : []),
    ...(report.initDurationMs !== undefined ? [`Init Duration: ${report.initDurationMs.toFixed(2)} ms`] : []),
  ]
  return fields.join('\t') + '\t'
}

function exitStatus(exited: RunningProcess['exited']): string {
  if (exited?.signal) return `signal: ${exited.signal === 'SIGKILL' ? 'killed' : exited.signal}`
  return `exit status ${exited?.code ?? 'unknown'}`
}

function exitError(requestId: string, exited: RunningProcess['exited']): RuntimeOutcome {
  const document = {errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${exitStatus(exited)}`}
  return {kind: 'error', errorType: 'Runtime.ExitError', payload: Buffer.from(JSON.stringify(document))}
}

function errorTypeOf(payload: string): string {
  try {
    const document = JSON.parse(payload) as {errorType?: unknown}
    return typeof document.errorType === 'string' ? document.errorType : 'Unhandled'
  } catch {
    return 'Unhandled'
  }
}

/** An X-Ray trace header as Lambda passes one: a root with the time and 96 random bits. */
function traceId(): string {
  const seconds = Math.floor(Date.now() / 1000).toString(16)
  return `Root=1-${seconds}-${randomUUID().replace(/-/g, '').slice(0, 24)};Parent=${randomUUID().replace(/-/g, '').slice(0, 16)};Sampled=0`
}

function isCustomRuntime(runtime: string): boolean {
  return runtime.startsWith('provided')
}

/** The folder of lpack's bootstraps: beside this module, or beside the bundled CLI (scripts/bundle-cli.mjs). */
export function bootstrapsDir(): string {
  for (const relative of ['./bootstraps', '../core/invoke/bootstraps']) {
    const dir = fileURLToPath(new URL(relative, import.meta.url))
    if (existsSync(dir)) return dir
  }
  throw new LpackError('INTERNAL', 'lpack is installed without its runtime bootstraps (core/invoke/bootstraps)', {hint: 'Reinstall lpack, or run `npm run build` in a checkout.'})
}

/** How Lambda starts a runtime: lpack's own bootstrap for a managed runtime, the function's `bootstrap` otherwise. */
async function runtimeCommand(fn: FunctionConfig, folders: Omit<EnvironmentFolders, 'runtimeDir'>): Promise<RuntimeCommand> {
  const {runtime} = fn
  if (runtime.startsWith('nodejs')) {
    const runtimeDir = join(bootstrapsDir(), 'nodejs')
    // The heap sized from MemorySize, as Lambda's Node.js runtime sizes it: a function that outgrows it fails as it
    // would in Lambda, instead of growing into the machine's memory.
    return {program: process.execPath, args: [`--max-old-space-size=${nodeHeapMb(fn.memoryMb)}`, join(runtimeDir, 'runtime.cjs')], runtimeDir}
  }
  const python = /^python(\d+\.\d+)$/.exec(runtime)
  if (python) {
    const runtimeDir = join(bootstrapsDir(), 'python')
    // -u: the function's prints reach the log as it writes them, before its response.
    return {program: 'python3', args: ['-u', join(runtimeDir, 'runtime.py')], runtimeDir}
  }
  if (/^java\d+/.test(runtime)) {
    const {javaBootstrap, javaClassPath} = await import('./java.js')
    const runtimeDir = await javaBootstrap()
    return {
      program: 'java',
      // Lambda's Java runtime: serial GC, the C1 compiler only (a faster start), the heap at 85 % of MemorySize.
      args: ['-XX:+TieredCompilation', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto', `-XX:MaxHeapSize=${Math.floor(fn.memoryMb * 0.85)}m`, '-cp', javaClassPath(runtimeDir, folders), 'lpack.runtime.LambdaRuntime'],
      runtimeDir,
    }
  }
  if (isCustomRuntime(runtime)) {
    const candidates = [join(folders.taskRoot, 'bootstrap'), join(folders.optDir, 'bootstrap')]
    const bootstrap = candidates.find((file) => existsSync(file))
    if (!bootstrap) throw new LpackError('INVOKE_FAILED', `Couldn't find valid bootstrap(s): [${candidates.join(' ')}]`, {hint: 'A custom runtime function needs an executable named bootstrap at the root of its code or of a layer.', details: {errorType: 'Runtime.InvalidEntrypoint'}})
    return {program: bootstrap, args: [], runtimeDir: folders.taskRoot}
  }
  throw new LpackError('USAGE', `lpack invoke does not run ${runtime} functions yet`, {hint: 'It runs nodejs*, python*, java* and provided.al2023 / provided.al2 functions.'})
}

interface RuntimeCommand {
  program: string
  args: string[]
  runtimeDir: string
}

/** Node's old space for a function of `memoryMb`: 90 % of it, leaving room for the rest of the process. */
export function nodeHeapMb(memoryMb: number): number {
  return Math.floor(memoryMb * 0.9)
}

/**
 * A hard ceiling on the process's data segment (RLIMIT_DATA, through util-linux's prlimit where it is installed):
 * Lambda's sandbox is a cgroup that kills at MemorySize; lpack samples the process tree's resident memory and
 * kills there too, and this ceiling stops an allocation burst between two samples from taking the machine's
 * memory. It sits well above MemorySize (address space reserved but not used counts against it), so it only
 * catches what the sampler would have stopped anyway. RLIMIT_AS would break V8 and the JVM, which reserve
 * gigabytes of address space they never touch.
 */
export function dataCeilingBytes(fn: Pick<FunctionConfig, 'runtime' | 'memoryMb'>): number {
  const slackMb = fn.runtime.startsWith('java') ? 1024 : 512
  return (fn.memoryMb * 2 + slackMb) * 1024 * 1024
}

let prlimitPath: string | null | undefined

function findPrlimit(): string | undefined {
  if (prlimitPath === undefined) {
    prlimitPath = null
    if (process.platform === 'linux') {
      for (const dir of (process.env.PATH ?? '').split(':')) {
        if (dir !== '' && existsSync(join(dir, 'prlimit'))) {
          prlimitPath = join(dir, 'prlimit')
          break
        }
      }
    }
  }
  return prlimitPath ?? undefined
}

/** The command under prlimit (which execs it: the same process, the same pid) where the OS offers it. */
function withMemoryCeiling(command: RuntimeCommand, fn: FunctionConfig): RuntimeCommand {
  const prlimit = findPrlimit()
  if (!prlimit) return command
  return {...command, program: prlimit, args: [`--data=${dataCeilingBytes(fn)}`, '--', command.program, ...command.args]}
}
