import {didYouMean, type RuleContext} from './context.js'

const SECTIONS = ['AWSTemplateFormatVersion', 'Conditions', 'Description', 'Globals', 'Mappings', 'Metadata', 'Outputs', 'Parameters', 'Resources', 'Rules', 'Transform']

/** Top-level sections, and SAM resources or Globals in a template that does not declare the SAM transform. */
export function checkStructure(context: RuleContext): void {
  for (const section of Object.keys(context.root)) {
    if (SECTIONS.includes(section)) continue
    const suggestion = didYouMean(section, SECTIONS)
    context.report('LP1001', [section], `Unknown top-level section ${section}${suggestion ? `; did you mean ${suggestion}?` : ''}`, `Template sections are ${SECTIONS.join(', ')}.`, {atKey: true})
  }
  if (context.hasSamTransform) return
  const hint = 'Add `Transform: AWS::Serverless-2016-10-31` at the top of the template.'
  if (context.root.Globals !== undefined) context.report('LP1006', ['Globals'], 'Globals is a SAM section, but the template does not declare the SAM transform', hint, {atKey: true})
  for (const id of Object.keys(context.resources).sort()) {
    const type = context.typeOf(id)
    if (type?.startsWith('AWS::Serverless::')) context.report('LP1006', ['Resources', id, 'Type'], `${id} is an ${type}, but the template does not declare the SAM transform`, hint)
  }
}
