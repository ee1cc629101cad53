import {Args, Command, loadHelpClass} from '@oclif/core'

import {didYouMean} from '../core/did-you-mean.js'
import {EXIT} from '../errors.js'

/** `lpack help [COMMAND]`, as SAM users type it (`sam help`), the same text as `--help`. */
export default class Help extends Command {
  static override description = 'Show help for lpack, or for one command.'
  static override examples = ['<%= config.bin %> help', '<%= config.bin %> help deploy']
  static override strict = false
  static override args = {command: Args.string({description: 'The command to show help for.', required: false})}

  async run(): Promise<void> {
    const words = this.argv.filter((word) => !word.startsWith('-'))
    const ids = this.config.commands.map((command) => command.id)
    const id = words.join(':')
    if (words.length > 0 && !ids.some((known) => known === id || known.startsWith(`${id}:`))) {
      // One short line with the nearest command, as for `lpack buidl`, rather than oclif's "Command buidl not found."
      const suggestion = didYouMean(words.join(' '), ids.map((known) => known.replaceAll(':', ' ')))
      process.stderr.write(`Error [USAGE]: ${JSON.stringify(words.join(' '))} is not an lpack command.${suggestion ? ` Did you mean 'lpack help ${suggestion}'?` : ''} Run 'lpack help' for the list.\n`)
      this.exit(EXIT.usage)
    }
    const HelpClass = await loadHelpClass(this.config)
    await new HelpClass(this.config, {all: false}).showHelp(this.argv)
  }
}
