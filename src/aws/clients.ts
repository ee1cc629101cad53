/**
 * The one door to AWS: every SDK client lpack uses is constructed here, with the same region, profile,
 * endpoint and retry policy. SDK modules are imported lazily so commands that never talk to AWS
 * (validate, build, --help) never load them.
 *
 * Endpoints: `--endpoint-url` wins; otherwise the SDK honours AWS_ENDPOINT_URL and the per-service
 * AWS_ENDPOINT_URL_S3 / _CLOUDFORMATION / _LAMBDA variables itself. With any custom S3 endpoint, S3 is
 * addressed path-style (local servers have no wildcard DNS).
 *
 * Timeouts: every attempt of every call must connect within the connect timeout and then never wait longer than
 * the request timeout for the next byte (an idle limit, so a large upload on a slow link is not cut short).
 * An endpoint that accepts the connection and never answers therefore fails each attempt instead of hanging
 * lpack; the retries then give up with an error naming the endpoint.
 */
import type {CloudFormationClient} from '@aws-sdk/client-cloudformation'
import type {S3Client} from '@aws-sdk/client-s3'
import type {STSClient} from '@aws-sdk/client-sts'
import type {LambdaClient} from '@aws-sdk/client-lambda'
import type {CloudWatchClient} from '@aws-sdk/client-cloudwatch'
import type {CloudWatchLogsClient} from '@aws-sdk/client-cloudwatch-logs'
import type {SQSClient} from '@aws-sdk/client-sqs'
import type {SNSClient} from '@aws-sdk/client-sns'
import type {CodeDeployClient} from '@aws-sdk/client-codedeploy'

import {LpackError} from '../errors.js'
import {type CloudFormationOperations, SdkCloudFormation} from './cloudformation.js'
import {ENDPOINT_OF_ERROR} from './errors.js'
import {type ArtifactStore, SdkArtifactStore} from './s3.js'
import {callerAccountId} from './sts.js'

export interface AwsOptions {
  region?: string
  profile?: string
  endpointUrl?: string
  /** Total attempts per call, first one included. */
  maxAttempts?: number
  /** Milliseconds an attempt may take to connect (`--aws-connect-timeout`, LPACK_AWS_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number
  /** Milliseconds an attempt may wait for the next byte of the answer (`--aws-timeout`, LPACK_AWS_TIMEOUT_MS). */
  requestTimeoutMs?: number
}

export const DEFAULT_MAX_ATTEMPTS = 5
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000

/** The timeouts in effect: the option, then the environment, then the defaults. */
export function resolveTimeouts(options: AwsOptions, env: NodeJS.ProcessEnv = process.env): {connectTimeoutMs: number; requestTimeoutMs: number} {
  return {
    connectTimeoutMs: options.connectTimeoutMs ?? positiveInteger(env.LPACK_AWS_CONNECT_TIMEOUT_MS, 'LPACK_AWS_CONNECT_TIMEOUT_MS') ?? DEFAULT_CONNECT_TIMEOUT_MS,
    requestTimeoutMs: options.requestTimeoutMs ?? positiveInteger(env.LPACK_AWS_TIMEOUT_MS, 'LPACK_AWS_TIMEOUT_MS') ?? DEFAULT_REQUEST_TIMEOUT_MS,
  }
}

function positiveInteger(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined
  const number = Number(value)
  if (!Number.isInteger(number) || number < 1) throw new LpackError('CONFIG_INVALID', `${name} must be a positive number of milliseconds, got ${JSON.stringify(value)}`)
  return number
}

/** Region from the flag, then the environment, then us-east-1 (as the AWS CLI's default profile would). */
export function resolveRegion(options: AwsOptions, env: NodeJS.ProcessEnv = process.env): string {
  return options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1'
}

function commonConfig(options: AwsOptions) {
  // lpack pins its SDK versions, so the SDK's warning about its own future Node requirement only adds noise
  // to every command's output; a user who sets the variable keeps their choice.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  const {connectTimeoutMs, requestTimeoutMs} = resolveTimeouts(options)
  return {
    region: resolveRegion(options),
    // socketTimeout is the idle limit per attempt; the SDK's requestTimeout would cap a whole (upload) request.
    requestHandler: {connectionTimeout: connectTimeoutMs, socketTimeout: requestTimeoutMs},
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryMode: 'standard' as const,
    ...(options.profile ? {profile: options.profile} : {}),
    ...(options.endpointUrl ? {endpoint: options.endpointUrl} : {}),
  }
}

export async function createS3Client(options: AwsOptions, env: NodeJS.ProcessEnv = process.env): Promise<S3Client> {
  const {S3Client} = await import('@aws-sdk/client-s3')
  const customEndpoint = Boolean(options.endpointUrl ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL)
  return withEndpointOnErrors(new S3Client({
    ...commonConfig(options),
    forcePathStyle: customEndpoint,
    // lpack sends its own SHA-256 with every upload; the SDK adds no CRC of its own.
    requestChecksumCalculation: 'WHEN_REQUIRED',
  }))
}

export async function createCloudFormationClient(options: AwsOptions): Promise<CloudFormationClient> {
  const {CloudFormationClient} = await import('@aws-sdk/client-cloudformation')
  return withEndpointOnErrors(new CloudFormationClient(commonConfig(options)))
}

export async function createStsClient(options: AwsOptions): Promise<STSClient> {
  const {STSClient} = await import('@aws-sdk/client-sts')
  return withEndpointOnErrors(new STSClient(commonConfig(options)))
}

export async function createLambdaClient(options: AwsOptions): Promise<LambdaClient> {
  const {LambdaClient} = await import('@aws-sdk/client-lambda')
  return withEndpointOnErrors(new LambdaClient(commonConfig(options)))
}

export async function createCloudWatchClient(options: AwsOptions): Promise<CloudWatchClient> {
  const {CloudWatchClient} = await import('@aws-sdk/client-cloudwatch')
  return withEndpointOnErrors(new CloudWatchClient(commonConfig(options)))
}

export async function createCloudWatchLogsClient(options: AwsOptions): Promise<CloudWatchLogsClient> {
  const {CloudWatchLogsClient} = await import('@aws-sdk/client-cloudwatch-logs')
  return withEndpointOnErrors(new CloudWatchLogsClient(commonConfig(options)))
}

export async function createSqsClient(options: AwsOptions): Promise<SQSClient> {
  const {SQSClient} = await import('@aws-sdk/client-sqs')
  return withEndpointOnErrors(new SQSClient(commonConfig(options)))
}

export async function createSnsClient(options: AwsOptions): Promise<SNSClient> {
  const {SNSClient} = await import('@aws-sdk/client-sns')
  return withEndpointOnErrors(new SNSClient(commonConfig(options)))
}

export async function createCodeDeployClient(options: AwsOptions): Promise<CodeDeployClient> {
  const {CodeDeployClient} = await import('@aws-sdk/client-codedeploy')
  return withEndpointOnErrors(new CodeDeployClient(commonConfig(options)))
}

interface ClientWithMiddleware {
  middlewareStack: {add(middleware: unknown, options: {step: 'finalizeRequest'; priority: 'low'; name: string}): void}
}

/**
 * Marks every failure with the endpoint its request went to, so an error can name the server that did not
 * answer (awsError reads it). Added inside the retry step: each attempt marks its own failure.
 */
function withEndpointOnErrors<T extends object>(client: T): T {
  const middleware = (next: (args: {request?: unknown}) => Promise<unknown>) => async (args: {request?: unknown}) => {
    try {
      return await next(args)
    } catch (error) {
      const request = args.request as {protocol?: string; hostname?: string; port?: number} | undefined
      if (request?.hostname && typeof error === 'object' && error !== null) {
        const port = request.port === undefined ? '' : `:${request.port}`
        Object.defineProperty(error, ENDPOINT_OF_ERROR, {value: `${request.protocol ?? 'https:'}//${request.hostname}${port}`, configurable: true})
      }
      throw error
    }
  }
  ;(client as unknown as ClientWithMiddleware).middlewareStack.add(middleware, {step: 'finalizeRequest', priority: 'low', name: 'lpackEndpointOnErrors'})
  return client
}

/**
 * What core needs of AWS for one command: the region, the account, and typed operations (core depends on these
 * interfaces, never on the SDK). AwsSession is the real one; tests may hand core a fake.
 */
export interface AwsAccess {
  readonly region: string
  accountId(): Promise<string>
  cloudFormationOperations(): CloudFormationOperations
  artifactStore(): ArtifactStore
  /** The S3 endpoint in use when it is not AWS's own (for path-style object URLs). */
  customS3Endpoint(): string | undefined
}

/** The clients one command uses, built on first use and shared; the account id is asked for once. */
export class AwsSession implements AwsAccess {
  private s3Client?: Promise<S3Client>
  private cloudFormationOps?: CloudFormationOperations
  private s3Store?: ArtifactStore
  private cloudFormationClient?: Promise<CloudFormationClient>
  private account?: Promise<string>
  private lambdaClient?: Promise<LambdaClient>
  private cloudWatchClient?: Promise<CloudWatchClient>
  private cloudWatchLogsClient?: Promise<CloudWatchLogsClient>
  private sqsClient?: Promise<SQSClient>
  private snsClient?: Promise<SNSClient>
  private codeDeployClient?: Promise<CodeDeployClient>

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

  /** CloudFormation's typed operations (what core calls), over the shared client. */
  cloudFormationOperations(): CloudFormationOperations {
    return (this.cloudFormationOps ??= new SdkCloudFormation(() => this.cloudFormation()))
  }

  /** S3's typed operations for lpack's artifacts (what core calls), over the shared client. */
  artifactStore(): ArtifactStore {
    return (this.s3Store ??= new SdkArtifactStore(() => this.s3()))
  }

  lambda(): Promise<LambdaClient> {
    return (this.lambdaClient ??= createLambdaClient(this.options))
  }

  cloudWatch(): Promise<CloudWatchClient> {
    return (this.cloudWatchClient ??= createCloudWatchClient(this.options))
  }

  cloudWatchLogs(): Promise<CloudWatchLogsClient> {
    return (this.cloudWatchLogsClient ??= createCloudWatchLogsClient(this.options))
  }

  sqs(): Promise<SQSClient> {
    return (this.sqsClient ??= createSqsClient(this.options))
  }

  sns(): Promise<SNSClient> {
    return (this.snsClient ??= createSnsClient(this.options))
  }

  codeDeploy(): Promise<CodeDeployClient> {
    return (this.codeDeployClient ??= createCodeDeployClient(this.options))
  }

  /** The caller's account id (STS GetCallerIdentity): S3 calls then name it as ExpectedBucketOwner. */
  accountId(): Promise<string> {
    return (this.account ??= createStsClient(this.options).then(callerAccountId))
  }

  /** The S3 endpoint in use when it is not AWS's own (for path-style object URLs). */
  customS3Endpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
    return this.options.endpointUrl ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL
  }
}
