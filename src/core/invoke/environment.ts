import {delimiter, join} from 'node:path'

import {LpackError} from '../../errors.js'
import {isObject} from '../json.js'

/**
 * The environment variables of a function's process, as Lambda sets them: the template's variables, then
 * `--env-vars` overrides (SAM's format), then the variables Lambda reserves, which always win.
 */

/** What lpack knows about a function when it starts an execution environment for it. */
export interface FunctionConfig {
  logicalId: string
  /** FunctionName when the template gives a literal one, else the logical ID (as `sam local` names it). */
  functionName: string
  runtime: string
  handler: string
  memoryMb: number
  timeoutSeconds: number
  architecture: 'x86_64' | 'arm64'
  /** The template's Environment.Variables after Globals, parameters resolved. */
  variables: Record<string, string>
}

/** Folders of an execution environment, standing in for Lambda's /var/task, /opt and /var/runtime. */
export interface EnvironmentFolders {
  /** The unpacked function zip (LAMBDA_TASK_ROOT). */
  taskRoot: string
  /** The function's layers unpacked one over another (Lambda's /opt). */
  optDir: string
  /** The runtime's own files: lpack's bootstrap for the runtime (LAMBDA_RUNTIME_DIR). */
  runtimeDir: string
}

export interface InvokeIdentity {
  region: string
  accountId: string
  logStreamName: string
  /** The version the environment runs (AWS_LAMBDA_FUNCTION_VERSION): `$LATEST` unless a qualifier chose one. */
  version?: string
}

/** Variables Lambda sets and no template or override may change (LAMBDA-FACTS.md). */
export const RESERVED_VARIABLES = [
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR', 'TZ',
] as const

/** Host variables a function's process keeps: what finds programs and reads text; and the caller's credentials. */
const HOST_PASSTHROUGH = ['PATH', 'LANG', 'HOME', 'SYSTEMROOT']
/** `sam local` passes the caller's credentials into the container when they are set; so does lpack. */
const HOST_CREDENTIALS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']

/** SAM's `--env-vars` file: `{"<LogicalId>": {...}, "Parameters": {...}}`, Parameters applying to every function. */
export type EnvVarsFile = Record<string, Record<string, unknown>>

/** Checks the shape of a parsed `--env-vars` document. */
export function parseEnvVarsFile(value: unknown, file: string): EnvVarsFile {
  if (!isObject(value)) throw new LpackError('USAGE', `${file} must hold a JSON object of functions, each a mapping of variable names to values`, {hint: 'Write {"MyFunction": {"TABLE": "local"}, "Parameters": {"STAGE": "dev"}}.'})
  for (const [key, variables] of Object.entries(value)) {
    if (!isObject(variables)) throw new LpackError('USAGE', `${file}: "${key}" must be a mapping of variable names to values, got ${JSON.stringify(variables)}`)
  }
  return value as EnvVarsFile
}

/**
 * The template's variables under the `--env-vars` overrides, as `sam local invoke` applies them: `Parameters`
 * first, then the function's own entry (by logical ID or function name). Like SAM, only variables the template
 * declares are overridden; the others are returned as `ignored` so that the caller can say so.
 */
export function applyEnvVarsOverrides(fn: Pick<FunctionConfig, 'logicalId' | 'functionName' | 'variables'>, overrides: EnvVarsFile | undefined): {variables: Record<string, string>; ignored: string[]} {
  const variables = {...fn.variables}
  if (!overrides) return {variables, ignored: []}
  const own = overrides[fn.logicalId] ?? overrides[fn.functionName] ?? {}
  const merged = {...(overrides.Parameters ?? {}), ...own}
  const ignored: string[] = []
  for (const [name, value] of Object.entries(merged)) {
    if (!Object.hasOwn(variables, name)) {
      if (Object.hasOwn(own, name)) ignored.push(name)
      continue
    }
    variables[name] = stringifyVariable(value)
  }
  return {variables, ignored: ignored.sort()}
}

/** A template value as Lambda stores it: text (numbers and booleans as written; what cannot be resolved, empty). */
export function stringifyVariable(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return ''
}

/**
 * The whole environment of the function's process. Pure: the host's environment is an argument.
 * Folders stand where Lambda has fixed paths: LAMBDA_TASK_ROOT, the /opt of layers, LAMBDA_RUNTIME_DIR.
 */
export function lambdaEnvironment(fn: FunctionConfig, variables: Record<string, string>, folders: EnvironmentFolders, identity: InvokeIdentity, runtimeApi: string, host: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {}
  for (const name of HOST_PASSTHROUGH) if (host[name] !== undefined) env[name] = host[name]
  const {taskRoot, optDir, runtimeDir} = folders
  env.LANG ??= 'en_US.UTF-8'
  // Lambda's PATH ends with /opt/bin; the host's PATH finds node, python3 and what a custom runtime calls.
  env.PATH = [host.PATH, join(optDir, 'bin')].filter(Boolean).join(delimiter)
  env.LD_LIBRARY_PATH = [host.LD_LIBRARY_PATH, runtimeDir, taskRoot, join(taskRoot, 'lib'), join(optDir, 'lib')].filter(Boolean).join(delimiter)
  Object.assign(env, runtimeSearchPaths(fn.runtime, folders))
  Object.assign(env, variables)
  for (const name of HOST_CREDENTIALS) {
    if (host[name] !== undefined && host[name] !== '') env[name] = host[name]
    else delete env[name]
  }
  Object.assign(env, {
    _HANDLER: fn.handler,
    AWS_REGION: identity.region,
    AWS_DEFAULT_REGION: identity.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: identity.version ?? '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: identity.logStreamName,
    AWS_LAMBDA_RUNTIME_API: runtimeApi,
    LAMBDA_TASK_ROOT: taskRoot,
    LAMBDA_RUNTIME_DIR: runtimeDir,
    TZ: ':UTC',
  })
  // A reserved name the template set and Lambda leaves unset (_X_AMZN_TRACE_ID, AWS_ACCESS_KEY) is dropped.
  delete env._X_AMZN_TRACE_ID
  delete env.AWS_ACCESS_KEY
  return env
}

/** NODE_PATH and PYTHONPATH with the layer folders, in the order Lambda's runtimes search them. */
function runtimeSearchPaths(runtime: string, {taskRoot, optDir, runtimeDir}: EnvironmentFolders): Record<string, string> {
  const node = /^nodejs(\d+)/.exec(runtime)
  if (node) {
    return {NODE_PATH: [join(optDir, 'nodejs', `node${node[1]}`, 'node_modules'), join(optDir, 'nodejs', 'node_modules'), join(runtimeDir, 'node_modules'), runtimeDir, taskRoot].join(delimiter)}
  }
  const python = /^python(\d+\.\d+)/.exec(runtime)
  if (python) {
    return {
      PYTHONPATH: [taskRoot, join(optDir, 'python', 'lib', `python${python[1]}`, 'site-packages'), join(optDir, 'python'), runtimeDir].join(delimiter),
      // Lambda's /var/task is read-only, so Python writes no __pycache__ there; nor does it into the unpacked folder.
      PYTHONDONTWRITEBYTECODE: '1',
    }
  }
  return {}
}
