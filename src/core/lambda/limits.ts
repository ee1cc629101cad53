/** Lambda's per-function limits (LAMBDA-FACTS.md). Validate checks templates against them; build checks artifacts. */
export const LAMBDA_LIMITS = {
  /** Bytes of a zip uploaded directly; bigger must come from S3. */
  directUploadZipBytes: 50 * 1024 * 1024,
  /** Bytes of the function plus all its layers, unzipped (CloudFormation: "Unzipped size must be smaller than 262144000 bytes"). */
  unzippedBytes: 262_144_000,
  layersPerFunction: 5,
  memoryMb: {min: 128, max: 32_768, default: 128},
  timeoutSeconds: {min: 1, max: 900, default: 3},
  ephemeralStorageMb: {min: 512, max: 10_240},
  /** Total size of environment variable keys and values. */
  environmentBytes: 4 * 1024,
  environmentKeyPattern: /^[a-zA-Z][a-zA-Z0-9_]+$/,
  syncPayloadBytes: 6 * 1024 * 1024,
  asyncPayloadBytes: 1024 * 1024,
  handlerLength: {min: 1, max: 128},
  functionNameLength: 64,
  descriptionLength: 256,
  /** Not only digits; letters, digits, `-` and `_`. */
  aliasNamePattern: /^(?!^[0-9]+$)[a-zA-Z0-9-_]+$/,
  aliasNameLength: 128,
  vpc: {maxSubnets: 16, maxSecurityGroups: 5},
  architectures: ['x86_64', 'arm64'] as const,
  eventInvokeConfig: {maximumRetryAttempts: {min: 0, max: 2}, maximumEventAgeSeconds: {min: 60, max: 21_600}},
  /** AWS guidance: the queue's VisibilityTimeout should be at least this many times the function Timeout. */
  sqsVisibilityTimeoutFactor: 6,
  sqsFifoMaxBatchSize: 10,
} as const

/** Environment variable names Lambda reserves: a function cannot set them. */
export const RESERVED_ENVIRONMENT_VARIABLES: ReadonlySet<string> = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
  'TZ',
])
