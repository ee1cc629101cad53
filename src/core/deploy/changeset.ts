import type {Change, CloudFormationClient, CreateChangeSetCommandInput} from '@aws-sdk/client-cloudformation'

import {awsError, awsErrorName} from '../../aws/errors.js'
import {LpackError} from '../../errors.js'
import type {Reporter} from '../events.js'
import {isEmptyChangeSetReason} from './plan.js'

export type ChangeSetOutcome =
  | {kind: 'ready'; changeSetId: string; stackId: string; changes: Change[]}
  | {kind: 'empty'; changeSetId: string; stackId: string; reason: string}
  | {kind: 'refused-empty'; reason: string}

/** Creates a change set and waits (polling ≤ 2 s) until CloudFormation has computed it. */
export async function createChangeSet(
  cf: CloudFormationClient,
  input: CreateChangeSetCommandInput,
  options: {pollIntervalMs: number; timeoutMs: number; signal?: AbortSignal},
): Promise<ChangeSetOutcome> {
  const sdk = await import('@aws-sdk/client-cloudformation')
  let created
  try {
    created = await cf.send(new sdk.CreateChangeSetCommand(input))
  } catch (error) {
    // Some endpoints refuse an empty update outright instead of creating a FAILED change set.
    if (isEmptyChangeSetReason((error as Error).message)) return {kind: 'refused-empty', reason: (error as Error).message}
    throw awsError(error, `Creating a change set for stack ${input.StackName}`, 'DEPLOY_FAILED')
  }
  const changeSetId = created.Id!
  const stackId = created.StackId ?? input.StackName!
  const started = Date.now()
  for (;;) {
    // Ctrl-C while CloudFormation computes the change set: it is deleted, so nothing is left that could run.
    if (options.signal?.aborted) {
      await deleteChangeSet(cf, changeSetId)
      throw new LpackError('INTERRUPTED', `Interrupted before executing change set ${changeSetId}, which was deleted; stack ${input.StackName} was not changed`, {
        hint: 'Run the same `lpack deploy` again.',
        details: {stackName: input.StackName, changeSetId},
      })
    }
    let described
    try {
      described = await describeAllChanges(cf, changeSetId)
    } catch (error) {
      throw awsError(error, `Describing change set ${changeSetId}`, 'DEPLOY_FAILED')
    }
    const status = described.status
    if (status === 'CREATE_COMPLETE') {
      if (described.changes.length === 0) return {kind: 'empty', changeSetId, stackId, reason: 'The change set has no changes'}
      return {kind: 'ready', changeSetId, stackId, changes: described.changes}
    }
    if (status === 'FAILED') {
      if (isEmptyChangeSetReason(described.reason)) return {kind: 'empty', changeSetId, stackId, reason: described.reason!}
      throw new LpackError('DEPLOY_FAILED', `CloudFormation could not create the change set for stack ${input.StackName}: ${described.reason ?? 'no reason given'}`, {
        hint: 'Fix the template or parameters named in the reason and deploy again.',
        details: {stackName: input.StackName, changeSetId, reason: described.reason},
      })
    }
    if (Date.now() - started > options.timeoutMs) {
      throw new LpackError('DEPLOY_FAILED', `Change set ${changeSetId} is still ${status} after ${Math.round(options.timeoutMs / 1000)} s`)
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(options.pollIntervalMs, 2000)))
  }
}

async function describeAllChanges(cf: CloudFormationClient, changeSetId: string): Promise<{status?: string; reason?: string; changes: Change[]}> {
  const {DescribeChangeSetCommand} = await import('@aws-sdk/client-cloudformation')
  const changes: Change[] = []
  let nextToken: string | undefined
  let status: string | undefined
  let reason: string | undefined
  do {
    const page = await cf.send(new DescribeChangeSetCommand({ChangeSetName: changeSetId, NextToken: nextToken}))
    status = page.Status
    reason = page.StatusReason
    changes.push(...(page.Changes ?? []))
    nextToken = status === 'CREATE_COMPLETE' ? page.NextToken : undefined
  } while (nextToken)
  return {status, reason, changes}
}

export async function deleteChangeSet(cf: CloudFormationClient, changeSetId: string): Promise<void> {
  const {DeleteChangeSetCommand} = await import('@aws-sdk/client-cloudformation')
  try {
    await cf.send(new DeleteChangeSetCommand({ChangeSetName: changeSetId}))
  } catch (error) {
    throw awsError(error, `Deleting change set ${changeSetId}`)
  }
}

/** ExecutionStatus values of a change set CloudFormation has started (or finished) executing. */
const EXECUTED_STATUSES = new Set(['EXECUTE_IN_PROGRESS', 'EXECUTE_COMPLETE', 'EXECUTE_FAILED'])

/**
 * Executes the change set. When the call fails, CloudFormation may still have acted on it: a response lost
 * on the way back makes the SDK retry, and the retry is refused ("cannot be executed in its current
 * execution status"). So a failure is checked against the change set itself; one that is executing or
 * executed was started by this call, and the deploy carries on following the stack.
 */
export async function executeChangeSet(
  cf: CloudFormationClient,
  changeSetId: string,
  options: {disableRollback?: boolean; reporter: Reporter},
): Promise<void> {
  const {ExecuteChangeSetCommand} = await import('@aws-sdk/client-cloudformation')
  try {
    await cf.send(new ExecuteChangeSetCommand({ChangeSetName: changeSetId, ...(options.disableRollback ? {DisableRollback: true} : {})}))
  } catch (error) {
    const executionStatus = await executionStatusOf(cf, changeSetId)
    if (executionStatus === undefined || !EXECUTED_STATUSES.has(executionStatus)) {
      throw awsError(error, `Executing change set ${changeSetId}`, 'DEPLOY_FAILED')
    }
    options.reporter.emit({kind: 'deploy.execute.recovered', data: {changeSetId, executionStatus, awsErrorCode: awsErrorName(error)}})
  }
}

/** The change set's ExecutionStatus, or undefined when it cannot be read. */
async function executionStatusOf(cf: CloudFormationClient, changeSetId: string): Promise<string | undefined> {
  const {DescribeChangeSetCommand} = await import('@aws-sdk/client-cloudformation')
  try {
    return (await cf.send(new DescribeChangeSetCommand({ChangeSetName: changeSetId}))).ExecutionStatus
  } catch {
    return undefined
  }
}
