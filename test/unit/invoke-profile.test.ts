import {describe, expect, it} from 'vitest'

import type {InvokeResult} from '../../src/core/invoke/execution-environment.js'
import {percentile, summarizeProfile} from '../../src/core/invoke/profile.js'

const result = (durationMs: number, maxMemoryUsedMb: number, extra: Partial<InvokeResult> & {initDurationMs?: number} = {}): InvokeResult => ({
  requestId: 'r',
  payload: '{}',
  failed: false,
  timedOut: false,
  coldStart: extra.initDurationMs !== undefined,
  logs: [],
  ...extra,
  report: {durationMs, billedDurationMs: Math.ceil(durationMs), memorySizeMb: 512, maxMemoryUsedMb, ...(extra.initDurationMs !== undefined ? {initDurationMs: extra.initDurationMs} : {})},
})

describe('lpack invoke --profile-memory', () => {
  it('#14.6 nearest-rank percentiles', () => {
    const sorted = Array.from({length: 100}, (_, i) => i + 1)
    expect([percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99), percentile(sorted, 100)]).toEqual([50, 90, 99, 100])
    expect(percentile([7], 99)).toBe(7)
  })

  it('#14.6 recommends the next 64 MB step above p99 of Max Memory Used with 20 % headroom, and 3 x the slowest invocation as Timeout', () => {
    const results = [result(120, 90, {initDurationMs: 380}), ...Array.from({length: 9}, (_, i) => result(10 + i, 100 + i))]
    const profile = summarizeProfile('Fn', {memoryMb: 512, timeoutSeconds: 3}, results)
    expect(profile.maxMemoryUsedMb).toEqual({min: 90, p50: 103, p90: 107, p99: 108, max: 108})
    expect(profile.durationMs.max).toBe(120)
    expect(profile.initDurationMs).toBe(380)
    // 108 MB x 1.2 = 129.6 MB -> 192 MB; (120 + 380) ms x 3 = 1.5 s -> 2 s.
    expect(profile.recommendation).toMatchObject({memorySizeMb: 192, timeoutSeconds: 2})
    expect(summarizeProfile('Fn', {memoryMb: 512, timeoutSeconds: 3}, [result(5, 40)]).recommendation.memorySizeMb).toBe(128)
  })

  it('#14.6 says when an invocation hit MemorySize or failed', () => {
    const profile = summarizeProfile('Fn', {memoryMb: 128, timeoutSeconds: 3}, [result(5, 128, {failed: true, errorType: 'Runtime.OutOfMemory'})])
    expect(profile.failures).toBe(1)
    expect(profile.recommendation.notes.join('\n')).toMatch(/reached the MemorySize \(128 MB\)/)
  })
})
