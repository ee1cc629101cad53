import {execFile} from 'node:child_process'

/** Runs the AWS CLI (as a user would) against an endpoint; resolves with its exit code and output. */
export function awsCli(endpoint: string, env: NodeJS.ProcessEnv, args: readonly string[]): Promise<{exitCode: number; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    execFile('aws', ['--endpoint-url', endpoint, '--output', 'json', ...args], {env: {...process.env, ...env}, timeout: 60_000}, (error, stdout, stderr) => {
      resolve({exitCode: error ? Number((error as {code?: number}).code ?? 1) : 0, stdout, stderr})
    })
  })
}
