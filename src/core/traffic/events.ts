/**
 * Every progress event of a release, in one place: the `traffic.*` kinds of the registry (src/core/events.ts),
 * rendered by src/io/event-text.ts — a bar per function on a TTY, one line per step in CI, JSON lines under --json.
 */
import type {Reporter} from '../events.js'
import type {AliasRelease, HookPhase} from './types.js'

export function emitReleaseStart(reporter: Reporter, stackName: string, releaseId: string, aliases: AliasRelease[]): void {
  reporter.emit({kind: 'traffic.start', data: {stackName, releaseId, aliases: aliases.map((alias) => ({logicalId: alias.logicalId, alias: alias.alias, oldVersion: alias.oldVersion, newVersion: alias.newVersion, type: alias.schedule.type}))}})
}

export function emitWeight(reporter: Reporter, alias: AliasRelease, percent: number, elapsedMs: number): void {
  reporter.emit({kind: 'traffic.step', data: {logicalId: alias.logicalId, alias: alias.alias, oldVersion: alias.oldVersion, newVersion: alias.newVersion, percent, elapsedMs}})
}

export function emitHook(reporter: Reporter, alias: AliasRelease, phase: HookPhase, hook: string, result: {passed: boolean; detail: string} | undefined): void {
  if (result === undefined) reporter.emit({kind: 'traffic.hook.start', data: {logicalId: alias.logicalId, phase, hook}})
  else reporter.emit({kind: 'traffic.hook.done', level: result.passed ? 'info' : 'warn', data: {logicalId: alias.logicalId, phase, hook, passed: result.passed, detail: result.detail}})
}

export function emitAlarm(reporter: Reporter, alias: AliasRelease, name: string, state: string, reason: string): void {
  reporter.emit({kind: 'traffic.alarm', data: {logicalId: alias.logicalId, alarm: name, state, reason}})
}

export function emitRollback(reporter: Reporter, stackName: string, reason: string, aliases: AliasRelease[]): void {
  reporter.emit({kind: 'traffic.rollback', data: {stackName, reason, aliases: aliases.map((alias) => ({logicalId: alias.logicalId, alias: alias.alias, oldVersion: alias.oldVersion, newVersion: alias.newVersion}))}})
}

export function emitAliasDone(reporter: Reporter, alias: Pick<AliasRelease, 'logicalId' | 'alias' | 'oldVersion' | 'newVersion'>, percent: number, outcome: 'released' | 'rolled-back'): void {
  reporter.emit({kind: 'traffic.alias.done', data: {logicalId: alias.logicalId, alias: alias.alias, oldVersion: alias.oldVersion, newVersion: alias.newVersion, percent, outcome}})
}

export function emitTemplateUpdate(reporter: Reporter, stackName: string): void {
  reporter.emit({kind: 'traffic.template', data: {stackName}})
}

export function emitReleaseDone(reporter: Reporter, stackName: string, outcome: 'released' | 'rolled-back', recordFile: string | undefined): void {
  reporter.emit({kind: 'traffic.done', data: {stackName, outcome, ...(recordFile ? {recordFile} : {})}})
}

export function emitCodeDeployWeight(reporter: Reporter, deploymentId: string, target: {functionName?: string; targetId: string; alias?: string; targetVersion?: string; currentVersion?: string}, percent: number): void {
  reporter.emit({kind: 'traffic.step', data: {logicalId: target.functionName ?? target.targetId, alias: target.alias ?? '', ...(target.currentVersion ? {oldVersion: target.currentVersion} : {}), ...(target.targetVersion ? {newVersion: target.targetVersion} : {}), percent, deploymentId}})
}

export function emitCodeDeployHook(reporter: Reporter, deploymentId: string, functionName: string, event: {name: string; status: string; message?: string}): void {
  if (event.status === 'InProgress') reporter.emit({kind: 'traffic.hook.start', data: {logicalId: functionName, phase: event.name, hook: 'CodeDeploy', deploymentId}})
  else reporter.emit({kind: 'traffic.hook.done', level: event.status === 'Failed' ? 'warn' : 'info', data: {logicalId: functionName, phase: event.name, hook: 'CodeDeploy', passed: event.status !== 'Failed', detail: `${event.status}${event.message ? `: ${event.message}` : ''}`, deploymentId}})
}
