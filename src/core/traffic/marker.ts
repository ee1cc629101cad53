/**
 * The marker lpack writes into an alias's Description while a release runs: enough to rebuild the release from
 * AWS alone after lpack was killed (which versions, which schedule, which phase, when the shift started).
 * Lambda limits a Description to 256 characters; the marker stays well under.
 */
export const MARKER_PREFIX = 'lpack-release:'

export type ReleasePhase = 'pre-traffic' | 'shifting' | 'post-traffic'

export interface ReleaseMarker {
  id: string
  old: string
  new: string
  type: string
  phase: ReleasePhase
  /** Epoch milliseconds when the phase began. */
  at: number
}

export function encodeMarker(marker: ReleaseMarker): string {
  return MARKER_PREFIX + JSON.stringify({id: marker.id, old: marker.old, new: marker.new, type: marker.type, phase: marker.phase, at: marker.at})
}

/** The marker in a Description, or undefined when there is none (or it is not lpack's). */
export function decodeMarker(description: string | undefined): ReleaseMarker | undefined {
  if (!description?.startsWith(MARKER_PREFIX)) return undefined
  try {
    const value = JSON.parse(description.slice(MARKER_PREFIX.length)) as Partial<ReleaseMarker>
    const phases: ReleasePhase[] = ['pre-traffic', 'shifting', 'post-traffic']
    if (typeof value.id !== 'string' || typeof value.old !== 'string' || typeof value.new !== 'string' || typeof value.type !== 'string' || !phases.includes(value.phase as ReleasePhase) || typeof value.at !== 'number') return undefined
    return value as ReleaseMarker
  } catch {
    return undefined
  }
}
