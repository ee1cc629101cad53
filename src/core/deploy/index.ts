import {dirname} from 'node:path'

import type {AwsAccess} from '../../aws/clients.js'
import type {CloudFormationOperations, StackDescription} from '../../aws/cloudformation.js'
import {isLpackError, LpackError} from '../../errors.js'
import type {Reporter} from '../events.js'
import {packageBuild} from '../package/index.js'
import {serializeTemplate, templateSource} from '../package/template-body.js'
import {transformsOf} from '../transform/language-extensions.js'
import {createChangeSet, executeChangeSet} from './changeset.js'
import {
  type ChangeRow,
  classifyStackStatus,
  inferCapabilities,
  isSuccessStatus,
  isUnchanged,
  planParameters,
  type StackState,
  summarizeChanges,
} from './plan.js'
import {checkParameterValues} from './inputs.js'
import {prepareTemplate} from './prepare.js'
import {defaultTrafficSettings, prepareDeployRelease, type ReleaseOutcome, type TrafficSettings} from '../traffic/index.js'
import {collectFailures, deployedState, newestEventId, type ResourceFailure, watchStack} from './stack.js'

export interface DeployOptions {
  stackName: string
  /** The source template (built first unless `build` is false). */
  templateFile: string
  /** Default: `.lpack/build` beside the template. */
  buildDir?: string
  build: boolean
  bucket?: string
  resolveS3: boolean
  prefix?: string
  kmsKeyId?: string
  parameterOverrides: Record<string, string>
  /** Undefined: keep the stack's tags. */
  tags?: Record<string, string>
  /** Undefined: inferred from the template. */
  capabilities?: string[]
  notificationArns?: string[]
  roleArn?: string
  terminationProtection?: boolean
  disableRollback: boolean
  execute: boolean
  failOnEmptyChangeset: boolean
  /** Delete and recreate a stack left in ROLLBACK_COMPLETE by a failed create. */
  replaceFailedStack: boolean
  transform: 'auto' | 'local' | 'server'
  /** A stack busy with another operation: wait for it, or fail at once. */
  onBusy: 'wait' | 'fail'
  pollIntervalMs: number
  timeoutMs: number
  concurrency?: number
  /** --config-env / --config-file as given: the build reads its own section of the same config. */
  config?: {configEnv?: string; configFile?: string}
  aws: AwsAccess
  reporter: Reporter
  signal?: AbortSignal
  /** Asked once before executing; absent means yes (non-interactive). */
  confirm?: (changes: ChangeRow[]) => Promise<boolean>
  /** How aliases with a DeploymentPreference are released (src/core/traffic). */
  traffic?: TrafficSettings
}

export interface UploadSummary {
  uploadedCount: number
  uploadedBytes: number
  skippedCount: number
  bucket: string
}

export type DeployResult =
  | {kind: 'deployed'; stackName: string; stackId: string; status: string; changeSetType: 'CREATE' | 'UPDATE'; changes: ChangeRow[]; outputs: Record<string, string>; uploads: UploadSummary; release?: ReleaseOutcome}
  | {kind: 'no-changes'; stackName: string; reason: string; uploads: UploadSummary}
  | {kind: 'change-set-created'; stackName: string; changeSetId: string; changeSetType: 'CREATE' | 'UPDATE'; changes: ChangeRow[]; uploads: UploadSummary}

/**
 * `lpack deploy`: build if stale → package → transform → change set → summary → confirm → execute → watch →
 * outcome. An unchanged stack is detected before any change set. A failed operation throws DEPLOY_FAILED
 * with every failed resource and its reason (collected after the rollback too).
 */
export async function deployStack(options: DeployOptions): Promise<DeployResult> {
  try {
    return await deploy(options)
  } catch (error) {
    // Ctrl-C during the build or the uploads surfaces as an AbortError; the stack has not been touched yet.
    if (options.signal?.aborted && !isLpackError(error)) throw interruptedBeforeChange(options.stackName, 'before any change set was created')
    throw error
  }
}

async function deploy(options: DeployOptions): Promise<DeployResult> {
  const {reporter, stackName} = options
  // An unparsable template fails here, before any call to AWS, as it fails `validate`.
  if (options.build) await (await import('../template/load.js')).assertTemplateParses(options.templateFile)
  await checkParameterOverrides(options)
  const cfn = options.aws.cloudFormationOperations()

  const {stack, state} = await settleStack(cfn, options)
  const build = await prepareBuild(options)
  const packaged = await packageBuild({
    buildDir: build.buildDir,
    build,
    bucket: options.bucket,
    resolveS3: options.resolveS3,
    prefix: options.prefix,
    kmsKeyId: options.kmsKeyId,
    concurrency: options.concurrency,
    aws: options.aws,
    reporter,
    signal: options.signal,
  }).catch((error: unknown) => {
    if (isLpackError(error) && error.code === 'INTERRUPTED') {
      throw new LpackError('INTERRUPTED', `${error.message}. No change set was created; stack ${stackName} was not changed`, {hint: error.hint, details: {...error.details, stackName}})
    }
    throw error
  })
  if (options.signal?.aborted) throw interruptedBeforeChange(stackName, 'after the uploads')
  const uploads: UploadSummary = {uploadedCount: packaged.uploadedCount, uploadedBytes: packaged.uploadedBytes, skippedCount: packaged.skippedCount, bucket: packaged.bucket}
  const template = await prepareTemplate(packaged.template, {
    isFloat: packaged.isFloat,
    mode: options.transform,
    parameters: options.parameterOverrides,
    ...(state.kind === 'ready' && stack !== undefined ? {previousParameters: stack.parameters} : {}),
    region: options.aws.region,
    stackName,
    // Already looked up by the package step (STS, cached): no extra call.
    accountId: await options.aws.accountId(),
    reporter,
  })
  // Releases (#16): refuses to deploy over one in flight; lpack's engine holds aliases on their live versions.
  const release = await prepareDeployRelease({
    stackName,
    template,
    settings: options.traffic ?? defaultTrafficSettings(dirname(options.templateFile)),
    aws: options.aws,
    reporter,
    signal: options.signal,
    // The release ends with one more stack update: a template over the inline limit goes where this one goes.
    templateUpload: {target: packaged.target, ...(options.prefix === undefined ? {} : {prefix: options.prefix})},
  })
  // A template left to CloudFormation's transforms is the packaged one, path for path: its floats stay floats.
  const templateBody = serializeTemplate(release.template, transformsOf(release.template).length > 0 ? packaged.isFloat : undefined)
  const changeSetType = state.kind === 'ready' ? 'UPDATE' : 'CREATE'
  const templateParameters = Object.keys((template.Parameters ?? {}) as Record<string, unknown>)
  const parameters = planParameters(templateParameters, options.parameterOverrides, changeSetType === 'UPDATE' ? new Set(Object.keys(stack?.parameters ?? {})) : undefined)

  if (stack !== undefined && options.terminationProtection !== undefined && stack.terminationProtection !== options.terminationProtection) {
    await cfn.setTerminationProtection(stackName, options.terminationProtection)
  }
  if (changeSetType === 'UPDATE' && stack !== undefined) {
    const deployed = await deployedState(cfn, stack)
    if (isUnchanged(deployed, {templateBody, parameters, tags: options.tags, notificationArns: options.notificationArns, roleArn: options.roleArn})) {
      return noChanges(options, 'Template, parameters and tags equal the deployed stack', uploads)
    }
  }

  const capabilities = options.capabilities ?? inferCapabilities(template)
  if (options.capabilities === undefined && capabilities.length > 0) {
    reporter.emit({kind: 'deploy.capabilities', data: {capabilities}})
  }
  const source = await templateSource(templateBody, {
    store: options.aws.artifactStore(),
    target: packaged.target,
    prefix: options.prefix,
    region: options.aws.region,
    customEndpoint: options.aws.customS3Endpoint(),
    reporter,
  })
  const changeSet = await createChangeSet(
    cfn,
    {
      stackName,
      changeSetName: `lpack-${Date.now()}`,
      changeSetType,
      template: source,
      parameters,
      capabilities,
      ...(options.tags === undefined ? {} : {tags: options.tags}),
      ...(options.notificationArns === undefined ? {} : {notificationArns: options.notificationArns}),
      ...(options.roleArn === undefined ? {} : {roleArn: options.roleArn}),
      description: 'Created by lpack deploy',
    },
    {pollIntervalMs: options.pollIntervalMs, timeoutMs: options.timeoutMs, signal: options.signal},
  )
  if (changeSet.kind === 'refused-empty') return noChanges(options, changeSet.reason, uploads)
  if (changeSet.kind === 'empty') {
    await cfn.deleteChangeSet(changeSet.changeSetId)
    return noChanges(options, changeSet.reason, uploads)
  }
  const changes = summarizeChanges(changeSet.changes)
  reporter.emit({kind: 'deploy.changeset', data: {stackName, changeSetType, changeSetId: changeSet.changeSetId, changes}})
  if (!options.execute) {
    return {kind: 'change-set-created', stackName, changeSetId: changeSet.changeSetId, changeSetType, changes, uploads}
  }
  if (options.confirm !== undefined && !(await options.confirm(changes))) {
    await cfn.deleteChangeSet(changeSet.changeSetId)
    throw new LpackError('DECLINED', `Deployment of ${stackName} declined; the change set was deleted`)
  }
  // The last moment Ctrl-C can keep the stack as it is: the change set exists but has not run.
  if (options.signal?.aborted) {
    await cfn.deleteChangeSet(changeSet.changeSetId)
    throw interruptedBeforeChange(stackName, `before executing change set ${changeSet.changeSetId}, which was deleted${changeSetType === 'CREATE' ? ` (the new stack stays empty in REVIEW_IN_PROGRESS: the next \`lpack deploy\` reuses it, \`lpack delete\` removes it)` : ''}`)
  }

  const sinceEventId = await newestEventId(cfn, changeSet.stackId)
  await executeChangeSet(cfn, changeSet.changeSetId, {disableRollback: options.disableRollback, reporter})
  reporter.emit({kind: 'deploy.execute', data: {stackName, changeSetId: changeSet.changeSetId}})
  if (changeSetType === 'CREATE' && options.terminationProtection) await cfn.setTerminationProtection(stackName, true)
  const watched = await watchStack(cfn, {stackName, stackId: changeSet.stackId, sinceEventId, pollIntervalMs: options.pollIntervalMs, reporter, signal: options.signal, timeoutMs: options.timeoutMs})
  if (!isSuccessStatus(watched.status)) {
    throw deployFailure(stackName, watched.status, collectFailures(watched.events, stackName), options.disableRollback)
  }
  const outputs = {...watched.stack?.outputs}
  reporter.emit({kind: 'deploy.done', data: {stackName, status: watched.status, outputs}})
  const released = await release.release()
  return {kind: 'deployed', stackName, stackId: watched.stack?.stackId ?? changeSet.stackId, status: watched.status, changeSetType, changes, outputs, uploads, ...(released ? {release: released} : {})}
}

/**
 * The stack as the change set will find it: a running operation waited for (or, with onBusy 'fail', refused
 * at once), a stack left by a failed create deleted when asked, a stack that needs a person refused.
 * Runs before the build so a refusal costs nothing.
 */
export async function settleStack(
  cfn: CloudFormationOperations,
  options: Pick<DeployOptions, 'stackName' | 'onBusy' | 'replaceFailedStack' | 'pollIntervalMs' | 'timeoutMs' | 'reporter' | 'signal'>,
): Promise<{stack?: StackDescription; state: StackState}> {
  const {reporter, stackName} = options
  let stack = await cfn.describeStack(stackName)
  let state = classifyStackStatus(stack?.status)
  if (state.kind === 'busy') {
    if (options.onBusy === 'fail') {
      throw new LpackError('STACK_BUSY', `Stack ${stackName} is busy (${state.status})`, {
        hint: 'Wait for the running operation to finish, or run without --no-wait to let lpack wait for it.',
        details: {stackName, status: state.status},
      })
    }
    reporter.emit({kind: 'deploy.wait', data: {stackName, status: state.status}})
    const sinceEventId = await newestEventId(cfn, stack!.stackId)
    await watchStack(cfn, {stackName, stackId: stack!.stackId, sinceEventId, alreadyRunning: true, pollIntervalMs: options.pollIntervalMs, reporter, signal: options.signal, timeoutMs: options.timeoutMs})
    stack = await cfn.describeStack(stackName)
    state = classifyStackStatus(stack?.status)
  }
  if (state.kind === 'failed-create') {
    if (!options.replaceFailedStack) {
      throw new LpackError('DEPLOY_FAILED', `Stack ${stackName} is ${state.status} after a failed create; it can only be deleted`, {
        hint: 'Run again with --replace-failed-stack to delete it and create it anew, or `lpack delete --stack-name ' + stackName + '`.',
        details: {stackName, status: state.status},
      })
    }
    reporter.emit({kind: 'deploy.replace', data: {stackName, status: state.status}})
    await deleteAndWait(cfn, stackName, options)
    stack = undefined
    state = {kind: 'missing'}
  }
  if (state.kind === 'stuck') {
    throw new LpackError('DEPLOY_FAILED', `Stack ${stackName} is ${state.status} and needs attention before it can be updated`, {
      hint: state.status === 'UPDATE_ROLLBACK_FAILED' ? 'Fix the cause and run `aws cloudformation continue-update-rollback`.' : 'Delete the stack again once the cause is fixed.',
      details: {stackName, status: state.status},
    })
  }
  return {stack, state}
}

/**
 * Parameter values the template's constraints refuse fail the deploy before anything is built or uploaded. A
 * template that does not load is left to the build, which reports it.
 */
async function checkParameterOverrides(options: DeployOptions): Promise<void> {
  if (Object.keys(options.parameterOverrides).length === 0) return
  const {loadTemplateFile} = await import('../template/load.js')
  const loaded = await loadTemplateFile(options.templateFile).catch(() => undefined)
  if (loaded?.template !== undefined) checkParameterValues(loaded.template.value.Parameters, options.parameterOverrides)
}

async function prepareBuild(options: DeployOptions) {
  const {ensureBuild} = await import('./build-step.js')
  return ensureBuild({templateFile: options.templateFile, buildDir: options.buildDir, build: options.build, config: options.config ?? {}, reporter: options.reporter, signal: options.signal})
}

function interruptedBeforeChange(stackName: string, when: string): LpackError {
  return new LpackError('INTERRUPTED', `Interrupted ${when}; stack ${stackName} was not changed`, {
    hint: 'Run the same `lpack deploy` again; unchanged builds and uploads are skipped.',
    details: {stackName},
  })
}

function noChanges(options: DeployOptions, reason: string, uploads: UploadSummary): DeployResult {
  if (options.failOnEmptyChangeset) {
    throw new LpackError('NO_CHANGES', `No changes to deploy to stack ${options.stackName}: ${reason}`, {
      hint: 'Drop --fail-on-empty-changeset to treat an unchanged stack as success.',
      details: {stackName: options.stackName},
    })
  }
  options.reporter.emit({kind: 'deploy.no-changes', data: {stackName: options.stackName, reason}})
  return {kind: 'no-changes', stackName: options.stackName, reason, uploads}
}

function deployFailure(stackName: string, status: string, failures: ResourceFailure[], rollbackDisabled: boolean): LpackError {
  const lines = failures.map((failure) => `  ${failure.logicalId} (${failure.type}) ${failure.status}: ${failure.reason}`)
  return new LpackError('DEPLOY_FAILED', [`Stack ${stackName} failed: ${status}`, ...lines].join('\n'), {
    hint: rollbackDisabled
      ? 'Rollback is disabled: fix the cause and deploy again, or roll back with `aws cloudformation rollback-stack`.'
      : 'Fix the resources named above and deploy again.',
    details: {stackName, status, failures},
  })
}

async function deleteAndWait(cfn: CloudFormationOperations, stackName: string, options: Pick<DeployOptions, 'pollIntervalMs' | 'timeoutMs' | 'reporter' | 'signal'>): Promise<void> {
  const sinceEventId = await newestEventId(cfn, stackName)
  await cfn.deleteStack({stackName})
  const watched = await watchStack(cfn, {stackName, sinceEventId, pollIntervalMs: options.pollIntervalMs, reporter: options.reporter, signal: options.signal, timeoutMs: options.timeoutMs})
  if (watched.status !== 'DELETE_COMPLETE') {
    throw deployFailure(stackName, watched.status, collectFailures(watched.events, stackName), false)
  }
}
