import {fileURLToPath} from 'node:url'

import {execute, settings, type Interfaces} from '@oclif/core'

/**
 * Runs lpack with the process's arguments; `dir` is bin/run.js's URL, from which oclif finds package.json.
 * This module and ./commands.js (the commands oclif imports) are bundled into one module graph by
 * scripts/bundle-cli.mjs, so they share one copy of oclif.
 */
export async function run(dir: string): Promise<void> {
  // The built CLI runs its built code: no looking for TypeScript sources to transpile, which oclif otherwise
  // tries whenever NODE_ENV is test or development.
  settings.enableAutoTranspile = false
  // oclif's own logger loads the `debug` package (~6 ms) on every command, and writes only when DEBUG asks for
  // it: without DEBUG, oclif gets a logger that writes nothing and loads nothing.
  const logger = process.env.DEBUG ? undefined : quietLogger('oclif')
  await execute({loadOptions: {root: fileURLToPath(dir), ...(logger ? {logger} : {})}})
}

function quietLogger(namespace: string): Interfaces.Logger {
  const ignore = () => {}
  return {namespace, child: (child, delimiter = ':') => quietLogger(`${namespace}${delimiter}${child}`), debug: ignore, error: ignore, info: ignore, trace: ignore, warn: ignore}
}
