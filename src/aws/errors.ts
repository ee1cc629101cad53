import {isLpackError, LpackError, type ErrorCode} from '../errors.js'

/** The property of an SDK error holding the endpoint the failed attempt went to (`http://127.0.0.1:4566`), set in clients.ts. */
export const ENDPOINT_OF_ERROR = '$lpackEndpoint'

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
  const endpoint = (error as Record<string, unknown> | undefined)?.[ENDPOINT_OF_ERROR] as string | undefined
  if (name === 'TimeoutError' || /ETIMEDOUT/.test(message)) {
    return new LpackError(code, `${doing} failed: ${endpoint ?? 'the AWS endpoint'} did not answer in time (${message})`, {
      hint: 'Check that the endpoint (--endpoint-url / AWS_ENDPOINT_URL*) is the right one and reachable. If it is just slow, raise --aws-timeout / --aws-connect-timeout (milliseconds; LPACK_AWS_TIMEOUT_MS, LPACK_AWS_CONNECT_TIMEOUT_MS).',
      details: {awsErrorCode: name, ...(endpoint === undefined ? {} : {endpoint})},
      cause: error,
    })
  }
  let hint: string | undefined
  if (name === 'CredentialsProviderError' || /credential/i.test(message)) {
    hint = 'Configure AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or --profile).'
  } else if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|socket hang up|ECONNRESET/.test(message + name)) {
    hint = `Check ${endpoint === undefined ? 'the endpoint' : `that ${endpoint} is the right endpoint`} (--endpoint-url / AWS_ENDPOINT_URL) and the network; lpack retried before giving up.`
  } else if (name === 'AccessDenied' || name === 'AccessDeniedException' || status === 403) {
    hint = 'The credentials in use lack a permission this step needs.'
  }
  return new LpackError(code, `${doing} failed: ${name}: ${message}`, {
    hint,
    details: {awsErrorCode: name, ...(status === undefined ? {} : {httpStatusCode: status}), ...(endpoint === undefined ? {} : {endpoint})},
    cause: error,
  })
}

/**
 * The SDK error's name (`NoSuchKey`, `ValidationError`, …), or undefined for anything else. An LpackError made
 * by awsError answers for the SDK error it wraps, so core can tell service errors apart after the door wrapped them.
 */
export function awsErrorName(error: unknown): string | undefined {
  const sdk = sdkErrorOf(error)
  return typeof sdk === 'object' && sdk !== null && 'name' in sdk ? String((sdk as SdkError).name) : undefined
}

export function httpStatusOf(error: unknown): number | undefined {
  return (sdkErrorOf(error) as SdkError | undefined)?.$metadata?.httpStatusCode
}

/** The service's own message (`No updates are to be performed.`), without the "Doing X failed:" lpack adds. */
export function serviceMessage(error: unknown): string {
  const sdk = sdkErrorOf(error)
  return sdk instanceof Error ? sdk.message : String(sdk)
}

/**
 * The same AWS failure reported as the failure of the stage it broke (an S3 failure during an upload is
 * UPLOAD_FAILED), with the stage's hint when it has a better one. Errors that are not AWS_ERROR pass unchanged.
 */
export function asStageError(error: unknown, code: ErrorCode, doing: string, hint?: string): LpackError {
  const wrapped = awsError(error, doing, code)
  if (wrapped.code !== 'AWS_ERROR' && hint === undefined) return wrapped
  if (wrapped.code !== 'AWS_ERROR' && wrapped.code !== code) return wrapped
  return new LpackError(code, wrapped.message, {hint: hint ?? wrapped.hint, details: wrapped.details, cause: wrapped.cause})
}

function sdkErrorOf(error: unknown): unknown {
  return isLpackError(error) && error.cause !== undefined ? error.cause : error
}
