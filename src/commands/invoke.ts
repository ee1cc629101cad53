import {Args} from '@oclif/core'

import {LpackCommand} from '../cli/lpack-command.js'
import {oclifFlags} from '../cli/settings-flags.js'
import {INVOKE_SETTINGS} from '../core/config/command-settings/invoke.js'
import type {InvokeOutput} from '../core/invoke/from-flags.js'
import type {MemoryProfile} from '../core/invoke/profile.js'

export default class Invoke extends LpackCommand {
  static override summary = 'Run a function locally, without docker, the way Lambda runs it.'
  static override description =
    'Builds the function if it changed, then runs it once in a local execution environment: the Lambda Runtime API, Lambda\'s environment variables, context, Timeout and error documents. The function\'s logs (with START, END and REPORT lines) go to stderr, its response to stdout. Exits 1 when the function failed (the error document is still printed).'
  static override args = {
    id: Args.string({description: 'Logical ID of the function.', required: true}),
  }
  static override flags = oclifFlags(INVOKE_SETTINGS)
  static override examples = ['<%= config.bin %> invoke HelloFn -e events/get.json', '<%= config.bin %> invoke HelloFn --profile-memory 20', 'echo \'{"id": 1}\' | <%= config.bin %> invoke HelloFn --event - | jq .']

  async run(): Promise<InvokeOutput | MemoryProfile> {
    const {args, given} = await this.parseSettings(INVOKE_SETTINGS)
    const {invokeFromFlags, invokeOutput, profileFromFlags} = await import('../core/invoke/from-flags.js')
    if (given.profileMemory !== undefined) {
      const profile = await profileFromFlags({...given, functionId: args.id as string}, {reporter: this.createReporter()})
      if (!this.jsonEnabled()) {
        const {formatProfile} = await import('../io/profile-view.js')
        process.stdout.write(formatProfile(profile) + '\n')
      }
      return profile
    }
    // A response-streaming function's bytes are printed as it writes them; then only what is left to say.
    let streamed = false
    const onResponseChunk = this.jsonEnabled() ? undefined : (chunk: Buffer) => {
      streamed = true
      process.stdout.write(chunk)
    }
    const result = await invokeFromFlags(
      {...given, functionId: args.id as string},
      {reporter: this.createReporter(), ...(onResponseChunk ? {onResponseChunk} : {})},
    )
    if (!this.jsonEnabled()) process.stdout.write(streamed ? (result.failed ? `\n${result.payload}\n` : '\n') : result.payload + '\n')
    if (result.failed) process.exitCode = 1
    return invokeOutput(result)
  }
}
