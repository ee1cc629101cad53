/** A JSON-like mapping, as mappings come out of the template and config loaders. */
export type JsonObject = Record<string, unknown>

/** True for a mapping: an object that is neither null nor an array. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * `target[key] = value` for a key read from a template (data, never the `__proto__` setter, which an assignment
 * would call). A plain assignment otherwise: objects built with defineProperty are slower to build and to read.
 */
export function setOwn(target: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, {value, enumerable: true, writable: true, configurable: true})
  else target[key] = value
}
