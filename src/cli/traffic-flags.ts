/**
 * Runs a release with a signal that aborts on Ctrl-C (SIGINT) or SIGTERM, naming the signal as its reason: the
 * engine then rolls back and the command exits 1 with that reason. A second signal is left to Node's default.
 */
export async function withReleaseSignals<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController()
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((name) => {
    const handler = () => controller.abort(name)
    process.once(name, handler)
    return [name, handler] as const
  })
  try {
    return await work(controller.signal)
  } finally {
    for (const [name, handler] of handlers) process.removeListener(name, handler)
  }
}
