import {Args} from '@oclif/core'

import {LpackCommand} from '../cli/lpack-command.js'
import {oclifFlags} from '../cli/settings-flags.js'
import {INIT_SETTINGS} from '../core/config/command-settings/init.js'
import type {InitResult} from '../core/init/index.js'

export default class Init extends LpackCommand {
  static override summary = 'Start a project from a starter: a template and a function that validate, build and deploy as written.'
  static override args = {
    dir: Args.string({description: 'The new project folder (new or empty).', required: true}),
  }
  static override flags = oclifFlags(INIT_SETTINGS)
  static override examples = ['<%= config.bin %> init my-app', '<%= config.bin %> init my-api --template python']

  async run(): Promise<InitResult> {
    const {args, given} = await this.parseSettings(INIT_SETTINGS)
    const reporter = this.createReporter()
    const {resolveSettings} = await import('../core/config/settings.js')
    const settings = await resolveSettings('init', INIT_SETTINGS, given, reporter)
    const {initProject} = await import('../core/init/index.js')
    const result = await initProject({dir: args.dir as string, starter: settings.template, ...(settings.name ? {name: settings.name} : {}), reporter})
    if (!this.jsonEnabled()) this.log(['Next:', ...result.next.map((step) => `  ${step}`)].join('\n'))
    return result
  }
}
