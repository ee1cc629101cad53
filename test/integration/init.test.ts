import {execFile} from 'node:child_process'
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runLpack} from '../support/cli.js'
import {type LocalAws, startLocalAws} from '../support/local-aws.js'
import {unpackZip} from '../support/zip.js'

const exec = promisify(execFile)

// `lpack init` (#17.3): each starter, as generated, validates, builds, runs with its runtime, and deploys to the
// local AWS (moto). Running the code here is what Lambda's runtime would do with the built package.
let root: string
let aws: LocalAws

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lpack-init-'))
  aws = await startLocalAws()
})

afterAll(async () => {
  await aws?.stop()
  if (root) await rm(root, {recursive: true, force: true})
})

async function hasTool(command: string, args: string[]): Promise<boolean> {
  return exec(command, args).then(() => true, () => false)
}

/** Writes the starter, validates and builds it; returns the unpacked function package. */
async function initAndBuild(starter: string): Promise<{project: string; unpacked: string}> {
  const project = join(root, `app-${starter}`)
  const init = await runLpack(['init', project, '--template', starter, '--json'])
  expect(init.exitCode, init.stderr).toBe(0)
  expect(JSON.parse(init.stdout)).toMatchObject({starter, name: `app-${starter}`})
  const validate = await runLpack(['validate', '--json'], {cwd: project})
  expect(validate.exitCode, validate.stdout).toBe(0)
  expect(JSON.parse(validate.stdout)).toMatchObject({errorCount: 0, warningCount: 0})
  const build = await runLpack(['build', '--json'], {cwd: project})
  expect(build.exitCode, build.stderr).toBe(0)
  const unpacked = join(project, 'unpacked')
  await unpackZip(join(project, '.lpack/build/artifacts/HelloFunction.zip'), unpacked)
  return {project, unpacked}
}

/** `lpack invoke` runs the starter's function with Lambda's semantics (the event on stdin). */
async function invokes(project: string, expectedMessage: string): Promise<void> {
  const invoke = await runLpack(['invoke', 'HelloFunction', '--event', '-'], {cwd: project, input: '{"name": "Ada"}'})
  expect(invoke.exitCode, invoke.stderr).toBe(0)
  const answer = JSON.parse(invoke.stdout)
  expect(answer.statusCode).toBe(200)
  expect(JSON.parse(answer.body)).toEqual({message: expectedMessage})
  expect(invoke.stderr).toMatch(/REPORT RequestId: /)
}

async function deploys(project: string, stack: string): Promise<void> {
  const deploy = await runLpack(['deploy', '--stack-name', stack, '--resolve-s3', '--json'], {cwd: project, env: aws.env})
  expect(deploy.exitCode, deploy.stderr).toBe(0)
  expect(JSON.parse(deploy.stdout)).toMatchObject({kind: 'deployed', status: 'CREATE_COMPLETE'})
}

const hasJavac = await hasTool('javac', ['-version'])
const hasCurl = await hasTool('curl', ['--version'])
if (!hasJavac) console.warn('init: the java starter is skipped — needs javac (apt-get install default-jdk-headless)')
if (!hasCurl) console.warn('init: the provided starter is skipped — its bootstrap needs curl')

describe('lpack init (#17.3)', () => {
  it('node-ts: the bundled handler answers in Node.js, and the stack deploys', async () => {
    const {project, unpacked} = await initAndBuild('node-ts')
    const call = `const {handler} = require(${JSON.stringify(join(unpacked, 'app.js'))}); handler({name: 'Ada'}).then((r) => console.log(JSON.stringify(r)))`
    const {stdout} = await exec(process.execPath, ['-e', call], {env: {...process.env, GREETING: 'hello'}})
    expect(JSON.parse(stdout)).toEqual({statusCode: 200, body: JSON.stringify({message: 'hello Ada'})})
    await invokes(project, 'hello Ada')
    await deploys(project, 'init-node-ts')
  })

  it('python: the handler answers in python3, and the stack deploys', async () => {
    const {project, unpacked} = await initAndBuild('python')
    const {stdout} = await exec('python3', ['-c', "import json, app; print(json.dumps(app.handler({'name': 'Ada'}, None)))"], {cwd: unpacked, env: {...process.env, GREETING: 'hello'}})
    const answer = JSON.parse(stdout)
    expect(answer.statusCode).toBe(200)
    expect(JSON.parse(answer.body)).toEqual({message: 'hello Ada'})
    await invokes(project, 'hello Ada')
    await deploys(project, 'init-python')
  })

  it.runIf(hasJavac)('java: classes at the package root, the handler answers in java and through lpack invoke, and the stack deploys', async () => {
    const {project, unpacked} = await initAndBuild('java')
    const runner = join(root, 'Runner.java')
    await writeFile(runner, 'public class Runner { public static void main(String[] a) { System.out.println(new example.Hello().handleRequest(java.util.Map.of("name", "Ada")).get("body")); } }\n')
    const {stdout} = await exec('java', ['-cp', unpacked, runner], {env: {...process.env, GREETING: 'hello'}})
    expect(stdout.trim()).toBe(JSON.stringify({message: 'hello Ada'}))
    await invokes(project, 'hello Ada')
    await deploys(project, 'init-java')
  })

  it.runIf(hasCurl)('provided: the bootstrap answers an event from a Runtime API, and the stack deploys', async () => {
    const {project, unpacked} = await initAndBuild('provided')
    // One invocation through the Runtime API, as Lambda serves it to a custom runtime.
    let answered: (body: string) => void
    const response = new Promise<string>((resolve) => (answered = resolve))
    let served = false
    const server = createServer((request, reply) => {
      if (request.method === 'GET' && request.url === '/2018-06-01/runtime/invocation/next' && !served) {
        served = true
        reply.writeHead(200, {'Lambda-Runtime-Aws-Request-Id': 'req-1', 'Content-Type': 'application/json'}).end('{"name":"Ada"}')
        return
      }
      if (request.method === 'POST' && request.url === '/2018-06-01/runtime/invocation/req-1/response') {
        let body = ''
        request.on('data', (chunk) => (body += chunk)).on('end', () => {
          reply.writeHead(202).end()
          answered(body)
        })
        return
      }
      request.socket.destroy() // the next /next: the test is over
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const {port} = server.address() as AddressInfo
    const child = execFile(join(unpacked, 'bootstrap'), [], {env: {PATH: process.env.PATH, AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}`, _HANDLER: 'handler', GREETING: 'hello'}, cwd: unpacked})
    try {
      const body = await Promise.race([response, new Promise<string>((_, reject) => setTimeout(() => reject(new Error('no response in 10 s')), 10_000))])
      expect(JSON.parse(body)).toEqual({statusCode: 200, body: JSON.stringify({message: 'hello from a custom runtime'})})
    } finally {
      child.kill('SIGKILL')
      server.close()
    }
    await invokes(project, 'hello from a custom runtime')
    await deploys(project, 'init-provided')
  })

  it('never writes into a folder that is not empty, and names the starters on a wrong one (exit 2)', async () => {
    const taken = join(root, 'taken')
    await mkdir(taken, {recursive: true})
    await writeFile(join(taken, 'template.yaml'), 'mine\n')
    const refused = await runLpack(['init', taken])
    expect(refused.exitCode).toBe(2)
    expect(refused.stderr).toContain('is not empty')
    const wrong = await runLpack(['init', join(root, 'other'), '--template', 'cobol'])
    expect(wrong.exitCode).toBe(2)
    expect(wrong.stderr).toContain('cobol')
    expect(wrong.stderr).toMatch(/node-ts,[\s›]+python,[\s›]+java,[\s›]+provided/)
  })
})
