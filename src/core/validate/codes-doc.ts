import {DIAGNOSTIC_CODES} from './codes.js'

const GROUPS: [prefix: string, title: string][] = [
  ['LP0', 'Loading and parsing'],
  ['LP1', 'Template structure and schema'],
  ['LP2', 'References: Ref, GetAtt, Sub, DependsOn, Condition, cycles'],
  ['LP3', 'Lambda functions'],
  ['LP4', 'Events, aliases and deployment'],
  ['LP5', 'Security and best practice'],
]

/** docs/diagnostics.md: every code with its severity and title, grouped by range. */
export function renderDiagnosticsDoc(): string {
  const lines = [
    '# lpack diagnostics',
    '',
    'Every code `lpack validate` reports. Codes are stable; severities: `error` fails validation (exit 1),',
    '`warning` does not. Generated from `src/core/validate/codes.ts` by `scripts/write-diagnostics-doc.mjs`.',
  ]
  for (const [prefix, title] of GROUPS) {
    lines.push('', `## ${title}`, '', '| code | severity | meaning |', '|---|---|---|')
    for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) {
      if (code.startsWith(prefix)) lines.push(`| ${code} | ${info.severity} | ${info.title} |`)
    }
  }
  return lines.join('\n') + '\n'
}
