import {dirname, resolve} from 'node:path'

import {AwsSession} from '../../aws/clients.js'
import type {Reporter} from '../events.js'
import {DELETE_SETTINGS, DEPLOY_SETTINGS, GC_SETTINGS} from '../config/command-settings/deploy.js'
import {awsOptions} from '../config/command-settings/shared.js'
import {type GivenSettings, missingSetting, resolveSettings} from '../config/settings.js'
import {decideConfirmation} from './confirm.js'
import {collectGarbage, type GcResult} from './gc.js'
import type {ChangeRow} from './plan.js'
import {type DeleteResult, deleteStack} from './delete.js'
import {type DeployResult, deployStack} from './index.js'
import {checkCapabilities, checkStackName} from './inputs.js'
import {defaultTemplateFile} from '../template/default-file.js'
import {trafficSettingsFrom} from '../traffic/from-flags.js'

export {DEFAULT_POLL_INTERVAL_MS} from '../config/command-settings/deploy.js'
const TIMEOUT_MS = 60 * 60 * 1000

export interface DeployIo {
  reporter: Reporter
  signal?: AbortSignal
  /** stdin is a terminal someone can answer on. */
  terminal: boolean
  /** Asks a yes/no question of that person. */
  ask: (question: string) => Promise<boolean>
}

/** `lpack deploy` from the command line: config merged in, then deployStack. */
export async function deployFromFlags(given: GivenSettings<typeof DEPLOY_SETTINGS>, io: DeployIo): Promise<DeployResult> {
  const settings = await resolveSettings('deploy', DEPLOY_SETTINGS, given, io.reporter)
  const stackName = settings.stackName
  if (stackName === undefined || stackName === '') throw missingSetting(DEPLOY_SETTINGS, 'stackName')
  checkStackName(stackName)
  const decision = decideConfirmation({
    yes: settings.yes === true,
    wanted: settings.confirmChangeset,
    destructive: false,
    stdinIsTerminal: io.terminal,
    command: 'lpack deploy',
    action: `execute the change set for ${stackName}`,
  })
  // Refused before anything is built or uploaded.
  if (decision.kind === 'refuse') throw decision.error
  const confirm = decision.kind === 'ask' ? (_changes: ChangeRow[]) => io.ask('Deploy this change set?') : undefined
  const capabilities = settings.capabilities ?? []
  checkCapabilities(capabilities)
  const templateFile = settings.templateFile ?? defaultTemplateFile()
  return deployStack({
    stackName,
    templateFile,
    buildDir: settings.buildDir,
    build: settings.noBuild !== true,
    bucket: settings.s3Bucket,
    resolveS3: settings.resolveS3 ?? false,
    prefix: settings.s3Prefix,
    kmsKeyId: settings.kmsKeyId,
    parameterOverrides: settings.parameterOverrides ?? {},
    tags: settings.tags,
    capabilities: capabilities.length > 0 ? capabilities : undefined,
    notificationArns: settings.notificationArns,
    roleArn: settings.roleArn,
    terminationProtection: settings.enableTerminationProtection,
    disableRollback: settings.disableRollback,
    execute: settings.noExecute !== true,
    failOnEmptyChangeset: settings.failOnEmptyChangeset,
    replaceFailedStack: settings.replaceFailedStack,
    transform: settings.transform,
    onBusy: settings.noWait ? 'fail' : 'wait',
    pollIntervalMs: settings.pollInterval,
    timeoutMs: TIMEOUT_MS,
    concurrency: settings.concurrency,
    config: {configEnv: settings.configEnv, configFile: settings.configFile},
    aws: new AwsSession(awsOptions(settings)),
    reporter: io.reporter,
    signal: io.signal,
    confirm,
    traffic: trafficSettingsFrom(settings, dirname(resolve(templateFile))),
  })
}

/** `lpack delete` from the command line. */
export async function deleteFromFlags(given: GivenSettings<typeof DELETE_SETTINGS>, io: DeployIo): Promise<DeleteResult> {
  const settings = await resolveSettings('delete', DELETE_SETTINGS, given, io.reporter)
  const stackName = settings.stackName
  if (stackName === undefined || stackName === '') throw missingSetting(DELETE_SETTINGS, 'stackName')
  checkStackName(stackName)
  const decision = decideConfirmation({yes: settings.yes === true, destructive: true, stdinIsTerminal: io.terminal, command: 'lpack delete', action: `delete stack ${stackName}`})
  if (decision.kind === 'refuse') throw decision.error
  return deleteStack({
    stackName,
    deleteArtifacts: settings.deleteArtifacts,
    bucket: settings.s3Bucket,
    prefix: settings.s3Prefix,
    rollbackBufferDays: settings.rollbackBufferDays,
    pollIntervalMs: settings.pollInterval,
    timeoutMs: TIMEOUT_MS,
    aws: new AwsSession(awsOptions(settings)),
    reporter: io.reporter,
    signal: io.signal,
    confirm: decision.kind === 'ask' ? (stack: string) => io.ask(`Delete stack ${stack}?`) : undefined,
  })
}

/** `lpack gc` from the command line: destructive, so confirmed like `lpack delete` (unless --dry-run). */
export async function gcFromFlags(given: GivenSettings<typeof GC_SETTINGS>, io: DeployIo): Promise<GcResult> {
  const settings = await resolveSettings('gc', GC_SETTINGS, given, io.reporter)
  const decision = decideConfirmation({yes: settings.yes === true || settings.dryRun, destructive: true, stdinIsTerminal: io.terminal, command: 'lpack gc', action: 'delete unused artifacts'})
  if (decision.kind === 'refuse') throw decision.error
  return collectGarbage({
    bucket: settings.s3Bucket,
    prefix: settings.s3Prefix,
    rollbackBufferDays: settings.rollbackBufferDays,
    dryRun: settings.dryRun,
    aws: new AwsSession(awsOptions(settings)),
    reporter: io.reporter,
    confirm: decision.kind === 'ask' ? (count) => io.ask(`Delete these ${count} artifact(s)?`) : undefined,
  })
}
