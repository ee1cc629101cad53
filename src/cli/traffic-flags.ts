import {withSignals} from './signals.js'

/**
 * Runs a release with a signal that aborts on Ctrl-C (SIGINT) or SIGTERM, naming the signal as its reason: the
 * engine then rolls back and the command exits 1 with that reason. A second signal is left to Node's default.
 */
export function withReleaseSignals<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return withSignals(work, (name) => name)
}
