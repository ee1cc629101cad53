import type {CloudFormationOperations, StackDescription, StackEvent} from '../../aws/cloudformation.js'
import {LpackError} from '../../errors.js'
import type {Reporter} from '../events.js'
import {type DeployedState, isTerminalStatus} from './plan.js'

/** What is deployed now, for the "nothing changed" check (a template that cannot be read counts as changed). */
export async function deployedState(cfn: CloudFormationOperations, stack: StackDescription): Promise<DeployedState> {
  return {
    templateBody: await cfn.getTemplate({stackName: stack.stackId}, 'Original'),
    parameters: stack.parameters,
    tags: stack.tags,
    notificationArns: stack.notificationArns,
    roleArn: stack.roleArn,
  }
}

const QUIET_STACK_MS = 10_000

export interface WatchOptions {
  stackName: string
  /** The stack's id, when known: names can be reused, ids cannot. */
  stackId?: string
  /** Show only events newer than this one (the newest event before the operation started). */
  sinceEventId?: string
  pollIntervalMs: number
  reporter: Reporter
  signal?: AbortSignal
  /** Bounded: a stack that stays busy longer is reported, not waited on forever. */
  timeoutMs: number
  /**
   * The operation was already seen running (waiting for another operation): its first terminal status ends
   * the watch. Otherwise the operation was just started and the stack may still show its previous status.
   */
  alreadyRunning?: boolean
  /** The command that picks the operation up again after Ctrl-C; default: the same `lpack deploy`. */
  resumeWith?: string
}

export interface WatchResult {
  status: string
  stack?: StackDescription
  /** Every event of this operation, oldest first. */
  events: StackEvent[]
}

/** The newest event id of the stack: events after it belong to the next operation. */
export async function newestEventId(cfn: CloudFormationOperations, stackName: string): Promise<string | undefined> {
  return (await cfn.stackEvents(stackName))?.events[0]?.eventId
}

/**
 * Polls the stack (every pollIntervalMs, at most 2 s) until it leaves *_IN_PROGRESS, emitting each new event
 * as a live line per resource. Returns the final status and the operation's events. Throws INTERRUPTED when
 * the signal fires (Ctrl-C): CloudFormation carries on, and the message says how to pick it up again.
 */
export async function watchStack(cfn: CloudFormationOperations, options: WatchOptions): Promise<WatchResult> {
  const started = Date.now()
  const seen = new Set<string>()
  const events: StackEvent[] = []
  const stackRef = options.stackId ?? options.stackName
  for (;;) {
    const fresh = await eventsSince(cfn, stackRef, options.sinceEventId, seen)
    for (const event of fresh.events) {
      events.push(event)
      emitStackEvent(options.reporter, event, options.stackName)
    }
    const stack = await cfn.describeStack(stackRef)
    const status = stack?.status ?? 'DELETE_COMPLETE'
    // Right after ExecuteChangeSet the stack may still show its previous status: finished means a terminal
    // status and at least one event of this operation (or a stack that has been quiet for a while, or gone).
    if (isTerminalStatus(status) && (stack === undefined || options.alreadyRunning || events.length > 0 || Date.now() - started > QUIET_STACK_MS)) {
      // One more read: events written between the two calls above belong to this operation too.
      const last = await eventsSince(cfn, stackRef, options.sinceEventId, seen)
      for (const event of last.events) {
        events.push(event)
        emitStackEvent(options.reporter, event, options.stackName)
      }
      return {status, stack, events}
    }
    if (Date.now() - started > options.timeoutMs) {
      throw new LpackError('STACK_BUSY', `Stack ${options.stackName} is still ${status} after ${Math.round(options.timeoutMs / 1000)} s`, {
        hint: 'CloudFormation carries on; run `lpack deploy` again later (it waits for the running operation) or watch it with `aws cloudformation describe-stack-events`.',
        details: {stackName: options.stackName, status},
      })
    }
    await sleep(Math.min(options.pollIntervalMs, 2000), options.signal)
    if (options.signal?.aborted) {
      throw new LpackError('INTERRUPTED', `Stopped watching stack ${options.stackName}; it is ${status} and CloudFormation carries on without lpack`, {
        hint: `Run ${options.resumeWith ?? 'the same `lpack deploy`'} again to wait for this operation and continue, or follow it with \`aws cloudformation describe-stacks --stack-name ${options.stackName}\`.`,
        details: {stackName: options.stackName, status},
      })
    }
  }
}

async function eventsSince(
  cfn: CloudFormationOperations,
  stackName: string,
  sinceEventId: string | undefined,
  seen: Set<string>,
): Promise<{events: StackEvent[]}> {
  const fresh: StackEvent[] = []
  let nextToken: string | undefined
  // Pages run newest first: stop at the first event already seen or at the one before this operation.
  pages: do {
    const page = await cfn.stackEvents(stackName, nextToken)
    if (page === undefined) break
    for (const event of page.events) {
      if (event.eventId === sinceEventId || seen.has(event.eventId)) break pages
      fresh.push(event)
    }
    nextToken = page.nextToken
  } while (nextToken)
  for (const event of fresh) seen.add(event.eventId)
  return {events: fresh.reverse()}
}

function emitStackEvent(reporter: Reporter, event: StackEvent, stackName: string): void {
  reporter.emit({
    kind: 'deploy.event',
    data: {
      stackName,
      stack: event.resourceType === 'AWS::CloudFormation::Stack' && event.logicalId === stackName,
      logicalId: event.logicalId,
      type: event.resourceType,
      status: event.status ?? '',
      ...(event.reason ? {reason: event.reason} : {}),
      timestamp: event.timestamp?.toISOString(),
    },
  })
}

export interface ResourceFailure {
  logicalId: string
  type: string
  status: string
  reason: string
}

/**
 * Every failed resource of the operation with CloudFormation's reason, oldest first. Cancellations caused by
 * another failure are kept last so the root cause reads first.
 */
export function collectFailures(events: readonly StackEvent[], stackName: string): ResourceFailure[] {
  const failures = events
    .filter((event) => (event.status ?? '').endsWith('_FAILED'))
    .map((event) => ({
      logicalId: event.logicalId ?? '?',
      type: event.resourceType ?? '?',
      status: event.status ?? '?',
      reason: event.reason ?? '(no reason given)',
    }))
  const resourceFailures = failures.filter((failure) => !(failure.type === 'AWS::CloudFormation::Stack' && failure.logicalId === stackName))
  const chosen = resourceFailures.length > 0 ? resourceFailures : failures
  const cancelled = (failure: ResourceFailure) => /cancell?ed/i.test(failure.reason)
  return [...chosen.filter((f) => !cancelled(f)), ...chosen.filter(cancelled)]
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, {once: true})
  })
}
