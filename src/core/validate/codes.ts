import type {Severity} from '../diagnostics/diagnostic.js'

export interface CodeInfo {
  severity: Severity
  title: string
}

/**
 * Every diagnostic code lpack reports, with its severity and a title (docs/diagnostics.md is generated from this).
 * Codes are stable: never renumber, only add. LP0xxx load/parse · LP1xxx structure and schema · LP2xxx references
 * · LP3xxx Lambda functions · LP4xxx events, aliases, deployment · LP5xxx security and best practice.
 */
export const DIAGNOSTIC_CODES = {
  LP0001: {severity: 'error', title: 'YAML or JSON syntax error'},
  LP0002: {severity: 'error', title: 'Template larger than 1 MB'},
  LP0003: {severity: 'error', title: 'Duplicate mapping key'},
  LP0004: {severity: 'error', title: 'Nesting too deep'},
  LP0005: {severity: 'error', title: 'Unknown YAML tag'},
  LP0006: {severity: 'error', title: 'Template is not a mapping'},
  LP0007: {severity: 'error', title: 'YAML alias expansion too large'},
  LP0008: {severity: 'error', title: 'Template is not UTF-8 text'},
  LP0009: {severity: 'error', title: 'Mapping key is not a plain string'},
  LP0010: {severity: 'warning', title: 'A .json template that is not strict JSON (read as YAML)'},

  LP1001: {severity: 'error', title: 'Unknown top-level section'},
  LP1002: {severity: 'error', title: 'Value has the wrong type'},
  LP1003: {severity: 'error', title: 'Required property missing'},
  LP1004: {severity: 'error', title: 'Unknown property'},
  LP1005: {severity: 'error', title: 'Value not allowed'},
  LP1006: {severity: 'error', title: 'Serverless resource without the SAM transform'},
  LP1007: {severity: 'error', title: 'Invalid logical ID'},
  LP1008: {severity: 'error', title: 'Unsupported Globals section or property'},
  LP1009: {severity: 'warning', title: 'Resource attribute the SAM transform ignores'},
  LP1010: {severity: 'error', title: 'The SAM transform rejects the template'},
  LP1011: {severity: 'error', title: 'The AWS::LanguageExtensions transform rejects the template'},
  LP1012: {severity: 'error', title: 'Local code in a resource a Fn::ForEach loop makes (lpack does not build it)'},

  LP2001: {severity: 'error', title: 'Ref to an unknown parameter or resource'},
  LP2002: {severity: 'error', title: 'GetAtt of an unknown resource'},
  LP2003: {severity: 'error', title: 'GetAtt of an attribute the resource type does not have'},
  LP2004: {severity: 'error', title: 'Sub variable that is not a parameter, resource or pseudo parameter'},
  LP2005: {severity: 'error', title: 'DependsOn an unknown resource'},
  LP2006: {severity: 'error', title: 'Unknown condition'},
  LP2007: {severity: 'error', title: 'Circular dependency between resources'},
  LP2008: {severity: 'error', title: 'Malformed intrinsic function'},
  LP2009: {severity: 'error', title: 'Circular dependency between conditions'},

  LP3001: {severity: 'error', title: 'Unknown runtime'},
  LP3002: {severity: 'warning', title: 'Runtime deprecation is near'},
  LP3003: {severity: 'error', title: 'Runtime deprecated: Lambda no longer creates functions with it'},
  LP3004: {severity: 'error', title: 'Runtime retired: Lambda neither creates nor updates functions with it'},
  LP3005: {severity: 'error', title: 'Handler does not fit the runtime'},
  LP3006: {severity: 'error', title: 'Zip function without Runtime or Handler'},
  LP3007: {severity: 'error', title: 'Function code missing'},
  LP3008: {severity: 'error', title: 'Image function without ImageUri'},
  LP3009: {severity: 'error', title: 'CodeUri or ContentUri is neither a local path nor an s3:// location'},
  LP3012: {severity: 'error', title: 'MemorySize out of range'},
  LP3013: {severity: 'error', title: 'Timeout out of range'},
  LP3014: {severity: 'error', title: 'EphemeralStorage out of range'},
  LP3015: {severity: 'error', title: 'Reserved environment variable'},
  LP3016: {severity: 'error', title: 'Environment variables over 4 KB'},
  LP3017: {severity: 'error', title: 'Invalid environment variable name'},
  LP3018: {severity: 'error', title: 'Incomplete or oversized VpcConfig'},
  LP3019: {severity: 'error', title: 'More than 5 layers'},
  LP3020: {severity: 'error', title: 'Architectures must list exactly one architecture'},
  LP3021: {severity: 'error', title: 'Function name or description too long'},
  LP3022: {severity: 'warning', title: 'Local path outside the project folder'},
  LP3030: {severity: 'warning', title: "Function without CodeUri: the template's folder is its code"},
  LP3031: {severity: 'error', title: 'ReservedConcurrentExecutions below 0'},
  LP3032: {severity: 'error', title: 'CodeUri or ContentUri path not found'},
  LP3033: {severity: 'warning', title: 'Python handler module or function not found in the code folder'},

  LP4001: {severity: 'error', title: 'Unknown event source type'},
  LP4002: {severity: 'error', title: 'Invalid alias name'},
  LP4003: {severity: 'error', title: 'Alias routes to more than one additional version'},
  LP4004: {severity: 'error', title: 'Alias routing weight outside 0–1'},
  LP4005: {severity: 'error', title: 'Alias routes weighted traffic with $LATEST'},
  LP4006: {severity: 'error', title: 'DeploymentPreference without AutoPublishAlias'},
  LP4007: {severity: 'error', title: 'Deployment hook is not a function'},
  LP4008: {severity: 'error', title: 'EventInvokeConfig value out of range'},
  LP4009: {severity: 'error', title: 'SQS FIFO BatchSize over 10'},
  LP4010: {severity: 'error', title: 'S3 event bucket not in this template'},
  LP4011: {severity: 'error', title: 'ProvisionedConcurrencyConfig without AutoPublishAlias'},
  LP4012: {severity: 'error', title: 'VersionDeletionPolicy without AutoPublishAlias'},
  LP4013: {severity: 'error', title: 'Invalid event DeadLetterConfig'},
  LP4014: {severity: 'error', title: 'Event sets both State and Enabled'},
  LP4015: {severity: 'error', title: 'ScheduleV2 sets Name with OmitName'},
  LP4016: {severity: 'error', title: 'DeploymentPreference Type is not a deployment configuration'},
  LP4017: {severity: 'warning', title: 'DeploymentPreference Type looks like a misspelt predefined type'},

  LP5001: {severity: 'warning', title: 'SQS VisibilityTimeout below 6 × function Timeout'},
  LP5002: {severity: 'warning', title: 'Function may write to the S3 bucket that triggers it (recursive loop)'},
  LP5003: {severity: 'warning', title: 'IAM policy allows every action'},
  LP5004: {severity: 'warning', title: 'IAM policy applies to every resource'},
  LP5005: {severity: 'warning', title: 'Literal secret in an environment variable'},
  LP5006: {severity: 'warning', title: 'ReservedConcurrentExecutions 0 throttles every invocation'},
} as const satisfies Record<string, CodeInfo>

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES
