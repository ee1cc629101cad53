import type {TrafficStatus} from '../core/traffic/index.js'
import {escapeControl} from './terminal-text.js'

/** `lpack traffic status` for people: one line per alias, releases in flight first said as such. */
export function formatTrafficStatus(status: TrafficStatus): string {
  if (status.aliases.length === 0) return `Stack ${status.stackName} has no alias released with a DeploymentPreference`
  const lines = status.aliases.map((alias) => {
    const routing = alias.additional ? `${alias.functionVersion} + ${alias.additional.version} at ${Math.round(alias.additional.weight * 100)}%` : `${alias.functionVersion} (all traffic)`
    const flight = alias.marker
      ? ` — release ${alias.marker.id} in flight: ${alias.marker.old}→${alias.marker.new} at ${alias.percent}%, ${alias.marker.phase} (${alias.marker.type})`
      : alias.inFlight ? ' — routes to two versions (not lpack\'s release)' : ''
    return escapeControl(`${alias.logicalId}:${alias.alias} (${alias.functionName}) → ${routing}${flight}`)
  })
  const summary = status.inFlight.length === 0 ? 'No release in flight' : `${status.inFlight.length} alias(es) in flight: \`lpack traffic resume\` continues, \`lpack traffic rollback\` reverts`
  return [...lines, summary].join('\n')
}
