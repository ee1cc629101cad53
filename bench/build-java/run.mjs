// Java build time: `lpack build` (classes at the zip root, jars in lib/) against doing the same by hand with the
// JDK's `jar` and Info-ZIP's `zip`, on the same compiled classes and dependency jars.
//
//   npm run build && node bench/build-java/run.mjs [classes=400] [runs=5]
//
// The classes are generated and compiled once (not timed); each tool then packages them `runs` times.
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const LPACK = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const CLASS_COUNT = Number(process.argv[2] ?? 400)
const RUNS = Number(process.argv[3] ?? 5)
const JARS = ['commons-lang3.jar', 'commons-io.jar', 'guava.jar', 'commons-cli.jar'].map((name) => `/usr/share/java/${name}`)

const root = mkdtempSync(join(tmpdir(), 'lpack-bench-java-'))
const src = join(root, 'src')
const code = join(root, 'app/code')
mkdirSync(join(src, 'com/example/gen'), {recursive: true})
mkdirSync(join(code, 'lib'), {recursive: true})
for (let i = 0; i < CLASS_COUNT; i++) {
  writeFileSync(join(src, `com/example/gen/Part${i}.java`), `package com.example.gen;\npublic class Part${i} {\n  public String apply(String s) { return org.apache.commons.lang3.StringUtils.reverse(s) + ${i}; }\n}\n`)
}
writeFileSync(join(src, 'com/example/Handler.java'), 'package com.example;\npublic class Handler {\n  public String handleRequest(String s) { return new com.example.gen.Part0().apply(s); }\n}\n')
execFileSync('sh', ['-c', `javac --release 17 -cp ${JARS[0]} -d "${code}" $(find "${src}" -name '*.java')`])
for (const jar of JARS) cpSync(jar, join(code, 'lib', jar.split('/').pop()))
writeFileSync(join(root, 'app/template.yaml'), 'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {CodeUri: code/, Handler: com.example.Handler::handleRequest, Runtime: java17}\n')

function time(label, fn) {
  const samples = []
  let output
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint()
    output = fn(i)
    samples.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  samples.sort((a, b) => a - b)
  return {label, median: samples[Math.floor(samples.length / 2)], min: samples[0], max: samples.at(-1), output}
}

const sha = (file) => createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12)
const results = [
  time('jar --create (thin jar of the classes only)', (i) => {
    const out = join(root, `thin-${i}.jar`)
    execFileSync('jar', ['--create', '--file', out, '-C', code, 'com'])
    return out
  }),
  time('zip -r -X -9 (classes at root + lib/*.jar, by hand)', (i) => {
    const out = join(root, `by-hand-${i}.zip`)
    execFileSync('zip', ['-q', '-r', '-X', '-9', out, 'com', 'lib'], {cwd: code})
    return out
  }),
  time('jar + zip (thin jar, then zip it with lib/)', (i) => {
    const dir = join(root, `jar-zip-${i}`)
    mkdirSync(dir)
    cpSync(join(code, 'lib'), join(dir, 'lib'), {recursive: true})
    execFileSync('jar', ['--create', '--file', join(dir, 'lib/app.jar'), '-C', code, 'com'])
    execFileSync('zip', ['-q', '-r', '-X', '-9', join(dir, 'out.zip'), 'lib'], {cwd: dir})
    return join(dir, 'out.zip')
  }),
  time('lpack build --no-cache (CLI process, checks included)', () => {
    execFileSync(process.execPath, [LPACK, 'build', '--no-cache', '--json'], {cwd: join(root, 'app')})
    return join(root, 'app/.lpack/build/artifacts/Fn.zip')
  }),
  time('lpack build (unchanged: from the cache)', () => {
    execFileSync(process.execPath, [LPACK, 'build', '--json'], {cwd: join(root, 'app')})
    return join(root, 'app/.lpack/build/artifacts/Fn.zip')
  }),
]

console.log(`${CLASS_COUNT + 1} classes, ${JARS.length} dependency jars (${(JARS.reduce((s, j) => s + statSync(j).size, 0) / 1e6).toFixed(1)} MB), ${RUNS} runs each\n`)
console.log('| method | median | min–max | output bytes | sha256 (last run) |')
console.log('|---|---|---|---|---|')
for (const r of results) {
  console.log(`| ${r.label} | ${r.median.toFixed(0)} ms | ${r.min.toFixed(0)}–${r.max.toFixed(0)} ms | ${statSync(r.output).size} | ${sha(r.output)} |`)
}
// zip's bytes follow file mtimes: touch the classes and zip again to show the difference from lpack's fixed bytes.
execFileSync('sh', ['-c', `sleep 2 && find "${code}" -type f -exec touch {} + && cd "${code}" && zip -q -r -X -9 ../again.zip com lib`])
console.log(`\nzip after touching the classes: sha256 ${sha(join(root, 'app/again.zip'))} (was ${sha(results[1].output)})`)
execFileSync(process.execPath, [LPACK, 'build', '--no-cache', '--json'], {cwd: join(root, 'app')})
console.log(`lpack after touching the classes: sha256 ${sha(join(root, 'app/.lpack/build/artifacts/Fn.zip'))} (was ${sha(results[3].output)})`)
rmSync(root, {recursive: true, force: true})
