import {Args, Flags} from '@oclif/core'

import {LpackCommand} from '../cli/lpack-command.js'
import type {DiagnosticSummary} from '../core/diagnostics/diagnostic.js'

export default class Validate extends LpackCommand {
  static override summary = 'Check templates against CloudFormation, SAM and Lambda rules.'
  static override description = 'Exits 0 when no template has errors (warnings allowed), 1 when any has.'
  static override strict = false
  static override args = {
    file: Args.string({description: 'Template files (default: template.yaml).'}),
  }
  static override flags = {
    template: Flags.string({char: 't', description: 'Template file.', multiple: true}),
    format: Flags.string({description: 'Output format.', options: ['pretty', 'json', 'sarif', 'github'], default: 'pretty'}),
  }
  static override examples = ['<%= config.bin %> validate', '<%= config.bin %> validate a.yaml b.yaml --format json']

  async run(): Promise<DiagnosticSummary> {
    const {flags, argv} = await this.parse(Validate)
    const files = [...(argv as string[]), ...(flags.template ?? [])]
    const {validateFiles} = await import('../core/validate/index.js')
    const summary = await validateFiles(files.length > 0 ? files : ['template.yaml'])
    if (!this.jsonEnabled()) {
      const {formatDiagnostics} = await import('../io/format-diagnostics.js')
      this.log(formatDiagnostics(summary, flags.format as 'pretty' | 'json' | 'sarif' | 'github', {color: process.stdout.isTTY === true}))
    }
    if (!summary.valid) process.exitCode = 1
    return summary
  }
}
