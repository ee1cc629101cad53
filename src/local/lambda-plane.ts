import {createHash, randomBytes, randomUUID} from 'node:crypto'
import {mkdirSync} from 'node:fs'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import type {FunctionConfiguration} from '@aws-sdk/client-lambda'

import {AwsSession} from '../aws/clients.js'
import type {Reporter} from '../io/reporter.js'
import type {FunctionConfig} from '../core/invoke/environment.js'
import {ExecutionEnvironment, type InvokeResult} from '../core/invoke/execution-environment.js'
import {unpackZips} from '../core/invoke/unpack.js'

/** A function version as the data plane runs it, read from moto's Lambda control plane. */
export interface FunctionTarget {
  functionName: string
  /** The unqualified ARN. */
  functionArn: string
  accountId: string
  region: string
  /** `$LATEST` or a version number. */
  version: string
  /** What the caller named: the function, `name:alias` or `name:version` (CloudWatch's Resource dimension). */
  resource: string
  configuration: FunctionConfiguration
  reservedConcurrency?: number
}

export type InvokeOutcome =
  | {kind: 'done'; target: FunctionTarget; result: InvokeResult}
  | {kind: 'throttled'; target: FunctionTarget}
  | {kind: 'not-found'; message: string}

/** One finished (or throttled) invocation, for the logs and metrics. */
export interface InvocationRecord {
  target: FunctionTarget
  /** The CloudWatch Logs stream of the environment that ran it. */
  logStream?: string
  result?: InvokeResult
  throttled: boolean
  timestampMs: number
}

interface PooledEnvironment {
  environment: ExecutionEnvironment
  logStream: string
}

/**
 * Lambda's data plane on the local AWS: runs the code moto stores for a function version in lpack's execution
 * environments (src/core/invoke), warm between invocations, one environment per concurrent invocation, refused
 * (throttled) beyond the function's ReservedConcurrentExecutions.
 */
export class LambdaPlane {
  private readonly idle = new Map<string, PooledEnvironment[]>()
  private readonly all = new Set<ExecutionEnvironment>()
  private readonly busy = new Map<string, number>()
  private readonly versions = new Map<string, FunctionTarget>()
  private readonly sessions = new Map<string, AwsSession>()

  constructor(private readonly options: {motoEndpoint: string; publicEndpoint: string; workDir: string; reporter: Reporter; onInvocation: (record: InvocationRecord) => void}) {}

  session(region: string): AwsSession {
    let session = this.sessions.get(region)
    if (!session) this.sessions.set(region, (session = new AwsSession({region, endpointUrl: this.options.motoEndpoint, maxAttempts: 2})))
    return session
  }

  /** The version an invocation of `name` with `qualifier` runs: an alias picks one of its versions by weight. */
  async resolve(nameOrArn: string, qualifier: string | undefined, region: string): Promise<FunctionTarget | {notFound: string}> {
    const named = parseFunctionName(nameOrArn)
    const functionName = named.name
    const requested = qualifier ?? named.qualifier
    const lambda = await this.session(region).lambda()
    const sdk = await import('@aws-sdk/client-lambda')
    // Asked at once, beside the lookups below: each call to moto costs a round trip to its one Python process.
    const concurrency = lambda.send(new sdk.GetFunctionConcurrencyCommand({FunctionName: functionName})).catch(() => undefined)
    let version = requested ?? '$LATEST'
    if (requested !== undefined && requested !== '$LATEST' && !/^\d+$/.test(requested)) {
      try {
        const alias = await lambda.send(new sdk.GetAliasCommand({FunctionName: functionName, Name: requested}))
        version = pickVersion(alias.FunctionVersion ?? '$LATEST', alias.RoutingConfig?.AdditionalVersionWeights)
      } catch (error) {
        if (isNotFound(error)) return {notFound: `Function not found: arn:aws:lambda:${region}:123456789012:function:${functionName}:${requested}`}
        throw error
      }
    }
    const resource = requested === undefined ? functionName : `${functionName}:${requested}`
    const cacheKey = `${region}/${functionName}/${version}`
    // A published version never changes; $LATEST is read again on every invoke.
    const cached = version === '$LATEST' ? undefined : this.versions.get(cacheKey)
    let target: FunctionTarget
    if (cached) {
      target = {...cached, resource}
    } else {
      let configuration: FunctionConfiguration | undefined
      try {
        configuration = (await lambda.send(new sdk.GetFunctionCommand({FunctionName: functionName, Qualifier: version}))).Configuration
      } catch (error) {
        if (isNotFound(error)) return {notFound: `Function not found: arn:aws:lambda:${region}:123456789012:function:${resource}`}
        throw error
      }
      if (!configuration?.FunctionArn) return {notFound: `Function not found: ${resource}`}
      const arn = configuration.FunctionArn.split(':').slice(0, 7).join(':')
      target = {functionName: configuration.FunctionName ?? functionName, functionArn: arn, accountId: arn.split(':')[4] ?? '123456789012', region, version, resource, configuration}
      if (version !== '$LATEST') this.versions.set(cacheKey, target)
    }
    const reserved = (await concurrency)?.ReservedConcurrentExecutions
    return {...target, ...(reserved === undefined || reserved === null ? {} : {reservedConcurrency: reserved})}
  }

  /** Runs one invocation synchronously (RequestResponse); the caller decides what an error means. */
  async invoke(target: FunctionTarget, payload: Buffer, extra: {clientContext?: string} = {}): Promise<InvokeOutcome> {
    const running = this.busy.get(target.functionArn) ?? 0
    if (target.reservedConcurrency !== undefined && running >= target.reservedConcurrency) {
      this.options.onInvocation({target, throttled: true, timestampMs: Date.now()})
      return {kind: 'throttled', target}
    }
    this.busy.set(target.functionArn, running + 1)
    try {
      const pooled = await this.acquire(target)
      const result = await pooled.environment.invoke({payload, ...(extra.clientContext !== undefined ? {clientContext: extra.clientContext} : {})})
      this.release(target, pooled)
      this.options.onInvocation({target, logStream: pooled.logStream, result, throttled: false, timestampMs: Date.now()})
      return {kind: 'done', target, result}
    } finally {
      this.busy.set(target.functionArn, (this.busy.get(target.functionArn) ?? 1) - 1)
    }
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.all].map((environment) => environment.dispose()))
    this.all.clear()
    this.idle.clear()
  }

  private environmentKey(target: FunctionTarget): string {
    // A warm environment serves only the configuration it started with: moto may not move LastModified when only
    // the environment variables, handler, memory, timeout or layers change, and Lambda starts new environments then.
    const {configuration} = target
    const settings = JSON.stringify([configuration.Environment?.Variables ?? {}, configuration.Handler, configuration.Runtime, configuration.MemorySize, configuration.Timeout, (configuration.Layers ?? []).map((layer) => layer.Arn)])
    return `${target.functionArn}:${target.version}:${configuration.CodeSha256 ?? ''}:${configuration.LastModified ?? ''}:${createHash('sha256').update(settings).digest('hex').slice(0, 16)}`
  }

  private async acquire(target: FunctionTarget): Promise<PooledEnvironment> {
    const reused = this.idle.get(this.environmentKey(target))?.pop()
    if (reused) return reused
    const {configuration} = target
    const codeKey = (configuration.CodeSha256 ?? 'none').replace(/[^A-Za-z0-9]/g, '')
    const functionDir = join(this.options.workDir, 'functions', target.functionName, `${target.version.replace('$', '')}-${codeKey.slice(0, 16)}`)
    const zip = join(this.options.workDir, 'code', `${codeKey}.zip`)
    mkdirSync(join(this.options.workDir, 'code'), {recursive: true})
    const query = new URLSearchParams({account: target.accountId, region: target.region, function: target.functionName, qualifier: target.version})
    const response = await fetch(`${this.options.motoEndpoint}/_lpack/lambda/code?${query}`)
    if (!response.ok) throw new Error(`moto has no code for ${target.functionName}:${target.version}: ${await response.text()}`)
    await writeFile(zip, Buffer.from(await response.arrayBuffer()))
    await unpackZips([zip], join(functionDir, 'task'), codeKey)
    // The layers, in the function's order (a later layer's file wins), under /opt as Lambda unpacks them.
    const layerZips: string[] = []
    for (const layer of configuration.Layers ?? []) {
      if (!layer.Arn) continue
      const layerQuery = new URLSearchParams({account: target.accountId, region: target.region, arn: layer.Arn})
      const layerResponse = await fetch(`${this.options.motoEndpoint}/_lpack/lambda/layer?${layerQuery}`)
      if (!layerResponse.ok) throw new Error(`moto has no code for layer ${layer.Arn}: ${await layerResponse.text()}`)
      const layerZip = join(this.options.workDir, 'code', `layer-${createHash('sha256').update(layer.Arn).digest('hex').slice(0, 32)}.zip`)
      await writeFile(layerZip, Buffer.from(await layerResponse.arrayBuffer()))
      layerZips.push(layerZip)
    }
    if (layerZips.length > 0) await unpackZips(layerZips, join(functionDir, 'opt'), `${codeKey}-${layerZips.map((file) => file.slice(-20)).join('-')}`)
    else mkdirSync(join(functionDir, 'opt'), {recursive: true})
    const fn: FunctionConfig = {
      logicalId: target.functionName,
      functionName: target.functionName,
      runtime: configuration.Runtime ?? '',
      handler: configuration.Handler ?? '',
      memoryMb: configuration.MemorySize ?? 128,
      timeoutSeconds: configuration.Timeout ?? 3,
      architecture: configuration.Architectures?.[0] === 'arm64' ? 'arm64' : 'x86_64',
      variables: {},
    }
    // The function's AWS SDK calls go to the local AWS too.
    const variables = {AWS_ENDPOINT_URL: this.options.publicEndpoint, ...(configuration.Environment?.Variables ?? {})}
    const logStream = `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[${target.version}]${randomBytes(16).toString('hex')}`
    const environment = new ExecutionEnvironment({
      fn,
      folders: {taskRoot: join(functionDir, 'task'), optDir: join(functionDir, 'opt')},
      variables,
      // The version this environment runs (context.functionVersion, AWS_LAMBDA_FUNCTION_VERSION), as in Lambda.
      identity: {region: target.region, accountId: target.accountId, logStreamName: logStream, version: target.version},
      hostEnv: process.env,
      // The function's lines reach CloudWatch Logs; the local server's own output shows them with --debug.
      reporter: {emit: (event) => this.options.reporter.emit({...event, level: 'debug'})},
    })
    this.all.add(environment)
    return {environment, logStream}
  }

  private release(target: FunctionTarget, pooled: PooledEnvironment): void {
    const key = this.environmentKey(target)
    const list = this.idle.get(key) ?? []
    list.push(pooled)
    this.idle.set(key, list)
  }
}

/** `name`, `name:qualifier`, or a (partial) ARN `arn:aws:lambda:region:account:function:name[:qualifier]`. */
export function parseFunctionName(value: string): {name: string; qualifier?: string} {
  const parts = value.split(':')
  if (value.startsWith('arn:')) return {name: parts[6] ?? '', ...(parts[7] ? {qualifier: parts[7]} : {})}
  if (parts.length >= 3 && parts[1] === 'function') return {name: parts[2]!, ...(parts[3] ? {qualifier: parts[3]} : {})}
  return {name: parts[0]!, ...(parts[1] ? {qualifier: parts[1]} : {})}
}

/** An alias's routing: each additional version gets its weight's share of invocations, the alias's version the rest. */
export function pickVersion(primary: string, weights: Record<string, number> | undefined, random: number = Math.random()): string {
  let threshold = 0
  for (const [version, weight] of Object.entries(weights ?? {})) {
    threshold += weight
    if (random < threshold) return version
  }
  return primary
}

function isNotFound(error: unknown): boolean {
  const name = (error as {name?: string}).name
  return name === 'ResourceNotFoundException' || (error as {$metadata?: {httpStatusCode?: number}}).$metadata?.httpStatusCode === 404
}

export function newRequestId(): string {
  return randomUUID()
}
