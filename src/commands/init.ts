import {Args, Flags} from '@oclif/core'

import {LpackCommand} from '../cli/lpack-command.js'
import type {InitResult} from '../core/init/index.js'

export default class Init extends LpackCommand {
  static override summary = 'Start a project from a starter: a template and a function that validate, build and deploy as written.'
  static override args = {
    dir: Args.string({description: 'The new project folder (new or empty).', required: true}),
  }
  static override flags = {
    template: Flags.string({description: 'The starter.', options: ['node-ts', 'python', 'java', 'provided'], default: 'node-ts'}),
    name: Flags.string({description: "The project's name (stack and package name; default: the folder's name)."}),
  }
  static override examples = ['<%= config.bin %> init my-app', '<%= config.bin %> init my-api --template python']

  async run(): Promise<InitResult> {
    const {args, flags} = await this.parse(Init)
    const {initProject} = await import('../core/init/index.js')
    const result = await initProject({dir: args.dir, starter: flags.template, ...(flags.name ? {name: flags.name} : {}), reporter: this.createReporter()})
    if (!this.jsonEnabled()) this.log(['Next:', ...result.next.map((step) => `  ${step}`)].join('\n'))
    return result
  }
}
