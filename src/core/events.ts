/**
 * Every event lpack's core emits, declared once: its kind, its level and the data it carries. Core emits data
 * only — no sentences, no glyphs, no line ids; `src/io/event-text.ts` turns each kind into the line people read,
 * and `src/io/reporter.ts` into a redrawn block on a TTY, plain lines in CI, or JSON lines under --json.
 *
 * Adding a kind: one entry in EVENT_KINDS below. The type checker then fails in `describeEvent`
 * (src/io/event-text.ts) and in the samples of test/unit/events.test.ts until the new kind has its line and its
 * test — a kind cannot be emitted without being rendered.
 */
import type {ChangeRow} from './deploy/plan.js'
import type {GcDecision} from './deploy/gc.js'
import type {Diagnostic} from './diagnostics/diagnostic.js'
import type {SizeReport} from './build/size.js'

export type EventLevel = 'debug' | 'info' | 'warn'

/**
 * A kind's declaration: its level as a value, its data as a type only (`data` is never set; it carries the type
 * for EventData). One object for both keeps the level beside the shape it describes.
 */
interface KindDeclaration<Data> {
  level: EventLevel
  data?: Data
}

function kind<Data extends object>(level: EventLevel): KindDeclaration<Data> {
  return {level}
}

/** A stack or artifact location as events carry it. */
interface S3Object {
  bucket: string
  key: string
}

/**
 * The registry: `area.what` → level and data. Names are stable (scripts filter --json progress on them); data
 * only grows. Sorted by stage.
 */
export const EVENT_KINDS = {
  // lpack.config.yaml / samconfig
  'config.ignored': kind<{file: string; keys: string[]}>('warn'),

  // validate, run before build and deploy act
  'validate.warning': kind<Diagnostic>('warn'),

  // build
  'build.waiting': kind<{buildDir: string; holder?: {pid: number; host?: string}}>('info'),
  'build.skip': kind<{logicalId: string; reason: string}>('debug'),
  'build.batch': kind<{builder: string; logicalIds: string[]}>('debug'),
  'build.batch-failed': kind<{count: number; error: string}>('debug'),
  'build.start': kind<{logicalId: string; builder: string}>('info'),
  'build.warning': kind<{logicalId: string; warning: string}>('warn'),
  'build.done': kind<{logicalId: string; cached: true} | {logicalId: string; cached: false; durationMs: number}>('info'),
  'build.failed': kind<{logicalId: string; error: string}>('info'),
  'build.size': kind<SizeReport>('info'),
  'build.cache-not-saved': kind<{error: string}>('warn'),

  // package
  'package.bucket.create': kind<{bucket: string; tlsOnly: boolean}>('info'),
  'package.bucket.no-tls-policy': kind<{bucket: string}>('warn'),
  'package.skip': kind<S3Object & {label: string; bytes: number}>('info'),
  'package.upload.start': kind<S3Object & {label: string; bytes: number}>('info'),
  'package.upload.done': kind<S3Object & {label: string; bytes: number}>('info'),
  'package.multipart-cleanup': kind<{bucket: string; aborted: number}>('info'),
  'package.multipart-cleanup-failed': kind<{bucket: string; error: string}>('warn'),
  'package.done': kind<{bucket: string; artifactCount: number; uploadedCount: number; uploadedBytes: number; skippedCount: number}>('info'),

  // deploy
  'deploy.guided-saved': kind<{file: string; env: string; defaultEnv: boolean}>('info'),
  'deploy.wait': kind<{stackName: string; status: string}>('info'),
  'deploy.replace': kind<{stackName: string; status: string}>('info'),
  'deploy.transform': kind<{mode: 'server'; transforms: string[]; reason: string} | {mode: 'local'; transforms: string[]}>('info'),
  'deploy.no-changes': kind<{stackName: string; reason: string}>('info'),
  'deploy.capabilities': kind<{capabilities: string[]}>('info'),
  'deploy.changeset': kind<{stackName: string; changeSetType: 'CREATE' | 'UPDATE'; changeSetId: string; changes: ChangeRow[]}>('info'),
  'deploy.execute': kind<{stackName: string; changeSetId: string}>('info'),
  'deploy.execute.recovered': kind<{changeSetId: string; executionStatus: string; awsErrorCode?: string}>('info'),
  /** One stack event from CloudFormation; `stack` is true for the stack's own events (not a resource's). */
  'deploy.event': kind<{stackName: string; stack: boolean; logicalId?: string; type?: string; status: string; reason?: string; timestamp?: string}>('info'),
  'deploy.done': kind<{stackName: string; status: string; outputs: Record<string, string>}>('info'),

  // delete and gc
  'delete.not-found': kind<{stackName: string}>('info'),
  'delete.done': kind<{stackName: string}>('info'),
  /** A garbage-collection decision; `preview` when this list deletes nothing itself (--dry-run, or what would go with a stack). */
  'gc.plan': kind<GcDecision & {preview: boolean}>('info'),
  'delete.artifact': kind<S3Object>('info'),

  // init
  'init.done': kind<{dir: string; starter: string; files: string[]}>('info'),

  // invoke
  'invoke.log': kind<{functionId: string; line: string}>('info'),
  'invoke.env-unresolved': kind<{functionId: string; names: string[]}>('warn'),
  'invoke.env-ignored': kind<{functionId: string; names: string[]}>('warn'),
  'invoke.layer-skipped': kind<{functionId: string; layer: unknown}>('warn'),
  /** An Event invocation's record sent to its OnSuccess / OnFailure destination or dead-letter queue. */
  'invoke.async-delivered': kind<{functionName: string; requestId: string; to: 'on-success' | 'on-failure' | 'dead-letter'; target: string}>('info'),
  /** An Event invocation given up: its retries are exhausted or it grew older than MaximumEventAgeInSeconds. */
  'invoke.async-discarded': kind<{functionName: string; requestId: string; condition: 'RetriesExhausted' | 'EventAgeExceeded'; attempts: number}>('warn'),
  /** An Event invocation that could not run or be delivered at all (an error in lpack or the destination). */
  'invoke.async-lost': kind<{functionName: string; requestId: string; error: string}>('warn'),
  'invoke.hook-failed': kind<{functionName: string; error: string}>('warn'),
  // local start-lambda
  'start-lambda.rebuilt': kind<{templateFile: string}>('info'),
  'start-lambda.rebuild-failed': kind<{templateFile: string; error: string}>('warn'),

  // lpack local (src/local): the local AWS's own events
  'local.moto-version': kind<{installed: string; expected: string}>('warn'),
  'local.install-step': kind<{step: 'venv' | 'pip'; detail: string}>('info'),
  'local.install-output': kind<{line: string}>('debug'),
  'local.sns-poll-failed': kind<{error: string}>('debug'),
  'local.observability-failed': kind<{resource: string; error: string}>('debug'),
  'local.alarm': kind<{alarmName: string; from: string; to: string}>('info'),
  'local.alarm-failed': kind<{error: string}>('debug'),
  'local.sqs-poll-failed': kind<{uuid: string; queueArn: string; error: string}>('warn'),
  'local.sqs-list-failed': kind<{error: string}>('debug'),

  // traffic: releases (src/core/traffic); live line per function: `traffic.step` until `traffic.alias.done`
  'traffic.start': kind<{stackName: string; releaseId: string; aliases: {logicalId: string; alias: string; oldVersion: string; newVersion: string; type: string}[]}>('info'),
  'traffic.step': kind<{logicalId: string; alias: string; oldVersion?: string; newVersion?: string; percent: number; elapsedMs?: number; deploymentId?: string}>('info'),
  'traffic.hook.start': kind<{logicalId: string; phase: string; hook: string; deploymentId?: string}>('info'),
  'traffic.hook.done': kind<{logicalId: string; phase: string; hook: string; passed: boolean; detail: string; deploymentId?: string}>('info'),
  'traffic.alarm': kind<{logicalId: string; alarm: string; state: string; reason: string}>('warn'),
  'traffic.rollback': kind<{stackName: string; reason: string; aliases: {logicalId: string; alias: string; oldVersion: string; newVersion: string}[]}>('warn'),
  'traffic.alias.done': kind<{logicalId: string; alias: string; oldVersion: string; newVersion: string; percent: number; outcome: 'released' | 'rolled-back'}>('info'),
  'traffic.template': kind<{stackName: string}>('info'),
  'traffic.done': kind<{stackName: string; outcome: 'released' | 'rolled-back'; recordFile?: string}>('info'),
} satisfies Record<string, KindDeclaration<object>>

export type EventKind = keyof typeof EVENT_KINDS

/** The data an event of kind K carries. */
export type EventData<K extends EventKind> = NonNullable<(typeof EVENT_KINDS)[K]['data']>

/** One event: the kind and its data; `level` only to demote a kind (invoke shows its build's progress as debug). */
export type LpackEvent = {[K in EventKind]: {kind: K; data: EventData<K>; level?: EventLevel}}[EventKind]

/** The event of kind K, for renderers and tests. */
export type EventOf<K extends EventKind> = Extract<LpackEvent, {kind: K}>

/** Core emits events to a Reporter; `src/io` implements the Reporters that render them. */
export interface Reporter {
  emit(event: LpackEvent): void
}

/** The event's level: its own when it was demoted, else its kind's. */
export function levelOf(event: LpackEvent): EventLevel {
  return event.level ?? EVENT_KINDS[event.kind].level
}

/** Drops every event: for library callers that only want results. */
export const silentReporter: Reporter = {emit() {}}
