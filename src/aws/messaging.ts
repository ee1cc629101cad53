import type {SNSClient} from '@aws-sdk/client-sns'
import type {SQSClient} from '@aws-sdk/client-sqs'

/** Message attributes as SQS and SNS take them: strings, and numbers written as strings. */
export type MessageAttributes = Record<string, {type: 'String' | 'Number'; value: string}>

/** Sends a message to the queue `name` of `accountId` (GetQueueUrl, then SendMessage). */
export async function sendToQueue(sqs: SQSClient, queue: {name: string; accountId: string}, body: string, attributes?: MessageAttributes): Promise<void> {
  const {GetQueueUrlCommand, SendMessageCommand} = await import('@aws-sdk/client-sqs')
  const {QueueUrl} = await sqs.send(new GetQueueUrlCommand({QueueName: queue.name, QueueOwnerAWSAccountId: queue.accountId}))
  const MessageAttributes = attributes ? Object.fromEntries(Object.entries(attributes).map(([key, a]) => [key, {DataType: a.type, StringValue: a.value}])) : undefined
  await sqs.send(new SendMessageCommand({QueueUrl, MessageBody: body, ...(MessageAttributes ? {MessageAttributes} : {})}))
}

/** Publishes a message to an SNS topic. */
export async function publishToTopic(sns: SNSClient, topicArn: string, message: string, attributes?: MessageAttributes): Promise<void> {
  const {PublishCommand} = await import('@aws-sdk/client-sns')
  const MessageAttributes = attributes ? Object.fromEntries(Object.entries(attributes).map(([key, a]) => [key, {DataType: a.type, StringValue: a.value}])) : undefined
  await sns.send(new PublishCommand({TopicArn: topicArn, Message: message, ...(MessageAttributes ? {MessageAttributes} : {})}))
}
