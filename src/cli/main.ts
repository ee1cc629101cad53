import {execute, settings, type Interfaces} from '@oclif/core'

import {didYouMean} from '../core/did-you-mean.js'
import {EXIT} from '../errors.js'
import {COMMANDS} from './commands.js'

/**
 * The entry of the bundled CLI (scripts/bundle-cli.mjs → dist/cli/lpack.cjs): `run` for bin/run.js, and the commands,
 * which oclif loads from the same bundle (package.json `oclif.commands`), so both share one copy of oclif.
 */
export {COMMANDS} from './commands.js'

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
 * A first word that is no command gets one short line with the nearest command (`lpack buidl` → build) and exit 2,
 * instead of oclif's "command not found". True when it answered.
 */
function unknownCommand(argv: readonly string[]): boolean {
  const [word] = argv
  if (word === undefined || word.startsWith('-') || Object.hasOwn(COMMANDS, word) || Object.keys(COMMANDS).some((id) => id.startsWith(`${word}:`))) return false
  const suggestion = didYouMean(word, Object.keys(COMMANDS))
  const shown = JSON.stringify(word)
  const message = `${shown} is not an lpack command.${suggestion ? ` Did you mean '${suggestion}'?` : ''} Run 'lpack help' for the list.`
  if (argv.includes('--json')) process.stdout.write(JSON.stringify({error: {code: 'USAGE', message}}, null, 2) + '\n')
  else process.stderr.write(`Error [USAGE]: ${message}\n`)
  process.exitCode = EXIT.usage
  return true
}
