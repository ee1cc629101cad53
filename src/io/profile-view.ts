import type {MemoryProfile, Percentiles} from '../core/invoke/profile.js'

/** The profile for people: a few aligned lines. */
export function formatProfile(profile: MemoryProfile): string {
  const row = (label: string, p: Percentiles, unit: string) => `${label.padEnd(18)} min ${p.min} ${unit}  p50 ${p.p50} ${unit}  p90 ${p.p90} ${unit}  p99 ${p.p99} ${unit}  max ${p.max} ${unit}`
  const lines = [`${profile.functionId}: ${profile.invocations} invocations (${profile.failures} failed), MemorySize ${profile.memorySizeMb} MB, Timeout ${profile.timeoutSeconds} s`]
  if (profile.maxMemoryUsedMb) lines.push(row('Max Memory Used', profile.maxMemoryUsedMb, 'MB'))
  lines.push(row('Duration', profile.durationMs, 'ms'))
  if (profile.initDurationMs !== undefined) lines.push(`${'Init Duration'.padEnd(18)} ${profile.initDurationMs} ms (cold start)`)
  lines.push(`Recommended: ${profile.recommendation.memorySizeMb !== undefined ? `MemorySize: ${profile.recommendation.memorySizeMb}, ` : ''}Timeout: ${profile.recommendation.timeoutSeconds}`)
  for (const note of profile.recommendation.notes) lines.push(`  - ${note}`)
  return lines.join('\n')
}
