import {describe, expect, it} from 'vitest'

import {EVENT_KINDS, type EventData, type EventKind, type EventOf, type LpackEvent, levelOf, type Reporter} from '../../src/core/events.js'
import {describeEvent} from '../../src/io/event-text.js'
import {chooseReporter, JsonLinesReporter, StreamReporter} from '../../src/io/reporter.js'

// #12.3: events are a typed union declared once (src/core/events.ts); src/io renders every kind for a TTY, for CI
// and as JSON. The two tables below are mapped over every kind: a kind added to the registry without a sample
// and its expected line here fails the type check (npm run typecheck), as it fails in describeEvent.

const SAMPLES: {[K in EventKind]: EventData<K>} = {
  'config.ignored': {file: 'lpack.config.yaml', keys: ['colour', 'speed']},
  'validate.warning': {severity: 'warning', code: 'LP3020', message: 'Timeout is high', file: 'template.yaml', line: 12, column: 17, path: 'Resources/Fn/Properties/Timeout'},
  'build.waiting': {buildDir: '/p/.lpack/build', holder: {pid: 42, host: 'ci-7'}},
  'build.skip': {logicalId: 'Remote', reason: 'CodeUri is in S3'},
  'build.batch': {builder: 'esbuild', logicalIds: ['A', 'B']},
  'build.batch-failed': {count: 2, error: 'esbuild crashed'},
  'build.start': {logicalId: 'HelloFn', builder: 'esbuild'},
  'build.warning': {logicalId: 'HelloFn', warning: 'HelloFn: left .env out of the package (it usually holds secrets)'},
  'build.done': {logicalId: 'HelloFn', cached: false, durationMs: 120},
  'build.failed': {logicalId: 'HelloFn', error: 'entry file not found'},
  'build.size': {logicalId: 'HelloFn', kind: 'function', zippedBytes: 2048, unzippedBytes: 4096, layerUnzippedBytes: 1536, problems: []},
  'build.cache-not-saved': {error: 'EACCES'},
  'package.bucket.create': {bucket: 'lpack-artifacts-1', tlsOnly: true},
  'package.bucket.no-tls-policy': {bucket: 'lpack-artifacts-1'},
  'package.skip': {label: 'HelloFn', bucket: 'b', key: 'p/abc.zip', bytes: 10},
  'package.upload.start': {label: 'HelloFn', bucket: 'b', key: 'p/abc.zip', bytes: 2048},
  'package.upload.done': {label: 'HelloFn', bucket: 'b', key: 'p/abc.zip', bytes: 2048},
  'package.multipart-cleanup': {bucket: 'b', aborted: 3},
  'package.multipart-cleanup-failed': {bucket: 'b', error: 'Listing multipart uploads: AccessDenied'},
  'package.done': {bucket: 'b', artifactCount: 2, uploadedCount: 1, uploadedBytes: 2048, skippedCount: 1},
  'deploy.guided-saved': {file: 'lpack.config.yaml', env: 'prod', defaultEnv: false},
  'deploy.wait': {stackName: 'app', status: 'UPDATE_IN_PROGRESS'},
  'deploy.replace': {stackName: 'app', status: 'ROLLBACK_COMPLETE'},
  'deploy.transform': {mode: 'server', transforms: ['AWS::Serverless-2016-10-31', 'AWS::LanguageExtensions'], reason: 'lpack does not expand AWS::LanguageExtensions'},
  'deploy.no-changes': {stackName: 'app', reason: 'Template, parameters and tags equal the deployed stack'},
  'deploy.capabilities': {capabilities: ['CAPABILITY_IAM']},
  'deploy.changeset': {stackName: 'app', changeSetType: 'UPDATE', changeSetId: 'arn:cs', changes: [{action: 'Modify', logicalId: 'HelloFn', type: 'AWS::Lambda::Function', replacement: 'False'}]},
  'deploy.execute': {stackName: 'app', changeSetId: 'arn:cs'},
  'deploy.execute.recovered': {changeSetId: 'arn:cs', executionStatus: 'EXECUTE_COMPLETE', awsErrorCode: 'InvalidChangeSetStatusException'},
  'deploy.event': {stackName: 'app', stack: false, logicalId: 'HelloFn', type: 'AWS::Lambda::Function', status: 'UPDATE_FAILED', reason: 'Memory too low', timestamp: '2026-01-01T00:00:00.000Z'},
  'deploy.done': {stackName: 'app', status: 'UPDATE_COMPLETE', outputs: {Url: 'https://x'}},
  'delete.not-found': {stackName: 'app'},
  'delete.done': {stackName: 'app'},
  'gc.plan': {action: 'keep', bucket: 'b', key: 'p/abc.zip', reason: 'in-use', detail: 'used by stack app', preview: false},
  'delete.artifact': {bucket: 'b', key: 'p/abc.zip'},
  'init.done': {dir: `${process.cwd()}/my-app`, starter: 'node-ts', files: ['template.yaml', 'src/app.ts']},
  'invoke.log': {functionId: 'HelloFn', line: 'START RequestId: 1 Version: $LATEST'},
  'invoke.env-unresolved': {functionId: 'HelloFn', names: ['QUEUE_URL', 'TABLE']},
  'invoke.env-ignored': {functionId: 'HelloFn', names: ['EXTRA']},
  'invoke.layer-skipped': {functionId: 'HelloFn', layer: 'arn:aws:lambda:us-east-1:1:layer:x:1'},
  'local.moto-version': {installed: '5.1.0', expected: '5.2.1'},
  'local.install-step': {step: 'venv', detail: '/home/u/.cache/lpack/moto-5.2.1'},
  'local.install-output': {line: 'Successfully installed moto-5.2.1'},
  'local.sns-poll-failed': {error: 'socket hang up'},
  'local.observability-failed': {resource: 'app-fn', error: 'timeout'},
  'local.alarm': {alarmName: 'errors', from: 'OK', to: 'ALARM'},
  'local.alarm-failed': {error: 'timeout'},
  'local.sqs-poll-failed': {uuid: 'u-1', queueArn: 'arn:aws:sqs:us-east-1:123456789012:q', error: 'gone'},
  'local.sqs-list-failed': {error: 'timeout'},
  'invoke.async-delivered': {functionName: 'HelloFn', requestId: 'r-1', to: 'on-failure', target: 'arn:aws:sqs:us-east-1:123456789012:failures'},
  'invoke.async-discarded': {functionName: 'HelloFn', requestId: 'r-1', condition: 'RetriesExhausted', attempts: 3},
  'invoke.async-lost': {functionName: 'HelloFn', requestId: 'r-1', error: 'QueueDoesNotExist'},
  'invoke.hook-failed': {functionName: 'HelloFn', error: 'CloudWatch is down'},
  'start-lambda.rebuilt': {templateFile: 'template.yaml'},
  'start-lambda.rebuild-failed': {templateFile: 'template.yaml', error: 'esbuild: syntax error'},
  'traffic.start': {stackName: 'app', releaseId: 'r1', aliases: [{logicalId: 'Fn', alias: 'live', oldVersion: '3', newVersion: '4', type: 'Canary10Percent5Minutes'}]},
  'traffic.step': {logicalId: 'Fn', alias: 'live', oldVersion: '3', newVersion: '4', percent: 10, elapsedMs: 1500},
  'traffic.hook.start': {logicalId: 'Fn', phase: 'PreTraffic', hook: 'command "./smoke.sh"'},
  'traffic.hook.done': {logicalId: 'Fn', phase: 'PreTraffic', hook: 'command "./smoke.sh"', passed: false, detail: 'exit 3'},
  'traffic.alarm': {logicalId: 'Fn', alarm: 'app-errors', state: 'ALARM', reason: 'Threshold Crossed'},
  'traffic.rollback': {stackName: 'app', reason: 'alarm app-errors of Fn is in ALARM', aliases: [{logicalId: 'Fn', alias: 'live', oldVersion: '3', newVersion: '4'}]},
  'traffic.alias.done': {logicalId: 'Fn', alias: 'live', oldVersion: '3', newVersion: '4', percent: 100, outcome: 'released'},
  'traffic.template': {stackName: 'app'},
  'traffic.done': {stackName: 'app', outcome: 'released', recordFile: '.lpack/releases/app-20261204T010000000Z.json'},
}

/** The line people read for each sample: the texts lpack printed before events were typed, kept as they were. */
const TEXTS: {[K in EventKind]: string} = {
  'config.ignored': 'lpack.config.yaml: lpack ignores colour, speed',
  'validate.warning': 'template.yaml:12:17 LP3020 Timeout is high',
  'build.waiting': 'Another lpack build is running in /p/.lpack/build (pid 42 on ci-7): waiting for it to finish',
  'build.skip': 'Remote: not built (CodeUri is in S3)',
  'build.batch': 'esbuild: building A, B in one run',
  'build.batch-failed': '2 units built in one run failed together; building each alone: esbuild crashed',
  'build.start': '… HelloFn building (esbuild)',
  'build.warning': 'HelloFn: left .env out of the package (it usually holds secrets)',
  'build.done': '✓ HelloFn built in 120 ms',
  'build.failed': '✗ HelloFn: entry file not found',
  'build.size': 'HelloFn: 2.0 KiB zipped, 4.0 KiB unzipped (+1.5 KiB in layers)',
  'build.cache-not-saved': 'The build cache was not saved (the next build redoes this work): EACCES',
  'package.bucket.create': 'Creating the artifacts bucket lpack-artifacts-1 (versioned, encrypted, private, TLS only)',
  'package.bucket.no-tls-policy': "The S3 endpoint is plain http://: lpack-artifacts-1 is made without its TLS-only policy, which would deny lpack's own requests",
  'package.skip': '= HelloFn unchanged (s3://b/p/abc.zip)',
  'package.upload.start': '↑ HelloFn uploading 2.0 KiB…',
  'package.upload.done': '↑ HelloFn uploaded 2.0 KiB → s3://b/p/abc.zip',
  'package.multipart-cleanup': 'Aborted 3 unfinished multipart upload(s) an interrupted run left in s3://b',
  'package.multipart-cleanup-failed': 'Unfinished multipart uploads in s3://b were not cleaned up: Listing multipart uploads: AccessDenied',
  'package.done': 'Packaged 2 artifact(s) to s3://b: 1 uploaded (2.0 KiB), 1 unchanged',
  'deploy.guided-saved': 'Saved to lpack.config.yaml (environment prod): next time, lpack deploy --config-env prod',
  'deploy.wait': 'Stack app is UPDATE_IN_PROGRESS; waiting for the running operation to finish…',
  'deploy.replace': 'Deleting stack app (ROLLBACK_COMPLETE) to create it again',
  'deploy.transform': 'Transform AWS::Serverless-2016-10-31, AWS::LanguageExtensions runs in CloudFormation (server side): lpack does not expand AWS::LanguageExtensions',
  'deploy.no-changes': 'No changes to deploy to stack app',
  'deploy.capabilities': 'Capabilities (inferred from the template): CAPABILITY_IAM',
  'deploy.changeset': 'Change set for app (UPDATE): 1 change(s)',
  'deploy.execute': 'Executing change set for app; following the stack (Ctrl-C stops following, CloudFormation carries on)',
  'deploy.execute.recovered': 'ExecuteChangeSet answered InvalidChangeSetStatusException, but the change set is EXECUTE_COMPLETE: an earlier attempt reached CloudFormation',
  'deploy.event': 'UPDATE_FAILED                AWS::Lambda::Function HelloFn — Memory too low',
  'deploy.done': 'Stack app UPDATE_COMPLETE',
  'delete.not-found': 'Stack app does not exist; nothing to delete',
  'delete.done': 'Stack app deleted',
  'gc.plan': 'Artifacts: keep s3://b/p/abc.zip (used by stack app)',
  'delete.artifact': 'Deleted s3://b/p/abc.zip',
  'init.done': 'Wrote the node-ts starter to my-app (2 files)',
  'invoke.log': 'START RequestId: 1 Version: $LATEST',
  'invoke.env-unresolved': "HelloFn: QUEUE_URL, TABLE have values lpack cannot resolve locally (set to ''); give them with --env-vars",
  'invoke.env-ignored': "--env-vars: EXTRA not declared in HelloFn's Environment; ignored, as sam local ignores them",
  'invoke.layer-skipped': 'HelloFn: layer "arn:aws:lambda:us-east-1:1:layer:x:1" is not built in this project; lpack invoke runs without it',
  'local.moto-version': 'moto 5.1.0 is installed; lpack local is made for moto 5.2.1 (python3 -m pip install "moto[server]==5.2.1")',
  'local.install-step': 'Creating a virtualenv at /home/u/.cache/lpack/moto-5.2.1',
  'local.install-output': 'Successfully installed moto-5.2.1',
  'local.sns-poll-failed': 'SNS deliveries to functions: socket hang up',
  'local.observability-failed': 'logs and metrics of app-fn not written: timeout',
  'local.alarm': 'alarm errors: OK → ALARM',
  'local.alarm-failed': 'alarm evaluation: timeout',
  'local.sqs-poll-failed': 'event source mapping u-1 (arn:aws:sqs:us-east-1:123456789012:q): gone',
  'local.sqs-list-failed': 'event source mappings: timeout',
  'invoke.async-delivered': 'HelloFn: event r-1 sent to its on-failure target arn:aws:sqs:us-east-1:123456789012:failures',
  'invoke.async-discarded': 'HelloFn: event r-1 failed (RetriesExhausted, 3 attempts)',
  'invoke.async-lost': 'HelloFn: event r-1 was lost: QueueDoesNotExist',
  'invoke.hook-failed': 'HelloFn: onInvocation failed: CloudWatch is down',
  'start-lambda.rebuilt': 'Rebuilt: the next invoke of a changed function runs its new code',
  'start-lambda.rebuild-failed': 'Rebuild failed; the last build keeps serving: esbuild: syntax error',
  'traffic.start': 'Releasing 1 alias(es) of app (release r1): Fn:live 3→4 Canary10Percent5Minutes',
  'traffic.step': 'Fn:live [##..................]  10% on version 4 (+1.5s)',
  'traffic.hook.start': 'Fn PreTraffic hook command "./smoke.sh" running',
  'traffic.hook.done': 'Fn PreTraffic hook command "./smoke.sh" failed: exit 3',
  'traffic.alarm': 'Fn alarm app-errors is ALARM: Threshold Crossed',
  'traffic.rollback': 'Rolling back app: alarm app-errors of Fn is in ALARM. All traffic goes back to Fn:live version 3',
  'traffic.alias.done': 'Fn:live [####################] released: version 4 takes all traffic',
  'traffic.template': 'Updating stack app so its template names the released versions',
  'traffic.done': 'Release of app released; record: .lpack/releases/app-20261204T010000000Z.json',
}

const KINDS = Object.keys(EVENT_KINDS) as EventKind[]
const sample = <K extends EventKind>(kind: K): EventOf<K> => ({kind, data: SAMPLES[kind]}) as EventOf<K>

function capture(isTTY = false) {
  const writes: string[] = []
  return {stream: {write: (text: string) => (writes.push(text), true), isTTY, columns: 200, rows: 40} as unknown as NodeJS.WritableStream, writes, text: () => writes.join('')}
}

describe('typed events (#12.3)', () => {
  it.each(KINDS)('#12.3 renders %s as the line lpack printed before', (kind) => {
    expect(describeEvent(sample(kind)).text).toBe(TEXTS[kind])
  })

  it.each(KINDS)('#12.3 writes %s in CI as one plain line (warnings marked, debug only when verbose)', (kind) => {
    const quiet = capture()
    new StreamReporter({stream: quiet.stream, live: false}).emit(sample(kind))
    const verbose = capture()
    new StreamReporter({stream: verbose.stream, live: false, verbose: true}).emit(sample(kind))
    const line = (EVENT_KINDS[kind].level === 'warn' ? 'warning: ' : '') + TEXTS[kind]
    expect(verbose.text().split('\n')[0]).toBe(line)
    expect(quiet.text()).toBe(EVENT_KINDS[kind].level === 'debug' ? '' : verbose.text())
  })

  it.each(KINDS)('#12.3 writes %s under --json as one JSON line with its kind, level, data and text', (kind) => {
    const out = capture()
    new JsonLinesReporter(out.stream, {verbose: true, now: () => new Date(0)}).emit(sample(kind))
    const lines = out.text().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[1]).toBe('')
    const parsed = JSON.parse(lines[0]!)
    expect(parsed).toMatchObject({time: '1970-01-01T00:00:00.000Z', level: EVENT_KINDS[kind].level, kind, message: TEXTS[kind], data: JSON.parse(JSON.stringify(SAMPLES[kind]))})
    expect(Object.keys(parsed).filter((key) => key !== 'id' && key !== 'final')).toEqual(['time', 'level', 'kind', 'message', 'data'])
  })

  it.each(KINDS)('#12.3 draws %s on a TTY: a live line in place, or a printed line', (kind) => {
    const out = capture(true)
    new StreamReporter({stream: out.stream, live: true, verbose: true}).emit(sample(kind))
    const live = describeEvent(sample(kind)).live
    if (live !== undefined && !live.final) {
      // Drawn in the live block (nothing printed above it yet); the next event redraws it.
      expect(out.writes).toEqual([TEXTS[kind] + '\n'])
    } else {
      expect(out.text().startsWith((EVENT_KINDS[kind].level === 'warn' ? 'warning: ' : '') + TEXTS[kind] + '\n')).toBe(true)
    }
  })

  it('#12.3 keeps the live lines of builds, uploads and resources, and the stack\'s own events as plain lines', () => {
    expect(describeEvent(sample('build.start')).live).toEqual({id: 'HelloFn', final: false})
    expect(describeEvent(sample('build.done')).live).toEqual({id: 'HelloFn', final: true})
    expect(describeEvent(sample('package.upload.start')).live).toEqual({id: 'upload:p/abc.zip', final: false})
    expect(describeEvent(sample('deploy.event')).live).toEqual({id: 'resource:HelloFn', final: true})
    expect(describeEvent({kind: 'deploy.event', data: {...SAMPLES['deploy.event'], status: 'UPDATE_IN_PROGRESS'}}).live).toEqual({id: 'resource:HelloFn', final: false})
    expect(describeEvent({kind: 'deploy.event', data: {stackName: 'app', stack: true, logicalId: 'app', type: 'AWS::CloudFormation::Stack', status: 'UPDATE_COMPLETE'}}).live).toBeUndefined()
  })

  it('#12.3 renders the variants of a kind: cached builds, a local transform, the default environment, a dry run', () => {
    expect(describeEvent({kind: 'build.done', data: {logicalId: 'A', cached: true}}).text).toBe('✓ A (cached)')
    expect(describeEvent({kind: 'build.failed', data: {logicalId: 'A', error: 'A: broken'}}).text).toBe('✗ A: broken')
    expect(describeEvent({kind: 'build.waiting', data: {buildDir: 'd', holder: {pid: 7}}}).text).toBe('Another lpack build is running in d (pid 7): waiting for it to finish')
    expect(describeEvent({kind: 'build.waiting', data: {buildDir: 'd'}}).text).toBe('Another lpack build is running in d (starting): waiting for it to finish')
    expect(describeEvent({kind: 'deploy.transform', data: {mode: 'local', transforms: ['AWS::Serverless-2016-10-31']}}).text).toBe('Transformed AWS::Serverless-2016-10-31 locally')
    expect(describeEvent({kind: 'deploy.guided-saved', data: {file: 'f', env: 'default', defaultEnv: true}}).text).toBe('Saved to f (environment default): next time, lpack deploy')
    expect(describeEvent({kind: 'gc.plan', data: {action: 'delete', bucket: 'b', key: 'k', preview: true}}).text).toBe('Artifacts: would delete s3://b/k')
    expect(describeEvent({kind: 'gc.plan', data: {action: 'delete', bucket: 'b', key: 'k', preview: false}}).text).toBe('Artifacts: delete s3://b/k')
    expect(describeEvent({kind: 'invoke.env-unresolved', data: {functionId: 'F', names: ['ONE']}}).text).toContain('ONE has a value')
    expect(describeEvent({kind: 'package.bucket.create', data: {bucket: 'b', tlsOnly: false}}).text).toBe('Creating the artifacts bucket b (versioned, encrypted, private)')
  })

  it('#12.3 prints the change-set table under its line for people, and leaves it out of the JSON line', () => {
    const human = capture()
    new StreamReporter({stream: human.stream, live: false}).emit(sample('deploy.changeset'))
    expect(human.text()).toBe('Change set for app (UPDATE): 1 change(s)\n  ~ Modify  HelloFn  AWS::Lambda::Function\n')
    const json = capture()
    new JsonLinesReporter(json.stream).emit(sample('deploy.changeset'))
    expect(JSON.parse(json.text()).message).toBe('Change set for app (UPDATE): 1 change(s)')
  })

  it('#12.3 escapes control characters from templates and tools for people; JSON escapes them itself', () => {
    const event: LpackEvent = {kind: 'build.warning', data: {logicalId: 'A', warning: 'evil \u001b]0;title\u0007 text'}}
    const human = capture()
    new StreamReporter({stream: human.stream, live: false}).emit(event)
    expect(human.text()).toBe('warning: evil \\x1b]0;title\\x07 text\n')
    const json = capture()
    new JsonLinesReporter(json.stream).emit(event)
    expect(json.text()).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/)
    expect(JSON.parse(json.text()).data.warning).toBe('evil \u001b]0;title\u0007 text')
  })

  it('#12.3 demotes a kind when core asks (invoke shows its build as debug): hidden unless verbose', () => {
    const demoted: LpackEvent = {...sample('build.start'), level: 'debug'}
    expect(levelOf(demoted)).toBe('debug')
    const out = capture()
    new StreamReporter({stream: out.stream, live: false}).emit(demoted)
    new JsonLinesReporter(out.stream).emit(demoted)
    expect(out.text()).toBe('')
  })

  it('#12.3 chooses the reporter in one place: JSON lines under --json, live on a TTY, plain in CI', () => {
    const tty = capture(true)
    chooseReporter({json: false, verbose: false, stream: tty.stream, env: {}}).emit(sample('build.start'))
    expect(tty.writes).toEqual([TEXTS['build.start'] + '\n'])
    const ci = capture(true)
    const inCI = chooseReporter({json: false, verbose: false, stream: ci.stream, env: {CI: 'true'}})
    inCI.emit(sample('build.start'))
    inCI.emit(sample('build.done'))
    expect(ci.text()).toBe(`${TEXTS['build.start']}\n${TEXTS['build.done']}\n`)
    const json = capture(true)
    const underJson = chooseReporter({json: true, verbose: false, stream: json.stream, env: {}})
    expect(underJson).toBeInstanceOf(JsonLinesReporter)
    underJson.emit(sample('build.skip'))
    expect(json.text()).toBe('')
  })

  it('#12.3 rejects, at compile time, an unknown kind, data of the wrong shape, and text or line ids from core', () => {
    const reporter: Reporter = {emit() {}}
    // @ts-expect-error — no such kind in the registry
    reporter.emit({kind: 'build.nope', data: {}})
    // @ts-expect-error — build.done needs durationMs when it was not cached
    reporter.emit({kind: 'build.done', data: {logicalId: 'A', cached: false}})
    // @ts-expect-error — core emits no text: the message is io's
    reporter.emit({kind: 'delete.done', data: {stackName: 'app'}, message: 'Stack app deleted'})
    // @ts-expect-error — nor live-line ids
    reporter.emit({kind: 'build.start', data: {logicalId: 'A', builder: 'esbuild'}, id: 'A'})
    expect(KINDS.length).toBe(Object.keys(SAMPLES).length)
  })

  it('#12.3 a renderer that leaves out a kind does not compile (the never check in describeEvent)', () => {
    function partial(event: LpackEvent): string {
      switch (event.kind) {
        case 'build.start':
          return 'start'
        default: {
          // @ts-expect-error — every other kind reaches here, so `event` is not never
          const unreachable: never = event
          return String(unreachable)
        }
      }
    }
    expect(partial(sample('build.start'))).toBe('start')
  })
})
