import {Flags} from '@oclif/core'

import {awsFlags, configFlags} from '../../cli/aws-flags.js'
import {LpackCommand} from '../../cli/lpack-command.js'

export default class TrafficRollbackCommand extends LpackCommand {
  static override summary = 'Put every alias of a release in flight back on its old version; the new versions stay published.'
  static override flags = {
    'stack-name': Flags.string({char: 's', description: 'Stack whose release to undo.'}),
    ...awsFlags,
    ...configFlags,
  }
  static override examples = ['<%= config.bin %> traffic rollback --stack-name app']

  async run() {
    const {flags} = await this.parse(TrafficRollbackCommand)
    const {rollbackFromFlags} = await import('../../core/traffic/from-flags.js')
    return rollbackFromFlags(flags, {reporter: this.createReporter()})
  }
}
