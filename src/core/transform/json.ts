import {isObject, type JsonObject, setOwn} from '../json.js'

export {isObject, type JsonObject}

/**
 * A deep copy of a template value (plain objects, arrays, strings, numbers, booleans, null). A walk rather than
 * structuredClone, which serializes and is several times slower on many small objects. A subtree referenced twice
 * is copied twice (templates are trees: the loader expands YAML aliases).
 */
export function deepClone<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return value.map(deepClone) as T
  const copy: Record<string, unknown> = {}
  for (const key of Object.keys(value)) setOwn(copy, key, deepClone((value as Record<string, unknown>)[key]))
  return copy as T
}

/** Python's truthiness, which decides whether SAM copies an optional value: None, False, 0, '' and empty lists and dicts are false. */
export function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false
  if (Array.isArray(value)) return value.length > 0
  if (isObject(value)) return Object.keys(value).length > 0
  return true
}

/** Structural equality, as Python's `==` on dicts and lists. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]))
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a)
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]))
  }
  return false
}

/**
 * Python's `json.dumps(value, separators=(",", ":"), sort_keys=True)` (ensure_ascii on): the text the SAM translator
 * hashes into logical IDs. Byte-identical text is what keeps Version and LayerVersion logical IDs identical to SAM's.
 */
export function pythonJsonDumps(value: unknown): string {
  return pythonJson(value, (keys) => keys.sort(compareCodePoints), ',', ':')
}

/**
 * Python's `json.dumps(value)` with its default separators (`, ` and `: `), each dict's keys in the order `keyOrder`
 * gives for them (their insertion order).
 */
export function pythonJsonDumpsOrdered(value: unknown, keyOrder: (keys: string[]) => string[]): string {
  return pythonJson(value, keyOrder, ', ', ': ')
}

function pythonJson(value: unknown, keyOrder: (keys: string[]) => string[], itemSeparator: string, keySeparator: string): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') return pythonNumber(value)
  if (typeof value === 'string') return pythonString(value)
  const nested = (item: unknown): string => pythonJson(item, keyOrder, itemSeparator, keySeparator)
  if (Array.isArray(value)) return `[${value.map(nested).join(itemSeparator)}]`
  if (isObject(value)) {
    return `{${keyOrder(Object.keys(value)).map((key) => `${pythonString(key)}${keySeparator}${nested(value[key])}`).join(itemSeparator)}}`
  }
  return pythonString(String(value))
}

function pythonNumber(value: number): string {
  if (Number.isInteger(value)) return String(value)
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity'
  // Python's float repr: shortest round-trip digits, exponent form outside 1e-4 … 1e16.
  const text = String(value)
  return text.replace(/e([+-])(\d)$/, 'e$10$2')
}

function pythonString(value: string): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (char) =>
    char === '\u007f' ? char : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}

/** Python's default str ordering (by code point); differs from localeCompare. */
export function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** A copy with every object's keys in code-point order: stable, reviewable output. */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep)
  if (isObject(value)) {
    const sorted: JsonObject = {}
    for (const key of Object.keys(value).sort(compareCodePoints)) setOwn(sorted, key, sortKeysDeep(value[key]))
    return sorted
  }
  return value
}

/**
 * Python's `json.dumps(value, sort_keys=True, indent=4, separators=(",", ": "))`: how SAM prints a state machine
 * Definition before splitting it into the lines of an Fn::Join.
 */
export function pythonJsonPretty(value: unknown, indent = 4, depth = 0): string {
  const pad = (level: number): string => ' '.repeat(indent * level)
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]'
    return `[\n${value.map((item) => pad(depth + 1) + pythonJsonPretty(item, indent, depth + 1)).join(',\n')}\n${pad(depth)}]`
  }
  if (isObject(value)) {
    const keys = Object.keys(value).sort(compareCodePoints)
    if (keys.length === 0) return '{}'
    const entries = keys.map((key) => `${pad(depth + 1)}${pythonJsonDumps(key)}: ${pythonJsonPretty(value[key], indent, depth + 1)}`)
    return `{\n${entries.join(',\n')}\n${pad(depth)}}`
  }
  return pythonJsonDumps(value)
}
