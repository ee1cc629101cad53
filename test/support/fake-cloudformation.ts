/**
 * An in-memory CloudFormation behind lpack's CloudFormationOperations interface, for tests of lpack's own
 * stack-state decisions (what a status means, when a watch ends, what an empty change set is). The wire protocol
 * is covered by the integration tests against moto; this fake only has to answer as the real operations do:
 * undefined for a missing stack, newest-first event pages, LpackErrors made by awsError for service failures.
 */
import type {
  ChangeSetDescription,
  ChangeSetRequest,
  ChangeSetSummary,
  CloudFormationOperations,
  StackDescription,
  StackEvent,
  StackEventPage,
  StackSummary,
  TemplateStage,
} from '../../src/aws/cloudformation.js'
import {awsError} from '../../src/aws/errors.js'
import type {ErrorCode, LpackError} from '../../src/errors.js'

export interface FakeStack {
  stackId: string
  stackName: string
  status: string
  parameters: Record<string, string>
  tags: Record<string, string>
  outputs: Record<string, string>
  notificationArns: string[]
  roleArn?: string
  terminationProtection: boolean
  /** The template as submitted; undefined: GetTemplate says the stack does not exist. */
  template?: string
  /** Newest first, as DescribeStackEvents pages them. */
  events: StackEvent[]
  changeSets: {changeSetId: string; executionStatus: string; template?: string}[]
}

/** A service failure as the real operations throw it: the SDK error wrapped by awsError. */
export function serviceError(name: string, message: string, doing: string, code: ErrorCode = 'AWS_ERROR'): LpackError {
  return awsError(Object.assign(new Error(message), {name, $metadata: {httpStatusCode: 400}}), doing, code)
}

export class FakeCloudFormation implements CloudFormationOperations {
  /** Every operation called, in order, with its main argument. */
  readonly calls: string[] = []
  eventPageSize = 3
  /**
   * Steps run one per describeStack call, before it answers: what CloudFormation does between two polls
   * (a status moves on, events are written). When none are left the stack stays as it is.
   */
  readonly steps: ((fake: FakeCloudFormation) => void)[] = []
  /** Successive answers of describeChangeSet for the next change set created (the last one repeats). */
  changeSetAnswers: ChangeSetDescription[] = [{status: 'CREATE_COMPLETE', executionStatus: 'AVAILABLE', changes: []}]
  createChangeSetFailure?: LpackError
  executeFailure?: LpackError
  /** What the change set says after a failed execute (set by the test: the execute may have reached CloudFormation). */
  executionStatusAfterFailure = 'AVAILABLE'
  private readonly stacks = new Map<string, FakeStack>()
  private readonly changeSetDescriptions = new Map<string, ChangeSetDescription[]>()
  private eventCount = 0

  addStack(stack: Partial<FakeStack> & {stackName: string; status: string}): FakeStack {
    const full: FakeStack = {
      stackId: `arn:aws:cloudformation:us-east-1:123456789012:stack/${stack.stackName}/${this.stacks.size + 1}`,
      parameters: {},
      tags: {},
      outputs: {},
      notificationArns: [],
      terminationProtection: false,
      events: [],
      changeSets: [],
      ...stack,
    }
    this.stacks.set(full.stackName, full)
    return full
  }

  stack(stackName: string): FakeStack {
    const stack = this.find(stackName)
    if (stack === undefined) throw new Error(`no stack ${stackName} in the fake`)
    return stack
  }

  /** Writes an event (newest first) and moves the stack to `status` when the event is the stack's own. */
  event(stackName: string, logicalId: string, status: string, extra: {resourceType?: string; reason?: string} = {}): StackEvent {
    const stack = this.stack(stackName)
    const event: StackEvent = {
      eventId: `event-${++this.eventCount}`,
      logicalId,
      resourceType: extra.resourceType ?? (logicalId === stackName ? 'AWS::CloudFormation::Stack' : 'AWS::Lambda::Function'),
      status,
      ...(extra.reason === undefined ? {} : {reason: extra.reason}),
      timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, this.eventCount)),
    }
    stack.events.unshift(event)
    if (logicalId === stackName) stack.status = status
    return event
  }

  async describeStack(stackName: string): Promise<StackDescription | undefined> {
    this.calls.push(`describeStack ${stackName}`)
    this.steps.shift()?.(this)
    const stack = this.find(stackName)
    if (stack === undefined || stack.status === 'DELETE_COMPLETE') return undefined
    return {
      stackId: stack.stackId,
      stackName: stack.stackName,
      status: stack.status,
      parameters: {...stack.parameters},
      tags: {...stack.tags},
      outputs: {...stack.outputs},
      notificationArns: [...stack.notificationArns],
      ...(stack.roleArn === undefined ? {} : {roleArn: stack.roleArn}),
      terminationProtection: stack.terminationProtection,
    }
  }

  async getTemplate(target: {stackName: string; changeSetName?: string}, stage: TemplateStage): Promise<string | undefined> {
    this.calls.push(`getTemplate ${target.stackName}${target.changeSetName === undefined ? '' : ` ${target.changeSetName}`} ${stage}`)
    const stack = this.find(target.stackName)
    if (stack === undefined || stack.status === 'DELETE_COMPLETE') return undefined
    if (target.changeSetName !== undefined) return stack.changeSets.find((c) => c.changeSetId === target.changeSetName)?.template
    return stack.template
  }

  async stackEvents(stackName: string, nextToken?: string): Promise<StackEventPage | undefined> {
    this.calls.push(`stackEvents ${stackName}${nextToken === undefined ? '' : ` ${nextToken}`}`)
    const stack = this.find(stackName)
    if (stack === undefined) return undefined
    const start = nextToken === undefined ? 0 : Number(nextToken)
    const end = start + this.eventPageSize
    return {events: stack.events.slice(start, end), ...(end < stack.events.length ? {nextToken: String(end)} : {})}
  }

  async createChangeSet(request: ChangeSetRequest): Promise<{changeSetId: string; stackId: string}> {
    this.calls.push(`createChangeSet ${request.stackName} ${request.changeSetType}`)
    if (this.createChangeSetFailure !== undefined) throw this.createChangeSetFailure
    const stack = this.find(request.stackName) ?? this.addStack({stackName: request.stackName, status: 'REVIEW_IN_PROGRESS'})
    const changeSetId = `arn:aws:cloudformation:us-east-1:123456789012:changeSet/${request.changeSetName}/1`
    stack.changeSets.push({changeSetId, executionStatus: 'UNAVAILABLE'})
    this.changeSetDescriptions.set(changeSetId, [...this.changeSetAnswers])
    return {changeSetId, stackId: stack.stackId}
  }

  async describeChangeSet(changeSetId: string): Promise<ChangeSetDescription> {
    this.calls.push(`describeChangeSet ${changeSetId}`)
    const answers = this.changeSetDescriptions.get(changeSetId)
    if (answers === undefined) throw serviceError('ChangeSetNotFound', `ChangeSet [${changeSetId}] does not exist`, `Describing change set ${changeSetId}`, 'DEPLOY_FAILED')
    return answers.length > 1 ? answers.shift()! : answers[0]!
  }

  async executeChangeSet(changeSetId: string): Promise<void> {
    this.calls.push(`executeChangeSet ${changeSetId}`)
    if (this.executeFailure !== undefined) {
      this.changeSetDescriptions.set(changeSetId, [{status: 'CREATE_COMPLETE', executionStatus: this.executionStatusAfterFailure, changes: []}])
      throw this.executeFailure
    }
  }

  async deleteChangeSet(changeSetId: string): Promise<void> {
    this.calls.push(`deleteChangeSet ${changeSetId}`)
  }

  async deleteStack(stack: {stackName: string; stackId?: string}): Promise<void> {
    this.calls.push(`deleteStack ${stack.stackId ?? stack.stackName}`)
    this.event(this.stack(stack.stackId ?? stack.stackName).stackName, stack.stackName, 'DELETE_IN_PROGRESS')
  }

  async setTerminationProtection(stackName: string, enabled: boolean): Promise<void> {
    this.calls.push(`setTerminationProtection ${stackName} ${enabled}`)
    this.stack(stackName).terminationProtection = enabled
  }

  async listStacks(): Promise<StackSummary[]> {
    this.calls.push('listStacks')
    return [...this.stacks.values()].map((stack) => ({stackId: stack.stackId, stackName: stack.stackName, status: stack.status}))
  }

  async listChangeSets(stackId: string): Promise<ChangeSetSummary[]> {
    this.calls.push(`listChangeSets ${stackId}`)
    return (this.find(stackId)?.changeSets ?? []).map((c) => ({changeSetId: c.changeSetId, executionStatus: c.executionStatus}))
  }

  private find(nameOrId: string): FakeStack | undefined {
    return this.stacks.get(nameOrId) ?? [...this.stacks.values()].find((stack) => stack.stackId === nameOrId)
  }
}
