import {isIntrinsic} from '../template/intrinsics.js'
import type {TemplatePath} from '../template/template.js'
import {didYouMean, isObject, lookup, referencedResource, type RuleContext, show} from './context.js'

export const PSEUDO_PARAMETERS: ReadonlySet<string> = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
])

/** Attributes Fn::GetAtt may read, for the Lambda types lpack knows exactly. Other types are not checked. */
const GETATT_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  'AWS::Lambda::Function': ['Arn', 'SnapStartResponse', 'SnapStartResponse.ApplyOn', 'SnapStartResponse.OptimizationStatus'],
  'AWS::Serverless::Function': ['Arn', 'SnapStartResponse', 'SnapStartResponse.ApplyOn', 'SnapStartResponse.OptimizationStatus'],
  'AWS::Lambda::Version': ['FunctionArn', 'Version'],
  'AWS::Lambda::Alias': ['AliasArn'],
  'AWS::Lambda::LayerVersion': ['LayerVersionArn'],
  'AWS::Lambda::Url': ['FunctionArn', 'FunctionUrl'],
  'AWS::Lambda::EventSourceMapping': ['EventSourceMappingArn', 'Id'],
}

/**
 * Checks that every Ref, GetAtt, Sub variable, DependsOn and Condition names something that exists,
 * that intrinsics have the shape CloudFormation needs, and that resources do not depend on each other in a circle.
 */
export function checkReferences(context: RuleContext): void {
  const root = context.root
  const parameters = isObject(root.Parameters) ? Object.keys(root.Parameters) : []
  const conditions = new Set(isObject(root.Conditions) ? Object.keys(root.Conditions) : [])
  const resourceIds = new Set(Object.keys(context.resources))
  const refTargets = new Set([...parameters, ...resourceIds, ...PSEUDO_PARAMETERS])
  const samGenerated = samGeneratedPrefixes(context)
  const isSamGenerated = (target: string) => samGenerated.some((prefix) => target.startsWith(prefix))

  const dependencies = new Map<string, Map<string, TemplatePath>>()
  const addDependency = (from: string | undefined, to: string, path: TemplatePath) => {
    if (from === undefined || !resourceIds.has(to)) return
    const edges = dependencies.get(from) ?? new Map<string, TemplatePath>()
    if (!edges.has(to)) edges.set(to, path)
    dependencies.set(from, edges)
  }

  const checkRef = (target: string, path: TemplatePath, from: string | undefined, localNames: ReadonlySet<string>) => {
    if (refTargets.has(target) || localNames.has(target) || isSamGenerated(target)) {
      addDependency(from, target, path)
      return
    }
    const suggestion = didYouMean(target, [...parameters, ...resourceIds])
    context.report('LP2001', path, `Ref to ${show(target)}, which is not a parameter, resource or pseudo parameter${suggestion ? `; did you mean ${suggestion}?` : ''}`, 'Ref takes the logical ID of a parameter or resource in this template, or a pseudo parameter such as AWS::Region.')
  }

  const checkGetAtt = (resource: string, attribute: string | undefined, path: TemplatePath, from: string | undefined) => {
    if (!resourceIds.has(resource)) {
      if (isSamGenerated(resource)) return
      const suggestion = didYouMean(resource, resourceIds)
      context.report('LP2002', path, `GetAtt of ${show(resource)}, which is not a resource in this template${suggestion ? `; did you mean ${suggestion}?` : ''}`, 'Fn::GetAtt takes the logical ID of a resource and one of its attributes.')
      return
    }
    addDependency(from, resource, path)
    const type = context.typeOf(resource)
    const allowed = type === undefined ? undefined : lookup(GETATT_ATTRIBUTES, type)
    // SAM's resource references: `Fn.Alias`, `Fn.Version` and their attributes name the generated alias and version.
    const samReference = type === 'AWS::Serverless::Function' && attribute !== undefined && /^(Alias|Version)(\.|$)/.test(attribute)
    if (allowed !== undefined && attribute !== undefined && !samReference && !allowed.includes(attribute)) {
      const suggestion = didYouMean(attribute, allowed)
      context.report('LP2003', path, `${type} ${resource} has no attribute ${show(attribute)}${suggestion ? `; did you mean ${suggestion}?` : ''}`, `${type} attributes: ${allowed.join(', ')}. Use !Ref ${resource} for the name.`)
    }
  }

  // Condition → the conditions it uses ({Condition: Name} inside Conditions), with where each is named.
  const conditionUses = new Map<string, Map<string, TemplatePath>>()
  const checkCondition = (name: unknown, path: TemplatePath) => {
    if (typeof name !== 'string') {
      context.report('LP2008', path, `A condition name must be a string, got ${show(name)}`)
      return
    }
    if (conditions.has(name)) {
      if (path[0] === 'Conditions' && typeof path[1] === 'string') {
        const uses = conditionUses.get(path[1]) ?? new Map<string, TemplatePath>()
        if (!uses.has(name)) uses.set(name, path)
        conditionUses.set(path[1], uses)
      }
      return
    }
    const suggestion = didYouMean(name, conditions)
    context.report('LP2006', path, `Condition ${show(name)} is not defined in Conditions${suggestion ? `; did you mean ${suggestion}?` : ''}`, 'Define it under Conditions, or fix the name.')
  }

  const walk = (value: unknown, path: TemplatePath, from: string | undefined, localNames: ReadonlySet<string>): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, [...path, index], from, localNames))
      return
    }
    if (!isObject(value)) return
    const keys = Object.keys(value)
    if (keys.length === 1) {
      const key = keys[0]!
      const argument = value[key]
      const argumentPath = [...path, key]
      switch (key) {
        case 'Ref':
          if (typeof argument === 'string') checkRef(argument, argumentPath, from, localNames)
          else if (!isObject(argument)) context.report('LP2008', argumentPath, `Ref takes a logical ID string, got ${show(argument)}`)
          else walk(argument, argumentPath, from, localNames)
          return
        case 'Fn::GetAtt': {
          const parts = typeof argument === 'string' ? splitAtFirstDot(argument) : argument
          if (!Array.isArray(parts) || parts.length !== 2 || typeof parts[0] !== 'string') {
            context.report('LP2008', argumentPath, `Fn::GetAtt takes [LogicalId, Attribute], got ${show(argument)}`)
            return
          }
          checkGetAtt(parts[0], typeof parts[1] === 'string' ? parts[1] : undefined, argumentPath, from)
          if (typeof parts[1] !== 'string') walk(parts[1], [...argumentPath, 1], from, localNames)
          return
        }
        case 'Fn::Sub': {
          const [text, variables] = Array.isArray(argument) ? argument : [argument, undefined]
          if (typeof text !== 'string' || (Array.isArray(argument) && (argument.length !== 2 || !isObject(variables)))) {
            context.report('LP2008', argumentPath, `Fn::Sub takes a string or [string, {Name: value}], got ${show(argument)}`)
            return
          }
          const names = new Set([...localNames, ...(isObject(variables) ? Object.keys(variables) : [])])
          const textPath = Array.isArray(argument) ? [...argumentPath, 0] : argumentPath
          for (const variable of subVariables(text)) {
            const [target, attribute] = splitAtFirstDot(variable)
            if (names.has(variable)) continue
            if (attribute !== undefined && !PSEUDO_PARAMETERS.has(variable)) {
              if (resourceIds.has(target) || isSamGenerated(target)) checkGetAtt(target, attribute, textPath, from)
              else reportSub(variable, textPath)
            } else if (refTargets.has(variable) || isSamGenerated(variable)) {
              addDependency(from, variable, textPath)
            } else {
              reportSub(variable, textPath)
            }
          }
          if (isObject(variables)) walk(variables, [...argumentPath, 1], from, localNames)
          return
        }
        case 'Fn::If': {
          if (!Array.isArray(argument) || argument.length !== 3) {
            context.report('LP2008', argumentPath, `Fn::If takes [ConditionName, ValueIfTrue, ValueIfFalse], got ${show(argument)}`)
            return
          }
          checkCondition(argument[0], [...argumentPath, 0])
          walk(argument[1], [...argumentPath, 1], from, localNames)
          walk(argument[2], [...argumentPath, 2], from, localNames)
          return
        }
        case 'Condition':
          if (path[0] === 'Conditions') {
            checkCondition(argument, argumentPath)
            return
          }
          break
        case 'Fn::Join':
          if (!Array.isArray(argument) || argument.length !== 2) {
            context.report('LP2008', argumentPath, `Fn::Join takes [Delimiter, [Values…]], got ${show(argument)}`)
            return
          }
          break
        case 'Fn::Select':
          if (!Array.isArray(argument) || argument.length !== 2) {
            context.report('LP2008', argumentPath, `Fn::Select takes [Index, [Values…]], got ${show(argument)}`)
            return
          }
          break
      }
    }
    for (const key of keys) walk(value[key], [...path, key], from, localNames)
  }

  const reportSub = (variable: string, path: TemplatePath) => {
    const suggestion = didYouMean(variable, [...parameters, ...resourceIds])
    context.report('LP2004', path, `Fn::Sub variable \${${variable}} is not a parameter, resource, resource attribute or pseudo parameter${suggestion ? `; did you mean ${suggestion}?` : ''}`, 'Write ${!Literal} for a literal ${…}, or pass the variable in Fn::Sub\'s second argument.')
  }

  const none = new Set<string>()
  for (const [logicalId, resource] of Object.entries(context.resources)) {
    const base = ['Resources', logicalId]
    if (resource.Condition !== undefined) checkCondition(resource.Condition, [...base, 'Condition'])
    const dependsOn = resource.DependsOn
    const dependsOnList = typeof dependsOn === 'string' ? [[dependsOn, [...base, 'DependsOn']] as const] : Array.isArray(dependsOn) ? dependsOn.map((d, i) => [d, [...base, 'DependsOn', i]] as const) : []
    for (const [target, path] of dependsOnList) {
      if (typeof target !== 'string') continue
      if (resourceIds.has(target)) addDependency(logicalId, target, path)
      else if (!isSamGenerated(target)) {
        const suggestion = didYouMean(target, resourceIds)
        context.report('LP2005', path, `DependsOn ${show(target)}, which is not a resource in this template${suggestion ? `; did you mean ${suggestion}?` : ''}`)
      }
    }
    for (const key of ['Metadata', 'DeletionPolicy', 'UpdateReplacePolicy', 'CreationPolicy', 'UpdatePolicy']) {
      if (resource[key] !== undefined) walk(resource[key], [...base, key], undefined, none)
    }
    if (isObject(resource.Properties)) {
      for (const [key, value] of Object.entries(resource.Properties)) {
        // The SAM transform turns these properties into separate resources (permissions, event source mappings,
        // deployment groups, AppSync resolvers): the resource itself does not depend on what they name.
        const separate = typeof resource.Type === 'string' && SEPARATE_SAM_PROPERTIES[resource.Type]?.includes(key) === true
        walk(value, [...base, 'Properties', key], separate ? undefined : logicalId, none)
      }
    } else if (resource.Properties !== undefined) {
      walk(resource.Properties, [...base, 'Properties'], logicalId, none)
    }
  }
  if (isObject(root.Conditions)) {
    for (const [name, condition] of Object.entries(root.Conditions)) walk(condition, ['Conditions', name], undefined, none)
  }
  if (isObject(root.Outputs)) {
    for (const [outputId, output] of Object.entries(root.Outputs)) {
      if (!isObject(output)) continue
      if (output.Condition !== undefined) checkCondition(output.Condition, ['Outputs', outputId, 'Condition'])
      walk(output.Value, ['Outputs', outputId, 'Value'], undefined, none)
      walk(output.Export, ['Outputs', outputId, 'Export'], undefined, none)
    }
  }
  if (isObject(root.Globals)) walk(root.Globals, ['Globals'], undefined, none)
  addApiIntegrationDependencies(context, addDependency)
  reportCycles(context, dependencies)
  reportConditionCycles(context, conditionUses)
}

/**
 * Conditions that use each other in a circle have no value, so CloudFormation cannot evaluate them (#18);
 * each circle is reported once, at the first condition's use of the next, e.g. `IsProd → IsProdAndEu → IsProd`.
 */
function reportConditionCycles(context: RuleContext, uses: Map<string, Map<string, TemplatePath>>): void {
  for (const component of stronglyConnected(uses)) {
    const selfLoop = component.length === 1 && uses.get(component[0]!)?.has(component[0]!)
    if (component.length < 2 && !selfLoop) continue
    const first = [...component].sort()[0]!
    const cycle = shortestCycle(first, new Set(component), uses)
    context.report('LP2009', uses.get(first)!.get(cycle[1]!)!, `Circular condition: ${cycle.join(' → ')}`, 'A condition cannot depend on itself, directly or through other conditions. Write the shared part as its own condition that uses none of them.')
  }
}

/**
 * Properties of SAM resources that the transform turns into resources of their own, which depend on the
 * generated resource rather than the other way round (samtranslator/model/sam_resources.py).
 */
const SEPARATE_SAM_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  'AWS::Serverless::Function': ['Events', 'DeploymentPreference'],
  'AWS::Serverless::StateMachine': ['Events'],
  'AWS::Serverless::GraphQLApi': ['ApiKeys', 'Cache', 'DataSources', 'DomainName', 'Functions', 'Resolvers', 'SchemaInline', 'SchemaUri'],
}

/**
 * The SAM transform writes each Api/HttpApi event's integration (the function's ARN) into the definition of the
 * API it names, unless that definition lives in a DefinitionUri file: the API then depends on the function.
 */
function addApiIntegrationDependencies(context: RuleContext, addDependency: (from: string, to: string, path: TemplatePath) => void): void {
  for (const fnId of context.resourcesOfType('AWS::Serverless::Function')) {
    const properties = context.resources[fnId]!.Properties
    if (!isObject(properties) || !isObject(properties.Events)) continue
    for (const [eventId, event] of Object.entries(properties.Events)) {
      if (!isObject(event) || !isObject(event.Properties) || (event.Type !== 'Api' && event.Type !== 'HttpApi')) continue
      const key = event.Type === 'Api' ? 'RestApiId' : 'ApiId'
      const apiId = referencedResource(event.Properties[key])
      const api = apiId === undefined ? undefined : context.resources[apiId]
      if (api === undefined || !writesIntegrations(api)) continue
      addDependency(apiId!, fnId, ['Resources', fnId, 'Properties', 'Events', eventId, 'Properties', key])
    }
  }
}

/**
 * Whether the SAM transform writes event integrations into this API's definition. An Api does so only for the
 * definition it generates itself (no DefinitionBody nor DefinitionUri), or with MergeDefinitions; an HttpApi also
 * edits an inline OpenAPI DefinitionBody, but not one computed by an intrinsic (such as an AWS::Include).
 */
function writesIntegrations(api: Record<string, unknown>): boolean {
  const properties = isObject(api.Properties) ? api.Properties : {}
  if (properties.DefinitionUri !== undefined) return false
  const body = properties.DefinitionBody
  if (api.Type === 'AWS::Serverless::Api') return body === undefined || (properties.MergeDefinitions !== undefined && properties.MergeDefinitions !== false)
  if (api.Type === 'AWS::Serverless::HttpApi') return body === undefined || (isObject(body) && !isIntrinsic(body))
  return false
}

/** Reports each group of resources that depend on each other in a circle, once, at its first resource. */
function reportCycles(context: RuleContext, dependencies: Map<string, Map<string, TemplatePath>>): void {
  for (const component of stronglyConnected(dependencies)) {
    const selfLoop = component.length === 1 && dependencies.get(component[0]!)?.has(component[0]!)
    if (component.length < 2 && !selfLoop) continue
    const members = new Set(component)
    const first = [...component].sort()[0]!
    const cycle = shortestCycle(first, members, dependencies)
    const path = dependencies.get(first)!.get(cycle[1]!)!
    context.report('LP2007', path, `Circular dependency: ${cycle.join(' → ')}`, 'CloudFormation cannot order these resources. Break the circle: build an ARN or name with Fn::Sub from known parts instead of referencing the resource, or move the link into a separate resource.')
  }
}

/** The shortest circle from `start` back to itself inside one component (breadth-first), e.g. [A, B, A]. */
function shortestCycle(start: string, members: ReadonlySet<string>, graph: Map<string, Map<string, TemplatePath>>): string[] {
  const previous = new Map<string, string>()
  const queue = [start]
  while (queue.length > 0) {
    const node = queue.shift()!
    for (const next of [...(graph.get(node)?.keys() ?? [])].sort()) {
      if (!members.has(next)) continue
      if (next === start) {
        const path = [node]
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!)
        return [...path, start]
      }
      if (!previous.has(next)) {
        previous.set(next, node)
        queue.push(next)
      }
    }
  }
  return [start, start]
}

/** Tarjan's algorithm, iterative so a long chain cannot overflow the stack. Returns components in a stable order. */
function stronglyConnected(graph: Map<string, Map<string, TemplatePath>>): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: string[] = []
  const components: string[][] = []
  let counter = 0
  for (const start of [...graph.keys()].sort()) {
    if (index.has(start)) continue
    const work: {node: string; edges: string[]; next: number}[] = []
    const enter = (node: string) => {
      index.set(node, counter)
      low.set(node, counter++)
      stack.push(node)
      onStack.add(node)
      work.push({node, edges: [...(graph.get(node)?.keys() ?? [])].sort(), next: 0})
    }
    enter(start)
    while (work.length > 0) {
      const frame = work[work.length - 1]!
      if (frame.next < frame.edges.length) {
        const target = frame.edges[frame.next++]!
        if (!index.has(target)) enter(target)
        else if (onStack.has(target)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!))
        continue
      }
      work.pop()
      if (work.length > 0) {
        const parent = work[work.length - 1]!.node
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!))
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = []
        let member: string
        do {
          member = stack.pop()!
          onStack.delete(member)
          component.push(member)
        } while (member !== frame.node)
        components.push(component)
      }
    }
  }
  return components
}

/**
 * Logical IDs the SAM transform creates (`FnRole`, `FnAliaslive`, `ServerlessRestApi`, …) may be referenced
 * before they exist. lpack accepts any name that starts with a Serverless resource's logical ID.
 */
function samGeneratedPrefixes(context: RuleContext): string[] {
  if (!context.hasSamTransform) return []
  const serverless = Object.keys(context.resources).filter((id) => context.typeOf(id)?.startsWith('AWS::Serverless::'))
  return [...serverless, 'ServerlessRestApi', 'ServerlessHttpApi', 'ServerlessDeploymentApplication', 'CodeDeployServiceRole']
}

function splitAtFirstDot(text: string): [string, string | undefined] {
  const dot = text.indexOf('.')
  return dot < 0 ? [text, undefined] : [text.slice(0, dot), text.slice(dot + 1)]
}

/** `${Name}` and `${Res.Attr}` in a Sub string; `${!Literal}` is an escape, not a variable. */
function subVariables(text: string): string[] {
  const names: string[] = []
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    const name = match[1]!.trim()
    if (name.startsWith('!') || name === '') continue
    names.push(name)
  }
  return names
}
