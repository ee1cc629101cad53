/**
 * CloudFormation as lpack uses it: typed operations that return lpack's own types, so core decides on stack
 * state without touching the SDK (and can be tested against an in-memory fake of this interface). The wire
 * protocol's quirks — "does not exist" said as a ValidationError, DELETE_COMPLETE stacks still described,
 * paging — are read here; what a status means for a deploy is core's business.
 *
 * Every failure is an LpackError from awsError naming what was being done.
 */
import type {CloudFormationClient} from '@aws-sdk/client-cloudformation'

import type {ErrorCode} from '../errors.js'
import {awsError, awsErrorName} from './errors.js'

/** A stack as DescribeStacks reports it. */
export interface StackDescription {
  stackId: string
  stackName: string
  status: string
  /** Parameter values as CloudFormation reports them (NoEcho ones masked as `****`). */
  parameters: Readonly<Record<string, string>>
  tags: Readonly<Record<string, string>>
  /** Outputs by key, keys sorted. */
  outputs: Readonly<Record<string, string>>
  notificationArns: readonly string[]
  roleArn?: string
  terminationProtection: boolean
}

/** One stack event (DescribeStackEvents). */
export interface StackEvent {
  eventId: string
  logicalId?: string
  resourceType?: string
  status?: string
  reason?: string
  timestamp?: Date
}

/** One page of a stack's events, newest first. */
export interface StackEventPage {
  events: StackEvent[]
  nextToken?: string
}

/** The fields of a change set's resource change lpack reads (the shape summarizeChanges takes). */
export interface ResourceChange {
  ResourceChange?: {
    Action?: string
    LogicalResourceId?: string
    ResourceType?: string
    Replacement?: string
    Details?: {Target?: {Name?: string; Attribute?: string}}[]
  }
}

export interface ChangeSetDescription {
  /** CREATE_PENDING, CREATE_IN_PROGRESS, CREATE_COMPLETE, FAILED, … */
  status?: string
  reason?: string
  /** AVAILABLE, EXECUTE_IN_PROGRESS, EXECUTE_COMPLETE, … */
  executionStatus?: string
  /** Every change, all pages (read only once the change set is CREATE_COMPLETE). */
  changes: ResourceChange[]
}

export interface ChangeSetRequest {
  stackName: string
  changeSetName: string
  changeSetType: 'CREATE' | 'UPDATE'
  template: {TemplateBody: string} | {TemplateURL: string}
  parameters: readonly {ParameterKey: string; ParameterValue?: string; UsePreviousValue?: boolean}[]
  capabilities: readonly string[]
  /** Undefined: the stack keeps its tags. */
  tags?: Readonly<Record<string, string>>
  notificationArns?: readonly string[]
  roleArn?: string
  description?: string
}

export interface StackSummary {
  stackId: string
  stackName: string
  status: string
}

export interface ChangeSetSummary {
  changeSetId: string
  executionStatus?: string
}

/** Which template GetTemplate returns: as submitted, or after CloudFormation's transforms. */
export type TemplateStage = 'Original' | 'Processed'

/** What lpack asks of CloudFormation. Core depends on this interface; AwsSession supplies the real one. */
export interface CloudFormationOperations {
  /** The stack, or undefined when it does not exist (or is DELETE_COMPLETE). */
  describeStack(stackName: string): Promise<StackDescription | undefined>
  /** A stack's (or one of its change sets') template body; undefined when the stack or change set does not exist. */
  getTemplate(target: {stackName: string; changeSetName?: string}, stage: TemplateStage): Promise<string | undefined>
  /** One page of the stack's events, newest first; undefined when the stack does not exist. */
  stackEvents(stackName: string, nextToken?: string): Promise<StackEventPage | undefined>
  /** Starts creating a change set; CloudFormation computes it afterwards (see describeChangeSet). */
  createChangeSet(request: ChangeSetRequest): Promise<{changeSetId: string; stackId: string}>
  describeChangeSet(changeSetId: string): Promise<ChangeSetDescription>
  executeChangeSet(changeSetId: string, options: {disableRollback?: boolean}): Promise<void>
  deleteChangeSet(changeSetId: string): Promise<void>
  /** Starts deleting the stack `stackId ?? stackName`; messages name `stackName`. */
  deleteStack(stack: {stackName: string; stackId?: string}): Promise<void>
  setTerminationProtection(stackName: string, enabled: boolean): Promise<void>
  /** Every stack of the account and region that ListStacks returns (deleted ones included), all pages. */
  listStacks(): Promise<StackSummary[]>
  /** Every change set of the stack, all pages. */
  listChangeSets(stackId: string): Promise<ChangeSetSummary[]>
}

/** CloudFormationOperations over the SDK client `client()` returns (built on first use). */
export class SdkCloudFormation implements CloudFormationOperations {
  constructor(private readonly client: () => Promise<CloudFormationClient>) {}

  async describeStack(stackName: string): Promise<StackDescription | undefined> {
    const {DescribeStacksCommand} = await import('@aws-sdk/client-cloudformation')
    try {
      const stack = (await (await this.client()).send(new DescribeStacksCommand({StackName: stackName}))).Stacks?.[0]
      if (stack === undefined || stack.StackStatus === 'DELETE_COMPLETE') return undefined
      const outputs = [...(stack.Outputs ?? [])].sort((a, b) => ((a.OutputKey ?? '') < (b.OutputKey ?? '') ? -1 : 1))
      return {
        stackId: stack.StackId ?? stackName,
        stackName: stack.StackName ?? stackName,
        status: stack.StackStatus ?? 'UNKNOWN',
        parameters: Object.fromEntries((stack.Parameters ?? []).map((p) => [p.ParameterKey ?? '', p.ParameterValue ?? ''])),
        tags: Object.fromEntries((stack.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
        outputs: Object.fromEntries(outputs.map((output) => [output.OutputKey ?? '', output.OutputValue ?? ''])),
        notificationArns: stack.NotificationARNs ?? [],
        ...(stack.RoleARN === undefined ? {} : {roleArn: stack.RoleARN}),
        terminationProtection: stack.EnableTerminationProtection ?? false,
      }
    } catch (error) {
      if (isMissingStack(error)) return undefined
      throw awsError(error, `Describing stack ${stackName}`)
    }
  }

  async getTemplate(target: {stackName: string; changeSetName?: string}, stage: TemplateStage): Promise<string | undefined> {
    const {GetTemplateCommand} = await import('@aws-sdk/client-cloudformation')
    try {
      const input = {StackName: target.stackName, TemplateStage: stage, ...(target.changeSetName === undefined ? {} : {ChangeSetName: target.changeSetName})}
      return (await (await this.client()).send(new GetTemplateCommand(input))).TemplateBody
    } catch (error) {
      // Deleted between the listing and this call: there is no template.
      if (awsErrorName(error) === 'ValidationError') return undefined
      throw awsError(error, `Reading the template of stack ${target.stackName}`)
    }
  }

  async stackEvents(stackName: string, nextToken?: string): Promise<StackEventPage | undefined> {
    const {DescribeStackEventsCommand} = await import('@aws-sdk/client-cloudformation')
    try {
      const page = await (await this.client()).send(new DescribeStackEventsCommand({StackName: stackName, NextToken: nextToken}))
      const events = (page.StackEvents ?? []).flatMap((event): StackEvent[] =>
        event.EventId === undefined
          ? []
          : [{
              eventId: event.EventId,
              ...(event.LogicalResourceId === undefined ? {} : {logicalId: event.LogicalResourceId}),
              ...(event.ResourceType === undefined ? {} : {resourceType: event.ResourceType}),
              ...(event.ResourceStatus === undefined ? {} : {status: event.ResourceStatus}),
              ...(event.ResourceStatusReason === undefined ? {} : {reason: event.ResourceStatusReason}),
              ...(event.Timestamp === undefined ? {} : {timestamp: event.Timestamp}),
            }],
      )
      return {events, ...(page.NextToken === undefined ? {} : {nextToken: page.NextToken})}
    } catch (error) {
      if (awsErrorName(error) === 'ValidationError') return undefined
      throw awsError(error, `Reading events of stack ${stackName}`)
    }
  }

  async createChangeSet(request: ChangeSetRequest): Promise<{changeSetId: string; stackId: string}> {
    const {CreateChangeSetCommand} = await import('@aws-sdk/client-cloudformation')
    try {
      const created = await (await this.client()).send(
        new CreateChangeSetCommand({
          StackName: request.stackName,
          ChangeSetName: request.changeSetName,
          ChangeSetType: request.changeSetType,
          ...request.template,
          Parameters: [...request.parameters],
          Capabilities: [...request.capabilities] as never,
          ...(request.tags === undefined ? {} : {Tags: Object.keys(request.tags).sort().map((key) => ({Key: key, Value: request.tags![key]}))}),
          ...(request.notificationArns === undefined ? {} : {NotificationARNs: [...request.notificationArns]}),
          ...(request.roleArn === undefined ? {} : {RoleARN: request.roleArn}),
          ...(request.description === undefined ? {} : {Description: request.description}),
        }),
      )
      if (created.Id === undefined) throw new Error('CreateChangeSet returned no change set id')
      return {changeSetId: created.Id, stackId: created.StackId ?? request.stackName}
    } catch (error) {
      throw awsError(error, `Creating a change set for stack ${request.stackName}`, DEPLOY_FAILED)
    }
  }

  async describeChangeSet(changeSetId: string): Promise<ChangeSetDescription> {
    const {DescribeChangeSetCommand} = await import('@aws-sdk/client-cloudformation')
    const described: ChangeSetDescription = {changes: []}
    let nextToken: string | undefined
    try {
      do {
        const page = await (await this.client()).send(new DescribeChangeSetCommand({ChangeSetName: changeSetId, NextToken: nextToken}))
        described.status = page.Status
        described.reason = page.StatusReason
        described.executionStatus = page.ExecutionStatus
        described.changes.push(...(page.Changes ?? []))
        // Until CloudFormation has computed the change set there is nothing to page through.
        nextToken = page.Status === 'CREATE_COMPLETE' ? page.NextToken : undefined
      } while (nextToken)
    } catch (error) {
      throw awsError(error, `Describing change set ${changeSetId}`, DEPLOY_FAILED)
    }
    return described
  }

  async executeChangeSet(changeSetId: string, options: {disableRollback?: boolean}): Promise<void> {
    const {ExecuteChangeSetCommand} = await import('@aws-sdk/client-cloudformation')
    try {
      await (await this.client()).send(new ExecuteChangeSetCommand({ChangeSetName: changeSetId, ...(options.disableRollback ? {DisableRollback: true} : {})}))
    } catch (error) {
      throw awsError(error, `Executing change set ${changeSetId}`, DEPLOY_FAILED)
    }
  }

  async deleteChangeSet(changeSetId: string): Promise<void> {
    const {DeleteChangeSetCommand} = await import('@aws-sdk/client-cloudformation')
    try {
      await (await this.client()).send(new DeleteChangeSetCommand({ChangeSetName: changeSetId}))
    } catch (error) {
      throw awsError(error, `Deleting change set ${changeSetId}`)
    }
  }

  async deleteStack(stack: {stackName: string; stackId?: string}): Promise<void> {
    const {DeleteStackCommand} = await import('@aws-sdk/client-cloudformation')
    try {
      await (await this.client()).send(new DeleteStackCommand({StackName: stack.stackId ?? stack.stackName}))
    } catch (error) {
      throw awsError(error, `Deleting stack ${stack.stackName}`, DEPLOY_FAILED)
    }
  }

  async setTerminationProtection(stackName: string, enabled: boolean): Promise<void> {
    const {UpdateTerminationProtectionCommand} = await import('@aws-sdk/client-cloudformation')
    try {
      await (await this.client()).send(new UpdateTerminationProtectionCommand({StackName: stackName, EnableTerminationProtection: enabled}))
    } catch (error) {
      throw awsError(error, `Setting termination protection on ${stackName}`)
    }
  }

  async listStacks(): Promise<StackSummary[]> {
    const {ListStacksCommand} = await import('@aws-sdk/client-cloudformation')
    const stacks: StackSummary[] = []
    let nextToken: string | undefined
    try {
      do {
        const page = await (await this.client()).send(new ListStacksCommand({NextToken: nextToken}))
        for (const summary of page.StackSummaries ?? []) {
          if (summary.StackId === undefined) continue
          stacks.push({stackId: summary.StackId, stackName: summary.StackName ?? summary.StackId, status: summary.StackStatus ?? ''})
        }
        nextToken = page.NextToken
      } while (nextToken)
    } catch (error) {
      throw awsError(error, 'Listing the stacks (ListStacks)')
    }
    return stacks
  }

  async listChangeSets(stackId: string): Promise<ChangeSetSummary[]> {
    const {ListChangeSetsCommand} = await import('@aws-sdk/client-cloudformation')
    const changeSets: ChangeSetSummary[] = []
    let nextToken: string | undefined
    try {
      do {
        const page = await (await this.client()).send(new ListChangeSetsCommand({StackName: stackId, NextToken: nextToken}))
        for (const summary of page.Summaries ?? []) {
          if (summary.ChangeSetId === undefined) continue
          changeSets.push({changeSetId: summary.ChangeSetId, ...(summary.ExecutionStatus === undefined ? {} : {executionStatus: summary.ExecutionStatus})})
        }
        nextToken = page.NextToken
      } while (nextToken)
    } catch (error) {
      // A stack deleted since it was listed has no change sets.
      if (awsErrorName(error) === 'ValidationError') return changeSets
      throw awsError(error, `Listing the change sets of stack ${stackId}`)
    }
    return changeSets
  }
}

const DEPLOY_FAILED: ErrorCode = 'DEPLOY_FAILED'

/** CloudFormation answers a missing stack with ValidationError "Stack with id X does not exist". */
function isMissingStack(error: unknown): boolean {
  return awsErrorName(error) === 'ValidationError' && /does not exist/.test((error as Error).message)
}
