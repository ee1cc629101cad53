import {Flags} from '@oclif/core'

import {awsFlags, configFlags} from '../../cli/aws-flags.js'
import {LpackCommand} from '../../cli/lpack-command.js'
import type {TrafficStatus} from '../../core/traffic/index.js'

export default class TrafficStatusCommand extends LpackCommand {
  static override summary = 'Show every alias of a stack with a DeploymentPreference: its routing and any release in flight.'
  static override flags = {
    'stack-name': Flags.string({char: 's', description: 'Stack to look at.'}),
    ...awsFlags,
    ...configFlags,
  }
  static override examples = ['<%= config.bin %> traffic status --stack-name app']

  async run(): Promise<TrafficStatus> {
    const {flags} = await this.parse(TrafficStatusCommand)
    const {statusFromFlags} = await import('../../core/traffic/from-flags.js')
    const {formatTrafficStatus} = await import('../../io/traffic-view.js')
    const status = await statusFromFlags(flags, {reporter: this.createReporter()})
    if (!this.jsonEnabled()) this.log(formatTrafficStatus(status))
    return status
  }
}
