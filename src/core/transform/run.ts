import {isLpackError, LpackError} from '../../errors.js'
import {checkOutputFile, writeOutputFile} from '../output-file.js'
import {loadTemplateFile, usableTemplate} from '../template/load.js'
import type {Template, TemplatePath} from '../template/template.js'
import {transformTemplate, type UnsupportedConstruct} from './index.js'
import {expandedTemplateOf, expandLanguageExtensions, expandsLanguageExtensionsLocally, LANGUAGE_EXTENSIONS_TRANSFORM, type LanguageExtensionsResult, localCodeInLoopsError, transformsOf} from './language-extensions.js'
import {formatLocatedError, locateTransformError} from './locate.js'

export interface TransformFileOptions {
  templateFile: string
  /** Write the result here instead of returning it only. */
  outputFile?: string
  format: 'json' | 'yaml'
  /** Template parameter values. */
  parameterOverrides?: Readonly<Record<string, string>>
  region?: string
}

export interface TransformFileResult {
  templateFile: string
  outputFile?: string
  format: 'json' | 'yaml'
  /** The plain CloudFormation template. */
  template: Record<string, unknown>
  /** The template serialised in `format`, what `lpack transform` prints. */
  text: string
}

/**
 * `lpack transform`: loads a SAM template, transforms it locally and serialises (and optionally writes) the result.
 * Throws UNSUPPORTED_CONSTRUCT when the template needs CloudFormation's server-side transform, TRANSFORM_FAILED when
 * SAM would reject it, TEMPLATE_INVALID when it cannot be read.
 */
export async function transformFile(options: TransformFileOptions): Promise<TransformFileResult> {
  const parameters = {...options.parameterOverrides}
  if (options.outputFile) checkOutputFile(options.outputFile, '--output')
  const source = usableTemplate(await loadTemplateFile(options.templateFile), options.templateFile)
  const template = withLanguageExtensionsExpanded(source, options)
  const result = transformTemplate(template.value, {parameters, region: options.region, isFloat: template.isFloat})
  if (result.kind === 'unsupported') throw unsupportedError(result.unsupported)
  if (result.kind === 'invalid') {
    const localCode = result.errors.some((error) => error.includes('is not a valid S3 Uri'))
    // Each error with the line:column of the resource property it names, so an editor can jump there.
    const located = result.errors.map((error) => locateTransformError(error, template))
    throw new LpackError('TRANSFORM_FAILED', [result.message, ...located.map((error) => formatLocatedError(options.templateFile, error))].join('\n'), {
      details: {
        errors: result.errors,
        locations: located.map(({path, range}) => ({path: path.join('/'), line: range.line, column: range.column})),
      },
      ...(localCode
        ? {hint: 'The template points at local code. Transform the packaged template (`lpack package -o packaged.yaml`, then `lpack transform -t packaged.yaml`), or let `lpack deploy` do all three steps.'}
        : {}),
    })
  }
  const text = options.format === 'json' ? JSON.stringify(result.template, null, 2) + '\n' : await toYaml(result.template)
  if (options.outputFile) await writeOutputFile(options.outputFile, '--output', text)
  return {templateFile: options.templateFile, outputFile: options.outputFile, format: options.format, template: result.template, text}
}

/**
 * The template with AWS::LanguageExtensions expanded when it comes alone or before the SAM transform, positions
 * still those of the file. Throws TRANSFORM_FAILED at the loop CloudFormation would reject, UNSUPPORTED_CONSTRUCT
 * for other transforms with it, or a value only CloudFormation can know.
 */
function withLanguageExtensionsExpanded(source: Template, options: TransformFileOptions): Template {
  const transforms = transformsOf(source.value)
  if (!transforms.includes(LANGUAGE_EXTENSIONS_TRANSFORM)) return source
  if (!expandsLanguageExtensionsLocally(transforms)) {
    throw new LpackError('UNSUPPORTED_CONSTRUCT', `lpack expands AWS::LanguageExtensions only alone or before AWS::Serverless-2016-10-31, not with ${transforms.join(', ')}`, {
      hint: 'Deploy with `lpack deploy`: it leaves such transforms to CloudFormation.',
    })
  }
  let expansion: LanguageExtensionsResult
  try {
    expansion = expandLanguageExtensions(source.value, {parameters: {...options.parameterOverrides}, region: options.region})
  } catch (error) {
    const path = isLpackError(error) ? (error.details?.path as TemplatePath | undefined) : undefined
    if (path === undefined) throw error
    const range = source.locate(path)
    throw new LpackError('TRANSFORM_FAILED', `${options.templateFile}:${range.line}:${range.column}: ${error instanceof Error ? error.message : String(error)}`, {
      ...(isLpackError(error) && error.hint !== undefined ? {hint: error.hint} : {}),
      details: {path: path.join('/'), line: range.line, column: range.column},
    })
  }
  if (expansion.kind === 'needs-cloudformation') {
    throw new LpackError('UNSUPPORTED_CONSTRUCT', `lpack cannot expand AWS::LanguageExtensions here: ${expansion.reason} (${expansion.path.join('/')})`, {
      hint: 'Give the value with --parameter-overrides, or deploy with `lpack deploy`, which leaves such templates to CloudFormation.',
      details: {path: expansion.path.join('/')},
    })
  }
  const localCode = localCodeInLoopsError(expansion)
  if (localCode !== undefined) throw localCode
  return expandedTemplateOf(source, expansion)
}

function unsupportedError(unsupported: UnsupportedConstruct[]): LpackError {
  const list = unsupported.map((item) => `${item.logicalId} (${item.construct})`).join(', ')
  return new LpackError('UNSUPPORTED_CONSTRUCT', `lpack cannot transform these SAM constructs yet: ${list}`, {
    hint: 'Deploy with `lpack deploy` (it leaves the Transform to CloudFormation for such templates) or `--transform server`.',
    details: {unsupported},
  })
}

async function toYaml(template: Record<string, unknown>): Promise<string> {
  const {serializeTemplateYaml} = await import('../template/serialize.js')
  return serializeTemplateYaml(template)
}
