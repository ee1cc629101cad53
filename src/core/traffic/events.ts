/**
 * Every progress event of a release, in one place. Kinds are `traffic.*`; when lpack's events become a typed
 * union (src/core/events.ts), these functions are the one place to convert.
 */
import type {Reporter} from '../../io/reporter.js'
import type {AliasRelease, HookPhase} from './types.js'

const BAR_WIDTH = 20

function bar(percent: number): string {
  const filled = Math.round((percent / 100) * BAR_WIDTH)
  return '[' + '#'.repeat(filled) + '.'.repeat(BAR_WIDTH - filled) + ']'
}

function label(alias: AliasRelease): string {
  return `${alias.logicalId}:${alias.alias}`
}

export function emitReleaseStart(reporter: Reporter, stackName: string, releaseId: string, aliases: AliasRelease[]): void {
  reporter.emit({
    level: 'info',
    kind: 'traffic.start',
    message: `Releasing ${aliases.length} alias(es) of ${stackName} (release ${releaseId}): ${aliases.map((alias) => `${label(alias)} ${alias.oldVersion}→${alias.newVersion} ${alias.schedule.type}`).join(', ')}`,
    data: {stackName, releaseId, aliases: aliases.map((alias) => ({logicalId: alias.logicalId, alias: alias.alias, oldVersion: alias.oldVersion, newVersion: alias.newVersion, type: alias.schedule.type}))},
  })
}

/** A weight set on an alias: a bar redrawn per function on a TTY, one line per step elsewhere. */
export function emitWeight(reporter: Reporter, alias: AliasRelease, percent: number, elapsedMs: number): void {
  reporter.emit({
    level: 'info',
    kind: 'traffic.step',
    id: `traffic:${alias.logicalId}`,
    message: `${label(alias)} ${bar(percent)} ${String(percent).padStart(3)}% on version ${alias.newVersion} (+${(elapsedMs / 1000).toFixed(1)}s)`,
    data: {logicalId: alias.logicalId, alias: alias.alias, newVersion: alias.newVersion, oldVersion: alias.oldVersion, percent, elapsedMs},
  })
}

export function emitHook(reporter: Reporter, alias: AliasRelease, phase: HookPhase, hook: string, result: {passed: boolean; detail: string} | undefined): void {
  reporter.emit({
    level: result === undefined || result.passed ? 'info' : 'warn',
    kind: result === undefined ? 'traffic.hook.start' : 'traffic.hook.done',
    message: result === undefined ? `${label(alias)} ${phase} hook ${hook} running` : `${label(alias)} ${phase} hook ${hook} ${result.passed ? 'passed' : 'failed'}: ${result.detail}`,
    data: {logicalId: alias.logicalId, phase, hook, ...(result === undefined ? {} : {passed: result.passed, detail: result.detail})},
  })
}

export function emitAlarm(reporter: Reporter, alias: AliasRelease, name: string, state: string, reason: string): void {
  reporter.emit({
    level: 'warn',
    kind: 'traffic.alarm',
    message: `${label(alias)} alarm ${name} is ${state}${reason ? `: ${reason}` : ''}`,
    data: {logicalId: alias.logicalId, alarm: name, state, reason},
  })
}

export function emitRollback(reporter: Reporter, stackName: string, reason: string, aliases: AliasRelease[]): void {
  reporter.emit({
    level: 'warn',
    kind: 'traffic.rollback',
    message: `Rolling back ${stackName}: ${reason}. All traffic goes back to ${aliases.map((alias) => `${label(alias)} version ${alias.oldVersion}`).join(', ')}`,
    data: {stackName, reason, aliases: aliases.map((alias) => ({logicalId: alias.logicalId, oldVersion: alias.oldVersion, newVersion: alias.newVersion}))},
  })
}

export function emitAliasDone(reporter: Reporter, alias: AliasRelease, percent: number, outcome: 'released' | 'rolled-back'): void {
  reporter.emit({
    level: 'info',
    kind: 'traffic.alias.done',
    id: `traffic:${alias.logicalId}`,
    final: true,
    message: `${label(alias)} ${bar(percent)} ${outcome === 'released' ? `released: version ${alias.newVersion} takes all traffic` : `rolled back: version ${alias.oldVersion} takes all traffic (version ${alias.newVersion} stays published)`}`,
    data: {logicalId: alias.logicalId, percent, outcome},
  })
}

export function emitReleaseDone(reporter: Reporter, stackName: string, outcome: 'released' | 'rolled-back', recordFile: string | undefined): void {
  reporter.emit({
    level: 'info',
    kind: 'traffic.done',
    message: `Release of ${stackName} ${outcome}${recordFile ? `; record: ${recordFile}` : ''}`,
    data: {stackName, outcome, ...(recordFile ? {recordFile} : {})},
  })
}

export function emitNote(reporter: Reporter, kind: string, message: string, data?: Record<string, unknown>): void {
  reporter.emit({level: 'info', kind: `traffic.${kind}`, message, ...(data ? {data} : {})})
}

export function emitCodeDeployWeight(reporter: Reporter, deploymentId: string, target: {functionName?: string; targetId: string; alias?: string; targetVersion?: string; currentVersion?: string}, percent: number): void {
  const name = `${target.functionName ?? target.targetId}${target.alias ? `:${target.alias}` : ''}`
  reporter.emit({
    level: 'info',
    kind: 'traffic.step',
    id: `traffic:${name}`,
    message: `${name} ${bar(percent)} ${String(percent).padStart(3)}% on version ${target.targetVersion ?? '?'} (CodeDeploy ${deploymentId})`,
    data: {deploymentId, functionName: target.functionName, alias: target.alias, oldVersion: target.currentVersion, newVersion: target.targetVersion, percent},
  })
}

export function emitCodeDeployHook(reporter: Reporter, deploymentId: string, functionName: string, event: {name: string; status: string; message?: string}): void {
  reporter.emit({
    level: event.status === 'Failed' ? 'warn' : 'info',
    kind: event.status === 'InProgress' ? 'traffic.hook.start' : 'traffic.hook.done',
    message: `${functionName} ${event.name} ${event.status}${event.message ? `: ${event.message}` : ''} (CodeDeploy ${deploymentId})`,
    data: {deploymentId, functionName, phase: event.name, status: event.status, ...(event.message ? {detail: event.message} : {})},
  })
}
