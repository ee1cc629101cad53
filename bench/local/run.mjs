// `lpack local` (issue #15), one run:
//   start-up      — `lpack local start --port 0` until it prints its endpoint (ready: S3 and STS answer), and until a
//                   first CloudFormation call is answered (moto's CloudFormation module and lpack's fixes loaded);
//   warm invoke   — a trivial Node.js function created on the local AWS, invoked warm through the local endpoint with
//                   the AWS SDK (HTTP through the front server, InvokeService with the function's configuration
//                   cached, the execution environment; logs and metrics written after the answer), alternating with
//                   the same handler served by `lpack local start-lambda` alone (a SAM template built, no moto) and
//                   in an execution environment called directly.
// Usage, after npm run build:  node bench/local/run.mjs [--starts 3] [--invokes 100]
import {execFileSync, spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseArgs} from 'node:util'

import {CloudFormationClient, ListStacksCommand} from '@aws-sdk/client-cloudformation'
import {CreateFunctionCommand, InvokeCommand, LambdaClient} from '@aws-sdk/client-lambda'
import yazl from 'yazl'

import {ExecutionEnvironment} from '../../dist/core/invoke/execution-environment.js'

const {values} = parseArgs({options: {starts: {type: 'string', default: '3'}, invokes: {type: 'string', default: '100'}}})
const bin = new URL('../../bin/run.js', import.meta.url).pathname
const root = mkdtempSync(join(tmpdir(), 'lpack-bench-local-'))
const credentials = {accessKeyId: 'testing', secretAccessKey: 'testing'}
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]
const p90 = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length * 0.9)]
const ms = (value) => `${value.toFixed(1)} ms`

function startLocal(args = ['local', 'start', '--port', '0', '--state-dir', mkdtempSync(join(root, 'state-'))], cwd = root) {
  const startedAt = performance.now()
  const child = spawn(process.execPath, [bin, ...args], {cwd, stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, CI: 'true'}})
  // Read to the end: start-lambda prints every invocation's log lines, and a full pipe would stop it.
  child.stderr.resume()
  return new Promise((resolve, reject) => {
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
      const match = /^endpoint: (\S+)$/m.exec(output)
      if (match) resolve({child, endpoint: match[1], readyMs: performance.now() - startedAt, startedAt})
    })
    child.on('exit', (code) => reject(new Error(`lpack local start exited with ${code}`)))
  })
}

const stop = (child) => new Promise((resolve) => {
  child.once('exit', resolve)
  child.kill('SIGTERM')
})

const ready = []
const cloudFormation = []
for (let run = 0; run < Number(values.starts); run++) {
  const local = await startLocal()
  const client = new CloudFormationClient({endpoint: local.endpoint, region: 'us-east-1', credentials})
  await client.send(new ListStacksCommand({}))
  cloudFormation.push(performance.now() - local.startedAt)
  ready.push(local.readyMs)
  client.destroy()
  await stop(local.child)
}

// The function: one handler, zipped as lpack's build would.
const zip = await new Promise((resolve) => {
  const file = new yazl.ZipFile()
  file.addBuffer(Buffer.from('exports.handler = async (event) => ({ok: true, n: event.n})\n'), 'app.js')
  const chunks = []
  file.outputStream.on('data', (chunk) => chunks.push(chunk)).on('end', () => resolve(Buffer.concat(chunks)))
  file.end()
})
const local = await startLocal()
process.on('uncaughtException', (error) => {
  local.child.kill('SIGTERM')
  throw error
})
const lambda = new LambdaClient({endpoint: local.endpoint, region: 'us-east-1', credentials})
// lpack has no IAM client of its own; the AWS CLI makes the role.
const policy = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: 'lambda.amazonaws.com'}, Action: 'sts:AssumeRole'}]})
const cliEnv = {...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_DEFAULT_REGION: 'us-east-1'}
const {Role} = JSON.parse(execFileSync('aws', ['--endpoint-url', local.endpoint, '--output', 'json', 'iam', 'create-role', '--role-name', 'bench', '--assume-role-policy-document', policy], {env: cliEnv}).toString())
await lambda.send(new CreateFunctionCommand({FunctionName: 'bench', Runtime: 'nodejs22.x', Handler: 'app.handler', Role: Role.Arn, Code: {ZipFile: zip}, MemorySize: 128, Timeout: 30}))
const coldAt = performance.now()
await lambda.send(new InvokeCommand({FunctionName: 'bench', Payload: Buffer.from('{"n": 0}')}))
const coldMs = performance.now() - coldAt

// The same handler as a SAM template's function, served by `lpack local start-lambda` alone.
const project = join(root, 'project')
mkdirSync(join(project, 'src'), {recursive: true})
writeFileSync(join(project, 'src/app.js'), 'exports.handler = async (event) => ({ok: true, n: event.n})\n')
writeFileSync(join(project, 'template.yaml'), ['Transform: AWS::Serverless-2016-10-31', 'Resources:', '  bench:', '    Type: AWS::Serverless::Function', '    Properties:', '      Runtime: nodejs22.x', '      Handler: app.handler', '      CodeUri: src/', '      MemorySize: 128', '      Timeout: 30', ''].join('\n'))
const startLambda = await startLocal(['local', 'start-lambda', '--port', '0'], project)
const alone = new LambdaClient({endpoint: startLambda.endpoint, region: 'us-east-1', credentials})
await alone.send(new InvokeCommand({FunctionName: 'bench', Payload: Buffer.from('{"n": 0}')}))

mkdirSync(join(root, 'task'))
mkdirSync(join(root, 'opt'))
writeFileSync(join(root, 'task/app.js'), 'exports.handler = async (event) => ({ok: true, n: event.n})\n')
const direct = new ExecutionEnvironment({
  fn: {logicalId: 'Bench', functionName: 'Bench', runtime: 'nodejs22.x', handler: 'app.handler', memoryMb: 128, timeoutSeconds: 30, architecture: 'x86_64', variables: {}},
  folders: {taskRoot: join(root, 'task'), optDir: join(root, 'opt')},
  variables: {},
  identity: {region: 'us-east-1', accountId: '123456789012', logStreamName: 'bench'},
  hostEnv: {PATH: process.env.PATH},
  reporter: {emit() {}},
})
await direct.invoke({payload: Buffer.from('{"n": 0}')})

// Alternating, so that the machine's load falls on both sides alike.
const throughEndpoint = []
const throughStartLambda = []
const inEnvironment = []
for (let n = 1; n <= Number(values.invokes); n++) {
  let at = performance.now()
  await lambda.send(new InvokeCommand({FunctionName: 'bench', Payload: Buffer.from(JSON.stringify({n}))}))
  throughEndpoint.push(performance.now() - at)
  at = performance.now()
  await alone.send(new InvokeCommand({FunctionName: 'bench', Payload: Buffer.from(JSON.stringify({n}))}))
  throughStartLambda.push(performance.now() - at)
  at = performance.now()
  await direct.invoke({payload: Buffer.from(JSON.stringify({n}))})
  inEnvironment.push(performance.now() - at)
}
await direct.dispose()
lambda.destroy()
alone.destroy()
await stop(local.child)
await stop(startLambda.child)
rmSync(root, {recursive: true, force: true})

console.log(`start-up (${values.starts} runs): endpoint printed (ready) median ${ms(median(ready))} [${ready.map(ms).join(', ')}]; first CloudFormation call answered median ${ms(median(cloudFormation))}`)
console.log(`cold invoke through the local endpoint (code fetched from moto, unpacked, runtime started): ${ms(coldMs)}`)
console.log(`warm invoke (${values.invokes}, alternating): through the local endpoint median ${ms(median(throughEndpoint))}, p90 ${ms(p90(throughEndpoint))}; lpack local start-lambda alone median ${ms(median(throughStartLambda))}, p90 ${ms(p90(throughStartLambda))}; execution environment called directly median ${ms(median(inEnvironment))}, p90 ${ms(p90(inEnvironment))}`)
