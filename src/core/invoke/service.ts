import {createHash, randomBytes, randomUUID} from 'node:crypto'
import {cp, mkdir, mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {LpackError, type ErrorCode} from '../../errors.js'
import {silentReporter, type Reporter} from '../events.js'
import type {FunctionConfig} from './environment.js'
import {ExecutionEnvironment, type InvokeResult} from './execution-environment.js'
import {MAX_REQUEST_BYTES} from './runtime-api.js'
import {unpackZips} from './unpack.js'

/**
 * The invoke service: Lambda's data plane for functions that run on this machine. It keeps warm execution
 * environments per function version (each starts — inits — once and is reused), runs one invocation per
 * environment at a time, starts a new environment for each concurrent request up to the function's reserved
 * concurrency (and throttles beyond it), and runs Event invocations from a queue with Lambda's retries, then hands
 * them to the OnSuccess / OnFailure destination or the dead-letter queue through a FailureSink.
 *
 * Where functions come from is a FunctionSource: a SAM template's build (template-source.ts) for
 * `lpack local start-lambda`, the functions deployed to the local AWS for `lpack local`.
 */

/** Lambda's limit for an asynchronous (Event) invocation's payload, in bytes. */
export const MAX_ASYNC_REQUEST_BYTES = 256 * 1024
/** How much of the log LogType Tail returns (the end of it), in bytes. */
export const LOG_TAIL_BYTES = 4096
/** Lambda's defaults for asynchronous invocation (EventInvokeConfig). */
export const DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 2
export const DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 21_600
/**
 * Lambda waits about one, then two minutes between the attempts of a failed Event invocation; locally that is
 * seconds, so a developer sees the outcome while looking. Callers may set their own.
 */
export const DEFAULT_RETRY_DELAYS_MS = [1_000, 2_000]
/**
 * A throttled Event invocation goes back to the queue and is tried again, the wait doubling each time: Lambda's
 * goes from 1 second to 5 minutes; locally from 100 ms to 5 seconds, so that it runs soon after a slot frees.
 */
export const DEFAULT_THROTTLE_RETRY_DELAY_MS = 100
export const MAX_THROTTLE_RETRY_DELAY_MS = 5_000
/** Concurrent environments of a function without ReservedConcurrentExecutions (Lambda's unreserved pool, scaled to one machine). */
export const DEFAULT_UNRESERVED_CONCURRENCY = 10

/** Where a function's code or a layer's content is: a zip (unpacked by the service) or a folder used as it is. */
export type CodeLocation = {zipFile: string; sha256?: string} | {dir: string}

/** An asynchronous-invocation destination (EventInvokeConfig.DestinationConfig) or a dead-letter target. */
export interface DestinationTarget {
  /** The ARN: `arn:aws:sqs:…`, `arn:aws:sns:…`, `arn:aws:lambda:…`, `arn:aws:events:…`, `arn:aws:s3:::…`. */
  arn: string
}

/** EventInvokeConfig and DeadLetterConfig of a function. */
export interface AsyncInvokeConfig {
  maximumRetryAttempts?: number
  maximumEventAgeInSeconds?: number
  onSuccess?: DestinationTarget
  onFailure?: DestinationTarget
  /** DeadLetterConfig.TargetArn: an SQS queue or an SNS topic. Used when there is no OnFailure destination. */
  deadLetter?: DestinationTarget
}

/** A function version as a FunctionSource resolves it: what the service needs to run it. */
export interface ResolvedFunction {
  config: FunctionConfig
  /** `$LATEST` or a published version number. */
  version: string
  code: CodeLocation
  /** Layers in the order Lambda stacks them under /opt. */
  layers?: readonly CodeLocation[]
  /** Names the code and layers' content: an environment started from other content is retired. Default: from `code`. */
  codeKey?: string
  /** The variables after overrides; default config.variables. */
  variables?: Record<string, string>
  region?: string
  accountId?: string
  /** ReservedConcurrentExecutions: at most this many environments at once; 0 throttles every invocation. */
  reservedConcurrency?: number
  asyncConfig?: AsyncInvokeConfig
  /** The environment the function's process starts from (PATH, credentials passed through). Default the service's. */
  hostEnv?: NodeJS.ProcessEnv
}

/** Where functions come from: resolves a function name and qualifier (version or alias) to the version to run. */
export interface FunctionSource {
  /**
   * Undefined when there is no such function, version or alias (ResourceNotFoundException). `context.region` is
   * the region the request was signed for, where the source serves more than one.
   */
  resolve(functionName: string, qualifier: string | undefined, context?: {region?: string}): Promise<ResolvedFunction | undefined>
}

/** What an asynchronous invocation hands to a destination or a dead-letter queue. */
export interface AsyncDelivery {
  kind: 'on-success' | 'on-failure' | 'dead-letter'
  target: DestinationTarget
  functionName: string
  requestId: string
  /** Destinations get Lambda's invocation record (JSON). */
  record?: InvocationRecord
  /** A dead-letter queue gets the event itself, with Lambda's attributes. */
  message?: {body: string; attributes: {RequestID: string; ErrorCode: string; ErrorMessage: string}}
}

/** The document Lambda sends to an OnSuccess / OnFailure destination. */
export interface InvocationRecord {
  version: '1.0'
  timestamp: string
  requestContext: {requestId: string; functionArn: string; condition: 'Success' | 'RetriesExhausted' | 'EventAgeExceeded'; approximateInvokeCount: number}
  requestPayload: unknown
  responseContext: {statusCode: number; executedVersion: string; functionError?: string}
  responsePayload?: unknown
}

/** Receives what asynchronous invocations deliver to destinations and dead-letter queues. */
export interface FailureSink {
  deliver(delivery: AsyncDelivery): Promise<void>
}

/** The default sink: keeps every delivery in memory (and says so through the reporter). */
export class RecordingFailureSink implements FailureSink {
  readonly deliveries: AsyncDelivery[] = []
  constructor(private readonly reporter: Reporter = silentReporter) {}
  async deliver(delivery: AsyncDelivery): Promise<void> {
    this.deliveries.push(delivery)
    this.reporter.emit({kind: 'invoke.async-delivered', data: {functionName: delivery.functionName, requestId: delivery.requestId, to: delivery.kind, target: delivery.target.arn}})
  }
}

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun'

export interface ServiceInvokeRequest {
  /** A name, a function ARN (qualified or not) or a partial ARN (`123456789012:function:name`). */
  functionName: string
  qualifier?: string
  payload: Buffer
  invocationType?: InvocationType
  logType?: 'None' | 'Tail'
  /** The ClientContext as JSON text (decoded from the base64 the API carries). */
  clientContext?: string
  /**
   * RequestResponse: receives a streamed response's bytes as the function writes them (InvokeWithResponseStream),
   * with the invocation they belong to. The result's payload still holds all of them.
   */
  onResponseChunk?(chunk: Buffer, invocation: {requestId: string; executedVersion: string}): void
  /** The region the request was signed for (passed to the source). */
  region?: string
}

export interface ServiceInvokeResult {
  /** 200 RequestResponse, 202 Event, 204 DryRun. */
  statusCode: 200 | 202 | 204
  requestId: string
  /** X-Amz-Executed-Version (RequestResponse). */
  executedVersion?: string
  /** X-Amz-Function-Error: `Unhandled` when the function failed. */
  functionError?: string
  payload: Buffer
  /** X-Amz-Log-Result: the last 4 KB of the invocation's log, base64 (LogType Tail). */
  logResult?: string
  /** The invocation as the execution environment reported it (RequestResponse). */
  result?: InvokeResult
}

/** The Lambda API error a request ends in: its type (x-amzn-ErrorType) and HTTP status. */
export class InvokeApiError extends LpackError {
  constructor(
    readonly apiErrorType: string,
    readonly statusCode: number,
    message: string,
    options: {code?: ErrorCode; reason?: string} = {},
  ) {
    super(options.code ?? (statusCode === 404 ? 'FUNCTION_NOT_FOUND' : statusCode >= 500 || statusCode === 429 ? 'INVOKE_FAILED' : 'USAGE'), message, {details: {errorType: apiErrorType, statusCode, ...(options.reason ? {reason: options.reason} : {})}})
    this.name = 'InvokeApiError'
  }

  get reason(): string | undefined {
    return this.details?.reason as string | undefined
  }
}

export interface InvokeServiceOptions {
  source: FunctionSource
  /** Default: a RecordingFailureSink. */
  failureSink?: FailureSink
  reporter?: Reporter
  /** Where zips are unpacked; default a new temporary folder (removed by close()). */
  workDir?: string
  /** The host environment functions start from; default process.env. */
  hostEnv?: NodeJS.ProcessEnv
  /** Concurrency of a function without reserved concurrency. */
  unreservedConcurrency?: number
  /** Delay before each retry of a failed Event invocation (the last one repeats). */
  retryDelaysMs?: readonly number[]
  /** How long an Event invocation that is throttled first waits before it tries again (the wait then doubles). */
  throttleRetryDelayMs?: number
  /** The time Event invocations age and wait by; default the system's. Tests give one that runs faster. */
  clock?: ServiceClock
  defaultRegion?: string
  defaultAccountId?: string
  /**
   * Called after every invocation that ran (each attempt of an Event invocation too), e.g. to put its log lines
   * and REPORT figures into CloudWatch. Errors it throws are reported and otherwise ignored.
   */
  onInvocation?(invocation: CompletedInvocation): void | Promise<void>
  /** Called for every invocation refused at the function's concurrency (a 429, or an Event attempt put back). */
  onThrottle?(throttle: ThrottledInvocation): void
}

/** An invocation refused at its function's concurrency, as onThrottle sees it. */
export interface ThrottledInvocation {
  functionName: string
  /** The qualifier the caller named (an alias or a version), if any. */
  qualifier?: string
  fn: ResolvedFunction
}

/** What the service reads the time from and waits with, for Event retries and event ages. */
export interface ServiceClock {
  /** Unix milliseconds. */
  now(): number
  /** Resolves after `ms`, or as soon as `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>
}

export const systemClock: ServiceClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      signal.addEventListener('abort', done)
    }),
}

/** One invocation that ran in an execution environment, as onInvocation sees it. */
export interface CompletedInvocation {
  functionName: string
  version: string
  invocationType: 'RequestResponse' | 'Event'
  /** The Event invocation's attempt (1 for the first); 1 for RequestResponse. */
  attempt: number
  result: InvokeResult
  /** The function version as it was resolved for this invocation (its config, region, account). */
  fn: ResolvedFunction
  /** The qualifier the caller named (an alias or a version), if any: CloudWatch's Resource dimension. */
  qualifier?: string
  /** The CloudWatch Logs stream of the execution environment that ran it. */
  logStreamName?: string
}

interface PooledEnvironment {
  environment: ExecutionEnvironment
  logStreamName: string
  /** The pool it belongs to: one replaced (new code) or retired takes it back no more. */
  pool: VersionPool
}

interface VersionPool {
  codeKey: string
  idle: PooledEnvironment[]
}

interface PreparedCode {
  taskRoot: string
  optDir: string
}

/**
 * Lambda's Invoke for functions run locally. One instance per server: environments live until close().
 * Concurrency is counted per function (all versions), as Lambda counts reserved concurrency.
 */
export class InvokeService {
  readonly failureSink: FailureSink
  private readonly reporter: Reporter
  private readonly pools = new Map<string, VersionPool>()
  private readonly busy = new Map<string, number>()
  private readonly busyEnvironments = new Set<ExecutionEnvironment>()
  private readonly prepared = new Map<string, Promise<PreparedCode>>()
  private readonly pendingAsync = new Set<Promise<void>>()
  private workDir?: Promise<string>
  private closed = false
  /** Aborted by close(): Event invocations waiting for a retry stop waiting, so that nothing outlives the service. */
  private readonly closing = new AbortController()

  constructor(private readonly options: InvokeServiceOptions) {
    this.reporter = options.reporter ?? silentReporter
    this.failureSink = options.failureSink ?? new RecordingFailureSink(this.reporter)
  }

  /** One Invoke call. Throws InvokeApiError for what Lambda answers with an API error (404, 413, 429, …). */
  async invoke(request: ServiceInvokeRequest): Promise<ServiceInvokeResult> {
    if (this.closed) throw new InvokeApiError('ServiceException', 500, 'The invoke service is shutting down')
    const invocationType = request.invocationType ?? 'RequestResponse'
    if (!['RequestResponse', 'Event', 'DryRun'].includes(invocationType)) {
      throw new InvokeApiError('InvalidParameterValueException', 400, `1 validation error detected: Value '${invocationType}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`)
    }
    const target = parseFunctionName(request.functionName, request.qualifier)
    const fn = await this.options.source.resolve(target.name, target.qualifier, request.region !== undefined ? {region: request.region} : undefined)
    if (!fn) {
      const arn = `arn:aws:lambda:${this.options.defaultRegion ?? 'us-east-1'}:${this.options.defaultAccountId ?? '123456789012'}:function:${target.name}${target.qualifier ? ':' + target.qualifier : ''}`
      throw new InvokeApiError('ResourceNotFoundException', 404, `Function not found: ${arn}`)
    }
    const limit = invocationType === 'Event' ? MAX_ASYNC_REQUEST_BYTES : MAX_REQUEST_BYTES
    if (request.payload.length > limit) {
      const operation = invocationType === 'Event' ? 'the Event invocation type' : 'the InvokeFunction operation'
      throw new InvokeApiError('RequestTooLargeException', 413, `Request must be smaller than ${limit} bytes for ${operation}`)
    }
    const payload = request.payload.length === 0 || request.payload.toString('utf8').trim() === '' ? Buffer.from('{}') : request.payload
    try {
      JSON.parse(payload.toString('utf8'))
    } catch (error) {
      throw new InvokeApiError('InvalidRequestContentException', 400, `Could not parse request body into json: ${(error as Error).message}`)
    }
    const requestId = randomUUID()
    if (invocationType === 'DryRun') return {statusCode: 204, requestId, payload: Buffer.alloc(0)}
    if (invocationType === 'Event') {
      // Lambda accepts an Event invocation even at reserved concurrency 0: the event waits in the queue, throttled,
      // until MaximumEventAgeInSeconds, then goes to the OnFailure destination or the dead-letter queue.
      this.enqueue(fn, target, payload, requestId, request.clientContext)
      return {statusCode: 202, requestId, payload: Buffer.alloc(0)}
    }
    const onChunk = request.onResponseChunk
    const {result, logStreamName} = await this.run(fn, target, payload, request.clientContext, requestId, onChunk ? (chunk) => onChunk(chunk, {requestId, executedVersion: fn.version}) : undefined)
    await this.completed({functionName: fn.config.functionName, version: fn.version, invocationType: 'RequestResponse', attempt: 1, result, fn, ...(target.qualifier !== undefined ? {qualifier: target.qualifier} : {}), logStreamName})
    return {
      statusCode: 200,
      requestId: result.requestId,
      executedVersion: fn.version,
      ...(result.failed ? {functionError: 'Unhandled'} : {}),
      payload: Buffer.from(result.payload),
      ...(request.logType === 'Tail' ? {logResult: logTail(result.logs)} : {}),
      result,
    }
  }

  /** Resolves when every Event invocation accepted so far has finished (delivered to its destination, if any). */
  async drain(): Promise<void> {
    while (this.pendingAsync.size > 0) await Promise.all([...this.pendingAsync])
  }

  /** How many environments of a function are running an invocation now. */
  concurrency(functionName: string): number {
    return this.busy.get(functionName) ?? 0
  }

  /** How many warm environments wait for work (all functions). */
  idleEnvironments(): number {
    let count = 0
    for (const pool of this.pools.values()) count += pool.idle.length
    return count
  }

  /**
   * Ends the idle environments of a function (all functions without a name): for a source whose function was
   * deleted or changed in a way its codeKey does not show. Busy ones finish their invocation and are not reused.
   */
  async retire(functionName?: string): Promise<void> {
    for (const [key, pool] of this.pools) {
      if (functionName !== undefined && !key.startsWith(`${functionName}\0`)) continue
      this.pools.delete(key)
      for (const pooled of pool.idle.splice(0)) await pooled.environment.dispose()
    }
  }

  /** Ends every environment (the running ones too) and removes the service's own work folder. */
  async close(): Promise<void> {
    this.closed = true
    this.closing.abort()
    for (const pool of this.pools.values()) for (const pooled of pool.idle.splice(0)) await pooled.environment.dispose()
    for (const environment of this.busyEnvironments) await environment.dispose()
    this.busyEnvironments.clear()
    if (!this.options.workDir && this.workDir) await rm(await this.workDir, {recursive: true, force: true})
  }

  private throttled(fn: ResolvedFunction, target: {qualifier?: string}): InvokeApiError {
    try {
      this.options.onThrottle?.({functionName: fn.config.functionName, ...(target.qualifier !== undefined ? {qualifier: target.qualifier} : {}), fn})
    } catch (error) {
      this.reporter.emit({kind: 'invoke.hook-failed', data: {functionName: fn.config.functionName, error: (error as Error).message}})
    }
    return throttled(fn)
  }

  private async completed(invocation: CompletedInvocation): Promise<void> {
    if (!this.options.onInvocation) return
    try {
      await this.options.onInvocation(invocation)
    } catch (error) {
      this.reporter.emit({kind: 'invoke.hook-failed', data: {functionName: invocation.functionName, error: (error as Error).message}})
    }
  }

  /** One invocation in a warm environment (or a new one), counted against the function's concurrency. */
  private async run(fn: ResolvedFunction, target: {name: string; qualifier?: string}, payload: Buffer, clientContext: string | undefined, requestId: string | undefined, onResponseChunk?: (chunk: Buffer) => void): Promise<{result: InvokeResult; logStreamName?: string}> {
    const name = fn.config.functionName
    const limit = fn.reservedConcurrency ?? this.options.unreservedConcurrency ?? DEFAULT_UNRESERVED_CONCURRENCY
    const busy = this.busy.get(name) ?? 0
    if (busy >= limit) throw this.throttled(fn, target)
    this.busy.set(name, busy + 1)
    let pooled: PooledEnvironment | undefined
    try {
      pooled = await this.acquire(fn)
      this.busyEnvironments.add(pooled.environment)
      const region = fn.region ?? this.options.defaultRegion ?? 'us-east-1'
      const accountId = fn.accountId ?? this.options.defaultAccountId ?? '123456789012'
      const qualifier = target.qualifier && target.qualifier !== '$LATEST' ? `:${target.qualifier}` : ''
      try {
        const result = await pooled.environment.invoke({
          payload,
          ...(requestId !== undefined ? {requestId} : {}),
          invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${name}${qualifier}`,
          ...(clientContext !== undefined ? {clientContext} : {}),
          ...(onResponseChunk ? {onResponseChunk} : {}),
        })
        return {result, logStreamName: pooled.logStreamName}
      } catch (error) {
        // A runtime lpack cannot start (no bootstrap, a runtime it does not run) fails the invocation, as in Lambda.
        const errorType = error instanceof LpackError && typeof error.details?.errorType === 'string' ? error.details.errorType : 'Runtime.Unknown'
        const failedId = requestId ?? randomUUID()
        const document = {errorType, errorMessage: (error as Error).message}
        return {result: {requestId: failedId, payload: JSON.stringify(document), errorType, failed: true, timedOut: false, coldStart: true, report: {durationMs: 0, billedDurationMs: 0, memorySizeMb: fn.config.memoryMb}, logs: [`START RequestId: ${failedId} Version: ${fn.version}`, `${errorType}: ${document.errorMessage}`, `END RequestId: ${failedId}`]}, logStreamName: pooled.logStreamName}
      }
    } finally {
      this.busy.set(name, (this.busy.get(name) ?? 1) - 1)
      if (pooled) {
        this.busyEnvironments.delete(pooled.environment)
        await this.release(fn, pooled)
      }
    }
  }

  private poolKey(fn: ResolvedFunction): string {
    return `${fn.config.functionName}\0${fn.version}`
  }

  /** A warm environment of this version and code, else a new one (it starts on its first invoke). */
  private async acquire(fn: ResolvedFunction): Promise<PooledEnvironment> {
    const codeKey = codeKeyOf(fn)
    const key = this.poolKey(fn)
    let pool = this.pools.get(key)
    if (!pool || pool.codeKey !== codeKey) {
      // New code (a rebuild, a new deployment): environments of the old code are retired, as Lambda retires them.
      for (const old of pool?.idle ?? []) void old.environment.dispose()
      pool = {codeKey, idle: []}
      this.pools.set(key, pool)
    }
    const idle = pool.idle.pop()
    if (idle) return idle
    const folders = await this.prepare(fn, codeKey)
    const region = fn.region ?? this.options.defaultRegion ?? 'us-east-1'
    const logStreamName = `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[${fn.version}]${randomBytes(16).toString('hex')}`
    const environment = new ExecutionEnvironment({
      fn: fn.config,
      folders,
      variables: fn.variables ?? fn.config.variables,
      identity: {
        region,
        accountId: fn.accountId ?? this.options.defaultAccountId ?? '123456789012',
        logStreamName,
        version: fn.version,
      },
      hostEnv: fn.hostEnv ?? this.options.hostEnv ?? process.env,
      reporter: this.reporter,
    })
    return {environment, logStreamName, pool}
  }

  private async release(fn: ResolvedFunction, pooled: PooledEnvironment): Promise<void> {
    if (this.closed || this.pools.get(this.poolKey(fn)) !== pooled.pool) return pooled.environment.dispose()
    // An environment whose process ended (a timeout, a crash) is kept: its next invoke starts a new process.
    pooled.pool.idle.push(pooled)
  }

  /** The function's code and layers unpacked once per content, shared by its environments. */
  private prepare(fn: ResolvedFunction, codeKey: string): Promise<PreparedCode> {
    const key = `${fn.config.functionName}\0${codeKey}`
    let prepared = this.prepared.get(key)
    if (!prepared) {
      prepared = this.unpack(fn, codeKey)
      prepared.catch(() => this.prepared.delete(key))
      this.prepared.set(key, prepared)
    }
    return prepared
  }

  private async unpack(fn: ResolvedFunction, codeKey: string): Promise<PreparedCode> {
    const base = join(await this.baseDir(), safeName(fn.config.functionName), createHash('sha256').update(codeKey).digest('hex').slice(0, 16))
    const taskRoot = 'dir' in fn.code ? fn.code.dir : join(base, 'task')
    if ('zipFile' in fn.code) await unpackZips([fn.code.zipFile], taskRoot, codeKeyOf({code: fn.code}))
    const layers = fn.layers ?? []
    const optDir = join(base, 'opt')
    const zips = layers.filter((layer): layer is {zipFile: string} => 'zipFile' in layer).map((layer) => layer.zipFile)
    if (zips.length === layers.length) {
      await unpackZips(zips, optDir, codeKey)
    } else {
      // Folders and zips stacked in order: each copied or unpacked over the ones before.
      await rm(optDir, {recursive: true, force: true})
      await mkdir(optDir, {recursive: true})
      for (const [index, layer] of layers.entries()) {
        if ('dir' in layer) {
          await cp(layer.dir, optDir, {recursive: true})
        } else {
          const unpacked = join(base, `layer-${index}`)
          await unpackZips([layer.zipFile], unpacked, layer.sha256 ?? layer.zipFile)
          await cp(unpacked, optDir, {recursive: true, filter: (source) => !source.endsWith('.lpack-unpacked')})
        }
      }
    }
    return {taskRoot, optDir}
  }

  private baseDir(): Promise<string> {
    if (this.options.workDir) return Promise.resolve(this.options.workDir)
    return (this.workDir ??= mkdtemp(join(tmpdir(), 'lpack-invoke-service-')))
  }

  /** Accepts an Event invocation: it runs in the background, with retries, then goes to its destination. */
  private enqueue(fn: ResolvedFunction, target: {name: string; qualifier?: string}, payload: Buffer, requestId: string, clientContext: string | undefined): void {
    const task = this.runAsync(fn, target, payload, requestId, clientContext).catch((error: unknown) => {
      this.reporter.emit({kind: 'invoke.async-lost', data: {functionName: fn.config.functionName, requestId, error: (error as Error).message}})
    })
    this.pendingAsync.add(task)
    void task.finally(() => this.pendingAsync.delete(task))
  }

  private async runAsync(fn: ResolvedFunction, target: {name: string; qualifier?: string}, payload: Buffer, requestId: string, clientContext: string | undefined): Promise<void> {
    const config = fn.asyncConfig ?? {}
    const maxRetries = config.maximumRetryAttempts ?? DEFAULT_MAXIMUM_RETRY_ATTEMPTS
    const maxAgeMs = (config.maximumEventAgeInSeconds ?? DEFAULT_MAXIMUM_EVENT_AGE_SECONDS) * 1000
    const delays = this.options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS
    const clock = this.options.clock ?? systemClock
    const acceptedAt = clock.now()
    let attempts = 0
    let throttles = 0
    let last: InvokeResult | undefined
    let current = fn
    for (;;) {
      if (this.closed) return
      if (clock.now() - acceptedAt >= maxAgeMs) return this.deliverFailure(current, payload, requestId, attempts, last, 'EventAgeExceeded')
      let result: InvokeResult
      let logStreamName: string | undefined
      try {
        // Every attempt runs under the request ID the caller got with its 202, as in Lambda.
        ;({result, logStreamName} = await this.run(current, target, payload, clientContext, requestId))
      } catch (error) {
        if (error instanceof InvokeApiError && error.statusCode === 429) {
          // Lambda keeps a throttled event and tries again (up to its maximum age); throttles are not attempts.
          const backoff = Math.min((this.options.throttleRetryDelayMs ?? DEFAULT_THROTTLE_RETRY_DELAY_MS) * 2 ** Math.min(throttles++, 16), MAX_THROTTLE_RETRY_DELAY_MS)
          await clock.sleep(Math.min(backoff, Math.max(0, maxAgeMs - (clock.now() - acceptedAt))), this.closing.signal)
          // A concurrency raised meanwhile lets the event run.
          current = (await this.options.source.resolve(target.name, target.qualifier)) ?? current
          continue
        }
        throw error
      }
      attempts++
      last = result
      await this.completed({functionName: current.config.functionName, version: current.version, invocationType: 'Event', attempt: attempts, result, fn: current, ...(target.qualifier !== undefined ? {qualifier: target.qualifier} : {}), ...(logStreamName !== undefined ? {logStreamName} : {})})
      if (!result.failed) {
        if (config.onSuccess) await this.failureSink.deliver({kind: 'on-success', target: config.onSuccess, functionName: current.config.functionName, requestId, record: invocationRecord(current, payload, requestId, attempts, result, 'Success')})
        return
      }
      if (attempts > maxRetries) return this.deliverFailure(current, payload, requestId, attempts, last, 'RetriesExhausted')
      const delay = delays[Math.min(attempts - 1, delays.length - 1)] ?? 0
      if (clock.now() + delay - acceptedAt > maxAgeMs) {
        await clock.sleep(Math.max(0, maxAgeMs - (clock.now() - acceptedAt)), this.closing.signal)
        if (this.closed) return
        return this.deliverFailure(current, payload, requestId, attempts, last, 'EventAgeExceeded')
      }
      await clock.sleep(delay, this.closing.signal)
      // A retry runs the version the qualifier names now (a rebuild between attempts is picked up).
      current = (await this.options.source.resolve(target.name, target.qualifier, current.region !== undefined ? {region: current.region} : undefined)) ?? current
    }
  }

  private async deliverFailure(fn: ResolvedFunction, payload: Buffer, requestId: string, attempts: number, last: InvokeResult | undefined, condition: 'RetriesExhausted' | 'EventAgeExceeded'): Promise<void> {
    const config = fn.asyncConfig ?? {}
    const functionName = fn.config.functionName
    this.reporter.emit({kind: 'invoke.async-discarded', data: {functionName, requestId, condition, attempts}})
    if (config.onFailure) {
      await this.failureSink.deliver({kind: 'on-failure', target: config.onFailure, functionName, requestId, record: invocationRecord(fn, payload, requestId, attempts, last, condition)})
    } else if (config.deadLetter) {
      const errorMessage = last ? errorMessageOf(last.payload) : `Event age exceeded ${config.maximumEventAgeInSeconds ?? DEFAULT_MAXIMUM_EVENT_AGE_SECONDS} seconds`
      await this.failureSink.deliver({kind: 'dead-letter', target: config.deadLetter, functionName, requestId, message: {body: payload.toString('utf8'), attributes: {RequestID: requestId, ErrorCode: '200', ErrorMessage: errorMessage}}})
    }
  }
}

/** The 429 Lambda answers at a function's concurrency. */
function throttled(fn: ResolvedFunction): InvokeApiError {
  const reason = fn.reservedConcurrency !== undefined ? 'ReservedFunctionConcurrentInvocationLimitExceeded' : 'ConcurrentInvocationLimitExceeded'
  return new InvokeApiError('TooManyRequestsException', 429, 'Rate Exceeded.', {reason})
}

/** Name and qualifier from what Invoke accepts: a name, a full or partial ARN, a name with `:qualifier`. */
export function parseFunctionName(value: string, qualifier: string | undefined): {name: string; qualifier?: string} {
  const full = /^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:([a-zA-Z0-9-_.]+)(?::([a-zA-Z0-9-_$]+))?$/.exec(value)
  const partial = /^(?:\d{12}:function:)?([a-zA-Z0-9-_.]+)(?::([a-zA-Z0-9-_$]+))?$/.exec(value)
  const match = full ?? partial
  if (!match) throw new InvokeApiError('ValidationException', 400, `1 validation error detected: Value '${value}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`)
  const fromName = match[2]
  if (fromName !== undefined && qualifier !== undefined && fromName !== qualifier) {
    throw new InvokeApiError('InvalidParameterValueException', 400, 'The derived qualifier from the function name does not match the specified qualifier.')
  }
  const chosen = qualifier ?? fromName
  return {name: match[1]!, ...(chosen !== undefined && chosen !== '' ? {qualifier: chosen} : {})}
}

function codeKeyOf(fn: Pick<ResolvedFunction, 'code' | 'layers' | 'codeKey'>): string {
  if (fn.codeKey !== undefined) return fn.codeKey
  const part = (location: CodeLocation) => ('dir' in location ? `dir:${location.dir}` : `zip:${location.sha256 ?? location.zipFile}`)
  return [fn.code, ...(fn.layers ?? [])].map(part).join('|')
}

/** The last 4 KB of an invocation's log, base64, as LogType Tail returns it. */
export function logTail(lines: readonly string[]): string {
  const bytes = Buffer.from(lines.join('\n') + '\n')
  return bytes.subarray(Math.max(0, bytes.length - LOG_TAIL_BYTES)).toString('base64')
}

function invocationRecord(fn: ResolvedFunction, payload: Buffer, requestId: string, attempts: number, result: InvokeResult | undefined, condition: InvocationRecord['requestContext']['condition']): InvocationRecord {
  const region = fn.region ?? 'us-east-1'
  const accountId = fn.accountId ?? '123456789012'
  return {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {requestId, functionArn: `arn:aws:lambda:${region}:${accountId}:function:${fn.config.functionName}:${fn.version}`, condition, approximateInvokeCount: attempts},
    requestPayload: parseJson(payload.toString('utf8')),
    responseContext: {statusCode: 200, executedVersion: fn.version, ...(result?.failed ? {functionError: 'Unhandled'} : {})},
    ...(result ? {responsePayload: parseJson(result.payload)} : {}),
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function errorMessageOf(payload: string): string {
  const document = parseJson(payload) as {errorMessage?: unknown} | undefined
  return typeof document === 'object' && document !== null && typeof document.errorMessage === 'string' ? document.errorMessage : payload
}

function safeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9-_.]/g, '_')
}

