/**
 * Suggestions for misspelt names: runtimes, properties, commands, flags. One edit distance for all of them, so
 * that every "did you mean" in lpack judges a typo alike.
 */

/**
 * Edit distance between two strings, counting a swap of two neighbouring letters as one edit (`buidl` → build) as
 * well as an insertion, deletion or substitution; `cap + 1` as soon as it must exceed `cap` (bounded work).
 */
export function editDistance(a: string, b: string, cap = 3): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1
  let beforePrevious: number[] = []
  let previous = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      let distance = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) distance = Math.min(distance, beforePrevious[j - 2]! + 1)
      current[j] = distance
    }
    if (Math.min(...current) > cap) return cap + 1
    beforePrevious = previous
    previous = current
  }
  return Math.min(previous[b.length]!, cap + 1)
}

/** The candidate closest to `name` by edit distance (case-insensitive), when close enough to be a likely typo. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase()
  let best: {candidate: string; distance: number} | undefined
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase(), 3)
    if (distance <= Math.max(1, Math.min(3, Math.floor(candidate.length / 3))) && (best === undefined || distance < best.distance)) best = {candidate, distance}
  }
  return best?.candidate
}
