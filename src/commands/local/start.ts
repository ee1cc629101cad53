import {Flags} from '@oclif/core'

import {LpackCommand} from '../../cli/lpack-command.js'

export interface LocalStartOutput {
  endpoint: string
  port: number
  pid: number
  env: Record<string, string>
  detached: boolean
}

export default class LocalStart extends LpackCommand {
  static override summary = 'Start a local AWS, without docker: moto plus a Lambda data plane that runs your functions.'
  static override description =
    'Starts moto (the Python package moto[server]) on 127.0.0.1 behind lpack\'s front server, which runs deployed functions on Invoke (aliases\' weights, reserved concurrency, async retries and DLQs), polls SQS event source mappings, writes logs and metrics to the local CloudWatch and evaluates alarms. Prints the endpoint and the environment to export once ready, then runs until Ctrl-C; with --detach it runs in the background (see lpack local status / stop).'
  static override flags = {
    port: Flags.integer({char: 'p', description: 'Port on 127.0.0.1 (default 4566; 0 picks a free one).', min: 0, max: 65_535}),
    'state-dir': Flags.string({description: 'Folder for the state file, logs and unpacked code (default: ~/.cache/lpack/local, LPACK_LOCAL_STATE_DIR).'}),
    detach: Flags.boolean({char: 'd', description: 'Run in the background and return once it is ready.'}),
    region: Flags.string({description: 'Default region (default: AWS_REGION, then us-east-1).'}),
  }
  static override examples = ['<%= config.bin %> local start', '<%= config.bin %> local start --detach --port 0', 'eval "$(<%= config.bin %> local start --detach | grep ^export)"']

  async run(): Promise<LocalStartOutput> {
    const {flags} = await this.parse(LocalStart)
    const local = await import('../../local/index.js')
    if (flags.detach) {
      const state = await local.startDetached({port: flags.port, stateDir: flags['state-dir'], region: flags.region, cliArgs: {execPath: process.execPath, script: process.argv[1]!}})
      const output = {endpoint: state.endpoint, port: state.port, pid: state.pid, env: local.localEnvironment(state.endpoint, state.region), detached: true}
      if (!this.jsonEnabled()) process.stdout.write(readyText(output))
      return output
    }
    const reporter = this.createReporter()
    const running = await local.startLocalAws({port: flags.port, stateDir: flags['state-dir'], region: flags.region, reporter})
    const output = {endpoint: running.endpoint, port: running.port, pid: running.pid, env: running.env, detached: false}
    if (!this.jsonEnabled()) process.stdout.write(readyText(output) + 'Ctrl-C stops it.\n')
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
      void running.motoExited.then(resolve)
    })
    await running.stop()
    return output
  }
}

function readyText(output: LocalStartOutput): string {
  return [`endpoint: ${output.endpoint}`, ...Object.entries(output.env).map(([name, value]) => `export ${name}=${value}`)].join('\n') + '\n'
}
