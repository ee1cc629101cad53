import {createInterface, type Interface} from 'node:readline/promises'

export interface Prompter {
  /** Asks for a line; Enter alone gives the default. */
  askText(question: string, defaultAnswer: string): Promise<string>
  /** Asks yes or no; Enter alone gives the default, shown as [Y/n] or [y/N]. */
  askYesNo(question: string, defaultAnswer: boolean): Promise<boolean>
  close(): void
}

/**
 * One terminal conversation (`lpack deploy --guided`) on stderr: a single reader for all its questions, so that
 * lines typed ahead are not lost between them.
 */
export function openPrompter(): Prompter {
  let rl: Interface | undefined
  const reader = () => (rl ??= createInterface({input: process.stdin, output: process.stderr}))
  return {
    async askText(question, defaultAnswer) {
      const answer = (await reader().question(`${printable(question)}${defaultAnswer === '' ? '' : ` [${printable(defaultAnswer)}]`}: `)).trim()
      return answer === '' ? defaultAnswer : answer
    },
    async askYesNo(question, defaultAnswer) {
      const answer = (await reader().question(`${printable(question)} ${defaultAnswer ? '[Y/n]' : '[y/N]'} `)).trim()
      return answer === '' ? defaultAnswer : /^y(es)?$/i.test(answer)
    },
    close() {
      rl?.close()
    },
  }
}

/** Defaults come from templates and config files: no control byte of theirs reaches the terminal. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}
