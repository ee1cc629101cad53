// Time from an alarm going to ALARM to the alias being back on its old version, with lpack's traffic engine.
// Runs against moto (the test launcher, on a free loopback port): one stack, then per run a new code version
// released on a 60-second canary; once the alias routes to the new version, the alarm is set to ALARM
// (SetAlarmState) and the alias is polled every 10 ms until it is back on the old version.
//
//   npm run build && node bench/traffic/alarm-rollback.mjs [runs=5] [pollIntervalMs=1000]
import {spawn} from 'node:child_process'
import {cp, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand} from '@aws-sdk/client-cloudwatch'
import {CloudFormationClient, ListStackResourcesCommand} from '@aws-sdk/client-cloudformation'
import {GetAliasCommand, LambdaClient} from '@aws-sdk/client-lambda'

const root = fileURLToPath(new URL('../..', import.meta.url))
const runs = Number(process.argv[2] ?? 5)
const pollMs = Number(process.argv[3] ?? 1000)
const ALARM = 'lpack-traffic-errors'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
const moto = spawn('python3', [join(root, 'test/support/moto_launcher.py')], {stdio: ['ignore', 'pipe', 'ignore']})
const port = await new Promise((resolve) => moto.stdout.on('data', (chunk) => {
  const match = /MOTO_READY (\d+)/.exec(String(chunk))
  if (match) resolve(Number(match[1]))
}))
const endpoint = `http://127.0.0.1:${port}`
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

try {
  await cp(join(root, 'test/fixtures/traffic/app'), project, {recursive: true})
  const template = join(project, 'template.yaml')
  await writeFile(template, (await readFile(template, 'utf8')).replace('Canary50Percent4Seconds', 'Canary50Percent60Seconds'))
  await cloudWatch.send(new PutMetricAlarmCommand({AlarmName: ALARM, Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold'}))
  const deploy = ['deploy', '--stack-name', stack, '--resolve-s3', '--traffic-engine', 'lpack', '--traffic-poll-interval', String(pollMs), '--poll-interval', '200']
  const first = await lpack(deploy)
  if (first.code !== 0) throw new Error(first.stderr)
  const resources = await cloudFormation.send(new ListStackResourcesCommand({StackName: stack}))
  const fn = resources.StackResourceSummaries.find((resource) => resource.LogicalResourceId === 'CanaryFn').PhysicalResourceId
  const times = []
  for (let run = 0; run < runs; run++) {
    await writeFile(join(project, 'src/index.js'), `exports.handler = async () => 'run ${run}'\n`)
    const before = (await lambda.send(new GetAliasCommand({FunctionName: fn, Name: 'live'}))).FunctionVersion
    const deploying = lpack(deploy)
    for (;;) {
      const alias = await lambda.send(new GetAliasCommand({FunctionName: fn, Name: 'live'}))
      if (Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {}).length > 0) break
      await sleep(20)
    }
    // Somewhere inside a poll interval, as an alarm would fire.
    await sleep(Math.random() * pollMs)
    const alarmAt = performance.now()
    await cloudWatch.send(new SetAlarmStateCommand({AlarmName: ALARM, StateValue: 'ALARM', StateReason: 'bench'}))
    for (;;) {
      const alias = await lambda.send(new GetAliasCommand({FunctionName: fn, Name: 'live'}))
      if (alias.FunctionVersion === before && Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {}).length === 0) break
      await sleep(10)
    }
    times.push(performance.now() - alarmAt)
    const result = await deploying
    if (result.code !== 1) throw new Error(`expected a rollback (exit 1), got ${result.code}: ${result.stderr}`)
    await cloudWatch.send(new SetAlarmStateCommand({AlarmName: ALARM, StateValue: 'OK', StateReason: 'bench'}))
  }
  const sorted = [...times].sort((a, b) => a - b)
  console.log(`poll interval ${pollMs} ms, ${runs} runs: alarm → alias back on the old version in ${sorted.map((ms) => `${Math.round(ms)}`).join(', ')} ms (median ${Math.round(sorted[Math.floor(sorted.length / 2)])} ms, max ${Math.round(sorted.at(-1))} ms)`)
} finally {
  lambda.destroy()
  cloudWatch.destroy()
  cloudFormation.destroy()
  moto.kill('SIGTERM')
  await rm(project, {recursive: true, force: true})
}
