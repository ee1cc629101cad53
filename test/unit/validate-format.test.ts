import {describe, expect, it} from 'vitest'

import type {DiagnosticSummary} from '../../src/core/diagnostics/diagnostic.js'
import {formatDiagnostics} from '../../src/io/format-diagnostics.js'

const source = 'Resources:\n  Fn:\n    Properties:\n      MemorySize: 64\n'
const summary: DiagnosticSummary = {
  valid: false,
  errorCount: 1,
  warningCount: 1,
  diagnostics: [
    {severity: 'error', code: 'LP3012', message: 'MemorySize must be an integer between 128 and 32768 MB, got 64', file: '/repo/stack/template.yaml', line: 4, column: 19, endLine: 4, endColumn: 21, path: 'Resources/Fn/Properties/MemorySize', hint: 'Lambda accepts 128–32768 MB.'},
    {severity: 'warning', code: 'LP5006', message: 'a, b: 100%', file: '/repo/stack/template.yaml', line: 2, column: 3},
  ],
}

describe('formatDiagnostics', () => {
  it('pretty: position, severity, code, message, a code frame with a caret under the value, and the hint', () => {
    const text = formatDiagnostics(summary, 'pretty', {color: false, sources: {'/repo/stack/template.yaml': source}})
    expect(text).toContain('/repo/stack/template.yaml:4:19  error  LP3012  MemorySize must be an integer between 128 and 32768 MB, got 64\n  4 |       MemorySize: 64\n    |                   ^^\n  hint: Lambda accepts 128–32768 MB.')
    expect(text.endsWith('1 error, 1 warning')).toBe(true)
    expect(text).not.toContain('\u001b[')
  })

  it('pretty: colours only when asked', () => {
    expect(formatDiagnostics(summary, 'pretty', {color: true})).toContain('\u001b[31merror\u001b[0m')
  })

  it('json: the DESIGN.md contract', () => {
    const parsed = JSON.parse(formatDiagnostics(summary, 'json', {color: false}))
    expect(Object.keys(parsed)).toEqual(['valid', 'errorCount', 'warningCount', 'diagnostics'])
    expect(parsed.diagnostics[0]).toMatchObject({severity: 'error', code: 'LP3012', line: 4, column: 19, path: 'Resources/Fn/Properties/MemorySize'})
  })

  it('sarif: 2.1.0 with rules, levels and repository-relative regions', () => {
    const sarif = JSON.parse(formatDiagnostics(summary, 'sarif', {color: false, cwd: '/repo', toolVersion: '0.1.0', sources: {'/repo/stack/template.yaml': source}}))
    expect(sarif.version).toBe('2.1.0')
    const run = sarif.runs[0]
    expect(run.tool.driver).toMatchObject({name: 'lpack', version: '0.1.0'})
    expect(run.tool.driver.rules.map((r: {id: string}) => r.id)).toEqual(['LP3012', 'LP5006'])
    expect(run.results[0]).toMatchObject({
      ruleId: 'LP3012',
      ruleIndex: 0,
      level: 'error',
      locations: [{physicalLocation: {artifactLocation: {uri: 'stack/template.yaml'}, region: {startLine: 4, startColumn: 19, endLine: 4, endColumn: 21, snippet: {text: '      MemorySize: 64'}}}}],
    })
    expect(run.results[1].level).toBe('warning')
  })

  it('github: workflow annotations with escaped data and properties', () => {
    const lines = formatDiagnostics(summary, 'github', {color: false, cwd: '/repo'}).split('\n')
    expect(lines[0]).toBe('::error file=stack/template.yaml,line=4,col=19,endLine=4,endColumn=21,title=LP3012 MemorySize out of range::MemorySize must be an integer between 128 and 32768 MB, got 64%0ALambda accepts 128–32768 MB.')
    expect(lines[1]).toBe('::warning file=stack/template.yaml,line=2,col=3,title=LP5006 ReservedConcurrentExecutions 0 throttles every invocation::a, b: 100%25')
  })
})

describe('docs/diagnostics.md', () => {
  it('lists every code of the registry (regenerate with scripts/write-diagnostics-doc.mjs)', async () => {
    const {readFileSync} = await import('node:fs')
    const {renderDiagnosticsDoc} = await import('../../src/core/validate/codes-doc.js')
    expect(readFileSync(new URL('../../docs/diagnostics.md', import.meta.url), 'utf8')).toBe(renderDiagnosticsDoc())
  })
})
