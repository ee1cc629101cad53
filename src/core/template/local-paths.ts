import {isObject} from '../json.js'

/**
 * Every template property that may hold a local path which `aws cloudformation package` (and `sam package`)
 * uploads to S3, and how the S3 location is written back. The list follows awscli's
 * customizations/cloudformation/artifact_exporter.py (RESOURCES_EXPORT_LIST, METADATA_EXPORT_LIST and the
 * AWS::Include handler) and aws-sam-cli's samcli/lib/package/packageable_resources.py, which adds HttpApi,
 * ApiGatewayV2, AppSync code, GraphQLApi, CloudFormation module and resource versions, and StackSet.
 *
 * Semantics, as there: a folder is zipped; a file is uploaded as it is, unless `forceZip` (Lambda code, a
 * CodeCommit repository) and it is not a zip already, when it is zipped alone. Nested templates are packaged
 * themselves, then uploaded, and the property becomes the template's https URL.
 */
export type LocationShape =
  /** `s3://bucket/key` */
  | {kind: 's3-uri'}
  /** `{Bucket: b, Key: k}` under the given names */
  | {kind: 'bucket-key'; bucket: string; key: string}
  /** A nested template: packaged recursively, then its https URL. */
  | {kind: 'template-url'}

export interface ArtifactProperty {
  type: string
  /** Path under `Properties`; `*` stands for every key of a mapping (GraphQLApi resolvers and functions). */
  path: readonly string[]
  shape: LocationShape
  forceZip?: boolean
  /** Function and layer code: built by `lpack build`, so looked for only in nested templates, which are not built. */
  code?: boolean
}

const S3_URI: LocationShape = {kind: 's3-uri'}
const TEMPLATE_URL: LocationShape = {kind: 'template-url'}
const BUCKET_KEY: LocationShape = {kind: 'bucket-key', bucket: 'Bucket', key: 'Key'}
const S3_BUCKET_KEY: LocationShape = {kind: 'bucket-key', bucket: 'S3Bucket', key: 'S3Key'}

export const ARTIFACT_PROPERTIES: readonly ArtifactProperty[] = [
  {type: 'AWS::Serverless::Function', path: ['CodeUri'], shape: S3_URI, forceZip: true, code: true},
  {type: 'AWS::Serverless::LayerVersion', path: ['ContentUri'], shape: S3_URI, forceZip: true, code: true},
  {type: 'AWS::Lambda::Function', path: ['Code'], shape: S3_BUCKET_KEY, forceZip: true, code: true},
  {type: 'AWS::Lambda::LayerVersion', path: ['Content'], shape: S3_BUCKET_KEY, forceZip: true, code: true},
  {type: 'AWS::Serverless::Api', path: ['DefinitionUri'], shape: S3_URI},
  {type: 'AWS::Serverless::HttpApi', path: ['DefinitionUri'], shape: S3_URI},
  {type: 'AWS::Serverless::StateMachine', path: ['DefinitionUri'], shape: BUCKET_KEY},
  {type: 'AWS::Serverless::GraphQLApi', path: ['SchemaUri'], shape: S3_URI},
  {type: 'AWS::Serverless::GraphQLApi', path: ['Resolvers', '*', '*', 'CodeUri'], shape: S3_URI},
  {type: 'AWS::Serverless::GraphQLApi', path: ['Functions', '*', 'CodeUri'], shape: S3_URI},
  {type: 'AWS::Serverless::Application', path: ['Location'], shape: TEMPLATE_URL},
  {type: 'AWS::CloudFormation::Stack', path: ['TemplateURL'], shape: TEMPLATE_URL},
  {type: 'AWS::CloudFormation::StackSet', path: ['TemplateURL'], shape: TEMPLATE_URL},
  {type: 'AWS::AppSync::GraphQLSchema', path: ['DefinitionS3Location'], shape: S3_URI},
  {type: 'AWS::AppSync::Resolver', path: ['RequestMappingTemplateS3Location'], shape: S3_URI},
  {type: 'AWS::AppSync::Resolver', path: ['ResponseMappingTemplateS3Location'], shape: S3_URI},
  {type: 'AWS::AppSync::Resolver', path: ['CodeS3Location'], shape: S3_URI},
  {type: 'AWS::AppSync::FunctionConfiguration', path: ['RequestMappingTemplateS3Location'], shape: S3_URI},
  {type: 'AWS::AppSync::FunctionConfiguration', path: ['ResponseMappingTemplateS3Location'], shape: S3_URI},
  {type: 'AWS::AppSync::FunctionConfiguration', path: ['CodeS3Location'], shape: S3_URI},
  {type: 'AWS::ApiGateway::RestApi', path: ['BodyS3Location'], shape: BUCKET_KEY},
  {type: 'AWS::ApiGatewayV2::Api', path: ['BodyS3Location'], shape: BUCKET_KEY},
  {type: 'AWS::StepFunctions::StateMachine', path: ['DefinitionS3Location'], shape: BUCKET_KEY},
  {type: 'AWS::ElasticBeanstalk::ApplicationVersion', path: ['SourceBundle'], shape: S3_BUCKET_KEY},
  {type: 'AWS::Glue::Job', path: ['Command', 'ScriptLocation'], shape: S3_URI},
  {type: 'AWS::CloudFormation::ModuleVersion', path: ['ModulePackage'], shape: S3_URI},
  {type: 'AWS::CloudFormation::ResourceVersion', path: ['SchemaHandlerPackage'], shape: S3_URI},
  {type: 'AWS::CodeCommit::Repository', path: ['Code', 'S3'], shape: {kind: 'bucket-key', bucket: 'Bucket', key: 'Key'}, forceZip: true},
]

/** Template-level Metadata with local files (the Serverless Application Repository's README and licence). */
const METADATA_PROPERTIES: readonly {section: string; property: string}[] = [
  {section: 'AWS::ServerlessRepo::Application', property: 'LicenseUrl'},
  {section: 'AWS::ServerlessRepo::Application', property: 'ReadmeUrl'},
]

/** One local path in a template. */
export interface LocalPathRef {
  /** Where the value is, from the template root. */
  path: (string | number)[]
  /** The path as written (relative to the template's folder, or absolute). */
  value: string
  /** The resource it belongs to, or the section (`AWS::Include`, `Metadata`). */
  owner: string
  shape: LocationShape
  forceZip: boolean
}

/** True for a string that names a local file or folder: not an s3:// or https:// location, not empty. */
export function isLocalPath(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)
}

/**
 * Every local path in the template that packaging uploads, in template order. Pure. Function and layer code is
 * left out unless `includeCode` (a nested template, which `lpack build` does not build). Values that are not
 * literal strings (intrinsics, `{Bucket, Key}` objects) are S3 locations already, or computed: left alone.
 */
export function findLocalPaths(template: Record<string, unknown>, options: {includeCode: boolean}): LocalPathRef[] {
  return artifactValues(template, options).filter((ref): ref is LocalPathRef => isLocalPath(ref.value))
}

/**
 * Every S3 object a packaged template names at the properties packaging writes (code included): what `lpack gc`
 * must keep while a stack uses it. `s3://bucket/key` strings and `{Bucket, Key}` / `{S3Bucket, S3Key}` objects.
 */
export function packagedS3Locations(template: Record<string, unknown>): {bucket: string; key: string}[] {
  const found: {bucket: string; key: string}[] = []
  for (const {value} of artifactValues(template, {includeCode: true})) {
    if (typeof value === 'string') {
      const match = /^s3:\/\/([^/]+)\/([^?]+)/.exec(value)
      if (match) found.push({bucket: match[1]!, key: match[2]!})
    } else if (isObject(value)) {
      const bucket = value.S3Bucket ?? value.Bucket
      const key = value.S3Key ?? value.Key
      if (typeof bucket === 'string' && typeof key === 'string') found.push({bucket, key})
    }
  }
  return found
}

/** The value at every packaged property of the template, whatever it holds. */
function artifactValues(template: Record<string, unknown>, options: {includeCode: boolean}): (Omit<LocalPathRef, 'value'> & {value: unknown})[] {
  const refs: (Omit<LocalPathRef, 'value'> & {value: unknown})[] = []
  const metadata = template.Metadata
  if (isObject(metadata)) {
    for (const {section, property} of METADATA_PROPERTIES) {
      const value = isObject(metadata[section]) ? metadata[section][property] : undefined
      if (value !== undefined) refs.push({path: ['Metadata', section, property], value, owner: section, shape: S3_URI, forceZip: false})
    }
  }
  const resources = isObject(template.Resources) ? template.Resources : {}
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isObject(resource) || typeof resource.Type !== 'string' || !isObject(resource.Properties)) continue
    for (const property of ARTIFACT_PROPERTIES) {
      if (property.type !== resource.Type || (property.code && !options.includeCode)) continue
      for (const [path, value] of matches(resource.Properties, property.path)) {
        refs.push({path: ['Resources', logicalId, 'Properties', ...path], value, owner: logicalId, shape: property.shape, forceZip: property.forceZip ?? false})
      }
    }
  }
  findIncludes(template, [], refs)
  return refs
}

/** The values at `pattern` under `root` (`*` matches every key), with their paths. */
function matches(root: unknown, pattern: readonly string[], at: string[] = []): [string[], unknown][] {
  if (pattern.length === 0) return [[at, root]]
  if (!isObject(root)) return []
  const [head, ...rest] = pattern as [string, ...string[]]
  const keys = head === '*' ? Object.keys(root) : Object.hasOwn(root, head) ? [head] : []
  return keys.flatMap((key) => matches(root[key], rest, [...at, key]))
}

/** `Fn::Transform: {Name: AWS::Include, Parameters: {Location: local}}` anywhere in the template. */
function findIncludes(value: unknown, at: (string | number)[], refs: (Omit<LocalPathRef, 'value'> & {value: unknown})[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => findIncludes(item, [...at, index], refs))
    return
  }
  if (!isObject(value)) return
  for (const [key, child] of Object.entries(value)) {
    if (key === 'Fn::Transform' && isObject(child) && child.Name === 'AWS::Include' && isObject(child.Parameters) && typeof child.Parameters.Location === 'string') {
      refs.push({path: [...at, key, 'Parameters', 'Location'], value: child.Parameters.Location, owner: 'AWS::Include', shape: S3_URI, forceZip: false})
      continue
    }
    findIncludes(child, [...at, key], refs)
  }
}

/** Sets the value at `path` (which exists: it came from findLocalPaths). */
export function setAtPath(root: Record<string, unknown>, path: readonly (string | number)[], value: unknown): void {
  let node = root as Record<string | number, unknown>
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>
  node[path[path.length - 1]!] = value
}
