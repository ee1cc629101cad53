import {describe, expect, it} from 'vitest'

import {type GcPlanInput, planGc} from '../../src/core/deploy/gc.js'

const SHA = 'a'.repeat(64)
const OTHER = 'b'.repeat(64)
const NOW = new Date('2026-12-03T12:00:00Z')
const DAY = 24 * 60 * 60 * 1000

function input(overrides: Partial<GcPlanInput> = {}): GcPlanInput {
  return {
    candidates: [{bucket: 'artifacts', key: `app/${SHA}.zip`}],
    scopes: [{bucket: 'artifacts', prefix: 'app'}],
    references: new Map(),
    objects: new Map([[`artifacts/app/${SHA}.zip`, {lastModified: new Date(NOW.getTime() - 2 * DAY), sha256: SHA}]]),
    stacksInProgress: [],
    now: NOW,
    rollbackBufferDays: 1,
    ...overrides,
  }
}

describe('#11.8 planGc (pure): what garbage collection deletes, and why it keeps the rest', () => {
  it('deletes an unused lpack object older than the buffer', () => {
    expect(planGc(input())).toEqual([{action: 'delete', bucket: 'artifacts', key: `app/${SHA}.zip`}])
  })

  it('keeps objects outside the bucket and prefix, or not named by content', () => {
    const candidates = [
      {bucket: 'other', key: `app/${SHA}.zip`},
      {bucket: 'artifacts', key: `elsewhere/${SHA}.zip`},
      {bucket: 'artifacts', key: 'app/handwritten.zip'},
    ]
    expect(planGc(input({candidates})).map((d) => d.action === 'keep' && d.reason)).toEqual(['not-lpack-scope', 'not-lpack-scope', 'not-lpack-scope'])
  })

  it('keeps an object whose sha256 metadata does not match its name (not written by lpack)', () => {
    const objects = new Map([[`artifacts/app/${SHA}.zip`, {lastModified: new Date(0), sha256: OTHER}]])
    expect(planGc(input({objects}))[0]).toMatchObject({action: 'keep', reason: 'not-lpack-object'})
  })

  it('keeps what a stack uses, what is too recent, and everything while a stack is mid-update', () => {
    expect(planGc(input({references: new Map([[`artifacts/app/${SHA}.zip`, ['b-stack', 'a-stack']]])}))[0]).toMatchObject({reason: 'in-use', detail: 'used by stack a-stack, b-stack'})
    expect(planGc(input({rollbackBufferDays: 3}))[0]).toMatchObject({reason: 'too-recent', detail: 'uploaded 2 days ago, within the 3-day rollback buffer'})
    expect(planGc(input({stacksInProgress: ['busy']}))[0]).toMatchObject({reason: 'stack-in-progress'})
    expect(planGc(input({rollbackBufferDays: 0, objects: new Map([[`artifacts/app/${SHA}.zip`, {lastModified: NOW, sha256: SHA}]])}))[0]).toMatchObject({action: 'delete'})
  })
})
