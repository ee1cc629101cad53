import {spawn} from 'node:child_process'
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {invokeMany} from '../../src/core/invoke/index.js'
import {RecordingReporter} from '../../src/io/reporter.js'
import {LPACK_BIN, runLpack} from '../support/cli.js'

// `lpack invoke` as a user runs it: the built CLI, a SAM template, a real build, real node and python3.
const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, Default: dev}
Globals:
  Function:
    Timeout: 5
    Environment:
      Variables: {STAGE: !Ref Stage, FROM_GLOBALS: globals, OVERRIDDEN: template, AWS_REGION: mars-1, REGION_SUB: !Sub '\${AWS::Region}/\${Stage}'}
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: hello/
      Handler: app.handler
      Runtime: nodejs20.x
      MemorySize: 256
      Environment:
        Variables: {TABLE: orders}
  Greeter:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: greeter/, Handler: app.handler, Runtime: python3.12, Layers: [!Ref Shared]}
  Hungry:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: hungry/, Handler: app.handler, Runtime: nodejs20.x, MemorySize: 512}
  Custom:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: custom/, Handler: not.used, Runtime: provided.al2023}
  Streamer:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: streamer/, Handler: app.handler, Runtime: nodejs22.x}
  Shared:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: shared/, CompatibleRuntimes: [python3.12]}
`

const HELLO = `
exports.handler = async (event, context) => {
  console.log('handling', JSON.stringify(event))
  if (event.fail) throw new TypeError('asked to fail')
  const pick = ['STAGE', 'FROM_GLOBALS', 'OVERRIDDEN', 'TABLE', 'AWS_REGION', 'REGION_SUB', 'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE']
  return {event, env: Object.fromEntries(pick.map((name) => [name, process.env[name]])), memory: context.memoryLimitInMB}
}
`

let project: string
beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'lpack-invoke-cli-'))
  await mkdir(join(project, 'hello'))
  await mkdir(join(project, 'greeter'))
  await mkdir(join(project, 'shared', 'python'), {recursive: true})
  await writeFile(join(project, 'template.yaml'), TEMPLATE)
  await writeFile(join(project, 'hello', 'app.js'), HELLO)
  await writeFile(join(project, 'greeter', 'app.py'), 'import greet\n\ndef handler(event, context):\n    return greet.greet(event["name"])\n')
  await writeFile(join(project, 'shared', 'python', 'greet.py'), 'def greet(name):\n    return "Hello, " + name + "!"\n')
  await writeFile(join(project, 'event.json'), '{"id": 42}')
  await mkdir(join(project, 'hungry'))
  await writeFile(join(project, 'hungry', 'app.js'), 'const kept = []\nexports.handler = async () => { kept.push(Buffer.alloc(60 * 1024 * 1024, 1)); return kept.length }\n')
  await mkdir(join(project, 'streamer'))
  await writeFile(join(project, 'streamer', 'app.mjs'), `export const handler = awslambda.streamifyResponse(async (event, stream) => {
  stream.write('first ')
  await new Promise((resolve) => setTimeout(resolve, 500))
  stream.write('second')
  if (event.fail) throw new Error('broke after a pause')
  stream.end()
})
`)
  await mkdir(join(project, 'custom'))
  // A custom runtime's bootstrap in Python, reading the Runtime API with the standard library only.
  const bootstrap = [
    '#!/usr/bin/env python3',
    'import json, os, urllib.request',
    'api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime"',
    'while True:',
    '    with urllib.request.urlopen(api + "/invocation/next") as response:',
    '        request_id = response.headers["Lambda-Runtime-Aws-Request-Id"]',
    '        event = json.loads(response.read())',
    '    body = json.dumps({"custom": event, "handler": os.environ["_HANDLER"]}).encode()',
    '    urllib.request.urlopen(urllib.request.Request(api + "/invocation/" + request_id + "/response", data=body, method="POST")).read()',
    '',
  ].join('\n')
  await writeFile(join(project, 'custom', 'bootstrap'), bootstrap, {mode: 0o755})
  await writeFile(join(project, 'env.json'), JSON.stringify({Parameters: {OVERRIDDEN: 'from-parameters'}, Hello: {TABLE: 'local-orders', AWS_REGION: 'venus-2', UNDECLARED: 'x'}}))
})
afterAll(async () => {
  await rm(project, {recursive: true, force: true})
})

const lpack = (args: string[], options: {input?: string; env?: NodeJS.ProcessEnv} = {}) => runLpack(args, {cwd: project, timeoutMs: 120_000, env: {AWS_REGION: 'eu-central-1', ...options.env}, ...options})

describe('lpack invoke', () => {
  it('#14.5 builds, runs the function and prints its response on stdout and its logs on stderr', {timeout: 120_000}, async () => {
    const result = await lpack(['invoke', 'Hello', '-e', 'event.json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const body = JSON.parse(result.stdout)
    expect(body.event).toEqual({id: 42})
    expect(body.memory).toBe('256')
    expect(result.stderr).toMatch(/^START RequestId: \S+ Version: \$LATEST$/m)
    expect(result.stderr).toMatch(/\tINFO\thandling \{"id":42\}$/m)
    expect(result.stderr).toMatch(/^END RequestId: /m)
    expect(result.stderr).toMatch(/^REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 256 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms/m)
  })

  it('#14.2 environment precedence: Globals and parameters < the function < --env-vars; Lambda\'s reserved variables win', {timeout: 120_000}, async () => {
    const plain = JSON.parse((await lpack(['invoke', 'Hello', '--parameter-overrides', 'Stage=prod'])).stdout)
    expect(plain.env).toEqual({
      STAGE: 'prod',
      FROM_GLOBALS: 'globals',
      OVERRIDDEN: 'template',
      TABLE: 'orders',
      AWS_REGION: 'eu-central-1',
      REGION_SUB: 'eu-central-1/prod',
      AWS_LAMBDA_FUNCTION_NAME: 'Hello',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    })
    const overridden = await lpack(['invoke', 'Hello', '--env-vars', 'env.json'])
    expect(JSON.parse(overridden.stdout).env).toMatchObject({OVERRIDDEN: 'from-parameters', TABLE: 'local-orders', AWS_REGION: 'eu-central-1', STAGE: 'dev'})
    // Like sam local, a variable the template does not declare is not added; lpack says so.
    expect(JSON.parse(overridden.stdout).env.UNDECLARED).toBeUndefined()
    expect(overridden.stderr).toContain('--env-vars: UNDECLARED not declared')
  })

  it('#14.4 a thrown error exits 1 with Lambda\'s error document on stdout', {timeout: 120_000}, async () => {
    const result = await lpack(['invoke', 'Hello', '--event', '-'], {input: '{"fail": true}'})
    expect(result.exitCode).toBe(1)
    const body = JSON.parse(result.stdout)
    expect(body).toMatchObject({errorType: 'TypeError', errorMessage: 'asked to fail'})
    expect(body.trace[0]).toBe('TypeError: asked to fail')
    const json = await lpack(['invoke', 'Hello', '--event', '-', '--json'], {input: '{"fail": true}'})
    expect(json.exitCode).toBe(1)
    expect(JSON.parse(json.stdout)).toMatchObject({failed: true, errorType: 'TypeError', payload: {errorMessage: 'asked to fail'}, coldStart: true})
  })

  it('#14.5 usage errors exit 2: an unknown function, a missing or non-JSON event, a bad --env-vars file', {timeout: 120_000}, async () => {
    await writeFile(join(project, 'bad.json'), '{"id": ')
    const cases: [string[], RegExp][] = [
      [['invoke', 'Nope'], /Nope/],
      [['invoke', 'Shared'], /Shared' is not a function/],
      [['invoke', 'Hello', '-e', 'missing.json'], /missing\.json does not exist/],
      [['invoke', 'Hello', '-e', 'bad.json'], /The event is not JSON/],
      [['invoke', 'Hello', '--env-vars', 'bad.json'], /bad\.json is not JSON/],
    ]
    for (const [args, message] of cases) {
      const result = await lpack(args)
      expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(2)
      expect(result.stderr).toMatch(message)
      expect(result.stderr).not.toMatch(/\n\s+at /)
    }
  })

  it('#14.2 a Python function imports from its layer, unpacked under an /opt-like folder on PYTHONPATH', {timeout: 120_000}, async () => {
    const result = await lpack(['invoke', 'Greeter', '--event', '-'], {input: '{"name": "Ada"}'})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toBe('Hello, Ada!')
  })

  it('#14.1 a provided.al2023 function\'s own bootstrap runs from the built zip (its executable bit kept)', {timeout: 120_000}, async () => {
    const result = await lpack(['invoke', 'Custom', '-e', 'event.json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({custom: {id: 42}, handler: 'not.used'})
  })

  it('#14.3 an event over 6 MB is refused as Lambda refuses it, before anything runs', {timeout: 30_000}, async () => {
    const tooLarge = Buffer.from(JSON.stringify('x'.repeat(6 * 1024 * 1024)))
    const invoking = invokeMany({templateFile: join(project, 'template.yaml'), functionId: 'Hello', events: [{event: tooLarge}], reporter: new RecordingReporter()})
    await expect(invoking).rejects.toMatchObject({code: 'USAGE', message: expect.stringContaining('at most 6291456 bytes')})
  })

  it('#14.3 a warm second invoke in one environment has no Init Duration', {timeout: 120_000}, async () => {
    const reporter = new RecordingReporter()
    const results = await invokeMany({templateFile: join(project, 'template.yaml'), functionId: 'Hello', events: [{event: Buffer.from('{"n":1}')}, {event: Buffer.from('{"n":2}')}], reporter, hostEnv: {PATH: process.env.PATH}})
    expect(results.map((r) => JSON.parse(r.payload).event)).toEqual([{n: 1}, {n: 2}])
    expect(results.map((r) => r.coldStart)).toEqual([true, false])
    expect(results[0]!.logs.at(-1)).toContain('Init Duration: ')
    expect(results[1]!.logs.at(-1)).not.toContain('Init Duration')
    expect(results[1]!.report.initDurationMs).toBeUndefined()
  })
})

describe('lpack invoke: a response-streaming function', () => {
  /** Runs `lpack invoke Streamer` and notes when each piece of stdout arrives and when the process ends. */
  async function invokeStreamer(event: string): Promise<{stdout: {text: string; at: number}[]; exitCode: number | null; endedAt: number; stderr: string}> {
    const child = spawn(process.execPath, [LPACK_BIN, 'invoke', 'Streamer', '--event', '-'], {cwd: project, env: {...process.env, CI: 'true', NO_COLOR: '1'}, stdio: ['pipe', 'pipe', 'pipe']})
    child.stdin!.end(event)
    const stdout: {text: string; at: number}[] = []
    let stderr = ''
    child.stdout!.on('data', (chunk: Buffer) => stdout.push({text: chunk.toString('utf8'), at: performance.now()}))
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk))
    const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
    return {stdout, exitCode, endedAt: performance.now(), stderr}
  }

  it('#14.2 lpack invoke prints the chunks as the handler writes them; an error after them exits 1 with its document', {timeout: 120_000}, async () => {
    const streamed = await invokeStreamer('{}')
    expect(streamed.exitCode, streamed.stderr).toBe(0)
    expect(streamed.stdout.map((piece) => piece.text).join('')).toBe('first second\n')
    // 'first ' is on stdout while the handler waits its 500 ms.
    expect(streamed.stdout[0]!.text).toBe('first ')
    expect(streamed.endedAt - streamed.stdout[0]!.at).toBeGreaterThanOrEqual(400)
    const broken = await invokeStreamer('{"fail": true}')
    expect(broken.exitCode).toBe(1)
    const [printed, document] = broken.stdout.map((piece) => piece.text).join('').split('\n')
    expect(printed).toBe('first second')
    expect(JSON.parse(document!)).toMatchObject({errorType: 'Error', errorMessage: 'broke after a pause'})
  })
})

describe('lpack invoke --profile-memory', () => {
  it('#14.6 invokes N times, reports Max Memory Used and duration percentiles, recommends MemorySize and Timeout', {timeout: 120_000}, async () => {
    const {stdout, stderr, exitCode} = await runLpack(['invoke', 'Hungry', '--profile-memory', '4', '--json'], {cwd: project})
    expect(exitCode, stderr).toBe(0)
    const profile = JSON.parse(stdout)
    expect(profile).toMatchObject({functionId: 'Hungry', invocations: 4, failures: 0, memorySizeMb: 512, timeoutSeconds: 5})
    // Each invocation holds 60 MB more than the last (a leak the profile must show): the p99 follows the last.
    expect(profile.maxMemoryUsedMb.max - profile.maxMemoryUsedMb.min).toBeGreaterThanOrEqual(150)
    expect(profile.maxMemoryUsedMb.p99).toBe(profile.maxMemoryUsedMb.max)
    expect(profile.initDurationMs).toBeGreaterThan(0)
    const expected = Math.max(128, Math.ceil((profile.maxMemoryUsedMb.p99 * 1.2) / 64) * 64)
    expect(profile.recommendation.memorySizeMb).toBe(expected)
    expect(profile.recommendation.memorySizeMb % 64).toBe(0)
    expect(profile.recommendation.timeoutSeconds).toBeGreaterThanOrEqual(1)
    const human = await runLpack(['invoke', 'Hungry', '--profile-memory', '2'], {cwd: project})
    expect(human.stdout).toMatch(/^Max Memory Used +min \d+ MB {2}p50 \d+ MB/m)
    expect(human.stdout).toMatch(/^Recommended: MemorySize: \d+, Timeout: \d+$/m)
  })
})
