import {describe, expect, it} from 'vitest'

import {isCI, isInteractiveTerminal, StreamReporter} from '../../src/io/reporter.js'

function fakeStream(size: {columns?: number; rows?: number} = {}) {
  const writes: string[] = []
  return {stream: {write: (text: string) => (writes.push(text), true), isTTY: true, ...size} as unknown as NodeJS.WritableStream, writes}
}

describe('StreamReporter', () => {
  it('prints one plain line per event when not live (CI, pipes)', () => {
    const {stream, writes} = fakeStream()
    const reporter = new StreamReporter({stream, live: false})
    reporter.emit({kind: 'build.start', data: {logicalId: 'A', builder: 'esbuild'}})
    reporter.emit({kind: 'build.warning', data: {logicalId: 'A', warning: 'left .env out'}})
    reporter.emit({kind: 'build.skip', data: {logicalId: 'B', reason: 'hidden unless verbose'}})
    reporter.emit({kind: 'build.done', data: {logicalId: 'A', cached: true}})
    expect(writes.join('')).toBe('… A building (esbuild)\nwarning: left .env out\n✓ A (cached)\n')
  })

  it('redraws live lines in place on a TTY and keeps finished lines above them', () => {
    const {stream, writes} = fakeStream({columns: 80, rows: 24})
    const reporter = new StreamReporter({stream, live: true})
    reporter.emit({kind: 'build.start', data: {logicalId: 'A', builder: 'x'}})
    reporter.emit({kind: 'build.start', data: {logicalId: 'B', builder: 'x'}})
    reporter.emit({kind: 'build.done', data: {logicalId: 'A', cached: true}})
    // Each redraw first moves up over the block it drew and clears it.
    expect(writes).toEqual(['… A building (x)\n', '\u001b[1F\u001b[0J', '… A building (x)\n', '… B building (x)\n', '\u001b[2F\u001b[0J', '✓ A (cached)\n', '… B building (x)\n'])
  })

  it('never draws a block taller than the screen, and treats an unknown size as 100×24', () => {
    const {stream, writes} = fakeStream({columns: 0, rows: 5})
    const reporter = new StreamReporter({stream, live: true})
    for (const id of ['A', 'B', 'C', 'D', 'E']) reporter.emit({kind: 'build.start', data: {logicalId: id, builder: 'x'.repeat(150)}})
    const lastBlock = writes.slice(writes.lastIndexOf('\u001b[3F\u001b[0J') + 1)
    expect(lastBlock).toHaveLength(3)
    expect(lastBlock[2]).toBe('… and 3 more\n')
    expect(lastBlock[0]!.length).toBe(100)
  })
})

describe('terminal detection', () => {
  it('is live only on a TTY outside CI', () => {
    expect(isInteractiveTerminal({isTTY: true}, {})).toBe(true)
    expect(isInteractiveTerminal({isTTY: false}, {})).toBe(false)
    expect(isInteractiveTerminal({isTTY: true}, {CI: 'true'})).toBe(false)
    expect(isInteractiveTerminal({isTTY: true}, {TERM: 'dumb'})).toBe(false)
    expect(isCI({CI: '0'})).toBe(false)
    expect(isCI({GITHUB_ACTIONS: 'true'})).toBe(true)
  })
})
