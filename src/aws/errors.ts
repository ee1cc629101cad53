import {isLpackError, LpackError, type ErrorCode} from '../errors.js'

interface SdkError {
  name?: string
  message?: string
  Code?: string
  $metadata?: {httpStatusCode?: number; requestId?: string}
}

/**
 * Turns an AWS SDK failure into an LpackError naming what lpack was doing, the service's error code and
 * message. Missing credentials and unreachable endpoints get a hint; LpackErrors pass through unchanged.
 */
export function awsError(error: unknown, doing: string, code: ErrorCode = 'AWS_ERROR'): LpackError {
  if (isLpackError(error)) return error
  const sdk = (error ?? {}) as SdkError
  const name = sdk.name ?? 'Error'
  const message = sdk.message ?? String(error)
  const status = sdk.$metadata?.httpStatusCode
  let hint: string | undefined
  if (name === 'CredentialsProviderError' || /credential/i.test(message)) {
    hint = 'Configure AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or --profile).'
  } else if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|socket hang up|ECONNRESET/.test(message + name)) {
    hint = 'Check --endpoint-url / AWS_ENDPOINT_URL and the network; lpack retried before giving up.'
  } else if (name === 'AccessDenied' || name === 'AccessDeniedException' || status === 403) {
    hint = 'The credentials in use lack a permission this step needs.'
  }
  return new LpackError(code, `${doing} failed: ${name}: ${message}`, {
    hint,
    details: {awsErrorCode: name, ...(status === undefined ? {} : {httpStatusCode: status})},
    cause: error,
  })
}

/** The SDK error's name (`NoSuchKey`, `ValidationError`, …), or undefined for anything else. */
export function awsErrorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'name' in error ? String((error as SdkError).name) : undefined
}

export function httpStatusOf(error: unknown): number | undefined {
  return (error as SdkError | undefined)?.$metadata?.httpStatusCode
}
