#!/usr/bin/env node
// Transforms every in-scope input of the transform corpus (test/fixtures/transform) in one process with lpack's
// transform, loaded as `lpack` loads it: the bundled CLI (dist/cli/lpack.cjs) through bin/run.js's loader (run
// `npm run build` first). Prints the file count and the time spent loading + transforming.
//   time node bench/transform/transform-all.mjs
import {readdirSync, readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const fixtures = join(root, 'test', 'fixtures', 'transform')
const {loadBundledCli} = createRequire(import.meta.url)(join(root, 'dist', 'cli', 'compile-cache.cjs'))
const {parseTemplate, transformTemplate} = loadBundledCli()
const outOfScope = JSON.parse(readFileSync(join(fixtures, 'out-of-scope.json'), 'utf8'))
const files = readdirSync(join(fixtures, 'input')).filter((name) => name.endsWith('.yaml') && !(name in outOfScope)).sort()

const started = performance.now()
const kinds = {}
for (const name of files) {
  const loaded = parseTemplate(readFileSync(join(fixtures, 'input', name)), name)
  const result = transformTemplate(loaded.template.value, {isFloat: loaded.template.isFloat})
  kinds[result.kind] = (kinds[result.kind] ?? 0) + 1
}
const elapsed = performance.now() - started
process.stdout.write(`lpack transform: ${files.length} files in ${elapsed.toFixed(0)} ms (${JSON.stringify(kinds)})\n`)
