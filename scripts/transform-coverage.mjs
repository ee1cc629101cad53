#!/usr/bin/env node
// How much of the AWS SAM translator's corpus lpack's own transform reproduces (issue #13). Run `npm run build` first.
//
//   node scripts/transform-coverage.mjs                       # test/fixtures/transform: inputs + the translator's outputs
//   node scripts/transform-coverage.mjs --patterns DIR        # real templates (../shared/corpus/serverless-patterns):
//                                                             # local code paths become s3:// URIs, then both transforms
//   add --list to print every file's verdict
//   --write-out-of-scope: rewrite test/fixtures/transform/out-of-scope.json (inputs with constructs lpack leaves to
//                         CloudFormation) after a construct is added
//
// Verdicts per input: identical (same Resources/Outputs/Conditions as the translator, compared as the differential
// tests compare), different, unsupported (UNSUPPORTED_CONSTRUCT: grouped by the constructs that block it), crash (lpack
// threw), rejected-both (an input the translator rejects that lpack rejects too), accepted-error (the translator rejects
// it, lpack does not), rejected-valid (lpack rejects what the translator accepts), not-sam (no AWS::Serverless transform).
import {execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const {parseTemplate} = await import(join(root, 'dist', 'core', 'template', 'load.js'))
const {transformTemplate} = await import(join(root, 'dist', 'core', 'transform', 'index.js'))

const args = process.argv.slice(2)
const list = args.includes('--list')
const patternsIndex = args.indexOf('--patterns')
let inputDir = join(root, 'test', 'fixtures', 'transform', 'input')
let outputDir = join(root, 'test', 'fixtures', 'transform', 'output')
let scratch
if (patternsIndex >= 0) {
  scratch = mkdtempSync(join(tmpdir(), 'lpack-coverage-'))
  inputDir = join(scratch, 'input')
  outputDir = join(scratch, 'output')
  mkdirSync(inputDir)
  mkdirSync(outputDir)
  const source = args[patternsIndex + 1]
  for (const name of readdirSync(source).filter((file) => /\.ya?ml$/.test(file))) {
    writeFileSync(join(inputDir, name), withS3Paths(readFileSync(join(source, name), 'utf8')))
  }
  execFileSync('python3', [join(root, 'scripts', 'regenerate-transform-goldens.py'), '--from', inputDir, '--to', outputDir], {
    stdio: 'ignore',
    // The translator tool sits in the shared folder the patterns come from (<shared>/corpus/serverless-patterns).
    env: {...process.env, LPACK_SHARED: process.env.LPACK_SHARED ?? resolve(source, '..', '..')},
  })
}

/** Local CodeUri/ContentUri/DefinitionUri/Location paths as the packaged template would have them. */
function withS3Paths(text) {
  // An unquoted version date is a YAML date, which the batch translator run cannot print back as JSON.
  return text.replace(/^AWSTemplateFormatVersion:[ \t]*(\d{4}-\d\d-\d\d)/m, "AWSTemplateFormatVersion: '$1'").replace(/^(\s*(?:CodeUri|ContentUri|DefinitionUri|Location|SchemaUri):[ \t]*)(['"]?)([^\s'"#{!][^\s'"#]*)\2[ \t\r]*$/gm, (line, key, quote, value) =>
    /^(s3|https?):\/\//.test(value) ? line : `${key}s3://coverage-bucket/${value.replace(/^\.?\/?/, '') || 'code'}`)
}

function normalize(value) {
  if (Array.isArray(value)) return value.map(normalize).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0))
  if (value !== null && typeof value === 'object') {
    const sorted = {}
    for (const key of Object.keys(value).sort()) sorted[key] = normalize(value[key])
    return sorted
  }
  return value
}

function comparable(template) {
  const parts = {Resources: template.Resources}
  for (const section of ['Outputs', 'Conditions']) {
    const value = template[section]
    if (value !== undefined && !(typeof value === 'object' && value !== null && Object.keys(value).length === 0)) parts[section] = value
  }
  return JSON.stringify(normalize(parts))
}

const files = readdirSync(inputDir).filter((name) => /\.ya?ml$/.test(name)).sort()
const counts = {}
const blockers = {}
const verdicts = {}
const outOfScope = {}
let accepted = 0
const started = performance.now()
for (const name of files) {
  let expected
  try {
    expected = JSON.parse(readFileSync(join(outputDir, name.replace(/\.ya?ml$/, '.json')), 'utf8'))
  } catch {
    expected = {errorMessage: 'translator output missing or unreadable'}
  }
  const rejectedByTranslator = expected.errorMessage !== undefined
  if (!rejectedByTranslator) accepted++
  let verdict
  try {
    const loaded = parseTemplate(readFileSync(join(inputDir, name)), name)
    if (scratch && loaded.template && !JSON.stringify(loaded.template.value.Transform ?? '').includes('AWS::Serverless')) verdict = 'not-sam'
    else if (!loaded.template) verdict = rejectedByTranslator ? 'rejected-both' : 'rejected-valid'
    else {
      // The goldens are translated at a fixed time (regenerate-transform-goldens.py TRANSLATION_TIME), which AlwaysDeploy hashes.
      const result = transformTemplate(loaded.template.value, {time: new Date(1_700_000_000_000), isFloat: loaded.template.isFloat})
      if (result.kind === 'unsupported') {
        verdict = 'unsupported'
        outOfScope[name] = [...new Set(result.unsupported.map((item) => item.construct.replace(/ \(.*\)$/, '')))].join(', ')
        for (const construct of new Set(result.unsupported.map((item) => item.construct.replace(/ \(.*\)$/, '')))) {
          blockers[construct] = (blockers[construct] ?? 0) + 1
        }
      } else if (result.kind === 'invalid') verdict = rejectedByTranslator ? 'rejected-both' : 'rejected-valid'
      else if (rejectedByTranslator) verdict = 'accepted-error'
      else verdict = comparable(result.template) === comparable(expected) ? 'identical' : 'different'
    }
  } catch (error) {
    verdict = 'crash'
    if (list) process.stderr.write(`${name}: ${error.stack}\n`)
  }
  counts[verdict] = (counts[verdict] ?? 0) + 1
  verdicts[name] = verdict
}
const elapsed = performance.now() - started
if (scratch) rmSync(scratch, {recursive: true, force: true})

if (args.includes('--write-out-of-scope') && !scratch) {
  writeFileSync(join(root, 'test', 'fixtures', 'transform', 'out-of-scope.json'), JSON.stringify(outOfScope, null, 2) + '\n')
}
if (list) for (const [name, verdict] of Object.entries(verdicts)) process.stdout.write(`${verdict}\t${name}\n`)
process.stdout.write(`inputs: ${files.length} (${elapsed.toFixed(0)} ms)\n`)
process.stdout.write(`identical: ${counts.identical ?? 0} of ${files.length} inputs (${accepted} the translator accepts); errors rejected by both: ${counts['rejected-both'] ?? 0}\n`)
process.stdout.write(`${JSON.stringify(counts)}\n`)
process.stdout.write('unsupported constructs (inputs blocked by each):\n')
for (const [construct, count] of Object.entries(blockers).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
  process.stdout.write(`  ${String(count).padStart(4)}  ${construct}\n`)
}
