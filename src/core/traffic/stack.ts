/** What the traffic engine reads of a stack (its resources and deployed template) and its one stack update. */
import type {CloudFormationOperations} from '../../aws/cloudformation.js'
import type {StackResourceOperations} from '../../aws/stack-resources.js'
import {LpackError} from '../../errors.js'
import type {Reporter} from '../events.js'
import {serializeTemplate, type TemplateSource} from '../package/template-body.js'
import {inferCapabilities, isSuccessStatus} from '../deploy/plan.js'
import {collectFailures, newestEventId, watchStack} from '../deploy/stack.js'

type Json = Record<string, unknown>

export interface StackAccess {
  cfn: CloudFormationOperations
  resources: StackResourceOperations
}

export interface DeployedStack {
  stackName: string
  /** Logical id → physical id. */
  physicalIds: Map<string, string>
  template: Json
}

/** The stack's resources and deployed template, or undefined when there is no such stack. */
export async function readDeployedStack(stack: StackAccess, stackName: string): Promise<DeployedStack | undefined> {
  const physicalIds = await stack.resources.physicalIds(stackName)
  if (physicalIds === undefined) return undefined
  const body = await stack.cfn.getTemplate({stackName}, 'Original')
  if (body === undefined) return undefined
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
 * makes the template name the version the alias now runs. `source` turns the body into what CloudFormation
 * takes: the body itself up to 51,200 bytes, else its S3 URL (as `lpack deploy` passes it).
 */
export async function updateStackTemplate(
  stack: StackAccess,
  stackName: string,
  template: Json,
  options: {pollIntervalMs: number; reporter: Reporter; signal?: AbortSignal; source: (body: string) => Promise<TemplateSource>},
): Promise<void> {
  const sinceEventId = await newestEventId(stack.cfn, stackName)
  const parameters = Object.keys((template.Parameters ?? {}) as Json).sort()
  const source = await options.source(serializeTemplate(template))
  if ((await stack.resources.updateTemplate(stackName, source, parameters, inferCapabilities(template))) === 'no-changes') return
  const watched = await watchStack(stack.cfn, {stackName, sinceEventId, pollIntervalMs: options.pollIntervalMs, reporter: options.reporter, timeoutMs: 60 * 60_000})
  if (!isSuccessStatus(watched.status)) {
    const failures = collectFailures(watched.events, stackName)
    throw new LpackError('DEPLOY_FAILED', `The release finished, but updating stack ${stackName} to name the new versions failed: ${watched.status}${failures.map((failure) => `\n  ${failure.logicalId}: ${failure.reason}`).join('')}`, {
      hint: `The aliases run the new versions; run \`lpack deploy\` again to bring the template in line.`,
      details: {stackName, status: watched.status},
    })
  }
}
