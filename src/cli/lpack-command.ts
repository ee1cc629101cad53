import {constants} from 'node:os'

import {Command, Config, Errors, Flags, type Interfaces} from '@oclif/core'

import type {GivenSettings, SettingDeclarations} from '../core/config/settings.js'
import {didYouMean} from '../core/did-you-mean.js'
import {EXIT, isLpackError, LpackError} from '../errors.js'
import {levelOf, type Reporter} from '../core/events.js'
import {describeEvent} from '../io/event-text.js'
import {chooseReporter} from '../io/reporter.js'
import {escapeControl} from '../io/terminal-text.js'
import {givenSettings} from './settings-flags.js'
import {withSignals} from './signals.js'

/**
 * Shared behaviour of every lpack command: `--json` (stdout is then exactly one JSON document, the return
 * value of run()), `--debug`, a Reporter chosen for the output, and errors mapped to DESIGN.md's exit codes.
 */
export abstract class LpackCommand extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {
    debug: Flags.boolean({description: 'Show debug events and stack traces of internal errors.', helpGroup: 'GLOBAL'}),
  }

  private debugEnabled = false
  /** Warnings reported while the command ran: under --json they go into the result document. */
  private readonly warnings: {kind: string; message: string}[] = []
  /** The signal that interrupted runInterruptible's work, if one did. */
  private interruptedBy: 'SIGINT' | 'SIGTERM' | undefined

  /**
   * Runs `work` with a signal that fires on Ctrl-C (SIGINT) or SIGTERM, so it can stop at a safe point and leave
   * its files consistent. If it then fails with INTERRUPTED, the command exits 128 + the signal's number (130,
   * 143), as a process killed by the signal would, so scripts and CI see an interruption, not a failure. A second
   * signal ends the process at once (the handlers are installed once).
   */
  protected runInterruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return withSignals(work, (name) => {
      this.interruptedBy ??= name
      return undefined // the plain AbortError
    })
  }


  /**
   * oclif's Command.run without loading the configuration a second time. Handed the Config that oclif's
   * runCommand has just loaded, oclif's own run builds a new one from it (package.json, the manifest, the theme:
   * ~10 ms on every command), which matters only for plugins linked during their development; lpack has none.
   */
  static override async run<T extends Command>(this: new (argv: string[], config: Config) => T, argv: string[] = process.argv.slice(2), opts?: Interfaces.LoadOptions): Promise<ReturnType<T['run']>> {
    // Anything else (a path, options) is loaded by oclif as usual.
    if (!(opts instanceof Config)) return Command.run.call(this, argv, opts) as Promise<ReturnType<T['run']>>
    const command = new this(argv, opts) as T & LpackCommand
    command.id ??= command.constructor.name.toLowerCase()
    return command._run()
  }

  /**
   * Parses the command line of a command whose flags are `oclifFlags(declarations)`: what it gave, by setting
   * name (core resolves these over the config file), and the arguments.
   */
  protected async parseSettings<D extends SettingDeclarations>(declarations: D): Promise<{given: GivenSettings<D>; args: Record<string, unknown>; argv: string[]}> {
    const {flags, args, argv} = await this.parse()
    return {given: givenSettings(declarations, flags), args, argv: argv as string[]}
  }

  /**
   * The command's Reporter, chosen in one place (io's chooseReporter) the same way for every command: progress on
   * stderr, for people, or as JSON lines under --json; warnings are also kept for the --json document.
   */
  protected createReporter(verbose = false): Reporter {
    const reporter = chooseReporter({json: this.jsonEnabled(), verbose: verbose || this.debugEnabled})
    if (!this.jsonEnabled()) return reporter
    return {
      emit: (event) => {
        // A script reading only stdout must not lose a warning: the --json document keeps them too.
        if (levelOf(event) === 'warn') this.warnings.push({kind: event.kind, message: describeEvent(event).text})
        reporter.emit(event)
      },
    }
  }

  /**
   * The --json document, as oclif prints it when no JSON colour theme is set, but without oclif's tokenizer
   * (17 ms for the manifest of a 100-function build; JSON.stringify takes 0.3 ms).
   */
  override logJson(json: unknown): void {
    // Warnings are part of the result: a script reading only stdout must not lose them.
    if (this.warnings.length > 0 && json !== null && typeof json === 'object' && !Array.isArray(json) && !('warnings' in json)) {
      json = {...json, warnings: this.warnings}
    }
    if (this.config.theme?.json !== undefined) {
      super.logJson(json)
      return
    }
    process.stdout.write((JSON.stringify(json, null, 2) ?? '') + '\n')
  }

  protected override async init(): Promise<void> {
    this.debugEnabled = this.argv.includes('--debug')
    await super.init()
  }

  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    // this.exit() and oclif's parse errors already carry their exit code.
    if (error instanceof Errors.ExitError) throw error
    if (!isLpackError(error) && error instanceof Errors.CLIError) {
      const unknownFlags = (error as {flags?: unknown}).flags
      if (error.constructor.name === 'NonExistentFlagsError' && Array.isArray(unknownFlags)) {
        error = new LpackError('USAGE', unknownFlags.map((flag) => this.unknownFlagMessage(String(flag))).join('\n'), {hint: `See 'lpack ${this.id ?? ''} --help'.`})
        return this.catch(error)
      }
      const usage = this.argumentErrorMessage(error)
      if (usage !== undefined) return this.catch(new LpackError('USAGE', usage.message, {hint: usage.hint}))
      if (this.jsonEnabled()) {
        this.logJson({error: {code: 'USAGE', message: stripAnsi(error.message)}})
        this.exit(EXIT.usage)
      }
      throw error
    }
    const lpackError = isLpackError(error)
      ? error
      : new LpackError('INTERNAL', `Internal error: ${error?.message ?? String(error)}`, {
          hint: 'This is a bug in lpack. Run again with --debug for the stack trace and report it.',
        })
    if (this.jsonEnabled()) {
      this.logJson({error: lpackError.toJSON()})
    } else {
      const lines = [`Error [${lpackError.code}]: ${escapeControl(lpackError.message)}`]
      if (lpackError.hint) lines.push(`Hint: ${escapeControl(lpackError.hint)}`)
      if (this.debugEnabled && !isLpackError(error) && error?.stack) lines.push(error.stack)
      process.stderr.write(lines.join('\n') + '\n')
    }
    this.exit(this.interruptedBy && lpackError.code === 'INTERRUPTED' ? 128 + constants.signals[this.interruptedBy] : lpackError.exitCode)
  }
  /**
   * oclif's argument errors in one line, not its usage dump: `lpack transform -t a.yaml extra`,
   * `lpack invoke` without the function's ID. A template-like extra argument gets the flag that takes it.
   */
  private argumentErrorMessage(error: Error): {message: string; hint: string} | undefined {
    const command = `lpack ${(this.id ?? '').replaceAll(':', ' ')}`
    const seeHelp = `See '${command} --help'.`
    const args = (error as {args?: unknown}).args
    if (!Array.isArray(args)) return undefined
    if (error.constructor.name === 'UnexpectedArgsError') return unexpectedArgument(command, String(args[0]), Object.keys((this.constructor as typeof LpackCommand).args ?? {}).length > 0)
    if (error.constructor.name === 'RequiredArgsError') {
      const missing = args.map((arg) => (arg as {name?: string}).name ?? 'argument').map((name) => name.toUpperCase())
      const described = args.map((arg) => (arg as {description?: string}).description?.replace(/\.$/, '')).filter(Boolean)
      return {message: `'${command}' needs ${missing.join(' and ')}${described.length > 0 ? `: ${described.join('; ')}` : ''}.`, hint: seeHelp}
    }
    return undefined
  }

  /** `--temlate` → "Unknown flag --temlate. Did you mean --template-file?": from this command's own flags. */
  private unknownFlagMessage(flag: string): string {
    const flags = (this.constructor as typeof LpackCommand).flags ?? {}
    const names = Object.entries({...flags, ...LpackCommand.baseFlags, json: {}}).flatMap(([name, definition]) => [name, ...(((definition as {aliases?: string[]}).aliases) ?? [])])
    const name = flag.replace(/^-+/, '').split('=')[0]!
    const suggestion = didYouMean(name, names)
    return `Unknown flag ${JSON.stringify(flag)}.${suggestion ? ` Did you mean --${suggestion}?` : ''}`
  }
}

/** "Unexpected argument …" for `command`, with the flag to use when the argument looks like a template file. */
export function unexpectedArgument(command: string, argument: string, takesSome = false): {message: string; hint: string} {
  const looksLikeTemplate = /\.(ya?ml|json|template)$/i.test(argument)
  return {
    message: `Unexpected argument ${JSON.stringify(argument)}: '${command}' takes no ${takesSome ? 'more ' : ''}positional arguments.`,
    hint: looksLikeTemplate ? `Pass the template with -t ${argument}.` : `See '${command} --help'.`,
  }
}

function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '')
}
