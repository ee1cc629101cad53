import type {TransformContext} from '../context.js'
import type {JsonObject} from '../json.js'
import type {CfnResource} from '../resource.js'
import type {PropertySpec} from '../validate.js'

/** What an event source invokes: the function, or its alias when AutoPublishAlias is set. */
export interface EventTarget {
  readonly resource: CfnResource
  /** FunctionName for permissions and mappings: `Ref` of the function or of the alias. */
  readonly name: JsonObject
  /** The ARN targets point at: `GetAtt Fn.Arn`, or `Ref` of the alias (an alias's Ref is its ARN). */
  readonly arn: JsonObject
  /** Condition, DeletionPolicy, UpdateReplacePolicy handed to generated resources. */
  readonly passthrough: JsonObject
}

export interface EventInput {
  /** `<Function><Event>`: the logical ID of the main generated resource. */
  readonly logicalId: string
  /** The event's own name under Events (SAM's relative id). */
  readonly name: string
  readonly properties: JsonObject
  readonly target: EventTarget
  /** The generated execution role; undefined when the function brings its own Role. */
  readonly role: CfnResource | undefined
  readonly functionId: string
  readonly context: TransformContext
}

/** One Events type: its property spec and how it translates. */
export interface EventSourceType {
  readonly properties: Readonly<Record<string, PropertySpec>>
  translate(input: EventInput): CfnResource[]
}
