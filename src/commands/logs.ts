import {Args, Flags} from '@oclif/core'

import {oclifFlags} from '../cli/settings-flags.js'
import {LpackCommand} from '../cli/lpack-command.js'
import {AWS_SETTINGS} from '../core/config/command-settings/shared.js'
import type {FunctionLogs} from '../core/logs/index.js'

export default class Logs extends LpackCommand {
  static override summary = 'Show a function\'s CloudWatch logs, REPORT lines summarised (on AWS or lpack local).'
  static override description =
    'Reads /aws/lambda/<name>: each line with its time, each REPORT line shortened to its duration, memory and cold start, then one line summing up the invocations (duration percentiles, peak memory against MemorySize, cold starts). ID is a function name, or a logical ID with --stack-name. --tail keeps following until Ctrl-C.'
  static override args = {
    id: Args.string({description: 'Function name, or its logical ID with --stack-name.', required: true}),
  }
  static override flags = {
    'stack-name': Flags.string({char: 's', description: 'Stack the function is in (ID is then its logical ID).'}),
    tail: Flags.boolean({description: 'Keep following new events until Ctrl-C.'}),
    since: Flags.integer({description: 'Only events of the last N minutes.', min: 1}),
    ...oclifFlags(AWS_SETTINGS),
  }
  static override examples = ['<%= config.bin %> logs GreetFn --stack-name app', '<%= config.bin %> logs app-greet --tail --endpoint-url http://127.0.0.1:4566']

  async run(): Promise<FunctionLogs> {
    const {args, flags} = await this.parse(Logs)
    const logs = await import('../core/logs/index.js')
    // The AWS flags come from AWS_SETTINGS, which oclif's types do not see.
    const awsFlags = flags as Record<string, unknown>
    const aws = await logs.logsSession({region: awsFlags.region as string | undefined, profile: awsFlags.profile as string | undefined, endpointUrl: awsFlags['endpoint-url'] as string | undefined})
    const options = {id: args.id, aws, ...(flags['stack-name'] ? {stackName: flags['stack-name']} : {}), ...(flags.since ? {startTime: Date.now() - flags.since * 60_000} : {})}
    const print = (events: FunctionLogs['events']) => {
      if (!this.jsonEnabled()) for (const event of events) process.stdout.write(logs.formatLogEvent(event) + '\n')
    }
    const result = flags.tail
      ? await this.runInterruptible((signal) => logs.tailFunctionLogs({...options, signal, onEvents: print}))
      : await logs.readFunctionLogs(options)
    if (!flags.tail) print(result.events)
    if (!this.jsonEnabled()) process.stdout.write(logs.formatSummary(result.summary) + '\n')
    return result
  }
}
