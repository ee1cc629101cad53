/**
 * Runs `work` with a signal that aborts on Ctrl-C (SIGINT) or SIGTERM, so it can stop at a safe point (a build
 * leaves its files consistent, a release rolls back). `reasonFor` is told which signal came and gives the abort's
 * reason. The handlers are installed once: a second signal is left to Node's default and ends the process.
 */
export async function withSignals<T>(work: (signal: AbortSignal) => Promise<T>, reasonFor: (name: 'SIGINT' | 'SIGTERM') => unknown = () => undefined): Promise<T> {
  const controller = new AbortController()
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((name) => {
    const handler = () => controller.abort(reasonFor(name))
    process.once(name, handler)
    return [name, handler] as const
  })
  try {
    return await work(controller.signal)
  } finally {
    for (const [name, handler] of handlers) process.removeListener(name, handler)
  }
}
