// How long `lpack --help`, `lpack --version` and every command's `--help` take, start to exit (#17: ≤ 400 ms
// median each). The commands come from the manifest, so a new command is measured without editing this file.
// Usage, after `npm run build`:  node bench/startup/help.mjs [--runs 11]
// `node -e 0` is timed in the same run as the floor: the machine is shared, so compare against it.
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

const {values} = parseArgs({options: {runs: {type: 'string', default: '11'}}})
const runs = Number(values.runs)
const repo = fileURLToPath(new URL('../..', import.meta.url))
const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const manifest = JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8'))
const ids = Object.values(manifest.commands).filter((c) => !c.hidden).map((c) => c.id).sort()

const cases = [
  ['node -e 0', ['-e', '0'], false],
  ['lpack --version', [bin, '--version'], true],
  ['lpack --help', [bin, '--help'], true],
  ...ids.map((id) => [`lpack ${id.replace(/:/g, ' ')} --help`, [bin, ...id.split(':'), '--help'], true]),
]

function time(args) {
  const start = process.hrtime.bigint()
  const result = spawnSync(process.execPath, args, {cwd: repo, encoding: 'utf8'})
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`)
  return Number(process.hrtime.bigint() - start) / 1e6
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
console.log(`Node ${process.version}, ${runs} runs each, cases interleaved run by run`)
const samples = new Map(cases.map(([name]) => [name, []]))
for (const [, args] of cases) time(args) // warm the file cache (and Node's compile cache, where used)
for (let run = 0; run < runs; run++) for (const [name, args] of cases) samples.get(name).push(time(args))
console.log('| command | median | max | within 400 ms? |')
console.log('|---|---|---|---|')
let worst = 0
for (const [name, , checked] of cases) {
  const m = median(samples.get(name))
  if (checked) worst = Math.max(worst, m)
  console.log(`| \`${name}\` | ${m.toFixed(0)} ms | ${Math.max(...samples.get(name)).toFixed(0)} ms | ${checked ? (m <= 400 ? 'yes' : 'NO') : '(floor)'} |`)
}
console.log(`slowest median: ${worst.toFixed(0)} ms`)
