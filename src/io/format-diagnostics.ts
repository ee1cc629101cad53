import {isAbsolute, relative, sep} from 'node:path'

import type {Diagnostic, DiagnosticSummary, Severity} from '../core/diagnostics/diagnostic.js'
import {DIAGNOSTIC_CODES} from '../core/validate/codes.js'
import {escapeControl} from './terminal-text.js'

export type DiagnosticFormat = 'pretty' | 'json' | 'sarif' | 'github'

export interface FormatOptions {
  /** ANSI colours (pretty only): a TTY with NO_COLOR unset. */
  color: boolean
  /** Template text by file name, for code frames (pretty) and snippets (SARIF). */
  sources?: Readonly<Record<string, string>>
  /** Paths in SARIF and GitHub annotations are made relative to this folder (the repository root in CI). */
  cwd?: string
  /** lpack's version, for SARIF's tool.driver.version. */
  toolVersion?: string
}

/** Renders diagnostics for people or tools. Pure: returns text, prints nothing. */
export function formatDiagnostics(summary: DiagnosticSummary, format: DiagnosticFormat, options: FormatOptions): string {
  switch (format) {
    case 'json':
      return JSON.stringify(summary, null, 2)
    case 'sarif':
      return JSON.stringify(toSarif(summary, options), null, 2)
    // The text formats are read on terminals and CI logs: a control byte from the template is shown, not obeyed.
    case 'github':
      return escapeControl(formatGithub(summary, options))
    case 'pretty':
      return formatPretty(summary, options)
  }
}

const ANSI = {red: 31, yellow: 33, cyan: 36, dim: 2, bold: 1} as const

function formatPretty(summary: DiagnosticSummary, options: FormatOptions): string {
  const paint = (style: keyof typeof ANSI, text: string) => (options.color ? `\u001b[${ANSI[style]}m${text}\u001b[0m` : text)
  const severityStyle: Record<Severity, keyof typeof ANSI> = {error: 'red', warning: 'yellow', info: 'cyan'}
  const blocks = summary.diagnostics.map((d) => {
    // Escaped before painting: the colours are lpack's own escapes; anything from the template is shown, not obeyed.
    const lines = [`${escapeControl(d.file)}:${d.line}:${d.column}  ${paint(severityStyle[d.severity], d.severity)}  ${paint('bold', d.code)}  ${escapeControl(d.message)}`]
    const frame = codeFrame(d, options.sources?.[d.file])
    if (frame) lines.push(...frame.map((line, index) => (index === frame.length - 1 ? paint(severityStyle[d.severity], line) : paint('dim', escapeControl(line)))))
    if (d.hint) lines.push(`  ${paint('dim', 'hint:')} ${escapeControl(d.hint)}`)
    return lines.join('\n')
  })
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  const total = summary.errorCount + summary.warningCount
  const tally = total === 0 ? 'No problems found' : `${count(summary.errorCount, 'error')}, ${count(summary.warningCount, 'warning')}`
  blocks.push(summary.errorCount > 0 ? paint('red', tally) : tally)
  return blocks.join('\n\n')
}

/** Widest slice of a line shown in a frame; a minified one-line template would otherwise flood the terminal. */
const FRAME_WIDTH = 120

/** The offending line with a caret under the column range, e.g. `  12 |   MemorySize: 64` / `     |               ^^`. */
function codeFrame(d: Diagnostic, source: string | undefined): string[] | undefined {
  if (source === undefined) return undefined
  const lineText = lineAt(source, d.line)
  if (lineText === undefined) return undefined
  const length = d.endLine === d.line && d.endColumn !== undefined && d.endColumn > d.column ? d.endColumn - d.column : 1
  const start = Math.max(0, Math.min(d.column - 1 - 20, lineText.length - FRAME_WIDTH))
  const shown = lineText.slice(start, start + FRAME_WIDTH).replace(/\t/g, ' ')
  const prefix = start > 0 ? '…' : ''
  const number = String(d.line)
  const caretStart = prefix.length + d.column - 1 - start
  const caretLength = Math.max(1, Math.min(length, shown.length + prefix.length - caretStart))
  return [`  ${number} | ${prefix}${shown}${start + FRAME_WIDTH < lineText.length ? '…' : ''}`, `  ${' '.repeat(number.length)} | ${' '.repeat(Math.max(0, caretStart))}${'^'.repeat(caretLength)}`]
}

function lineAt(source: string, line: number): string | undefined {
  let offset = 0
  for (let current = 1; current < line; current++) {
    const next = source.indexOf('\n', offset)
    if (next < 0) return undefined
    offset = next + 1
  }
  const end = source.indexOf('\n', offset)
  return source.slice(offset, end < 0 ? undefined : end).replace(/\r$/, '')
}

/** Workflow commands: `::error file=…,line=…,col=…,title=LP3012::message` (GitHub shows them on the diff). */
function formatGithub(summary: DiagnosticSummary, options: FormatOptions): string {
  const lines = summary.diagnostics.map((d) => {
    const command = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice'
    const properties = [
      `file=${escapeProperty(displayPath(d.file, options.cwd))}`,
      `line=${d.line}`,
      `col=${d.column}`,
      ...(d.endLine === undefined ? [] : [`endLine=${d.endLine}`]),
      ...(d.endColumn === undefined || d.endLine !== d.line ? [] : [`endColumn=${d.endColumn}`]),
      `title=${escapeProperty(`${d.code} ${DIAGNOSTIC_CODES[d.code as keyof typeof DIAGNOSTIC_CODES]?.title ?? ''}`.trim())}`,
    ]
    return `::${command} ${properties.join(',')}::${escapeData(d.hint ? `${d.message}\n${d.hint}` : d.message)}`
  })
  lines.push(`${summary.errorCount} error(s), ${summary.warningCount} warning(s)`)
  return lines.join('\n')
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

function displayPath(file: string, cwd: string | undefined): string {
  const inside = cwd !== undefined && isAbsolute(file) ? relative(cwd, file) : undefined
  const shown = inside !== undefined && !inside.startsWith('..') && !isAbsolute(inside) ? inside : file
  return shown.split(sep).join('/')
}

const SARIF_LEVEL: Record<Severity, string> = {error: 'error', warning: 'warning', info: 'note'}

/** SARIF 2.1.0, as GitHub code scanning uploads it (`github/codeql-action/upload-sarif`). */
function toSarif(summary: DiagnosticSummary, options: FormatOptions): Record<string, unknown> {
  const ruleIds = [...new Set(summary.diagnostics.map((d) => d.code))].sort()
  const rules = ruleIds.map((id) => {
    const info = DIAGNOSTIC_CODES[id as keyof typeof DIAGNOSTIC_CODES]
    return {
      id,
      name: id,
      shortDescription: {text: info?.title ?? id},
      defaultConfiguration: {level: SARIF_LEVEL[info?.severity ?? 'error']},
    }
  })
  const results = summary.diagnostics.map((d) => {
    const region: Record<string, unknown> = {startLine: d.line, startColumn: d.column}
    if (d.endLine !== undefined) region.endLine = d.endLine
    if (d.endColumn !== undefined) region.endColumn = Math.max(d.endColumn, d.endLine === d.line ? d.column + 1 : 1)
    const line = options.sources?.[d.file] === undefined ? undefined : lineAt(options.sources[d.file]!, d.line)
    if (line !== undefined) region.snippet = {text: line.slice(0, 500)}
    return {
      ruleId: d.code,
      ruleIndex: ruleIds.indexOf(d.code),
      level: SARIF_LEVEL[d.severity],
      message: {text: d.hint ? `${d.message}. ${d.hint}` : d.message},
      locations: [{physicalLocation: {artifactLocation: {uri: encodeURI(displayPath(d.file, options.cwd))}, region}}],
      ...(d.path === undefined ? {} : {properties: {path: d.path}}),
    }
  })
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{tool: {driver: {name: 'lpack', ...(options.toolVersion ? {version: options.toolVersion} : {}), rules}}, results}],
  }
}
