import {AwsSession} from '../../aws/clients.js'
import type {Reporter} from '../events.js'
import {AWS_KEYS, mergeFlagsWithConfig, type RawFlags} from '../config/resolve.js'
import {parseKeyValues, parseList} from '../config/values.js'
import {LpackError} from '../../errors.js'
import {decideConfirmation} from './confirm.js'
import {collectGarbage, DEFAULT_ROLLBACK_BUFFER_DAYS, type GcResult} from './gc.js'
import type {ChangeRow} from './plan.js'
import {type DeleteResult, deleteStack} from './delete.js'
import {type DeployResult, deployStack} from './index.js'
import {checkCapabilities, checkStackName} from './inputs.js'
import {defaultTemplateFile} from '../template/default-file.js'

export const DEPLOY_KEYS = [
  ...AWS_KEYS,
  'stack-name', 'template-file', 'build-dir', 'no-build', 's3-bucket', 's3-prefix', 'resolve-s3', 'kms-key-id',
  'parameter-overrides', 'tags', 'capabilities', 'notification-arns', 'role-arn', 'enable-termination-protection',
  'disable-rollback', 'no-execute', 'fail-on-empty-changeset', 'replace-failed-stack', 'transform', 'no-wait',
  'concurrency', 'poll-interval', 'confirm-changeset',
] as const

export const DELETE_KEYS = [...AWS_KEYS, 'stack-name', 'delete-artifacts', 's3-bucket', 's3-prefix', 'rollback-buffer-days', 'poll-interval'] as const

export const GC_KEYS = [...AWS_KEYS, 's3-bucket', 's3-prefix', 'rollback-buffer-days', 'dry-run'] as const

export const DEFAULT_POLL_INTERVAL_MS = 1000
const TIMEOUT_MS = 60 * 60 * 1000

export interface DeployIo {
  reporter: Reporter
  signal?: AbortSignal
  /** stdin is a terminal someone can answer on. */
  terminal: boolean
  /** Asks a yes/no question of that person. */
  ask: (question: string) => Promise<boolean>
}

/** `lpack deploy` from its flags: config merged in, then deployStack. */
export async function deployFromFlags(flags: RawFlags, io: DeployIo): Promise<DeployResult> {
  const settings = await mergeFlagsWithConfig('deploy', flags, DEPLOY_KEYS, io.reporter)
  const stackName = settings.required('stack-name')
  checkStackName(stackName)
  const decision = decideConfirmation({
    yes: flags.yes === true,
    wanted: settings.boolean('confirm-changeset'),
    destructive: false,
    stdinIsTerminal: io.terminal,
    command: 'lpack deploy',
    action: `execute the change set for ${stackName}`,
  })
  // Refused before anything is built or uploaded.
  if (decision.kind === 'refuse') throw decision.error
  const confirm = decision.kind === 'ask' ? (_changes: ChangeRow[]) => io.ask('Deploy this change set?') : undefined
  const templateFile = settings.string('template-file') ?? defaultTemplateFile()
  const transform = settings.string('transform') ?? 'auto'
  if (transform !== 'auto' && transform !== 'local' && transform !== 'server') {
    throw new LpackError('USAGE', `--transform must be auto, local or server, got ${transform}`)
  }
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
    configFlags: {'config-env': flags['config-env'], 'config-file': flags['config-file']},
    aws: new AwsSession(settings.aws()),
    reporter: io.reporter,
    signal: io.signal,
    confirm,
  })
}

/** `lpack delete` from its flags. */
export async function deleteFromFlags(flags: RawFlags, io: DeployIo): Promise<DeleteResult> {
  const settings = await mergeFlagsWithConfig('delete', flags, DELETE_KEYS, io.reporter)
  const stackName = settings.required('stack-name')
  checkStackName(stackName)
  const decision = decideConfirmation({yes: flags.yes === true, destructive: true, stdinIsTerminal: io.terminal, command: 'lpack delete', action: `delete stack ${stackName}`})
  if (decision.kind === 'refuse') throw decision.error
  return deleteStack({
    stackName,
    deleteArtifacts: settings.boolean('delete-artifacts') ?? false,
    bucket: settings.string('s3-bucket'),
    prefix: settings.string('s3-prefix'),
    rollbackBufferDays: rollbackBufferDays(settings.raw('rollback-buffer-days')),
    pollIntervalMs: settings.integer('poll-interval') ?? DEFAULT_POLL_INTERVAL_MS,
    timeoutMs: TIMEOUT_MS,
    aws: new AwsSession(settings.aws()),
    reporter: io.reporter,
    signal: io.signal,
    confirm: decision.kind === 'ask' ? (stack: string) => io.ask(`Delete stack ${stack}?`) : undefined,
  })
}

/** `--rollback-buffer-days`: a whole number of days, 0 or more (0: no grace period). */
export function rollbackBufferDays(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_ROLLBACK_BUFFER_DAYS
  const days = Number(value)
  if (!Number.isInteger(days) || days < 0) throw new LpackError('CONFIG_INVALID', `rollback-buffer-days must be a whole number of days (0 or more), got ${JSON.stringify(value)}`)
  return days
}

/** `lpack gc` from its flags: destructive, so confirmed like `lpack delete` (unless --dry-run). */
export async function gcFromFlags(flags: RawFlags, io: DeployIo): Promise<GcResult> {
  const settings = await mergeFlagsWithConfig('gc', flags, GC_KEYS, io.reporter)
  const dryRun = settings.boolean('dry-run') ?? false
  const decision = decideConfirmation({yes: flags.yes === true || dryRun, destructive: true, stdinIsTerminal: io.terminal, command: 'lpack gc', action: 'delete unused artifacts'})
  if (decision.kind === 'refuse') throw decision.error
  return collectGarbage({
    bucket: settings.string('s3-bucket'),
    prefix: settings.string('s3-prefix'),
    rollbackBufferDays: rollbackBufferDays(settings.raw('rollback-buffer-days')),
    dryRun,
    aws: new AwsSession(settings.aws()),
    reporter: io.reporter,
    confirm: decision.kind === 'ask' ? (count) => io.ask(`Delete these ${count} artifact(s)?`) : undefined,
  })
}
