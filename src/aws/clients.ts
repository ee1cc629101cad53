/**
 * The one door to AWS: every SDK client lpack uses is constructed here, with the same region, profile,
 * endpoint and retry policy. SDK modules are imported lazily so commands that never talk to AWS
 * (validate, build, --help) never load them.
 *
 * Endpoints: `--endpoint-url` wins; otherwise the SDK honours AWS_ENDPOINT_URL and the per-service
 * AWS_ENDPOINT_URL_S3 / _CLOUDFORMATION / _LAMBDA variables itself. With any custom S3 endpoint, S3 is
 * addressed path-style (local servers have no wildcard DNS).
 */
import type {CloudFormationClient} from '@aws-sdk/client-cloudformation'
import type {S3Client} from '@aws-sdk/client-s3'

export interface AwsOptions {
  region?: string
  profile?: string
  endpointUrl?: string
  /** Total attempts per call, first one included. */
  maxAttempts?: number
}

export const DEFAULT_MAX_ATTEMPTS = 5

/** Region from the flag, then the environment, then us-east-1 (as the AWS CLI's default profile would). */
export function resolveRegion(options: AwsOptions, env: NodeJS.ProcessEnv = process.env): string {
  return options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1'
}

function commonConfig(options: AwsOptions) {
  return {
    region: resolveRegion(options),
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryMode: 'standard' as const,
    ...(options.profile ? {profile: options.profile} : {}),
    ...(options.endpointUrl ? {endpoint: options.endpointUrl} : {}),
  }
}

export async function createS3Client(options: AwsOptions, env: NodeJS.ProcessEnv = process.env): Promise<S3Client> {
  const {S3Client} = await import('@aws-sdk/client-s3')
  const customEndpoint = Boolean(options.endpointUrl ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL)
  return new S3Client({...commonConfig(options), forcePathStyle: customEndpoint})
}

export async function createCloudFormationClient(options: AwsOptions): Promise<CloudFormationClient> {
  const {CloudFormationClient} = await import('@aws-sdk/client-cloudformation')
  return new CloudFormationClient(commonConfig(options))
}
