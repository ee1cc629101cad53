/**
 * S3 as lpack uses it: the artifact store. Typed operations that return lpack's own types; every object lpack
 * puts carries its SHA-256 (as a checksum S3 verifies, and as `x-amz-meta-sha256`, what a skip and `lpack gc`
 * decide on). Not-found answers are values (undefined), other failures LpackErrors from awsError (AWS_ERROR:
 * the stage that called re-codes them, see asStageError).
 */
import {createHash} from 'node:crypto'
import {createReadStream} from 'node:fs'

import type {S3Client} from '@aws-sdk/client-s3'

import {awsError, awsErrorName, httpStatusOf} from './errors.js'

/** Object metadata (`x-amz-meta-sha256`) holding the hex SHA-256 of the content: what a skip is decided on. */
export const SHA256_METADATA_KEY = 'sha256'

export interface ObjectLocation {
  bucket: string
  key: string
}

/** What HeadObject says about an object lpack may have written. */
export interface ObjectHead {
  lastModified?: Date
  /** `x-amz-meta-sha256`, which lpack writes with every upload. */
  sha256?: string
}

/** How an object is written: owner check and server-side encryption. */
export interface PutTarget {
  bucket: string
  /** The bucket's owner: every call names it, so a bucket taken over by another account is refused. */
  expectedOwner?: string
  /** SSE-KMS with this key; AES256 (SSE-S3) when absent. */
  kmsKeyId?: string
}

export interface PutContent {
  /** What the object is (a function's logical id, `template`), for messages. */
  label: string
  key: string
  /** Hex SHA-256 of the bytes, checked by S3 and stored as metadata. */
  sha256: string
  contentType: string
}

export interface MultipartUpload {
  key: string
  uploadId: string
  initiated?: Date
}

/** A new bucket: private, versioned, AES256-encrypted by default; the policy when given. */
export interface NewBucket {
  bucket: string
  region: string
  owner: string
  policy?: Record<string, unknown>
}

/** What lpack asks of S3. Core depends on this interface; AwsSession supplies the real one. */
export interface ArtifactStore {
  /** The object's head, or undefined when it (or its bucket) is not there. */
  headObject(location: ObjectLocation, expectedOwner?: string): Promise<ObjectHead | undefined>
  /** One PUT with SHA-256 and MD5 checksums. A failure after `signal` fired is rethrown as the SDK raised it. */
  putObject(target: PutTarget, content: PutContent & {body: Uint8Array}, signal?: AbortSignal): Promise<void>
  /**
   * A file in parts (each part's SHA-256 checked by S3). When `signal` fires the upload is aborted, and awaited,
   * so no parts are left behind; it then rejects with an AbortError.
   */
  putObjectInParts(target: PutTarget, content: PutContent & {file: string; bytes: number}, options: {partSize: number; queueSize: number; signal?: AbortSignal}): Promise<void>
  /** Every unfinished multipart upload under the prefix (`''`: the whole bucket), all pages. */
  listMultipartUploads(bucket: string, prefix: string, expectedOwner?: string): Promise<MultipartUpload[]>
  /** Aborts a multipart upload; one already gone is no failure. */
  abortMultipartUpload(target: PutTarget, key: string, uploadId: string): Promise<void>
  /** Every key under the prefix (`''`: the whole bucket), all pages; undefined when the bucket does not exist. */
  listKeys(bucket: string, prefix: string): Promise<string[] | undefined>
  /**
   * Deletes the object with every version of it: in a versioned bucket a plain delete would only hide the bytes
   * behind a delete marker (still stored, still billed). A missing bucket or object is no failure.
   */
  deleteObjectVersions(location: ObjectLocation, expectedOwner: string): Promise<void>
  /** Whether the bucket exists and answers to this owner. */
  bucketAccess(bucket: string, expectedOwner: string): Promise<'owned' | 'missing' | 'forbidden'>
  /** Creates the bucket (one this account already owns counts as created) with its settings. */
  createBucket(bucket: NewBucket): Promise<void>
}

/** ArtifactStore over the SDK client `client()` returns (built on first use). */
export class SdkArtifactStore implements ArtifactStore {
  constructor(private readonly client: () => Promise<S3Client>) {}

  async headObject(location: ObjectLocation, expectedOwner?: string): Promise<ObjectHead | undefined> {
    const {HeadObjectCommand} = await import('@aws-sdk/client-s3')
    try {
      const head = await (await this.client()).send(new HeadObjectCommand({Bucket: location.bucket, Key: location.key, ExpectedBucketOwner: expectedOwner}))
      const sha256 = head.Metadata?.[SHA256_METADATA_KEY]
      return {...(head.LastModified === undefined ? {} : {lastModified: head.LastModified}), ...(sha256 === undefined ? {} : {sha256})}
    } catch (error) {
      if (httpStatusOf(error) === 404 || ['NotFound', 'NoSuchKey', 'NoSuchBucket'].includes(awsErrorName(error) ?? '')) return undefined
      throw awsError(error, `Checking s3://${location.bucket}/${location.key}`)
    }
  }

  async putObject(target: PutTarget, content: PutContent & {body: Uint8Array}, signal?: AbortSignal): Promise<void> {
    const {PutObjectCommand} = await import('@aws-sdk/client-s3')
    try {
      await (await this.client()).send(
        new PutObjectCommand({
          Bucket: target.bucket,
          Key: content.key,
          Body: content.body,
          ContentType: content.contentType,
          ChecksumSHA256: Buffer.from(content.sha256, 'hex').toString('base64'),
          ContentMD5: createHash('md5').update(content.body).digest('base64'),
          Metadata: {[SHA256_METADATA_KEY]: content.sha256},
          ExpectedBucketOwner: target.expectedOwner,
          ...encryption(target),
        }),
        {abortSignal: signal},
      )
    } catch (error) {
      if (signal?.aborted) throw error
      throw awsError(error, `Uploading ${content.label} to s3://${target.bucket}/${content.key}`)
    }
  }

  async putObjectInParts(target: PutTarget, content: PutContent & {file: string; bytes: number}, options: {partSize: number; queueSize: number; signal?: AbortSignal}): Promise<void> {
    const {Upload} = await import('@aws-sdk/lib-storage')
    const upload = new Upload({
      client: await this.client(),
      queueSize: options.queueSize,
      partSize: options.partSize,
      leavePartsOnError: false,
      params: {
        Bucket: target.bucket,
        Key: content.key,
        Body: createReadStream(content.file),
        ContentLength: content.bytes,
        ContentType: content.contentType,
        ChecksumAlgorithm: 'SHA256',
        Metadata: {[SHA256_METADATA_KEY]: content.sha256},
        ExpectedBucketOwner: target.expectedOwner,
        ...encryption(target),
      },
    })
    const {signal} = options
    const abort = () => void upload.abort()
    signal?.addEventListener('abort', abort, {once: true})
    try {
      await upload.done()
    } catch (error) {
      if (signal?.aborted) {
        // lib-storage's own clean-up runs after done() has already rejected, and the process may end first: the
        // upload is aborted here, and awaited, so no parts are left behind to be billed.
        const uploadId = (upload as unknown as {uploadId?: string}).uploadId
        if (uploadId !== undefined) await this.abortMultipartUpload(target, content.key, uploadId)
        throw Object.assign(new Error('Upload aborted'), {name: 'AbortError'})
      }
      throw awsError(error, `Uploading ${content.label} to s3://${target.bucket}/${content.key} in parts`)
    } finally {
      signal?.removeEventListener('abort', abort)
    }
  }

  async listMultipartUploads(bucket: string, prefix: string, expectedOwner?: string): Promise<MultipartUpload[]> {
    const {ListMultipartUploadsCommand} = await import('@aws-sdk/client-s3')
    const uploads: MultipartUpload[] = []
    let keyMarker: string | undefined
    let uploadIdMarker: string | undefined
    try {
      do {
        const page = await (await this.client()).send(new ListMultipartUploadsCommand({Bucket: bucket, ExpectedBucketOwner: expectedOwner, ...(prefix === '' ? {} : {Prefix: prefix}), KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker}))
        for (const upload of page.Uploads ?? []) {
          if (upload.Key === undefined || upload.UploadId === undefined) continue
          uploads.push({key: upload.Key, uploadId: upload.UploadId, ...(upload.Initiated === undefined ? {} : {initiated: upload.Initiated})})
        }
        keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined
        uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined
      } while (keyMarker !== undefined)
    } catch (error) {
      throw awsError(error, 'Listing multipart uploads')
    }
    return uploads
  }

  async abortMultipartUpload(target: PutTarget, key: string, uploadId: string): Promise<void> {
    const {AbortMultipartUploadCommand} = await import('@aws-sdk/client-s3')
    try {
      await (await this.client()).send(new AbortMultipartUploadCommand({Bucket: target.bucket, Key: key, UploadId: uploadId, ExpectedBucketOwner: target.expectedOwner}))
    } catch (error) {
      // Already aborted (by lib-storage's own clean-up, or another run).
      if (awsErrorName(error) === 'NoSuchUpload' || httpStatusOf(error) === 404) return
      throw awsError(error, `Aborting the multipart upload of s3://${target.bucket}/${key}`)
    }
  }

  async listKeys(bucket: string, prefix: string): Promise<string[] | undefined> {
    const {ListObjectsV2Command} = await import('@aws-sdk/client-s3')
    const keys: string[] = []
    let token: string | undefined
    try {
      do {
        const page = await (await this.client()).send(new ListObjectsV2Command({Bucket: bucket, ContinuationToken: token, ...(prefix === '' ? {} : {Prefix: prefix})}))
        for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key)
        token = page.IsTruncated ? page.NextContinuationToken : undefined
      } while (token)
    } catch (error) {
      if (awsErrorName(error) === 'NoSuchBucket') return undefined
      throw awsError(error, `Listing s3://${bucket}/${prefix.replace(/\/$/, '')}`)
    }
    return keys
  }

  async deleteObjectVersions(location: ObjectLocation, expectedOwner: string): Promise<void> {
    const {DeleteObjectCommand, ListObjectVersionsCommand} = await import('@aws-sdk/client-s3')
    const s3 = await this.client()
    try {
      const listed = await s3.send(new ListObjectVersionsCommand({Bucket: location.bucket, Prefix: location.key, ExpectedBucketOwner: expectedOwner}))
      const versions = [...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])].filter((version) => version.Key === location.key && version.VersionId !== undefined)
      for (const version of versions) {
        await s3.send(new DeleteObjectCommand({Bucket: location.bucket, Key: location.key, VersionId: version.VersionId, ExpectedBucketOwner: expectedOwner}))
      }
      if (versions.length === 0) await s3.send(new DeleteObjectCommand({Bucket: location.bucket, Key: location.key, ExpectedBucketOwner: expectedOwner}))
    } catch (error) {
      if (awsErrorName(error) === 'NoSuchBucket' || awsErrorName(error) === 'NoSuchKey') return
      throw awsError(error, `Deleting s3://${location.bucket}/${location.key}`)
    }
  }

  async bucketAccess(bucket: string, expectedOwner: string): Promise<'owned' | 'missing' | 'forbidden'> {
    const {HeadBucketCommand} = await import('@aws-sdk/client-s3')
    try {
      await (await this.client()).send(new HeadBucketCommand({Bucket: bucket, ExpectedBucketOwner: expectedOwner}))
      return 'owned'
    } catch (error) {
      const status = httpStatusOf(error)
      if (status === 403) return 'forbidden'
      if (status === 404 || awsErrorName(error) === 'NotFound' || awsErrorName(error) === 'NoSuchBucket') return 'missing'
      throw awsError(error, `Checking the artifacts bucket ${bucket}`)
    }
  }

  async createBucket(spec: NewBucket): Promise<void> {
    const sdk = await import('@aws-sdk/client-s3')
    const s3 = await this.client()
    const {bucket, owner} = spec
    try {
      await s3.send(new sdk.CreateBucketCommand({Bucket: bucket, ...(spec.region === 'us-east-1' ? {} : {CreateBucketConfiguration: {LocationConstraint: spec.region as never}})}))
      await s3.send(new sdk.PutPublicAccessBlockCommand({
        Bucket: bucket,
        ExpectedBucketOwner: owner,
        PublicAccessBlockConfiguration: {BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true},
      }))
      await s3.send(new sdk.PutBucketVersioningCommand({Bucket: bucket, ExpectedBucketOwner: owner, VersioningConfiguration: {Status: 'Enabled'}}))
      await s3.send(new sdk.PutBucketEncryptionCommand({
        Bucket: bucket,
        ExpectedBucketOwner: owner,
        ServerSideEncryptionConfiguration: {Rules: [{ApplyServerSideEncryptionByDefault: {SSEAlgorithm: 'AES256'}}]},
      }))
      if (spec.policy !== undefined) await s3.send(new sdk.PutBucketPolicyCommand({Bucket: bucket, ExpectedBucketOwner: owner, Policy: JSON.stringify(spec.policy)}))
    } catch (error) {
      if (awsErrorName(error) === 'BucketAlreadyOwnedByYou') return
      throw awsError(error, `Creating the artifacts bucket ${bucket}`)
    }
  }
}

function encryption(target: PutTarget) {
  return target.kmsKeyId === undefined
    ? {ServerSideEncryption: 'AES256' as const}
    : {ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: target.kmsKeyId}
}
