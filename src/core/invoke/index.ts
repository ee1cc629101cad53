import {randomBytes} from 'node:crypto'
import {join} from 'node:path'

import {LpackError} from '../../errors.js'
import {levelOf, type Reporter} from '../events.js'
import {buildProject} from '../build/index.js'
import {BUILT_TEMPLATE_FILE, type BuildManifest, type ManifestArtifact} from '../build/manifest.js'
import {isObject, type JsonObject} from '../json.js'
import {isIntrinsic} from '../template/intrinsics.js'
import {resolveTemplate, type ResolvedTemplate} from '../template/resolve.js'
import {applyEnvVarsOverrides, stringifyVariable, type EnvVarsFile, type FunctionConfig, type InvokeIdentity} from './environment.js'
import {ExecutionEnvironment, type InvokeRequest, type InvokeResult} from './execution-environment.js'
import {MAX_REQUEST_BYTES} from './runtime-api.js'
import {unpackZips} from './unpack.js'

export type {InvokeReport, InvokeResult} from './execution-environment.js'

/** The account ID `sam local` puts in ARNs; nothing local has a real one. */
export const LOCAL_ACCOUNT_ID = '123456789012'

export interface InvokeOptions {
  templateFile: string
  /** Default `.lpack/build` beside the template. */
  buildDir?: string
  functionId: string
  /** `--env-vars`, SAM's format. */
  envVars?: EnvVarsFile
  /** Template parameter values (`--parameter-overrides`). */
  parameters?: Record<string, string>
  /** Default: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1. */
  region?: string
  /** The caller's environment, read for the region and the credentials passed through. Default process.env. */
  hostEnv?: NodeJS.ProcessEnv
  reporter: Reporter
}

/** Everything needed to start the function's execution environments: built, unpacked, configured. */
export interface PreparedFunction {
  fn: FunctionConfig
  variables: Record<string, string>
  taskRoot: string
  optDir: string
  identity: InvokeIdentity
  hostEnv: NodeJS.ProcessEnv
}

/** `lpack invoke`: builds the function if stale, then runs one invocation in a new execution environment. */
export async function invokeFunction(options: InvokeOptions & {event: Buffer} & Omit<InvokeRequest, 'payload'>): Promise<InvokeResult> {
  const [result] = await invokeMany({...options, events: [options]})
  return result!
}

/**
 * Several invocations, one after another, in one execution environment kept warm between them (a new one after a
 * timeout or a crash, as in Lambda): the first is a cold start, the others are warm.
 */
export async function invokeMany(options: InvokeOptions & {events: readonly (Omit<InvokeRequest, 'payload'> & {event: Buffer})[]}): Promise<InvokeResult[]> {
  const requests = options.events.map((request) => ({...request, payload: checkEvent(request.event)}))
  const prepared = await prepareFunction(options)
  const environment = new ExecutionEnvironment({
    fn: prepared.fn,
    folders: {taskRoot: prepared.taskRoot, optDir: prepared.optDir},
    variables: prepared.variables,
    identity: prepared.identity,
    hostEnv: prepared.hostEnv,
    reporter: options.reporter,
  })
  const results: InvokeResult[] = []
  try {
    for (const request of requests) results.push(await environment.invoke(request))
  } finally {
    await environment.dispose()
  }
  return results
}

/** Lambda refuses an event over 6 MB or one that is not JSON before any function runs. */
export function checkEvent(event: Buffer): Buffer {
  if (event.length > MAX_REQUEST_BYTES) throw new LpackError('USAGE', `The event is ${event.length} bytes; Lambda takes at most ${MAX_REQUEST_BYTES} bytes in a synchronous invoke`)
  const text = event.toString('utf8')
  if (text.trim() === '') return Buffer.from('{}')
  try {
    JSON.parse(text)
  } catch (error) {
    throw new LpackError('USAGE', `The event is not JSON: ${(error as Error).message}`, {hint: 'Lambda takes a JSON document as the event (-e event.json, or --event - to read it from stdin).'})
  }
  return event
}

/** Builds the function (and its layers) if stale, unpacks its zip and its layers', and reads its configuration. */
export async function prepareFunction(options: InvokeOptions): Promise<PreparedFunction> {
  const hostEnv = options.hostEnv ?? process.env
  // The build's progress is detail here (shown with --debug); its warnings still show.
  const buildReporter: Reporter = {emit: (event) => options.reporter.emit(levelOf(event) === 'info' ? {...event, level: 'debug'} : event)}
  const built = await buildProject({templateFile: options.templateFile, buildDir: options.buildDir, functions: [options.functionId], parameters: options.parameters, reporter: buildReporter})
  const project = await readBuiltProject(built.buildDir, built.manifest, options.parameters)
  const described = describeBuiltFunction(project, options.functionId, options)
  const invokeDir = join(built.buildDir, 'invoke', options.functionId)
  const taskRoot = join(invokeDir, 'task')
  const optDir = join(invokeDir, 'opt')
  await unpackZips([described.zip], taskRoot, described.artifact.sha256)
  await unpackZips(described.layers.map((layer) => layer.zip), optDir, described.layers.map((layer) => layer.sha256).join(',') || 'none')
  const logStreamName = `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${randomBytes(16).toString('hex')}`
  return {fn: described.fn, variables: described.variables, taskRoot, optDir, identity: {region: described.region, accountId: LOCAL_ACCOUNT_ID, logStreamName}, hostEnv}
}

/** A built project as invoke reads it: the built template (resolved) and the manifest of its artifacts. */
export interface BuiltProject {
  buildDir: string
  manifest: BuildManifest
  /** The built template as written (all resources, for what the resolver does not cover: queues, topics). */
  root: JsonObject
  resolved: ResolvedTemplate
}

export async function readBuiltProject(buildDir: string, manifest: BuildManifest, parameters: Record<string, string> = {}): Promise<BuiltProject> {
  const {loadTemplateFile} = await import('../template/load.js')
  const loaded = await loadTemplateFile(join(buildDir, BUILT_TEMPLATE_FILE))
  if (!loaded.template) throw new LpackError('BUILD_REQUIRED', `The built template in ${buildDir} cannot be read`, {hint: 'Run lpack build again.'})
  const root = loaded.template.value
  return {buildDir, manifest, root, resolved: resolveTemplate(root, {parameters})}
}

/** A built function's configuration and artifacts, read from the built template and the manifest. */
export interface BuiltFunction {
  fn: FunctionConfig
  /** The variables after `--env-vars`. */
  variables: Record<string, string>
  artifact: ManifestArtifact
  /** The function's zip (absolute path). */
  zip: string
  /** Its layers built in this project, in order, with absolute zip paths. */
  layers: {zip: string; sha256: string}[]
  region: string
  /** The function's properties after Globals, as written. */
  properties: JsonObject
  /** A template value as far as the local context resolves it (parameters, pseudo parameters, Fn::Sub). */
  value(v: unknown): unknown
}

export function describeBuiltFunction(project: BuiltProject, functionId: string, options: Pick<InvokeOptions, 'envVars' | 'region' | 'hostEnv' | 'reporter'>): BuiltFunction {
  const {resolved} = project
  const hostEnv = options.hostEnv ?? process.env
  const resource = resolved.resource(functionId)
  const artifact = project.manifest.artifacts.find((a) => a.logicalId === functionId)
  if (!resource || resource.kind !== 'function' || !artifact) {
    throw new LpackError('FUNCTION_NOT_FOUND', `'${functionId}' is not a function with local code in the template`, {
      hint: `Functions: ${resolved.functions.map((f) => f.logicalId).join(', ') || 'none'}.`,
    })
  }
  const region = options.region ?? hostEnv.AWS_REGION ?? hostEnv.AWS_DEFAULT_REGION ?? 'us-east-1'
  const value = (v: unknown) => resolveLocal(v, resolved, region)
  const properties = resource.properties
  const functionName = typeof value(properties.FunctionName) === 'string' ? (value(properties.FunctionName) as string) : functionId
  const runtime = value(properties.Runtime)
  if (typeof runtime !== 'string') throw new LpackError('USAGE', `${functionId} has no Runtime lpack can read`, {hint: 'Set Runtime on the function or in Globals.Function.'})
  const variables: Record<string, string> = {}
  const unresolved: string[] = []
  const declared = isObject(properties.Environment) && isObject(properties.Environment.Variables) ? properties.Environment.Variables : {}
  for (const [name, raw] of Object.entries(declared)) {
    const resolvedValue = value(raw)
    if (resolvedValue === undefined || isObject(resolvedValue) || Array.isArray(resolvedValue)) unresolved.push(name)
    variables[name] = stringifyVariable(resolvedValue)
  }
  if (unresolved.length > 0) options.reporter.emit({kind: 'invoke.env-unresolved', data: {functionId: functionId, names: unresolved.sort()}})
  const fn: FunctionConfig = {
    logicalId: functionId,
    functionName,
    runtime,
    handler: typeof value(properties.Handler) === 'string' ? (value(properties.Handler) as string) : '',
    memoryMb: positiveInteger(value(properties.MemorySize), 128),
    timeoutSeconds: positiveNumber(value(properties.Timeout), 3),
    architecture: value((properties.Architectures as unknown[] | undefined)?.[0]) === 'arm64' ? 'arm64' : 'x86_64',
    variables,
  }
  const overridden = applyEnvVarsOverrides(fn, options.envVars)
  if (overridden.ignored.length > 0) {
    options.reporter.emit({kind: 'invoke.env-ignored', data: {functionId, names: overridden.ignored}})
  }
  const layers = layerArtifacts(properties, resolved, project.manifest.artifacts, options.reporter, functionId)
  return {
    fn,
    variables: overridden.variables,
    artifact,
    zip: join(project.buildDir, artifact.zip),
    layers: layers.map((layer) => ({zip: join(project.buildDir, layer.zip), sha256: layer.sha256})),
    region,
    properties,
    value,
  }
}

/** The function's layers built in this project, in the order Lambda stacks them; other layers are named and skipped. */
function layerArtifacts(properties: JsonObject, resolved: ResolvedTemplate, artifacts: readonly ManifestArtifact[], reporter: Reporter, functionId: string): ManifestArtifact[] {
  const found: ManifestArtifact[] = []
  for (const layer of Array.isArray(properties.Layers) ? properties.Layers : []) {
    const ref = isIntrinsic(layer) && typeof (layer as {Ref?: unknown}).Ref === 'string' ? (layer as {Ref: string}).Ref : undefined
    const artifact = ref !== undefined && resolved.resource(ref)?.kind === 'layer' ? artifacts.find((a) => a.logicalId === ref) : undefined
    if (artifact) found.push(artifact)
    else reporter.emit({kind: 'invoke.layer-skipped', data: {functionId, layer}})
  }
  return found
}

const PSEUDO_PARAMETERS = (region: string): Record<string, string> => ({
  'AWS::Region': region,
  'AWS::AccountId': LOCAL_ACCOUNT_ID,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'local',
})

/**
 * A template value as far as the local context resolves it: parameters and pseudo parameters by Ref and in
 * Fn::Sub strings. Anything else (a resource's Ref, GetAtt, imports) is undefined.
 */
function resolveLocal(value: unknown, resolved: ResolvedTemplate, region: string): unknown {
  if (!isIntrinsic(value)) return value
  const pseudo = PSEUDO_PARAMETERS(region)
  const lookup = (name: string): unknown => (resolved.parameters.has(name) ? resolved.parameters.get(name) : pseudo[name])
  const intrinsic = value as Record<string, unknown>
  if (typeof intrinsic.Ref === 'string') return lookup(intrinsic.Ref)
  if (typeof intrinsic['Fn::Sub'] === 'string') {
    let unresolved = false
    const text = intrinsic['Fn::Sub'].replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      const found = lookup(name.trim())
      if (typeof found === 'string' || typeof found === 'number') return String(found)
      unresolved = true
      return ''
    })
    return unresolved ? undefined : text.replace(/\$\{!/g, '${')
  }
  return undefined
}

function positiveInteger(value: unknown, fallback: number): number {
  const number = typeof value === 'string' ? Number(value) : value
  return typeof number === 'number' && Number.isInteger(number) && number > 0 ? number : fallback
}

function positiveNumber(value: unknown, fallback: number): number {
  const number = typeof value === 'string' ? Number(value) : value
  return typeof number === 'number' && Number.isFinite(number) && number > 0 ? number : fallback
}
