import {oclifFlags} from '../../cli/settings-flags.js'
import {LpackCommand} from '../../cli/lpack-command.js'
import {TRAFFIC_STACK_SETTINGS} from '../../core/config/command-settings/traffic.js'
import type {TrafficStatus} from '../../core/traffic/index.js'

export default class TrafficStatusCommand extends LpackCommand {
  static override summary = 'Show every alias of a stack with a DeploymentPreference: its routing and any release in flight.'
  static override flags = oclifFlags(TRAFFIC_STACK_SETTINGS)
  static override examples = ['<%= config.bin %> traffic status --stack-name app']

  async run(): Promise<TrafficStatus> {
    const {given} = await this.parseSettings(TRAFFIC_STACK_SETTINGS)
    const {statusFromFlags} = await import('../../core/traffic/from-flags.js')
    const {formatTrafficStatus} = await import('../../io/traffic-view.js')
    const status = await statusFromFlags(given, {reporter: this.createReporter()})
    if (!this.jsonEnabled()) this.log(formatTrafficStatus(status))
    return status
  }
}
