import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

import {LOAD_CODES, parseTemplate} from '../../src/core/template/load.js'

// Differential test (#18): lpack's parse succeeds exactly where PyYAML's does (the parser cfn-lint and the SAM
// translator use), on every template of the corpora (SAM translator suite, serverless-patterns) and on small
// crafted cases. PyYAML's verdicts are recorded by `python3 scripts/pyyaml-verdicts.py`; the oracle is its libyaml
// loader with the CloudFormation tags, cfn-lint's reading.

type Verdict = 'ok' | {error: string; line?: number; column?: number}
interface Verdicts {
  templates: Record<string, {libyaml: Verdict; pyyaml: Verdict; cfnLint: Verdict}>
}

const root = fileURLToPath(new URL('../..', import.meta.url))
const verdicts = JSON.parse(readFileSync(`${root}test/fixtures/parse/pyyaml-verdicts.json`, 'utf8')) as Verdicts

/** Codes that mean "could not be parsed", as PyYAML fails; the others (duplicate key, unknown tag…) are about content. */
const PARSE_FAILURES = new Set<string>([LOAD_CODES.syntax, LOAD_CODES.tooLarge, LOAD_CODES.tooDeep, LOAD_CODES.aliasBomb, LOAD_CODES.notText, LOAD_CODES.badKey])

/** Where lpack and PyYAML knowingly disagree, each with its reason. A listed case that agrees again fails the test. */
const EXCEPTIONS: Record<string, string> = {
  'test/fixtures/parse/crafted/nel-line-break.yaml':
    'NEL (U+0085) breaks lines in YAML 1.1 (PyYAML) but not in YAML 1.2 or the `yaml` package, and inside a JSON string it is text. lpack reports LP0001 at it rather than guess; no corpus template has one.',
  'test/fixtures/parse/crafted/tab-after-dash.yaml':
    'YAML 1.2 allows a tab after `-`; lpack reads `-<TAB>Other` as the item Other, PyYAML refuses the tab. Same meaning, lpack is more lenient.',
  'test/fixtures/parse/crafted/long-implicit-key.yaml':
    'PyYAML limits an implicit key to 1024 characters; lpack reads longer keys. No CloudFormation name is near that long (logical IDs stop at 255).',
}

const lpackVerdicts = new Map<string, {ok: boolean; codes: string[]}>()

function lpackVerdict(file: string): {ok: boolean; codes: string[]} {
  const known = lpackVerdicts.get(file)
  if (known) return known
  const {template, diagnostics} = parseTemplate(readFileSync(`${root}${file}`), file)
  const failures = diagnostics.filter((d) => PARSE_FAILURES.has(d.code)).map((d) => `${d.code} ${d.line}:${d.column} ${d.message}`)
  const verdict = {ok: template !== undefined && failures.length === 0, codes: failures}
  lpackVerdicts.set(file, verdict)
  return verdict
}

describe('#18 YAML/JSON parsing parity with PyYAML', () => {
  const files = Object.keys(verdicts.templates)

  it('#18 covers every template of the corpora and the crafted cases', () => {
    const count = (prefix: string) => files.filter((file) => file.startsWith(prefix)).length
    expect(count('test/fixtures/transform/input/')).toBe(319)
    expect(count('test/fixtures/parse/sam-translator-full/')).toBe(512)
    expect(count('test/fixtures/validate/serverless-patterns/')).toBe(98)
    expect(count('test/fixtures/parse/crafted/')).toBeGreaterThanOrEqual(20)
  })

  it('#18 parses exactly where PyYAML (libyaml, as cfn-lint reads) parses, except the listed differences', () => {
    const disagreements: string[] = []
    for (const file of files) {
      const oracle = verdicts.templates[file]!.libyaml === 'ok'
      const lpack = lpackVerdict(file)
      const agrees = lpack.ok === oracle
      if (agrees === Object.hasOwn(EXCEPTIONS, file)) {
        disagreements.push(`${file}: PyYAML ${oracle ? 'parses' : 'refuses'}, lpack ${lpack.ok ? 'parses' : `refuses (${lpack.codes.join('; ')})`}${agrees ? ' — listed as an exception but agrees' : ''}`)
      }
    }
    expect(disagreements).toEqual([])
  })

  it('#18 gives no LP0001 to a corpus template that cfn-lint parses', () => {
    const refused = files
      .filter((file) => !file.includes('/crafted/') && verdicts.templates[file]!.cfnLint === 'ok')
      .filter((file) => !lpackVerdict(file).ok)
    expect(refused).toEqual([])
  })

  it('#18 locates a failure on the line PyYAML names', () => {
    // Both refuse these; lpack's line agrees with PyYAML's (columns differ where the parsers blame different tokens).
    for (const file of ['tab-indentation.yaml', 'duplicate-anchor.yaml', 'unknown-escape.yaml', 'two-documents.yaml']) {
      const path = `test/fixtures/parse/crafted/${file}`
      const oracle = verdicts.templates[path]!.libyaml
      if (oracle === 'ok') throw new Error(`${file} is expected to fail in PyYAML`)
      const {diagnostics} = parseTemplate(readFileSync(`${root}${path}`), path)
      expect({file, line: diagnostics[0]?.line}).toEqual({file, line: oracle.line})
    }
  })
})
