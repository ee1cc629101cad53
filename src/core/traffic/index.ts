/**
 * Safe releases: the release step of `lpack deploy` and `lpack traffic status | resume | rollback`.
 * The engine is engine.ts; how a stack update hands a release over is template.ts; the state of a release in
 * flight is rebuilt from AWS alone: the deployed template (LpackTraffic Metadata), the stack's resources, and each
 * alias's routing and marker (marker.ts).
 */
import {randomBytes} from 'node:crypto'
import {join} from 'node:path'

import {type AwsAccess, AwsSession} from '../../aws/clients.js'
import {alarmOperations, type AlarmOperations} from '../../aws/cloudwatch.js'
import {type AliasInfo, lambdaOperations, type LambdaOperations} from '../../aws/lambda.js'
import {LpackError} from '../../errors.js'
import type {Reporter} from '../events.js'
import {type Clock, systemClock} from './clock.js'
import {emitAliasDone, emitTemplateUpdate} from './events.js'
import {percentOnNew, type ResumePoint, rollbackAliases, runRelease} from './engine.js'
import {DEFAULT_HOOK_TIMEOUT_MS} from './hooks.js'
import {decodeMarker, type ReleaseMarker} from './marker.js'
import {planSchedule} from './schedule.js'
import {type FollowedDeployment, followDeployment} from './codedeploy.js'
import {codeDeployOperations} from '../../aws/codedeploy.js'
import {type DeployedStack, readDeployedStack, type StackAccess, updateStackTemplate} from './stack.js'
import {templateSource} from '../package/template-body.js'
import type {UploadTarget} from '../package/upload.js'
import {stackResourceOperations} from '../../aws/stack-resources.js'
import {handOverTemplate, resolveName, type TrafficAliasConfig, trafficAliases} from './template.js'
import type {AliasRelease, EngineOutcome, ReleaseOutcome, ReleasePlan, TrafficHook} from './types.js'

export type {ReleaseOutcome} from './types.js'

export type TrafficEngine = 'lpack' | 'codedeploy'

export interface TrafficSettings {
  engine: TrafficEngine
  preTrafficHooks: string[]
  postTrafficHooks: string[]
  hookTimeoutMs: number
  /** Alarm polls while waiting for the next step. */
  pollIntervalMs: number
  /** Start over a release in flight (its aliases are taken as they route now). */
  ignoreReleaseInFlight: boolean
  /** `.lpack/releases` */
  recordDir: string
}

export const DEFAULT_TRAFFIC_POLL_MS = 5000

export function defaultTrafficSettings(projectDir: string): TrafficSettings {
  return {engine: 'codedeploy', preTrafficHooks: [], postTrafficHooks: [], hookTimeoutMs: DEFAULT_HOOK_TIMEOUT_MS, pollIntervalMs: DEFAULT_TRAFFIC_POLL_MS, ignoreReleaseInFlight: false, recordDir: join(projectDir, '.lpack', 'releases')}
}

interface Services {
  /** The command's AWS access: the traffic engine needs the session's Lambda, CloudWatch and CodeDeploy clients too. */
  aws: AwsAccess
  reporter: Reporter
  signal?: AbortSignal
  lambda?: LambdaOperations
  alarms?: AlarmOperations
  clock?: Clock
}

function sessionOf(services: Services): AwsSession {
  if (services.aws instanceof AwsSession) return services.aws
  throw new LpackError('INTERNAL', 'Releasing traffic needs an AWS session (Lambda, CloudWatch, CodeDeploy clients)')
}

function stackAccess(services: Services): StackAccess {
  return {cfn: services.aws.cloudFormationOperations(), resources: stackResourceOperations(() => sessionOf(services).cloudFormation())}
}

function lambdaOf(services: Services): LambdaOperations {
  return services.lambda ?? lambdaOperations(() => sessionOf(services).lambda())
}

function alarmsOf(services: Services): AlarmOperations {
  return services.alarms ?? alarmOperations(() => sessionOf(services).cloudWatch())
}

/** An alias of the deployed stack with DeploymentPreference, as it routes now. */
export interface AliasStatus {
  logicalId: string
  functionName: string
  alias: string
  functionVersion: string
  additional?: {version: string; weight: number}
  /** A release is in flight: lpack's marker is on the alias, or it routes to two versions. */
  inFlight: boolean
  marker?: ReleaseMarker
  /** Percent on the marker's new version. */
  percent?: number
}

export interface TrafficStatus {
  stackName: string
  aliases: AliasStatus[]
  inFlight: AliasStatus[]
}

/** Where the release's last stack update puts a template over CloudFormation's inline limit (deploy's bucket). */
export interface TemplateUpload {
  target: UploadTarget
  prefix?: string
}

export interface DeployHandOver {
  /** The template to deploy (for lpack's engine: aliases held on their live versions). */
  template: Record<string, unknown>
  /** After the stack update succeeded: runs the release; undefined when there was nothing to release. */
  release(): Promise<ReleaseOutcome | undefined>
}

/**
 * The release step of `lpack deploy`, before the change set: refuses to start over a release in flight (unless
 * told), and for lpack's engine holds every released alias on its live version so the stack update only
 * publishes the new one. `release()` then shifts, and throws TRAFFIC_ROLLED_BACK (exit 1) when it rolled back.
 */
export async function prepareDeployRelease(args: Services & {stackName: string; template: Record<string, unknown>; settings: TrafficSettings; templateUpload?: TemplateUpload}): Promise<DeployHandOver> {
  const {template, settings, stackName} = args
  const configs = trafficAliases(template)
  const nothing: DeployHandOver = {template, release: async () => undefined}
  if (configs.length === 0) return nothing
  if (settings.engine === 'lpack') {
    if (template.Transform !== undefined) {
      throw new LpackError('USAGE', '--traffic-engine lpack needs the SAM transform done by lpack (--transform local or auto), not by CloudFormation')
    }
    // A schedule, alarm or hook lpack could not follow fails now, before anything changes.
    for (const config of configs) {
      planSchedule(String(config.type))
      const names = new Map(Object.keys((template.Resources ?? {}) as object).map((id) => [id, id]))
      for (const alarm of config.alarms) resolveName(alarm, names, `${config.aliasLogicalId} alarm`)
      for (const hook of [config.preTraffic, config.postTraffic]) if (hook !== undefined) resolveName(hook, names, `${config.aliasLogicalId} hook`)
    }
  }
  const cf = stackAccess(args)
  const lambda = lambdaOf(args)
  const deployed = await readDeployedStack(cf, stackName)
  const status = deployed === undefined ? [] : await aliasStatuses(deployed, lambda)
  const inFlight = status.filter((alias) => alias.inFlight)
  if (inFlight.length > 0 && !settings.ignoreReleaseInFlight) {
    throw new LpackError('RELEASE_IN_FLIGHT', `Stack ${stackName} has a release in flight: ${inFlight.map(describeStatus).join('; ')}`, {
      hint: `Finish it with \`lpack traffic resume --stack-name ${stackName}\` or undo it with \`lpack traffic rollback --stack-name ${stackName}\`; --ignore-release-in-flight deploys over it.`,
      details: {stackName, aliases: inFlight},
    })
  }
  if (settings.engine !== 'lpack') return {template, release: () => followCodeDeploy(args, configs, new Date(Date.now() - CLOCK_SKEW_MS))}
  const pins = new Map<string, string>()
  const before = deployed === undefined ? [] : trafficAliases(deployed.template)
  for (const alias of status) {
    const config = configs.find((candidate) => candidate.functionLogicalId === alias.logicalId && candidate.aliasName === alias.alias)
    if (config === undefined) continue
    // The same Version resource publishes nothing new: the alias stays as the template has it, and an unchanged
    // stack stays unchanged.
    if (!alias.inFlight && before.some((old) => old.aliasLogicalId === config.aliasLogicalId && old.versionLogicalId === config.versionLogicalId)) continue
    // A release in flight deployed over: the version it came from is the one still taking most traffic.
    pins.set(config.aliasLogicalId, alias.marker?.old ?? alias.functionVersion)
  }
  return {
    template: handOverTemplate(template, pins),
    release: async () => {
      const after = await readDeployedStack(cf, stackName)
      if (after === undefined) return undefined
      const aliases: AliasRelease[] = []
      for (const config of configs) {
        const old = pins.get(config.aliasLogicalId)
        if (old === undefined) continue
        const release = await aliasRelease(after, config, lambda, {old, settings})
        if (release !== undefined && release.newVersion !== old) aliases.push(release)
      }
      if (aliases.length === 0) return undefined
      return finish(args, after, await runRelease(planOf(args, stackName, aliases), engineOptions(args, settings)), settings, args.templateUpload)
    },
  }
}

/** Every DeploymentPreference alias of the stack and whether a release is in flight on it. */
export async function trafficStatus(args: Services & {stackName: string}): Promise<TrafficStatus> {
  const deployed = await requireStack(args)
  const aliases = await aliasStatuses(deployed, lambdaOf(args))
  return {stackName: args.stackName, aliases, inFlight: aliases.filter((alias) => alias.inFlight)}
}

/** Continues every release in flight on the stack from where its aliases stand. */
export async function resumeRelease(args: Services & {stackName: string; settings: TrafficSettings}): Promise<ReleaseOutcome> {
  const deployed = await requireStack(args)
  const lambda = lambdaOf(args)
  const {aliases, resume} = await inFlightReleases(deployed, lambda, args.settings)
  const releaseId = aliases.length > 0 ? (await statusMarker(deployed, lambda))?.id ?? newReleaseId() : newReleaseId()
  const outcome = await runRelease({...planOf(args, args.stackName, aliases), releaseId}, engineOptions(args, args.settings), resume)
  return finish(args, deployed, outcome, args.settings, codeBucketOf(deployed.template))
}

/** Puts every alias in flight back on its old version, at once; the new versions stay published. */
export async function rollbackRelease(args: Services & {stackName: string}): Promise<{kind: 'rolled-back'; stackName: string; aliases: {logicalId: string; alias: string; functionVersion: string; newVersion: string}[]}> {
  const deployed = await requireStack(args)
  const lambda = lambdaOf(args)
  const {aliases} = await inFlightReleases(deployed, lambda, undefined)
  await rollbackAliases(aliases, lambda)
  for (const alias of aliases) emitAliasDone(args.reporter, alias, 0, 'rolled-back')
  return {kind: 'rolled-back', stackName: args.stackName, aliases: aliases.map((alias) => ({logicalId: alias.logicalId, alias: alias.alias, functionVersion: alias.oldVersion, newVersion: alias.newVersion}))}
}

async function requireStack(args: Services & {stackName: string}): Promise<DeployedStack> {
  const deployed = await readDeployedStack(stackAccess(args), args.stackName)
  if (deployed === undefined) throw new LpackError('STACK_NOT_FOUND', `Stack ${args.stackName} does not exist`, {details: {stackName: args.stackName}})
  return deployed
}

async function aliasStatuses(deployed: DeployedStack, lambda: LambdaOperations): Promise<AliasStatus[]> {
  const statuses: AliasStatus[] = []
  for (const config of trafficAliases(deployed.template)) {
    const functionName = deployed.physicalIds.get(config.functionLogicalId)
    if (functionName === undefined) continue
    const alias = await lambda.getAlias(functionName, config.aliasName)
    if (alias === undefined) continue
    statuses.push(statusOf(config.functionLogicalId, alias))
  }
  return statuses
}

function statusOf(logicalId: string, alias: AliasInfo): AliasStatus {
  const marker = decodeMarker(alias.description)
  return {
    logicalId,
    functionName: alias.functionName,
    alias: alias.name,
    functionVersion: alias.functionVersion,
    ...(alias.additional ? {additional: alias.additional} : {}),
    inFlight: marker !== undefined || alias.additional !== undefined,
    ...(marker ? {marker, percent: percentOnNew(alias, marker.new)} : {}),
  }
}

function describeStatus(alias: AliasStatus): string {
  if (alias.marker) return `${alias.logicalId}:${alias.alias} ${alias.marker.old}→${alias.marker.new} at ${alias.percent}% (${alias.marker.phase}, release ${alias.marker.id})`
  return `${alias.logicalId}:${alias.alias} routes to versions ${alias.functionVersion} and ${alias.additional?.version} (${Math.round((alias.additional?.weight ?? 0) * 100)}%), not started by lpack`
}

async function statusMarker(deployed: DeployedStack, lambda: LambdaOperations): Promise<ReleaseMarker | undefined> {
  return (await aliasStatuses(deployed, lambda)).find((alias) => alias.marker)?.marker
}

/** The releases lpack left in flight, rebuilt from the aliases' markers and the deployed template. */
async function inFlightReleases(deployed: DeployedStack, lambda: LambdaOperations, settings: TrafficSettings | undefined): Promise<{aliases: AliasRelease[]; resume: Map<string, ResumePoint>}> {
  const configs = trafficAliases(deployed.template)
  const aliases: AliasRelease[] = []
  const resume = new Map<string, ResumePoint>()
  const foreign: AliasStatus[] = []
  for (const status of await aliasStatuses(deployed, lambda)) {
    if (!status.inFlight) continue
    const config = configs.find((candidate) => candidate.functionLogicalId === status.logicalId && candidate.aliasName === status.alias)!
    if (status.marker === undefined) {
      foreign.push(status)
      continue
    }
    const release = await aliasRelease(deployed, config, lambda, {old: status.marker.old, newVersion: status.marker.new, type: status.marker.type, settings})
    if (release === undefined) continue
    aliases.push(release)
    resume.set(status.logicalId, {phase: status.marker.phase, percent: status.percent ?? 0})
  }
  if (aliases.length === 0) {
    const hint = foreign.length > 0 ? `${foreign.map(describeStatus).join('; ')}: follow or stop that release where it was started (CodeDeploy).` : undefined
    throw new LpackError('USAGE', `Stack ${deployed.stackName} has no release of lpack's in flight`, {...(hint ? {hint} : {}), details: {stackName: deployed.stackName}})
  }
  return {aliases, resume}
}

async function aliasRelease(
  deployed: DeployedStack,
  config: TrafficAliasConfig,
  lambda: LambdaOperations,
  known: {old: string; newVersion?: string; type?: string; settings: TrafficSettings | undefined},
): Promise<AliasRelease | undefined> {
  const functionName = deployed.physicalIds.get(config.functionLogicalId)
  if (functionName === undefined) return undefined
  const alias = await lambda.getAlias(functionName, config.aliasName)
  if (alias === undefined) return undefined
  const newVersion = known.newVersion ?? (await newVersionOf(deployed, config, functionName, lambda))
  if (newVersion === undefined) return undefined
  const lambdaHook = (value: unknown): TrafficHook[] => (value === undefined ? [] : [{kind: 'lambda', functionName: resolveName(value, deployed.physicalIds, `${config.aliasLogicalId} hook`)}])
  const command = (commands: string[] | undefined): TrafficHook[] => (commands ?? []).map((text) => ({kind: 'command', command: text}))
  return {
    logicalId: config.functionLogicalId,
    functionName,
    alias: config.aliasName,
    aliasArn: alias.arn,
    oldVersion: known.old,
    newVersion,
    schedule: planSchedule(known.type ?? String(config.type)),
    alarms: config.alarms.map((alarm) => resolveName(alarm, deployed.physicalIds, `${config.aliasLogicalId} alarm`)),
    hooks: {preTraffic: [...lambdaHook(config.preTraffic), ...command(known.settings?.preTrafficHooks)], postTraffic: [...lambdaHook(config.postTraffic), ...command(known.settings?.postTrafficHooks)]},
    // The marker replaced any description lpack may not know; SAM's aliases have none.
    ...(decodeMarker(alias.description) === undefined ? {description: alias.description} : {}),
  }
}

/**
 * The version the stack update published: the Version resource's physical id is its ARN on AWS
 * (`…:function:name:7`); where a server gives something else, the newest published version.
 */
async function newVersionOf(deployed: DeployedStack, config: TrafficAliasConfig, functionName: string, lambda: LambdaOperations): Promise<string | undefined> {
  const physical = deployed.physicalIds.get(config.versionLogicalId)
  const last = physical?.split(':').at(-1)
  if (last !== undefined && /^\d+$/.test(last)) return last
  const numbers = (await lambda.listVersions(functionName)).map((version) => version.version).filter((version) => /^\d+$/.test(version)).map(Number)
  return numbers.length === 0 ? undefined : String(Math.max(...numbers))
}

function planOf(args: Services, stackName: string, aliases: AliasRelease[]): ReleasePlan {
  return {stackName, releaseId: newReleaseId(), region: args.aws.region, ...(sessionOf(args).options.endpointUrl ? {endpointUrl: sessionOf(args).options.endpointUrl} : {}), aliases}
}

function engineOptions(args: Services, settings: TrafficSettings) {
  return {lambda: lambdaOf(args), alarms: alarmsOf(args), clock: args.clock ?? systemClock, reporter: args.reporter, signal: args.signal, pollIntervalMs: settings.pollIntervalMs, hookTimeoutMs: settings.hookTimeoutMs, recordDir: settings.recordDir}
}

/**
 * After the engine: a finished release updates the stack so its template names the new versions (no drift);
 * a rolled-back one leaves the template as deployed, which names the old versions. Rolled back → exit 1.
 */
async function finish(args: Services & {stackName: string}, deployed: DeployedStack, outcome: EngineOutcome, settings: TrafficSettings, upload: TemplateUpload | undefined): Promise<ReleaseOutcome> {
  if (outcome.kind === 'rolled-back') {
    throw new LpackError('TRAFFIC_ROLLED_BACK', `Release of ${args.stackName} rolled back: ${outcome.reason}`, {
      hint: `Every alias is back on its old version; the new versions stay published.${outcome.recordFile ? ` Record: ${outcome.recordFile}` : ''}`,
      details: {...outcome},
    })
  }
  emitTemplateUpdate(args.reporter, args.stackName)
  const source = (body: string) =>
    templateSource(body, {store: args.aws.artifactStore(), ...(upload ?? {}), region: args.aws.region, customEndpoint: args.aws.customS3Endpoint(), reporter: args.reporter})
  await updateStackTemplate(stackAccess(args), args.stackName, handOverTemplate(deployed.template, new Map()), {pollIntervalMs: Math.min(settings.pollIntervalMs, 1000), reporter: args.reporter, source})
  return outcome
}

/**
 * For `lpack traffic resume`, which has no bucket flag: the bucket (and prefix) lpack packaged the stack's code
 * into, read from the deployed template's functions, so a template over the inline limit goes where deploy put it.
 */
function codeBucketOf(template: Record<string, unknown>): TemplateUpload | undefined {
  for (const resource of Object.values((template.Resources ?? {}) as Record<string, {Type?: unknown; Properties?: {Code?: {S3Bucket?: unknown; S3Key?: unknown}}}>)) {
    const code = resource.Type === 'AWS::Lambda::Function' ? resource.Properties?.Code : undefined
    if (typeof code?.S3Bucket !== 'string' || typeof code.S3Key !== 'string') continue
    const slash = code.S3Key.lastIndexOf('/')
    return {target: {bucket: code.S3Bucket}, ...(slash > 0 ? {prefix: code.S3Key.slice(0, slash)} : {})}
  }
  return undefined
}

/** CodeDeploy's createTime comes from AWS's clock: look a little further back than this machine's. */
const CLOCK_SKEW_MS = 5 * 60_000

/**
 * The codedeploy engine, after the stack update: CloudFormation waited for each CodeDeploy deployment it started
 * for an alias; lpack reads what they did (weights, hooks, results). A deployment that did not succeed ends the
 * command with CodeDeploy's reason (exit 1).
 */
async function followCodeDeploy(args: Services & {stackName: string; settings: TrafficSettings}, configs: TrafficAliasConfig[], since: Date): Promise<ReleaseOutcome | undefined> {
  const deployed = await readDeployedStack(stackAccess(args), args.stackName)
  if (deployed === undefined) return undefined
  const codeDeploy = codeDeployOperations(() => sessionOf(args).codeDeploy())
  const deployments: FollowedDeployment[] = []
  for (const config of configs) {
    const application = config.applicationLogicalId === undefined ? undefined : deployed.physicalIds.get(config.applicationLogicalId)
    const group = config.deploymentGroupLogicalId === undefined ? undefined : deployed.physicalIds.get(config.deploymentGroupLogicalId)
    if (application === undefined || group === undefined) continue
    for (const id of await codeDeploy.listDeployments(application, group, since)) {
      deployments.push(await followDeployment(id, {codeDeploy, clock: args.clock ?? systemClock, reporter: args.reporter, pollIntervalMs: args.settings.pollIntervalMs, timeoutMs: 60 * 60_000, signal: args.signal}))
    }
  }
  if (deployments.length === 0) return undefined
  const failed = deployments.filter((deployment) => deployment.status !== 'Succeeded')
  if (failed.length > 0) {
    throw new LpackError('TRAFFIC_ROLLED_BACK', `Release of ${args.stackName} did not succeed: ${failed.map((deployment) => deployment.reason).join('; ')}`, {
      hint: `State after CodeDeploy's rollback: ${failed.flatMap((deployment) => deployment.targets.map((target) => `${target.functionName}:${target.alias} on version ${target.currentVersion}`)).join(', ')}`,
      details: {stackName: args.stackName, deployments},
    })
  }
  return {kind: 'followed', engine: 'codedeploy', stackName: args.stackName, deployments}
}

function newReleaseId(): string {
  return `${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`
}
