import {watch, type FSWatcher} from 'node:fs'
import {dirname, relative, resolve, sep} from 'node:path'

import {AwsSession} from '../../aws/clients.js'
import type {Reporter} from '../events.js'
import {AwsFailureSink} from './aws-sink.js'
import type {EnvVarsFile} from './environment.js'
import {startLambdaApi} from './lambda-api.js'
import {InvokeService, RecordingFailureSink, type FailureSink} from './service.js'
import {TemplateFunctionSource} from './template-source.js'

export interface StartLambdaOptions {
  templateFile: string
  buildDir?: string
  port?: number
  parameters?: Record<string, string>
  envVars?: EnvVarsFile
  region?: string
  /** A local AWS endpoint: destinations and dead-letter queues that are SQS queues or SNS topics get their messages there. */
  endpointUrl?: string
  /** Rebuild when a file under the template's folder changes. */
  watch?: boolean
  hostEnv?: NodeJS.ProcessEnv
  reporter: Reporter
  signal?: AbortSignal
}

export interface RunningLambdaEndpoint {
  endpoint: string
  port: number
  functions: string[]
  service: InvokeService
  source: TemplateFunctionSource
  /** Stops the server, the watcher and every execution environment. */
  close(): Promise<void>
}

/** Builds the template's functions, then serves Lambda's Invoke API for them on 127.0.0.1. */
export async function startLambdaEndpoint(options: StartLambdaOptions): Promise<RunningLambdaEndpoint> {
  const hostEnv = options.hostEnv ?? process.env
  const source = new TemplateFunctionSource({templateFile: options.templateFile, buildDir: options.buildDir, parameters: options.parameters, envVars: options.envVars, region: options.region, hostEnv, reporter: options.reporter})
  await source.build(options.signal)
  const functions = await source.functionIds()
  const region = options.region ?? hostEnv.AWS_REGION ?? hostEnv.AWS_DEFAULT_REGION ?? 'us-east-1'
  const endpointUrl = options.endpointUrl ?? hostEnv.AWS_ENDPOINT_URL_SQS ?? hostEnv.AWS_ENDPOINT_URL
  const recorded = new RecordingFailureSink(options.reporter)
  const failureSink: FailureSink = endpointUrl ? new AwsFailureSink(new AwsSession({region, endpointUrl}), recorded) : recorded
  const service = new InvokeService({source, failureSink, reporter: options.reporter, hostEnv, defaultRegion: region})
  let api
  try {
    api = await startLambdaApi({service, port: options.port ?? 3001})
  } catch (error) {
    await service.close()
    throw error
  }
  const watcher = options.watch ? watchSources(options.templateFile, options.buildDir, source, options.reporter) : undefined
  return {
    endpoint: api.endpoint,
    port: api.port,
    functions,
    service,
    source,
    close: async () => {
      watcher?.close()
      await api.close()
      await service.close()
    },
  }
}

/**
 * Rebuilds after a change under the template's folder (not the build's own output), a moment after the last
 * change, one build at a time. The build's cache rebuilds only what changed; the next invoke of a changed function
 * starts a new environment from the new code.
 */
function watchSources(templateFile: string, buildDir: string | undefined, source: TemplateFunctionSource, reporter: Reporter): FSWatcher {
  const root = dirname(resolve(templateFile))
  const output = resolve(buildDir ?? resolve(root, '.lpack'))
  let timer: NodeJS.Timeout | undefined
  let building = false
  let again = false
  const rebuild = async () => {
    if (building) {
      again = true
      return
    }
    building = true
    try {
      await source.build()
      reporter.emit({kind: 'start-lambda.rebuilt', data: {templateFile}})
    } catch (error) {
      reporter.emit({kind: 'start-lambda.rebuild-failed', data: {templateFile, error: (error as Error).message}})
    } finally {
      building = false
      if (again) {
        again = false
        void rebuild()
      }
    }
  }
  return watch(root, {recursive: true}, (_event, file) => {
    if (file === null) return
    const path = resolve(root, file.toString())
    if (path === output || path.startsWith(output + sep) || relative(root, path).split(sep).some((part) => part === 'node_modules' || part === '.git' || part === '.lpack')) return
    clearTimeout(timer)
    timer = setTimeout(() => void rebuild(), 300)
  })
}
