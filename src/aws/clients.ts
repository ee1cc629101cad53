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
import type {STSClient} from '@aws-sdk/client-sts'

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
  // lpack pins its SDK versions, so the SDK's warning about its own future Node requirement only adds noise
  // to every command's output; a user who sets the variable keeps their choice.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
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
  return new S3Client({
    ...commonConfig(options),
    forcePathStyle: customEndpoint,
    // lpack sends its own SHA-256 with every upload; the SDK adds no CRC of its own.
    requestChecksumCalculation: 'WHEN_REQUIRED',
  })
}

export async function createCloudFormationClient(options: AwsOptions): Promise<CloudFormationClient> {
  const {CloudFormationClient} = await import('@aws-sdk/client-cloudformation')
  return new CloudFormationClient(commonConfig(options))
}

export async function createStsClient(options: AwsOptions): Promise<STSClient> {
  const {STSClient} = await import('@aws-sdk/client-sts')
  return new STSClient(commonConfig(options))
}

/** The clients one command uses, built on first use and shared; the account id is asked for once. */
export class AwsSession {
  private s3Client?: Promise<S3Client>
  private cloudFormationClient?: Promise<CloudFormationClient>
  private account?: Promise<string>

  constructor(readonly options: AwsOptions) {}

  get region(): string {
    return resolveRegion(this.options)
  }

  s3(): Promise<S3Client> {
    return (this.s3Client ??= createS3Client(this.options))
  }

  cloudFormation(): Promise<CloudFormationClient> {
    return (this.cloudFormationClient ??= createCloudFormationClient(this.options))
  }

  /** The caller's account id (STS GetCallerIdentity): S3 calls then name it as ExpectedBucketOwner. */
  accountId(): Promise<string> {
    return (this.account ??= (async () => {
      const {GetCallerIdentityCommand} = await import('@aws-sdk/client-sts')
      const sts = await createStsClient(this.options)
      const identity = await sts.send(new GetCallerIdentityCommand({}))
      if (!identity.Account) throw new Error('STS GetCallerIdentity returned no account')
      return identity.Account
    })())
  }

  /** The S3 endpoint in use when it is not AWS's own (for path-style object URLs). */
  customS3Endpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
    return this.options.endpointUrl ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL
  }
}
