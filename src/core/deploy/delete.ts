import type {AwsAccess} from '../../aws/clients.js'
import {LpackError} from '../../errors.js'
import type {Reporter} from '../events.js'
import {type S3Location} from './artifacts.js'
import {artifactScopes, DEFAULT_ROLLBACK_BUFFER_DAYS, type GcDecision, planGcNow, templateLocations} from './gc.js'
import {collectFailures, newestEventId, watchStack} from './stack.js'

export {codeLocationsIn, type S3Location} from './artifacts.js'

export interface DeleteOptions {
  stackName: string
  /**
   * Also collect the S3 objects the stack's template points its code at, as `lpack gc` would: only lpack's own
   * objects in lpack's bucket/prefix, that no other stack uses, older than the rollback buffer.
   */
  deleteArtifacts: boolean
  /** The artifacts bucket and prefix deploy was given (the managed bucket counts as lpack's in any case). */
  bucket?: string
  prefix?: string
  /** Default 1: artifacts uploaded less than a day ago are kept. */
  rollbackBufferDays?: number
  pollIntervalMs: number
  timeoutMs: number
  aws: AwsAccess
  reporter: Reporter
  signal?: AbortSignal
  confirm?: (stackName: string) => Promise<boolean>
}

export interface KeptArtifact extends S3Location {
  reason: string
}

export type DeleteResult =
  | {kind: 'deleted'; stackName: string; stackId: string; deletedArtifacts: S3Location[]; keptArtifacts: KeptArtifact[]}
  | {kind: 'not-found'; stackName: string}

/** `lpack delete`: deletes the stack, waits for it, then (when asked) collects the code objects it used. */
export async function deleteStack(options: DeleteOptions): Promise<DeleteResult> {
  const {stackName, reporter} = options
  const cfn = options.aws.cloudFormationOperations()
  const stack = await cfn.describeStack(stackName)
  if (stack === undefined) {
    reporter.emit({kind: 'delete.not-found', data: {stackName}})
    return {kind: 'not-found', stackName}
  }
  if (stack.terminationProtection) {
    throw new LpackError('DEPLOY_FAILED', `Stack ${stackName} has termination protection enabled`, {
      hint: `Turn it off first: aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name ${stackName}`,
    })
  }
  const stackId = stack.stackId
  let artifacts: S3Location[] = []
  let scopes: ReturnType<typeof artifactScopes> = []
  if (options.deleteArtifacts) {
    artifacts = await templateLocations(cfn, {stackName: stackId})
    scopes = artifactScopes({accountId: await options.aws.accountId(), region: options.aws.region, bucket: options.bucket, prefix: options.prefix})
    // Listed before the question: what would go if the stack were gone now.
    const preview = await planGcNow(options.aws, artifacts, {scopes, rollbackBufferDays: options.rollbackBufferDays ?? DEFAULT_ROLLBACK_BUFFER_DAYS, exceptStackId: stackId})
    reportDecisions(preview, reporter, {preview: true})
  }
  if (options.confirm !== undefined && !(await options.confirm(stackName))) {
    throw new LpackError('DECLINED', `Deletion of stack ${stackName} declined`)
  }
  const sinceEventId = await newestEventId(cfn, stackId)
  await cfn.deleteStack({stackName, stackId})
  const watched = await watchStack(cfn, {stackName, stackId, sinceEventId, resumeWith: `\`lpack delete --stack-name ${stackName}\``, pollIntervalMs: options.pollIntervalMs, reporter, signal: options.signal, timeoutMs: options.timeoutMs})
  if (watched.status !== 'DELETE_COMPLETE') {
    const failures = collectFailures(watched.events, stackName)
    throw new LpackError('DEPLOY_FAILED', [`Deleting stack ${stackName} failed: ${watched.status}`, ...failures.map((f) => `  ${f.logicalId} (${f.type}): ${f.reason}`)].join('\n'), {
      details: {stackName, status: watched.status, failures},
    })
  }
  reporter.emit({kind: 'delete.done', data: {stackName}})
  if (artifacts.length === 0) return {kind: 'deleted', stackName, stackId, deletedArtifacts: [], keptArtifacts: []}
  // Decided again now that the stack is gone: another stack may have started using an object meanwhile.
  const decisions = await planGcNow(options.aws, artifacts, {scopes, rollbackBufferDays: options.rollbackBufferDays ?? DEFAULT_ROLLBACK_BUFFER_DAYS})
  return {kind: 'deleted', stackName, stackId, ...(await applyGc(options.aws, decisions, reporter))}
}

/** Reports each decision; `preview` when this list deletes nothing itself (--dry-run, or before the stack goes). */
export function reportDecisions(decisions: readonly GcDecision[], reporter: Reporter, options: {preview: boolean}): void {
  for (const decision of decisions) reporter.emit({kind: 'gc.plan', data: {...decision, preview: options.preview}})
}

/** Deletes what the plan says to delete; returns what was deleted and what was kept, with why. */
export async function applyGc(aws: AwsAccess, decisions: readonly GcDecision[], reporter: Reporter): Promise<{deletedArtifacts: S3Location[]; keptArtifacts: KeptArtifact[]}> {
  const deletedArtifacts: S3Location[] = []
  const keptArtifacts: KeptArtifact[] = []
  const owner = decisions.some((d) => d.action === 'delete') ? await aws.accountId() : ''
  for (const decision of decisions) {
    if (decision.action === 'keep') {
      keptArtifacts.push({bucket: decision.bucket, key: decision.key, reason: decision.detail})
      continue
    }
    const location = {bucket: decision.bucket, key: decision.key}
    await aws.artifactStore().deleteObjectVersions(location, owner)
    deletedArtifacts.push(location)
    reporter.emit({kind: 'delete.artifact', data: location})
  }
  return {deletedArtifacts, keptArtifacts}
}
