import type {BuildResult} from '../core/build/index.js'
import {formatBytes} from '../core/bytes.js'

/** The table printed after a build: per artifact, sizes and whether it came from the cache. Pure. */
export function formatBuildSummary(result: BuildResult): string {
  const rows = result.manifest.artifacts.map((a) => [a.logicalId, a.kind, a.runtime ?? '-', formatBytes(a.zippedBytes), formatBytes(a.unzippedBytes), String(a.files), a.cached ? 'cached' : 'built'])
  const header = ['artifact', 'kind', 'runtime', 'zipped', 'unzipped', 'files', '']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) => cells.map((c, i) => (i >= 3 && i <= 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd()
  const lines = [line(header), ...rows.map(line)]
  const largest = result.units.filter((u) => u.largestInputs.length > 0)
  for (const unit of largest) {
    lines.push('', `${unit.logicalId}, largest inputs:`)
    for (const input of unit.largestInputs.slice(0, 10)) lines.push(`  ${formatBytes(input.bytes).padStart(10)}  ${input.path}`)
  }
  for (const unit of result.units.filter((u) => (u.providedElsewhere ?? []).length > 0)) {
    lines.push('', `${unit.logicalId}, left out of the bundle (provided at run time):`)
    for (const item of unit.providedElsewhere!) lines.push(`  ${item.name} (${item.providedBy})`)
  }
  lines.push('', `Build written to ${result.buildDir}`)
  return lines.join('\n')
}
