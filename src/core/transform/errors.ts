/**
 * The SAM translator's error vocabulary. A resource or event that cannot be translated throws one of these while the
 * template is walked; `transformTemplate` collects them per resource and reports them together, worded as the AWS
 * SAM translator words them so messages users already search for keep matching.
 */
export class SamError extends Error {
  constructor(message: string) {
    // A mistake in the template, reported by its message alone: no stack is captured (it is never read, and taking
    // one for every error is a measurable part of checking many templates).
    const stackTraceLimit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(message)
    Error.stackTraceLimit = stackTraceLimit
    this.name = 'SamError'
  }
}

/** `Resource with id [X] is invalid. …` */
export function invalidResource(logicalId: string, message: string): SamError {
  return new SamError(`Resource with id [${logicalId}] is invalid. ${message}`)
}

/** `Event with id [X] is invalid. …` — wrapped in the function's invalidResource when it surfaces. */
export class InvalidEventError extends SamError {
  constructor(readonly eventId: string, readonly detail: string) {
    super(`Event with id [${eventId}] is invalid. ${detail}`)
  }
}

/** `Structure of the SAM template is invalid. …` */
export function invalidTemplate(message: string): SamError {
  return new SamError(`Structure of the SAM template is invalid. ${message}`)
}
