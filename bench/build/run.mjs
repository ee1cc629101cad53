// lpack build against its peers on one generated app, in one run: cold build, no-op rebuild, one-file-change
// rebuild, total zip bytes and peak RSS (GNU time's "maximum resident set size": the largest single process of
// the tree, in KB). Usage, from the repository root after `npm run build` and `npm ci --prefix bench`:
//   node bench/build/run.mjs [--functions 20] [--runs 3] [--tools lpack,floor,floor-archiver,serverless,cdk]
import {spawn} from 'node:child_process'
import {createWriteStream} from 'node:fs'
import {readdir, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {pipeline} from 'node:stream/promises'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

import {generateApp} from './generate.mjs'

const {values} = parseArgs({
  options: {functions: {type: 'string', default: '20'}, runs: {type: 'string', default: '3'}, tools: {type: 'string', default: 'lpack,floor,floor-archiver,serverless,cdk'}},
})
const repo = fileURLToPath(new URL('../..', import.meta.url))
const bench = join(repo, 'bench')
const count = Number(values.functions)
const runs = Number(values.runs)
const app = join(bench, '.work', `build-app-${count}`)
const bin = (name) => join(bench, 'node_modules/.bin', name)
const quietEnv = {
  SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', SLS_DEPRECATION_DISABLE: '*', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_REGION: 'us-east-1', CDK_DISABLE_VERSION_CHECK: '1', JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION: '1', CI: 'true',
}

const tools = {
  lpack: {
    command: [process.execPath, join(repo, 'bin/run.js'), 'build', '--json', '-t', join(app, 'template.yaml')],
    clean: () => rm(join(app, '.lpack'), {recursive: true, force: true}),
    zipBytes: async () => JSON.parse(await readFile(join(app, '.lpack/build/manifest.json'), 'utf8')).artifacts.reduce((sum, a) => sum + a.zippedBytes, 0),
  },
  floor: {
    command: [process.execPath, join(bench, 'build/floor.mjs'), app, join(app, '.floor'), 'yazl'],
    clean: () => rm(join(app, '.floor'), {recursive: true, force: true}),
    zipBytes: () => folderBytes(join(app, '.floor/zips'), '.zip'),
  },
  // The same floor zipping with archiver, the design card's library (lpack uses yazl: bench/README.md).
  'floor-archiver': {
    command: [process.execPath, join(bench, 'build/floor.mjs'), app, join(app, '.floor-archiver'), 'archiver'],
    clean: () => rm(join(app, '.floor-archiver'), {recursive: true, force: true}),
    zipBytes: () => folderBytes(join(app, '.floor-archiver/zips'), '.zip'),
  },
  serverless: {
    command: [bin('serverless'), 'package'],
    clean: async () => {
      await rm(join(app, '.serverless'), {recursive: true, force: true})
      await rm(join(app, '.esbuild'), {recursive: true, force: true})
    },
    zipBytes: () => folderBytes(join(app, '.serverless'), '.zip'),
  },
  cdk: {
    command: [process.execPath, join(app, 'cdk-app.cjs')],
    clean: () => rm(join(app, 'cdk.out'), {recursive: true, force: true}),
    // synth stops at asset folders (cdk-assets zips them at publish time): zip them the same way to compare.
    zipBytes: () => zipAssetFolders(join(app, 'cdk.out')),
  },
}

await generateApp(app, count)
const changed = join(app, 'src/functions/fn001.ts')
const original = await readFile(changed, 'utf8')
const names = values.tools.split(',')
const results = names.map((name) => ({tool: name, cold: [], noop: [], change: [], rss: 0, zipBytes: 0}))
// Runs alternate between the tools (run 1 of each, then run 2 of each...), so a slow spell on this shared
// machine falls on all of them rather than on one: the ratios are what the targets are about.
for (let run = 0; run < runs; run++) {
  for (const [index, name] of names.entries()) {
    const tool = tools[name]
    const measure = results[index]
    await writeFile(changed, original)
    await tool.clean()
    record(measure, 'cold', await timed(tool.command))
    record(measure, 'noop', await timed(tool.command))
    // A real change to one function's code (a string in its output), different on every run.
    await writeFile(changed, original.replace(`function: 'fn001'`, `function: 'fn001 v${run + 2}'`))
    record(measure, 'change', await timed(tool.command))
  }
  console.error(`run ${run + 1} of ${runs}: done`)
}
await writeFile(changed, original)
for (const [index, name] of names.entries()) {
  // Built once more from the original sources, so every tool's bytes are of the same code.
  await tools[name].clean()
  await timed(tools[name].command)
  results[index].zipBytes = await tools[name].zipBytes()
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]
const floor = results.find((r) => r.tool === 'floor')
console.log(`| tool (${count} functions, median of ${runs}) | cold | no-op rebuild | one-file change | total zip bytes | peak RSS |`)
console.log('|---|---|---|---|---|---|')
for (const r of results) {
  const vsFloor = floor && r !== floor ? ` (${(median(r.cold) / median(floor.cold)).toFixed(2)}× floor)` : ''
  console.log(`| ${r.tool} | ${ms(median(r.cold))}${vsFloor} | ${ms(median(r.noop))} | ${ms(median(r.change))} | ${r.zipBytes.toLocaleString('en')} | ${Math.round(r.rss / 1024)} MB |`)
}

function record(measure, scenario, result) {
  measure[scenario].push(result.ms)
  measure.rss = Math.max(measure.rss, result.maxRssKb)
}

/** Runs a command under GNU time; returns wall time (measured here) and the peak RSS it reports. */
async function timed(command) {
  const timeFile = join(app, '.time')
  const started = performance.now()
  const code = await new Promise((resolve) => {
    const child = spawn('/usr/bin/time', ['-f', '%M', '-o', timeFile, ...command], {cwd: app, env: {...process.env, ...quietEnv}, stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('close', (exitCode) => {
      if (exitCode !== 0) process.stderr.write(stderr)
      resolve(exitCode)
    })
  })
  const ms = performance.now() - started
  if (code !== 0) throw new Error(`${command.join(' ')} exited ${code}`)
  return {ms, maxRssKb: Number((await readFile(timeFile, 'utf8')).trim().split('\n').pop())}
}

async function folderBytes(dir, extension) {
  let total = 0
  for (const file of await readdir(dir)) if (file.endsWith(extension)) total += (await stat(join(dir, file))).size
  return total
}

async function zipAssetFolders(outDir) {
  const archiver = createRequire(import.meta.url)('archiver')
  let total = 0
  for (const asset of (await readdir(outDir)).filter((f) => f.startsWith('asset.')).sort()) {
    const zipFile = join(outDir, `${asset}.bench.zip`)
    const archive = archiver('zip', {zlib: {level: 9}})
    const done = pipeline(archive, createWriteStream(zipFile))
    for (const file of (await readdir(join(outDir, asset))).sort()) {
      archive.file(join(outDir, asset, file), {name: file, date: new Date('1980-01-01T00:00:00Z'), mode: 0o644})
    }
    await archive.finalize()
    await done
    total += (await stat(zipFile)).size
  }
  return total
}

function ms(value) {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`
}
