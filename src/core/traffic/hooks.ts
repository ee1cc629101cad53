/**
 * PreTraffic / PostTraffic hooks for lpack's engine.
 *
 * Lambda hooks are invoked synchronously with the event CodeDeploy would send ({DeploymentId,
 * LifecycleEventHookExecutionId}); they fail by throwing (a function error) or by returning {"status": "Failed"}.
 * A hook that reports through codedeploy:PutLifecycleEventHookExecutionStatus instead of its return value needs
 * `--traffic-engine codedeploy`: under lpack's engine there is no CodeDeploy deployment to report to, so that call
 * fails inside the hook and the hook fails.
 *
 * Command hooks run through the shell with the release in their environment; exit 0 passes, anything else (or
 * the timeout) fails.
 */
import {spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'

import type {LambdaOperations} from '../../aws/lambda.js'
import type {AliasRelease, HookPhase, ReleasePlan, TrafficHook} from './types.js'

export const DEFAULT_HOOK_TIMEOUT_MS = 5 * 60_000

export interface HookResult {
  passed: boolean
  /** Why it failed, or a short note of what passed. */
  detail: string
}

export interface HookContext {
  plan: ReleasePlan
  alias: AliasRelease
  phase: HookPhase
  lambda: LambdaOperations
  timeoutMs: number
  signal: AbortSignal
}

export function describeHook(hook: TrafficHook): string {
  return hook.kind === 'lambda' ? `Lambda ${hook.functionName}` : `command ${JSON.stringify(hook.command)}`
}

export async function runHook(hook: TrafficHook, context: HookContext): Promise<HookResult> {
  return hook.kind === 'lambda' ? runLambdaHook(hook.functionName, context) : runCommandHook(hook.command, context)
}

/** CodeDeploy's deployment ids: `d-` and nine upper-case letters or digits. */
export function codeDeployStyleIds(): {DeploymentId: string; LifecycleEventHookExecutionId: string} {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
  const bytes = randomBytes(9)
  const deploymentId = 'd-' + [...bytes].map((byte) => alphabet[byte % alphabet.length]).join('')
  // CodeDeploy's execution ids are opaque base64 tokens of this length.
  const executionId = randomBytes(96).toString('base64')
  return {DeploymentId: deploymentId, LifecycleEventHookExecutionId: executionId}
}

async function runLambdaHook(functionName: string, context: HookContext): Promise<HookResult> {
  const event = codeDeployStyleIds()
  const outcome = await context.lambda.invoke(functionName, JSON.stringify(event))
  if (outcome.functionError) return {passed: false, detail: `${functionName} failed (${outcome.functionError}): ${truncate(outcome.payload)}`}
  if (outcome.statusCode >= 300) return {passed: false, detail: `${functionName} answered status ${outcome.statusCode}`}
  if (statusOf(outcome.payload) === 'failed') return {passed: false, detail: `${functionName} returned status Failed: ${truncate(outcome.payload)}`}
  return {passed: true, detail: `${functionName} passed (DeploymentId ${event.DeploymentId})`}
}

function statusOf(payload: string): string | undefined {
  try {
    const value = JSON.parse(payload) as unknown
    if (value !== null && typeof value === 'object' && 'status' in value && typeof value.status === 'string') return value.status.toLowerCase()
  } catch {
    // A payload that is not JSON says nothing about the status.
  }
  return undefined
}

/** The environment a command hook sees. */
export function hookEnvironment(plan: ReleasePlan, alias: AliasRelease, phase: HookPhase): Record<string, string> {
  return {
    LPACK_HOOK: phase,
    LPACK_STACK_NAME: plan.stackName,
    LPACK_RELEASE_ID: plan.releaseId,
    LPACK_FUNCTION: alias.logicalId,
    LPACK_FUNCTION_NAME: alias.functionName,
    LPACK_ALIAS: alias.alias,
    LPACK_ALIAS_ARN: alias.aliasArn,
    LPACK_OLD_VERSION: alias.oldVersion,
    LPACK_NEW_VERSION: alias.newVersion,
    LPACK_REGION: plan.region,
    ...(plan.endpointUrl === undefined ? {} : {LPACK_ENDPOINT_URL: plan.endpointUrl}),
  }
}

function runCommandHook(command: string, context: HookContext): Promise<HookResult> {
  return new Promise((resolve) => {
    const child = spawn(command, {shell: true, stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, ...hookEnvironment(context.plan, context.alias, context.phase)}, detached: process.platform !== 'win32'})
    let output = ''
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000))
    child.stdout!.on('data', keep)
    child.stderr!.on('data', keep)
    let stopped: string | undefined
    const stop = (why: string) => {
      stopped ??= why
      // The hook runs under a shell: end its whole process group, not just the shell.
      try {
        if (child.pid !== undefined) process.kill(process.platform === 'win32' ? child.pid : -child.pid, 'SIGKILL')
      } catch {
        child.kill('SIGKILL')
      }
    }
    const timer = setTimeout(() => stop(`timed out after ${context.timeoutMs} ms`), context.timeoutMs)
    const onAbort = () => stop('stopped: the release was interrupted')
    context.signal.addEventListener('abort', onAbort, {once: true})
    const finish = (result: HookResult) => {
      clearTimeout(timer)
      context.signal.removeEventListener('abort', onAbort)
      resolve(result)
    }
    child.on('error', (error) => finish({passed: false, detail: `could not start: ${error.message}`}))
    child.on('close', (code, signal) => {
      const tail = output.trim().split('\n').slice(-5).join('\n')
      if (stopped) return finish({passed: false, detail: `${stopped}${tail ? `: ${tail}` : ''}`})
      if (code === 0) return finish({passed: true, detail: 'exit 0'})
      finish({passed: false, detail: `${code === null ? `killed by ${signal}` : `exit ${code}`}${tail ? `: ${tail}` : ''}`})
    })
  })
}

function truncate(text: string): string {
  return text.length > 300 ? text.slice(0, 300) + '…' : text
}
