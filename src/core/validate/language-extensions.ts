import {isLpackError} from '../../errors.js'
import type {Template, TemplatePath} from '../template/template.js'
import {expandedTemplateOf, expandLanguageExtensions, expandsLanguageExtensionsLocally, LANGUAGE_EXTENSIONS_TRANSFORM, localCodeInLoops, transformsOf} from '../transform/language-extensions.js'

export type TemplateToValidate =
  /** The template as written: no AWS::LanguageExtensions, or one lpack leaves to CloudFormation. */
  | {kind: 'as-written'; template: Template}
  /**
   * AWS::LanguageExtensions expanded: rules see what the SAM transform and CloudFormation will, at source positions.
   * `localCodeInLoops`: where a loop makes a resource with local code, which lpack does not build (LP1012).
   */
  | {kind: 'expanded'; template: Template; localCodeInLoops: TemplatePath[]}
  /** CloudFormation would reject a loop: reported (LP1011), and the rules see the template as written. */
  | {kind: 'rejected'; template: Template; path: TemplatePath; reason: string}

/**
 * What validate checks of a template with AWS::LanguageExtensions: its expansion with the parameters' Defaults,
 * as `lpack deploy` expands it, so that a loop's resources, the properties a loop makes and SAM's rules are checked
 * as CloudFormation will see them, each diagnostic at the source the value came from.
 */
export function templateToValidate(template: Template): TemplateToValidate {
  const transforms = transformsOf(template.value)
  if (!transforms.includes(LANGUAGE_EXTENSIONS_TRANSFORM) || !expandsLanguageExtensionsLocally(transforms)) return {kind: 'as-written', template}
  try {
    const expansion = expandLanguageExtensions(template.value)
    if (expansion.kind === 'needs-cloudformation') return {kind: 'as-written', template}
    return {kind: 'expanded', template: expandedTemplateOf(template, expansion), localCodeInLoops: localCodeInLoops(expansion)}
  } catch (error) {
    if (!isLpackError(error) || !Array.isArray(error.details?.path)) throw error
    return {kind: 'rejected', template, path: error.details.path as TemplatePath, reason: String(error.details.reason)}
  }
}
