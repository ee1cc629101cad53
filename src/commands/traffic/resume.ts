import {oclifFlags} from '../../cli/settings-flags.js'
import {LpackCommand} from '../../cli/lpack-command.js'
import {withReleaseSignals} from '../../cli/traffic-flags.js'
import {TRAFFIC_RESUME_SETTINGS} from '../../core/config/command-settings/traffic.js'
import type {ReleaseOutcome} from '../../core/traffic/index.js'

export default class TrafficResumeCommand extends LpackCommand {
  static override summary = "Continue a release lpack's engine left in flight (lpack was killed), from where its aliases stand."
  static override description = 'Runs the PreTraffic hooks again if the release stopped before any traffic moved, waits one full interval at the current step, then follows the schedule; Ctrl-C, SIGTERM, an alarm or a failed hook roll back (exit 1).'
  static override flags = oclifFlags(TRAFFIC_RESUME_SETTINGS)
  static override examples = ['<%= config.bin %> traffic resume --stack-name app']

  async run(): Promise<ReleaseOutcome> {
    const {given} = await this.parseSettings(TRAFFIC_RESUME_SETTINGS)
    const {resumeFromFlags} = await import('../../core/traffic/from-flags.js')
    const reporter = this.createReporter()
    return withReleaseSignals((signal) => resumeFromFlags(given, {reporter, signal}))
  }
}
