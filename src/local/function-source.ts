import {createHash} from 'node:crypto'
import {mkdirSync} from 'node:fs'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import type {FunctionConfiguration} from '@aws-sdk/client-lambda'

import {AwsSession} from '../aws/clients.js'
import type {FunctionConfig} from '../core/invoke/environment.js'
import type {AsyncInvokeConfig, CodeLocation, FunctionSource, ResolvedFunction} from '../core/invoke/service.js'

/** The AWS sessions the local AWS's own machinery uses: straight to moto, past the front server. */
export class MotoSessions {
  private readonly sessions = new Map<string, AwsSession>()

  constructor(private readonly motoEndpoint: string) {}

  session(region: string): AwsSession {
    let session = this.sessions.get(region)
    if (!session) this.sessions.set(region, (session = new AwsSession({region, endpointUrl: this.motoEndpoint, maxAttempts: 2})))
    return session
  }
}

/** A function version's control-plane state as the data plane runs it. */
interface VersionState {
  configuration: FunctionConfiguration
  accountId: string
  asyncConfig: AsyncInvokeConfig
}

/** An alias: its version and the additional versions' weights, picked again on every invoke. */
interface AliasState {
  version: string
  weights?: Record<string, number>
}

/**
 * The functions deployed to the local AWS, for the InvokeService that runs them: each resolve reads the function's
 * configuration, alias, reserved concurrency and event invoke config from moto's Lambda control plane, and fetches
 * its code (and layers) once per content.
 *
 * Those reads are cached: each is a round trip to moto's one Python process (about 20 ms of a warm invoke). The
 * front server calls invalidate() on every request that may change them (anything but a read) before and after
 * moto has handled it, so the next invoke after a change sees it; a read that began before an invalidation is
 * not cached.
 */
export class LocalFunctionSource implements FunctionSource {
  private readonly versions = new Map<string, Promise<VersionState | undefined>>()
  private readonly aliases = new Map<string, Promise<AliasState | undefined>>()
  private readonly concurrency = new Map<string, Promise<number | undefined>>()
  private readonly code = new Map<string, Promise<string>>()
  private generation = 0

  constructor(private readonly options: {motoEndpoint: string; publicEndpoint: string; workDir: string; defaultRegion: string; sessions: MotoSessions; random?: () => number}) {}

  /** Forgets every cached read (code, keyed by its content, is kept). */
  invalidate(): void {
    this.generation++
    this.versions.clear()
    this.aliases.clear()
    this.concurrency.clear()
  }

  async resolve(functionName: string, qualifier: string | undefined, context: {region?: string} = {}): Promise<ResolvedFunction | undefined> {
    const region = context.region ?? this.options.defaultRegion
    let version = qualifier ?? '$LATEST'
    if (version !== '$LATEST' && !/^\d+$/.test(version)) {
      const alias = await this.cached(this.aliases, `${region}/${functionName}/${version}`, () => this.readAlias(region, functionName, version))
      if (!alias) return undefined
      version = pickVersion(alias.version, alias.weights, (this.options.random ?? Math.random)())
    }
    const [state, reservedConcurrency] = await Promise.all([
      this.cached(this.versions, `${region}/${functionName}/${version}`, () => this.readVersion(region, functionName, version)),
      this.cached(this.concurrency, `${region}/${functionName}`, () => this.readConcurrency(region, functionName)),
    ])
    if (!state) return undefined
    const {configuration} = state
    const name = configuration.FunctionName ?? functionName
    const codeSha = configuration.CodeSha256 ?? ''
    const zipFile = await this.download(`code-${safe(codeSha)}-${createHash('sha256').update(`${region}/${name}/${version}`).digest('hex').slice(0, 12)}`, 'code', {account: state.accountId, region, function: name, qualifier: version})
    const layers: CodeLocation[] = []
    for (const layer of configuration.Layers ?? []) {
      if (!layer.Arn) continue
      layers.push({zipFile: await this.download(`layer-${createHash('sha256').update(layer.Arn).digest('hex').slice(0, 32)}`, 'layer', {account: state.accountId, region, arn: layer.Arn}), sha256: layer.Arn})
    }
    const fn: FunctionConfig = {
      logicalId: name,
      functionName: name,
      runtime: configuration.Runtime ?? '',
      handler: configuration.Handler ?? '',
      memoryMb: configuration.MemorySize ?? 128,
      timeoutSeconds: configuration.Timeout ?? 3,
      architecture: configuration.Architectures?.[0] === 'arm64' ? 'arm64' : 'x86_64',
      variables: {...(configuration.Environment?.Variables ?? {})},
    }
    return {
      config: fn,
      version,
      code: {zipFile, sha256: codeSha},
      layers,
      codeKey: environmentKey(configuration),
      // The function's AWS SDK calls go to the local AWS too.
      variables: {AWS_ENDPOINT_URL: this.options.publicEndpoint, ...fn.variables},
      region,
      accountId: state.accountId,
      ...(reservedConcurrency !== undefined ? {reservedConcurrency} : {}),
      asyncConfig: state.asyncConfig,
    }
  }

  /** A cached read; one that an invalidation overtook is answered but not kept. */
  private cached<T>(cache: Map<string, Promise<T>>, key: string, read: () => Promise<T>): Promise<T> {
    const hit = cache.get(key)
    if (hit) return hit
    const generation = this.generation
    const pending = read()
    cache.set(key, pending)
    pending.then(
      () => {
        if (this.generation !== generation && cache.get(key) === pending) cache.delete(key)
      },
      () => {
        if (cache.get(key) === pending) cache.delete(key)
      },
    )
    return pending
  }

  private async readAlias(region: string, functionName: string, name: string): Promise<AliasState | undefined> {
    const {GetAliasCommand} = await import('@aws-sdk/client-lambda')
    const lambda = await this.options.sessions.session(region).lambda()
    try {
      const alias = await lambda.send(new GetAliasCommand({FunctionName: functionName, Name: name}))
      return {version: alias.FunctionVersion ?? '$LATEST', ...(alias.RoutingConfig?.AdditionalVersionWeights ? {weights: alias.RoutingConfig.AdditionalVersionWeights} : {})}
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw error
    }
  }

  private async readVersion(region: string, functionName: string, version: string): Promise<VersionState | undefined> {
    const sdk = await import('@aws-sdk/client-lambda')
    const lambda = await this.options.sessions.session(region).lambda()
    let configuration: FunctionConfiguration | undefined
    try {
      configuration = (await lambda.send(new sdk.GetFunctionCommand({FunctionName: functionName, Qualifier: version}))).Configuration
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw error
    }
    if (!configuration?.FunctionArn) return undefined
    const invokeConfig = await lambda.send(new sdk.GetFunctionEventInvokeConfigCommand({FunctionName: functionName})).catch(() => undefined)
    const destination = (arn: string | undefined) => (arn ? {arn} : undefined)
    const onSuccess = destination(invokeConfig?.DestinationConfig?.OnSuccess?.Destination)
    const onFailure = destination(invokeConfig?.DestinationConfig?.OnFailure?.Destination)
    const deadLetter = destination(configuration.DeadLetterConfig?.TargetArn)
    return {
      configuration,
      accountId: configuration.FunctionArn.split(':')[4] ?? '123456789012',
      asyncConfig: {
        ...(invokeConfig?.MaximumRetryAttempts !== undefined ? {maximumRetryAttempts: invokeConfig.MaximumRetryAttempts} : {}),
        ...(invokeConfig?.MaximumEventAgeInSeconds !== undefined ? {maximumEventAgeInSeconds: invokeConfig.MaximumEventAgeInSeconds} : {}),
        ...(onSuccess ? {onSuccess} : {}),
        ...(onFailure ? {onFailure} : {}),
        ...(deadLetter ? {deadLetter} : {}),
      },
    }
  }

  private async readConcurrency(region: string, functionName: string): Promise<number | undefined> {
    const {GetFunctionConcurrencyCommand} = await import('@aws-sdk/client-lambda')
    const lambda = await this.options.sessions.session(region).lambda()
    const reserved = (await lambda.send(new GetFunctionConcurrencyCommand({FunctionName: functionName})).catch(() => undefined))?.ReservedConcurrentExecutions
    return reserved ?? undefined
  }

  /** The zip moto stores for a function version or a layer, fetched once per name (names carry the content). */
  private download(name: string, kind: 'code' | 'layer', query: Record<string, string>): Promise<string> {
    let pending = this.code.get(name)
    if (!pending) {
      pending = (async () => {
        const response = await fetch(`${this.options.motoEndpoint}/_lpack/lambda/${kind}?${new URLSearchParams(query)}`)
        if (!response.ok) throw new Error(`moto has no ${kind} for ${query.function ?? query.arn}: ${await response.text()}`)
        const dir = join(this.options.workDir, 'code')
        mkdirSync(dir, {recursive: true})
        const file = join(dir, `${name}.zip`)
        await writeFile(file, Buffer.from(await response.arrayBuffer()))
        return file
      })()
      pending.catch(() => this.code.delete(name))
      this.code.set(name, pending)
    }
    return pending
  }
}

/**
 * What a warm environment was started from: it serves only that. moto may not move LastModified when only the
 * environment variables, handler, memory, timeout or layers change, and Lambda starts new environments then.
 */
function environmentKey(configuration: FunctionConfiguration): string {
  const settings = JSON.stringify([configuration.Environment?.Variables ?? {}, configuration.Handler, configuration.Runtime, configuration.MemorySize, configuration.Timeout, (configuration.Layers ?? []).map((layer) => layer.Arn)])
  return `${configuration.CodeSha256 ?? ''}:${configuration.LastModified ?? ''}:${createHash('sha256').update(settings).digest('hex').slice(0, 16)}`
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

function safe(value: string): string {
  return value.replace(/[^A-Za-z0-9]/g, '').slice(0, 24)
}
