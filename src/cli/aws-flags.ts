import {Flags} from '@oclif/core'

/** Flags of every command that talks to AWS. */
export const awsFlags = {
  region: Flags.string({description: 'AWS region (default: AWS_REGION, then us-east-1).', helpGroup: 'AWS'}),
  profile: Flags.string({description: 'AWS profile.', helpGroup: 'AWS'}),
  'endpoint-url': Flags.string({description: 'Send AWS calls to this endpoint (a local server); AWS_ENDPOINT_URL* also work.', helpGroup: 'AWS'}),
  'aws-timeout': Flags.integer({description: 'Milliseconds an AWS call may wait for the next byte of its answer (default 60000; LPACK_AWS_TIMEOUT_MS).', min: 1, helpGroup: 'AWS'}),
  'aws-connect-timeout': Flags.integer({description: 'Milliseconds an AWS call may take to connect (default 10000; LPACK_AWS_CONNECT_TIMEOUT_MS).', min: 1, helpGroup: 'AWS'}),
}

/** Flags of every command that reads lpack.config.yaml / samconfig.toml. */
export const configFlags = {
  'config-env': Flags.string({description: 'Environment of lpack.config.yaml / samconfig.toml to use (default: default).', helpGroup: 'CONFIG'}),
  'config-file': Flags.string({description: 'Read settings from this file instead of lpack.config.yaml / samconfig.toml.', helpGroup: 'CONFIG'}),
}
