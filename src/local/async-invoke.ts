import {randomUUID} from 'node:crypto'

import type {Reporter} from '../io/reporter.js'
import type {FunctionTarget, InvokeOutcome, LambdaPlane} from './lambda-plane.js'

/**
 * Asynchronous invocations (InvocationType Event): queued, run, retried per the function's event invoke config
 * (MaximumRetryAttempts, default 2; MaximumEventAgeInSeconds), then sent to its OnFailure destination and its
 * DeadLetterQueue on the local SQS / SNS (OnSuccess destinations get successes). Lambda waits about a minute, then
 * two, between retries; locally the first wait is LPACK_LOCAL_RETRY_DELAY_MS (default 1000) and each next one double.
 */
export class AsyncInvoker {
  private readonly pending = new Set<Promise<void>>()
  private stopped = false

  constructor(private readonly plane: LambdaPlane, private readonly reporter: Reporter, private readonly retryDelayMs: number) {}

  enqueue(target: FunctionTarget, payload: Buffer): string {
    const requestId = randomUUID()
    const work = this.run(target, payload, requestId).catch((error: unknown) => {
      this.reporter.emit({kind: 'local.async-failed', data: {resource: target.resource, error: (error as Error).message}})
    })
    this.pending.add(work)
    void work.finally(() => this.pending.delete(work))
    return requestId
  }

  async stop(): Promise<void> {
    this.stopped = true
  }

  private async run(first: FunctionTarget, payload: Buffer, requestId: string): Promise<void> {
    const config = await this.invokeConfig(first)
    const attempts = 1 + (config.MaximumRetryAttempts ?? 2)
    const maxAgeMs = (config.MaximumEventAgeInSeconds ?? 21_600) * 1000
    const queuedAt = Date.now()
    let outcome: InvokeOutcome | undefined
    let attempt = 0
    for (; attempt < attempts && !this.stopped; attempt++) {
      if (attempt > 0) {
        await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs * 2 ** (attempt - 1)))
        if (Date.now() - queuedAt > maxAgeMs) break
      }
      // An alias is routed again on every attempt, as Lambda does.
      const resolved = await this.plane.resolve(first.functionName, first.resource.includes(':') ? first.resource.split(':')[1] : undefined, first.region)
      if ('notFound' in resolved) return
      outcome = await this.plane.invoke(resolved, payload)
      if (outcome.kind === 'done' && !outcome.result.failed) break
    }
    if (this.stopped || !outcome) return
    const succeeded = outcome.kind === 'done' && !outcome.result.failed
    const target = outcome.kind === 'not-found' ? first : outcome.target
    const destination = succeeded ? config.DestinationConfig?.OnSuccess?.Destination : config.DestinationConfig?.OnFailure?.Destination
    const record = invocationRecord(target, payload, requestId, outcome, succeeded, Math.min(attempt + 1, attempts))
    if (destination) await this.deliver(target.region, destination, JSON.stringify(record))
    const deadLetter = target.configuration.DeadLetterConfig?.TargetArn
    if (!succeeded && deadLetter) {
      const errorMessage = outcome.kind === 'done' ? errorMessageOf(outcome.result.payload) : 'Rate Exceeded.'
      await this.deliver(target.region, deadLetter, payload.toString('utf8'), {RequestID: requestId, ErrorCode: '200', ErrorMessage: errorMessage})
    }
    this.reporter.emit({kind: 'local.async-done', data: {resource: target.resource, requestId, succeeded, attempts: Math.min(attempt + 1, attempts)}})
  }

  private async invokeConfig(target: FunctionTarget): Promise<{MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number; DestinationConfig?: {OnSuccess?: {Destination?: string}; OnFailure?: {Destination?: string}}}> {
    const {GetFunctionEventInvokeConfigCommand} = await import('@aws-sdk/client-lambda')
    const lambda = await this.plane.session(target.region).lambda()
    try {
      return await lambda.send(new GetFunctionEventInvokeConfigCommand({FunctionName: target.functionName}))
    } catch {
      return {}
    }
  }

  /** Sends to an SQS queue or an SNS topic by ARN; message attributes as Lambda's dead-letter messages carry them. */
  private async deliver(region: string, arn: string, body: string, attributes: Record<string, string> = {}): Promise<void> {
    const [, , service, , account, name] = arn.split(':')
    const session = this.plane.session(arn.split(':')[3] || region)
    if (service === 'sqs') {
      const sqs = await import('@aws-sdk/client-sqs')
      const client = await session.sqs()
      const {QueueUrl} = await client.send(new sqs.GetQueueUrlCommand({QueueName: name, QueueOwnerAWSAccountId: account}))
      await client.send(new sqs.SendMessageCommand({QueueUrl, MessageBody: body, MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([key, value]) => [key, {DataType: 'String', StringValue: value}]))}))
    } else if (service === 'sns') {
      const sns = await import('@aws-sdk/client-sns')
      const client = await session.sns()
      await client.send(new sns.PublishCommand({TopicArn: arn, Message: body, MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([key, value]) => [key, {DataType: 'String', StringValue: value}]))}))
    } else {
      this.reporter.emit({kind: 'local.destination-unsupported', data: {arn}})
    }
  }
}

/** Lambda's invocation record, the document an OnSuccess / OnFailure destination receives. */
function invocationRecord(target: FunctionTarget, payload: Buffer, requestId: string, outcome: InvokeOutcome, succeeded: boolean, invokeCount: number): Record<string, unknown> {
  let requestPayload: unknown = payload.toString('utf8')
  let responsePayload: unknown = outcome.kind === 'done' ? outcome.result.payload : undefined
  try {
    requestPayload = JSON.parse(String(requestPayload))
    if (typeof responsePayload === 'string') responsePayload = JSON.parse(responsePayload)
  } catch {
    // Kept as text.
  }
  return {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {requestId, functionArn: `${target.functionArn}:${target.version}`, condition: succeeded ? 'Success' : outcome.kind === 'throttled' ? 'ThrottledError' : 'RetriesExhausted', approximateInvokeCount: invokeCount},
    requestPayload,
    responseContext: {statusCode: 200, executedVersion: target.version, ...(outcome.kind === 'done' && outcome.result.failed ? {functionError: 'Unhandled'} : {})},
    responsePayload,
  }
}

function errorMessageOf(payload: string): string {
  try {
    const document = JSON.parse(payload) as {errorMessage?: unknown}
    return typeof document.errorMessage === 'string' ? document.errorMessage : payload
  } catch {
    return payload
  }
}
