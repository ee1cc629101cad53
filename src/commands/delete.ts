import {Flags} from '@oclif/core'

import {awsFlags, configFlags} from '../cli/aws-flags.js'
import {LpackCommand} from '../cli/lpack-command.js'
import type {DeleteResult} from '../core/deploy/delete.js'

export default class Delete extends LpackCommand {
  static override summary = 'Delete a stack, and optionally the code artifacts only it used.'
  static override flags = {
    'stack-name': Flags.string({char: 's', description: 'Stack to delete.'}),
    'delete-artifacts': Flags.boolean({
      description: "Also delete the S3 objects the stack's code used, as garbage collection: only lpack's own objects in lpack's bucket/prefix that no other stack uses and older than --rollback-buffer-days.",
    }),
    'rollback-buffer-days': Flags.integer({description: 'Keep artifacts uploaded fewer than this many days ago (default 1).', min: 0}),
    's3-bucket': Flags.string({description: "The artifacts bucket deploy used, counted as lpack's (the --resolve-s3 bucket always is)."}),
    's3-prefix': Flags.string({description: 'The key prefix deploy used in --s3-bucket.'}),
    'poll-interval': Flags.integer({description: 'Milliseconds between stack polls.', min: 100, hidden: true}),
    yes: Flags.boolean({char: 'y', description: 'Delete without asking; needed when stdin is not a terminal.'}),
    ...awsFlags,
    ...configFlags,
  }
  static override examples = ['<%= config.bin %> delete --stack-name app --yes', '<%= config.bin %> delete -s app --delete-artifacts']

  async run(): Promise<DeleteResult> {
    const {flags} = await this.parse(Delete)
    const {deleteFromFlags} = await import('../core/deploy/from-flags.js')
    const prompt = await import('../io/prompt.js')
    const reporter = this.createReporter()
    const interrupt = new AbortController()
    process.once('SIGINT', () => interrupt.abort())
    return deleteFromFlags(flags, {reporter, signal: interrupt.signal, terminal: prompt.stdinIsTerminal(), ask: prompt.askYesNo})
  }
}
