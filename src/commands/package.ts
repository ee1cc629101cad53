import {Flags} from '@oclif/core'

import {awsFlags, configFlags} from '../cli/aws-flags.js'
import {LpackCommand} from '../cli/lpack-command.js'
import type {PackageResult} from '../core/package/index.js'

export default class Package extends LpackCommand {
  static override summary = 'Upload built artifacts to S3 under content-addressed keys and write the template that points at them.'
  static override description =
    'Keys are <prefix>/<sha256>.zip: an artifact already in the bucket is not uploaded again. Without -o the packaged template is printed.'
  static override flags = {
    'template-file': Flags.string({char: 't', aliases: ['template'], description: 'Source template; its build folder is packaged (default: template.yaml).'}),
    'build-dir': Flags.string({char: 'b', description: 'Build folder (default: .lpack/build beside the template).'}),
    's3-bucket': Flags.string({description: 'Bucket for artifacts.'}),
    's3-prefix': Flags.string({description: 'Key prefix for artifacts.'}),
    'resolve-s3': Flags.boolean({description: 'Create or reuse a managed artifacts bucket.'}),
    'kms-key-id': Flags.string({description: 'Encrypt artifacts with this KMS key (default: AES256).'}),
    'output-template-file': Flags.string({char: 'o', description: 'Write the packaged template here.'}),
    concurrency: Flags.integer({description: 'Uploads at once (default 4).', min: 1}),
    ...awsFlags,
    ...configFlags,
  }
  static override examples = ['<%= config.bin %> package --s3-bucket my-artifacts -o packaged.yaml', '<%= config.bin %> package --resolve-s3']

  async run(): Promise<Omit<PackageResult, 'target'>> {
    const {flags} = await this.parse(Package)
    const {packageFromFlags} = await import('../core/package/from-flags.js')
    const interrupt = new AbortController()
    process.once('SIGINT', () => interrupt.abort())
    const result = await packageFromFlags(flags, {reporter: this.createReporter(), signal: interrupt.signal})
    if (!this.jsonEnabled() && result.outputFile === undefined) {
      const {serializeTemplateYaml} = await import('../core/template/serialize.js')
      this.log(serializeTemplateYaml(result.template).trimEnd())
    }
    return result
  }
}
