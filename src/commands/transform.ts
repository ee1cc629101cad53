import {LpackCommand} from '../cli/lpack-command.js'
import {oclifFlags} from '../cli/settings-flags.js'
import {TRANSFORM_SETTINGS} from '../core/config/command-settings/transform.js'
import type {TransformFileResult} from '../core/transform/run.js'

export default class Transform extends LpackCommand {
  static override summary = 'Transform a SAM template to plain CloudFormation, as the AWS SAM transform does.'
  static override description =
    'Prints the template with every AWS::Serverless::Function and LayerVersion expanded (same logical IDs and properties as AWS). Exits 1 when the template uses SAM constructs lpack does not transform yet, or when SAM would reject it.'
  static override flags = oclifFlags(TRANSFORM_SETTINGS)
  static override examples = ['<%= config.bin %> transform', '<%= config.bin %> transform -t app.yaml -o packaged.json --format json']

  async run(): Promise<TransformFileResult> {
    const {given} = await this.parseSettings(TRANSFORM_SETTINGS)
    const {transformFromFlags} = await import('../core/transform/from-flags.js')
    const result = await transformFromFlags(given, {reporter: this.createReporter()})
    if (!this.jsonEnabled() && result.outputFile === undefined) process.stdout.write(result.text)
    return result
  }
}
