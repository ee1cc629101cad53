/**
 * Comparison used by the transform differential tests, as the SAM translator's own test harness compares: lists are
 * order-insensitive (sorted by their normalised JSON), everything else must be equal.
 */
export function normalizeForComparison(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(normalizeForComparison).sort((a, b) => {
      const left = JSON.stringify(a)
      const right = JSON.stringify(b)
      return left < right ? -1 : left > right ? 1 : 0
    })
  }
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) sorted[key] = normalizeForComparison((value as Record<string, unknown>)[key])
    return sorted
  }
  return value
}

/** The parts of a template the differential tests compare. */
export function comparableParts(template: Record<string, unknown>): Record<string, unknown> {
  const parts: Record<string, unknown> = {Resources: template.Resources}
  for (const section of ['Outputs', 'Conditions'] as const) {
    const value = template[section]
    if (value !== undefined && !(typeof value === 'object' && value !== null && Object.keys(value).length === 0)) parts[section] = value
  }
  return normalizeForComparison(parts) as Record<string, unknown>
}
