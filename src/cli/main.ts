import {execute, settings} from '@oclif/core'

/**
 * Runs lpack with the process's arguments; `dir` is bin/run.js's URL, from which oclif finds package.json.
 * This module and ./commands.js (the commands oclif imports) are bundled into one module graph by
 * scripts/bundle-cli.mjs, so they share one copy of oclif.
 */
export async function run(dir: string): Promise<void> {
  // The built CLI runs its built code: no looking for TypeScript sources to transpile, which oclif otherwise
  // tries whenever NODE_ENV is test or development.
  settings.enableAutoTranspile = false
  await execute({dir})
}
