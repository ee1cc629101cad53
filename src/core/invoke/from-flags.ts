import {readFile} from 'node:fs/promises'
import {buffer} from 'node:stream/consumers'

import {LpackError} from '../../errors.js'
import type {Reporter} from '../events.js'
import {parseParameterOverrides} from '../transform/run.js'
import {parseEnvVarsFile, type EnvVarsFile} from './environment.js'
import {checkEvent, invokeFunction, type InvokeResult} from './index.js'
import type {MemoryProfile} from './profile.js'
import {startLambdaEndpoint, type RunningLambdaEndpoint} from './start-lambda.js'

export interface InvokeFlags {
  functionId: string
  /** A file with the event, or `-` for stdin; no event is `{}`, as `sam local invoke` sends. */
  event?: string
  envVars?: string
  parameterOverrides?: readonly string[]
  templateFile?: string
  buildDir?: string
  region?: string
}

/** What `lpack invoke --json` prints: the invocation, its response parsed when it is JSON. */
export interface InvokeOutput extends Omit<InvokeResult, 'payload'> {
  payload: unknown
}

/** `lpack invoke --profile-memory N`: invokes N times with the event and profiles memory and durations. */
export async function profileFromFlags(flags: InvokeFlags & {count: number}, io: {reporter: Reporter; stdin?: NodeJS.ReadableStream}): Promise<MemoryProfile> {
  const event = await readEvent(flags, io)
  const envVars = flags.envVars === undefined ? undefined : await readEnvVars(flags.envVars)
  const {profileFunction} = await import('./profile.js')
  return profileFunction({
    templateFile: flags.templateFile ?? 'template.yaml',
    buildDir: flags.buildDir,
    functionId: flags.functionId,
    event: checkEvent(event),
    count: flags.count,
    envVars,
    parameters: parseParameterOverrides(flags.parameterOverrides ?? []),
    region: flags.region,
    reporter: io.reporter,
  })
}

async function readEvent(flags: InvokeFlags, io: {stdin?: NodeJS.ReadableStream}): Promise<Buffer> {
  return flags.event === undefined ? Buffer.from('{}') : flags.event === '-' ? await buffer(io.stdin ?? process.stdin) : await readInput(flags.event, 'event')
}

/** `lpack invoke` from its flags: reads the event and the --env-vars file, then invokes once. */
export async function invokeFromFlags(flags: InvokeFlags, io: {reporter: Reporter; stdin?: NodeJS.ReadableStream}): Promise<InvokeResult> {
  const event = await readEvent(flags, io)
  const envVars = flags.envVars === undefined ? undefined : await readEnvVars(flags.envVars)
  return invokeFunction({
    templateFile: flags.templateFile ?? 'template.yaml',
    buildDir: flags.buildDir,
    functionId: flags.functionId,
    event,
    envVars,
    parameters: parseParameterOverrides(flags.parameterOverrides ?? []),
    region: flags.region,
    reporter: io.reporter,
  })
}

export interface StartLambdaFlags {
  templateFile?: string
  buildDir?: string
  port?: number
  envVars?: string
  parameterOverrides?: readonly string[]
  region?: string
  endpointUrl?: string
  watch?: boolean
}

/** `lpack local start-lambda` from its flags: builds, then serves the Invoke API until close(). */
export async function startLambdaFromFlags(flags: StartLambdaFlags, io: {reporter: Reporter; signal?: AbortSignal}): Promise<RunningLambdaEndpoint> {
  const envVars = flags.envVars === undefined ? undefined : await readEnvVars(flags.envVars)
  return startLambdaEndpoint({
    templateFile: flags.templateFile ?? 'template.yaml',
    buildDir: flags.buildDir,
    port: flags.port,
    envVars,
    parameters: parseParameterOverrides(flags.parameterOverrides ?? []),
    region: flags.region,
    endpointUrl: flags.endpointUrl,
    watch: flags.watch,
    reporter: io.reporter,
    ...(io.signal ? {signal: io.signal} : {}),
  })
}

/** The --json document of an invocation: the response as JSON where it is JSON. */
export function invokeOutput(result: InvokeResult): InvokeOutput {
  let payload: unknown = result.payload
  try {
    payload = JSON.parse(result.payload)
  } catch {
    // A custom runtime may answer with text that is not JSON: it is kept as text.
  }
  return {...result, payload}
}

async function readEnvVars(file: string): Promise<EnvVarsFile> {
  const text = (await readInput(file, '--env-vars file')).toString('utf8')
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new LpackError('USAGE', `${file} is not JSON: ${(error as Error).message}`, {hint: 'Write {"MyFunction": {"TABLE": "local"}, "Parameters": {"STAGE": "dev"}}.'})
  }
  return parseEnvVarsFile(value, file)
}

async function readInput(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new LpackError('FILE_NOT_FOUND', `The ${what} ${file} does not exist`)
    throw new LpackError('FILE_UNREADABLE', `Cannot read the ${what} ${file}: ${(error as Error).message}`)
  }
}
