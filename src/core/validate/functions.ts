import {isIntrinsic} from '../template/intrinsics.js'
import type {TemplatePath} from '../template/template.js'
import {isObject, type JsonObject, type RuleContext} from './context.js'

/** A property as a function will see it, and where it was written (the resource or Globals). */
export interface Located<T = unknown> {
  value: T
  path: TemplatePath
}

/**
 * One Lambda function as deployed: an AWS::Lambda::Function, or an AWS::Serverless::Function with the
 * template's Globals.Function applied the way the SAM translator merges them (the resource wins; maps merge
 * key by key; lists such as Layers are concatenated, Globals first).
 */
export class FunctionView {
  readonly serverless: boolean
  readonly propertiesPath: TemplatePath
  private readonly own: JsonObject
  private readonly globals: JsonObject

  constructor(
    context: RuleContext,
    readonly logicalId: string,
  ) {
    const resource = context.resources[logicalId]!
    this.serverless = resource.Type === 'AWS::Serverless::Function'
    this.propertiesPath = ['Resources', logicalId, 'Properties']
    this.own = isObject(resource.Properties) ? resource.Properties : {}
    const globals = context.root.Globals
    this.globals = this.serverless && isObject(globals) && isObject(globals.Function) ? globals.Function : {}
  }

  /** The effective value of a top-level property, or undefined when neither the resource nor Globals sets it. */
  get(name: string): Located | undefined {
    const own = this.own[name]
    const global = this.globals[name]
    if (Object.hasOwn(this.own, name) && isObject(own) && isObject(global) && !isIntrinsic(own) && !isIntrinsic(global)) {
      return {value: {...(global as JsonObject), ...(own as JsonObject)}, path: [...this.propertiesPath, name]}
    }
    if (Object.hasOwn(this.own, name)) return {value: own, path: [...this.propertiesPath, name]}
    if (Object.hasOwn(this.globals, name)) return {value: this.globals[name], path: ['Globals', 'Function', name]}
    return undefined
  }

  /** A property read from the resource only (Events, Role, Policies cannot be global). */
  getOwn(name: string): Located | undefined {
    return Object.hasOwn(this.own, name) ? {value: this.own[name], path: [...this.propertiesPath, name]} : undefined
  }

  /** Environment variables from Globals and the resource, each with where it was written. */
  environmentVariables(): (Located & {name: string})[] {
    const result = new Map<string, Located & {name: string}>()
    for (const [source, base] of [
      [this.globals, ['Globals', 'Function']],
      [this.own, this.propertiesPath],
    ] as const) {
      const environment = source.Environment
      if (!isObject(environment) || !isObject(environment.Variables)) continue
      for (const [name, value] of Object.entries(environment.Variables)) {
        result.set(name, {name, value, path: [...base, 'Environment', 'Variables', name]})
      }
    }
    return [...result.values()]
  }

  /** Layers from Globals then the resource; undefined entries are intrinsics that stand for a whole list. */
  layers(): Located[] | undefined {
    const lists: Located[] = []
    let computed = false
    for (const [source, base] of [
      [this.globals, ['Globals', 'Function']],
      [this.own, this.propertiesPath],
    ] as const) {
      const layers = source.Layers
      if (layers === undefined) continue
      if (!Array.isArray(layers)) {
        computed = true
        continue
      }
      layers.forEach((value, index) => lists.push({value, path: [...base, 'Layers', index]}))
    }
    return computed && lists.length === 0 ? undefined : lists
  }
}

/** Every function resource in the template, sorted by logical ID. */
export function functionViews(context: RuleContext): FunctionView[] {
  return context.resourcesOfType('AWS::Serverless::Function', 'AWS::Lambda::Function').map((id) => new FunctionView(context, id))
}
