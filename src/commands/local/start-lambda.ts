import {LpackCommand} from '../../cli/lpack-command.js'
import {oclifFlags} from '../../cli/settings-flags.js'
import {START_LAMBDA_SETTINGS} from '../../core/config/command-settings/start-lambda.js'

export default class StartLambda extends LpackCommand {
  static override summary = "Serve Lambda's Invoke API on 127.0.0.1 for the template's functions, without docker."
  static override description =
    'Builds the template, then answers POST /2015-03-31/functions/{name}/invocations as Lambda does (RequestResponse, Event with retries and destinations, DryRun, Qualifier, LogType Tail), so `aws lambda invoke --endpoint-url http://127.0.0.1:PORT` and the SDKs call the functions locally. Environments stay warm between invokes; after a rebuild (or with --watch) the next invoke runs the new code. Runs until Ctrl-C, which stops every function process.'
  static override flags = oclifFlags(START_LAMBDA_SETTINGS)
  static override examples = ['<%= config.bin %> local start-lambda --port 3001', 'aws lambda invoke --endpoint-url http://127.0.0.1:3001 --function-name HelloFn out.json']

  async run(): Promise<{endpoint: string; functions: string[]}> {
    const {given} = await this.parseSettings(START_LAMBDA_SETTINGS)
    const {startLambdaFromFlags} = await import('../../core/invoke/from-flags.js')
    const reporter = this.createReporter()
    return this.runInterruptible(async (signal) => {
      const running = await startLambdaFromFlags(
        given,
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
