import type {S3Client} from '@aws-sdk/client-s3'

import {awsError, awsErrorName, httpStatusOf} from '../../aws/errors.js'
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
export async function ensureManagedBucket(s3: S3Client, options: {accountId: string; region: string; reporter: Reporter; plainHttp?: boolean}): Promise<string> {
  const sdk = await import('@aws-sdk/client-s3')
  const bucket = managedBucketName(options.accountId, options.region)
  const owner = options.accountId
  try {
    await s3.send(new sdk.HeadBucketCommand({Bucket: bucket, ExpectedBucketOwner: owner}))
    return bucket
  } catch (error) {
    const status = httpStatusOf(error)
    if (status === 403) {
      throw new LpackError('UPLOAD_FAILED', `The managed artifacts bucket ${bucket} refuses account ${owner} (403)`, {
        hint: options.plainHttp
          ? `Either another account owns it (pass a bucket you own with --s3-bucket), or ${managedBucketForbiddenHint(bucket, true)}`
          : 'Another account owns it, or its policy was changed: pass a bucket you own with --s3-bucket.',
      })
    }
    if (status !== 404 && awsErrorName(error) !== 'NotFound' && awsErrorName(error) !== 'NoSuchBucket') {
      throw awsError(error, `Checking the artifacts bucket ${bucket}`, 'UPLOAD_FAILED')
    }
  }
  options.reporter.emit({kind: 'package.bucket.create', data: {bucket, tlsOnly: !options.plainHttp}})
  if (options.plainHttp) {
    options.reporter.emit({kind: 'package.bucket.no-tls-policy', data: {bucket}})
  }
  try {
    await s3.send(
      new sdk.CreateBucketCommand({
        Bucket: bucket,
        ...(options.region === 'us-east-1' ? {} : {CreateBucketConfiguration: {LocationConstraint: options.region as never}}),
      }),
    )
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
    if (!options.plainHttp) await s3.send(new sdk.PutBucketPolicyCommand({Bucket: bucket, ExpectedBucketOwner: owner, Policy: JSON.stringify(tlsOnlyPolicy(bucket))}))
  } catch (error) {
    if (awsErrorName(error) === 'BucketAlreadyOwnedByYou') return bucket
    throw awsError(error, `Creating the artifacts bucket ${bucket}`, 'UPLOAD_FAILED')
  }
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
