import {describe, expect, it} from 'vitest'

import {decideConfirmation, type ConfirmInputs} from '../../src/core/deploy/confirm.js'

const base: ConfirmInputs = {yes: false, destructive: false, stdinIsTerminal: false, command: 'lpack deploy', action: 'execute the change set for app'}

describe('#11.9 when lpack asks for a confirmation', () => {
  it('asks whenever stdin is a terminal, whatever stdout is', () => {
    expect(decideConfirmation({...base, stdinIsTerminal: true}).kind).toBe('ask')
    expect(decideConfirmation({...base, destructive: true, stdinIsTerminal: true}).kind).toBe('ask')
    expect(decideConfirmation({...base, wanted: true, stdinIsTerminal: true}).kind).toBe('ask')
  })

  it('never asks with --yes or --no-confirm-changeset', () => {
    expect(decideConfirmation({...base, yes: true, destructive: true}).kind).toBe('skip')
    expect(decideConfirmation({...base, yes: true, wanted: true, stdinIsTerminal: true}).kind).toBe('skip')
    expect(decideConfirmation({...base, wanted: false, stdinIsTerminal: true}).kind).toBe('skip')
  })

  it('without a terminal refuses a destructive command or a requested confirmation (exit 2, naming --yes)', () => {
    const destructive = decideConfirmation({...base, destructive: true, command: 'lpack delete', action: 'delete stack app'})
    expect(destructive.kind).toBe('refuse')
    if (destructive.kind !== 'refuse') return
    expect(destructive.error.exitCode).toBe(2)
    expect(destructive.error.message).toBe('lpack delete needs a confirmation to delete stack app, and stdin is not a terminal to ask on')
    expect(destructive.error.hint).toContain('--yes')
    const requested = decideConfirmation({...base, wanted: true})
    expect(requested.kind === 'refuse' && requested.error.hint).toContain('--no-confirm-changeset')
  })

  it('without a terminal a deploy nobody asked to confirm goes ahead', () => {
    expect(decideConfirmation(base).kind).toBe('skip')
  })
})
