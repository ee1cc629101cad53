/** What the traffic engine reads of a stack (its resources and deployed template) and its one stack update. */
import type {CloudFormationClient} from '@aws-sdk/client-cloudformation'

import {awsError, awsErrorName} from '../../aws/errors.js'
import {LpackError} from '../../errors.js'
import type {Reporter} from '../../io/reporter.js'
import {inferCapabilities, isSuccessStatus} from '../deploy/plan.js'
import {collectFailures, newestEventId, watchStack} from '../deploy/stack.js'

type Json = Record<string, unknown>

export interface DeployedStack {
  stackName: string
  /** Logical id → physical id. */
  physicalIds: Map<string, string>
  template: Json
}

/** The stack's resources and deployed template, or undefined when there is no such stack. */
export async function readDeployedStack(cf: CloudFormationClient, stackName: string): Promise<DeployedStack | undefined> {
  const {ListStackResourcesCommand, GetTemplateCommand} = await import('@aws-sdk/client-cloudformation')
  const physicalIds = new Map<string, string>()
  let body: string
  try {
    let nextToken: string | undefined
    do {
      const page = await cf.send(new ListStackResourcesCommand({StackName: stackName, NextToken: nextToken}))
      for (const resource of page.StackResourceSummaries ?? []) {
        if (resource.LogicalResourceId && resource.PhysicalResourceId) physicalIds.set(resource.LogicalResourceId, resource.PhysicalResourceId)
      }
      nextToken = page.NextToken
    } while (nextToken)
    const template = await cf.send(new GetTemplateCommand({StackName: stackName, TemplateStage: 'Original'}))
    body = template.TemplateBody ?? '{}'
  } catch (error) {
    if (awsErrorName(error) === 'ValidationError' && /does not exist/.test(String((error as Error).message))) return undefined
    throw awsError(error, `Reading stack ${stackName}`)
  }
  return {stackName, physicalIds, template: await parseTemplateBody(body)}
}

async function parseTemplateBody(body: string): Promise<Json> {
  try {
    return JSON.parse(body) as Json
  } catch {
    // A stack deployed by another tool may hold YAML.
    const {parse} = await import('yaml')
    return (parse(body) ?? {}) as Json
  }
}

/**
 * Updates the stack to `template`, keeping its parameters, tags and role: the second update of a release, which
 * makes the template name the version the alias now runs. CloudFormation takes a body of up to 51,200 bytes here.
 */
export async function updateStackTemplate(cf: CloudFormationClient, stackName: string, template: Json, options: {pollIntervalMs: number; reporter: Reporter; signal?: AbortSignal}): Promise<void> {
  const {UpdateStackCommand} = await import('@aws-sdk/client-cloudformation')
  const parameters = Object.keys((template.Parameters ?? {}) as Json).sort().map((key) => ({ParameterKey: key, UsePreviousValue: true}))
  const sinceEventId = await newestEventId(cf, stackName)
  try {
    await cf.send(new UpdateStackCommand({StackName: stackName, TemplateBody: JSON.stringify(template), Parameters: parameters, Capabilities: inferCapabilities(template) as never}))
  } catch (error) {
    if (/No updates are to be performed/.test(String((error as Error)?.message))) return
    throw awsError(error, `Updating stack ${stackName} to the released versions`, 'DEPLOY_FAILED')
  }
  const watched = await watchStack(cf, {stackName, sinceEventId, pollIntervalMs: options.pollIntervalMs, reporter: options.reporter, timeoutMs: 60 * 60_000})
  if (!isSuccessStatus(watched.status)) {
    const failures = collectFailures(watched.events, stackName)
    throw new LpackError('DEPLOY_FAILED', `The release finished, but updating stack ${stackName} to name the new versions failed: ${watched.status}${failures.map((failure) => `\n  ${failure.logicalId}: ${failure.reason}`).join('')}`, {
      hint: `The aliases run the new versions; run \`lpack deploy\` again to bring the template in line.`,
      details: {stackName, status: watched.status},
    })
  }
}
