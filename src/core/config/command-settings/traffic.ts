import {DEFAULT_HOOK_TIMEOUT_MS} from '../../traffic/hooks.js'
import {choice, flag, integer, strings, text} from '../settings.js'
import {AWS_SETTINGS, CONFIG_SETTINGS} from './shared.js'

export const DEFAULT_TRAFFIC_POLL_MS = 5000

/** How a release runs: `lpack deploy` and `lpack traffic resume` (flags, or keys of lpack.config.yaml). */
export const TRAFFIC_RELEASE_SETTINGS = {
  trafficEngine: choice(['codedeploy', 'lpack'], {
    description: 'Who shifts alias traffic: codedeploy (CloudFormation starts a CodeDeploy deployment; the default) or lpack (lpack drives the alias through the Lambda API; works on any endpoint, supports command hooks).',
    helpGroup: 'RELEASE',
    default: 'codedeploy',
    showDefault: false,
  }),
  preTrafficHook: strings({description: 'Command run before the new version takes traffic (lpack engine); exit 0 passes. Its environment names the stack, function, alias, versions, region and endpoint (LPACK_*).', helpGroup: 'RELEASE'}),
  postTrafficHook: strings({description: 'Command run once the new version takes all traffic (lpack engine); a failure rolls back.', helpGroup: 'RELEASE'}),
  hookTimeout: integer({description: `Milliseconds a command hook may run (default ${DEFAULT_HOOK_TIMEOUT_MS}).`, min: 1, helpGroup: 'RELEASE', default: DEFAULT_HOOK_TIMEOUT_MS}),
  trafficPollInterval: integer({description: `Milliseconds between alarm polls during a shift: with the time of one DescribeAlarms, the longest a bad sign waits for the rollback (default ${DEFAULT_TRAFFIC_POLL_MS}).`, min: 50, helpGroup: 'RELEASE', default: DEFAULT_TRAFFIC_POLL_MS}),
  ignoreReleaseInFlight: flag({description: 'Deploy even though a release is in flight on the stack.', helpGroup: 'RELEASE'}),
}

const stackName = (description: string) => text({char: 's', description, sam: 'stack_name'})

/** `lpack traffic status` and `lpack traffic rollback`. */
export const TRAFFIC_STACK_SETTINGS = {
  stackName: stackName('Stack whose aliases to look at or roll back.'),
  ...AWS_SETTINGS,
  ...CONFIG_SETTINGS,
}

/** `lpack traffic resume`. */
export const TRAFFIC_RESUME_SETTINGS = {
  stackName: stackName('Stack whose release to continue.'),
  ...TRAFFIC_RELEASE_SETTINGS,
  ...AWS_SETTINGS,
  ...CONFIG_SETTINGS,
}
