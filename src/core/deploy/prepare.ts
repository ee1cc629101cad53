import {LpackError} from '../../errors.js'
import type {Reporter} from '../../io/reporter.js'

export type TransformMode = 'auto' | 'local' | 'server'

/**
 * The template CloudFormation receives. Without a Transform it is the packaged template. With the SAM
 * Transform, `server` (and `auto` while lpack cannot transform locally) keeps the Transform header so
 * CloudFormation expands it, and says so.
 */
export async function prepareTemplate(template: Record<string, unknown>, options: {mode: TransformMode; reporter: Reporter}): Promise<Record<string, unknown>> {
  const transforms = [template.Transform].flat().filter((value) => value !== undefined)
  if (transforms.length === 0) return template
  if (options.mode === 'local') {
    throw new LpackError('UNSUPPORTED_CONSTRUCT', `This lpack cannot expand ${transforms.map(String).join(', ')} locally`, {
      hint: 'Use --transform server to let CloudFormation run the transform.',
    })
  }
  options.reporter.emit({
    level: 'info',
    kind: 'deploy.transform',
    message: `Transform ${transforms.map(String).join(', ')} is left to CloudFormation (server side)`,
    data: {mode: 'server'},
  })
  return template
}
