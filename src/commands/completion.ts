import {Args, Command} from '@oclif/core'

import {completionCommands, completionScript, type Shell, SHELLS} from '../cli/completion.js'

/** `lpack completion bash|zsh|fish`: prints a completion script for the shell, made from lpack's own commands. */
export default class Completion extends Command {
  static override summary = 'Print a shell completion script (bash, zsh or fish).'
  static override description = [
    'bash:  echo \'source <(lpack completion bash)\' >> ~/.bashrc',
    'zsh:   echo \'source <(lpack completion zsh)\' >> ~/.zshrc',
    'fish:  lpack completion fish > ~/.config/fish/completions/lpack.fish',
  ].join('\n')
  static override args = {shell: Args.string({description: 'The shell.', options: [...SHELLS], required: true})}
  static override examples = ['<%= config.bin %> completion bash']

  async run(): Promise<void> {
    const {args} = await this.parse(Completion)
    // The manifest lists every command with its flags: the script is made without loading a command.
    process.stdout.write(completionScript(args.shell as Shell, this.config.bin, completionCommands(this.config.commands)))
  }
}
