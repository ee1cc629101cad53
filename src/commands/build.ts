import {Flags} from '@oclif/core'

import {configFlags} from '../cli/aws-flags.js'
import {LpackCommand} from '../cli/lpack-command.js'
import type {BuildResult} from '../core/build/index.js'

export default class Build extends LpackCommand {
  static override summary = 'Build every function and layer into reproducible deployment zips.'
  static override description =
    'Writes the build directory: artifacts/<LogicalId>.zip, template.yaml pointing at them, and manifest.json (last). Unchanged functions are reused from the last build.'
  static override flags = {
    'template-file': Flags.string({char: 't', aliases: ['template'], description: 'Template file (default: template.yaml).'}),
    'build-dir': Flags.string({char: 'b', description: 'Build directory (default: .lpack/build beside the template).'}),
    function: Flags.string({description: 'Build only this function or layer (repeatable).', multiple: true}),
    concurrency: Flags.integer({description: 'Functions built at once (default: CPU count).', min: 1}),
    cache: Flags.boolean({description: 'Reuse unchanged artifacts (--no-cache rebuilds all; default on).', allowNo: true}),
    ...configFlags,
  }
  static override examples = ['<%= config.bin %> build', '<%= config.bin %> build --function HelloFn --no-cache']

  async run(): Promise<BuildResult['manifest']> {
    const {flags} = await this.parse(Build)
    const {buildFromFlags} = await import('../core/build/from-flags.js')
    const reporter = this.createReporter()
    const result = await this.runInterruptible((signal) => buildFromFlags(flags, {reporter, signal}))
    if (!this.jsonEnabled()) {
      const {formatBuildSummary} = await import('../io/build-view.js')
      this.log(formatBuildSummary(result))
    }
    return result.manifest
  }
}
