/**
 * The `codedeploy` engine: CloudFormation's alias update starts a CodeDeploy deployment (SAM's UpdatePolicy), and
 * lpack follows it — each weight CodeDeploy sets, each lifecycle hook and its result — and on failure reports
 * CodeDeploy's own reason and the version the alias went back to.
 */
import type {CodeDeployDeployment, CodeDeployOperations, LambdaTargetState} from '../../aws/codedeploy.js'
import type {Reporter} from '../events.js'
import type {Clock} from './clock.js'
import {emitCodeDeployHook, emitCodeDeployWeight} from './events.js'

const TERMINAL = new Set(['Succeeded', 'Failed', 'Stopped'])

export interface FollowOptions {
  codeDeploy: CodeDeployOperations
  clock: Clock
  reporter: Reporter
  pollIntervalMs: number
  /** A deployment still running after this long is left to CodeDeploy, and said so. */
  timeoutMs: number
  signal?: AbortSignal
}

export interface FollowedDeployment {
  deploymentId: string
  status: string
  /** CodeDeploy's reason for a failed or stopped deployment, with its rollback message. */
  reason?: string
  /** Each weight seen, per function: milliseconds since lpack started following. */
  steps: {atMs: number; functionName: string; percent: number}[]
  hooks: {functionName: string; event: string; status: string; message?: string}[]
  /** Where each alias stands at the end. */
  targets: LambdaTargetState[]
}

/** Polls one deployment until it ends (Succeeded, Failed, Stopped), reporting what changed at each poll. */
export async function followDeployment(deploymentId: string, options: FollowOptions): Promise<FollowedDeployment> {
  const {clock, codeDeploy, reporter} = options
  const started = clock.now()
  const weights = new Map<string, number>()
  const eventStates = new Map<string, string>()
  const followed: FollowedDeployment = {deploymentId, status: 'Unknown', steps: [], hooks: [], targets: []}
  for (;;) {
    const deployment = await codeDeploy.getDeployment(deploymentId)
    const targets = await codeDeploy.lambdaTargets(deploymentId)
    for (const target of targets) {
      const functionName = target.functionName ?? target.targetId
      if (target.targetVersionWeight !== undefined) {
        const percent = Math.round(target.targetVersionWeight * 100)
        if (weights.get(functionName) !== percent) {
          weights.set(functionName, percent)
          followed.steps.push({atMs: clock.now() - started, functionName, percent})
          emitCodeDeployWeight(reporter, deploymentId, target, percent)
        }
      }
      for (const event of target.events) {
        const key = `${functionName}/${event.name}`
        if (eventStates.get(key) === event.status) continue
        eventStates.set(key, event.status)
        if (event.status === 'Pending') continue
        if (event.status !== 'InProgress') followed.hooks.push({functionName, event: event.name, status: event.status, ...(event.message ? {message: event.message} : {})})
        emitCodeDeployHook(reporter, deploymentId, functionName, event)
      }
    }
    followed.status = deployment.status
    followed.targets = targets
    if (TERMINAL.has(deployment.status)) {
      if (deployment.status !== 'Succeeded') followed.reason = reasonOf(deployment, followed.hooks)
      return followed
    }
    if (clock.now() - started > options.timeoutMs || options.signal?.aborted) {
      followed.reason = `lpack stopped following deployment ${deploymentId} while it was ${deployment.status}; CodeDeploy carries on`
      return followed
    }
    await clock.sleep(options.pollIntervalMs, options.signal)
  }
}

/**
 * CodeDeploy's own reason and rollback message, then each lifecycle event that failed with its diagnostics: the
 * deployment's message says that a hook failed, the event's diagnostics say what the hook reported.
 */
function reasonOf(deployment: CodeDeployDeployment, hooks: FollowedDeployment['hooks']): string {
  const parts = [`CodeDeploy deployment ${deployment.id} ${deployment.status}`]
  if (deployment.errorMessage) parts.push(`${deployment.errorCode ? `${deployment.errorCode}: ` : ''}${deployment.errorMessage}`)
  if (deployment.rollbackMessage) parts.push(deployment.rollbackMessage)
  for (const hook of hooks) {
    if (hook.status !== 'Failed') continue
    const said = hook.message !== undefined && hook.message !== deployment.errorMessage ? `: ${hook.message}` : ''
    parts.push(`${hook.event} of ${hook.functionName} Failed${said}`)
  }
  return parts.join('; ')
}
