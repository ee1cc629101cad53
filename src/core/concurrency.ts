/**
 * Maps items with at most `limit` calls in flight; results keep the input order. The first failure is
 * thrown once the calls already started have settled (no upload is left running behind the error).
 */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  let failure: {error: unknown} | undefined
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next++
      try {
        results[index] = await fn(items[index]!, index)
      } catch (error) {
        failure ??= {error}
      }
    }
  }
  await Promise.all(Array.from({length: Math.max(1, Math.min(limit, items.length))}, worker))
  if (failure !== undefined) throw failure.error
  return results
}

/**
 * A limiter shared by jobs of different sizes: each call waits for one of `limit` slots. Unlike
 * mapWithConcurrency, work queued later (a batch's units rebuilt one by one) shares the same bound.
 */
export function createLimiter(limit: number): <R>(fn: () => Promise<R>) => Promise<R> {
  let active = 0
  const waiting: (() => void)[] = []
  return async (fn) => {
    if (active >= limit) await new Promise<void>((resolveSlot) => waiting.push(resolveSlot))
    else active++
    try {
      return await fn()
    } finally {
      // The slot passes straight to the next waiter, so `active` stays counted.
      const next = waiting.shift()
      if (next) next()
      else active--
    }
  }
}
