import {editDistance} from '../did-you-mean.js'

/**
 * Lambda's managed runtimes (LAMBDA-FACTS.md): family, deprecation and block-update dates, successor.
 * Build stages import `RUNTIMES` and `runtimeFamily`; validate uses `runtimeStatus` with an injected "now".
 */
export type RuntimeFamily = 'nodejs' | 'python' | 'java' | 'dotnet' | 'ruby' | 'provided'

export interface RuntimeInfo {
  id: string
  family: RuntimeFamily
  /** ISO date from which Lambda creates no new functions with this runtime; undefined = not announced. */
  deprecated?: string
  /** ISO date from which Lambda refuses updates of functions with this runtime. */
  blockUpdate?: string
  /** The runtime to move to. */
  successor?: string
}

const SUPPORTED: readonly RuntimeInfo[] = [
  {id: 'nodejs24.x', family: 'nodejs', deprecated: '2028-04-30', blockUpdate: '2028-07-01'},
  {id: 'nodejs22.x', family: 'nodejs', deprecated: '2027-04-30', blockUpdate: '2027-07-01', successor: 'nodejs24.x'},
  {id: 'nodejs20.x', family: 'nodejs', deprecated: '2026-04-30', blockUpdate: '2027-03-03', successor: 'nodejs24.x'},
  {id: 'nodejs18.x', family: 'nodejs', deprecated: '2025-09-01', blockUpdate: '2027-03-03', successor: 'nodejs24.x'},
  {id: 'python3.14', family: 'python', deprecated: '2029-06-30', blockUpdate: '2029-08-31'},
  {id: 'python3.13', family: 'python', deprecated: '2029-06-30', blockUpdate: '2029-08-31', successor: 'python3.14'},
  {id: 'python3.12', family: 'python', deprecated: '2028-10-31', blockUpdate: '2029-01-10', successor: 'python3.14'},
  {id: 'python3.11', family: 'python', deprecated: '2027-06-30', blockUpdate: '2027-08-31', successor: 'python3.14'},
  {id: 'python3.10', family: 'python', deprecated: '2026-10-31', blockUpdate: '2027-03-03', successor: 'python3.14'},
  {id: 'python3.9', family: 'python', deprecated: '2025-12-15', blockUpdate: '2027-03-03', successor: 'python3.14'},
  {id: 'java25', family: 'java', deprecated: '2029-06-30', blockUpdate: '2029-08-31'},
  {id: 'java21', family: 'java', deprecated: '2029-06-30', blockUpdate: '2029-08-31', successor: 'java25'},
  {id: 'java17', family: 'java', deprecated: '2027-06-30', blockUpdate: '2027-08-31', successor: 'java25'},
  {id: 'java11', family: 'java', deprecated: '2027-06-30', blockUpdate: '2027-08-31', successor: 'java25'},
  {id: 'java8.al2', family: 'java', deprecated: '2027-06-30', blockUpdate: '2027-08-31', successor: 'java25'},
  {id: 'dotnet10', family: 'dotnet', deprecated: '2028-11-14', blockUpdate: '2029-01-15'},
  {id: 'dotnet8', family: 'dotnet', deprecated: '2026-11-10', blockUpdate: '2027-03-03', successor: 'dotnet10'},
  {id: 'ruby3.4', family: 'ruby', deprecated: '2028-03-31', blockUpdate: '2028-05-31'},
  {id: 'ruby3.3', family: 'ruby', deprecated: '2027-03-31', blockUpdate: '2027-05-31', successor: 'ruby3.4'},
  {id: 'provided.al2023', family: 'provided', deprecated: '2029-06-30', blockUpdate: '2029-08-31'},
  {id: 'provided.al2', family: 'provided', deprecated: '2026-07-31', blockUpdate: '2027-03-03', successor: 'provided.al2023'},
]

/** Runtimes Lambda has already retired: no dates kept, creation and update are both refused. */
const RETIRED: readonly RuntimeInfo[] = [
  ...['nodejs', 'nodejs4.3', 'nodejs4.3-edge', 'nodejs6.10', 'nodejs8.10', 'nodejs10.x', 'nodejs12.x', 'nodejs14.x', 'nodejs16.x'].map(
    (id): RuntimeInfo => ({id, family: 'nodejs', successor: 'nodejs24.x'}),
  ),
  ...['python2.7', 'python3.6', 'python3.7', 'python3.8'].map((id): RuntimeInfo => ({id, family: 'python', successor: 'python3.14'})),
  {id: 'java8', family: 'java', successor: 'java25'},
  {id: 'go1.x', family: 'provided', successor: 'provided.al2023'},
  {id: 'provided', family: 'provided', successor: 'provided.al2023'},
  ...['ruby2.5', 'ruby2.7'].map((id): RuntimeInfo => ({id, family: 'ruby', successor: 'ruby3.4'})),
  ...['dotnetcore1.0', 'dotnetcore2.0', 'dotnetcore2.1', 'dotnetcore3.1', 'dotnet6'].map((id): RuntimeInfo => ({id, family: 'dotnet', successor: 'dotnet10'})),
]

/** Every runtime id Lambda knows, current and retired, by id. */
export const RUNTIMES: ReadonlyMap<string, RuntimeInfo & {retired: boolean}> = new Map(
  [...SUPPORTED.map((r) => ({...r, retired: false})), ...RETIRED.map((r) => ({...r, retired: true}))].map((r) => [r.id, r]),
)

/** Ids of the runtimes a new function may use today or later (not retired), sorted. */
export const SUPPORTED_RUNTIME_IDS: readonly string[] = SUPPORTED.map((r) => r.id).sort()

/** The family of a runtime id (`nodejs22.x` → `nodejs`), or undefined for an unknown id. */
export function runtimeFamily(id: string): RuntimeFamily | undefined {
  return RUNTIMES.get(id)?.family
}

/** How long before deprecation lpack starts warning; AWS announces deprecations 180 days ahead. */
export const DEPRECATION_NOTICE_DAYS = 180

export type RuntimeStatus =
  | {kind: 'supported'; runtime: RuntimeInfo}
  /** Deprecation is announced and less than DEPRECATION_NOTICE_DAYS away. */
  | {kind: 'deprecation-soon'; runtime: RuntimeInfo}
  /** No new functions; existing ones may still be updated until blockUpdate. */
  | {kind: 'create-blocked'; runtime: RuntimeInfo}
  /** Neither creation nor update is possible. */
  | {kind: 'retired'; runtime: RuntimeInfo}
  | {kind: 'unknown'; suggestion?: string}

/**
 * Where a runtime stands on `now` (injected so tests and reproducible runs do not depend on the clock).
 * Dates compare as whole UTC days.
 */
export function runtimeStatus(id: string, now: Date): RuntimeStatus {
  const runtime = RUNTIMES.get(id)
  if (runtime === undefined) {
    const suggestion = closestRuntime(id)
    return suggestion === undefined ? {kind: 'unknown'} : {kind: 'unknown', suggestion}
  }
  const today = now.toISOString().slice(0, 10)
  if (runtime.retired || (runtime.blockUpdate !== undefined && today >= runtime.blockUpdate)) return {kind: 'retired', runtime}
  if (runtime.deprecated !== undefined) {
    if (today >= runtime.deprecated) return {kind: 'create-blocked', runtime}
    const noticeFrom = new Date(Date.parse(runtime.deprecated) - DEPRECATION_NOTICE_DAYS * 86_400_000).toISOString().slice(0, 10)
    if (today >= noticeFrom) return {kind: 'deprecation-soon', runtime}
  }
  return {kind: 'supported', runtime}
}

/** The supported runtime id nearest to a misspelt one (edit distance ≤ 3, or a prefix match), if any. */
export function closestRuntime(id: string): string | undefined {
  const lower = id.toLowerCase()
  let best: {id: string; distance: number} | undefined
  for (const candidate of SUPPORTED_RUNTIME_IDS) {
    const distance = lower.startsWith(candidate) || candidate.startsWith(lower) ? Math.abs(lower.length - candidate.length) / 10 : editDistance(lower, candidate, 3)
    if (distance <= 3 && (best === undefined || distance < best.distance)) best = {id: candidate, distance}
  }
  return best?.id
}
