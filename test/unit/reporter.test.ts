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
    reporter.emit({level: 'info', kind: 'build.start', id: 'A', message: '… A building'})
    reporter.emit({level: 'warn', kind: 'build.warning', message: 'left .env out'})
    reporter.emit({level: 'debug', kind: 'build.skip', message: 'hidden unless verbose'})
    reporter.emit({level: 'info', kind: 'build.done', id: 'A', final: true, message: '✓ A'})
    expect(writes.join('')).toBe('… A building\nwarning: left .env out\n✓ A\n')
  })

  it('redraws live lines in place on a TTY and keeps finished lines above them', () => {
    const {stream, writes} = fakeStream({columns: 80, rows: 24})
    const reporter = new StreamReporter({stream, live: true})
    reporter.emit({level: 'info', kind: 'build.start', id: 'A', message: '… A'})
    reporter.emit({level: 'info', kind: 'build.start', id: 'B', message: '… B'})
    reporter.emit({level: 'info', kind: 'build.done', id: 'A', final: true, message: '✓ A'})
    // Each redraw first moves up over the block it drew and clears it.
    expect(writes).toEqual(['… A\n', '\u001b[1F\u001b[0J', '… A\n', '… B\n', '\u001b[2F\u001b[0J', '✓ A\n', '… B\n'])
  })

  it('never draws a block taller than the screen, and treats an unknown size as 100×24', () => {
    const {stream, writes} = fakeStream({columns: 0, rows: 5})
    const reporter = new StreamReporter({stream, live: true})
    for (const id of ['A', 'B', 'C', 'D', 'E']) reporter.emit({level: 'info', kind: 'build.start', id, message: `… ${id} ${'x'.repeat(150)}`})
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
