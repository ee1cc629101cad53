import {spawn} from 'node:child_process'
import {cp, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {GetTemplateCommand, ListStackResourcesCommand} from '@aws-sdk/client-cloudformation'
import {CloudWatchClient, DescribeAlarmsCommand} from '@aws-sdk/client-cloudwatch'
import {GetAliasCommand, InvokeCommand, LambdaClient, ListVersionsByFunctionCommand} from '@aws-sdk/client-lambda'
import {GetObjectCommand} from '@aws-sdk/client-s3'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {LPACK_BIN, runLpack} from '../support/cli.js'
import {MOTO_REGION} from '../support/moto.js'
import {type LocalAws, startLocalAws} from '../support/local-aws.js'

/**
 * lpack's traffic engine on `lpack local`, whose data plane runs each published version's own code, picks the
 * version of an alias invocation by the alias's routing weights, and evaluates CloudWatch alarms from the metrics
 * of the invocations it ran. lpack talks to it through the fault proxy (which records lpack's requests); the test
 * invokes the alias directly on the local endpoint, as a client of the function would.
 */
const FIXTURE = new URL('../fixtures/traffic/plane', import.meta.url).pathname
const POLL_MS = 200
/** Per scheduled step, the chance that a correct router lands outside the acceptance interval (two-sided). */
const ALPHA = 1e-4
/** Invocation loops per alias while a release runs: each one waits for its answer before the next call. */
const LOOPS = 4

let aws: LocalAws
let project: string
let lambda: LambdaClient
let cloudWatch: CloudWatchClient
const stack = `lpack-plane-${process.pid}`
let codeNumber = 1

beforeAll(async () => {
  aws = await startLocalAws()
  project = await mkdtemp(join(tmpdir(), 'lpack-plane-'))
  await cp(FIXTURE, project, {recursive: true})
  const config = {endpoint: aws.endpoint, region: MOTO_REGION, credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'}}
  lambda = new LambdaClient(config)
  cloudWatch = new CloudWatchClient(config)
})

afterAll(async () => {
  lambda?.destroy()
  cloudWatch?.destroy()
  await aws?.stop()
  if (project) await rm(project, {recursive: true, force: true})
})

const DEPLOY = ['deploy', '--stack-name', stack, '--resolve-s3', '--traffic-engine', 'lpack', '--traffic-poll-interval', String(POLL_MS), '--poll-interval', '200']

function lpack(args: string[]) {
  return runLpack(args, {cwd: project, env: aws.env})
}

/** New code for every function: it names itself (`vN`) and the version Lambda says it runs, or throws. */
async function newCode(options: {throws?: boolean} = {}): Promise<string> {
  codeNumber += 1
  const code = `v${codeNumber}`
  const body = options.throws ? 'throw new Error(`${CODE} is broken`)' : 'return {code: CODE, version: context.functionVersion}'
  await writeFile(join(project, 'src/index.js'), `const CODE = '${code}'\nexports.handler = async (event, context) => {\n  ${body}\n}\n`)
  return code
}

async function physicalId(logicalId: string): Promise<string> {
  const resources = await aws.sdk.cloudFormation.send(new ListStackResourcesCommand({StackName: stack}))
  return resources.StackResourceSummaries!.find((resource) => resource.LogicalResourceId === logicalId)!.PhysicalResourceId!
}

async function alias(fn: string) {
  const answer = await lambda.send(new GetAliasCommand({FunctionName: fn, Name: 'live'}))
  const weights = Object.entries(answer.RoutingConfig?.AdditionalVersionWeights ?? {})
  return {version: answer.FunctionVersion!, additional: weights[0] as [string, number] | undefined, description: answer.Description ?? ''}
}

/** The percent of the alias's traffic the routing gives `newVersion`. */
async function percentOn(fn: string, newVersion: string): Promise<number> {
  const state = await alias(fn)
  if (state.additional?.[0] === newVersion) return Math.round(state.additional[1] * 100)
  return state.version === newVersion ? 100 : 0
}

/** The alias's FunctionVersion as the deployed template has it. */
async function templateVersion(aliasLogicalPrefix: string): Promise<unknown> {
  const body = (await aws.sdk.cloudFormation.send(new GetTemplateCommand({StackName: stack}))).TemplateBody!
  const template = JSON.parse(body) as {Resources: Record<string, {Type: string; Properties: {FunctionVersion: unknown}}>}
  const [, resource] = Object.entries(template.Resources).find(([id, value]) => id.startsWith(aliasLogicalPrefix) && value.Type === 'AWS::Lambda::Alias')!
  return resource.Properties.FunctionVersion
}

/** Makes the template's body, as deployed, larger than CloudFormation's 51,200-byte inline limit (once). */
async function padTemplate(): Promise<void> {
  const template = await readFile(join(project, 'template.yaml'), 'utf8')
  if (!template.includes('Padding:')) await writeFile(join(project, 'template.yaml'), template.replace('Globals:', `Metadata:\n  Padding: ${'x'.repeat(60_000)}\nGlobals:`))
}

interface Answer {
  /** Percent on the new version read just before and just after the call: equal → the weight in force. */
  before: number
  after: number
  /** X-Amz-Executed-Version */
  executed: string
  functionError?: string
  /** What the code that ran said about itself. */
  code?: string
  version?: string
}

/**
 * Invokes `fn:live` through the local endpoint in LOOPS loops until `until` settles; every answer. Each loop reads
 * the alias between two calls, so every call is bracketed by the weight just before and just after it.
 */
async function invokeWhile(fn: string, newVersion: string, until: Promise<unknown>): Promise<Answer[]> {
  let finished = false
  void until.finally(() => (finished = true))
  const answers: Answer[] = []
  const loop = async () => {
    let before = await percentOn(fn, newVersion)
    while (!finished) {
      const response = await lambda.send(new InvokeCommand({FunctionName: fn, Qualifier: 'live', Payload: Buffer.from('{}')}))
      const after = await percentOn(fn, newVersion)
      const text = Buffer.from(response.Payload ?? []).toString('utf8')
      const payload = JSON.parse(text || 'null') as {code?: string; version?: string} | null
      answers.push({before, after, executed: response.ExecutedVersion!, ...(response.FunctionError ? {functionError: `${response.FunctionError}: ${text}`} : {}), ...(payload?.code ? {code: payload.code, version: payload.version} : {})})
      before = after
    }
  }
  await Promise.all([...Array.from({length: LOOPS}, loop), warm(fn, newVersion, () => finished)])
  return answers
}

/**
 * Starts LOOPS environments of the new version as soon as the stack update has published it, before the
 * alias routes to it: a call that straddles a weight change is set aside, and cold starts would make the
 * new version's calls straddle more often than the old one's (a bias toward the old version).
 */
async function warm(fn: string, version: string, finished: () => boolean): Promise<void> {
  while (!finished()) {
    const versions = (await lambda.send(new ListVersionsByFunctionCommand({FunctionName: fn}))).Versions ?? []
    if (versions.some((candidate) => candidate.Version === version)) {
      await Promise.all(Array.from({length: LOOPS}, () => lambda.send(new InvokeCommand({FunctionName: fn, Qualifier: version, Payload: Buffer.from('{}')}))))
      return
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** P(K = k) for K ~ Binomial(n, p), every k, built term by term in log space (no underflow of (1-p)^n). */
function binomialPmf(n: number, p: number): number[] {
  const logs = [n * Math.log(1 - p)]
  for (let k = 0; k < n; k++) logs.push(logs[k]! + Math.log((n - k) / (k + 1)) + Math.log(p / (1 - p)))
  return logs.map(Math.exp)
}

/** The distribution of the sum of two independent counts. */
function convolve(a: number[], b: number[]): number[] {
  const sum = Array.from({length: a.length + b.length - 1}, () => 0)
  for (const [i, x] of a.entries()) for (const [j, y] of b.entries()) sum[i + j]! += x * y
  return sum
}

/** [lo, hi]: a count of this distribution falls below lo, or above hi, each with a chance of at most alpha/2. */
function acceptance(pmf: number[], alpha: number): [number, number] {
  let lo = 0
  for (let below = 0; lo < pmf.length - 1 && below + pmf[lo]! <= alpha / 2; lo++) below += pmf[lo]!
  let hi = pmf.length - 1
  for (let above = 0; hi > 0 && above + pmf[hi]! <= alpha / 2; hi--) above += pmf[hi]!
  return [lo, hi]
}

/** Each answer whose weight stayed the same across the call, counted by that weight: calls, and calls on the new version. */
function sharesByWeight(answers: Answer[], newVersion: string) {
  const byPercent = new Map<number, {n: number; onNew: number}>()
  for (const answer of answers.filter((candidate) => candidate.before === candidate.after)) {
    const entry = byPercent.get(answer.before) ?? {n: 0, onNew: 0}
    entry.n += 1
    if (answer.executed === newVersion) entry.onNew += 1
    byPercent.set(answer.before, entry)
  }
  return byPercent
}

/**
 * The share of calls on the new version, per weight in force, against the schedule. A router that honours
 * weight p sends each call to the new version with chance p, independently, so the count of n calls is
 * Binomial(n, p): each step's count must lie in its exact two-sided interval at ALPHA, and so must the total
 * over the steps (the sum of the steps' binomials). The total's interval must exclude 0 and every call — else
 * the calls were too few to tell a router that ignores the weights, and the test fails rather than pass weakly.
 */
function expectScheduledShares(answers: Answer[], versions: {old: string; new: string}, codes: {old: string; new: string}, scheduled: number[]): void {
  // Which version answered is what its code said: the code baked into each version, and the version Lambda told it.
  for (const answer of answers) {
    expect(answer.functionError).toBeUndefined()
    expect([answer.executed, answer.code, answer.version]).toEqual(answer.executed === versions.new ? [versions.new, codes.new, versions.new] : [versions.old, codes.old, versions.old])
  }
  const shares = sharesByWeight(answers, versions.new)
  // Before the shift (and during the stack update) nothing reaches the new version; at 100 % everything does.
  expect(shares.get(0)?.onNew).toBe(0)
  expect(shares.get(100)?.n).toBeGreaterThan(0)
  expect(shares.get(100)?.onNew).toBe(shares.get(100)?.n)
  expect([...shares.keys()].filter((percent) => percent !== 0 && percent !== 100).sort((a, b) => a - b)).toEqual(scheduled)
  let total = [1]
  let calls = 0
  let onNew = 0
  for (const percent of scheduled) {
    const step = shares.get(percent)!
    const pmf = binomialPmf(step.n, percent / 100)
    const [lo, hi] = acceptance(pmf, ALPHA)
    expect(step.onNew, `${step.onNew} of ${step.n} calls reached the new version at ${percent}%; a router honouring the weight gives ${lo}..${hi}`).toBeGreaterThanOrEqual(lo)
    expect(step.onNew, `${step.onNew} of ${step.n} calls reached the new version at ${percent}%; a router honouring the weight gives ${lo}..${hi}`).toBeLessThanOrEqual(hi)
    total = convolve(total, pmf)
    calls += step.n
    onNew += step.onNew
  }
  const [lo, hi] = acceptance(total, ALPHA)
  expect(lo, `${calls} calls during the shift are too few to tell the weights from none`).toBeGreaterThan(0)
  expect(hi, `${calls} calls during the shift are too few to tell the weights from all`).toBeLessThan(calls)
  expect(onNew, `${onNew} of ${calls} calls during the shift reached the new version; the weights give ${lo}..${hi}`).toBeGreaterThanOrEqual(lo)
  expect(onNew, `${onNew} of ${calls} calls during the shift reached the new version; the weights give ${lo}..${hi}`).toBeLessThanOrEqual(hi)
}

describe('#16 lpack engine on lpack local: the data plane follows the weights, alarms come from real errors', () => {
  let canary: string
  let linear: string

  it('creates the stack: the aliases start on the first version', async () => {
    const result = await lpack(DEPLOY)
    expect(result.exitCode, result.stderr).toBe(0)
    canary = await physicalId('CanaryFn')
    linear = await physicalId('LinearFn')
    expect((await alias(canary)).version).toBe('1')
    expect((await alias(linear)).version).toBe('1')
  })

  it('#16 while a canary and a linear release run, invocations of the alias reach the new version in the scheduled share', async () => {
    const code = await newCode()
    const run = lpack([...DEPLOY, '--json'])
    const [canaryAnswers, linearAnswers, result] = await Promise.all([invokeWhile(canary, '2', run), invokeWhile(linear, '2', run), run])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout).release).toMatchObject({kind: 'released'})
    // Canary30Percent8Seconds, Linear34PercentEvery5Seconds.
    expectScheduledShares(canaryAnswers, {old: '1', new: '2'}, {old: 'v1', new: code}, [30])
    expectScheduledShares(linearAnswers, {old: '1', new: '2'}, {old: 'v1', new: code}, [34, 68])
    for (const fn of [canary, linear]) expect(await alias(fn)).toEqual({version: '2', additional: undefined, description: ''})
  })

  it('#16 a template over 51,200 bytes: the stack update that ends the release goes through S3 as TemplateURL', async () => {
    await padTemplate()
    const next = String(Number((await alias(canary)).version) + 1)
    await newCode()
    const before = aws.proxy.requests.length
    const result = await lpack([...DEPLOY, '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout).release).toMatchObject({kind: 'released', aliases: [{newVersion: next, percent: 100}, {newVersion: next, percent: 100}]})
    const requests = aws.proxy.requests.slice(before).filter((request) => request.parameters !== undefined)
    // CloudFormation refuses a TemplateBody over 51,200 bytes; moto does not, so the test looks at what lpack sent.
    const inline = requests.filter((request) => Buffer.byteLength(request.parameters!.TemplateBody ?? '') > 51_200)
    expect(inline.map((request) => request.action)).toEqual([])
    const updates = requests.filter((request) => request.action === 'UpdateStack')
    expect(updates).toHaveLength(1)
    const url = new URL(updates[0]!.parameters!.TemplateURL!)
    const [bucket, ...key] = url.pathname.slice(1).split('/')
    const uploaded = await (await aws.sdk.s3.send(new GetObjectCommand({Bucket: bucket, Key: key.map(decodeURIComponent).join('/')}))).Body!.transformToString()
    expect(Buffer.byteLength(uploaded)).toBeGreaterThan(51_200)
    // No drift: the alias runs the new version and the deployed template points it at the Version resource again.
    for (const fn of [canary, linear]) expect(await alias(fn)).toEqual({version: next, additional: undefined, description: ''})
    expect(await templateVersion('CanaryFnAlias')).toEqual({'Fn::GetAtt': [expect.stringMatching(/^CanaryFnVersion/), 'Version']})
    expect(JSON.parse(uploaded).Resources[Object.keys(JSON.parse(uploaded).Resources).find((id: string) => id.startsWith('CanaryFnAlias'))!].Properties.FunctionVersion).toEqual(await templateVersion('CanaryFnAlias'))
  })

  it('#16 a template over 51,200 bytes: lpack traffic resume after a SIGKILL ends the release through S3 too', async () => {
    await padTemplate()
    const next = String(Number((await alias(canary)).version) + 1)
    await newCode()
    const child = spawn(process.execPath, [LPACK_BIN, ...DEPLOY], {cwd: project, env: {...process.env, CI: 'true', NO_COLOR: '1', ...aws.env}, stdio: 'ignore'})
    const exited = new Promise((resolve) => child.on('close', resolve))
    for (const deadline = Date.now() + 50_000; (await alias(canary)).additional?.[0] !== next; ) {
      expect(Date.now() < deadline && child.exitCode === null, 'the release never shifted').toBe(true)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    child.kill('SIGKILL')
    await exited
    const before = aws.proxy.requests.length
    const resumed = await lpack(['traffic', 'resume', '--stack-name', stack, '--traffic-poll-interval', String(POLL_MS)])
    expect(resumed.exitCode, resumed.stderr).toBe(0)
    const requests = aws.proxy.requests.slice(before).filter((request) => request.parameters !== undefined)
    expect(requests.filter((request) => Buffer.byteLength(request.parameters!.TemplateBody ?? '') > 51_200).map((request) => request.action)).toEqual([])
    const updates = requests.filter((request) => request.action === 'UpdateStack')
    expect(updates).toHaveLength(1)
    expect(updates[0]!.parameters!.TemplateURL).toMatch(/\.template\.json$/)
    for (const fn of [canary, linear]) expect(await alias(fn)).toEqual({version: next, additional: undefined, description: ''})
    expect(await templateVersion('CanaryFnAlias')).toEqual({'Fn::GetAtt': [expect.stringMatching(/^CanaryFnVersion/), 'Version']})
  })

  it('#16 the new version throws: lpack local sets the Errors alarm to ALARM from the invocations, lpack rolls back, exit 1 naming the alarm', async () => {
    const old = (await alias(canary)).version
    const next = String(Number(old) + 1)
    const code = await newCode({throws: true})
    const alarmName = await physicalId('CanaryErrors')
    const run = lpack(DEPLOY)
    const [answers, result] = await Promise.all([invokeWhile(canary, next, run), run])
    expect(result.exitCode, result.stderr.slice(-3000)).toBe(1)
    expect(result.stderr).toContain('TRAFFIC_ROLLED_BACK')
    expect(result.stderr).toContain(`alarm ${alarmName} of CanaryFn is in ALARM`)
    // The state came from lpack local's evaluation of the Errors the new version's calls produced, not from SetAlarmState.
    expect(result.stderr).toContain('evaluated by lpack local')
    const [state] = (await cloudWatch.send(new DescribeAlarmsCommand({AlarmNames: [alarmName]}))).MetricAlarms!
    expect(state!.StateReason).toMatch(/^Threshold Crossed: .*evaluated by lpack local/)
    const failed = answers.filter((answer) => answer.functionError?.includes(`${code} is broken`))
    expect(failed.length).toBeGreaterThan(0)
    expect(new Set(failed.map((answer) => answer.executed))).toEqual(new Set([next]))
    expect(answers.some((answer) => answer.before > 0 && answer.before < 100)).toBe(true)
    expect(answers.every((answer) => answer.before < 100)).toBe(true)
    // Every alias back on its old version, the new one left published; alias and template agree.
    for (const [fn, prefix] of [[canary, 'CanaryFnAlias'], [linear, 'LinearFnAlias']] as const) {
      expect(await alias(fn)).toEqual({version: old, additional: undefined, description: ''})
      expect(await templateVersion(prefix)).toBe(old)
      const direct = await lambda.send(new InvokeCommand({FunctionName: fn, Qualifier: next, Payload: Buffer.from('{}')}))
      expect(direct.FunctionError).toBe('Unhandled')
    }
  })
})
