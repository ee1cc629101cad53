import {LpackError} from '../../errors.js'
import type {Reporter} from '../events.js'
import {summarize} from '../diagnostics/diagnostic.js'
import type {Template} from '../template/template.js'

/**
 * What `lpack validate` checks, run before a build acts on a template: errors stop it (VALIDATION_FAILED, exit 1)
 * with the diagnostics rendered as `lpack validate` renders them; warnings are reported and the build goes on.
 * A template validate rejects (MemorySize 64, a logical ID that is a path) so never reaches a zip or AWS.
 */
export async function validateBeforeActing(template: Template, options: {reporter: Reporter; doing: string}): Promise<void> {
  const {validateTemplate} = await import('../validate/index.js')
  const diagnostics = await validateTemplate(template)
  if (diagnostics.length === 0) return
  const summary = summarize(diagnostics)
  if (summary.errorCount === 0) {
    for (const d of summary.diagnostics) {
      if (d.severity !== 'warning') continue
      options.reporter.emit({kind: 'validate.warning', data: {...d}})
    }
    return
  }
  const {formatDiagnostics} = await import('../../io/format-diagnostics.js')
  const rendered = formatDiagnostics(summary, 'pretty', {color: false, sources: {[template.file]: template.text}})
  throw new LpackError('VALIDATION_FAILED', `${template.file} does not pass \`lpack validate\`; ${options.doing}:\n\n${rendered}`, {
    hint: 'Fix the errors above (`lpack validate` shows the same), then run the command again.',
    details: {...summary},
  })
}
