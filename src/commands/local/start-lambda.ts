import {Flags} from '@oclif/core'

import {LpackCommand} from '../../cli/lpack-command.js'

export default class StartLambda extends LpackCommand {
  static override summary = "Serve Lambda's Invoke API on 127.0.0.1 for the template's functions, without docker."
  static override description =
    'Builds the template, then answers POST /2015-03-31/functions/{name}/invocations as Lambda does (RequestResponse, Event with retries and destinations, DryRun, Qualifier, LogType Tail), so `aws lambda invoke --endpoint-url http://127.0.0.1:PORT` and the SDKs call the functions locally. Environments stay warm between invokes; after a rebuild (or with --watch) the next invoke runs the new code. Runs until Ctrl-C, which stops every function process.'
  static override flags = {
    port: Flags.integer({char: 'p', description: 'Port on 127.0.0.1 (default 3001; 0 picks a free one).', min: 0, max: 65_535}),
    'template-file': Flags.string({char: 't', aliases: ['template'], description: 'Template file (default: template.yaml).'}),
    'build-dir': Flags.string({char: 'b', description: 'Build directory (default: .lpack/build beside the template).'}),
    'env-vars': Flags.string({char: 'n', description: 'JSON file of environment variable overrides, in SAM\'s format: {"Fn": {...}, "Parameters": {...}}.'}),
    'parameter-overrides': Flags.string({description: 'Template parameter values, KEY=VALUE.', multiple: true}),
    region: Flags.string({description: 'AWS_REGION the functions see (default: AWS_REGION, else us-east-1).'}),
    'endpoint-url': Flags.string({description: 'A local AWS endpoint: asynchronous invocations\' SQS/SNS destinations and dead-letter queues are sent there (default: AWS_ENDPOINT_URL; else recorded locally).'}),
    watch: Flags.boolean({description: 'Rebuild when a file under the template\'s folder changes.'}),
  }
  static override examples = ['<%= config.bin %> local start-lambda --port 3001', 'aws lambda invoke --endpoint-url http://127.0.0.1:3001 --function-name HelloFn out.json']

  async run(): Promise<{endpoint: string; functions: string[]}> {
    const {flags} = await this.parse(StartLambda)
    const {startLambdaFromFlags} = await import('../../core/invoke/from-flags.js')
    const reporter = this.createReporter()
    return this.runInterruptible(async (signal) => {
      const running = await startLambdaFromFlags(
        {
          templateFile: flags['template-file'],
          buildDir: flags['build-dir'],
          port: flags.port,
          envVars: flags['env-vars'],
          parameterOverrides: flags['parameter-overrides'],
          region: flags.region,
          endpointUrl: flags['endpoint-url'],
          watch: flags.watch,
        },
        {reporter, signal},
      )
      if (!this.jsonEnabled()) {
        process.stdout.write(`endpoint: ${running.endpoint}\n`)
        process.stderr.write(`Functions: ${running.functions.join(', ') || 'none'}. Ctrl-C stops.\n`)
      }
      // Foreground until Ctrl-C or SIGTERM; then every environment's process group is ended.
      await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), {once: true})))
      await running.close()
      return {endpoint: running.endpoint, functions: running.functions}
    })
  }
}
