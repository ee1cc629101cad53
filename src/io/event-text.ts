import {relative} from 'node:path'

import {formatBytes} from '../core/bytes.js'
import type {LpackEvent} from '../core/events.js'
import {formatChangeTable} from './deploy-view.js'

/** What people see of one event. */
export interface EventText {
  /** One line (the --json progress line's `message` too). */
  text: string
  /**
   * A live line: a TTY redraws the line with this id in place until an event with `final` ends it; plain output
   * prints each event as a new line.
   */
  live?: {id: string; final: boolean}
  /** More lines for people after `text` (the change-set table); not part of the JSON line. */
  detail?: string
}

/**
 * The human text of every event kind, in one switch: a kind added to EVENT_KINDS (src/core/events.ts) without a
 * case here fails the type check at `unrendered(event)`. Text only: escaping, colour and placement are the
 * reporter's.
 */
export function describeEvent(event: LpackEvent): EventText {
  switch (event.kind) {
    case 'config.ignored':
      return {text: `${event.data.file}: lpack ignores ${event.data.keys.join(', ')}`}
    case 'validate.warning': {
      const d = event.data
      return {text: `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`}
    }

    case 'build.waiting': {
      const {holder} = event.data
      const who = holder ? `pid ${holder.pid}${holder.host === undefined ? '' : ` on ${holder.host}`}` : 'starting'
      return {text: `Another lpack build is running in ${event.data.buildDir} (${who}): waiting for it to finish`}
    }
    case 'build.skip':
      return {text: `${event.data.logicalId}: not built (${event.data.reason})`}
    case 'build.batch':
      return {text: `${event.data.builder}: building ${event.data.logicalIds.join(', ')} in one run`}
    case 'build.batch-failed':
      return {text: `${event.data.count} units built in one run failed together; building each alone: ${event.data.error}`}
    case 'build.start':
      return {text: `… ${event.data.logicalId} building (${event.data.builder})`, live: {id: event.data.logicalId, final: false}}
    case 'build.warning':
      return {text: event.data.warning}
    case 'build.done': {
      const d = event.data
      return {text: d.cached ? `✓ ${d.logicalId} (cached)` : `✓ ${d.logicalId} built in ${d.durationMs} ms`, live: {id: d.logicalId, final: true}}
    }
    case 'build.failed': {
      const {logicalId, error} = event.data
      // Builders' errors usually start with the logical ID already: do not say it twice.
      return {text: `✗ ${error.startsWith(`${logicalId}:`) ? error : `${logicalId}: ${error}`}`, live: {id: logicalId, final: true}}
    }
    case 'build.size': {
      const s = event.data
      const layers = s.layerUnzippedBytes > 0 ? ` (+${formatBytes(s.layerUnzippedBytes)} in layers)` : ''
      return {text: `${s.logicalId}: ${formatBytes(s.zippedBytes)} zipped, ${formatBytes(s.unzippedBytes)} unzipped${layers}`}
    }
    case 'build.cache-not-saved':
      return {text: `The build cache was not saved (the next build redoes this work): ${event.data.error}`}

    case 'package.bucket.create':
      return {text: `Creating the artifacts bucket ${event.data.bucket} (versioned, encrypted, private${event.data.tlsOnly ? ', TLS only' : ''})`}
    case 'package.bucket.no-tls-policy':
      return {text: `The S3 endpoint is plain http://: ${event.data.bucket} is made without its TLS-only policy, which would deny lpack's own requests`}
    case 'package.skip': {
      const d = event.data
      return {text: `= ${d.label} unchanged (s3://${d.bucket}/${d.key})`, live: {id: `upload:${d.key}`, final: true}}
    }
    case 'package.upload.start': {
      const d = event.data
      return {text: `↑ ${d.label} uploading ${formatBytes(d.bytes)}…`, live: {id: `upload:${d.key}`, final: false}}
    }
    case 'package.upload.done': {
      const d = event.data
      return {text: `↑ ${d.label} uploaded ${formatBytes(d.bytes)} → s3://${d.bucket}/${d.key}`, live: {id: `upload:${d.key}`, final: true}}
    }
    case 'package.multipart-cleanup':
      return {text: `Aborted ${event.data.aborted} unfinished multipart upload(s) an interrupted run left in s3://${event.data.bucket}`}
    case 'package.multipart-cleanup-failed':
      return {text: `Unfinished multipart uploads in s3://${event.data.bucket} were not cleaned up: ${event.data.error}`}
    case 'package.done': {
      const d = event.data
      return {text: `Packaged ${d.artifactCount} artifact(s) to s3://${d.bucket}: ${d.uploadedCount} uploaded (${formatBytes(d.uploadedBytes)}), ${d.skippedCount} unchanged`}
    }

    case 'deploy.guided-saved': {
      const d = event.data
      return {text: `Saved to ${d.file} (environment ${d.env}): next time, lpack deploy${d.defaultEnv ? '' : ` --config-env ${d.env}`}`}
    }
    case 'deploy.wait':
      return {text: `Stack ${event.data.stackName} is ${event.data.status}; waiting for the running operation to finish…`}
    case 'deploy.replace':
      return {text: `Deleting stack ${event.data.stackName} (${event.data.status}) to create it again`}
    case 'deploy.transform': {
      const d = event.data
      return {text: d.mode === 'local' ? `Transformed ${d.transforms.join(', ')} locally` : `Transform ${d.transforms.join(', ')} runs in CloudFormation (server side): ${d.reason}`}
    }
    case 'deploy.no-changes':
      return {text: `No changes to deploy to stack ${event.data.stackName}`}
    case 'deploy.capabilities':
      return {text: `Capabilities (inferred from the template): ${event.data.capabilities.join(', ')}`}
    case 'deploy.changeset': {
      const d = event.data
      return {text: `Change set for ${d.stackName} (${d.changeSetType}): ${d.changes.length} change(s)`, detail: formatChangeTable(d.changes)}
    }
    case 'deploy.execute':
      return {text: `Executing change set for ${event.data.stackName}; following the stack (Ctrl-C stops following, CloudFormation carries on)`}
    case 'deploy.execute.recovered': {
      const d = event.data
      return {text: `ExecuteChangeSet answered ${d.awsErrorCode ?? 'an error'}, but the change set is ${d.executionStatus}: an earlier attempt reached CloudFormation`}
    }
    case 'deploy.event': {
      const d = event.data
      const text = `${d.status.padEnd(28)} ${d.type ?? ''} ${d.logicalId ?? ''}${d.reason ? ` — ${d.reason}` : ''}`
      // The stack's own events are milestones (printed); each resource is a live line until it settles.
      return d.stack ? {text} : {text, live: {id: `resource:${d.logicalId ?? ''}`, final: !d.status.endsWith('_IN_PROGRESS')}}
    }
    case 'deploy.done':
      return {text: `Stack ${event.data.stackName} ${event.data.status}`}

    case 'delete.not-found':
      return {text: `Stack ${event.data.stackName} does not exist; nothing to delete`}
    case 'delete.done':
      return {text: `Stack ${event.data.stackName} deleted`}
    case 'gc.plan': {
      const d = event.data
      const where = `s3://${d.bucket}/${d.key}`
      return {text: d.action === 'delete' ? `Artifacts: ${d.preview ? 'would delete' : 'delete'} ${where}` : `Artifacts: keep ${where} (${d.detail})`}
    }
    case 'delete.artifact':
      return {text: `Deleted s3://${event.data.bucket}/${event.data.key}`}

    case 'init.done': {
      const d = event.data
      return {text: `Wrote the ${d.starter} starter to ${relative(process.cwd(), d.dir) || '.'} (${d.files.length} files)`}
    }

    case 'invoke.log':
      return {text: event.data.line}
    case 'invoke.env-unresolved': {
      const {functionId, names} = event.data
      return {text: `${functionId}: ${names.join(', ')} ${names.length === 1 ? 'has a value' : 'have values'} lpack cannot resolve locally (set to ''); give them with --env-vars`}
    }
    case 'invoke.env-ignored':
      return {text: `--env-vars: ${event.data.names.join(', ')} not declared in ${event.data.functionId}'s Environment; ignored, as sam local ignores them`}
    case 'invoke.layer-skipped':
      return {text: `${event.data.functionId}: layer ${JSON.stringify(event.data.layer)} is not built in this project; lpack invoke runs without it`}
    case 'invoke.async-delivered':
      return {text: `${event.data.functionName}: event ${event.data.requestId} sent to its ${event.data.to} target ${event.data.target}`}
    case 'invoke.async-discarded': {
      const {functionName, requestId, condition, attempts} = event.data
      return {text: `${functionName}: event ${requestId} failed (${condition}, ${attempts} attempt${attempts === 1 ? '' : 's'})`}
    }
    case 'invoke.async-lost':
      return {text: `${event.data.functionName}: event ${event.data.requestId} was lost: ${event.data.error}`}
    case 'invoke.hook-failed':
      return {text: `${event.data.functionName}: onInvocation failed: ${event.data.error}`}
    case 'start-lambda.rebuilt':
      return {text: 'Rebuilt: the next invoke of a changed function runs its new code'}
    case 'start-lambda.rebuild-failed':
      return {text: `Rebuild failed; the last build keeps serving: ${event.data.error}`}

    case 'local.moto-version':
      return {text: `moto ${event.data.installed} is installed; lpack local is made for moto ${event.data.expected} (python3 -m pip install "moto[server]==${event.data.expected}")`}
    case 'local.install-step':
      return {text: event.data.step === 'venv' ? `Creating a virtualenv at ${event.data.detail}` : `Installing: ${event.data.detail}`}
    case 'local.install-output':
      return {text: event.data.line}
    case 'local.sns-poll-failed':
      return {text: `SNS deliveries to functions: ${event.data.error}`}
    case 'local.observability-failed':
      return {text: `logs and metrics of ${event.data.resource} not written: ${event.data.error}`}
    case 'local.alarm':
      return {text: `alarm ${event.data.alarmName}: ${event.data.from} → ${event.data.to}`}
    case 'local.alarm-failed':
      return {text: `alarm evaluation: ${event.data.error}`}
    case 'local.sqs-poll-failed':
      return {text: `event source mapping ${event.data.uuid} (${event.data.queueArn}): ${event.data.error}`}
    case 'local.sqs-list-failed':
      return {text: `event source mappings: ${event.data.error}`}
    case 'traffic.start':
      return {text: `Releasing ${event.data.aliases.length} alias(es) of ${event.data.stackName} (release ${event.data.releaseId}): ${event.data.aliases.map((a) => `${a.logicalId}:${a.alias} ${a.oldVersion}→${a.newVersion} ${a.type}`).join(', ')}`}
    case 'traffic.step': {
      const d = event.data
      const where = d.deploymentId === undefined ? `+${((d.elapsedMs ?? 0) / 1000).toFixed(1)}s` : `CodeDeploy ${d.deploymentId}`
      return {text: `${d.logicalId}:${d.alias} ${trafficBar(d.percent)} ${String(d.percent).padStart(3)}% on version ${d.newVersion ?? '?'} (${where})`, live: {id: `traffic:${d.logicalId}:${d.alias}`, final: false}}
    }
    case 'traffic.hook.start':
      return {text: `${event.data.logicalId} ${event.data.phase} hook ${event.data.hook} running${event.data.deploymentId ? ` (CodeDeploy ${event.data.deploymentId})` : ''}`}
    case 'traffic.hook.done':
      return {text: `${event.data.logicalId} ${event.data.phase} hook ${event.data.hook} ${event.data.passed ? 'passed' : 'failed'}: ${event.data.detail}${event.data.deploymentId ? ` (CodeDeploy ${event.data.deploymentId})` : ''}`}
    case 'traffic.alarm':
      return {text: `${event.data.logicalId} alarm ${event.data.alarm} is ${event.data.state}${event.data.reason ? `: ${event.data.reason}` : ''}`}
    case 'traffic.rollback':
      return {text: `Rolling back ${event.data.stackName}: ${event.data.reason}. All traffic goes back to ${event.data.aliases.map((a) => `${a.logicalId}:${a.alias} version ${a.oldVersion}`).join(', ')}`}
    case 'traffic.alias.done': {
      const d = event.data
      const what = d.outcome === 'released' ? `released: version ${d.newVersion} takes all traffic` : `rolled back: version ${d.oldVersion} takes all traffic (version ${d.newVersion} stays published)`
      return {text: `${d.logicalId}:${d.alias} ${trafficBar(d.percent)} ${what}`, live: {id: `traffic:${d.logicalId}:${d.alias}`, final: true}}
    }
    case 'traffic.template':
      return {text: `Updating stack ${event.data.stackName} so its template names the released versions`}
    case 'traffic.done':
      return {text: `Release of ${event.data.stackName} ${event.data.outcome}${event.data.recordFile ? `; record: ${event.data.recordFile}` : ''}`}

    default:
      return unrendered(event)
  }
}

/** An alias's share on its new version as a bar of 20 cells. */
function trafficBar(percent: number): string {
  const filled = Math.max(0, Math.min(20, Math.round(percent / 5)))
  return '[' + '#'.repeat(filled) + '.'.repeat(20 - filled) + ']'
}

/** Reached only if a kind has no case above: the type check fails first (`event` is not `never`). */
function unrendered(event: never): EventText {
  const {kind} = event as {kind: string}
  return {text: kind}
}
