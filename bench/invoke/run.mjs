// `lpack invoke` overhead, side by side in one run (issue #14's targets):
//   warm invoke  — a trivial Node.js handler invoked in a warm execution environment (Runtime API round trip,
//                  lpack's bootstrap, REPORT line) against calling the same handler directly in this process;
//   cold start   — a new environment's first invoke (spawn, bootstrap, handler import, one invocation) against
//                  `node -e 0`, and the same for Python against `python3 -c 0` and, where javac is installed, for
//                  Java against a JVM started with the same flags running an empty main (lpack's Java runtime is
//                  compiled into the cache before measuring).
// Runs alternate between the two sides so that the machine's load falls on both alike. Usage, after npm run build:
//   node bench/invoke/run.mjs [--warm 300] [--cold 15]
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseArgs} from 'node:util'

import {ExecutionEnvironment} from '../../dist/core/invoke/execution-environment.js'

const {values} = parseArgs({options: {warm: {type: 'string', default: '300'}, cold: {type: 'string', default: '15'}}})
const warmRuns = Number(values.warm)
const coldRuns = Number(values.cold)

const root = mkdtempSync(join(tmpdir(), 'lpack-bench-invoke-'))
for (const dir of ['task', 'opt']) mkdirSync(join(root, dir))
writeFileSync(join(root, 'task/app.js'), 'exports.handler = async (event) => ({ok: true, n: event.n})\n')
writeFileSync(join(root, 'task/app.py'), 'def handler(event, context):\n    return {"ok": True, "n": event["n"]}\n')

const hasJava = spawnSync('javac', ['-version']).status === 0
if (hasJava) {
  writeFileSync(join(root, 'task/App.java'), 'import java.util.Map;\npublic class App { public Map<String, Object> handler(Map<String, Object> event) { return Map.of("ok", true, "n", event.get("n")); } }\n')
  writeFileSync(join(root, 'task/Noop.java'), 'public class Noop { public static void main(String[] args) {} }\n')
  spawnSync('javac', ['--release', '11', '-d', join(root, 'task'), join(root, 'task/App.java'), join(root, 'task/Noop.java')], {stdio: 'inherit'})
}

const silent = {emit() {}}
const environment = (runtime) =>
  new ExecutionEnvironment({
    fn: {logicalId: 'Bench', functionName: 'Bench', runtime, handler: runtime.startsWith('java') ? 'App::handler' : 'app.handler', memoryMb: 128, timeoutSeconds: 30, architecture: 'x86_64', variables: {}},
    folders: {taskRoot: join(root, 'task'), optDir: join(root, 'opt')},
    variables: {},
    identity: {region: 'us-east-1', accountId: '123456789012', logStreamName: 'bench'},
    hostEnv: {PATH: process.env.PATH},
    reporter: silent,
  })

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const p90 = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.9)]
const ms = (value) => `${value.toFixed(2)} ms`
const payload = (n) => ({payload: Buffer.from(JSON.stringify({n}))})

// Warm: one environment, started before measuring; each side alternates per call.
const handler = createRequire(import.meta.url)(join(root, 'task/app.js')).handler
const context = {getRemainingTimeInMillis: () => 30_000}
const warm = environment('nodejs20.x')
await warm.invoke(payload(0))
const direct = []
const invoked = []
for (let i = 0; i < warmRuns; i++) {
  let start = performance.now()
  // Parse and serialise as the invoke path does, so the direct call is a fair floor.
  JSON.stringify(await handler(JSON.parse(JSON.stringify({n: i})), context))
  direct.push(performance.now() - start)
  start = performance.now()
  await warm.invoke(payload(i))
  invoked.push(performance.now() - start)
}
await warm.dispose()

// Cold: a new environment per run, first invoke included.
// The baselines get the environment the function's process gets (PATH only): a host variable such as
// NODE_EXTRA_CA_CERTS (set on the development machine) adds ~100 ms to every Node start.
const spawnWall = (program, args) => {
  const start = performance.now()
  const result = spawnSync(program, args, {stdio: 'ignore', env: {PATH: process.env.PATH}})
  if (result.status !== 0) throw new Error(`${program} ${args.join(' ')} failed`)
  return performance.now() - start
}
const cold = {node: [], nodeFloor: [], python: [], pythonFloor: [], java: [], javaFloor: []}
if (hasJava) {
  // The first Java start compiles lpack's Java runtime into the cache: not a cold start a user sees twice.
  const env = environment('java17')
  await env.invoke(payload(0))
  await env.dispose()
}
for (let i = 0; i < coldRuns; i++) {
  for (const [runtime, key] of [['nodejs20.x', 'node'], ['python3.12', 'python'], ...(hasJava ? [['java17', 'java']] : [])]) {
    const env = environment(runtime)
    const start = performance.now()
    const result = await env.invoke(payload(i))
    cold[key].push(performance.now() - start)
    if (result.failed) throw new Error(result.payload)
    await env.dispose()
  }
  cold.nodeFloor.push(spawnWall(process.execPath, ['-e', '0']))
  cold.pythonFloor.push(spawnWall('python3', ['-c', '0']))
  if (hasJava) cold.javaFloor.push(spawnWall('java', ['-XX:+TieredCompilation', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto', '-XX:MaxHeapSize=108m', '-cp', join(root, 'task'), 'Noop']))
}
rmSync(root, {recursive: true, force: true})

const python = spawnSync('python3', ['--version'], {encoding: 'utf8'}).stdout.trim()
console.log(`Node ${process.version}, ${python}; ${warmRuns} warm invokes, ${coldRuns} cold starts each\n`)
console.log('| measure | lpack invoke (median / p90) | baseline (median / p90) | ratio of medians | target |')
console.log('|---|---|---|---|---|')
const row = (name, ours, floor, floorName, target) =>
  console.log(`| ${name} | ${ms(median(ours))} / ${ms(p90(ours))} | ${floorName}: ${ms(median(floor))} / ${ms(p90(floor))} | ${(median(ours) / median(floor)).toFixed(2)}× | ${target} |`)
row('warm invoke, Node.js', invoked, direct, 'direct call', `≤ 1.5 × direct + 2 ms = ${ms(1.5 * median(direct) + 2)}`)
row('cold start, Node.js', cold.node, cold.nodeFloor, '`node -e 0`', '≤ 1.5×')
row('cold start, Python', cold.python, cold.pythonFloor, '`python3 -c 0`', 'side by side')
if (hasJava) row('cold start, Java', cold.java, cold.javaFloor, 'a JVM running an empty main', 'side by side')
