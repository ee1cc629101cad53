import type {AwsOptions} from '../../../aws/clients.js'
import {integer, type SettingsOf, text} from '../settings.js'

/** Settings of every command that talks to AWS. */
export const AWS_SETTINGS = {
  region: text({description: 'AWS region (default: AWS_REGION, then us-east-1).', helpGroup: 'AWS', sam: 'region'}),
  profile: text({description: 'AWS profile.', helpGroup: 'AWS', sam: 'profile'}),
  endpointUrl: text({description: 'Send AWS calls to this endpoint (a local server); AWS_ENDPOINT_URL* also work.', helpGroup: 'AWS'}),
  awsTimeout: integer({
    description: 'Milliseconds an AWS call may wait for the next byte of its answer (default 60000; LPACK_AWS_TIMEOUT_MS).',
    helpGroup: 'AWS',
    env: 'LPACK_AWS_TIMEOUT_MS',
  }),
  awsConnectTimeout: integer({description: 'Milliseconds an AWS call may take to connect (default 10000; LPACK_AWS_CONNECT_TIMEOUT_MS).', helpGroup: 'AWS', env: 'LPACK_AWS_CONNECT_TIMEOUT_MS'}),
}

/**
 * Settings of every command that reads lpack.config.yaml / samconfig: which file and environment. A command
 * whose declarations include these reads the config file; they are never config keys themselves.
 */
export const CONFIG_SETTINGS = {
  configEnv: text({description: 'Environment of lpack.config.yaml / samconfig.toml to use (default: default).', helpGroup: 'CONFIG', config: false}),
  configFile: text({description: 'Read settings from this file instead of lpack.config.yaml / samconfig.toml.', helpGroup: 'CONFIG', config: false}),
}

/** The AWS session's options from the AWS settings. */
export function awsOptions(settings: SettingsOf<typeof AWS_SETTINGS>): AwsOptions {
  return {
    region: settings.region,
    profile: settings.profile,
    endpointUrl: settings.endpointUrl,
    requestTimeoutMs: settings.awsTimeout,
    connectTimeoutMs: settings.awsConnectTimeout,
  }
}
