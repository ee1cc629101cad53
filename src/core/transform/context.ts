import type {DeploymentPreferences} from './function/deployment-preference.js'
import type {ResourceReferences} from './intrinsics.js'
import type {JsonObject} from './json.js'

/** What every construct's translation reads and writes while one template is transformed. */
export interface TransformContext {
  /** Template parameter values (defaults, overrides) and the pseudo parameters AWS::Region, AWS::Partition. */
  readonly parameters: ReadonlyMap<string, unknown>
  readonly partition: string
  readonly region: string
  readonly mappings: JsonObject
  /** The output template's Conditions; constructs add the conditions they generate. */
  readonly conditions: JsonObject
  /** The SAM resources after Globals; event sources that modify another resource (S3 buckets) edit it here. */
  readonly samResources: JsonObject
  /** The output template's Resources as translated so far; connectors, translated last, read and edit them. */
  readonly outputResources: JsonObject
  readonly deploymentPreferences: DeploymentPreferences
  /** `Fn.Alias`, `Fn.Version`, … → generated logical IDs. */
  readonly references: ResourceReferences
  /** When the template is translated (TransformOptions.time). */
  readonly time: Date
}

/** `arn:<partition>:iam::aws:policy/<name>` */
export function awsManagedPolicyArn(context: Pick<TransformContext, 'partition'>, name: string): string {
  return `arn:${context.partition}:iam::aws:policy/${name}`
}
