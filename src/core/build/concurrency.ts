/**
 * Maps `items` with at most `limit` calls in flight, keeping the results in input order. Bounds memory and
 * processes when many functions build at once.
 */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      results[index] = await fn(items[index]!, index)
    }
  }
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker))
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
