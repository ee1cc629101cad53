/** CloudWatch alarms as lpack's traffic engine reads them: a name and its state, nothing of the SDK's shapes. */
import type {CloudWatchClient} from '@aws-sdk/client-cloudwatch'

import {awsError} from './errors.js'

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'

export interface AlarmState {
  name: string
  state: AlarmStateValue
  reason: string
}

export interface AlarmOperations {
  /** The named alarms' states; a name CloudWatch does not know is left out of the answer. */
  describeAlarms(names: string[]): Promise<AlarmState[]>
}

/** DescribeAlarms takes at most 100 names a call. */
const NAMES_PER_CALL = 100

export function alarmOperations(client: () => Promise<CloudWatchClient>): AlarmOperations {
  return {
    async describeAlarms(names) {
      if (names.length === 0) return []
      const {DescribeAlarmsCommand} = await import('@aws-sdk/client-cloudwatch')
      const states: AlarmState[] = []
      try {
        for (let start = 0; start < names.length; start += NAMES_PER_CALL) {
          let nextToken: string | undefined
          do {
            const page = await (await client()).send(new DescribeAlarmsCommand({AlarmNames: names.slice(start, start + NAMES_PER_CALL), NextToken: nextToken}))
            for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
              states.push({name: alarm.AlarmName ?? '', state: (alarm.StateValue ?? 'INSUFFICIENT_DATA') as AlarmStateValue, reason: alarm.StateReason ?? ''})
            }
            nextToken = page.NextToken
          } while (nextToken)
        }
      } catch (error) {
        throw awsError(error, `Reading alarms ${names.join(', ')}`)
      }
      return states.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    },
  }
}
