import {oclifFlags} from '../../cli/settings-flags.js'
import {LpackCommand} from '../../cli/lpack-command.js'
import {TRAFFIC_STACK_SETTINGS} from '../../core/config/command-settings/traffic.js'

export default class TrafficRollbackCommand extends LpackCommand {
  static override summary = 'Put every alias of a release in flight back on its old version; the new versions stay published.'
  static override flags = oclifFlags(TRAFFIC_STACK_SETTINGS)
  static override examples = ['<%= config.bin %> traffic rollback --stack-name app']

  async run() {
    const {given} = await this.parseSettings(TRAFFIC_STACK_SETTINGS)
    const {rollbackFromFlags} = await import('../../core/traffic/from-flags.js')
    return rollbackFromFlags(given, {reporter: this.createReporter()})
  }
}
