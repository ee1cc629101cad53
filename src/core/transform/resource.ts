import {getAtt, ref} from './intrinsics.js'
import type {JsonObject} from './json.js'

/** Resource attributes SAM reads from a SAM resource and writes on what it generates. */
export const SUPPORTED_ATTRIBUTES = ['DeletionPolicy', 'UpdatePolicy', 'Condition', 'UpdateReplacePolicy', 'Metadata'] as const
/** Attributes a SAM resource hands down to every resource generated from it. */
export const PASSTHROUGH_ATTRIBUTES = ['Condition', 'DeletionPolicy', 'UpdateReplacePolicy'] as const

/**
 * A CloudFormation resource being generated. Properties left undefined are omitted from the output, as SAM omits
 * properties it leaves at None.
 */
export class CfnResource {
  readonly properties: JsonObject = {}
  readonly attributes: JsonObject = {}
  dependsOn: unknown

  constructor(
    public logicalId: string,
    readonly type: string,
    attributes: JsonObject = {},
    dependsOn?: unknown,
  ) {
    Object.assign(this.attributes, attributes)
    this.dependsOn = dependsOn
  }

  set(name: string, value: unknown): this {
    this.properties[name] = value
    return this
  }

  get(name: string): unknown {
    return this.properties[name]
  }

  /** `{Ref: id}`: the name of a function, the URL of a queue, … */
  ref(): JsonObject {
    return ref(this.logicalId)
  }

  /** `{"Fn::GetAtt": [id, "Arn"]}` */
  arn(): JsonObject {
    return getAtt(this.logicalId, 'Arn')
  }

  passthroughAttributes(): JsonObject {
    return pickPassthrough(this.attributes)
  }

  /** The entry for the Resources section. */
  toTemplate(): JsonObject {
    const entry: JsonObject = {Type: this.type}
    if (isPresent(this.dependsOn)) entry.DependsOn = this.dependsOn
    Object.assign(entry, this.attributes)
    const properties: JsonObject = {}
    for (const [name, value] of Object.entries(this.properties)) if (value !== undefined && value !== null) properties[name] = value
    entry.Properties = properties
    return entry
  }
}

export function pickPassthrough(attributes: JsonObject): JsonObject {
  const picked: JsonObject = {}
  for (const name of PASSTHROUGH_ATTRIBUTES) if (name in attributes) picked[name] = attributes[name]
  return picked
}

function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === false) return false
  return !(Array.isArray(value) && value.length === 0)
}

/** SAM's tag list: `[{Key, Value}]` in the mapping's order, null values as empty strings. */
export function tagList(tags: unknown): JsonObject[] {
  if (tags === undefined || tags === null || typeof tags !== 'object' || Array.isArray(tags)) return []
  return Object.entries(tags as JsonObject).map(([Key, Value]) => ({Key, Value: Value ?? ''}))
}
