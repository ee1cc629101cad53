import {SamError, invalidResource} from './errors.js'
import {isObject, type JsonObject} from './json.js'

/** A property's expected shape, as SAM's PropertyType validators check it. */
export type Shape = 'string' | 'map' | 'list' | 'boolean' | 'integer' | 'any' | ((value: unknown) => boolean)

export interface PropertySpec {
  shape: Shape
  required?: boolean
  /** SAM lets a one-key mapping (an intrinsic) stand for most values; `Property(...)` types do not. */
  intrinsics?: boolean
}

const EXPECTED: Partial<Record<string, string>> = {map: 'map', string: 'string'}

export function matchesShape(shape: Shape, value: unknown): boolean {
  switch (shape) {
    case 'string': return typeof value === 'string'
    case 'map': return isObject(value)
    case 'list': return Array.isArray(value)
    case 'boolean': return typeof value === 'boolean'
    case 'integer': return typeof value === 'number' && Number.isInteger(value)
    case 'any': return true
    default: return shape(value)
  }
}

/**
 * Checks a SAM resource's (or event's) properties against its spec: unknown names, missing required ones and wrong
 * types are errors worded as SAM words them. `owner` is the logical ID the message names.
 */
export function validateProperties(owner: string, typeName: string, properties: JsonObject, specs: Readonly<Record<string, PropertySpec>>): void {
  for (const name of Object.keys(properties)) {
    if (!(name in specs)) throw invalidResource(owner, `property ${name} not defined for resource of type ${typeName}`)
  }
  for (const [name, spec] of specEntries(specs)) {
    const value = properties[name]
    const intrinsics = spec.intrinsics ?? spec.shape !== 'any'
    if (intrinsics && isObject(value) && Object.keys(value).length === 1) continue
    if (value === undefined || value === null) {
      if (spec.required) throw invalidResource(owner, `Missing required property '${name}'.`)
      continue
    }
    if (!matchesShape(spec.shape, value)) {
      const expected = typeof spec.shape === 'string' ? EXPECTED[spec.shape] : undefined
      throw invalidResource(owner, expected ? `Property '${name}' should be a ${expected}.` : `Type of property '${name}' is invalid.`)
    }
  }
}

/** The entries of each spec table, listed once: a table is checked against every resource of its type. */
const SPEC_ENTRIES = new WeakMap<object, [string, PropertySpec][]>()

function specEntries(specs: Readonly<Record<string, PropertySpec>>): [string, PropertySpec][] {
  let entries = SPEC_ENTRIES.get(specs)
  if (entries === undefined) SPEC_ENTRIES.set(specs, (entries = Object.entries(specs)))
  return entries
}

export const oneOf = (...shapes: Shape[]) => (value: unknown): boolean => shapes.some((shape) => matchesShape(shape, value))
export const listOf = (shape: Shape) => (value: unknown): boolean => Array.isArray(value) && value.every((item) => matchesShape(shape, item))
export const mapOf = (shape: Shape) => (value: unknown): boolean => isObject(value) && Object.values(value).every((item) => matchesShape(shape, item))

/** SAM's `sam_expect(...).to_be_a_map()` for a nested value. */
export function expectMap(value: unknown, owner: string, path: string, event = false): JsonObject {
  if (isObject(value)) return value
  const message = `Property '${path}' should be a map.`
  throw event ? new SamError(`Event with id [${owner}] is invalid. ${message}`) : invalidResource(owner, message)
}

export function expectBoolean(value: unknown, owner: string, path: string): boolean {
  if (typeof value === 'boolean') return value
  throw invalidResource(owner, `Property '${path}' should be a boolean.`)
}

export function expectString(value: unknown, owner: string, path: string, event = false): string {
  if (typeof value === 'string') return value
  const message = `Property '${path}' should be a string.`
  throw event ? new SamError(`Event with id [${owner}] is invalid. ${message}`) : invalidResource(owner, message)
}
