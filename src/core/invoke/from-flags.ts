import {readFile} from 'node:fs/promises'
import {buffer} from 'node:stream/consumers'

import {LpackError} from '../../errors.js'
import type {Reporter} from '../events.js'
import {INVOKE_SETTINGS} from '../config/command-settings/invoke.js'
import {START_LAMBDA_SETTINGS} from '../config/command-settings/start-lambda.js'
import {type GivenSettings, resolveSettings} from '../config/settings.js'
import {parseEnvVarsFile, type EnvVarsFile} from './environment.js'
import {checkEvent, invokeFunction, type InvokeResult} from './index.js'
import type {MemoryProfile} from './profile.js'
import {startLambdaEndpoint, type RunningLambdaEndpoint} from './start-lambda.js'

/** What the command line gave: the settings, and the function (an argument). */
export type InvokeGiven = GivenSettings<typeof INVOKE_SETTINGS> & {functionId: string}

/** What `lpack invoke --json` prints: the invocation, its response parsed when it is JSON. */
export interface InvokeOutput extends Omit<InvokeResult, 'payload'> {
  payload: unknown
}

/** `lpack invoke --profile-memory N`: invokes N times with the event and profiles memory and durations. */
export async function profileFromFlags(given: InvokeGiven, io: {reporter: Reporter; stdin?: NodeJS.ReadableStream}): Promise<MemoryProfile> {
  const settings = await resolveSettings('invoke', INVOKE_SETTINGS, given, io.reporter)
  const event = settings.event === undefined ? Buffer.from('{}') : settings.event === '-' ? await buffer(io.stdin ?? process.stdin) : await readInput(settings.event, 'event')
  const envVars = settings.envVars === undefined ? undefined : await readEnvVars(settings.envVars)
  const {profileFunction} = await import('./profile.js')
  return profileFunction({
    templateFile: settings.templateFile ?? 'template.yaml',
    buildDir: settings.buildDir,
    functionId: given.functionId,
    event: checkEvent(event),
    count: settings.profileMemory ?? 1,
    envVars,
    parameters: settings.parameterOverrides ?? {},
    region: settings.region,
    reporter: io.reporter,
  })
}

/**
 * `lpack invoke` from its flags: reads the event and the --env-vars file, then invokes once. A response-streaming
 * function's bytes reach `onResponseChunk` as it writes them.
 */
export async function invokeFromFlags(given: InvokeGiven, io: {reporter: Reporter; stdin?: NodeJS.ReadableStream; onResponseChunk?: (chunk: Buffer) => void}): Promise<InvokeResult> {
  const settings = await resolveSettings('invoke', INVOKE_SETTINGS, given, io.reporter)
  const event = settings.event === undefined ? Buffer.from('{}') : settings.event === '-' ? await buffer(io.stdin ?? process.stdin) : await readInput(settings.event, 'event')
  const envVars = settings.envVars === undefined ? undefined : await readEnvVars(settings.envVars)
  return invokeFunction({
    templateFile: settings.templateFile ?? 'template.yaml',
    buildDir: settings.buildDir,
    functionId: given.functionId,
    event,
    envVars,
    parameters: settings.parameterOverrides ?? {},
    region: settings.region,
    reporter: io.reporter,
    ...(io.onResponseChunk ? {onResponseChunk: io.onResponseChunk} : {}),
  })
}

export type StartLambdaGiven = GivenSettings<typeof START_LAMBDA_SETTINGS>

/** `lpack local start-lambda` from its flags: builds, then serves the Invoke API until close(). */
export async function startLambdaFromFlags(given: StartLambdaGiven, io: {reporter: Reporter; signal?: AbortSignal}): Promise<RunningLambdaEndpoint> {
  const flags = await resolveSettings('local start-lambda', START_LAMBDA_SETTINGS, given, io.reporter)
  const envVars = flags.envVars === undefined ? undefined : await readEnvVars(flags.envVars)
  return startLambdaEndpoint({
    templateFile: flags.templateFile ?? 'template.yaml',
    buildDir: flags.buildDir,
    port: flags.port,
    envVars,
    parameters: flags.parameterOverrides ?? {},
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
