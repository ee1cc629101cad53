import {oclifFlags} from '../cli/settings-flags.js'
import {LpackCommand} from '../cli/lpack-command.js'
import {DEPLOY_SETTINGS} from '../core/config/command-settings/deploy.js'
import type {DeployResult} from '../core/deploy/index.js'

export default class Deploy extends LpackCommand {
  static override summary = 'Build, package and deploy a stack through a CloudFormation change set.'
  static override description =
    'Skips work that is not needed (unchanged artifacts, unchanged stacks), shows the change set, asks once when stdin is a terminal (never with --yes or --no-confirm-changeset), follows the stack live and reports every failed resource with its reason.'
  static override flags = oclifFlags(DEPLOY_SETTINGS)
  static override examples = [
    '<%= config.bin %> deploy --guided',
    '<%= config.bin %> deploy --stack-name app --resolve-s3',
    '<%= config.bin %> deploy --config-env prod --yes',
    '<%= config.bin %> deploy -s app --s3-bucket my-artifacts --parameter-overrides Stage=dev --tags team=web',
  ]

  async run(): Promise<DeployResult> {
    const {given} = await this.parseSettings(DEPLOY_SETTINGS)
    const {deployFromFlags} = await import('../core/deploy/from-flags.js')
    const view = await import('../io/deploy-view.js')
    const prompt = await import('../io/prompt.js')
    const reporter = this.createReporter()
    const interrupt = new AbortController()
    // The signal's name is the reason a release in flight gives for its rollback.
    process.once('SIGINT', () => interrupt.abort('SIGINT'))
    process.once('SIGTERM', () => interrupt.abort('SIGTERM'))
    let deployGiven = given
    if (given.guided === true) {
      const {guidedDeployFlags} = await import('../core/deploy/guided.js')
      const prompter = (await import('../io/prompter.js')).openPrompter()
      try {
        deployGiven = await guidedDeployFlags(given, {reporter, terminal: prompt.stdinIsTerminal(), askText: prompter.askText, askYesNo: prompter.askYesNo})
      } finally {
        prompter.close()
      }
    }
    const result = await deployFromFlags(deployGiven, {reporter, signal: interrupt.signal, terminal: prompt.stdinIsTerminal(), ask: prompt.askYesNo})
    if (!this.jsonEnabled()) {
      const outputs = result.kind === 'deployed' ? view.formatOutputs(result.outputs) : ''
      if (outputs !== '') this.log(outputs)
    }
    return result
  }
}
