// bench/deploy: lpack vs the AWS CLI against ONE moto server (test/support/moto_launcher.py) on 127.0.0.1.
//   1. no-op deploy wall time: `lpack deploy` vs `aws cloudformation deploy` (and vs `aws cloudformation package`
//      + `aws cloudformation deploy`, what a pipeline runs), each repeated, on an unchanged stack;
//   2. bytes uploaded to S3 after a one-function code change: `lpack deploy` vs `aws cloudformation package`.
// Bytes are counted by a pass-through proxy between the tools and moto (PUT bodies).
// Usage: npm run build && node bench/deploy/run.mjs [--runs N]
import {execFile, spawn} from 'node:child_process'
import {cp, mkdtemp, rm, writeFile, mkdir} from 'node:fs/promises'
import {createServer, request} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 3)
const BUCKET = 'bench-artifacts'

function startMoto() {
  const child = spawn('python3', [join(root, 'test/support/moto_launcher.py')], {stdio: ['ignore', 'pipe', 'ignore']})
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
      const match = /MOTO_READY (\d+)/.exec(out)
      if (match) resolve({child, endpoint: `http://127.0.0.1:${match[1]}`})
    })
    child.on('exit', (code) => reject(new Error(`moto exited ${code}`)))
  })
}

/** Pass-through proxy that adds up the request bytes of PUTs (uploads) per phase. */
function startCountingProxy(target) {
  const upstream = new URL(target)
  const counter = {putBytes: 0, puts: 0}
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      if (req.method === 'PUT' && body.length > 0) {
        counter.putBytes += body.length
        counter.puts++
      }
      const out = request({host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers}, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      })
      out.on('error', () => res.destroy())
      out.end(body)
    })
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({server, counter, url: `http://127.0.0.1:${server.address().port}`})))
}

function run(command, args, options) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint()
    execFile(command, args, {...options, maxBuffer: 64 * 1024 * 1024}, (error, stdout, stderr) => {
      resolve({ms: Number(process.hrtime.bigint() - started) / 1e6, code: error ? error.code : 0, stdout, stderr})
    })
  })
}

function must(result, what) {
  if (result.code !== 0) throw new Error(`${what} failed (${result.code}):\n${result.stderr.slice(-3000)}`)
  return result
}

/** Deterministic filler so each function is a realistic few hundred KB of source. */
function filler(seed, bytes) {
  let x = seed
  const lines = []
  let size = 0
  while (size < bytes) {
    x = (x * 1103515245 + 12345) % 2147483648
    const line = `export const value${lines.length} = ${JSON.stringify(x.toString(36).repeat(8))}\n`
    lines.push(line)
    size += line.length
  }
  return lines.join('')
}

function handler(name, version) {
  return `const data = require('./lib/data.js')\nexports.handler = async () => ({statusCode: 200, body: '${name} ${version} ' + Object.keys(data).length})\n`
}

const moto = await startMoto()
const proxy = await startCountingProxy(moto.endpoint)
const work = await mkdtemp(join(tmpdir(), 'lpack-bench-deploy-'))
const env = {
  ...process.env, CI: 'true', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
}
const lpackEnv = {...env, AWS_ENDPOINT_URL: proxy.url}
try {
  const project = join(work, 'app')
  await cp(join(root, 'test/fixtures/deploy/app'), project, {recursive: true})
  for (const [fn, seed] of [['hello', 1], ['world', 2]]) {
    await mkdir(join(project, fn, 'lib'), {recursive: true})
    await writeFile(join(project, fn, 'lib', 'data.js'), filler(seed, 400_000))
    // The handler uses the data, so lpack's bundle carries it as the AWS CLI's zip of the folder does.
    await writeFile(join(project, fn, 'index.js'), handler(fn, 'v1'))
  }
  must(await run('aws', ['--endpoint-url', moto.endpoint, 's3api', 'create-bucket', '--bucket', BUCKET], {env}), 'create bucket')
  const lpack = (args) => run(process.execPath, [join(root, 'bin/run.js'), ...args], {cwd: project, env: lpackEnv})
  // The CLI's own S3 client (cloudformation package) honours only AWS_ENDPOINT_URL, not --endpoint-url.
  const aws = (args) => run('aws', ['--endpoint-url', proxy.url, ...args], {cwd: project, env: {...env, AWS_ENDPOINT_URL: proxy.url}})
  const awsPackage = () => aws(['cloudformation', 'package', '--template-file', 'template.yaml', '--s3-bucket', BUCKET, '--s3-prefix', 'aws', '--output-template-file', 'packaged.yaml'])
  const awsDeploy = () => aws(['cloudformation', 'deploy', '--template-file', 'packaged.yaml', '--stack-name', 'bench-aws', '--capabilities', 'CAPABILITY_IAM', '--no-fail-on-empty-changeset'])

  must(await lpack(['deploy', '-s', 'bench-lpack', '--s3-bucket', BUCKET, '--s3-prefix', 'lpack']), 'lpack first deploy')
  must(await awsPackage(), 'aws package')
  must(await awsDeploy(), 'aws first deploy')

  const times = {lpack: [], awsDeploy: [], awsPackageDeploy: []}
  for (let i = 0; i < runs; i++) {
    const l = must(await lpack(['deploy', '-s', 'bench-lpack', '--s3-bucket', BUCKET, '--s3-prefix', 'lpack', '--json']), 'lpack no-op')
    if (JSON.parse(l.stdout).kind !== 'no-changes') throw new Error(`lpack no-op deploy was not a no-op: ${l.stdout}`)
    times.lpack.push(l.ms)
    const d = must(await awsDeploy(), 'aws no-op deploy')
    if (!/No changes to deploy/.test(d.stdout + d.stderr)) throw new Error(`aws no-op deploy was not a no-op: ${d.stdout}`)
    times.awsDeploy.push(d.ms)
    const p = must(await awsPackage(), 'aws no-op package')
    const pd = must(await awsDeploy(), 'aws no-op deploy after package')
    times.awsPackageDeploy.push(p.ms + pd.ms)
  }

  await writeFile(join(project, 'hello/index.js'), handler('hello', 'v2'))
  proxy.counter.putBytes = 0
  proxy.counter.puts = 0
  must(await lpack(['deploy', '-s', 'bench-lpack', '--s3-bucket', BUCKET, '--s3-prefix', 'lpack']), 'lpack one-function deploy')
  const lpackBytes = {...proxy.counter}
  proxy.counter.putBytes = 0
  proxy.counter.puts = 0
  must(await awsPackage(), 'aws one-function package')
  const awsBytes = {...proxy.counter}

  const fmt = (list) => list.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]
  console.log(`no-op deploy wall time (${runs} runs each, same moto):`)
  console.log(`  lpack deploy (build check + package check + stack compare): ${fmt(times.lpack)}  median ${(median(times.lpack) / 1000).toFixed(2)} s`)
  console.log(`  aws cloudformation deploy (packaged template):               ${fmt(times.awsDeploy)}  median ${(median(times.awsDeploy) / 1000).toFixed(2)} s`)
  console.log(`  aws cloudformation package + deploy:                        ${fmt(times.awsPackageDeploy)}  median ${(median(times.awsPackageDeploy) / 1000).toFixed(2)} s`)
  console.log('bytes uploaded after a one-function change:')
  console.log(`  lpack deploy:               ${lpackBytes.putBytes} bytes in ${lpackBytes.puts} PUT(s)`)
  console.log(`  aws cloudformation package: ${awsBytes.putBytes} bytes in ${awsBytes.puts} PUT(s)`)
} finally {
  proxy.server.closeAllConnections()
  proxy.server.close()
  moto.child.kill('SIGTERM')
  await rm(work, {recursive: true, force: true})
}
