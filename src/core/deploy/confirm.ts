import {LpackError} from '../../errors.js'

/** What a command does about its confirmation question. */
export type ConfirmDecision = {kind: 'skip'} | {kind: 'ask'} | {kind: 'refuse'; error: LpackError}

export interface ConfirmInputs {
  /** `--yes`. */
  yes: boolean
  /** The user's own setting (`--confirm-changeset`, `--no-confirm-changeset`, samconfig's confirm_changeset); undefined when not set. */
  wanted?: boolean
  /** A command that removes things (`lpack delete`) must be confirmed, by a person or by --yes. */
  destructive: boolean
  /** stdin is a terminal: someone can answer. stdout does not matter (`lpack delete … | tee log` still asks). */
  stdinIsTerminal: boolean
  /** The command and what it asks, for the refusal's message: `lpack delete`, `delete stack app`. */
  command: string
  action: string
}

/**
 * Pure: ask, skip, or refuse. `--yes` and an explicit "no confirmation" skip; anything else asks when someone can
 * answer. Without a terminal, a destructive command or an explicitly requested confirmation cannot be given,
 * so it is refused as a usage error (exit 2) rather than taken as yes.
 */
export function decideConfirmation(inputs: ConfirmInputs): ConfirmDecision {
  if (inputs.yes || inputs.wanted === false) return {kind: 'skip'}
  if (inputs.stdinIsTerminal) return {kind: 'ask'}
  if (!inputs.destructive && inputs.wanted !== true) return {kind: 'skip'}
  const why = inputs.destructive ? `${inputs.command} needs a confirmation to ${inputs.action}` : `confirm-changeset is set, so ${inputs.command} needs a confirmation to ${inputs.action}`
  return {
    kind: 'refuse',
    error: new LpackError('USAGE', `${why}, and stdin is not a terminal to ask on`, {
      hint: inputs.destructive ? 'Pass --yes to confirm without a prompt.' : 'Pass --yes to confirm without a prompt, or --no-confirm-changeset.',
    }),
  }
}
