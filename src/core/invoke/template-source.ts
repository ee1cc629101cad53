import {readFile, stat} from 'node:fs/promises'
import {join} from 'node:path'

import {LpackError} from '../../errors.js'
import {levelOf, type Reporter} from '../events.js'
import {buildProject} from '../build/index.js'
import {MANIFEST_FILE, type BuildManifest} from '../build/manifest.js'
import {isObject, type JsonObject} from '../json.js'
import type {EnvVarsFile} from './environment.js'
import {describeBuiltFunction, LOCAL_ACCOUNT_ID, readBuiltProject, type BuiltFunction, type BuiltProject} from './index.js'
import type {AsyncInvokeConfig, DestinationTarget, FunctionSource, ResolvedFunction} from './service.js'

export interface TemplateSourceOptions {
  templateFile: string
  buildDir?: string
  parameters?: Record<string, string>
  envVars?: EnvVarsFile
  region?: string
  hostEnv?: NodeJS.ProcessEnv
  reporter: Reporter
}

/**
 * The functions of a SAM template, as `lpack build` left them: what `lpack local start-lambda` serves. Each resolve
 * reads the build's manifest again when it changed, so a rebuild is picked up by the next invoke.
 *
 * Versions: `$LATEST` is the built code. A function with AutoPublishAlias has one published version per distinct
 * code this source has seen (1 for the first build, 2 after a rebuild changed the code, …), as each deploy of
 * changed code publishes one; the alias and the newest number run the current code. Older versions' code is no
 * longer in the build, so they are not found.
 */
export class TemplateFunctionSource implements FunctionSource {
  private buildDir?: string
  private loaded?: {stamp: string; project: BuiltProject}
  private readonly published = new Map<string, string[]>()

  constructor(private readonly options: TemplateSourceOptions) {}

  /** Builds the template's functions (what is stale; the build's cache makes the rest free). */
  async build(signal?: AbortSignal): Promise<BuildManifest> {
    const reporter: Reporter = {emit: (event) => this.options.reporter.emit(levelOf(event) === 'info' ? {...event, level: 'debug'} : event)}
    const built = await buildProject({templateFile: this.options.templateFile, buildDir: this.options.buildDir, parameters: this.options.parameters, reporter, ...(signal ? {signal} : {})})
    this.buildDir = built.buildDir
    return built.manifest
  }

  /** The logical IDs of the functions with local code. */
  async functionIds(): Promise<string[]> {
    const project = await this.project()
    return project.manifest.artifacts.filter((a) => a.kind === 'function').map((a) => a.logicalId)
  }

  async resolve(functionName: string, qualifier: string | undefined): Promise<ResolvedFunction | undefined> {
    const project = await this.project()
    const logicalId = this.logicalIdOf(project, functionName)
    if (logicalId === undefined) return undefined
    const built = describeBuiltFunction(project, logicalId, {envVars: this.options.envVars, region: this.options.region, hostEnv: this.options.hostEnv, reporter: this.options.reporter})
    const codeKey = [built.artifact.sha256, ...built.layers.map((layer) => layer.sha256)].join(',')
    const version = this.versionFor(logicalId, codeKey, built.value(built.properties.AutoPublishAlias), qualifier)
    if (version === undefined) return undefined
    const reserved = built.value(built.properties.ReservedConcurrentExecutions)
    const reservedConcurrency = typeof reserved === 'number' ? reserved : typeof reserved === 'string' && /^\d+$/.test(reserved) ? Number(reserved) : undefined
    return {
      config: built.fn,
      version,
      code: {zipFile: built.zip, sha256: built.artifact.sha256},
      layers: built.layers.map((layer) => ({zipFile: layer.zip, sha256: layer.sha256})),
      codeKey,
      variables: built.variables,
      region: built.region,
      accountId: LOCAL_ACCOUNT_ID,
      ...(reservedConcurrency !== undefined ? {reservedConcurrency} : {}),
      asyncConfig: asyncConfigOf(built, project.root, logicalId),
      ...(this.options.hostEnv ? {hostEnv: this.options.hostEnv} : {}),
    }
  }

  private versionFor(logicalId: string, codeKey: string, alias: unknown, qualifier: string | undefined): string | undefined {
    if (qualifier === undefined || qualifier === '$LATEST') return '$LATEST'
    if (typeof alias !== 'string' || alias === '') return undefined
    const versions = this.published.get(logicalId) ?? []
    if (versions.at(-1) !== codeKey) versions.push(codeKey)
    this.published.set(logicalId, versions)
    const current = String(versions.length)
    return qualifier === alias || qualifier === current ? current : undefined
  }

  private logicalIdOf(project: BuiltProject, name: string): string | undefined {
    const functions = project.manifest.artifacts.filter((a) => a.kind === 'function').map((a) => a.logicalId)
    if (functions.includes(name)) return name
    // A literal FunctionName is the name callers use (and the one in ARNs).
    return functions.find((id) => project.resolved.resource(id)?.properties.FunctionName === name)
  }

  private async project(): Promise<BuiltProject> {
    if (!this.buildDir) await this.build()
    const buildDir = this.buildDir!
    const manifestFile = join(buildDir, MANIFEST_FILE)
    let stamp: string
    try {
      const info = await stat(manifestFile)
      stamp = `${info.mtimeMs}:${info.size}`
    } catch {
      throw new LpackError('BUILD_REQUIRED', `${manifestFile} is missing`, {hint: 'Run lpack build.'})
    }
    if (this.loaded?.stamp === stamp) return this.loaded.project
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as BuildManifest
    const project = await readBuiltProject(buildDir, manifest, this.options.parameters)
    this.loaded = {stamp, project}
    return project
  }
}

/**
 * EventInvokeConfig and DeadLetterQueue as SAM writes them. A destination given by GetAtt or Ref of a queue or topic
 * in the template gets the ARN it would have in the local account (its literal name, else its logical ID).
 */
function asyncConfigOf(built: BuiltFunction, root: JsonObject, logicalId: string): AsyncInvokeConfig {
  const {properties, value} = built
  const config: AsyncInvokeConfig = {}
  const eventConfig = isObject(properties.EventInvokeConfig) ? properties.EventInvokeConfig : {}
  const retries = value(eventConfig.MaximumRetryAttempts)
  if (typeof retries === 'number' || (typeof retries === 'string' && /^\d+$/.test(retries))) config.maximumRetryAttempts = Number(retries)
  const age = value(eventConfig.MaximumEventAgeInSeconds)
  if (typeof age === 'number' || (typeof age === 'string' && /^\d+$/.test(age))) config.maximumEventAgeInSeconds = Number(age)
  const destinations = isObject(eventConfig.DestinationConfig) ? eventConfig.DestinationConfig : {}
  for (const [key, field] of [['OnSuccess', 'onSuccess'], ['OnFailure', 'onFailure']] as const) {
    const destination = destinations[key]
    if (!isObject(destination)) continue
    const target = destinationArn(destination.Destination, destination.Type, root, built, `${logicalId}EventInvokeConfig${key}`)
    if (target) config[field] = target
  }
  const dlq = properties.DeadLetterQueue
  if (isObject(dlq)) {
    const target = destinationArn(dlq.TargetArn, dlq.Type, root, built, `${logicalId}DeadLetterQueue`)
    if (target) config.deadLetter = target
  }
  return config
}

function destinationArn(raw: unknown, type: unknown, root: JsonObject, built: BuiltFunction, generatedName: string): DestinationTarget | undefined {
  const literal = built.value(raw)
  if (typeof literal === 'string' && literal.startsWith('arn:')) return {arn: literal}
  const resources = isObject(root.Resources) ? root.Resources : {}
  const refName = isObject(raw) ? (typeof raw.Ref === 'string' ? raw.Ref : Array.isArray(raw['Fn::GetAtt']) ? raw['Fn::GetAtt'][0] : typeof raw['Fn::GetAtt'] === 'string' ? raw['Fn::GetAtt'].split('.')[0] : undefined) : undefined
  const resource = typeof refName === 'string' && isObject(resources[refName]) ? (resources[refName] as JsonObject) : undefined
  const resourceType = typeof resource?.Type === 'string' ? resource.Type : undefined
  const props = resource && isObject(resource.Properties) ? resource.Properties : {}
  const arn = (service: string, name: string) => `arn:aws:${service}:${built.region}:${LOCAL_ACCOUNT_ID}:${name}`
  if (resourceType === 'AWS::SQS::Queue') return {arn: arn('sqs', stringOr(built.value(props.QueueName), refName!))}
  if (resourceType === 'AWS::SNS::Topic') return {arn: arn('sns', stringOr(built.value(props.TopicName), refName!))}
  if (resourceType === 'AWS::Serverless::Function' || resourceType === 'AWS::Lambda::Function') return {arn: arn('lambda', `function:${stringOr(built.value(props.FunctionName), refName!)}`)}
  if (resourceType === 'AWS::Events::EventBus') return {arn: arn('events', `event-bus/${stringOr(built.value(props.Name), refName!)}`)}
  // SAM creates the queue or topic itself when a destination of type SQS or SNS names none.
  if (raw === undefined && (type === 'SQS' || type === 'SNS')) return {arn: arn(type.toLowerCase(), generatedName)}
  return undefined
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback
}
