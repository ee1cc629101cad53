import {Args, Command, loadHelpClass} from '@oclif/core'

/** `lpack help [COMMAND]`, as SAM users type it (`sam help`), the same text as `--help`. */
export default class Help extends Command {
  static override description = 'Show help for lpack, or for one command.'
  static override examples = ['<%= config.bin %> help', '<%= config.bin %> help deploy']
  static override strict = false
  static override args = {command: Args.string({description: 'The command to show help for.', required: false})}

  async run(): Promise<void> {
    const HelpClass = await loadHelpClass(this.config)
    await new HelpClass(this.config, {all: false}).showHelp(this.argv)
  }
}
