import {LpackError} from '../../errors.js'
import type {Reporter} from '../events.js'
import type {TemplatePath} from '../template/template.js'
import {expandLanguageExtensions, expandsLanguageExtensionsLocally, localCodeInLoopsError, SAM_TRANSFORM, sourcePathOf, transformsOf} from '../transform/language-extensions.js'

export type TransformMode = 'auto' | 'local' | 'server'

export interface PrepareTemplateOptions {
  mode: TransformMode
  /** The deploy's parameter overrides. */
  parameters: Record<string, string>
  /**
   * The stack's current parameter values: CloudFormation keeps them for parameters the deploy does not override,
   * so the loops of AWS::LanguageExtensions run over them rather than over the Defaults.
   */
  previousParameters?: Readonly<Record<string, string>>
  region: string
  /** The stack deployed to: AWS::StackName in what AWS::LanguageExtensions resolves. */
  stackName?: string
  /** The account deployed to: AWS::AccountId there (a FindInMap default keyed by account, say). */
  accountId?: string
  reporter: Reporter
  isFloat?: (path: TemplatePath) => boolean
}

/**
 * The template CloudFormation receives. A SAM template is expanded by lpack (`local`) when lpack's transform
 * supports everything in it, and so is AWS::LanguageExtensions when it comes alone or before the SAM transform;
 * otherwise (`auto`), or when asked (`server`), or when other transforms/macros are present, the Transform header
 * stays and CloudFormation expands it — and lpack says so.
 */
export async function prepareTemplate(template: Record<string, unknown>, options: PrepareTemplateOptions): Promise<Record<string, unknown>> {
  const transforms = transformsOf(template)
  if (transforms.length === 0) return template
  const others = transforms.filter((name) => name !== SAM_TRANSFORM)
  const serverSide = (why: string) => {
    options.reporter.emit({kind: 'deploy.transform', data: {mode: 'server', transforms, reason: why}})
    return template
  }
  if (options.mode === 'server') return serverSide('--transform server')
  const languageExtensions = expandsLanguageExtensionsLocally(transforms)
  if (others.length > 0 && !languageExtensions) {
    if (options.mode === 'local') throw new LpackError('UNSUPPORTED_CONSTRUCT', `lpack cannot expand ${others.join(', ')} locally`, {hint: 'Use --transform server (or auto).'})
    return serverSide(`lpack does not expand ${others.join(', ')}`)
  }
  let samInput = template
  let isFloat = options.isFloat
  if (languageExtensions) {
    const expanded = expandLanguageExtensionsForDeploy(template, options)
    if (expanded.kind === 'needs-cloudformation') return serverSide(expanded.reason)
    if (!transforms.includes(SAM_TRANSFORM)) {
      options.reporter.emit({kind: 'deploy.transform', data: {mode: 'local', transforms}})
      return expanded.template
    }
    samInput = expanded.template
    isFloat = expanded.isFloat
  }
  const {transformTemplate} = await import('../transform/index.js')
  const result = transformTemplate(samInput, {parameters: options.parameters, region: options.region, ...(isFloat ? {isFloat} : {})})
  if (result.kind === 'transformed') {
    options.reporter.emit({kind: 'deploy.transform', data: {mode: 'local', transforms}})
    return result.template as Record<string, unknown>
  }
  if (result.kind === 'invalid') {
    throw new LpackError('TRANSFORM_FAILED', [result.message, ...result.errors.map((error) => `  ${error}`)].join('\n'), {
      hint: 'Run `lpack validate` for positions, fix the template and deploy again.',
      details: {errors: result.errors},
    })
  }
  const constructs = result.unsupported.map((u) => `${u.logicalId}: ${u.construct}`).join('; ')
  if (options.mode === 'local') {
    throw new LpackError('UNSUPPORTED_CONSTRUCT', `lpack's transform does not support ${constructs}`, {hint: 'Use --transform auto or server to let CloudFormation run the SAM transform.'})
  }
  return serverSide(`lpack's transform does not support ${constructs}`)
}

/**
 * AWS::LanguageExtensions expanded with the values the deployed stack will have, the expanded template's floats
 * read at their source paths. A value only CloudFormation knows fails `--transform local`, else the caller leaves
 * the template to CloudFormation.
 */
function expandLanguageExtensionsForDeploy(
  template: Record<string, unknown>,
  options: PrepareTemplateOptions,
): {kind: 'expanded'; template: Record<string, unknown>; isFloat?: (path: TemplatePath) => boolean} | {kind: 'needs-cloudformation'; reason: string} {
  const expansion = expandLanguageExtensions(template, {
    parameters: {...options.previousParameters, ...options.parameters},
    region: options.region,
    ...(options.stackName === undefined ? {} : {stackName: options.stackName}),
    ...(options.accountId === undefined ? {} : {accountId: options.accountId}),
  })
  if (expansion.kind === 'needs-cloudformation') {
    const why = `${expansion.reason} (${expansion.path.join('/')})`
    if (options.mode === 'local') throw new LpackError('UNSUPPORTED_CONSTRUCT', `lpack cannot expand AWS::LanguageExtensions locally: ${why}`, {hint: 'Use --transform auto or server to let CloudFormation run the transforms.'})
    return {kind: 'needs-cloudformation', reason: `lpack cannot expand AWS::LanguageExtensions: ${why}`}
  }
  const localCode = localCodeInLoopsError(expansion)
  if (localCode !== undefined) throw localCode
  const sourceIsFloat = options.isFloat
  return {
    kind: 'expanded',
    template: expansion.template,
    ...(sourceIsFloat ? {isFloat: (path: TemplatePath) => sourceIsFloat(sourcePathOf(path, expansion.sourcePaths))} : {}),
  }
}
