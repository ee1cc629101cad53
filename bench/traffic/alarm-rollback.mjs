// Time from an alarm going to ALARM to the alias being back on its old version, with lpack's traffic engine, on
// `lpack local` (started here on a free loopback port, its state in a temporary folder). One stack (the fixture
// test/fixtures/traffic/plane, its canary stretched to 60 s so the release is still shifting when the alarm goes
// off), then per run a new code version released with `lpack deploy --traffic-engine lpack`:
//   set:    once the alias routes to the new version, after a random wait within one poll interval, the alarm is
//           set to ALARM with SetAlarmState; the clock starts at that call.
//   errors: the new version's code throws; the alias is invoked (one call at a time) while it shifts, lpack local's
//           evaluator sets the alarm (Errors of the alias, Period 10 s here so that it clears between runs) to
//           ALARM; the clock starts when DescribeAlarms, read every 10 ms, first shows ALARM. The first failed
//           call → ALARM is printed too (lpack local evaluates alarms once a second).
// The clock stops when GetAlias, read every 10 ms, shows the old version alone.
//
//   npm run build && node bench/traffic/alarm-rollback.mjs [runs=5] [pollIntervalMs=1000] [set|errors]
import {spawn} from 'node:child_process'
import {cp, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {CloudWatchClient, DescribeAlarmsCommand, SetAlarmStateCommand} from '@aws-sdk/client-cloudwatch'
import {CloudFormationClient, ListStackResourcesCommand} from '@aws-sdk/client-cloudformation'
import {GetAliasCommand, InvokeCommand, LambdaClient} from '@aws-sdk/client-lambda'

const root = fileURLToPath(new URL('../..', import.meta.url))
const runs = Number(process.argv[2] ?? 5)
const pollMs = Number(process.argv[3] ?? 1000)
const mode = process.argv[4] ?? 'set'
if (mode !== 'set' && mode !== 'errors') throw new Error(`mode must be set or errors, got ${mode}`)

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
const stateDir = await mkdtemp(join(tmpdir(), 'lpack-bench-local-'))
const local = spawn(process.execPath, [join(root, 'bin/run.js'), 'local', 'start', '--port', '0', '--state-dir', stateDir], {stdio: ['ignore', 'pipe', 'ignore'], env: {...process.env, CI: 'true'}})
const endpoint = await new Promise((resolve, reject) => {
  let output = ''
  local.stdout.on('data', (chunk) => {
    output += chunk
    const match = /^endpoint: (\S+)$/m.exec(output)
    if (match) resolve(match[1])
  })
  local.on('exit', (code) => reject(new Error(`lpack local start exited with ${code}`)))
})
const env = {...process.env, CI: 'true', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1', AWS_ENDPOINT_URL: endpoint, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null'}
const config = {endpoint, region: 'us-east-1', credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'}}
const lambda = new LambdaClient(config)
const cloudWatch = new CloudWatchClient(config)
const cloudFormation = new CloudFormationClient(config)
const project = await mkdtemp(join(tmpdir(), 'lpack-bench-traffic-'))
const stack = 'bench-traffic'
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function lpack(args) {
  const child = spawn(process.execPath, [join(root, 'bin/run.js'), ...args], {cwd: project, env, stdio: ['ignore', 'ignore', 'pipe']})
  let stderr = ''
  child.stderr.on('data', (chunk) => (stderr += chunk))
  return new Promise((resolve) => child.on('close', (code) => resolve({code, stderr})))
}

const alarmState = async (name) => (await cloudWatch.send(new DescribeAlarmsCommand({AlarmNames: [name]}))).MetricAlarms[0].StateValue

try {
  await cp(join(root, 'test/fixtures/traffic/plane'), project, {recursive: true})
  const template = join(project, 'template.yaml')
  await writeFile(template, (await readFile(template, 'utf8')).replace('Canary30Percent8Seconds', 'Canary30Percent60Seconds').replace('Period: 60', 'Period: 10'))
  const deploy = ['deploy', '--stack-name', stack, '--resolve-s3', '--traffic-engine', 'lpack', '--traffic-poll-interval', String(pollMs), '--poll-interval', '200']
  const first = await lpack(deploy)
  if (first.code !== 0) throw new Error(first.stderr)
  const resources = (await cloudFormation.send(new ListStackResourcesCommand({StackName: stack}))).StackResourceSummaries
  const physical = (id) => resources.find((resource) => resource.LogicalResourceId === id).PhysicalResourceId
  const fn = physical('CanaryFn')
  const alarm = physical('CanaryErrors')
  const times = []
  const detection = []
  for (let run = 0; run < runs; run++) {
    // The alarm of the previous run clears before the next release starts.
    while ((await alarmState(alarm)) === 'ALARM') await sleep(200)
    const body = mode === 'errors' ? `throw new Error('run ${run}')` : `return 'run ${run}'`
    await writeFile(join(project, 'src/index.js'), `exports.handler = async () => {\n  ${body}\n}\n`)
    const before = (await lambda.send(new GetAliasCommand({FunctionName: fn, Name: 'live'}))).FunctionVersion
    const deploying = lpack(deploy)
    for (;;) {
      const alias = await lambda.send(new GetAliasCommand({FunctionName: fn, Name: 'live'}))
      if (Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {}).length > 0) break
      await sleep(20)
    }
    let alarmAt
    if (mode === 'set') {
      // Somewhere inside a poll interval, as an alarm would fire.
      await sleep(Math.random() * pollMs)
      alarmAt = performance.now()
      await cloudWatch.send(new SetAlarmStateCommand({AlarmName: alarm, StateValue: 'ALARM', StateReason: 'bench'}))
    } else {
      let firstError
      let calling = true
      const calls = (async () => {
        while (calling) {
          const answer = await lambda.send(new InvokeCommand({FunctionName: fn, Qualifier: 'live', Payload: Buffer.from('{}')}))
          if (answer.FunctionError && firstError === undefined) firstError = performance.now()
        }
      })()
      while ((await alarmState(alarm)) !== 'ALARM') await sleep(10)
      alarmAt = performance.now()
      calling = false
      await calls
      detection.push(alarmAt - firstError)
    }
    for (;;) {
      const alias = await lambda.send(new GetAliasCommand({FunctionName: fn, Name: 'live'}))
      if (alias.FunctionVersion === before && Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {}).length === 0) break
      await sleep(10)
    }
    times.push(performance.now() - alarmAt)
    const result = await deploying
    if (result.code !== 1) throw new Error(`expected a rollback (exit 1), got ${result.code}: ${result.stderr}`)
    if (mode === 'set') await cloudWatch.send(new SetAlarmStateCommand({AlarmName: alarm, StateValue: 'OK', StateReason: 'bench'}))
  }
  const summary = (values) => {
    const sorted = [...values].sort((a, b) => a - b)
    return `${sorted.map((ms) => `${Math.round(ms)}`).join(', ')} ms (median ${Math.round(sorted[Math.floor(sorted.length / 2)])} ms, max ${Math.round(sorted.at(-1))} ms)`
  }
  console.log(`${mode}: poll interval ${pollMs} ms, ${runs} runs: alarm → alias back on the old version in ${summary(times)}`)
  if (mode === 'errors') console.log(`errors: first failed call → alarm in ALARM in ${summary(detection)}`)
} finally {
  lambda.destroy()
  cloudWatch.destroy()
  cloudFormation.destroy()
  local.kill('SIGTERM')
  await new Promise((resolve) => (local.exitCode === null ? local.on('exit', resolve) : resolve()))
  await rm(project, {recursive: true, force: true})
  await rm(stateDir, {recursive: true, force: true})
}
