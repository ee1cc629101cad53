import type {ManifestArtifact} from './manifest.js'
import type {BuildPlan} from './types.js'

/** Lambda's limits for a deployment package (LAMBDA-FACTS.md). */
export const MAX_UNZIPPED_BYTES = 262_144_000
export const MAX_DIRECT_UPLOAD_ZIPPED_BYTES = 50 * 1024 * 1024

/** Per-function budgets from lpack.config.yaml, so CI fails when a function grows. */
export interface SizeBudgets {
  /** Applies to every function without its own entry. */
  default?: {zippedBytes?: number; unzippedBytes?: number}
  functions?: Record<string, {zippedBytes?: number; unzippedBytes?: number}>
}

export interface SizeReport {
  logicalId: string
  kind: ManifestArtifact['kind']
  zippedBytes: number
  unzippedBytes: number
  /** Unzipped bytes of the layers built here that the function uses. */
  layerUnzippedBytes: number
  problems: string[]
}

/** Checks each artifact (a function together with its layers) against Lambda's limits and the budgets. Pure. */
export function checkSizeLimits(plan: BuildPlan, artifacts: readonly ManifestArtifact[], budgets: SizeBudgets = {}): SizeReport[] {
  const byId = new Map(artifacts.map((a) => [a.logicalId, a]))
  return artifacts.map((artifact) => {
    const unit = plan.units.find((u) => u.logicalId === artifact.logicalId)
    const layerUnzippedBytes = (unit?.layerIds ?? []).reduce((sum, id) => sum + (byId.get(id)?.unzippedBytes ?? 0), 0)
    const problems: string[] = []
    const total = artifact.unzippedBytes + layerUnzippedBytes
    if (total > MAX_UNZIPPED_BYTES) {
      problems.push(`${artifact.logicalId}: ${total} bytes unzipped${layerUnzippedBytes > 0 ? ' with its layers' : ''}; Lambda allows at most ${MAX_UNZIPPED_BYTES} (250 MB)`)
    }
    if (artifact.zippedBytes > MAX_DIRECT_UPLOAD_ZIPPED_BYTES) {
      problems.push(`${artifact.logicalId}: zip is ${artifact.zippedBytes} bytes; Lambda accepts at most ${MAX_DIRECT_UPLOAD_ZIPPED_BYTES} (50 MB) per zip`)
    }
    const budget = budgets.functions?.[artifact.logicalId] ?? budgets.default
    if (budget?.zippedBytes !== undefined && artifact.zippedBytes > budget.zippedBytes) {
      problems.push(`${artifact.logicalId}: zip is ${artifact.zippedBytes} bytes, over its budget of ${budget.zippedBytes}`)
    }
    if (budget?.unzippedBytes !== undefined && artifact.unzippedBytes > budget.unzippedBytes) {
      problems.push(`${artifact.logicalId}: ${artifact.unzippedBytes} bytes unzipped, over its budget of ${budget.unzippedBytes}`)
    }
    return {logicalId: artifact.logicalId, kind: artifact.kind, zippedBytes: artifact.zippedBytes, unzippedBytes: artifact.unzippedBytes, layerUnzippedBytes, problems}
  })
}
