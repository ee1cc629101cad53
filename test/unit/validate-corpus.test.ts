import {readdirSync, readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

import type {Diagnostic} from '../../src/core/diagnostics/diagnostic.js'
import {parseTemplate} from '../../src/core/template/load.js'
import {validateTemplate} from '../../src/core/validate/index.js'

const FIXTURES = fileURLToPath(new URL('../fixtures/validate/', import.meta.url))
const NOW = new Date('2026-11-26T00:00:00Z')
const scope = JSON.parse(readFileSync(FIXTURES + 'sam-translator-scope.json', 'utf8')) as {
  incidentalCodes: Record<string, string>
  errorInputsOutOfScope: Record<string, string>
  validInputsWithErrors: Record<string, {codes: string[]; reason: string}>
}

/** The translator's test inputs omit `Transform:` (its harness applies the transform), so declare it as a user would. */
async function validateSamInput(name: string): Promise<Diagnostic[]> {
  const {template, diagnostics} = parseTemplate(readFileSync(FIXTURES + 'sam-translator/' + name), name)
  if (template === undefined) return diagnostics
  template.value.Transform ??= 'AWS::Serverless-2016-10-31'
  return [...diagnostics, ...(await validateTemplate(template, {now: NOW}))]
}

const samInputs = readdirSync(FIXTURES + 'sam-translator').filter((name) => /\.(ya?ml|json)$/.test(name)).sort()
const errorInputs = samInputs.filter((name) => name.startsWith('error_'))
const validInputs = samInputs.filter((name) => !name.startsWith('error_'))
const incidental = new Set(Object.keys(scope.incidentalCodes))

describe('sam-translator corpus', () => {
  it('has the expected inputs and every out-of-scope entry names a real file', () => {
    expect(errorInputs.length).toBe(127)
    for (const name of [...Object.keys(scope.errorInputsOutOfScope), ...Object.keys(scope.validInputsWithErrors)]) expect(samInputs).toContain(name)
  })

  it.each(errorInputs.filter((name) => !(name in scope.errorInputsOutOfScope)))('in-scope %s is an error', async (name) => {
    const errors = (await validateSamInput(name)).filter((d) => d.severity === 'error' && !incidental.has(d.code))
    expect(errors.length, `no error for ${name}`).toBeGreaterThan(0)
  })

  it.each(validInputs)('valid %s has no error', async (name) => {
    const allowed = new Set([...incidental, ...(scope.validInputsWithErrors[name]?.codes ?? [])])
    const errors = (await validateSamInput(name)).filter((d) => d.severity === 'error' && !allowed.has(d.code))
    expect(errors.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`)).toEqual([])
  })

  it('each listed valid input really has the errors its reason explains', async () => {
    for (const [name, {codes}] of Object.entries(scope.validInputsWithErrors)) {
      const found = new Set((await validateSamInput(name)).map((d) => d.code))
      for (const code of codes) expect(found, `${name} ${code}`).toContain(code)
    }
  })
})

describe('serverless-patterns corpus', () => {
  const patterns = readdirSync(FIXTURES + 'serverless-patterns').sort()
  it.each(patterns)('%s gives diagnostics, never an exception', async (name) => {
    const {template, diagnostics} = parseTemplate(readFileSync(FIXTURES + 'serverless-patterns/' + name), name)
    const all = template === undefined ? diagnostics : [...diagnostics, ...(await validateTemplate(template, {now: NOW}))]
    for (const d of all) {
      expect(d.code).toMatch(/^LP\d{4}$/)
      expect(d.line).toBeGreaterThanOrEqual(1)
      expect(d.column).toBeGreaterThanOrEqual(1)
    }
  })
})
