import type {AwsSession} from '../../aws/clients.js'
import {publishToTopic, sendToQueue, type MessageAttributes} from '../../aws/messaging.js'
import {RecordingFailureSink, type AsyncDelivery, type FailureSink} from './service.js'

/**
 * Delivers asynchronous invocations' records to SQS queues and SNS topics through a (local) AWS endpoint, as Lambda
 * does: a destination gets the invocation record as the message body; a dead-letter queue gets the event itself
 * with the RequestID, ErrorCode and ErrorMessage attributes. Every delivery is also recorded locally; a target
 * that is neither a queue nor a topic (a function, an event bus, a bucket) is only recorded.
 */
export class AwsFailureSink implements FailureSink {
  constructor(
    private readonly session: AwsSession,
    readonly recorded: RecordingFailureSink = new RecordingFailureSink(),
  ) {}

  async deliver(delivery: AsyncDelivery): Promise<void> {
    await this.recorded.deliver(delivery)
    const arn = parseArn(delivery.target.arn)
    if (!arn) return
    const body = delivery.message ? delivery.message.body : JSON.stringify(delivery.record)
    const attributes: MessageAttributes | undefined = delivery.message
      ? {
          RequestID: {type: 'String', value: delivery.message.attributes.RequestID},
          ErrorCode: {type: 'Number', value: delivery.message.attributes.ErrorCode},
          // SQS refuses an empty attribute value.
          ErrorMessage: {type: 'String', value: delivery.message.attributes.ErrorMessage || ' '},
        }
      : undefined
    if (arn.service === 'sqs') await sendToQueue(await this.session.sqs(), {name: arn.resource, accountId: arn.account}, body, attributes)
    else if (arn.service === 'sns') await publishToTopic(await this.session.sns(), delivery.target.arn, body, attributes)
  }
}

function parseArn(arn: string): {service: string; account: string; resource: string} | undefined {
  const parts = arn.split(':')
  if (parts.length < 6 || parts[0] !== 'arn') return undefined
  return {service: parts[2]!, account: parts[4]!, resource: parts.slice(5).join(':')}
}
