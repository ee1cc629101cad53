import {type EventLevel, levelOf, type LpackEvent, type Reporter, silentReporter} from '../core/events.js'
import {describeEvent} from './event-text.js'
import {escapeControl} from './terminal-text.js'

/**
 * Core code never prints: it emits typed events (src/core/events.ts) to a Reporter. The Reporters here render
 * them: a live TTY view, plain lines for CI and pipes, or JSON lines under --json. `chooseReporter` is the one
 * place that picks among them.
 */
export {type EventLevel, type LpackEvent, type Reporter, silentReporter}

type OutputStream = NodeJS.WritableStream & {isTTY?: boolean; columns?: number; rows?: number}

/** Keeps every event in memory: for tests and for callers that render later. */
export class RecordingReporter implements Reporter {
  readonly events: LpackEvent[] = []
  emit(event: LpackEvent): void {
    this.events.push(event)
  }
}

export interface StreamReporterOptions {
  stream: OutputStream
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
    const level = levelOf(event)
    if (level === 'debug' && !this.options.verbose) return
    const described = describeEvent(event)
    const message = escapeControl(described.text)
    const text = (level === 'warn' ? `warning: ${message}` : message) + (described.detail === undefined ? '' : `\n${escapeControl(described.detail)}`)
    const live = this.options.live ? described.live : undefined
    if (live === undefined || live.final) {
      if (live !== undefined) this.liveLines.delete(live.id)
      this.clearLive()
      this.options.stream.write(text + '\n')
      this.redrawLive()
      return
    }
    this.liveLines.set(live.id, text)
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

/** One progress line under --json: the event's kind and data, with its level, time and human text. */
export interface JsonEventLine {
  time: string
  level: EventLevel
  kind: LpackEvent['kind']
  message: string
  /** The live line this event updates (`final`: and ends), as a TTY would draw it. */
  id?: string
  final?: boolean
  data: LpackEvent['data']
}

/**
 * Under --json, progress goes to stderr as one JSON object per line (JsonEventLine); stdout keeps the one result
 * document. Debug events only when verbose, as for people.
 */
export class JsonLinesReporter implements Reporter {
  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly options: {verbose?: boolean; now?: () => Date} = {},
  ) {}

  emit(event: LpackEvent): void {
    const level = levelOf(event)
    if (level === 'debug' && !this.options.verbose) return
    const described = describeEvent(event)
    const line: JsonEventLine = {
      time: (this.options.now?.() ?? new Date()).toISOString(),
      level,
      kind: event.kind,
      message: described.text,
      ...(described.live ? {id: described.live.id, final: described.live.final} : {}),
      data: event.data,
    }
    this.stream.write(JSON.stringify(line) + '\n')
  }
}

export interface ReporterChoice {
  /** --json: JSON lines instead of text. */
  json: boolean
  /** Debug events too (--debug). */
  verbose: boolean
  stream?: OutputStream
  env?: NodeJS.ProcessEnv
}

/**
 * The one place a command's Reporter is chosen, the same way for every command: progress always goes to stderr
 * (stdout is the command's result); under --json as JSON lines, otherwise for people — redrawn in place on an
 * interactive terminal, plain lines in CI, pipes and dumb terminals.
 */
export function chooseReporter(choice: ReporterChoice): Reporter {
  const stream = choice.stream ?? process.stderr
  if (choice.json) return new JsonLinesReporter(stream, {verbose: choice.verbose})
  return new StreamReporter({stream, live: isInteractiveTerminal(stream, choice.env), verbose: choice.verbose})
}

/** True when output should be redrawn in place: a TTY, and not a CI runner. */
export function isInteractiveTerminal(stream: {isTTY?: boolean}, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && !isCI(env) && env.TERM !== 'dumb'
}

export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI
  return (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false') || env.GITHUB_ACTIONS === 'true' || env.BUILD_NUMBER !== undefined
}
