import type {CloudFormationClient} from '@aws-sdk/client-cloudformation'

import type {AwsSession} from '../../aws/clients.js'
import {awsError, awsErrorName} from '../../aws/errors.js'
import {LpackError} from '../../errors.js'
import type {Reporter} from '../../io/reporter.js'
import {parseTemplate} from '../template/load.js'
import {collectFailures, describeStack, newestEventId, watchStack} from './stack.js'

export interface DeleteOptions {
  stackName: string
  /** Also delete the S3 objects the stack's template points its code at. */
  deleteArtifacts: boolean
  pollIntervalMs: number
  timeoutMs: number
  aws: AwsSession
  reporter: Reporter
  signal?: AbortSignal
  confirm?: (stackName: string) => Promise<boolean>
}

export interface S3Location {
  bucket: string
  key: string
}

export type DeleteResult =
  | {kind: 'deleted'; stackName: string; stackId: string; deletedArtifacts: S3Location[]}
  | {kind: 'not-found'; stackName: string}

/** `lpack delete`: deletes the stack, waits for it, then (when asked) the code objects it used. */
export async function deleteStack(options: DeleteOptions): Promise<DeleteResult> {
  const {stackName, reporter} = options
  const cf = await options.aws.cloudFormation()
  const stack = await describeStack(cf, stackName)
  if (stack === undefined) {
    reporter.emit({level: 'info', kind: 'delete.not-found', message: `Stack ${stackName} does not exist; nothing to delete`})
    return {kind: 'not-found', stackName}
  }
  if (stack.EnableTerminationProtection) {
    throw new LpackError('DEPLOY_FAILED', `Stack ${stackName} has termination protection enabled`, {
      hint: `Turn it off first: aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name ${stackName}`,
    })
  }
  const artifacts = options.deleteArtifacts ? await codeLocations(cf, stack.StackId!) : []
  if (options.confirm !== undefined && !(await options.confirm(stackName))) {
    throw new LpackError('DECLINED', `Deletion of stack ${stackName} declined`)
  }
  const {DeleteStackCommand} = await import('@aws-sdk/client-cloudformation')
  const sinceEventId = await newestEventId(cf, stack.StackId!)
  try {
    await cf.send(new DeleteStackCommand({StackName: stack.StackId}))
  } catch (error) {
    throw awsError(error, `Deleting stack ${stackName}`, 'DEPLOY_FAILED')
  }
  const watched = await watchStack(cf, {stackName, stackId: stack.StackId, sinceEventId, resumeWith: `\`lpack delete --stack-name ${stackName}\``, pollIntervalMs: options.pollIntervalMs, reporter, signal: options.signal, timeoutMs: options.timeoutMs})
  if (watched.status !== 'DELETE_COMPLETE') {
    const failures = collectFailures(watched.events, stackName)
    throw new LpackError('DEPLOY_FAILED', [`Deleting stack ${stackName} failed: ${watched.status}`, ...failures.map((f) => `  ${f.logicalId} (${f.type}): ${f.reason}`)].join('\n'), {
      details: {stackName, status: watched.status, failures},
    })
  }
  reporter.emit({level: 'info', kind: 'delete.done', message: `Stack ${stackName} deleted`})
  const deletedArtifacts = await deleteObjects(options.aws, artifacts, reporter)
  return {kind: 'deleted', stackName, stackId: stack.StackId!, deletedArtifacts}
}

/** The S3 objects a stack's (original) template points code at: CodeUri, ContentUri, Code, Content. */
async function codeLocations(cf: CloudFormationClient, stackId: string): Promise<S3Location[]> {
  const {GetTemplateCommand} = await import('@aws-sdk/client-cloudformation')
  let body: string | undefined
  try {
    body = (await cf.send(new GetTemplateCommand({StackName: stackId, TemplateStage: 'Original'}))).TemplateBody
  } catch (error) {
    throw awsError(error, `Reading the template of stack ${stackId}`)
  }
  const template = body === undefined ? undefined : parseTemplate(body, 'stack-template').template?.value
  return template === undefined ? [] : codeLocationsIn(template)
}

/** Pure: S3 code locations in a template, sorted and without duplicates. */
export function codeLocationsIn(template: Record<string, unknown>): S3Location[] {
  const found = new Map<string, S3Location>()
  const add = (bucket: unknown, key: unknown) => {
    if (typeof bucket === 'string' && typeof key === 'string') found.set(`${bucket}/${key}`, {bucket, key})
  }
  for (const resource of Object.values((template.Resources ?? {}) as Record<string, {Properties?: Record<string, unknown>}>)) {
    const properties = resource?.Properties ?? {}
    for (const name of ['CodeUri', 'ContentUri', 'Code', 'Content']) {
      const value = properties[name]
      if (typeof value === 'string') {
        const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(value)
        if (match) add(match[1], match[2])
      } else if (value !== null && typeof value === 'object') {
        const location = value as Record<string, unknown>
        add(location.S3Bucket ?? location.Bucket, location.S3Key ?? location.Key)
      }
    }
  }
  return [...found.values()].sort((a, b) => (`${a.bucket}/${a.key}` < `${b.bucket}/${b.key}` ? -1 : 1))
}

async function deleteObjects(aws: AwsSession, locations: S3Location[], reporter: Reporter): Promise<S3Location[]> {
  if (locations.length === 0) return []
  const {DeleteObjectCommand} = await import('@aws-sdk/client-s3')
  const s3 = await aws.s3()
  const owner = await aws.accountId()
  const deleted: S3Location[] = []
  for (const location of locations) {
    try {
      await s3.send(new DeleteObjectCommand({Bucket: location.bucket, Key: location.key, ExpectedBucketOwner: owner}))
      deleted.push(location)
      reporter.emit({level: 'info', kind: 'delete.artifact', message: `Deleted s3://${location.bucket}/${location.key}`})
    } catch (error) {
      if (awsErrorName(error) === 'NoSuchBucket' || awsErrorName(error) === 'NoSuchKey') continue
      throw awsError(error, `Deleting s3://${location.bucket}/${location.key}`)
    }
  }
  return deleted
}
