import {execute, settings, type Interfaces} from '@oclif/core'

import {didYouMean} from '../core/did-you-mean.js'
import {EXIT} from '../errors.js'
import {COMMANDS} from './commands.js'
import {unexpectedArgument} from './lpack-command.js'

/**
 * The entry of the bundled CLI (scripts/bundle-cli.mjs → dist/cli/lpack.cjs): `run` for bin/run.js, and the commands,
 * which oclif loads from the same bundle (package.json `oclif.commands`), so both share one copy of oclif.
 */
export {COMMANDS} from './commands.js'
/** For bench/transform, which times the transform as `lpack transform` runs it: this bundle, loaded as bin/run.js loads it. */
export {parseTemplate} from '../core/template/load.js'
export {transformTemplate} from '../core/transform/index.js'

/** Runs lpack with the process's arguments; `root` is lpack's package folder, where oclif finds package.json. */
export async function run(root: string): Promise<void> {
  const argv = process.argv.slice(2)
  if (unknownCommand(argv)) return
  // The built CLI runs its built code: no looking for TypeScript sources to transpile, which oclif otherwise
  // tries whenever NODE_ENV is test or development.
  settings.enableAutoTranspile = false
  // oclif's own logger loads the `debug` package (~6 ms) on every command, and writes only when DEBUG asks for
  // it: without DEBUG, oclif gets a logger that writes nothing and loads nothing.
  const logger = process.env.DEBUG ? undefined : quietLogger('oclif')
  await execute({loadOptions: {root, ...(logger ? {logger} : {})}})
}

function quietLogger(namespace: string): Interfaces.Logger {
  const ignore = () => {}
  return {namespace, child: (child, delimiter = ':') => quietLogger(`${namespace}${delimiter}${child}`), debug: ignore, error: ignore, info: ignore, trace: ignore, warn: ignore}
}

/**
 * Words that name no command get one short line and exit 2, instead of oclif's "command transform:x not found" or
 * its usage dump: a misspelt command (`lpack buidl` → build) or subcommand (`lpack local strat` → local start)
 * gets the nearest one; a word after a command that takes no arguments (`lpack transform template.yaml`) is
 * called an unexpected argument, with the flag to use when it looks like a template. True when it answered.
 */
function unknownCommand(argv: readonly string[]): boolean {
  const words: string[] = []
  for (const word of argv) {
    if (word.startsWith('-')) break
    words.push(word)
  }
  if (words.length === 0) return false
  const ids = Object.keys(COMMANDS)
  // The longest run of leading words that is a command or a topic (`local`, `local start`).
  let depth = 0
  while (depth < words.length && ids.some((id) => id === words.slice(0, depth + 1).join(':') || id.startsWith(`${words.slice(0, depth + 1).join(':')}:`))) depth++
  const id = words.slice(0, depth).join(':')
  if (depth === words.length) return false
  const command = COMMANDS[id as keyof typeof COMMANDS] as {args?: Record<string, unknown>} | undefined
  if (command !== undefined) {
    if (Object.keys(command.args ?? {}).length > 0) return false
    const usage = unexpectedArgument(`lpack ${id.replaceAll(':', ' ')}`, words[depth]!)
    return answerUsage(argv, usage.message, usage.hint)
  }
  const typed = words.slice(0, depth + 1).join(' ')
  const candidates = ids.filter((candidate) => depth === 0 || candidate.startsWith(`${id}:`)).map((candidate) => candidate.replaceAll(':', ' '))
  const suggestion = didYouMean(typed, candidates)
  return answerUsage(argv, `${JSON.stringify(typed)} is not an lpack command.${suggestion ? ` Did you mean '${suggestion}'?` : ''} Run 'lpack help' for the list.`)
}

function answerUsage(argv: readonly string[], message: string, hint?: string): true {
  if (argv.includes('--json')) process.stdout.write(JSON.stringify({error: {code: 'USAGE', message, ...(hint ? {hint} : {})}}, null, 2) + '\n')
  else process.stderr.write(`Error [USAGE]: ${message}\n${hint ? `Hint: ${hint}\n` : ''}`)
  process.exitCode = EXIT.usage
  return true
}
