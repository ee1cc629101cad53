// Where the wall time of a no-op `lpack build` goes: Node alone, the CLI's start-up (`lpack --version`), the
// build pipeline without the CLI (buildProject from dist/, in a bare Node process) and the whole command.
// Usage, after `npm run build` and a run of bench/build/run.mjs (which generates the app):
//   node bench/build/startup.mjs [--functions 20] [--runs 5]
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

const {values} = parseArgs({options: {functions: {type: 'string', default: '20'}, runs: {type: 'string', default: '5'}}})
const repo = fileURLToPath(new URL('../..', import.meta.url))
const template = join(repo, 'bench/.work', `build-app-${values.functions}`, 'template.yaml')
const bare = `const {buildProject} = await import(${JSON.stringify(join(repo, 'dist/core/build/index.js'))}); const {silentReporter} = await import(${JSON.stringify(join(repo, 'dist/io/reporter.js'))}); await buildProject({templateFile: ${JSON.stringify(template)}, reporter: silentReporter})`
const commands = {
  'node -e 0': [process.execPath, '-e', '0'],
  'lpack --version': [process.execPath, join(repo, 'bin/run.js'), '--version'],
  'buildProject no-op (no CLI)': [process.execPath, '--input-type=module', '-e', bare],
  'lpack build --json (no-op)': [process.execPath, join(repo, 'bin/run.js'), 'build', '--json', '-t', template],
}

run(commands['lpack build --json (no-op)']) // make sure the build is there
console.log(`| ${values.functions} functions, median of ${values.runs} | wall time |`)
console.log('|---|---|')
for (const [name, command] of Object.entries(commands)) {
  const times = Array.from({length: Number(values.runs)}, () => run(command)).sort((a, b) => a - b)
  console.log(`| ${name} | ${Math.round(times[Math.floor(times.length / 2)])} ms |`)
}

function run([command, ...args]) {
  const started = performance.now()
  const result = spawnSync(command, args, {stdio: ['ignore', 'ignore', 'inherit']})
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}`)
  return performance.now() - started
}
