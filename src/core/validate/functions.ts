import {originOf, type ResolvedResource} from '../template/resolve.js'
import type {TemplatePath} from '../template/template.js'
import {isObject, type JsonObject, type RuleContext} from './context.js'

/** A property as a function will see it, and where it was written (the resource or Globals). */
export interface Located<T = unknown> {
  value: T
  path: TemplatePath
}

/**
 * One Lambda function as deployed: an AWS::Lambda::Function, or an AWS::Serverless::Function with the template's
 * Globals.Function applied as the SAM translator applies them (template/resolve.ts, shared with build and
 * transform), each value with the place it was written: the resource or Globals.
 */
export class FunctionView {
  readonly serverless: boolean
  readonly propertiesPath: TemplatePath
  private readonly own: JsonObject
  private readonly resolved: ResolvedResource | undefined

  constructor(
    context: RuleContext,
    readonly logicalId: string,
  ) {
    const resource = context.resources[logicalId]!
    this.serverless = resource.Type === 'AWS::Serverless::Function'
    this.propertiesPath = ['Resources', logicalId, 'Properties']
    this.own = isObject(resource.Properties) ? resource.Properties : {}
    this.resolved = context.resolved.resource(logicalId)
  }

  private get properties(): JsonObject {
    return this.resolved?.properties ?? this.own
  }

  private pathOf(path: TemplatePath): TemplatePath {
    return this.resolved ? originOf(this.resolved.origin, path) : [...this.propertiesPath, ...path]
  }

  /** The effective value of a top-level property, or undefined when neither the resource nor Globals sets it. */
  get(name: string): Located | undefined {
    if (!Object.hasOwn(this.properties, name)) return undefined
    return {value: this.properties[name], path: this.pathOf([name])}
  }

  /** A property read from the resource only (Events, Role, Policies cannot be global). */
  getOwn(name: string): Located | undefined {
    return Object.hasOwn(this.own, name) ? {value: this.own[name], path: [...this.propertiesPath, name]} : undefined
  }

  /** Environment variables from Globals and the resource, each with where it was written. */
  environmentVariables(): (Located & {name: string})[] {
    const environment = this.properties.Environment
    if (!isObject(environment) || !isObject(environment.Variables)) return []
    return Object.entries(environment.Variables).map(([name, value]) => ({name, value, path: this.pathOf(['Environment', 'Variables', name])}))
  }

  /** Layers from Globals then the resource; undefined when the list is an intrinsic that stands for a whole list. */
  layers(): Located[] | undefined {
    const layers = this.properties.Layers
    if (layers === undefined) return []
    if (!Array.isArray(layers)) return undefined
    return layers.map((value, index) => ({value, path: this.pathOf(['Layers', index])}))
  }
}

/** Every function resource in the template, sorted by logical ID. */
export function functionViews(context: RuleContext): FunctionView[] {
  return context.resourcesOfType('AWS::Serverless::Function', 'AWS::Lambda::Function').map((id) => new FunctionView(context, id))
}
