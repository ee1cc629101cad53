import {Flags} from '@oclif/core'

import {awsFlags, configFlags} from '../cli/aws-flags.js'
import {LpackCommand} from '../cli/lpack-command.js'
import type {DeployResult} from '../core/deploy/index.js'

export default class Deploy extends LpackCommand {
  static override summary = 'Build, package and deploy a stack through a CloudFormation change set.'
  static override description =
    'Skips work that is not needed (unchanged artifacts, unchanged stacks), shows the change set, asks once when stdin is a terminal (never with --yes or --no-confirm-changeset), follows the stack live and reports every failed resource with its reason.'
  static override flags = {
    'stack-name': Flags.string({char: 's', description: 'Stack to create or update.'}),
    'template-file': Flags.string({char: 't', aliases: ['template'], description: 'Source template (default: template.yaml).'}),
    'build-dir': Flags.string({char: 'b', description: 'Build folder (default: .lpack/build beside the template).'}),
    'no-build': Flags.boolean({description: 'Deploy the build folder as it is, without running lpack build.'}),
    's3-bucket': Flags.string({description: 'Bucket for artifacts.'}),
    's3-prefix': Flags.string({description: 'Key prefix for artifacts.'}),
    'resolve-s3': Flags.boolean({description: 'Create or reuse a managed artifacts bucket.'}),
    'kms-key-id': Flags.string({description: 'Encrypt artifacts with this KMS key (default: AES256).'}),
    'parameter-overrides': Flags.string({description: 'Key=Value, ParameterKey=K,ParameterValue=V, or file://params.json.', multiple: true}),
    tags: Flags.string({description: 'Stack tags as Key=Value.', multiple: true}),
    capabilities: Flags.string({description: 'Capabilities to acknowledge (default: inferred from the template).', multiple: true}),
    'notification-arns': Flags.string({description: 'SNS topics for stack events.', multiple: true}),
    'role-arn': Flags.string({description: 'Service role CloudFormation assumes.'}),
    'enable-termination-protection': Flags.boolean({description: 'Turn termination protection on (--no-… turns it off).', allowNo: true}),
    'disable-rollback': Flags.boolean({description: 'Keep failed resources for inspection instead of rolling back.'}),
    'no-execute': Flags.boolean({description: 'Create the change set and stop.'}),
    'fail-on-empty-changeset': Flags.boolean({description: 'Exit 1 when there is nothing to deploy.'}),
    'replace-failed-stack': Flags.boolean({description: 'Delete and recreate a stack left in ROLLBACK_COMPLETE by a failed create.'}),
    transform: Flags.string({description: 'Where the SAM transform runs.', options: ['auto', 'local', 'server']}),
    'no-wait': Flags.boolean({description: 'Fail at once when the stack is busy with another operation, instead of waiting.'}),
    concurrency: Flags.integer({description: 'Uploads at once (default 4).', min: 1}),
    'poll-interval': Flags.integer({description: 'Milliseconds between stack polls (at most 2000 are used).', min: 100, hidden: true}),
    'confirm-changeset': Flags.boolean({
      description: 'Ask before executing the change set (default: when stdin is a terminal); without a terminal it then needs --yes. --no-confirm-changeset never asks.',
      allowNo: true,
    }),
    yes: Flags.boolean({char: 'y', description: 'Do not ask for confirmation.'}),
    guided: Flags.boolean({char: 'g', description: 'Ask for the settings (stack, region, parameters, bucket), save them to lpack.config.yaml, then deploy.'}),
    ...awsFlags,
    ...configFlags,
  }
  static override examples = [
    '<%= config.bin %> deploy --guided',
    '<%= config.bin %> deploy --stack-name app --resolve-s3',
    '<%= config.bin %> deploy --config-env prod --yes',
    '<%= config.bin %> deploy -s app --s3-bucket my-artifacts --parameter-overrides Stage=dev --tags team=web',
  ]

  async run(): Promise<DeployResult> {
    const {flags} = await this.parse(Deploy)
    const {deployFromFlags} = await import('../core/deploy/from-flags.js')
    const view = await import('../io/deploy-view.js')
    const prompt = await import('../io/prompt.js')
    const reporter = this.createReporter()
    const interrupt = new AbortController()
    process.once('SIGINT', () => interrupt.abort())
    let deployFlags: Record<string, unknown> = flags
    if (flags.guided) {
      const {guidedDeployFlags} = await import('../core/deploy/guided.js')
      const prompter = (await import('../io/prompter.js')).openPrompter()
      try {
        deployFlags = await guidedDeployFlags(flags, {reporter, terminal: prompt.stdinIsTerminal(), askText: prompter.askText, askYesNo: prompter.askYesNo})
      } finally {
        prompter.close()
      }
    }
    const result = await deployFromFlags(deployFlags, {reporter, signal: interrupt.signal, terminal: prompt.stdinIsTerminal(), ask: prompt.askYesNo})
    if (!this.jsonEnabled()) {
      const outputs = result.kind === 'deployed' ? view.formatOutputs(result.outputs) : ''
      if (outputs !== '') this.log(outputs)
    }
    return result
  }
}
