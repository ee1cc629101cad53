import type {ChangeRow} from '../core/deploy/plan.js'
import {escapeControl} from './terminal-text.js'

const ACTION_SIGNS: Record<string, string> = {Add: '+', Modify: '~', Remove: '-', Import: '>', Dynamic: '?'}

/** The change-set summary: one line per resource, `+` add, `~` modify, `-` remove, with replacement called out. */
export function formatChangeTable(changes: readonly ChangeRow[]): string {
  if (changes.length === 0) return '  (no resource changes)'
  const idWidth = Math.max(...changes.map((c) => c.logicalId.length))
  const typeWidth = Math.max(...changes.map((c) => c.type.length))
  return changes
    .map((change) => {
      const sign = ACTION_SIGNS[change.action] ?? '?'
      const replacement =
        change.replacement === 'True' ? '  REPLACEMENT' : change.replacement === 'Conditional' ? '  may be replaced' : ''
      const properties = change.properties ? `  (${change.properties.join(', ')})` : ''
      return `  ${sign} ${change.action.padEnd(7)} ${change.logicalId.padEnd(idWidth)}  ${change.type.padEnd(typeWidth)}${replacement}${properties}`.trimEnd()
    })
    .map(escapeControl)
    .join('\n')
}

/** Stack outputs as `Key = Value` lines, for the end of a human deploy. */
export function formatOutputs(outputs: Readonly<Record<string, string>>): string {
  const keys = Object.keys(outputs)
  if (keys.length === 0) return ''
  const width = Math.max(...keys.map((key) => key.length))
  return escapeControl(['Outputs:', ...keys.map((key) => `  ${key.padEnd(width)} = ${outputs[key]}`)].join('\n'))
}
