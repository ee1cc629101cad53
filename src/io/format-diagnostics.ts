import type {DiagnosticSummary} from '../core/diagnostics/diagnostic.js'

export type DiagnosticFormat = 'pretty' | 'json' | 'sarif' | 'github'

export interface FormatOptions {
  color: boolean
}

/** Renders diagnostics for people or tools. Pure: returns text, prints nothing. */
export function formatDiagnostics(summary: DiagnosticSummary, format: DiagnosticFormat, _options: FormatOptions): string {
  switch (format) {
    case 'json':
      return JSON.stringify(summary, null, 2)
    default: {
      const lines = summary.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}`)
      lines.push(`${summary.errorCount} error(s), ${summary.warningCount} warning(s)`)
      return lines.join('\n')
    }
  }
}
