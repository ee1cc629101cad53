import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {createHash, randomBytes} from 'node:crypto'
import {cp, mkdir, readFile, writeFile} from 'node:fs/promises'
import {createServer, type AddressInfo, type Socket} from 'node:net'
import {join} from 'node:path'

import {CreateStackCommand, DescribeStacksCommand, GetTemplateCommand, ListChangeSetsCommand} from '@aws-sdk/client-cloudformation'
import {CreateMultipartUploadCommand, GetBucketPolicyCommand, ListMultipartUploadsCommand, UploadPartCommand} from '@aws-sdk/client-s3'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {SdkArtifactStore} from '../../src/aws/s3.js'
import {ensureManagedBucket} from '../../src/core/package/managed-bucket.js'
import {RecordingReporter} from '../../src/io/reporter.js'
import {type CliResult, LPACK_BIN, runLpack} from '../support/cli.js'
import type {FaultProxy} from '../support/fault-proxy.js'
import {DEPLOY_FIXTURES, type DeployFixture, startDeployFixture} from '../support/fixtures.js'
import type {LocalAws} from '../support/local-aws.js'

const FIXTURE = join(DEPLOY_FIXTURES, 'app')
const BUCKET = 'lpack-hardening'

let fixture: DeployFixture | undefined
let proxy: FaultProxy
let work: string
let env: NodeJS.ProcessEnv
let sdk: LocalAws['sdk']

beforeAll(async () => {
  fixture = await startDeployFixture({name: 'hardening', bucket: BUCKET})
  ;({proxy, env, sdk, work} = fixture)
})

afterAll(async () => {
  await fixture?.stop()
})

const project = (name: string) => fixture!.project('app', name)

/** A stack made without lpack, for the delete tests: one resource moto creates at once. */
async function makeStack(name: string): Promise<void> {
  const template = JSON.stringify({Resources: {Topic: {Type: 'AWS::SNS::Topic', Properties: {}}}})
  await sdk.cloudFormation.send(new CreateStackCommand({StackName: name, TemplateBody: template}))
}

async function stackExists(name: string): Promise<boolean> {
  try {
    const stack = (await sdk.cloudFormation.send(new DescribeStacksCommand({StackName: name}))).Stacks?.[0]
    return stack !== undefined && stack.StackStatus !== 'DELETE_COMPLETE'
  } catch {
    return false
  }
}

/**
 * Runs lpack on a real terminal (util-linux `script` gives it a pseudo-terminal as stdin), with its stdout piped
 * through `tee` as in `lpack delete … | tee log`; `answer` is typed at the prompt. Bounded by a kill.
 */
async function lpackOnTerminal(args: string[], answer: string, cwd: string): Promise<CliResult> {
  const quoted = [process.execPath, LPACK_BIN, ...args].map((word) => `'${word.replace(/'/g, "'\\''")}'`).join(' ')
  const scriptFile = join(cwd, 'on-terminal.sh')
  await writeFile(scriptFile, `set -o pipefail\n${quoted} | tee ${join(cwd, 'tee.log')}\necho "EXIT=$?"\n`)
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', `bash ${scriptFile}`, '/dev/null'], {cwd, env: {...process.env, ...env, CI: '', NO_COLOR: '1'}, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
      // Answer once the question is on the screen.
      if (/\[y\/N\]/.test(stdout) && !child.stdin.writableEnded) child.stdin.end(`${answer}\n`)
    })
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('error', reject)
    child.on('close', () => {
      clearTimeout(timer)
      const exit = /EXIT=(\d+)/.exec(stdout)
      resolve({exitCode: exit ? Number(exit[1]) : -1, stdout, stderr})
    })
  })
}

describe('#11.9 confirmations', () => {
  it('#11.9 lpack delete without a terminal and without --yes exits 2 naming --yes, and deletes nothing', async () => {
    await makeStack('hardening-keep')
    const result = await runLpack(['delete', '--stack-name', 'hardening-keep'], {cwd: work, env})
    expect(result.exitCode, result.stderr).toBe(2)
    expect(result.stderr).toContain('stdin is not a terminal')
    expect(result.stderr).toContain('--yes')
    expect(await stackExists('hardening-keep')).toBe(true)
    const json = await runLpack(['delete', '--stack-name', 'hardening-keep', '--json'], {cwd: work, env})
    expect(json.exitCode).toBe(2)
    expect(JSON.parse(json.stdout).error.code).toBe('USAGE')
    expect(await stackExists('hardening-keep')).toBe(true)
  })

  it('#11.9 lpack delete … | tee asks on the terminal: "n" keeps the stack (exit 3), "y" deletes it', async () => {
    await makeStack('hardening-tty')
    const declined = await lpackOnTerminal(['delete', '--stack-name', 'hardening-tty'], 'n', work)
    expect(declined.stdout).toContain('Delete stack hardening-tty? [y/N]')
    expect(declined.exitCode, declined.stdout).toBe(3)
    expect(await stackExists('hardening-tty')).toBe(true)
    const accepted = await lpackOnTerminal(['delete', '--stack-name', 'hardening-tty'], 'y', work)
    expect(accepted.exitCode, accepted.stdout).toBe(0)
    expect(await stackExists('hardening-tty')).toBe(false)
  })

  it("#11.9 samconfig's confirm_changeset = true is honoured; --no-confirm-changeset is SAM's spelling to skip it", async () => {
    const dir = await project('confirm')
    await writeFile(join(dir, 'samconfig.toml'), `version = 0.1\n[default.deploy.parameters]\nstack_name = "hardening-confirm"\ns3_bucket = "${BUCKET}"\nconfirm_changeset = true\n`)
    const refused = await runLpack(['deploy'], {cwd: dir, env})
    expect(refused.exitCode, refused.stderr).toBe(2)
    expect(refused.stderr).toContain('confirm-changeset is set')
    expect(refused.stderr).toContain('--yes')
    expect(await stackExists('hardening-confirm')).toBe(false)
    const skipped = await runLpack(['deploy', '--no-confirm-changeset', '--json'], {cwd: dir, env})
    expect(skipped.exitCode, skipped.stderr).toBe(0)
    expect(JSON.parse(skipped.stdout)).toMatchObject({kind: 'deployed', status: 'CREATE_COMPLETE'})
  })
})

describe('#11.11 an endpoint that never answers', () => {
  it('#11.11 lpack gives up within the configured timeout with an error naming the endpoint (flag and LPACK_AWS_TIMEOUT_MS)', async () => {
    const sockets: Socket[] = []
    const silent = createServer((socket) => void sockets.push(socket))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
    try {
      const silentEnv = {...env, AWS_ENDPOINT_URL: endpoint}
      for (const [args, extraEnv] of [
        [['--aws-timeout', '400'], {}],
        [[], {LPACK_AWS_TIMEOUT_MS: '400'}],
      ] as const) {
        const started = Date.now()
        const result = await runLpack(['delete', '--stack-name', 'never-answered', '--yes', ...args], {cwd: work, env: {...silentEnv, ...extraEnv}, timeoutMs: 30_000})
        const elapsed = Date.now() - started
        expect(result.exitCode, result.stderr).toBe(1)
        // Five attempts of 0.4 s each plus the retries' backoff (and the CLI's start-up).
        expect(elapsed).toBeLessThan(20_000)
        expect(result.stderr).toContain(`${endpoint} did not answer in time`)
        expect(result.stderr).toContain('--aws-timeout')
      }
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => silent.close(resolve))
    }
  })
})

describe('#11.12 the managed bucket on an https endpoint', () => {
  it('#11.12 keeps its TLS-only policy when the endpoint is not plain HTTP', async () => {
    const bucket = await ensureManagedBucket(new SdkArtifactStore(async () => sdk.s3), {accountId: '210987654321', region: 'us-east-1', reporter: new RecordingReporter(), plainHttp: false})
    const policy = JSON.parse((await sdk.s3.send(new GetBucketPolicyCommand({Bucket: bucket}))).Policy!)
    expect(policy.Statement).toEqual([expect.objectContaining({Sid: 'DenyInsecureTransport', Effect: 'Deny', Condition: {Bool: {'aws:SecureTransport': 'false'}}})])
  })
})

describe('#11.4 build and deploy validate first, and build alike', () => {
  it('#11.4 a template lpack validate rejects (MemorySize 64) stops build and deploy with the diagnostics, before anything is built or uploaded', async () => {
    const dir = await project('memory-64')
    const template = await readFile(join(dir, 'template.yaml'), 'utf8')
    await writeFile(join(dir, 'template.yaml'), template.replace('      Code: world/\n', '      Code: world/\n      MemorySize: 64\n'))
    const built = await runLpack(['build'], {cwd: dir, env})
    expect(built.exitCode, built.stderr).toBe(1)
    expect(built.stderr).toContain('Error [VALIDATION_FAILED]')
    expect(built.stderr).toMatch(/template\.yaml:\d+:19 {2}error {2}LP3012 {2}MemorySize must be an integer between 128 and 32768 MB, got 64/)
    expect(built.stderr).toContain('      MemorySize: 64\n')
    expect(existsSync(join(dir, '.lpack/build/artifacts'))).toBe(false)

    const requestsBefore = proxy.requests.length
    const deployed = await runLpack(['deploy', '--stack-name', 'hardening-memory', '--s3-bucket', BUCKET, '--json'], {cwd: dir, env})
    expect(deployed.exitCode, deployed.stderr).toBe(1)
    const error = JSON.parse(deployed.stdout).error
    expect(error.code).toBe('VALIDATION_FAILED')
    expect(error.details.diagnostics.map((d: {code: string}) => d.code)).toContain('LP3012')
    expect(proxy.requests.slice(requestsBefore).filter((r) => r.method === 'PUT' || r.action === 'CreateChangeSet')).toEqual([])
    expect(existsSync(join(dir, '.lpack/build/artifacts'))).toBe(false)
    expect(await stackExists('hardening-memory')).toBe(false)
  })

  it('#11.4 a logical ID that is a path (../../x) is refused before a zip is written anywhere', async () => {
    const dir = join(work, 'escape', 'a', 'b')
    await cp(join(FIXTURE, 'hello'), join(dir, 'hello'), {recursive: true})
    await writeFile(join(dir, 'template.yaml'), ['Transform: AWS::Serverless-2016-10-31', 'Resources:', '  "../../x":', '    Type: AWS::Serverless::Function', '    Properties:', '      Runtime: nodejs22.x', '      Handler: index.handler', '      CodeUri: hello/', ''].join('\n'))
    const built = await runLpack(['build'], {cwd: dir, env})
    expect(built.exitCode, built.stderr).toBe(1)
    expect(built.stderr).toContain('Error [VALIDATION_FAILED]')
    expect(existsSync(join(dir, '.lpack/x.zip'))).toBe(false)
    expect(existsSync(join(dir, '.lpack/build/artifacts'))).toBe(false)
  })

  it('#11.4 lpack build, then lpack deploy: deploy finds every unit cached (same build.defaults from lpack.config.yaml)', async () => {
    const dir = await project('same-build')
    await writeFile(join(dir, 'lpack.config.yaml'), ['version: 1', 'environments:', '  default:', '    build:', '      defaults: {nodejs: {Minify: true}}', '      budgets: {default: {zippedBytes: 5000000}}', ''].join('\n'))
    const built = await runLpack(['build', '--json'], {cwd: dir, env})
    expect(built.exitCode, built.stderr).toBe(0)
    expect(JSON.parse(built.stdout).artifacts.map((a: {cached: boolean}) => a.cached)).toEqual([false, false])
    const deployed = await runLpack(['deploy', '--stack-name', 'hardening-same-build', '--s3-bucket', BUCKET, '--json'], {cwd: dir, env})
    expect(deployed.exitCode, deployed.stderr).toBe(0)
    const done = deployed.stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line)).filter((event) => event.kind === 'build.done')
    expect(done.map((event) => `${event.id} ${event.data.cached}`).sort()).toEqual(['HelloFn true', 'WorldFn true'])
  })
})

/** Runs lpack and sends it SIGINT (Ctrl-C) once `ready()` holds (polled); bounded by a kill. */
function interruptWhen(args: readonly string[], cwd: string, ready: () => boolean): Promise<CliResult & {interrupted: boolean}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LPACK_BIN, ...args], {cwd, env: {...process.env, CI: 'true', NO_COLOR: '1', ...env}, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    let interrupted = false
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const poll = setInterval(() => {
      if (!interrupted && ready()) {
        interrupted = true
        child.kill('SIGINT')
      }
    }, 50)
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearInterval(poll)
      clearTimeout(timer)
      resolve({exitCode: code ?? (signal ? 128 : 1), stdout, stderr, interrupted})
    })
  })
}

describe('#11.10 Ctrl-C during a deploy', () => {
  it('#11.10 during a slow multipart upload: the upload is aborted, no change set is made, exit 130 with the state', async () => {
    // A finished build folder holding one artifact large enough to go up in parts (random bytes: any content will do).
    const dir = join(work, 'interrupt-upload')
    await mkdir(join(dir, 'artifacts'), {recursive: true})
    const bytes = randomBytes(17 * 1024 * 1024)
    const sha256 = createHash('sha256').update(bytes).digest('hex')
    await writeFile(join(dir, 'artifacts/BigFn.zip'), bytes)
    await writeFile(join(dir, 'template.yaml'), 'AWSTemplateFormatVersion: "2010-09-09"\nTransform: AWS::Serverless-2016-10-31\nResources:\n  BigFn:\n    Type: AWS::Serverless::Function\n    Properties: {Runtime: nodejs22.x, Handler: index.handler, CodeUri: artifacts/BigFn.zip}\n')
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({version: 1, template: 'template.yaml', artifacts: [
      {logicalId: 'BigFn', kind: 'function', runtime: 'nodejs22.x', architecture: 'x86_64', zip: 'artifacts/BigFn.zip', sha256, zippedBytes: bytes.byteLength, unzippedBytes: bytes.byteLength, files: 1, inputsHash: 'x', cached: false},
    ]}))
    const isPart = (r: {method: string; path: string}) => r.method === 'PUT' && r.path.includes('partNumber=')
    proxy.addFault({kind: 'delay', delayMs: 30_000, times: 100, match: isPart})
    const before = proxy.requests.length
    const result = await interruptWhen(['deploy', '-s', 'hardening-interrupt-upload', '--no-build', '-b', dir, '-t', join(dir, 'no-source.yaml'), '--s3-bucket', BUCKET], work, () => proxy.requests.slice(before).some(isPart))
    expect(result.interrupted).toBe(true)
    expect(result.exitCode, result.stderr).toBe(130)
    expect(result.stderr).toContain('Error [INTERRUPTED]: Interrupted during the uploads: 0 of 1 upload(s) finished; the multipart upload of BigFn aborted (no parts left in S3). No change set was created; stack hardening-interrupt-upload was not changed')
    expect((await sdk.s3.send(new ListMultipartUploadsCommand({Bucket: BUCKET}))).Uploads ?? []).toEqual([])
    expect(proxy.requests.slice(before).filter((r) => r.action === 'CreateChangeSet')).toEqual([])
    expect(await stackExists('hardening-interrupt-upload')).toBe(false)
  })

  it('#11.10 after the change set is made and before it runs: the change set is deleted, the stack is not updated, exit 130', async () => {
    const dir = await project('interrupt-changeset')
    const stack = 'hardening-interrupt-changeset'
    const first = await runLpack(['deploy', '-s', stack, '--s3-bucket', BUCKET], {cwd: dir, env})
    expect(first.exitCode, first.stderr).toBe(0)
    const templateBefore = (await sdk.cloudFormation.send(new GetTemplateCommand({StackName: stack}))).TemplateBody
    await writeFile(join(dir, 'hello/index.js'), "exports.handler = async () => ({statusCode: 200, body: 'never deployed'})\n")
    // CloudFormation is slow to compute the change set: Ctrl-C lands while lpack waits for it.
    proxy.addFault({kind: 'delay', delayMs: 3000, times: 1, match: (r) => r.action === 'DescribeChangeSet'})
    const before = proxy.requests.length
    const result = await interruptWhen(['deploy', '-s', stack, '--s3-bucket', BUCKET], dir, () => proxy.requests.slice(before).some((r) => r.action === 'DescribeChangeSet'))
    expect(result.interrupted).toBe(true)
    expect(result.exitCode, result.stderr).toBe(130)
    expect(result.stderr).toMatch(new RegExp(`Error \\[INTERRUPTED\\]: Interrupted before executing change set \\S+, which was deleted; stack ${stack} was not changed`))
    const during = proxy.requests.slice(before)
    expect(during.filter((r) => r.action === 'ExecuteChangeSet')).toEqual([])
    expect(during.filter((r) => r.action === 'DeleteChangeSet').map((r) => r.status)).toEqual([200])
    // moto keeps the first deploy's executed change set (CloudFormation drops it); none is left to run.
    const changeSets = (await sdk.cloudFormation.send(new ListChangeSetsCommand({StackName: stack}))).Summaries ?? []
    expect(changeSets.filter((c) => c.ExecutionStatus !== 'EXECUTE_COMPLETE')).toEqual([])
    expect((await sdk.cloudFormation.send(new GetTemplateCommand({StackName: stack}))).TemplateBody).toBe(templateBefore)
  })
})

describe('#11 small ones', () => {
  it('#11 sizes are written one way everywhere: the build line, the build table and the upload line agree (KiB)', async () => {
    const dir = await project('sizes')
    // Text that does not compress away, so the zip is a few KiB.
    const lines = Array.from({length: 60}, (_, i) => `  '${createHash('sha256').update(`seed ${i}`).digest('base64')}',`)
    await writeFile(join(dir, 'hello/index.js'), `const words = [\n${lines.join('\n')}\n]\nexports.handler = async () => ({statusCode: 200, body: words.join(' ')})\n`)
    const built = await runLpack(['build'], {cwd: dir, env})
    expect(built.exitCode, built.stderr).toBe(0)
    const zipped = /HelloFn: (\S+ \S+) zipped/.exec(built.stderr)?.[1]
    expect(zipped).toMatch(/^\d+\.\d KiB$/)
    expect(built.stdout).toMatch(new RegExp(`HelloFn\\s+function\\s+nodejs22\\.x\\s+${zipped}`))
    const deployed = await runLpack(['deploy', '-s', 'hardening-sizes', '--s3-bucket', BUCKET], {cwd: dir, env})
    expect(deployed.exitCode, deployed.stderr).toBe(0)
    expect(deployed.stderr).toContain(`↑ HelloFn uploading ${zipped}…`)
    for (const output of [built.stdout, built.stderr, deployed.stderr]) expect(output).not.toMatch(/\d (MB|KB)\b|\d bytes\b/)
  })

  it('#11 --json keeps warnings, in the result document', async () => {
    const dir = await project('json-warnings')
    await writeFile(join(dir, 'samconfig.toml'), 'version = 0.1\n[default.build.parameters]\ncached = true\nparallel = true\n')
    const built = await runLpack(['build', '--json'], {cwd: dir, env})
    expect(built.exitCode, built.stderr).toBe(0)
    const document = JSON.parse(built.stdout)
    expect(document.artifacts).toHaveLength(2)
    expect(document.warnings).toContainEqual({kind: 'config.ignored', message: expect.stringContaining('lpack ignores cached, parallel')})
  })

  it('#11 a multipart upload an interrupted run left behind is aborted by the next run; others are left alone', async () => {
    const dir = join(work, 'leftover')
    await mkdir(join(dir, 'artifacts'), {recursive: true})
    const bytes = randomBytes(30_000)
    const sha256 = createHash('sha256').update(bytes).digest('hex')
    await writeFile(join(dir, 'artifacts/SmallFn.zip'), bytes)
    await writeFile(join(dir, 'template.yaml'), 'Transform: AWS::Serverless-2016-10-31\nResources:\n  SmallFn:\n    Type: AWS::Serverless::Function\n    Properties: {Runtime: nodejs22.x, Handler: index.handler, CodeUri: artifacts/SmallFn.zip}\n')
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({version: 1, template: 'template.yaml', artifacts: [
      {logicalId: 'SmallFn', kind: 'function', runtime: 'nodejs22.x', architecture: 'x86_64', zip: 'artifacts/SmallFn.zip', sha256, zippedBytes: bytes.byteLength, unzippedBytes: bytes.byteLength, files: 1, inputsHash: 'x', cached: false},
    ]}))
    const key = `leftover/${sha256}.zip`
    const left = await sdk.s3.send(new CreateMultipartUploadCommand({Bucket: BUCKET, Key: key}))
    await sdk.s3.send(new UploadPartCommand({Bucket: BUCKET, Key: key, UploadId: left.UploadId, PartNumber: 1, Body: bytes}))
    const foreign = await sdk.s3.send(new CreateMultipartUploadCommand({Bucket: BUCKET, Key: 'leftover/someone-elses.bin'}))
    const result = await runLpack(['package', '-b', dir, '--s3-bucket', BUCKET, '--s3-prefix', 'leftover', '-o', join(dir, 'packaged.yaml')], {cwd: work, env})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toContain(`Aborted 1 unfinished multipart upload(s) an interrupted run left in s3://${BUCKET}`)
    const uploads = (await sdk.s3.send(new ListMultipartUploadsCommand({Bucket: BUCKET, Prefix: 'leftover/'}))).Uploads ?? []
    expect(uploads.map((u) => [u.Key, u.UploadId])).toEqual([['leftover/someone-elses.bin', foreign.UploadId]])
  })
})
