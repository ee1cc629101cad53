import type {EventSourceType} from './event.js'
import {HttpApi} from '../http-api.js'
import {Api} from '../rest-api.js'
import {DocumentDB, DynamoDB, Kinesis, MQ, MSK, SelfManagedKafka, SQS} from './pull.js'
import {AlexaSkill, CloudWatchEvent, Cognito, CloudWatchLogs, EventBridgeRule, IoTRule, S3, Schedule, ScheduleV2, SNS} from './push.js'

/** Event source types lpack translates itself. */
export const EVENT_SOURCES: Readonly<Record<string, EventSourceType>> = {
  S3, SNS, SQS, Kinesis, DynamoDB, MSK, MQ, SelfManagedKafka, DocumentDB,
  Schedule, ScheduleV2, CloudWatchEvent, EventBridgeRule, CloudWatchLogs, IoTRule, AlexaSkill, Cognito, HttpApi, Api,
}

/** Event types SAM knows that need constructs lpack leaves to CloudFormation's SAM transform. */
export const UNSUPPORTED_EVENT_TYPES: ReadonlySet<string> = new Set(['WebSocket'])

export type {EventInput, EventSourceType, EventTarget} from './event.js'
export {linkedBucketId} from './push.js'
