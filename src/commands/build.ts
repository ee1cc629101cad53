import {Args} from '@oclif/core'

import {oclifFlags} from '../cli/settings-flags.js'
import {LpackCommand} from '../cli/lpack-command.js'
import {BUILD_SETTINGS} from '../core/config/command-settings/build.js'
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
  static override flags = oclifFlags(BUILD_SETTINGS)
  static override examples = ['<%= config.bin %> build', '<%= config.bin %> build HelloFn', '<%= config.bin %> build --function HelloFn --no-cache']

  async run(): Promise<BuildResult['manifest']> {
    const {given, argv} = await this.parseSettings(BUILD_SETTINGS)
    if (given.useContainer === true) {
      throw new LpackError('USAGE', 'lpack builds without containers: esbuild, pip, javac/Maven/Gradle and make run on this machine, and the zips come out the same everywhere', {
        hint: 'Drop --use-container. A dependency with native code is built for Lambda when it ships prebuilt binaries for linux (npm, pip wheels); pin those in the lockfile.',
      })
    }
    const functions = [...argv, ...((given.function as string[] | undefined) ?? [])]
    const {buildFromFlags} = await import('../core/build/from-flags.js')
    const reporter = this.createReporter()
    const result = await this.runInterruptible((signal) => buildFromFlags({...given, ...(functions.length > 0 ? {function: functions} : {})}, {reporter, signal}))
    if (!this.jsonEnabled()) {
      const {formatBuildSummary} = await import('../io/build-view.js')
      this.log(formatBuildSummary(result))
    }
    return result.manifest
  }
}
