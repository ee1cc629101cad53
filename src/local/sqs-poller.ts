import {InvokeApiError, type InvokeService} from '../core/invoke/service.js'
import type {Reporter} from '../io/reporter.js'
import type {MotoSessions} from './function-source.js'

interface Mapping {
  uuid: string
  queueArn: string
  functionArn: string
  batchSize: number
  reportBatchItemFailures: boolean
}

/**
 * Lambda's SQS event source mappings on the local AWS: each enabled mapping's queue is polled, messages are passed
 * to the function in batches of up to BatchSize, and deleted when the function succeeds — all but those it names in
 * `batchItemFailures` when the mapping has ReportBatchItemFailures. Messages of a failed or throttled batch are left
 * to come back after the queue's visibility timeout, as in Lambda.
 */
export class SqsPoller {
  private readonly running = new Map<string, Promise<void>>()
  private timer?: NodeJS.Timeout
  private stopped = false

  constructor(private readonly service: InvokeService, private readonly sessions: MotoSessions, private readonly region: string, private readonly reporter: Reporter) {}

  start(intervalMs: number): void {
    const tick = () => {
      if (this.stopped) return
      void this.refresh().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, intervalMs)
      })
    }
    tick()
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    await Promise.allSettled([...this.running.values()])
  }

  private async refresh(): Promise<void> {
    try {
      const lambda = await import('@aws-sdk/client-lambda')
      const client = await this.sessions.session(this.region).lambda()
      const {EventSourceMappings = []} = await client.send(new lambda.ListEventSourceMappingsCommand({}))
      for (const esm of EventSourceMappings) {
        if (!esm.UUID || !esm.EventSourceArn?.startsWith('arn:aws:sqs:') || !esm.FunctionArn || this.running.has(esm.UUID)) continue
        if (esm.State && !['Enabled', 'Enabling', 'Creating', 'Updating'].includes(esm.State)) continue
        const mapping: Mapping = {uuid: esm.UUID, queueArn: esm.EventSourceArn, functionArn: esm.FunctionArn, batchSize: esm.BatchSize ?? 10, reportBatchItemFailures: (esm.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures')}
        const loop = this.poll(mapping).catch((error: unknown) => {
          this.reporter.emit({kind: 'local.sqs-poll-failed', data: {uuid: mapping.uuid, queueArn: mapping.queueArn, error: (error as Error).message}})
        }).finally(() => this.running.delete(mapping.uuid))
        this.running.set(mapping.uuid, loop)
      }
    } catch (error) {
      this.reporter.emit({kind: 'local.sqs-list-failed', data: {error: (error as Error).message}})
    }
  }

  /** Polls one mapping's queue until the mapping is gone or the poller stops. */
  private async poll(mapping: Mapping): Promise<void> {
    const sqs = await import('@aws-sdk/client-sqs')
    const lambda = await import('@aws-sdk/client-lambda')
    const [, , , queueRegion, account, queueName] = mapping.queueArn.split(':')
    const session = this.sessions.session(queueRegion || this.region)
    const client = await session.sqs()
    const lambdaClient = await this.sessions.session(this.region).lambda()
    const {QueueUrl} = await client.send(new sqs.GetQueueUrlCommand({QueueName: queueName, QueueOwnerAWSAccountId: account}))
    while (!this.stopped) {
      const current = await lambdaClient.send(new lambda.GetEventSourceMappingCommand({UUID: mapping.uuid})).catch(() => undefined)
      if (!current || (current.State && !['Enabled', 'Enabling', 'Creating', 'Updating'].includes(current.State))) return
      const {Messages = []} = await client.send(new sqs.ReceiveMessageCommand({QueueUrl, MaxNumberOfMessages: Math.min(10, Math.max(1, mapping.batchSize)), WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All']}))
      if (Messages.length === 0) continue
      const event = {
        Records: Messages.map((message) => ({
          messageId: message.MessageId,
          receiptHandle: message.ReceiptHandle,
          body: message.Body,
          attributes: message.Attributes ?? {},
          messageAttributes: Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([key, value]) => [key, {stringValue: value.StringValue, binaryValue: value.BinaryValue, stringListValues: [], binaryListValues: [], dataType: value.DataType}])),
          md5OfBody: message.MD5OfBody,
          eventSource: 'aws:sqs',
          eventSourceARN: mapping.queueArn,
          awsRegion: queueRegion,
        })),
      }
      let answer
      try {
        answer = await this.service.invoke({functionName: mapping.functionArn, payload: Buffer.from(JSON.stringify(event)), region: mapping.functionArn.split(':')[3] || this.region})
      } catch (error) {
        if (error instanceof InvokeApiError && error.statusCode === 404) return
        // Throttled: the batch comes back after the visibility timeout, as in Lambda.
        if (error instanceof InvokeApiError && error.statusCode === 429) continue
        throw error
      }
      if (answer.functionError !== undefined) continue
      const failed = mapping.reportBatchItemFailures ? batchItemFailures(answer.payload.toString('utf8')) : new Set<string>()
      const done = Messages.filter((message) => message.MessageId && message.ReceiptHandle && !failed.has(message.MessageId))
      if (done.length > 0) await client.send(new sqs.DeleteMessageBatchCommand({QueueUrl, Entries: done.map((message, index) => ({Id: String(index), ReceiptHandle: message.ReceiptHandle!}))}))
    }
  }
}

/** The message IDs a function's `{"batchItemFailures": [{"itemIdentifier": …}]}` response names. */
export function batchItemFailures(payload: string): Set<string> {
  try {
    const document = JSON.parse(payload) as {batchItemFailures?: {itemIdentifier?: unknown}[]}
    return new Set((document.batchItemFailures ?? []).map((item) => item.itemIdentifier).filter((id): id is string => typeof id === 'string'))
  } catch {
    return new Set()
  }
}
