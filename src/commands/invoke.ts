import {Args, Flags} from '@oclif/core'

import {LpackCommand} from '../cli/lpack-command.js'
import type {InvokeOutput} from '../core/invoke/from-flags.js'
import type {MemoryProfile} from '../core/invoke/profile.js'

export default class Invoke extends LpackCommand {
  static override summary = 'Run a function locally, without docker, the way Lambda runs it.'
  static override description =
    'Builds the function if it changed, then runs it once in a local execution environment: the Lambda Runtime API, Lambda\'s environment variables, context, Timeout and error documents. The function\'s logs (with START, END and REPORT lines) go to stderr, its response to stdout. Exits 1 when the function failed (the error document is still printed).'
  static override args = {
    id: Args.string({description: 'Logical ID of the function.', required: true}),
  }
  static override flags = {
    event: Flags.string({char: 'e', description: 'JSON event file, or - to read it from stdin (default: {}).'}),
    'env-vars': Flags.string({char: 'n', description: 'JSON file of environment variable overrides, in SAM\'s format: {"Fn": {...}, "Parameters": {...}}.'}),
    'parameter-overrides': Flags.string({description: 'Template parameter values, KEY=VALUE.', multiple: true}),
    'template-file': Flags.string({char: 't', aliases: ['template'], description: 'Template file (default: template.yaml).'}),
    'build-dir': Flags.string({char: 'b', description: 'Build directory (default: .lpack/build beside the template).'}),
    region: Flags.string({description: 'AWS_REGION the function sees (default: AWS_REGION, else us-east-1).'}),
    'profile-memory': Flags.integer({description: 'Invoke N times in one environment and report Max Memory Used and duration percentiles, with a recommended MemorySize and Timeout.', min: 1, max: 1000}),
  }
  static override examples = ['<%= config.bin %> invoke HelloFn -e events/get.json', '<%= config.bin %> invoke HelloFn --profile-memory 20', 'echo \'{"id": 1}\' | <%= config.bin %> invoke HelloFn --event - | jq .']

  async run(): Promise<InvokeOutput | MemoryProfile> {
    const {args, flags} = await this.parse(Invoke)
    const {invokeFromFlags, invokeOutput, profileFromFlags} = await import('../core/invoke/from-flags.js')
    const common = {
      functionId: args.id,
      event: flags.event,
      envVars: flags['env-vars'],
      parameterOverrides: flags['parameter-overrides'],
      templateFile: flags['template-file'],
      buildDir: flags['build-dir'],
      region: flags.region,
    }
    if (flags['profile-memory'] !== undefined) {
      const profile = await profileFromFlags({...common, count: flags['profile-memory']}, {reporter: this.createReporter()})
      if (!this.jsonEnabled()) {
        const {formatProfile} = await import('../io/profile-view.js')
        process.stdout.write(formatProfile(profile) + '\n')
      }
      return profile
    }
    const result = await invokeFromFlags(
      {
        functionId: args.id,
        event: flags.event,
        envVars: flags['env-vars'],
        parameterOverrides: flags['parameter-overrides'],
        templateFile: flags['template-file'],
        buildDir: flags['build-dir'],
        region: flags.region,
      },
      {reporter: this.createReporter()},
    )
    if (!this.jsonEnabled()) process.stdout.write(result.payload + '\n')
    if (result.failed) process.exitCode = 1
    return invokeOutput(result)
  }
}
