import {asStageError} from '../../aws/errors.js'
import type {ArtifactStore} from '../../aws/s3.js'
import {LpackError} from '../../errors.js'
import type {Reporter} from '../events.js'

/** The artifacts bucket `--resolve-s3` creates or reuses: one per account and region. */
export function managedBucketName(accountId: string, region: string): string {
  return `lpack-artifacts-${accountId}-${region}`
}

/**
 * What a 403 on the managed bucket most likely means. lpack made the bucket, so lpack's own requests are refused
 * either by its TLS-only policy (when they travel over plain HTTP) or by the credentials.
 */
export function managedBucketForbiddenHint(bucket: string, plainHttp: boolean): string {
  return plainHttp
    ? `lpack made ${bucket} with a policy that denies requests not sent over TLS, and this endpoint is plain http://, so the policy refuses lpack itself. Remove it (aws s3api delete-bucket-policy --bucket ${bucket}), or use an https:// endpoint.`
    : `lpack made ${bucket}; a 403 on it means the credentials in use lack s3:GetObject/s3:PutObject on it, or its policy was changed since.`
}

/**
 * Makes sure the managed artifacts bucket exists and is owned by this account: created versioned, encrypted
 * (AES256), with every public access blocked and a policy refusing plain-HTTP requests; reused as is when
 * it already exists and this account owns it.
 *
 * On a plain-HTTP endpoint (`http://…`: moto, LocalStack, an S3-compatible server) no request is ever made over
 * TLS, so the TLS-only policy would deny lpack's own requests: it is left out, and lpack says so.
 */
export async function ensureManagedBucket(store: ArtifactStore, options: {accountId: string; region: string; reporter: Reporter; plainHttp?: boolean}): Promise<string> {
  const bucket = managedBucketName(options.accountId, options.region)
  const owner = options.accountId
  const access = await store.bucketAccess(bucket, owner).catch((error: unknown) => {
    throw asStageError(error, 'UPLOAD_FAILED', `Checking the artifacts bucket ${bucket}`)
  })
  if (access === 'owned') return bucket
  if (access === 'forbidden') {
    throw new LpackError('UPLOAD_FAILED', `The managed artifacts bucket ${bucket} refuses account ${owner} (403)`, {
      hint: options.plainHttp
        ? `Either another account owns it (pass a bucket you own with --s3-bucket), or ${managedBucketForbiddenHint(bucket, true)}`
        : 'Another account owns it, or its policy was changed: pass a bucket you own with --s3-bucket.',
    })
  }
  options.reporter.emit({kind: 'package.bucket.create', data: {bucket, tlsOnly: !options.plainHttp}})
  if (options.plainHttp) {
    options.reporter.emit({kind: 'package.bucket.no-tls-policy', data: {bucket}})
  }
  await store.createBucket({bucket, region: options.region, owner, ...(options.plainHttp ? {} : {policy: tlsOnlyPolicy(bucket)})}).catch((error: unknown) => {
    throw asStageError(error, 'UPLOAD_FAILED', `Creating the artifacts bucket ${bucket}`)
  })
  return bucket
}

export function tlsOnlyPolicy(bucket: string): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        Condition: {Bool: {'aws:SecureTransport': 'false'}},
      },
    ],
  }
}
