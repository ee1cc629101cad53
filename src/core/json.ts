/** A JSON-like mapping, as mappings come out of the template and config loaders. */
export type JsonObject = Record<string, unknown>

/** True for a mapping: an object that is neither null nor an array. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
