import {Args} from '@oclif/core'

import {LpackCommand} from '../cli/lpack-command.js'
import {oclifFlags} from '../cli/settings-flags.js'
import {VALIDATE_SETTINGS} from '../core/config/command-settings/validate.js'
import type {DiagnosticSummary} from '../core/diagnostics/diagnostic.js'

export default class Validate extends LpackCommand {
  static override summary = 'Check templates against CloudFormation, SAM and Lambda rules.'
  static override description = 'Exits 0 when no template has errors (warnings allowed), 1 when any has. Codes are listed in docs/diagnostics.md.'
  static override strict = false
  static override args = {
    file: Args.string({description: 'Template files (default: template.yaml, else template.yml or template.json).'}),
  }
  static override flags = oclifFlags(VALIDATE_SETTINGS)
  static override examples = ['<%= config.bin %> validate', '<%= config.bin %> validate a.yaml b.yaml --format json', '<%= config.bin %> validate --format sarif > lpack.sarif']

  async run(): Promise<DiagnosticSummary> {
    const {given, argv} = await this.parseSettings(VALIDATE_SETTINGS)
    const files = [...argv, ...((given.templateFile as string[] | undefined) ?? [])]
    const {validateFromFlags} = await import('../core/validate/from-flags.js')
    const {summary, sources, format} = await validateFromFlags({...given, templateFile: files}, {reporter: this.createReporter()})
    if (!this.jsonEnabled()) {
      const {formatDiagnostics} = await import('../io/format-diagnostics.js')
      const color = process.stdout.isTTY === true && process.env.NO_COLOR === undefined
      this.log(formatDiagnostics(summary, format, {color, sources, cwd: process.cwd(), toolVersion: this.config.version}))
    }
    if (!summary.valid) process.exitCode = 1
    return summary
  }
}
