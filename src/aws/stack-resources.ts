/**
 * The CloudFormation calls of a release beyond the AWS door's CloudFormationOperations (src/aws/cloudformation.ts):
 * a stack's logical → physical ids, and the direct template update that ends a release.
 */
import type {CloudFormationClient} from '@aws-sdk/client-cloudformation'

import {awsError, awsErrorName} from './errors.js'

export interface StackResourceOperations {
  /** Logical id → physical id of every resource of the stack; undefined when there is no such stack. */
  physicalIds(stackName: string): Promise<Map<string, string> | undefined>
  /**
   * UpdateStack with a new template (its body, or its S3 URL when over CloudFormation's inline limit), keeping the
   * named parameters' values; 'no-changes' when CloudFormation says so.
   */
  updateTemplate(stackName: string, template: {TemplateBody: string} | {TemplateURL: string}, keepParameters: string[], capabilities: string[]): Promise<'updating' | 'no-changes'>
}

export function stackResourceOperations(client: () => Promise<CloudFormationClient>): StackResourceOperations {
  const sdk = () => import('@aws-sdk/client-cloudformation')
  return {
    async physicalIds(stackName) {
      const {ListStackResourcesCommand} = await sdk()
      const ids = new Map<string, string>()
      try {
        let nextToken: string | undefined
        do {
          const page = await (await client()).send(new ListStackResourcesCommand({StackName: stackName, NextToken: nextToken}))
          for (const resource of page.StackResourceSummaries ?? []) {
            if (resource.LogicalResourceId && resource.PhysicalResourceId) ids.set(resource.LogicalResourceId, resource.PhysicalResourceId)
          }
          nextToken = page.NextToken
        } while (nextToken)
      } catch (error) {
        if (awsErrorName(error) === 'ValidationError' && /does not exist/.test(String((error as Error).message))) return undefined
        throw awsError(error, `Listing the resources of stack ${stackName}`)
      }
      return ids
    },
    async updateTemplate(stackName, template, keepParameters, capabilities) {
      const {UpdateStackCommand} = await sdk()
      try {
        await (await client()).send(new UpdateStackCommand({
          StackName: stackName,
          ...template,
          Parameters: keepParameters.map((key) => ({ParameterKey: key, UsePreviousValue: true})),
          Capabilities: capabilities as never,
        }))
        return 'updating'
      } catch (error) {
        if (/No updates are to be performed/.test(String((error as Error)?.message))) return 'no-changes'
        throw awsError(error, `Updating stack ${stackName} to the released versions`, 'DEPLOY_FAILED')
      }
    },
  }
}
