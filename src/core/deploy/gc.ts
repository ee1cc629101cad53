import type {AwsAccess} from '../../aws/clients.js'
import type {CloudFormationOperations} from '../../aws/cloudformation.js'
import type {ArtifactStore} from '../../aws/s3.js'
import type {Reporter} from '../events.js'
import {parseTemplate} from '../template/load.js'
import {managedBucketName} from '../package/managed-bucket.js'
import {codeLocationsIn, type S3Location} from './artifacts.js'

/**
 * Garbage collection of lpack's artifacts, in the spirit of `cdk gc`: an S3 object is deleted only when
 * - it is lpack's: in lpack's own bucket and prefix (the `--resolve-s3` managed bucket, or the `--s3-bucket` /
 *   `--s3-prefix` given), under a content key (`<prefix>/<sha256>.zip`) whose `x-amz-meta-sha256` — written with
 *   every lpack upload — equals the hash in its name. Objects anyone else put there, or in any other bucket, are
 *   never touched;
 * - no stack of the account and region uses it: the current template of every stack that is not deleted (stacks
 *   in progress included) and the template of every change set waiting to run;
 * - it is older than the grace period (`--rollback-buffer-days`, default 1), so an upload for a deploy that has not
 *   made its change set yet is left alone.
 * While any stack is in the middle of an update or a rollback, nothing is deleted: the template that stack would
 * roll back to can no longer be read, and may need objects no current template names.
 */
export {DEFAULT_ROLLBACK_BUFFER_DAYS} from '../config/command-settings/deploy.js'

/** A bucket (and key prefix) lpack writes its artifacts to. */
export interface ArtifactScope {
  bucket: string
  prefix?: string
}

/** What a HeadObject said about a candidate; undefined when the object is not there. */
export interface ObjectFacts {
  lastModified: Date
  /** `x-amz-meta-sha256`, which lpack writes with every upload. */
  sha256?: string
}

export type KeepReason = 'not-lpack-scope' | 'not-lpack-object' | 'missing' | 'in-use' | 'too-recent' | 'stack-in-progress'

export type GcDecision =
  | {action: 'delete'; bucket: string; key: string}
  | {action: 'keep'; bucket: string; key: string; reason: KeepReason; detail: string}

export interface GcPlanInput {
  candidates: readonly S3Location[]
  scopes: readonly ArtifactScope[]
  /** `bucket/key` → the stacks whose templates use it. */
  references: ReadonlyMap<string, readonly string[]>
  /** `bucket/key` → what HeadObject said (absent: not there, or not asked because it is kept anyway). */
  objects: ReadonlyMap<string, ObjectFacts | undefined>
  /** Stacks in the middle of an update or rollback: while any is, nothing is deleted. */
  stacksInProgress: readonly string[]
  now: Date
  rollbackBufferDays: number
}

/** The last segment of a key lpack's uploads use: `<sha256>.zip` or `<sha256>.template.json`. */
const CONTENT_NAME = /^([0-9a-f]{64})\.(zip|template\.json)$/

/** Pure: whether a location is inside one of lpack's scopes, under a content key; the hash its name claims. */
export function contentHashInScope(location: S3Location, scopes: readonly ArtifactScope[]): string | undefined {
  for (const scope of scopes) {
    if (scope.bucket !== location.bucket) continue
    const prefix = (scope.prefix ?? '').replace(/^\/+|\/+$/g, '')
    const rest = prefix === '' ? location.key : location.key.startsWith(`${prefix}/`) ? location.key.slice(prefix.length + 1) : undefined
    const match = rest === undefined ? undefined : CONTENT_NAME.exec(rest)
    if (match) return match[1]
  }
  return undefined
}

/** Pure: which candidates to delete, and why each other one is kept. Sorted by bucket and key. */
export function planGc(input: GcPlanInput): GcDecision[] {
  const graceMs = input.rollbackBufferDays * 24 * 60 * 60 * 1000
  const unique = new Map(input.candidates.map((location) => [`${location.bucket}/${location.key}`, location]))
  const decisions = [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, location]): GcDecision => {
    const keep = (reason: KeepReason, detail: string): GcDecision => ({action: 'keep', ...location, reason, detail})
    const hash = contentHashInScope(location, input.scopes)
    if (hash === undefined) return keep('not-lpack-scope', "not under a content key in lpack's artifacts bucket and prefix")
    const users = input.references.get(id) ?? []
    if (users.length > 0) return keep('in-use', `used by stack ${[...users].sort().join(', ')}`)
    const facts = input.objects.get(id)
    if (facts === undefined) return keep('missing', 'no such object')
    if (facts.sha256 !== hash) return keep('not-lpack-object', 'not written by lpack (its sha256 metadata does not match its name)')
    const ageMs = input.now.getTime() - facts.lastModified.getTime()
    if (ageMs < graceMs) return keep('too-recent', `uploaded ${formatAge(ageMs)} ago, within the ${input.rollbackBufferDays}-day rollback buffer`)
    if (input.stacksInProgress.length > 0) return keep('stack-in-progress', `stack ${[...input.stacksInProgress].sort().join(', ')} is being updated or rolled back`)
    return {action: 'delete', ...location}
  })
  return decisions
}

function formatAge(ms: number): string {
  const hours = ms / 3_600_000
  return hours < 1 ? `${Math.max(0, Math.round(ms / 60_000))} min` : hours < 48 ? `${Math.round(hours)} h` : `${Math.round(hours / 24)} days`
}

/** The scopes lpack writes to in this account and region: the managed bucket, and the bucket/prefix given. */
export function artifactScopes(options: {accountId: string; region: string; bucket?: string; prefix?: string}): ArtifactScope[] {
  const scopes: ArtifactScope[] = [{bucket: managedBucketName(options.accountId, options.region)}]
  if (options.bucket !== undefined) scopes.push({bucket: options.bucket, ...(options.prefix === undefined ? {} : {prefix: options.prefix})})
  return scopes
}

/** Statuses of a stack whose rollback template lpack cannot read while it runs. */
const MOVING = /_IN_PROGRESS$/
const SETTLED_IN_PROGRESS = new Set(['REVIEW_IN_PROGRESS', 'CREATE_IN_PROGRESS', 'DELETE_IN_PROGRESS'])

export interface StackReferences {
  references: Map<string, string[]>
  stacksInProgress: string[]
}

/**
 * Every S3 code location the account's stacks in this region use: each stack's current template (stacks in
 * progress included) and each change set waiting to run. `exceptStackId` leaves out the stack being deleted.
 */
export async function collectReferences(cfn: CloudFormationOperations, options: {exceptStackId?: string} = {}): Promise<StackReferences> {
  const references = new Map<string, string[]>()
  const stacksInProgress: string[] = []
  const add = (locations: S3Location[], stackName: string) => {
    for (const location of locations) {
      const id = `${location.bucket}/${location.key}`
      references.set(id, [...new Set([...(references.get(id) ?? []), stackName])])
    }
  }
  for (const summary of await cfn.listStacks()) {
    const status = summary.status
    if (status === 'DELETE_COMPLETE' || summary.stackId === options.exceptStackId) continue
    const name = summary.stackName
    if (MOVING.test(status) && !SETTLED_IN_PROGRESS.has(status)) stacksInProgress.push(name)
    add(await templateLocations(cfn, {stackName: summary.stackId}), name)
    for (const changeSet of await cfn.listChangeSets(summary.stackId)) {
      if (changeSet.executionStatus !== 'AVAILABLE' && changeSet.executionStatus !== 'UNAVAILABLE') continue
      add(await templateLocations(cfn, {stackName: summary.stackId, changeSetName: changeSet.changeSetId}), name)
    }
  }
  return {references, stacksInProgress: stacksInProgress.sort()}
}

/** The code locations in a stack's (or change set's) template, as written and as processed. */
export async function templateLocations(cfn: CloudFormationOperations, target: {stackName: string; changeSetName?: string}): Promise<S3Location[]> {
  const found: S3Location[] = []
  for (const stage of ['Original', 'Processed'] as const) {
    const body = await cfn.getTemplate(target, stage)
    // A stack deleted between the listing and this call uses nothing.
    if (body === undefined) return found
    const template = body === undefined ? undefined : parseTemplate(body, 'stack-template').template?.value
    if (template !== undefined) found.push(...codeLocationsIn(template))
  }
  return found
}

/** HeadObject of each candidate in scope that no stack uses: the facts planGc decides on. */
export async function objectFacts(store: ArtifactStore, candidates: readonly S3Location[], options: {scopes: readonly ArtifactScope[]; references: ReadonlyMap<string, readonly string[]>; owner: string}): Promise<Map<string, ObjectFacts | undefined>> {
  const facts = new Map<string, ObjectFacts | undefined>()
  for (const location of candidates) {
    const id = `${location.bucket}/${location.key}`
    if (facts.has(id) || contentHashInScope(location, options.scopes) === undefined || (options.references.get(id)?.length ?? 0) > 0) continue
    const head = await store.headObject(location, options.owner)
    facts.set(id, head === undefined ? undefined : {lastModified: head.lastModified ?? new Date(0), sha256: head.sha256})
  }
  return facts
}

/** Plans garbage collection of `candidates` against the account's stacks as they are now. */
export async function planGcNow(aws: AwsAccess, candidates: readonly S3Location[], options: {scopes: ArtifactScope[]; rollbackBufferDays: number; exceptStackId?: string; now?: Date}): Promise<GcDecision[]> {
  const {references, stacksInProgress} = await collectReferences(aws.cloudFormationOperations(), {exceptStackId: options.exceptStackId})
  const objects = await objectFacts(aws.artifactStore(), candidates, {scopes: options.scopes, references, owner: await aws.accountId()})
  return planGc({candidates, scopes: options.scopes, references, objects, stacksInProgress, now: options.now ?? new Date(), rollbackBufferDays: options.rollbackBufferDays})
}

export interface CollectGarbageOptions {
  /** The bucket/prefix deploy used with --s3-bucket; the managed bucket is always collected. */
  bucket?: string
  prefix?: string
  rollbackBufferDays: number
  /** Plan and list only. */
  dryRun: boolean
  aws: AwsAccess
  reporter: Reporter
  /** Asked once, after the list, before anything is deleted; absent means yes. */
  confirm?: (count: number) => Promise<boolean>
}

export interface GcResult {
  deleted: S3Location[]
  kept: {bucket: string; key: string; reason: string}[]
  dryRun: boolean
}

/** `lpack gc`: every object in lpack's buckets/prefixes is a candidate; planGc decides; what it says goes. */
export async function collectGarbage(options: CollectGarbageOptions): Promise<GcResult> {
  const scopes = artifactScopes({accountId: await options.aws.accountId(), region: options.aws.region, bucket: options.bucket, prefix: options.prefix})
  const candidates = await listScopes(options.aws.artifactStore(), scopes)
  const decisions = await planGcNow(options.aws, candidates, {scopes, rollbackBufferDays: options.rollbackBufferDays})
  const {applyGc, reportDecisions} = await import('./delete.js')
  reportDecisions(decisions, options.reporter, {preview: options.dryRun})
  const toDelete = decisions.filter((decision) => decision.action === 'delete')
  const kept = decisions.flatMap((d) => (d.action === 'keep' ? [{bucket: d.bucket, key: d.key, reason: d.detail}] : []))
  if (options.dryRun || toDelete.length === 0) return {deleted: [], kept, dryRun: options.dryRun}
  if (options.confirm !== undefined && !(await options.confirm(toDelete.length))) {
    const {LpackError} = await import('../../errors.js')
    throw new LpackError('DECLINED', `Deleting ${toDelete.length} artifact(s) declined`)
  }
  const applied = await applyGc(options.aws, decisions, options.reporter)
  return {deleted: applied.deletedArtifacts, kept: applied.keptArtifacts, dryRun: false}
}

/** Every object under each scope (a bucket that does not exist has none). */
async function listScopes(store: ArtifactStore, scopes: readonly ArtifactScope[]): Promise<S3Location[]> {
  const found: S3Location[] = []
  for (const scope of scopes) {
    const prefix = (scope.prefix ?? '').replace(/^\/+|\/+$/g, '')
    const keys = await store.listKeys(scope.bucket, prefix === '' ? '' : `${prefix}/`)
    for (const key of keys ?? []) found.push({bucket: scope.bucket, key})
  }
  return found
}
