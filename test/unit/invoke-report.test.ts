import {describe, expect, it} from 'vitest'

import {billedMs, formatReport} from '../../src/core/invoke/execution-environment.js'

describe('REPORT line: Duration and Billed Duration agree as printed', () => {
  it('bills the printed duration (to 1/100 ms) rounded up to the next millisecond', () => {
    expect(billedMs(7.0004, 0)).toBe(7)
    expect(billedMs(6.996, 0)).toBe(7)
    expect(billedMs(7.005, 0)).toBe(8)
    expect(billedMs(0.001, 0)).toBe(1)
    // A custom runtime's init is billed too; summed in hundredths, so 2.1 + 4.9 is 7, not 7.000…01 → 8.
    expect(billedMs(2.1, 4.9)).toBe(7)
    expect(billedMs(12.34, 120.5)).toBe(133)
  })

  it('prints Duration with two decimals, so ceil(Duration) is the billed figure', () => {
    const durationMs = 7.0004
    const line = formatReport('r1', {durationMs, billedDurationMs: billedMs(durationMs, 0), memorySizeMb: 128})
    expect(line).toBe('REPORT RequestId: r1\tDuration: 7.00 ms\tBilled Duration: 7 ms\tMemory Size: 128 MB\t')
  })
})
