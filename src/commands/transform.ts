import {Flags} from '@oclif/core'

import {LpackCommand} from '../cli/lpack-command.js'
import {defaultTemplateFile} from '../core/template/default-file.js'
import type {TransformFileResult} from '../core/transform/run.js'

export default class Transform extends LpackCommand {
  static override summary = 'Transform a SAM template to plain CloudFormation, as the AWS SAM transform does.'
  static override description =
    'Prints the template with every AWS::Serverless::Function and LayerVersion expanded (same logical IDs and properties as AWS). Exits 1 when the template uses SAM constructs lpack does not transform yet, or when SAM would reject it.'
  static override flags = {
    template: Flags.string({char: 't', aliases: ['template-file'], description: 'SAM template file (default: template.yaml, else template.yml or template.json).'}),
    output: Flags.string({char: 'o', description: 'Write the CloudFormation template to this file instead of stdout.'}),
    format: Flags.string({description: 'Output format.', options: ['json', 'yaml'], default: 'yaml'}),
    'parameter-overrides': Flags.string({description: 'Template parameter values, KEY=VALUE.', multiple: true}),
    region: Flags.string({description: 'Region for AWS::Region and the partition (default us-east-1).'}),
  }
  static override examples = ['<%= config.bin %> transform', '<%= config.bin %> transform -t app.yaml -o packaged.json --format json']

  async run(): Promise<TransformFileResult> {
    const {flags} = await this.parse(Transform)
    const {transformFile} = await import('../core/transform/run.js')
    const result = await transformFile({
      templateFile: flags.template ?? defaultTemplateFile(),
      outputFile: flags.output,
      format: flags.format as 'json' | 'yaml',
      parameterOverrides: flags['parameter-overrides'],
      region: flags.region,
    })
    if (!this.jsonEnabled() && !flags.output) process.stdout.write(result.text)
    return result
  }
}
