import {join} from 'node:path'

import {LpackError} from '../../errors.js'
import type {ManifestArtifact} from '../build/manifest.js'

/** One zip to put in S3 under its content key. */
export interface ArtifactUpload {
  logicalId: string
  kind: string
  file: string
  sha256: string
  bytes: number
  key: string
}

export interface PackagePlan {
  uploads: ArtifactUpload[]
  /** The template with every code location pointing at its S3 object. */
  template: Record<string, unknown>
}

/** Where each resource type keeps its code, and how an S3 location is written there. */
const CODE_PROPERTIES: Record<string, {property: string; location: (bucket: string, key: string) => unknown}> = {
  'AWS::Serverless::Function': {property: 'CodeUri', location: (bucket, key) => `s3://${bucket}/${key}`},
  'AWS::Serverless::LayerVersion': {property: 'ContentUri', location: (bucket, key) => `s3://${bucket}/${key}`},
  'AWS::Lambda::Function': {property: 'Code', location: (bucket, key) => ({S3Bucket: bucket, S3Key: key})},
  'AWS::Lambda::LayerVersion': {property: 'Content', location: (bucket, key) => ({S3Bucket: bucket, S3Key: key})},
}

/** The S3 key of content with this sha256: `<prefix>/<sha256>.<extension>`. Same bytes, same key. */
export function contentKey(prefix: string | undefined, sha256: string, extension: string): string {
  const cleaned = (prefix ?? '').replace(/^\/+|\/+$/g, '')
  return `${cleaned === '' ? '' : cleaned + '/'}${sha256}.${extension}`
}

/**
 * Pure: which artifacts go to which content keys, and the template rewritten to point at them. Uploads are
 * sorted by logical id and deduplicated by key (two functions with identical zips share one object).
 */
export function planPackage(options: {
  buildDir: string
  artifacts: readonly ManifestArtifact[]
  template: Record<string, unknown>
  bucket: string
  prefix?: string
}): PackagePlan {
  const template = structuredClone(options.template)
  const resources = (template.Resources ?? {}) as Record<string, {Type?: unknown; Properties?: Record<string, unknown>}>
  const uploads = new Map<string, ArtifactUpload>()
  const artifacts = [...options.artifacts].sort((a, b) => (a.logicalId < b.logicalId ? -1 : a.logicalId > b.logicalId ? 1 : 0))
  for (const artifact of artifacts) {
    const resource = resources[artifact.logicalId]
    const code = typeof resource?.Type === 'string' ? CODE_PROPERTIES[resource.Type] : undefined
    if (!resource || !code) {
      throw new LpackError('BUILD_REQUIRED', `The build manifest lists ${artifact.logicalId}, but the built template has no function or layer of that name`, {
        hint: 'The build folder is out of date: run `lpack build` again.',
      })
    }
    const key = contentKey(options.prefix, artifact.sha256, 'zip')
    if (!uploads.has(key)) {
      uploads.set(key, {
        logicalId: artifact.logicalId,
        kind: artifact.kind,
        file: join(options.buildDir, artifact.zip),
        sha256: artifact.sha256,
        bytes: artifact.zippedBytes,
        key,
      })
    }
    resource.Properties = {...resource.Properties, [code.property]: code.location(options.bucket, key)}
  }
  return {uploads: [...uploads.values()], template}
}
