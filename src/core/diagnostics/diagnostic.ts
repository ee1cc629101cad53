/** The diagnostic shape of `lpack validate --format json` (DESIGN.md). Line and column are 1-based. */
export type Severity = 'error' | 'warning' | 'info'

export interface Diagnostic {
  severity: Severity
  /** Stable code, `LPxxxx`. Tests and users match on it. */
  code: string
  message: string
  file: string
  line: number
  column: number
  /** Where the offending value ends, when known (for code frames and SARIF regions). */
  endLine?: number
  endColumn?: number
  /** Template path of the offending value, `/`-separated: `Resources/Fn/Properties/MemorySize`. */
  path?: string
  hint?: string
}

export interface DiagnosticSummary {
  valid: boolean
  errorCount: number
  warningCount: number
  diagnostics: Diagnostic[]
}

const SEVERITY_ORDER: Record<Severity, number> = {error: 0, warning: 1, info: 2}

/** Sorted by file, position, then code, so output is stable whatever order rules ran in. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      compareStrings(a.file, b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      compareStrings(a.code, b.code) ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      compareStrings(a.message, b.message),
  )
}

export function summarize(diagnostics: readonly Diagnostic[]): DiagnosticSummary {
  const sorted = sortDiagnostics(diagnostics)
  const errorCount = sorted.filter((d) => d.severity === 'error').length
  const warningCount = sorted.filter((d) => d.severity === 'warning').length
  return {valid: errorCount === 0, errorCount, warningCount, diagnostics: sorted}
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
