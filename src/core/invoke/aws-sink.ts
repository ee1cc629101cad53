import type {AwsSession} from '../../aws/clients.js'
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
    if (arn.service === 'sqs') {
      const {GetQueueUrlCommand, SendMessageCommand} = await import('@aws-sdk/client-sqs')
      const sqs = await this.session.sqs()
      const {QueueUrl} = await sqs.send(new GetQueueUrlCommand({QueueName: arn.resource, QueueOwnerAWSAccountId: arn.account}))
      const attributes = delivery.message
        ? {
            RequestID: {DataType: 'String', StringValue: delivery.message.attributes.RequestID},
            ErrorCode: {DataType: 'Number', StringValue: delivery.message.attributes.ErrorCode},
            ErrorMessage: {DataType: 'String', StringValue: delivery.message.attributes.ErrorMessage || ' '},
          }
        : undefined
      await sqs.send(new SendMessageCommand({QueueUrl, MessageBody: body, ...(attributes ? {MessageAttributes: attributes} : {})}))
    } else if (arn.service === 'sns') {
      const {PublishCommand} = await import('@aws-sdk/client-sns')
      const sns = await this.session.sns()
      const attributes = delivery.message
        ? {
            RequestID: {DataType: 'String', StringValue: delivery.message.attributes.RequestID},
            ErrorCode: {DataType: 'Number', StringValue: delivery.message.attributes.ErrorCode},
            ErrorMessage: {DataType: 'String', StringValue: delivery.message.attributes.ErrorMessage || ' '},
          }
        : undefined
      await sns.send(new PublishCommand({TopicArn: delivery.target.arn, Message: body, ...(attributes ? {MessageAttributes: attributes} : {})}))
    }
  }
}

function parseArn(arn: string): {service: string; account: string; resource: string} | undefined {
  const parts = arn.split(':')
  if (parts.length < 6 || parts[0] !== 'arn') return undefined
  return {service: parts[2]!, account: parts[4]!, resource: parts.slice(5).join(':')}
}
