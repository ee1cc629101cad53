import {oclifFlags} from '../cli/settings-flags.js'
import {LpackCommand} from '../cli/lpack-command.js'
import {GC_SETTINGS} from '../core/config/command-settings/deploy.js'
import type {GcResult} from '../core/deploy/gc.js'

export default class Gc extends LpackCommand {
  static override summary = "Delete lpack's artifacts that no stack uses any more (as cdk gc does)."
  static override description =
    "Only lpack's own objects (in the --resolve-s3 bucket, or --s3-bucket/--s3-prefix, under content keys whose sha256 metadata matches) that no stack of the account and region uses, older than --rollback-buffer-days. Lists what goes and why the rest stays before asking."
  static override flags = oclifFlags(GC_SETTINGS)
  static override examples = ['<%= config.bin %> gc --dry-run', '<%= config.bin %> gc --s3-bucket my-artifacts --s3-prefix app --yes']

  async run(): Promise<GcResult> {
    const {given} = await this.parseSettings(GC_SETTINGS)
    const {gcFromFlags} = await import('../core/deploy/from-flags.js')
    const prompt = await import('../io/prompt.js')
    return gcFromFlags(given, {reporter: this.createReporter(), terminal: prompt.stdinIsTerminal(), ask: prompt.askYesNo})
  }
}
