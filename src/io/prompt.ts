import {createInterface} from 'node:readline/promises'

/** Someone can answer a prompt: stdin is a terminal. The question goes to stderr, so stdout may be a pipe. */
export function stdinIsTerminal(): boolean {
  return Boolean(process.stdin.isTTY)
}

/** Asks a yes/no question on the terminal; anything but y/yes is no. */
export async function askYesNo(question: string): Promise<boolean> {
  const rl = createInterface({input: process.stdin, output: process.stderr})
  try {
    const answer = await rl.question(`${question} [y/N] `)
    return /^y(es)?$/i.test(answer.trim())
  } finally {
    rl.close()
  }
}
