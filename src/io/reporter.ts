import {escapeControl} from './terminal-text.js'

/**
 * Core code never prints: it emits events to a Reporter. Commands choose the Reporter: a live TTY view,
 * plain lines for CI and pipes, or nothing under --json (where stdout is exactly one JSON document).
 */
export type EventLevel = 'debug' | 'info' | 'warn'

export interface LpackEvent {
  level: EventLevel
  /** A short, stable name for machines: `build.start`, `build.done`, `deploy.resource`, … */
  kind: string
  /** One line for people. */
  message: string
  /**
   * Identifies a live line (a function being built, a resource being deployed). A TTY redraws the line with
   * the same id in place; plain output prints each event as a new line.
   */
  id?: string
  /** True when the live line with this id is finished (a TTY stops redrawing it). */
  final?: boolean
  data?: Record<string, unknown>
}

export interface Reporter {
  emit(event: LpackEvent): void
}

/** Drops every event: for --json and for library callers that only want results. */
export const silentReporter: Reporter = {emit() {}}

/** Keeps every event in memory: for tests and for callers that render later. */
export class RecordingReporter implements Reporter {
  readonly events: LpackEvent[] = []
  emit(event: LpackEvent): void {
    this.events.push(event)
  }
}

export interface StreamReporterOptions {
  stream: NodeJS.WritableStream & {isTTY?: boolean; columns?: number; rows?: number}
  /** Redraw live lines in place; only on an interactive terminal outside CI. */
  live: boolean
  verbose?: boolean
}

/** Writes events for people: a redrawn block of live lines on a TTY, one plain line per event elsewhere. */
export class StreamReporter implements Reporter {
  private readonly liveLines = new Map<string, string>()
  private drawnLines = 0

  constructor(private readonly options: StreamReporterOptions) {}

  emit(event: LpackEvent): void {
    if (event.level === 'debug' && !this.options.verbose) return
    const message = escapeControl(event.message)
    const text = event.level === 'warn' ? `warning: ${message}` : message
    if (!this.options.live || event.id === undefined) {
      this.clearLive()
      this.options.stream.write(text + '\n')
      this.redrawLive()
      return
    }
    if (event.final) {
      this.liveLines.delete(event.id)
      this.clearLive()
      this.options.stream.write(text + '\n')
      this.redrawLive()
      return
    }
    this.liveLines.set(event.id, text)
    this.clearLive()
    this.redrawLive()
  }

  private clearLive(): void {
    if (this.drawnLines === 0) return
    // Move up over the block and clear it to the end of the screen.
    this.options.stream.write(`\u001b[${this.drawnLines}F\u001b[0J`)
    this.drawnLines = 0
  }

  private redrawLive(): void {
    if (!this.options.live || this.liveLines.size === 0) return
    // A terminal that reports no size (0) gets the usual 100×24. The block never grows past the screen: the cursor
    // cannot move above the top line, so a taller block could not be cleared.
    const width = Math.max(20, (this.options.stream.columns || 100) - 1)
    const maxLines = Math.max(2, (this.options.stream.rows || 24) - 2)
    const lines = [...this.liveLines.values()]
    const shown = lines.length <= maxLines ? lines : [...lines.slice(0, maxLines - 1), `… and ${lines.length - maxLines + 1} more`]
    for (const line of shown) this.options.stream.write(line.slice(0, width) + '\n')
    this.drawnLines = shown.length
  }
}

/** True when output should be redrawn in place: a TTY, and not a CI runner. */
export function isInteractiveTerminal(stream: {isTTY?: boolean}, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && !isCI(env) && env.TERM !== 'dumb'
}

export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI
  return (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false') || env.GITHUB_ACTIONS === 'true' || env.BUILD_NUMBER !== undefined
}
