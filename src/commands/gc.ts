import {Flags} from '@oclif/core'

import {awsFlags, configFlags} from '../cli/aws-flags.js'
import {LpackCommand} from '../cli/lpack-command.js'
import type {GcResult} from '../core/deploy/gc.js'

export default class Gc extends LpackCommand {
  static override summary = "Delete lpack's artifacts that no stack uses any more (as cdk gc does)."
  static override description =
    "Only lpack's own objects (in the --resolve-s3 bucket, or --s3-bucket/--s3-prefix, under content keys whose sha256 metadata matches) that no stack of the account and region uses, older than --rollback-buffer-days. Lists what goes and why the rest stays before asking."
  static override flags = {
    's3-bucket': Flags.string({description: "The artifacts bucket deploy used, collected besides the --resolve-s3 bucket."}),
    's3-prefix': Flags.string({description: 'The key prefix deploy used in --s3-bucket.'}),
    'rollback-buffer-days': Flags.integer({description: 'Keep artifacts uploaded fewer than this many days ago (default 1).', min: 0}),
    'dry-run': Flags.boolean({description: 'List what would be deleted, delete nothing.'}),
    yes: Flags.boolean({char: 'y', description: 'Delete without asking; needed when stdin is not a terminal.'}),
    ...awsFlags,
    ...configFlags,
  }
  static override examples = ['<%= config.bin %> gc --dry-run', '<%= config.bin %> gc --s3-bucket my-artifacts --s3-prefix app --yes']

  async run(): Promise<GcResult> {
    const {flags} = await this.parse(Gc)
    const {gcFromFlags} = await import('../core/deploy/from-flags.js')
    const prompt = await import('../io/prompt.js')
    return gcFromFlags(flags, {reporter: this.createReporter(), terminal: prompt.stdinIsTerminal(), ask: prompt.askYesNo})
  }
}
