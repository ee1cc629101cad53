import {describe, expect, it} from 'vitest'

import {createChangeSet, executeChangeSet} from '../../src/core/deploy/changeset.js'
import {collectReferences} from '../../src/core/deploy/gc.js'
import {settleStack} from '../../src/core/deploy/index.js'
import {isUnchanged} from '../../src/core/deploy/plan.js'
import {collectFailures, deployedState, newestEventId, watchStack} from '../../src/core/deploy/stack.js'
import type {ChangeSetRequest} from '../../src/aws/cloudformation.js'
import {isLpackError, type LpackError} from '../../src/errors.js'
import {RecordingReporter} from '../../src/io/reporter.js'
import {FakeCloudFormation, serviceError} from '../support/fake-cloudformation.js'

// lpack's own stack-state decisions, against an in-memory CloudFormation behind the same interface core uses
// (#12.2). How the SDK talks to the service is covered by the integration tests against moto.

const FAST = {pollIntervalMs: 1, timeoutMs: 5_000}

function request(overrides: Partial<ChangeSetRequest> = {}): ChangeSetRequest {
  return {stackName: 'app', changeSetName: 'lpack-1', changeSetType: 'UPDATE', template: {TemplateBody: '{}'}, parameters: [], capabilities: [], ...overrides}
}

async function rejection(promise: Promise<unknown>): Promise<LpackError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  if (!isLpackError(error)) throw new Error(`expected an LpackError, got ${String(error)}`)
  return error
}

function settleOptions(reporter = new RecordingReporter(), extra: Partial<Parameters<typeof settleStack>[1]> = {}): Parameters<typeof settleStack>[1] {
  return {stackName: 'app', onBusy: 'wait', replaceFailedStack: false, reporter, ...FAST, ...extra}
}

describe('#12.2 change sets: what CloudFormation\'s answers mean to lpack', () => {
  it('#12.2 polls a change set until CloudFormation has computed it, and returns its changes', async () => {
    const cfn = new FakeCloudFormation()
    cfn.addStack({stackName: 'app', status: 'UPDATE_COMPLETE'})
    const change = {ResourceChange: {Action: 'Modify', LogicalResourceId: 'Fn', ResourceType: 'AWS::Lambda::Function'}}
    cfn.changeSetAnswers = [
      {status: 'CREATE_PENDING', changes: []},
      {status: 'CREATE_IN_PROGRESS', changes: []},
      {status: 'CREATE_COMPLETE', executionStatus: 'AVAILABLE', changes: [change]},
    ]
    const outcome = await createChangeSet(cfn, request(), FAST)
    expect(outcome).toEqual({kind: 'ready', changeSetId: expect.stringContaining('lpack-1'), stackId: cfn.stack('app').stackId, changes: [change]})
    expect(cfn.calls.filter((call) => call.startsWith('describeChangeSet'))).toHaveLength(3)
  })

  it('#12.2 "no changes": a FAILED change set whose reason says so, and a computed one with no changes, are empty, not failures', async () => {
    const cfn = new FakeCloudFormation()
    cfn.addStack({stackName: 'app', status: 'UPDATE_COMPLETE'})
    cfn.changeSetAnswers = [{status: 'FAILED', reason: "The submitted information didn't contain changes. Submit different information to create a change set.", changes: []}]
    expect(await createChangeSet(cfn, request(), FAST)).toMatchObject({kind: 'empty', reason: expect.stringContaining("didn't contain changes")})
    cfn.changeSetAnswers = [{status: 'CREATE_COMPLETE', changes: []}]
    expect(await createChangeSet(cfn, request({changeSetName: 'lpack-2'}), FAST)).toMatchObject({kind: 'empty', reason: 'The change set has no changes'})
  })

  it('#12.2 an endpoint that refuses an empty update outright is "refused-empty" with the service\'s own words', async () => {
    const cfn = new FakeCloudFormation()
    cfn.createChangeSetFailure = serviceError('ValidationError', 'No updates are to be performed.', 'Creating a change set for stack app', 'DEPLOY_FAILED')
    expect(await createChangeSet(cfn, request(), FAST)).toEqual({kind: 'refused-empty', reason: 'No updates are to be performed.'})
  })

  it('#12.2 any other refusal or FAILED change set is DEPLOY_FAILED naming the reason', async () => {
    const cfn = new FakeCloudFormation()
    cfn.createChangeSetFailure = serviceError('ValidationError', 'Template format error: Unresolved resource dependencies [Nope]', 'Creating a change set for stack app', 'DEPLOY_FAILED')
    const refused = await rejection(createChangeSet(cfn, request(), FAST))
    expect(refused.code).toBe('DEPLOY_FAILED')
    expect(refused.message).toBe('Creating a change set for stack app failed: ValidationError: Template format error: Unresolved resource dependencies [Nope]')

    const failing = new FakeCloudFormation()
    failing.changeSetAnswers = [{status: 'FAILED', reason: 'Requires capabilities : [CAPABILITY_IAM]', changes: []}]
    const failed = await rejection(createChangeSet(failing, request(), FAST))
    expect(failed.code).toBe('DEPLOY_FAILED')
    expect(failed.message).toContain('could not create the change set for stack app: Requires capabilities : [CAPABILITY_IAM]')
  })

  it('#12.2 Ctrl-C while the change set is computed deletes it and says the stack was not changed', async () => {
    const cfn = new FakeCloudFormation()
    const controller = new AbortController()
    controller.abort()
    const error = await rejection(createChangeSet(cfn, request(), {...FAST, signal: controller.signal}))
    expect(error.code).toBe('INTERRUPTED')
    expect(cfn.calls.at(-1)).toMatch(/^deleteChangeSet .*lpack-1/)
  })

  it('#12.2 an execute that failed on the wire but reached CloudFormation carries on; one that did not fails', async () => {
    const cfn = new FakeCloudFormation()
    cfn.executeFailure = serviceError('InvalidChangeSetStatus', 'ChangeSet cannot be executed in its current execution status of [EXECUTE_IN_PROGRESS]', 'Executing change set cs', 'DEPLOY_FAILED')
    cfn.executionStatusAfterFailure = 'EXECUTE_IN_PROGRESS'
    const {changeSetId} = await cfn.createChangeSet(request())
    const reporter = new RecordingReporter()
    await executeChangeSet(cfn, changeSetId, {reporter})
    expect(reporter.events.find((event) => event.kind === 'deploy.execute.recovered')?.data).toEqual({changeSetId, executionStatus: 'EXECUTE_IN_PROGRESS', awsErrorCode: 'InvalidChangeSetStatus'})

    cfn.executionStatusAfterFailure = 'AVAILABLE'
    const error = await rejection(executeChangeSet(cfn, changeSetId, {reporter: new RecordingReporter()}))
    expect(error.code).toBe('DEPLOY_FAILED')
    expect(error.message).toContain('Executing change set cs failed: InvalidChangeSetStatus')
  })
})

describe('#12.2 following a stack: events and when an operation is over', () => {
  it('#12.2 pages through events newest first, stops at the operation\'s start, and reports them oldest first', async () => {
    const cfn = new FakeCloudFormation()
    cfn.eventPageSize = 2
    cfn.addStack({stackName: 'app', status: 'CREATE_COMPLETE'})
    cfn.event('app', 'app', 'CREATE_COMPLETE')
    const since = await newestEventId(cfn, 'app')
    cfn.event('app', 'app', 'UPDATE_IN_PROGRESS')
    cfn.event('app', 'Fn', 'UPDATE_IN_PROGRESS')
    cfn.event('app', 'Fn', 'UPDATE_COMPLETE')
    cfn.event('app', 'Api', 'UPDATE_COMPLETE', {resourceType: 'AWS::ApiGateway::RestApi'})
    cfn.event('app', 'app', 'UPDATE_COMPLETE')
    const reporter = new RecordingReporter()
    const watched = await watchStack(cfn, {stackName: 'app', sinceEventId: since, reporter, ...FAST})
    expect(watched.status).toBe('UPDATE_COMPLETE')
    expect(watched.events.map((event) => `${event.logicalId} ${event.status}`)).toEqual(['app UPDATE_IN_PROGRESS', 'Fn UPDATE_IN_PROGRESS', 'Fn UPDATE_COMPLETE', 'Api UPDATE_COMPLETE', 'app UPDATE_COMPLETE'])
    // Five new events in pages of two: three pages, the third reaching the event before the operation.
    expect(cfn.calls.filter((call) => call.startsWith('stackEvents app')).slice(1, 4)).toEqual(['stackEvents app', 'stackEvents app 2', 'stackEvents app 4'])
    expect(reporter.events.flatMap((event) => (event.kind === 'deploy.event' ? [event.data.stack ? 'stack' : event.data.logicalId] : []))).toEqual(['stack', 'Fn', 'Fn', 'Api', 'stack'])
  })

  it('#12.2 right after execute the stack still shows its previous status: the watch waits for this operation\'s events', async () => {
    const cfn = new FakeCloudFormation()
    cfn.addStack({stackName: 'app', status: 'UPDATE_COMPLETE'})
    cfn.event('app', 'app', 'UPDATE_COMPLETE')
    const since = await newestEventId(cfn, 'app')
    cfn.steps.push(
      () => undefined, // first poll: nothing has happened yet, the old UPDATE_COMPLETE shows
      (fake) => fake.event('app', 'app', 'UPDATE_IN_PROGRESS'),
      (fake) => fake.event('app', 'app', 'UPDATE_COMPLETE'),
    )
    const watched = await watchStack(cfn, {stackName: 'app', sinceEventId: since, reporter: new RecordingReporter(), ...FAST})
    expect(watched.events.map((event) => event.status)).toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE'])
    expect(cfn.calls.filter((call) => call.startsWith('describeStack'))).toHaveLength(3)
  })

  it('#12.2 a stack that is gone ends the watch as DELETE_COMPLETE; one that stays busy past the timeout is STACK_BUSY', async () => {
    const cfn = new FakeCloudFormation()
    cfn.addStack({stackName: 'app', status: 'DELETE_IN_PROGRESS'})
    cfn.steps.push((fake) => fake.event('app', 'app', 'DELETE_COMPLETE'))
    expect((await watchStack(cfn, {stackName: 'app', reporter: new RecordingReporter(), ...FAST})).status).toBe('DELETE_COMPLETE')

    const busy = new FakeCloudFormation()
    busy.addStack({stackName: 'app', status: 'UPDATE_IN_PROGRESS'})
    const error = await rejection(watchStack(busy, {stackName: 'app', reporter: new RecordingReporter(), pollIntervalMs: 1, timeoutMs: 20}))
    expect(error.code).toBe('STACK_BUSY')
    expect(error.details).toEqual({stackName: 'app', status: 'UPDATE_IN_PROGRESS'})
  })

  it('#12.2 after a rollback every failed resource is collected, the root cause first and cancellations last', async () => {
    const cfn = new FakeCloudFormation()
    cfn.addStack({stackName: 'app', status: 'UPDATE_COMPLETE'})
    const since = cfn.event('app', 'app', 'UPDATE_COMPLETE').eventId
    cfn.event('app', 'app', 'UPDATE_IN_PROGRESS')
    cfn.event('app', 'Queue', 'UPDATE_FAILED', {resourceType: 'AWS::SQS::Queue', reason: 'Resource update cancelled'})
    cfn.event('app', 'Fn', 'UPDATE_FAILED', {reason: 'MemorySize value failed to satisfy constraint'})
    cfn.event('app', 'app', 'UPDATE_ROLLBACK_IN_PROGRESS', {reason: 'The following resource(s) failed to update: [Fn]'})
    cfn.event('app', 'app', 'UPDATE_ROLLBACK_COMPLETE')
    const watched = await watchStack(cfn, {stackName: 'app', sinceEventId: since, reporter: new RecordingReporter(), ...FAST})
    expect(watched.status).toBe('UPDATE_ROLLBACK_COMPLETE')
    expect(collectFailures(watched.events, 'app')).toEqual([
      {logicalId: 'Fn', type: 'AWS::Lambda::Function', status: 'UPDATE_FAILED', reason: 'MemorySize value failed to satisfy constraint'},
      {logicalId: 'Queue', type: 'AWS::SQS::Queue', status: 'UPDATE_FAILED', reason: 'Resource update cancelled'},
    ])
  })
})

describe('#12.2 the stack as the change set will find it (settleStack)', () => {
  it('#12.2 a missing stack and one left in REVIEW_IN_PROGRESS are created; a ready one is updated', async () => {
    const cfn = new FakeCloudFormation()
    expect((await settleStack(cfn, settleOptions())).state).toEqual({kind: 'missing'})
    cfn.addStack({stackName: 'app', status: 'REVIEW_IN_PROGRESS'})
    expect((await settleStack(cfn, settleOptions())).state).toEqual({kind: 'review'})
    cfn.stack('app').status = 'UPDATE_ROLLBACK_COMPLETE'
    expect((await settleStack(cfn, settleOptions())).state).toEqual({kind: 'ready', status: 'UPDATE_ROLLBACK_COMPLETE'})
  })

  it('#12.2 ROLLBACK_COMPLETE after a failed create is refused, or deleted and waited for with --replace-failed-stack', async () => {
    const cfn = new FakeCloudFormation()
    cfn.addStack({stackName: 'app', status: 'ROLLBACK_COMPLETE'})
    const refused = await rejection(settleStack(cfn, settleOptions()))
    expect(refused.code).toBe('DEPLOY_FAILED')
    expect(refused.message).toContain('ROLLBACK_COMPLETE after a failed create; it can only be deleted')
    expect(refused.hint).toContain('--replace-failed-stack')
    expect(cfn.calls.some((call) => call.startsWith('deleteStack'))).toBe(false)

    const reporter = new RecordingReporter()
    cfn.steps.push(() => undefined, (fake) => fake.event('app', 'app', 'DELETE_COMPLETE'))
    const settled = await settleStack(cfn, settleOptions(reporter, {replaceFailedStack: true}))
    expect(settled).toEqual({stack: undefined, state: {kind: 'missing'}})
    expect(cfn.calls).toContain('deleteStack app')
    expect(reporter.events.map((event) => event.kind)).toContain('deploy.replace')
  })

  it('#12.2 a busy stack is waited for (or refused at once with onBusy fail), then classified again', async () => {
    const cfn = new FakeCloudFormation()
    cfn.addStack({stackName: 'app', status: 'UPDATE_IN_PROGRESS'})
    const refused = await rejection(settleStack(cfn, settleOptions(new RecordingReporter(), {onBusy: 'fail'})))
    expect(refused.code).toBe('STACK_BUSY')

    cfn.steps.push(
      () => undefined, // settleStack's first look: still busy
      (fake) => fake.event('app', 'Fn', 'UPDATE_COMPLETE'),
      (fake) => fake.event('app', 'app', 'UPDATE_COMPLETE'),
    )
    const reporter = new RecordingReporter()
    const settled = await settleStack(cfn, settleOptions(reporter))
    expect(settled.state).toEqual({kind: 'ready', status: 'UPDATE_COMPLETE'})
    expect(reporter.events.map((event) => event.kind)).toEqual(['deploy.wait', 'deploy.event', 'deploy.event'])
  })

  it('#12.2 UPDATE_ROLLBACK_FAILED needs a person: refused with the continue-update-rollback hint', async () => {
    const cfn = new FakeCloudFormation()
    cfn.addStack({stackName: 'app', status: 'UPDATE_ROLLBACK_FAILED'})
    const error = await rejection(settleStack(cfn, settleOptions()))
    expect(error.code).toBe('DEPLOY_FAILED')
    expect(error.hint).toContain('continue-update-rollback')
  })
})

describe('#12.2 what is deployed, for the unchanged check and for gc', () => {
  it('#12.2 the deployed template, parameters and tags make an unchanged deploy; a template that cannot be read counts as changed', async () => {
    const cfn = new FakeCloudFormation()
    const body = JSON.stringify({Resources: {Fn: {Type: 'AWS::Lambda::Function'}}})
    cfn.addStack({stackName: 'app', status: 'UPDATE_COMPLETE', template: body, parameters: {Stage: 'prod'}, tags: {team: 'a'}})
    const stack = (await cfn.describeStack('app'))!
    const desired = {templateBody: body, parameters: [{ParameterKey: 'Stage', ParameterValue: 'prod'}], tags: {team: 'a'}}
    expect(isUnchanged(await deployedState(cfn, stack), desired)).toBe(true)
    expect(isUnchanged(await deployedState(cfn, stack), {...desired, tags: {team: 'b'}})).toBe(false)
    cfn.stack('app').template = undefined
    expect(isUnchanged(await deployedState(cfn, stack), desired)).toBe(false)
  })

  it('#12.2 gc references: every live stack\'s template and waiting change set, stacks mid-update noted, deleted stacks skipped', async () => {
    const cfn = new FakeCloudFormation()
    const template = (key: string) => JSON.stringify({Resources: {Fn: {Type: 'AWS::Lambda::Function', Properties: {Code: {S3Bucket: 'b', S3Key: key}}}}})
    cfn.addStack({stackName: 'live', status: 'UPDATE_COMPLETE', template: template('live.zip')})
    cfn.addStack({stackName: 'moving', status: 'UPDATE_ROLLBACK_IN_PROGRESS', template: template('moving.zip')})
    cfn.addStack({stackName: 'gone', status: 'DELETE_COMPLETE', template: template('gone.zip')})
    const waiting = cfn.addStack({stackName: 'waiting', status: 'REVIEW_IN_PROGRESS'})
    waiting.changeSets.push({changeSetId: 'cs-1', executionStatus: 'AVAILABLE', template: template('waiting.zip')}, {changeSetId: 'cs-0', executionStatus: 'EXECUTE_COMPLETE', template: template('old.zip')})
    const {references, stacksInProgress} = await collectReferences(cfn)
    expect(Object.fromEntries(references)).toEqual({'b/live.zip': ['live'], 'b/moving.zip': ['moving'], 'b/waiting.zip': ['waiting']})
    expect(stacksInProgress).toEqual(['moving'])
  })
})
