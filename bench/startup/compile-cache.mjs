// Does a compile cache still pay for itself? For each Node binary given, the same lpack commands are timed with
// the cache lpack uses on that Node (its own loader on Node 20, Node's module.enableCompileCache on ≥ 22.1) and
// with every compile cache off, run by run alternating so that the machine's load falls on both alike.
// Usage, after `npm run build`:
//   node bench/startup/compile-cache.mjs [--runs 15] [--node /path/to/node …]
// Without --node, the Node running this script is measured. Wall time moves with the machine's load; the process's
// own CPU time (user + system, written at exit by cpu-at-exit.cjs) much less, so both are given.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

const {values} = parseArgs({options: {runs: {type: 'string', default: '15'}, node: {type: 'string', multiple: true}}})
const repo = fileURLToPath(new URL('../..', import.meta.url))
const runs = Number(values.runs)
const example = join(repo, 'examples/hello-node/template.yaml')
const buildDir = mkdtempSync(join(tmpdir(), 'lpack-bench-startup-build-'))
const commands = {
  'lpack --version': ['--version'],
  'lpack validate': ['validate', '-t', example],
  'lpack build (no-op)': ['build', '-t', example, '-b', buildDir],
}

const cpuFile = join(buildDir, 'cpu.txt')
const preload = {NODE_OPTIONS: `--require ${join(repo, 'bench/startup/cpu-at-exit.cjs')}`, LPACK_BENCH_CPU_FILE: cpuFile}
console.log(`| Node | command | wall, cache on (median of ${runs}) | wall, cache off | wall saved | CPU, cache on | CPU, cache off | CPU saved |`)
console.log('|---|---|---|---|---|---|---|---|')
for (const node of values.node ?? [process.execPath]) {
  const version = spawnSync(node, ['--version'], {encoding: 'utf8'}).stdout.trim()
  const cacheDir = mkdtempSync(join(tmpdir(), 'lpack-bench-compile-cache-'))
  const on = {...process.env, ...preload, LPACK_COMPILE_CACHE: cacheDir}
  const off = {...process.env, ...preload, LPACK_DISABLE_COMPILE_CACHE: '1', NODE_DISABLE_COMPILE_CACHE: '1'}
  for (const [name, args] of Object.entries(commands)) {
    time(node, args, on) // writes the cache (and the build) before anything is measured
    const withCache = []
    const without = []
    for (let i = 0; i < runs; i++) {
      withCache.push(time(node, args, on))
      without.push(time(node, args, off))
    }
    const [a, b] = [withCache, without].map((list) => median(list.map((t) => t.wall)))
    const [c, d] = [withCache, without].map((list) => median(list.map((t) => t.cpu)))
    const cpu = `${c} ms | ${d} ms | ${d - c} ms`
    console.log(`| ${version} | ${name} | ${a} ms | ${b} ms | ${b - a} ms | ${cpu} |`)
  }
  rmSync(cacheDir, {recursive: true, force: true})
}
rmSync(buildDir, {recursive: true, force: true})

function time(node, args, env) {
  const started = performance.now()
  const result = spawnSync(node, [join(repo, 'bin/run.js'), ...args], {env, stdio: ['ignore', 'ignore', 'pipe']})
  const wall = performance.now() - started
  if (result.status !== 0) throw new Error(`${node} lpack ${args.join(' ')} exited ${result.status}: ${result.stderr}`)
  return {wall, cpu: Number(readFileSync(cpuFile, 'utf8')) / 1000}
}

function median(values) {
  const sorted = [...values].sort((x, y) => x - y)
  return Math.round(sorted[Math.floor(sorted.length / 2)])
}
