import {LpackError} from '../../errors.js'

/** How an external build tool (mvn, pip, make, …) ended. */
export type ToolOutcome =
  | {kind: 'exited'; exitCode: number; stdout: string; stderr: string}
  /** The command is not installed (not on PATH). */
  | {kind: 'not-found'}

export interface RunToolOptions {
  cwd: string
  /** Added to (and overriding) the inherited environment. */
  env?: Record<string, string | undefined>
  signal?: AbortSignal
}

/** Output kept per stream: enough for any error message, bounded for chatty tools. */
const MAX_OUTPUT_CHARS = 256 * 1024

/**
 * Runs a build tool to completion without a shell (arguments are passed as given), collecting its output. A
 * missing command is an outcome, not an exception, so each builder can say which tool to install.
 */
export async function runTool(command: string, args: readonly string[], options: RunToolOptions): Promise<ToolOutcome> {
  // Loaded at the first tool run: a build that runs no tool (a no-op build) does not pay for child_process.
  const {spawn} = await import('node:child_process')
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: {...process.env, ...options.env},
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: options.signal,
    })
    let stdout = ''
    let stderr = ''
    const keep = (text: string, chunk: Buffer) => (text + chunk.toString('utf8')).slice(-MAX_OUTPUT_CHARS)
    child.stdout.on('data', (chunk: Buffer) => (stdout = keep(stdout, chunk)))
    child.stderr.on('data', (chunk: Buffer) => (stderr = keep(stderr, chunk)))
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') resolve({kind: 'not-found'})
      else if (error.name === 'AbortError') reject(new LpackError('INTERRUPTED', `${command} was stopped: the build was interrupted`))
      else reject(error)
    })
    child.on('close', (code, signal) => resolve({kind: 'exited', exitCode: code ?? (signal ? 128 : 1), stdout, stderr}))
  })
}

/** The last `count` non-empty lines of a tool's output, for an error message. */
export function lastLines(text: string, count: number): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '')
    .slice(-count)
    .join('\n')
}
