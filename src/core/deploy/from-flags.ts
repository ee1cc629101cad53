import {AwsSession} from '../../aws/clients.js'
import type {Reporter} from '../../io/reporter.js'
import {AWS_KEYS, mergeFlagsWithConfig, type RawFlags} from '../config/resolve.js'
import {parseKeyValues, parseList} from '../config/values.js'
import type {ChangeRow} from './plan.js'
import {type DeleteResult, deleteStack} from './delete.js'
import {type DeployResult, deployStack} from './index.js'
import {checkCapabilities, checkStackName} from './inputs.js'

export const DEPLOY_KEYS = [
  ...AWS_KEYS,
  'stack-name', 'template-file', 'build-dir', 'no-build', 's3-bucket', 's3-prefix', 'resolve-s3', 'kms-key-id',
  'parameter-overrides', 'tags', 'capabilities', 'notification-arns', 'role-arn', 'enable-termination-protection',
  'disable-rollback', 'no-execute', 'fail-on-empty-changeset', 'replace-failed-stack', 'transform', 'no-wait',
  'concurrency', 'poll-interval',
] as const

export const DELETE_KEYS = [...AWS_KEYS, 'stack-name', 'delete-artifacts', 'poll-interval'] as const

export const DEFAULT_POLL_INTERVAL_MS = 1000
const TIMEOUT_MS = 60 * 60 * 1000

export interface DeployIo {
  reporter: Reporter
  signal?: AbortSignal
  confirm?: (changes: ChangeRow[]) => Promise<boolean>
}

/** `lpack deploy` from its flags: config merged in, then deployStack. */
export async function deployFromFlags(flags: RawFlags, io: DeployIo): Promise<DeployResult> {
  const settings = await mergeFlagsWithConfig('deploy', flags, DEPLOY_KEYS, io.reporter)
  const templateFile = settings.string('template-file') ?? 'template.yaml'
  const transform = settings.string('transform') ?? 'auto'
  if (transform !== 'auto' && transform !== 'local' && transform !== 'server') {
    const {LpackError} = await import('../../errors.js')
    throw new LpackError('USAGE', `--transform must be auto, local or server, got ${transform}`)
  }
  const stackName = settings.required('stack-name')
  checkStackName(stackName)
  const capabilities = parseList(settings.raw('capabilities'), 'capabilities')
  checkCapabilities(capabilities)
  const tags = settings.raw('tags')
  const notificationArns = settings.raw('notification-arns')
  return deployStack({
    stackName,
    templateFile,
    buildDir: settings.string('build-dir'),
    build: settings.boolean('no-build') !== true,
    bucket: settings.string('s3-bucket'),
    resolveS3: settings.boolean('resolve-s3') ?? false,
    prefix: settings.string('s3-prefix'),
    kmsKeyId: settings.string('kms-key-id'),
    parameterOverrides: parseKeyValues(settings.raw('parameter-overrides'), 'parameter-overrides', {allowFiles: true}),
    tags: tags === undefined ? undefined : parseKeyValues(tags, 'tags'),
    capabilities: capabilities.length > 0 ? capabilities : undefined,
    notificationArns: notificationArns === undefined ? undefined : parseList(notificationArns, 'notification-arns'),
    roleArn: settings.string('role-arn'),
    terminationProtection: settings.boolean('enable-termination-protection'),
    disableRollback: settings.boolean('disable-rollback') ?? false,
    execute: settings.boolean('no-execute') !== true,
    failOnEmptyChangeset: settings.boolean('fail-on-empty-changeset') ?? false,
    replaceFailedStack: settings.boolean('replace-failed-stack') ?? false,
    transform,
    onBusy: settings.boolean('no-wait') ? 'fail' : 'wait',
    pollIntervalMs: settings.integer('poll-interval') ?? DEFAULT_POLL_INTERVAL_MS,
    timeoutMs: TIMEOUT_MS,
    concurrency: settings.integer('concurrency'),
    aws: new AwsSession(settings.aws()),
    reporter: io.reporter,
    signal: io.signal,
    confirm: io.confirm,
  })
}

/** `lpack delete` from its flags. */
export async function deleteFromFlags(flags: RawFlags, io: {reporter: Reporter; signal?: AbortSignal; confirm?: (stackName: string) => Promise<boolean>}): Promise<DeleteResult> {
  const settings = await mergeFlagsWithConfig('delete', flags, DELETE_KEYS, io.reporter)
  const stackName = settings.required('stack-name')
  checkStackName(stackName)
  return deleteStack({
    stackName,
    deleteArtifacts: settings.boolean('delete-artifacts') ?? false,
    pollIntervalMs: settings.integer('poll-interval') ?? DEFAULT_POLL_INTERVAL_MS,
    timeoutMs: TIMEOUT_MS,
    aws: new AwsSession(settings.aws()),
    reporter: io.reporter,
    signal: io.signal,
    confirm: io.confirm,
  })
}
