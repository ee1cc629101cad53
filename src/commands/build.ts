import {Args, Flags} from '@oclif/core'

import {configFlags} from '../cli/aws-flags.js'
import {LpackCommand} from '../cli/lpack-command.js'
import {LpackError} from '../errors.js'
import type {BuildResult} from '../core/build/index.js'

export default class Build extends LpackCommand {
  static override summary = 'Build every function and layer into reproducible deployment zips.'
  static override description =
    'Writes the build directory: artifacts/<LogicalId>.zip, template.yaml pointing at them, and manifest.json (last). Unchanged functions are reused from the last build.'
  static override strict = false
  static override args = {
    function: Args.string({description: "Build only these functions or layers (SAM's `sam build Fn`; the same as --function)."}),
  }
  static override flags = {
    'use-container': Flags.boolean({hidden: true, description: "SAM's build in a container: lpack needs none."}),
    'template-file': Flags.string({char: 't', aliases: ['template'], description: 'Template file (default: template.yaml).'}),
    'build-dir': Flags.string({char: 'b', description: 'Build directory (default: .lpack/build beside the template).'}),
    function: Flags.string({description: 'Build only this function or layer (repeatable).', multiple: true}),
    concurrency: Flags.integer({description: 'Functions built at once (default: CPU count).', min: 1}),
    cache: Flags.boolean({description: 'Reuse unchanged artifacts (--no-cache rebuilds all; default on).', allowNo: true}),
    ...configFlags,
  }
  static override examples = ['<%= config.bin %> build', '<%= config.bin %> build HelloFn', '<%= config.bin %> build --function HelloFn --no-cache']

  async run(): Promise<BuildResult['manifest']> {
    const {flags, argv} = await this.parse(Build)
    if (flags['use-container']) {
      throw new LpackError('USAGE', 'lpack builds without containers: esbuild, pip, javac/Maven/Gradle and make run on this machine, and the zips come out the same everywhere', {
        hint: 'Drop --use-container. A dependency with native code is built for Lambda when it ships prebuilt binaries for linux (npm, pip wheels); pin those in the lockfile.',
      })
    }
    const functions = [...(argv as string[]), ...(flags.function ?? [])]
    if (functions.length > 0) flags.function = functions
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
