import {dirname, extname} from 'node:path'

import type {AwsAccess} from '../../aws/clients.js'
import {LpackError} from '../../errors.js'
import type {Reporter} from '../events.js'
import {checkOutputFile, writeOutputFile} from '../output-file.js'
import type {TemplatePath} from '../template/template.js'
import {type BuildOutput, readBuildOutput} from './build-dir.js'
import {planLocalArtifacts} from './local-artifacts.js'
import {ensureManagedBucket, managedBucketForbiddenHint} from './managed-bucket.js'
import {planPackage} from './plan.js'
import {abortLeftoverMultipartUploads, type UploadTarget, uploadContents} from './upload.js'

export {readBuildOutput} from './build-dir.js'

export interface PackageOptions {
  /** The `lpack build` output folder. */
  buildDir: string
  /** An already-read build output (deploy has it in hand); read from buildDir otherwise. */
  build?: BuildOutput
  bucket?: string
  resolveS3?: boolean
  prefix?: string
  kmsKeyId?: string
  /** Write the packaged template here (YAML, or JSON when the name ends in .json). */
  outputFile?: string
  concurrency?: number
  aws: AwsAccess
  reporter: Reporter
  signal?: AbortSignal
}

export interface PackagedArtifact {
  logicalId: string
  /** For files other than built code (definitions, includes, nested templates): the template property. */
  property?: string
  key: string
  sha256: string
  bytes: number
  uploaded: boolean
}

export interface PackageResult {
  bucket: string
  prefix?: string
  /** The template with S3 code locations. */
  template: Record<string, unknown>
  /** Template.isFloat of the built template (packaging changes no number), for the transform and the YAML output. */
  isFloat: (path: TemplatePath) => boolean
  outputFile?: string
  artifacts: PackagedArtifact[]
  uploadedCount: number
  uploadedBytes: number
  skippedCount: number
  /** Where the next uploads (e.g. a large template) go. */
  target: UploadTarget
}

export const DEFAULT_UPLOAD_CONCURRENCY = 4

/**
 * `lpack package`: puts each built zip in S3 under `<prefix>/<sha256>.zip` (skipping those already there), and
 * every other local path the template names — AWS::Include files, API and state machine definitions, nested
 * templates (packaged themselves) — under its own content key, and returns the template rewritten to those
 * locations, as `aws cloudformation package` writes them.
 */
export async function packageBuild(options: PackageOptions): Promise<PackageResult> {
  if (options.outputFile !== undefined) checkOutputFile(options.outputFile, '--output-template-file')
  const build = options.build ?? (await readBuildOutput(options.buildDir))
  const accountId = await options.aws.accountId().catch(async (error) => {
    const {awsError} = await import('../../aws/errors.js')
    throw awsError(error, 'Looking up the AWS account (STS GetCallerIdentity)')
  })
  const store = options.aws.artifactStore()
  let bucket = options.bucket
  const plainHttp = options.aws.customS3Endpoint()?.toLowerCase().startsWith('http://') ?? false
  let forbiddenHint: string | undefined
  if (bucket === undefined) {
    if (!options.resolveS3) {
      throw new LpackError('USAGE', 'No S3 bucket for the artifacts', {hint: 'Pass --s3-bucket NAME, or --resolve-s3 to let lpack create and reuse a managed bucket.'})
    }
    bucket = await ensureManagedBucket(store, {accountId, region: options.aws.region, reporter: options.reporter, plainHttp})
    forbiddenHint = managedBucketForbiddenHint(bucket, plainHttp)
  }
  const target: UploadTarget = {bucket, expectedOwner: accountId, kmsKeyId: options.kmsKeyId, forbiddenHint}
  const plan = planPackage({buildDir: build.buildDir, artifacts: build.manifest.artifacts, template: build.template, bucket, prefix: options.prefix})
  // The other local paths of the built template (relative to its folder): definitions, includes, nested stacks.
  const local = await planLocalArtifacts(plan.template, dirname(build.templateFile), {bucket, prefix: options.prefix, region: options.aws.region, customEndpoint: options.aws.customS3Endpoint()})
  const codeKeys = new Set(plan.uploads.map((upload) => upload.key))
  const localUploads = local.uploads.filter((upload) => !codeKeys.has(upload.key))
  const outcomes = await uploadContents(
    store,
    target,
    [...plan.uploads.map((upload) => ({label: upload.logicalId, key: upload.key, sha256: upload.sha256, file: upload.file})), ...localUploads],
    {concurrency: options.concurrency ?? DEFAULT_UPLOAD_CONCURRENCY, reporter: options.reporter, signal: options.signal},
  ).finally(local.cleanUp)
  await abortLeftoverMultipartUploads(store, target, {prefix: options.prefix, settledKeys: new Set(outcomes.map((outcome) => outcome.key)), reporter: options.reporter})
  const byKey = new Map(outcomes.map((outcome) => [outcome.key, outcome]))
  const artifacts: PackagedArtifact[] = [
    ...plan.uploads.map((upload) => {
      const outcome = byKey.get(upload.key)!
      return {logicalId: upload.logicalId, key: upload.key, sha256: upload.sha256, bytes: outcome.bytes, uploaded: outcome.uploaded}
    }),
    ...localUploads.map((upload) => {
      const outcome = byKey.get(upload.key)!
      return {logicalId: upload.logicalId, property: upload.property, key: upload.key, sha256: upload.sha256, bytes: outcome.bytes, uploaded: outcome.uploaded}
    }),
  ]
  const uploaded = outcomes.filter((outcome) => outcome.uploaded)
  const result: PackageResult = {
    bucket,
    ...(options.prefix === undefined ? {} : {prefix: options.prefix}),
    template: local.template,
    isFloat: build.isFloat,
    artifacts,
    uploadedCount: uploaded.length,
    uploadedBytes: uploaded.reduce((sum, outcome) => sum + outcome.bytes, 0),
    skippedCount: outcomes.length - uploaded.length,
    target,
  }
  if (options.outputFile !== undefined) {
    await writeOutputFile(options.outputFile, '--output-template-file', await formatTemplate(local.template, options.outputFile, build.isFloat))
    result.outputFile = options.outputFile
  }
  options.reporter.emit({
    kind: 'package.done',
    data: {bucket, artifactCount: artifacts.length, uploadedCount: result.uploadedCount, uploadedBytes: result.uploadedBytes, skippedCount: result.skippedCount},
  })
  return result
}

async function formatTemplate(template: Record<string, unknown>, file: string, isFloat: (path: TemplatePath) => boolean): Promise<string> {
  if (extname(file).toLowerCase() === '.json') return JSON.stringify(template, null, 2) + '\n'
  const {serializeTemplateYaml} = await import('../template/serialize.js')
  return serializeTemplateYaml(template, {isFloat})
}
