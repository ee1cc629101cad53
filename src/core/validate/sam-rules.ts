import {isObject} from '../json.js'
import {findLocalPaths, setAtPath, type LocationShape} from '../template/local-paths.js'
import {SAM_TRANSFORM, transformsOf} from '../transform/language-extensions.js'
import type {RuleContext} from './context.js'

/** Where local paths point while the transform checks the template: any well-formed S3 location does. */
const PLACEHOLDER_BUCKET = 'lpack-validate-placeholder'

/**
 * What the SAM translator itself would reject: a DefaultAuthorizer not among the Authorizers, an event property
 * SAM does not define, a connector between resources it cannot connect, a SimpleTable key without a Type… The
 * schemas catch the shapes; these need SAM's own knowledge, which lpack's transform has (identical to the
 * translator on what it covers). So validate runs that transform on a copy of the template whose local paths are
 * placeholders (packaging would make them S3 locations) and reports each error where it points (LP1010).
 * Templates with constructs lpack leaves to CloudFormation's transform are not checked here, nor templates with
 * other transforms. AWS::LanguageExtensions is expanded before the rules run (validate/language-extensions.ts):
 * what stays here is a template lpack leaves to CloudFormation.
 */
export async function checkSamTranslation(context: RuleContext): Promise<void> {
  const transforms = transformsOf(context.root)
  if (transforms.length === 0 || transforms.some((name) => name !== SAM_TRANSFORM)) return
  // The transform is large; templates without the SAM transform never load it.
  const {transformTemplate} = await import('../transform/index.js')
  const {locateTransformError} = await import('../transform/locate.js')
  const result = transformTemplate(packagedStandIn(context.root), {isFloat: context.template.isFloat})
  if (result.kind !== 'invalid') return
  // A value a schema or rule already reported is not reported again in SAM's words.
  const reported = new Set(context.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.column}`))
  for (const error of result.errors) {
    const located = locateTransformError(error, context.template)
    if (reported.has(`${located.range.line}:${located.range.column}`)) continue
    context.report('LP1010', located.path, error, 'lpack transform and lpack deploy stop here, as the AWS SAM translator does.')
  }
}

/** A copy of the template as packaging would leave it: every local path (and code left to the folder) in S3. */
function packagedStandIn(root: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(root)
  for (const ref of findLocalPaths(copy, {includeCode: true})) setAtPath(copy, ref.path, s3Location(ref.shape, ref.path.join('/')))
  const resources = isObject(copy.Resources) ? copy.Resources : {}
  const globalCode = isObject(copy.Globals) && isObject(copy.Globals.Function) ? copy.Globals.Function : undefined
  if (globalCode !== undefined && typeof globalCode.CodeUri === 'string') globalCode.CodeUri = s3Location({kind: 's3-uri'}, 'Globals/Function/CodeUri')
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isObject(resource) || resource.Type !== 'AWS::Serverless::Function') continue
    const properties = isObject(resource.Properties) ? resource.Properties : (resource.Properties = {})
    // A zip function without CodeUri ships the template's folder (LP3030): `lpack build` gives it a CodeUri.
    const needsCode = !('CodeUri' in properties) && !('InlineCode' in properties) && !('ImageUri' in properties) && properties.PackageType !== 'Image'
    if (needsCode && globalCode?.CodeUri === undefined) properties.CodeUri = s3Location({kind: 's3-uri'}, `Resources/${logicalId}/Properties/CodeUri`)
  }
  return copy
}

function s3Location(shape: LocationShape, key: string): unknown {
  switch (shape.kind) {
    case 's3-uri':
      return `s3://${PLACEHOLDER_BUCKET}/${key}`
    case 'bucket-key':
      return {[shape.bucket]: PLACEHOLDER_BUCKET, [shape.key]: key}
    case 'template-url':
      return `https://${PLACEHOLDER_BUCKET}.s3.amazonaws.com/${key}`
  }
}
