import {Flags} from '@oclif/core'

import {awsFlags, configFlags} from '../../cli/aws-flags.js'
import {LpackCommand} from '../../cli/lpack-command.js'
import {trafficFlags, withReleaseSignals} from '../../cli/traffic-flags.js'
import type {ReleaseOutcome} from '../../core/traffic/index.js'

export default class TrafficResumeCommand extends LpackCommand {
  static override summary = "Continue a release lpack's engine left in flight (lpack was killed), from where its aliases stand."
  static override description = 'Runs the PreTraffic hooks again if the release stopped before any traffic moved, waits one full interval at the current step, then follows the schedule; Ctrl-C, SIGTERM, an alarm or a failed hook roll back (exit 1).'
  static override flags = {
    'stack-name': Flags.string({char: 's', description: 'Stack whose release to continue.'}),
    ...trafficFlags,
    ...awsFlags,
    ...configFlags,
  }
  static override examples = ['<%= config.bin %> traffic resume --stack-name app']

  async run(): Promise<ReleaseOutcome> {
    const {flags} = await this.parse(TrafficResumeCommand)
    const {resumeFromFlags} = await import('../../core/traffic/from-flags.js')
    const reporter = this.createReporter()
    return withReleaseSignals((signal) => resumeFromFlags(flags, {reporter, signal}))
  }
}
