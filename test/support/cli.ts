import {execFile, spawn} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const LPACK_BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

/** Runs a program (a build tool, a built handler) and resolves with its output; rejects on a non-zero exit. */
export const run = promisify(execFile)

export interface CliResult {
  exitCode: number
  stdout: string
  stderr: string
}

export interface CliOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  input?: string
  timeoutMs?: number
  /** Sees stderr as it arrives, for a test that must act while the command is still running. */
  onStderr?: (chunk: string) => void
}

/** Runs the built CLI (`bin/run.js`, compiled by `npm run build`) as a user would, in a child process. */
export function runLpack(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LPACK_BIN, ...args], {
      cwd: options.cwd ?? PROJECT_ROOT,
      env: {...process.env, CI: 'true', NO_COLOR: '1', ...options.env},
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => {
      stderr += chunk
      options.onStderr?.(String(chunk))
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({exitCode: code ?? (signal ? 128 : 1), stdout, stderr})
    })
    child.stdin.end(options.input ?? '')
  })
}
