import {choice, flag, integer, keyValues, list, text} from '../settings.js'
import {AWS_SETTINGS, CONFIG_SETTINGS} from './shared.js'
import {TRAFFIC_RELEASE_SETTINGS} from './traffic.js'

export const DEFAULT_POLL_INTERVAL_MS = 1000
/** Artifacts uploaded fewer days ago than this are kept by `lpack gc` and `lpack delete --delete-artifacts`. */
export const DEFAULT_ROLLBACK_BUFFER_DAYS = 1

const pollInterval = (description: string) => integer({description, min: 100, hidden: true, default: DEFAULT_POLL_INTERVAL_MS})
const rollbackBufferDays = integer({description: 'Keep artifacts uploaded fewer than this many days ago (default 1).', min: 0, default: DEFAULT_ROLLBACK_BUFFER_DAYS})
const yes = (description: string) => flag({char: 'y', description, config: false})

/** `lpack deploy`. */
export const DEPLOY_SETTINGS = {
  stackName: text({char: 's', description: 'Stack to create or update.', sam: 'stack_name'}),
  templateFile: text({char: 't', aliases: ['template'], description: 'Source template (default: template.yaml).', sam: 'template_file'}),
  buildDir: text({char: 'b', description: 'Build folder (default: .lpack/build beside the template).'}),
  noBuild: flag({description: 'Deploy the build folder as it is, without running lpack build.'}),
  s3Bucket: text({description: 'Bucket for artifacts.', sam: 's3_bucket'}),
  s3Prefix: text({description: 'Key prefix for artifacts.', sam: 's3_prefix'}),
  resolveS3: flag({description: 'Create or reuse a managed artifacts bucket.', sam: 'resolve_s3'}),
  kmsKeyId: text({description: 'Encrypt artifacts with this KMS key (default: AES256).', sam: 'kms_key_id'}),
  parameterOverrides: keyValues({description: 'Key=Value, ParameterKey=K,ParameterValue=V, or file://params.json.', files: true, sam: 'parameter_overrides'}),
  tags: keyValues({description: 'Stack tags as Key=Value.', sam: 'tags'}),
  capabilities: list({description: 'Capabilities to acknowledge (default: inferred from the template).', sam: 'capabilities'}),
  notificationArns: list({description: 'SNS topics for stack events.', sam: 'notification_arns'}),
  roleArn: text({description: 'Service role CloudFormation assumes.', sam: 'role_arn'}),
  enableTerminationProtection: flag({description: 'Turn termination protection on (--no-… turns it off).', allowNo: true}),
  disableRollback: flag({description: 'Keep failed resources for inspection instead of rolling back.', sam: 'disable_rollback', default: false}),
  noExecute: flag({aliases: ['no-execute-changeset'], description: 'Create the change set and stop (SAM: --no-execute-changeset).', sam: 'no_execute_changeset'}),
  failOnEmptyChangeset: flag({description: 'Exit 1 when there is nothing to deploy.', sam: 'fail_on_empty_changeset', samNegated: 'no_fail_on_empty_changeset', default: false}),
  replaceFailedStack: flag({description: 'Delete and recreate a stack left in ROLLBACK_COMPLETE by a failed create.', default: false}),
  transform: choice(['auto', 'local', 'server'], {description: 'Where the SAM transform runs.', default: 'auto', showDefault: false}),
  noWait: flag({description: 'Fail at once when the stack is busy with another operation, instead of waiting.'}),
  concurrency: integer({description: 'Uploads at once (default 4).'}),
  pollInterval: pollInterval('Milliseconds between stack polls (at most 2000 are used).'),
  confirmChangeset: flag({
    description: 'Ask before executing the change set (default: when stdin is a terminal); without a terminal it then needs --yes. --no-confirm-changeset never asks.',
    allowNo: true,
    sam: 'confirm_changeset',
  }),
  yes: yes('Do not ask for confirmation.'),
  guided: flag({char: 'g', description: 'Ask for the settings (stack, region, parameters, bucket), save them to lpack.config.yaml, then deploy.', config: false}),
  ...TRAFFIC_RELEASE_SETTINGS,
  ...AWS_SETTINGS,
  ...CONFIG_SETTINGS,
}

/** `lpack delete`. */
export const DELETE_SETTINGS = {
  stackName: text({char: 's', description: 'Stack to delete.', sam: 'stack_name'}),
  deleteArtifacts: flag({
    description: "Also delete the S3 objects the stack's code used, as garbage collection: only lpack's own objects in lpack's bucket/prefix that no other stack uses and older than --rollback-buffer-days.",
    default: false,
  }),
  rollbackBufferDays,
  s3Bucket: text({description: "The artifacts bucket deploy used, counted as lpack's (the --resolve-s3 bucket always is).", sam: 's3_bucket'}),
  s3Prefix: text({description: 'The key prefix deploy used in --s3-bucket.', sam: 's3_prefix'}),
  pollInterval: pollInterval('Milliseconds between stack polls.'),
  yes: yes('Delete without asking; needed when stdin is not a terminal.'),
  ...AWS_SETTINGS,
  ...CONFIG_SETTINGS,
}

/** `lpack gc`. */
export const GC_SETTINGS = {
  s3Bucket: text({description: 'The artifacts bucket deploy used, collected besides the --resolve-s3 bucket.', sam: 's3_bucket'}),
  s3Prefix: text({description: 'The key prefix deploy used in --s3-bucket.', sam: 's3_prefix'}),
  rollbackBufferDays,
  dryRun: flag({description: 'List what would be deleted, delete nothing.', default: false}),
  yes: yes('Delete without asking; needed when stdin is not a terminal.'),
  ...AWS_SETTINGS,
  ...CONFIG_SETTINGS,
}
