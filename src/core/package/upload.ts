import {createHash} from 'node:crypto'
import {createReadStream} from 'node:fs'
import {readFile, stat} from 'node:fs/promises'

import {asStageError, httpStatusOf} from '../../aws/errors.js'
import type {ArtifactStore} from '../../aws/s3.js'
import {LpackError} from '../../errors.js'
import type {Reporter} from '../events.js'
import {mapWithConcurrency} from '../concurrency.js'

/** Above this size an object goes up in parts (lib-storage), each part checked by S3 against its SHA-256. */
export const MULTIPART_THRESHOLD_BYTES = 16 * 1024 * 1024
export const PART_SIZE_BYTES = 8 * 1024 * 1024

export interface UploadTarget {
  bucket: string
  /** The bucket's owner: every S3 call names it, so a bucket taken over by another account is refused. */
  expectedOwner?: string
  /** SSE-KMS with this key; AES256 (SSE-S3) when absent. */
  kmsKeyId?: string
  /** The likely cause of a 403, when lpack knows the bucket (one it made): replaces the generic hint. */
  forbiddenHint?: string
}

export interface ContentUpload {
  /** Shown in progress lines. */
  label: string
  key: string
  sha256: string
  /** A file on disk, or bytes in memory. */
  file?: string
  body?: Uint8Array
  contentType?: string
}

export interface UploadOutcome {
  key: string
  sha256: string
  bytes: number
  /** false when an object with the same SHA-256 was already there. */
  uploaded: boolean
}

/**
 * Puts each content under its key unless an object with the same SHA-256 is already there. Every upload
 * carries its SHA-256 (whole object, or per part for multipart) so S3 rejects bytes damaged on the way; the
 * SDK retries 5xx, throttling and resets with backoff. At most `concurrency` uploads run at once.
 */
export async function uploadContents(
  store: ArtifactStore,
  target: UploadTarget,
  contents: readonly ContentUpload[],
  options: {concurrency: number; reporter: Reporter; signal?: AbortSignal},
): Promise<UploadOutcome[]> {
  const progress: UploadProgress = {done: [], aborted: []}
  try {
    return await mapWithConcurrency(contents, options.concurrency, async (content) => {
      try {
        const outcome = await uploadOne(store, target, content, options)
        progress.done.push(content.label)
        return outcome
      } catch (error) {
        const aborted = (error as {abortedMultipart?: string} | undefined)?.abortedMultipart
        if (aborted !== undefined) progress.aborted.push(aborted)
        throw error
      }
    })
  } catch (error) {
    // Every upload in flight has stopped (mapWithConcurrency waits for them), multipart ones aborted.
    if (options.signal?.aborted) throw interruptedUploads(contents.length, progress)
    throw error
  }
}

/** What an interrupted run got done: for the message saying what state S3 is left in. */
interface UploadProgress {
  done: string[]
  /** Multipart uploads that were started and then aborted (no parts left behind). */
  aborted: string[]
}

function interruptedUploads(total: number, progress: UploadProgress): LpackError {
  const parts = [`${progress.done.length} of ${total} upload(s) finished`]
  const aborted = [...progress.aborted].sort()
  if (aborted.length > 0) parts.push(`the multipart upload of ${aborted.join(', ')} aborted (no parts left in S3)`)
  return new LpackError('INTERRUPTED', `Interrupted during the uploads: ${parts.join('; ')}`, {
    hint: 'Run the same command again: what is in S3 already is not uploaded again.',
    details: {uploadsFinished: progress.done.length, uploads: total, abortedMultipartUploads: aborted},
  })
}

async function uploadOne(store: ArtifactStore, target: UploadTarget, content: ContentUpload, options: {reporter: Reporter; signal?: AbortSignal}): Promise<UploadOutcome> {
  options.signal?.throwIfAborted()
  const bytes = content.body?.byteLength ?? (await fileSize(content.file!))
  if (await hasContent(store, target, content)) {
    options.reporter.emit({kind: 'package.skip', data: {label: content.label, bucket: target.bucket, key: content.key, bytes}})
    return {key: content.key, sha256: content.sha256, bytes, uploaded: false}
  }
  options.reporter.emit({kind: 'package.upload.start', data: {label: content.label, bucket: target.bucket, key: content.key, bytes}})
  if (content.file !== undefined && bytes > MULTIPART_THRESHOLD_BYTES) {
    await uploadMultipart(store, target, content, bytes, options.signal)
  } else {
    await uploadSingle(store, target, content, options.signal)
  }
  options.reporter.emit({kind: 'package.upload.done', data: {label: content.label, bucket: target.bucket, key: content.key, bytes}})
  return {key: content.key, sha256: content.sha256, bytes, uploaded: true}
}

async function hasContent(store: ArtifactStore, target: UploadTarget, content: ContentUpload): Promise<boolean> {
  let head
  try {
    head = await store.headObject({bucket: target.bucket, key: content.key}, target.expectedOwner)
  } catch (error) {
    throw uploadError(error, `Checking s3://${target.bucket}/${content.key}`, target)
  }
  // An object under the key whose recorded SHA-256 differs (or is missing) is replaced, never trusted.
  return head?.sha256 === content.sha256
}

async function uploadSingle(store: ArtifactStore, target: UploadTarget, content: ContentUpload, signal?: AbortSignal): Promise<void> {
  const body = content.body ?? (await readFile(content.file!))
  if (createHash('sha256').update(body).digest('hex') !== content.sha256) throw changedOnDisk(content)
  try {
    await store.putObject(target, {label: content.label, key: content.key, sha256: content.sha256, contentType: content.contentType ?? 'application/zip', body}, signal)
  } catch (error) {
    if (signal?.aborted) throw error
    throw uploadError(error, `Uploading ${content.label} to s3://${target.bucket}/${content.key}`, target)
  }
}

async function uploadMultipart(store: ArtifactStore, target: UploadTarget, content: ContentUpload, bytes: number, signal?: AbortSignal): Promise<void> {
  // Hash the file first: the bytes that go up must be the bytes the key names.
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(content.file!)) hash.update(chunk as Buffer)
  if (hash.digest('hex') !== content.sha256) throw changedOnDisk(content)
  try {
    await store.putObjectInParts(
      target,
      {label: content.label, key: content.key, sha256: content.sha256, contentType: content.contentType ?? 'application/zip', file: content.file!, bytes},
      {partSize: PART_SIZE_BYTES, queueSize: 4, signal},
    )
  } catch (error) {
    // Aborted: the store has aborted the upload (no parts left); say which, for the interruption message.
    if (signal?.aborted) throw Object.assign(new Error('Upload aborted'), {name: 'AbortError', abortedMultipart: content.label})
    throw uploadError(error, `Uploading ${content.label} to s3://${target.bucket}/${content.key} in parts`, target)
  }
}

/** An S3 failure during the uploads is the upload's failure; a 403 on a bucket lpack knows gets its likely cause. */
function uploadError(error: unknown, doing: string, target: UploadTarget): LpackError {
  return asStageError(error, 'UPLOAD_FAILED', doing, httpStatusOf(error) === 403 ? target.forbiddenHint : undefined)
}

function changedOnDisk(content: ContentUpload): LpackError {
  return new LpackError('BUILD_REQUIRED', `${content.file} no longer has the SHA-256 the build manifest records (${content.sha256})`, {
    hint: 'The build folder changed after the build: run `lpack build` again.',
  })
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size
  } catch {
    throw new LpackError('BUILD_REQUIRED', `Artifact ${file} is missing`, {hint: 'Run `lpack build` again.'})
  }
}

/** An unfinished multipart upload older than this is abandoned, whatever its key: no upload runs for a day. */
const ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000
/** The last segment of a content key lpack uploads under. */
const CONTENT_NAME = /(^|\/)[0-9a-f]{64}\.(zip|template\.json)$/

/**
 * Aborts the multipart uploads an interrupted earlier run left behind (their parts are stored, and billed, until
 * aborted): lpack's content keys under the prefix whose object is now complete (`settledKeys`: this run uploaded or
 * found it, so nothing can still be writing it), and any of lpack's older than a day. Returns how many; a failure
 * to list or abort is a warning, never the run's failure.
 */
export async function abortLeftoverMultipartUploads(
  store: ArtifactStore,
  target: UploadTarget,
  options: {prefix?: string; settledKeys: ReadonlySet<string>; now?: Date; reporter: Reporter},
): Promise<number> {
  const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '')
  const now = (options.now ?? new Date()).getTime()
  let aborted = 0
  try {
    for (const upload of await store.listMultipartUploads(target.bucket, prefix === '' ? '' : `${prefix}/`, target.expectedOwner)) {
      if (!CONTENT_NAME.test(upload.key)) continue
      const abandoned = upload.initiated !== undefined && now - upload.initiated.getTime() > ABANDONED_AFTER_MS
      if (!options.settledKeys.has(upload.key) && !abandoned) continue
      await store.abortMultipartUpload(target, upload.key, upload.uploadId)
      aborted++
    }
  } catch (error) {
    options.reporter.emit({kind: 'package.multipart-cleanup-failed', data: {bucket: target.bucket, error: (error as Error).message}})
    return aborted
  }
  if (aborted > 0) {
    options.reporter.emit({kind: 'package.multipart-cleanup', data: {bucket: target.bucket, aborted}})
  }
  return aborted
}
