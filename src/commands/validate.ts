import {Args, Flags} from '@oclif/core'

import {LpackCommand} from '../cli/lpack-command.js'
import type {DiagnosticSummary} from '../core/diagnostics/diagnostic.js'
import {defaultTemplateFile} from '../core/template/default-file.js'
import type {DiagnosticFormat} from '../io/format-diagnostics.js'

export default class Validate extends LpackCommand {
  static override summary = 'Check templates against CloudFormation, SAM and Lambda rules.'
  static override description = 'Exits 0 when no template has errors (warnings allowed), 1 when any has. Codes are listed in docs/diagnostics.md.'
  static override strict = false
  static override args = {
    file: Args.string({description: 'Template files (default: template.yaml, else template.yml or template.json).'}),
  }
  static override flags = {
    template: Flags.string({char: 't', aliases: ['template-file'], description: 'Template file.', multiple: true}),
    format: Flags.string({description: 'Output format.', options: ['pretty', 'json', 'sarif', 'github'], default: 'pretty'}),
  }
  static override examples = ['<%= config.bin %> validate', '<%= config.bin %> validate a.yaml b.yaml --format json', '<%= config.bin %> validate --format sarif > lpack.sarif']

  async run(): Promise<DiagnosticSummary> {
    const {flags, argv} = await this.parse(Validate)
    const files = [...(argv as string[]), ...(flags.template ?? [])]
    const {validateFilesWithSources} = await import('../core/validate/index.js')
    const {summary, sources} = await validateFilesWithSources(files.length > 0 ? files : [defaultTemplateFile()])
    if (!this.jsonEnabled()) {
      const {formatDiagnostics} = await import('../io/format-diagnostics.js')
      const color = process.stdout.isTTY === true && process.env.NO_COLOR === undefined
      this.log(formatDiagnostics(summary, flags.format as DiagnosticFormat, {color, sources, cwd: process.cwd(), toolVersion: this.config.version}))
    }
    if (!summary.valid) process.exitCode = 1
    return summary
  }
}
