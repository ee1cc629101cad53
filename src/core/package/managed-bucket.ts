import type {S3Client} from '@aws-sdk/client-s3'

import {awsError, awsErrorName, httpStatusOf} from '../../aws/errors.js'
import {LpackError} from '../../errors.js'
import type {Reporter} from '../../io/reporter.js'

/** The artifacts bucket `--resolve-s3` creates or reuses: one per account and region. */
export function managedBucketName(accountId: string, region: string): string {
  return `lpack-artifacts-${accountId}-${region}`
}

/**
 * Makes sure the managed artifacts bucket exists and is owned by this account: created versioned, encrypted
 * (AES256), with every public access blocked and a policy refusing plain-HTTP requests; reused as is when
 * it already exists and this account owns it.
 */
export async function ensureManagedBucket(s3: S3Client, options: {accountId: string; region: string; reporter: Reporter}): Promise<string> {
  const sdk = await import('@aws-sdk/client-s3')
  const bucket = managedBucketName(options.accountId, options.region)
  const owner = options.accountId
  try {
    await s3.send(new sdk.HeadBucketCommand({Bucket: bucket, ExpectedBucketOwner: owner}))
    return bucket
  } catch (error) {
    const status = httpStatusOf(error)
    if (status === 403) {
      throw new LpackError('UPLOAD_FAILED', `The managed artifacts bucket ${bucket} exists but is not owned by account ${owner}`, {
        hint: 'Pass a bucket you own with --s3-bucket.',
      })
    }
    if (status !== 404 && awsErrorName(error) !== 'NotFound' && awsErrorName(error) !== 'NoSuchBucket') {
      throw awsError(error, `Checking the artifacts bucket ${bucket}`, 'UPLOAD_FAILED')
    }
  }
  options.reporter.emit({level: 'info', kind: 'package.bucket.create', message: `Creating the artifacts bucket ${bucket} (versioned, encrypted, private, TLS only)`})
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
    await s3.send(new sdk.PutBucketPolicyCommand({Bucket: bucket, ExpectedBucketOwner: owner, Policy: JSON.stringify(tlsOnlyPolicy(bucket))}))
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
