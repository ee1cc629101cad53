// Benchmark: `lpack validate` against cfn-lint over ../shared/corpus/serverless-patterns, both in one run.
// Usage (from the repository root, after `npm run build`):  node bench/validate/run.mjs [CORPUS_DIR]
// Writes bench/validate/results.json and prints the markdown recorded in bench/README.md (section "validate").
import {spawnSync} from 'node:child_process'
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {parseTemplate} from '../../dist/core/template/load.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const corpus = resolve(process.argv[2] ?? join(ROOT, '../shared/corpus/serverless-patterns'))
const files = readdirSync(corpus).filter((name) => /\.(ya?ml|json|template)$/.test(name)).sort().map((name) => join(corpus, name))

function timed(command, args) {
  const start = process.hrtime.bigint()
  const result = spawnSync(command, args, {cwd: corpus, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024})
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (result.error) throw result.error
  return {ms, stdout: result.stdout, status: result.status}
}

const lpack = timed(process.execPath, [join(ROOT, 'bin/run.js'), 'validate', '--json', ...files])
const cfnLint = timed('cfn-lint', ['--format', 'json', '--', ...files])
const lpackSummary = JSON.parse(lpack.stdout)
const cfnResults = JSON.parse(cfnLint.stdout)

/** Resource types by logical ID, read with lpack's loader (cfn-lint reports IDs, not types). */
function resourceTypes(file) {
  const {template} = parseTemplate(readFileSync(file), file)
  const resources = template?.value.Resources ?? {}
  return Object.fromEntries(Object.entries(resources).map(([id, r]) => [id, typeof r?.Type === 'string' ? r.Type : '']))
}

/** Logical IDs named by Ref/GetAtt on the way down cfn-lint's path (an Output's `!GetAtt Fn.Name` names Fn). */
function referencedAlong(file, path) {
  const {template} = parseTemplate(readFileSync(file), file)
  const found = []
  let value = template?.value
  for (const key of path) {
    if (value === null || typeof value !== 'object') break
    const getAtt = value['Fn::GetAtt']
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') found.push(getAtt[0])
    if (typeof value.Ref === 'string') found.push(value.Ref)
    value = value[key]
  }
  return found
}

const isLambda = (type) => type.startsWith('AWS::Lambda::') || type.startsWith('AWS::Serverless::')
const rows = []
for (const finding of cfnResults.filter((f) => f.Level === 'Error')) {
  const file = resolve(corpus, finding.Filename)
  const types = resourceTypes(file)
  const parseError = finding.Rule.Id === 'E0000'
  const targets = referencedAlong(file, finding.Location.Path ?? [])
  const mentioned = [...new Set([...(finding.Location.Path ?? []), ...targets, ...finding.Message.split(/[^A-Za-z0-9]+/)].filter((id) => typeof id === 'string' && Object.hasOwn(types, id)))]
  const lambdaIds = mentioned.filter((id) => isLambda(types[id]))
  if (!parseError && lambdaIds.length === 0) continue
  const lpackErrors = lpackSummary.diagnostics.filter((d) => d.severity === 'error' && resolve(corpus, d.file) === file)
  const line = finding.Location.Start.LineNumber
  const caught = lpackErrors.filter((d) =>
    parseError ? d.code.startsWith('LP0') : d.line === line || mentioned.some((id) => (d.path ?? '').split('/').includes(id) || d.message.includes(id)),
  )
  rows.push({
    file: finding.Filename.split('/').pop(),
    line,
    cfnLint: `${finding.Rule.Id} ${finding.Message.split('\n')[0].slice(0, 90)}`,
    lpack: caught.length > 0 ? [...new Set(caught.map((d) => `${d.code} (line ${d.line})`))].join(', ') : 'MISSED',
  })
}

const results = {
  corpus: corpus.replace(ROOT, '').replace(/^\//, ''),
  templates: files.length,
  node: process.version,
  cfnLintVersion: spawnSync('cfn-lint', ['--version'], {encoding: 'utf8'}).stdout.trim(),
  lpackMs: Math.round(lpack.ms),
  cfnLintMs: Math.round(cfnLint.ms),
  ratio: Math.round((cfnLint.ms / lpack.ms) * 10) / 10,
  lpack: {errors: lpackSummary.errorCount, warnings: lpackSummary.warningCount, exit: lpack.status},
  cfnLint: {errors: cfnResults.filter((f) => f.Level === 'Error').length, warnings: cfnResults.filter((f) => f.Level === 'Warning').length, exit: cfnLint.status},
  lambdaOrParseErrors: rows,
  missed: rows.filter((r) => r.lpack === 'MISSED').length,
}
writeFileSync(new URL('./results.json', import.meta.url), JSON.stringify(results, null, 2) + '\n')

const table = ['| template | line | cfn-lint | lpack |', '|---|---|---|---|', ...rows.map((r) => `| ${r.file} | ${r.line} | ${r.cfnLint.replace(/\|/g, '\\|')} | ${r.lpack} |`)]
console.log(`templates: ${results.templates}
lpack validate: ${results.lpackMs} ms (exit ${lpack.status}; ${results.lpack.errors} errors, ${results.lpack.warnings} warnings)
cfn-lint:       ${results.cfnLintMs} ms (exit ${cfnLint.status}; ${results.cfnLint.errors} errors, ${results.cfnLint.warnings} warnings)
ratio: lpack ${results.ratio}× faster
cfn-lint errors on Lambda/Serverless resources or parse errors: ${rows.length}, missed by lpack: ${results.missed}

${table.join('\n')}`)
