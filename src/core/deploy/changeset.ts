import type {ChangeSetRequest, CloudFormationOperations, ResourceChange} from '../../aws/cloudformation.js'
import {awsErrorName, serviceMessage} from '../../aws/errors.js'
import {LpackError} from '../../errors.js'
import type {Reporter} from '../events.js'
import {isEmptyChangeSetReason} from './plan.js'

export type ChangeSetOutcome =
  | {kind: 'ready'; changeSetId: string; stackId: string; changes: ResourceChange[]}
  | {kind: 'empty'; changeSetId: string; stackId: string; reason: string}
  | {kind: 'refused-empty'; reason: string}

/** Creates a change set and waits (polling ≤ 2 s) until CloudFormation has computed it. */
export async function createChangeSet(
  cfn: CloudFormationOperations,
  input: ChangeSetRequest,
  options: {pollIntervalMs: number; timeoutMs: number; signal?: AbortSignal},
): Promise<ChangeSetOutcome> {
  let created
  try {
    created = await cfn.createChangeSet(input)
  } catch (error) {
    // Some endpoints refuse an empty update outright instead of creating a FAILED change set.
    if (isEmptyChangeSetReason(serviceMessage(error))) return {kind: 'refused-empty', reason: serviceMessage(error)}
    throw error
  }
  const {changeSetId, stackId} = created
  const started = Date.now()
  for (;;) {
    // Ctrl-C while CloudFormation computes the change set: it is deleted, so nothing is left that could run.
    if (options.signal?.aborted) {
      await cfn.deleteChangeSet(changeSetId)
      throw new LpackError('INTERRUPTED', `Interrupted before executing change set ${changeSetId}, which was deleted; stack ${input.stackName} was not changed`, {
        hint: 'Run the same `lpack deploy` again.',
        details: {stackName: input.stackName, changeSetId},
      })
    }
    const described = await cfn.describeChangeSet(changeSetId)
    const status = described.status
    if (status === 'CREATE_COMPLETE') {
      if (described.changes.length === 0) return {kind: 'empty', changeSetId, stackId, reason: 'The change set has no changes'}
      return {kind: 'ready', changeSetId, stackId, changes: described.changes}
    }
    if (status === 'FAILED') {
      if (isEmptyChangeSetReason(described.reason)) return {kind: 'empty', changeSetId, stackId, reason: described.reason!}
      throw new LpackError('DEPLOY_FAILED', `CloudFormation could not create the change set for stack ${input.stackName}: ${described.reason ?? 'no reason given'}`, {
        hint: 'Fix the template or parameters named in the reason and deploy again.',
        details: {stackName: input.stackName, changeSetId, reason: described.reason},
      })
    }
    if (Date.now() - started > options.timeoutMs) {
      throw new LpackError('DEPLOY_FAILED', `Change set ${changeSetId} is still ${status} after ${Math.round(options.timeoutMs / 1000)} s`)
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(options.pollIntervalMs, 2000)))
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
  cfn: CloudFormationOperations,
  changeSetId: string,
  options: {disableRollback?: boolean; reporter: Reporter},
): Promise<void> {
  try {
    await cfn.executeChangeSet(changeSetId, {disableRollback: options.disableRollback})
  } catch (error) {
    const executionStatus = await executionStatusOf(cfn, changeSetId)
    if (executionStatus === undefined || !EXECUTED_STATUSES.has(executionStatus)) throw error
    options.reporter.emit({kind: 'deploy.execute.recovered', data: {changeSetId, executionStatus, awsErrorCode: awsErrorName(error)}})
  }
}

/** The change set's ExecutionStatus, or undefined when it cannot be read. */
async function executionStatusOf(cfn: CloudFormationOperations, changeSetId: string): Promise<string | undefined> {
  try {
    return (await cfn.describeChangeSet(changeSetId)).executionStatus
  } catch {
    // Unreadable: the execute failure stands.
    return undefined
  }
}
