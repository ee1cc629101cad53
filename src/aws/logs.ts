/**
 * CloudWatch Logs operations lpack uses, typed: reading a log group's events (every page) and finding a stack
 * resource's physical ID (a function's name from its logical ID).
 */
import type {AwsSession} from './clients.js'

export interface LogEvent {
  timestamp: number
  message: string
  logStreamName: string
  eventId: string
}

/** Every event of `logGroupName` from `startTime` (ms), all pages; undefined when the group does not exist. */
export async function filterLogEvents(session: AwsSession, input: {logGroupName: string; startTime?: number; filterPattern?: string}): Promise<LogEvent[] | undefined> {
  const {FilterLogEventsCommand} = await import('@aws-sdk/client-cloudwatch-logs')
  const client = await session.cloudWatchLogs()
  const events: LogEvent[] = []
  let nextToken: string | undefined
  do {
    let page
    try {
      page = await client.send(new FilterLogEventsCommand({logGroupName: input.logGroupName, ...(input.startTime !== undefined ? {startTime: input.startTime} : {}), ...(input.filterPattern ? {filterPattern: input.filterPattern} : {}), ...(nextToken ? {nextToken} : {})}))
    } catch (error) {
      if ((error as {name?: string}).name === 'ResourceNotFoundException') return undefined
      throw error
    }
    for (const event of page.events ?? []) events.push({timestamp: event.timestamp ?? 0, message: event.message ?? '', logStreamName: event.logStreamName ?? '', eventId: event.eventId ?? ''})
    nextToken = page.nextToken
  } while (nextToken)
  return events.sort((a, b) => a.timestamp - b.timestamp || a.eventId.localeCompare(b.eventId))
}

/** The physical ID of a stack's resource (a function's name), or undefined when the stack has no such resource. */
export async function stackResourcePhysicalId(session: AwsSession, stackName: string, logicalId: string): Promise<string | undefined> {
  const {DescribeStackResourceCommand} = await import('@aws-sdk/client-cloudformation')
  const client = await session.cloudFormation()
  try {
    const {StackResourceDetail} = await client.send(new DescribeStackResourceCommand({StackName: stackName, LogicalResourceId: logicalId}))
    return StackResourceDetail?.PhysicalResourceId
  } catch (error) {
    if ((error as {name?: string}).name === 'ValidationError' || /does not exist/.test((error as Error).message)) return undefined
    throw error
  }
}
