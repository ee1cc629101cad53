import {oclifFlags} from '../cli/settings-flags.js'
import {LpackCommand} from '../cli/lpack-command.js'
import {PACKAGE_SETTINGS} from '../core/config/command-settings/package.js'
import type {PackageResult} from '../core/package/index.js'

export default class Package extends LpackCommand {
  static override summary = 'Upload built artifacts to S3 under content-addressed keys and write the template that points at them.'
  static override description =
    'Keys are <prefix>/<sha256>.zip: an artifact already in the bucket is not uploaded again. Without -o the packaged template is printed.'
  static override flags = oclifFlags(PACKAGE_SETTINGS)
  static override examples = ['<%= config.bin %> package --s3-bucket my-artifacts -o packaged.yaml', '<%= config.bin %> package --resolve-s3']

  async run(): Promise<Omit<PackageResult, 'target'>> {
    const {given} = await this.parseSettings(PACKAGE_SETTINGS)
    const {packageFromFlags} = await import('../core/package/from-flags.js')
    const interrupt = new AbortController()
    process.once('SIGINT', () => interrupt.abort())
    const result = await packageFromFlags(given, {reporter: this.createReporter(), signal: interrupt.signal})
    if (!this.jsonEnabled() && result.outputFile === undefined) {
      const {serializeTemplateYaml} = await import('../core/template/serialize.js')
      this.log(serializeTemplateYaml(result.template).trimEnd())
    }
    return result
  }
}
