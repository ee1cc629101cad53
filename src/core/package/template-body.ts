import {createHash} from 'node:crypto'

import type {ArtifactStore} from '../../aws/s3.js'
import type {TemplatePath} from '../template/template.js'
import type {Reporter} from '../events.js'
import {contentKey} from './plan.js'
import {type UploadTarget, uploadContents} from './upload.js'

/** CloudFormation takes a TemplateBody of at most 51,200 bytes; larger templates must come from S3. */
export const MAX_TEMPLATE_BODY_BYTES = 51_200

/**
 * The template as sent to CloudFormation: compact JSON, keys in template order (deterministic for one input). With
 * `isFloat` (the loaded template's), a whole number the template wrote as a float is written `3.0`, not `3`: a
 * transform CloudFormation runs reads it as the float it was (SAM's `OpenApiVersion: 3.0`).
 */
export function serializeTemplate(template: Record<string, unknown>, isFloat?: (path: TemplatePath) => boolean): string {
  return isFloat ? jsonKeepingFloats(template, [], isFloat) : JSON.stringify(template)
}

/** JSON.stringify's text, with integral numbers at float paths given a fraction. */
function jsonKeepingFloats(value: unknown, path: TemplatePath, isFloat: (path: TemplatePath) => boolean): string {
  if (typeof value === 'number' && Number.isSafeInteger(value) && isFloat(path)) return `${value}.0`
  if (Array.isArray(value)) return `[${value.map((item, index) => (item === undefined ? 'null' : jsonKeepingFloats(item, [...path, index], isFloat))).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const members = Object.entries(value).filter(([, item]) => item !== undefined)
    return `{${members.map(([key, item]) => `${JSON.stringify(key)}:${jsonKeepingFloats(item, [...path, key], isFloat)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

export type TemplateSource = {TemplateBody: string} | {TemplateURL: string}

/**
 * The template argument for CloudFormation: the body itself when it fits, otherwise the body uploaded to S3
 * under its content key and passed as TemplateURL (path-style on a custom endpoint, virtual-hosted on AWS).
 */
export async function templateSource(
  body: string,
  options: {store: ArtifactStore; target?: UploadTarget; prefix?: string; region: string; customEndpoint?: string; reporter: Reporter},
): Promise<TemplateSource> {
  const bytes = Buffer.from(body, 'utf8')
  if (bytes.byteLength <= MAX_TEMPLATE_BODY_BYTES) return {TemplateBody: body}
  if (options.target === undefined) {
    const {LpackError} = await import('../../errors.js')
    throw new LpackError('TEMPLATE_TOO_LARGE', `The template is ${bytes.byteLength} bytes; CloudFormation takes at most ${MAX_TEMPLATE_BODY_BYTES} bytes inline`, {
      hint: 'Give an S3 bucket (--s3-bucket or --resolve-s3) so lpack can pass the template through S3.',
    })
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const key = contentKey(options.prefix, sha256, 'template.json')
  await uploadContents(options.store, options.target, [{label: 'template', key, sha256, body: bytes, contentType: 'application/json'}], {concurrency: 1, reporter: options.reporter})
  return {TemplateURL: objectUrl(options.target.bucket, key, options.region, options.customEndpoint)}
}

export function objectUrl(bucket: string, key: string, region: string, customEndpoint?: string): string {
  const path = key.split('/').map(encodeURIComponent).join('/')
  if (customEndpoint !== undefined) return `${customEndpoint.replace(/\/+$/, '')}/${bucket}/${path}`
  return `https://${bucket}.s3.${region}.amazonaws.com/${path}`
}
