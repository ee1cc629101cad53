/**
 * CodeDeploy as lpack follows a Lambda deployment CloudFormation started (the `codedeploy` traffic engine):
 * the deployment's status and error, and per target function its weight and lifecycle hook executions. lpack's
 * own types, never SDK shapes.
 */
import type {CodeDeployClient} from '@aws-sdk/client-codedeploy'

import {awsError} from './errors.js'

export interface CodeDeployDeployment {
  id: string
  /** Created | Queued | InProgress | Baking | Succeeded | Failed | Stopped | Ready */
  status: string
  deploymentConfigName?: string
  errorCode?: string
  errorMessage?: string
  /** Set when CodeDeploy rolled this deployment back (its message says why). */
  rollbackMessage?: string
  rollbackDeploymentId?: string
  createTime?: Date
  completeTime?: Date
}

export interface LifecycleEventState {
  /** BeforeAllowTraffic | AllowTraffic | AfterAllowTraffic */
  name: string
  /** Pending | InProgress | Succeeded | Failed | Skipped | Unknown */
  status: string
  message?: string
  startTime?: Date
  endTime?: Date
}

export interface LambdaTargetState {
  targetId: string
  status: string
  functionName?: string
  alias?: string
  currentVersion?: string
  targetVersion?: string
  /** Share of the alias's traffic on targetVersion, 0–1. */
  targetVersionWeight?: number
  events: LifecycleEventState[]
}

export interface CodeDeployOperations {
  /** Deployments of the group created at or after `since`, newest first as CodeDeploy lists them. */
  listDeployments(applicationName: string, deploymentGroupName: string, since: Date): Promise<string[]>
  getDeployment(deploymentId: string): Promise<CodeDeployDeployment>
  lambdaTargets(deploymentId: string): Promise<LambdaTargetState[]>
}

export function codeDeployOperations(client: () => Promise<CodeDeployClient>): CodeDeployOperations {
  const sdk = () => import('@aws-sdk/client-codedeploy')
  return {
    async listDeployments(applicationName, deploymentGroupName, since) {
      const {ListDeploymentsCommand} = await sdk()
      const ids: string[] = []
      let nextToken: string | undefined
      try {
        do {
          const page = await (await client()).send(new ListDeploymentsCommand({applicationName, deploymentGroupName, createTimeRange: {start: since}, nextToken}))
          ids.push(...(page.deployments ?? []))
          nextToken = page.nextToken
        } while (nextToken)
      } catch (error) {
        throw awsError(error, `Listing CodeDeploy deployments of ${applicationName}/${deploymentGroupName}`)
      }
      return ids
    },
    async getDeployment(deploymentId) {
      const {GetDeploymentCommand} = await sdk()
      try {
        const info = (await (await client()).send(new GetDeploymentCommand({deploymentId}))).deploymentInfo ?? {}
        return {
          id: info.deploymentId ?? deploymentId,
          status: info.status ?? 'Unknown',
          ...(info.deploymentConfigName ? {deploymentConfigName: info.deploymentConfigName} : {}),
          ...(info.errorInformation?.code ? {errorCode: info.errorInformation.code} : {}),
          ...(info.errorInformation?.message ? {errorMessage: info.errorInformation.message} : {}),
          ...(info.rollbackInfo?.rollbackMessage ? {rollbackMessage: info.rollbackInfo.rollbackMessage} : {}),
          ...(info.rollbackInfo?.rollbackDeploymentId ? {rollbackDeploymentId: info.rollbackInfo.rollbackDeploymentId} : {}),
          ...(info.createTime ? {createTime: info.createTime} : {}),
          ...(info.completeTime ? {completeTime: info.completeTime} : {}),
        }
      } catch (error) {
        throw awsError(error, `Reading CodeDeploy deployment ${deploymentId}`)
      }
    },
    async lambdaTargets(deploymentId) {
      const {ListDeploymentTargetsCommand, GetDeploymentTargetCommand} = await sdk()
      try {
        const ids: string[] = []
        let nextToken: string | undefined
        do {
          const page = await (await client()).send(new ListDeploymentTargetsCommand({deploymentId, nextToken}))
          ids.push(...(page.targetIds ?? []))
          nextToken = page.nextToken
        } while (nextToken)
        const targets: LambdaTargetState[] = []
        for (const targetId of ids.sort()) {
          const target = (await (await client()).send(new GetDeploymentTargetCommand({deploymentId, targetId}))).deploymentTarget?.lambdaTarget
          if (target === undefined) continue
          const info = target.lambdaFunctionInfo ?? {}
          targets.push({
            targetId,
            status: target.status ?? 'Unknown',
            ...(info.functionName ? {functionName: info.functionName} : {}),
            ...(info.functionAlias ? {alias: info.functionAlias} : {}),
            ...(info.currentVersion ? {currentVersion: info.currentVersion} : {}),
            ...(info.targetVersion ? {targetVersion: info.targetVersion} : {}),
            ...(info.targetVersionWeight === undefined ? {} : {targetVersionWeight: info.targetVersionWeight}),
            events: (target.lifecycleEvents ?? []).map((event) => ({
              name: event.lifecycleEventName ?? '',
              status: event.status ?? 'Unknown',
              ...(event.diagnostics?.message ? {message: event.diagnostics.message} : {}),
              ...(event.startTime ? {startTime: event.startTime} : {}),
              ...(event.endTime ? {endTime: event.endTime} : {}),
            })),
          })
        }
        return targets
      } catch (error) {
        throw awsError(error, `Reading the targets of CodeDeploy deployment ${deploymentId}`)
      }
    },
  }
}
