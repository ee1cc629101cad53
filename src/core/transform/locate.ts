import type {SourceRange, Template, TemplatePath} from '../template/template.js'

/** Where a transform error points: the value it names, as a template path and its position in the file. */
export interface LocatedError {
  message: string
  path: TemplatePath
  range: SourceRange
}

const RESOURCE_ID = /[Rr]esource with id \[([^\]]+)\]/
const EVENT_ID = /Event with id \[([^\]]+)\]/
/** How SAM's messages quote the property they are about, most specific first. */
const PROPERTY_PATTERNS = [
  /[Pp]roperty '([A-Za-z0-9_.]+(?:\[\d+\])*)'/,
  /[Aa]ttribute '([A-Za-z0-9_.]+)'/,
  /\b([A-Z][A-Za-z0-9]+\.[A-Z][A-Za-z0-9]+) is missing/,
  /property ([A-Za-z0-9_]+) not defined/,
  /required \[([A-Za-z0-9_]+)\] property/,
  /'([A-Z][A-Za-z0-9_]*)'/,
  /\b([A-Z][A-Za-z0-9]+) (?:is|must|needs|cannot|requires|works)\b/,
]

/**
 * Finds the resource and property a SAM error message names (`Resource with id [Fn] is invalid. Property
 * 'PrimaryKey.Name' is required.`) in the template: the deepest existing value on that path, else the resource.
 * Messages that name no resource point at the Resources section.
 */
export function locateTransformError(message: string, template: Template): LocatedError {
  let resourceId = RESOURCE_ID.exec(message)?.[1]
  const resources = (template.value.Resources ?? {}) as Record<string, unknown>
  let impliedEvent: string | undefined
  if (resourceId !== undefined && !Object.hasOwn(resources, resourceId)) {
    // An event's property errors name `<Resource><Event>`.
    for (const [id, resource] of Object.entries(resources)) {
      const events = propertiesOf(resource)?.Events
      if (resourceId.startsWith(id) && isRecord(events) && Object.hasOwn(events, resourceId.slice(id.length))) {
        impliedEvent = resourceId.slice(id.length)
        resourceId = id
        break
      }
    }
  }
  const connector = resourceId === undefined || Object.hasOwn(resources, resourceId) ? undefined : embeddedConnector(resources, resourceId)
  if (connector !== undefined) return locateInScope(message, template, connector.base, connector.value, undefined)
  const implicitApiGlobals = resourceId === undefined || Object.hasOwn(resources, resourceId) ? undefined : IMPLICIT_API_GLOBALS[resourceId]
  if (implicitApiGlobals !== undefined && isRecord(template.value.Globals) && isRecord(template.value.Globals[implicitApiGlobals])) {
    return locateInGlobals(message, template, implicitApiGlobals)
  }
  if (resourceId === undefined || !Object.hasOwn(resources, resourceId)) {
    const path = message.includes("'Globals'") && 'Globals' in template.value ? ['Globals'] : ['Resources']
    return {message, path, range: template.locateKey(path)}
  }
  const base: (string | number)[] = ['Resources', resourceId]
  let eventId = EVENT_ID.exec(message)?.[1] ?? impliedEvent
  // Some event errors name `<Resource><Event>`, the ID of what the event generates.
  if (eventId !== undefined && eventId.startsWith(resourceId) && eventId !== resourceId) {
    const events = propertiesOf(resources[resourceId])?.Events
    if (isRecord(events) && !Object.hasOwn(events, eventId) && Object.hasOwn(events, eventId.slice(resourceId.length))) eventId = eventId.slice(resourceId.length)
  }
  return locateInScope(message, template, base, resources[resourceId], eventId)
}

/** The APIs SAM creates for events without an API: they have no resource in the template, only their Globals section. */
const IMPLICIT_API_GLOBALS: Readonly<Record<string, string>> = {ServerlessRestApi: 'Api', ServerlessHttpApi: 'HttpApi'}

/** An implicit API's error: at the property it names in the Globals section the API took it from, else the section. */
function locateInGlobals(message: string, template: Template, section: string): LocatedError {
  const properties = (template.value.Globals as Record<string, unknown>)[section]
  const name = PROPERTY_PATTERNS[0]!.exec(message)?.[1]
  const path = ['Globals', section, ...(name === undefined ? [] : deepestExisting(properties, propertyPath(name)))]
  return {message, path, range: template.locateKey(path)}
}

/**
 * A connector given in a resource's `Connectors` attribute: SAM's messages name it `<Resource><Connector>` (the ID
 * of the Connector resource it becomes) or by its own name.
 */
function embeddedConnector(resources: Record<string, unknown>, id: string): {base: (string | number)[]; value: unknown} | undefined {
  for (const [resourceId, resource] of Object.entries(resources)) {
    const connectors = isRecord(resource) ? resource.Connectors : undefined
    if (!isRecord(connectors)) continue
    for (const [name, value] of Object.entries(connectors)) {
      if (id === resourceId + name || id === name) return {base: ['Resources', resourceId, 'Connectors', name], value}
    }
  }
  return undefined
}

/** The property a message names within one resource (or embedded connector) at `base`, else `base` itself. */
function locateInScope(message: string, template: Template, base: (string | number)[], resource: unknown, eventId: string | undefined): LocatedError {
  const properties = propertiesOf(resource)
  const scope: (string | number)[] = [...base]
  let scopeValue: unknown = properties
  if (eventId !== undefined && isRecord(properties?.Events) && Object.hasOwn(properties.Events, eventId)) {
    scope.push('Properties', 'Events', eventId)
    scopeValue = (properties.Events as Record<string, unknown>)[eventId]
    if (isRecord(scopeValue) && isRecord(scopeValue.Properties)) {
      scope.push('Properties')
      scopeValue = scopeValue.Properties
    }
  } else if (properties !== undefined) {
    scope.push('Properties')
  }
  const detail = message.slice(message.indexOf(']') + 1)
  for (const pattern of PROPERTY_PATTERNS) {
    const name = pattern.exec(detail)?.[1]
    if (name === undefined) continue
    const names = propertyPath(name)
    let found: (string | number)[] = deepestExisting(scopeValue, names)
    if (found.length === 0) found = findKey(scopeValue, name.split('.').at(-1)!) ?? []
    if (found.length > 0) {
      const path = [...scope, ...found]
      return {message, path, range: template.locateKey(path)}
    }
    // Resource attributes (`Connectors.X.Properties`, `Fn.Connectors`) stand beside Properties.
    if (names[0] === base[1]) names.shift()
    const attribute = names[0] === 'Properties' ? [] : deepestExisting(resource, names)
    if (attribute.length > 0) {
      const path = [...base, ...attribute]
      return {message, path, range: template.locateKey(path)}
    }
  }
  // A quoted value (`Unable to find resource with logical ID 'Missing'`): where it is written.
  const quoted = /'([^']+)'/.exec(detail)?.[1]
  const holding = quoted === undefined ? undefined : findValue(scopeValue, quoted)
  if (holding !== undefined) {
    const path = [...scope, ...holding]
    return {message, path, range: template.locateKey(path)}
  }
  return {message, path: scope, range: template.locateKey(eventId === undefined ? base : scope)}
}

/** `Domain.BasePath[0]` → `['Domain', 'BasePath', 0]` */
function propertyPath(name: string): (string | number)[] {
  return name.split('.').flatMap((part) => part.split(/[[\]]/).filter((piece) => piece !== '').map((piece, index) => (index > 0 ? Number(piece) : piece)))
}

function deepestExisting(value: unknown, names: readonly (string | number)[]): (string | number)[] {
  const found: (string | number)[] = []
  let current = value
  for (const name of names) {
    if (typeof name === 'number' ? !Array.isArray(current) || name >= current.length : !isRecord(current) || !Object.hasOwn(current, name)) break
    found.push(name)
    current = (current as Record<string | number, unknown>)[name]
  }
  return found
}

/** The first path (depth first, in document order) to a key of that name. */
function findKey(value: unknown, name: string, depth = 0): string[] | undefined {
  if (!isRecord(value) || depth > 8) return undefined
  if (Object.hasOwn(value, name)) return [name]
  for (const [key, child] of Object.entries(value)) {
    const below = findKey(child, name, depth + 1)
    if (below) return [key, ...below]
  }
  return undefined
}

/** The first path (depth first, in document order) to a string of that value. */
function findValue(value: unknown, wanted: string, depth = 0): string[] | undefined {
  if (!isRecord(value) || depth > 8) return undefined
  for (const [key, child] of Object.entries(value)) {
    if (child === wanted) return [key]
    const below = findValue(child, wanted, depth + 1)
    if (below) return [key, ...below]
  }
  return undefined
}

function propertiesOf(resource: unknown): Record<string, unknown> | undefined {
  return isRecord(resource) && isRecord(resource.Properties) ? resource.Properties : undefined
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `template.yaml:12:7: message` */
export function formatLocatedError(file: string, located: LocatedError): string {
  return `${file}:${located.range.line}:${located.range.column}: ${located.message}`
}
