import {oclifFlags} from '../cli/settings-flags.js'
import {LpackCommand} from '../cli/lpack-command.js'
import {DELETE_SETTINGS} from '../core/config/command-settings/deploy.js'
import type {DeleteResult} from '../core/deploy/delete.js'

export default class Delete extends LpackCommand {
  static override summary = 'Delete a stack, and optionally the code artifacts only it used.'
  static override flags = oclifFlags(DELETE_SETTINGS)
  static override examples = ['<%= config.bin %> delete --stack-name app --yes', '<%= config.bin %> delete -s app --delete-artifacts']

  async run(): Promise<DeleteResult> {
    const {given} = await this.parseSettings(DELETE_SETTINGS)
    const {deleteFromFlags} = await import('../core/deploy/from-flags.js')
    const prompt = await import('../io/prompt.js')
    const reporter = this.createReporter()
    const interrupt = new AbortController()
    process.once('SIGINT', () => interrupt.abort())
    return deleteFromFlags(given, {reporter, signal: interrupt.signal, terminal: prompt.stdinIsTerminal(), ask: prompt.askYesNo})
  }
}
