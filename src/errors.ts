/**
 * The one error type lpack throws for failures a user can act on.
 *
 * `code` is stable (tests and scripts match on it); `exitCode` follows the contract in DESIGN.md:
 * 1 the operation ran and failed, 2 usage error, 3 declined at a prompt, 70 internal error, 130 interrupted
 * (Ctrl-C: the shell's 128 + SIGINT, after lpack has put things in a known state and said which).
 * Anything thrown that is not an LpackError is a bug and maps to 70.
 */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  declined: 3,
  internal: 70,
  interrupted: 130,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** Stable error codes, grouped by the exit code they map to. */
const CODES = {
  // usage (exit 2): the user asked for something that cannot be done as asked
  USAGE: EXIT.usage,
  FILE_NOT_FOUND: EXIT.usage,
  FILE_UNREADABLE: EXIT.usage,
  TEMPLATE_TOO_LARGE: EXIT.usage,
  CONFIG_INVALID: EXIT.usage,
  FUNCTION_NOT_FOUND: EXIT.usage,
  BUILD_REQUIRED: EXIT.usage,
  // failed (exit 1): the operation ran and did not succeed
  VALIDATION_FAILED: EXIT.failed,
  // A template that cannot be read fails every command as it fails `validate` (#11.13).
  TEMPLATE_INVALID: EXIT.failed,
  BUILD_FAILED: EXIT.failed,
  SIZE_LIMIT_EXCEEDED: EXIT.failed,
  TRANSFORM_FAILED: EXIT.failed,
  UNSUPPORTED_CONSTRUCT: EXIT.failed,
  UPLOAD_FAILED: EXIT.failed,
  DEPLOY_FAILED: EXIT.failed,
  STACK_BUSY: EXIT.failed,
  STACK_NOT_FOUND: EXIT.failed,
  NO_CHANGES: EXIT.failed,
  AWS_ERROR: EXIT.failed,
  INVOKE_FAILED: EXIT.failed,
  TRAFFIC_ROLLED_BACK: EXIT.failed,
  // A program lpack needs is not installed (python3, moto for `lpack local`): the message says how to install it.
  DEPENDENCY_MISSING: EXIT.failed,
  LOCAL_AWS_FAILED: EXIT.failed,
  // Lambda's alias rules refuse the release, or another release is in flight.
  TRAFFIC_REFUSED: EXIT.failed,
  RELEASE_IN_FLIGHT: EXIT.failed,
  // declined (exit 3)
  DECLINED: EXIT.declined,
  // interrupted (exit 130): Ctrl-C, acted on
  INTERRUPTED: EXIT.interrupted,
  // internal (exit 70)
  INTERNAL: EXIT.internal,
} as const

export type ErrorCode = keyof typeof CODES

export interface LpackErrorOptions {
  /** What the user can do about it. */
  hint?: string
  /** Machine-readable context, included in --json output. */
  details?: Record<string, unknown>
  cause?: unknown
}

export class LpackError extends Error {
  readonly code: ErrorCode
  readonly hint?: string
  readonly details?: Record<string, unknown>

  constructor(code: ErrorCode, message: string, options: LpackErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'LpackError'
    this.code = code
    this.hint = options.hint
    this.details = options.details
  }

  get exitCode(): ExitCode {
    return CODES[this.code]
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint === undefined ? {} : {hint: this.hint}),
      ...(this.details === undefined ? {} : {details: this.details}),
    }
  }
}

export function isLpackError(error: unknown): error is LpackError {
  return error instanceof LpackError
}
