import {invalidResource} from '../errors.js'
import {isObject, type JsonObject} from '../json.js'

const DYNAMIC_REFERENCE = /{{resolve:(ssm|ssm-secure|secretsmanager):[a-zA-Z0-9_.\-/]+(:\d+)?}}/

/** `s3://bucket/key?versionId=v` or `{Bucket, Key, Version}` → `{S3Bucket, S3Key, S3ObjectVersion}`. */
export function s3Location(location: unknown, logicalId: string, propertyName: string): JsonObject {
  let pointer: JsonObject
  if (isObject(location)) {
    if (!location.Bucket || !location.Key) throw invalidResource(logicalId, `'${propertyName}' requires Bucket and Key properties to be specified.`)
    pointer = location
  } else if (typeof location === 'string') {
    const match = DYNAMIC_REFERENCE.exec(location)
    if (match && match[0].includes('/')) {
      throw invalidResource(logicalId, `Unsupported dynamic reference detected in '${propertyName}'. Please consider using alternative 'FunctionCode' object format.`)
    }
    const parsed = parseS3Uri(location)
    if (!parsed) {
      throw invalidResource(logicalId, `'${propertyName}' is not a valid S3 Uri of the form 's3://bucket/key' with optional versionId query parameter.`)
    }
    pointer = parsed
  } else {
    throw invalidResource(logicalId, `'${propertyName}' must be of type dict or string.`)
  }
  const code: JsonObject = {S3Bucket: pointer.Bucket, S3Key: pointer.Key}
  if ('Version' in pointer) code.S3ObjectVersion = pointer.Version
  return code
}

export function parseS3Uri(uri: string): JsonObject | undefined {
  const match = /^s3:\/\/([^/?#]+)(\/[^?#]*)(?:\?([^#]*))?/.exec(uri)
  if (!match || match[2]!.length === 0) return undefined
  // Python's urlparse rejects brackets that do not hold an IPv6 address, and SAM then rejects the URI.
  if (/[[\]]/.test(match[1]!) && !/^\[[0-9a-fA-F:.]+\](:\d*)?$/.test(match[1]!)) return undefined
  const pointer: JsonObject = {Bucket: match[1], Key: match[2]!.replace(/^\/+/, '')}
  const versions = new URLSearchParams(match[3] ?? '').getAll('versionId').filter((v) => v !== '')
  if (versions.length === 1) pointer.Version = versions[0]
  return pointer
}

/**
 * `DefinitionUri` (Api, HttpApi, StateMachine) as the `{Bucket, Key, Version?}` location CloudFormation takes, with
 * SAM's errors: an object needs Bucket and Key, a string must be an s3:// URI.
 */
export function definitionUriLocation(logicalId: string, uri: unknown): JsonObject {
  let pointer: JsonObject | undefined
  if (isObject(uri)) {
    if (!uri.Bucket || !uri.Key) throw invalidResource(logicalId, "'DefinitionUri' requires Bucket and Key properties to be specified.")
    pointer = uri
  } else {
    pointer = typeof uri === 'string' ? parseS3Uri(uri) : undefined
    if (!pointer) throw invalidResource(logicalId, "'DefinitionUri' is not a valid S3 Uri of the form 's3://bucket/key' with optional versionId query parameter.")
  }
  const location: JsonObject = {Bucket: pointer.Bucket, Key: pointer.Key}
  if ('Version' in pointer) location.Version = pointer.Version
  return location
}

/** The function's `Code` from InlineCode, CodeUri or ImageUri, with SAM's precedence and errors. */
export function functionCode(logicalId: string, properties: JsonObject): JsonObject {
  const packageType = properties.PackageType ?? 'Zip'
  if (packageType !== 'Zip' && packageType !== 'Image') throw invalidResource(logicalId, `invalid 'PackageType' : ${String(packageType)}`)
  let code: JsonObject
  if (packageType === 'Zip') {
    if (properties.InlineCode !== undefined && properties.InlineCode !== null) code = {ZipFile: properties.InlineCode}
    else if (properties.CodeUri !== undefined && properties.CodeUri !== null) code = s3Location(properties.CodeUri, logicalId, 'CodeUri')
    else throw invalidResource(logicalId, "Only one of 'InlineCode' or 'CodeUri' can be set.")
  } else {
    if (properties.ImageUri === undefined || properties.ImageUri === null) throw invalidResource(logicalId, "'ImageUri' must be set.")
    if (!properties.ImageUri) throw invalidResource(logicalId, "'ImageUri' requires that a image hosted at a registry be specified.")
    code = {ImageUri: properties.ImageUri}
  }
  if (properties.SourceKMSKeyArn && packageType === 'Zip') code.SourceKMSKeyArn = properties.SourceKMSKeyArn
  return code
}
