// The README's first command (`npm run demo`): lpack's main job end to end on the local AWS, on a copy of
// examples/shop. It installs what `lpack local` needs if missing (lpack local install), starts it (and stops it at
// the end), validates, builds and deploys the app, calls the deployed function through the Lambda API, changes its
// code and releases it by canary with a PreTraffic hook that passes, then releases a broken change whose hook fails and is rolled back, and prints what happened.
//
// Run after `npm run build` (npm run demo does both). Everything runs on 127.0.0.1; nothing is left behind but
// the copy's folder under .lpack/, which is removed unless LPACK_DEMO_KEEP=1.
import {spawn} from 'node:child_process'
import {cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {CloudFormationClient, DescribeStackResourceCommand} from '@aws-sdk/client-cloudformation'
import {GetAliasCommand, InvokeCommand, LambdaClient} from '@aws-sdk/client-lambda'

const repo = fileURLToPath(new URL('..', import.meta.url))
const bin = join(repo, 'bin/run.js')
// The copy sits inside the repository (.lpack is ignored by git) so that the example's development packages
// (@aws-sdk/client-lambda, which the hook bundles) resolve from the repository's node_modules.
mkdirSync(join(repo, '.lpack'), {recursive: true})
const work = mkdtempSync(join(repo, '.lpack', 'demo-'))
const app = join(work, 'shop')
const stateDir = join(work, 'local')
const stack = 'lpack-demo-shop'
cpSync(join(repo, 'examples/shop'), app, {recursive: true, filter: (source) => !source.includes('.lpack')})

const happened = []
let env = {...process.env}
let started = false

function say(text) {
  process.stdout.write(`\n\x1b[1m▶ ${text}\x1b[0m\n`.replace(/\x1b\[[0-9;]*m/g, process.stdout.isTTY ? '$&' : ''))
}

/** Runs lpack in the app's folder with its output shown; resolves with the exit code and stdout. */
function lpack(args, {expectFailure = false} = {}) {
  process.stdout.write(`$ lpack ${args.join(' ')}\n`)
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {cwd: app, env, stdio: ['ignore', 'pipe', 'inherit']})
    let stdout = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
      process.stdout.write(chunk)
    })
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0 && !expectFailure) reject(new Error(`lpack ${args[0]} exited ${code}`))
      else resolve({code, stdout})
    })
  })
}

async function main() {
  // moto[server], pinned, in a virtualenv in the user's cache folder when python3 lacks it (nothing to do otherwise).
  say('Checking the local AWS\'s dependency (lpack local install)')
  await lpack(['local', 'install'])

  say('Starting the local AWS (lpack local start --detach)')
  const local = await lpack(['local', 'start', '--detach', '--port', '0', '--state-dir', stateDir, '--json'])
  started = true
  const {endpoint, env: localEnv} = JSON.parse(local.stdout)
  env = {...env, ...localEnv}
  const clientConfig = {endpoint, region: localEnv.AWS_REGION, credentials: {accessKeyId: localEnv.AWS_ACCESS_KEY_ID, secretAccessKey: localEnv.AWS_SECRET_ACCESS_KEY}}
  const lambda = new LambdaClient(clientConfig)
  const cloudFormation = new CloudFormationClient(clientConfig)
  happened.push(`local AWS at ${endpoint}`)

  say('Validating and building examples/shop (TypeScript, Python, Java, a layer)')
  await lpack(['validate'])
  await lpack(['build'])

  const deployArgs = ['deploy', '--stack-name', stack, '--resolve-s3', '--yes', '--capabilities', 'CAPABILITY_IAM', '--traffic-engine', 'lpack', '--traffic-poll-interval', '500']
  say(`Deploying the stack ${stack}`)
  await lpack(deployArgs)
  const functionName = (await cloudFormation.send(new DescribeStackResourceCommand({StackName: stack, LogicalResourceId: 'CreateOrderFunction'}))).StackResourceDetail.PhysicalResourceId
  const liveVersion = async () => (await lambda.send(new GetAliasCommand({FunctionName: functionName, Name: 'live'}))).FunctionVersion
  happened.push(`deployed ${stack}: CreateOrderFunction's alias live → version ${await liveVersion()}`)

  const order = readFileSync(join(app, 'events/create-order.json'))
  const invokeLive = async () => {
    const answer = await lambda.send(new InvokeCommand({FunctionName: functionName, Qualifier: 'live', Payload: order}))
    const text = Buffer.from(answer.Payload ?? []).toString('utf8')
    return {text, version: answer.ExecutedVersion}
  }
  say('Calling CreateOrderFunction:live through the Lambda API (Invoke)')
  const first = await invokeLive()
  process.stdout.write(`${first.text}\n`)
  happened.push(`invoked live (version ${first.version}): ${summarize(first.text)}`)

  say('Changing the code (orders now say their currency) and releasing it: canary 50 % for 10 s, PreTraffic hook first')
  const source = join(app, 'functions/orders/create.ts')
  const original = readFileSync(source, 'utf8')
  writeFileSync(source, original.replace('body: JSON.stringify(formatOrder(result.order))', "body: JSON.stringify({...formatOrder(result.order), currency: 'EUR'})"))
  await lpack(deployArgs)
  const second = await invokeLive()
  process.stdout.write(`${second.text}\n`)
  happened.push(`canary release finished: live → version ${await liveVersion()}, hook passed; answer now ${summarize(second.text)}`)

  say('Releasing a broken change (every order is refused): the PreTraffic hook fails, lpack rolls back')
  writeFileSync(source, original.replace("return {statusCode: 201,", "return {statusCode: 500,"))
  const broken = await lpack(deployArgs, {expectFailure: true})
  if (broken.code === 0) throw new Error('the broken release was not refused')
  const third = await invokeLive()
  happened.push(`broken release rolled back (lpack deploy exited ${broken.code}): live stays on version ${await liveVersion()}, answering ${summarize(third.text)}`)

  say('What happened')
  for (const line of happened) process.stdout.write(`  • ${line}\n`)
}

function summarize(payload) {
  try {
    const answer = JSON.parse(payload)
    const body = JSON.parse(answer.body)
    return `${answer.statusCode} ${JSON.stringify({totalCents: body.totalCents, ...(body.currency ? {currency: body.currency} : {})})}`
  } catch {
    return payload.slice(0, 120)
  }
}

let failed = false
try {
  await main()
} catch (error) {
  failed = true
  process.stderr.write(`\ndemo failed: ${error.message}\n`)
} finally {
  if (started) await lpack(['local', 'stop', '--state-dir', stateDir], {expectFailure: true}).catch(() => {})
  if (process.env.LPACK_DEMO_KEEP !== '1') rmSync(work, {recursive: true, force: true})
  else process.stdout.write(`\nkept: ${work}\n`)
}
process.exitCode = failed ? 1 : 0
