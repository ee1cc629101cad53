import {createInterface} from 'node:readline/promises'

import {isCI} from './reporter.js'
import {escapeControl} from './terminal-text.js'

/** A prompt may appear only on an interactive terminal (stdin and stdout TTYs) outside CI. */
export function canPrompt(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(process.stdin.isTTY) && Boolean(process.stdout.isTTY) && !isCI(env)
}

/** Asks a yes/no question on the terminal; anything but y/yes is no. */
export async function askYesNo(question: string): Promise<boolean> {
  const rl = createInterface({input: process.stdin, output: process.stderr})
  try {
    const answer = await rl.question(`${escapeControl(question)} [y/N] `)
    return /^y(es)?$/i.test(answer.trim())
  } finally {
    rl.close()
  }
}
