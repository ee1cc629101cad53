import {mkdir, mkdtemp, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

import type {FunctionConfig} from '../../src/core/invoke/environment.js'
import {ExecutionEnvironment} from '../../src/core/invoke/execution-environment.js'
import {RecordingReporter} from '../../src/io/reporter.js'

/** Writes files (path → text; a leading `0755 ` marks an executable) into a new temporary task root. */
export async function taskRoot(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'lpack-invoke-'))
  await mkdir(join(root, 'task'))
  await mkdir(join(root, 'opt'))
  for (const [path, text] of Object.entries(files)) {
    const executable = text.startsWith('0755 ')
    await mkdir(dirname(join(root, path)), {recursive: true})
    await writeFile(join(root, path), executable ? text.slice(5) : text, {mode: executable ? 0o755 : 0o644})
  }
  return root
}

/** An execution environment for the function in `root/task` (layers in `root/opt`), recording its log events. */
export function environment(root: string, fn: Partial<FunctionConfig> & Pick<FunctionConfig, 'runtime' | 'handler'>, options: {variables?: Record<string, string>; hostEnv?: NodeJS.ProcessEnv} = {}) {
  const reporter = new RecordingReporter()
  const config: FunctionConfig = {logicalId: 'Fn', functionName: 'Fn', memoryMb: 128, timeoutSeconds: 3, architecture: 'x86_64', variables: {}, ...fn}
  const env = new ExecutionEnvironment({
    fn: config,
    folders: {taskRoot: join(root, 'task'), optDir: join(root, 'opt')},
    variables: options.variables ?? config.variables,
    identity: {region: 'eu-west-1', accountId: '123456789012', logStreamName: '2026/12/03/[$LATEST]0123456789abcdef0123456789abcdef'},
    hostEnv: options.hostEnv ?? {PATH: process.env.PATH},
    reporter,
  })
  return {env, reporter}
}

export const event = (value: unknown) => ({payload: Buffer.from(JSON.stringify(value))})
