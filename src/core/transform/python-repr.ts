import type {TemplatePath} from '../template/template.js'
import {makeConditional, ref} from './intrinsics.js'

/**
 * `str(swagger)` as the SAM translator computes it for a REST API deployment's hash (model/apigateway.py
 * make_auto_deployable). The translator turns an Api's template values into Python-2.7-compatible types before it
 * starts (utils/py27hash_fix.py): template strings print as `u'…'`, template dicts iterate in Python 2.7's hash-table
 * order. What SAM adds itself prints as Python 3 prints it: `'…'` strings, and `{'Ref': …}` style dicts in insertion
 * order. The same JSON value can therefore print differently depending on who wrote it, so SAM-written parts are
 * marked where they are built (markSam) and everything unmarked counts as the template's.
 */

const PLAIN_KEYS = new WeakMap<object, true | ReadonlySet<string>>()
const PLAIN_VALUES = new WeakMap<object, true | ReadonlySet<string>>()
const INSERTION_ORDERED = new WeakSet<object>()
const KEY_HISTORY = new WeakMap<object, string[]>()
const COPIED = new WeakSet<object>()
const FLOATS = new WeakMap<object, Set<string>>()
const MERGED_KEYS = new WeakMap<object, Set<string>>()
const COPY_POINTS = new WeakMap<object, CopyPoint[]>()

/** A copy of a dict: the keys it held then, and whether it was `dict.copy()` (one PyDict_Merge) or a deep copy. */
interface CopyPoint {
  keys: string[]
  dictCopy: boolean
}

/** What of a dict or list SAM wrote: its keys, its string values (all or some), and whether it is a plain Python dict. */
export interface SamMark {
  keys?: true | string[]
  values?: true | string[]
  /** A plain Python dict (intrinsics SAM builds: Ref, Fn::Sub, Fn::If): iterates in insertion order. */
  insertionOrdered?: boolean
  /**
   * Built inside one of SAM's document editors, so deep-copied an odd number of times before hashing (see py27KeyOrder);
   * the template's dicts and SAM's skeleton are copied an even number of times.
   */
  copied?: boolean
}

/** Marks `target` as built by SAM (see the module comment); returns it. */
export function markSam<T extends object>(target: T, mark: SamMark = {keys: true, values: true}): T {
  if (mark.keys) addMark(PLAIN_KEYS, target, mark.keys)
  if (mark.values) addMark(PLAIN_VALUES, target, mark.values)
  if (mark.insertionOrdered) INSERTION_ORDERED.add(target)
  if (mark.copied) COPIED.add(target)
  return target
}

/** Marks every dict in `value` as deep-copied once more by SAM (see SamMark.copied). */
export function markCopiedDeep(value: unknown): void {
  if (Array.isArray(value)) value.forEach(markCopiedDeep)
  else if (typeof value === 'object' && value !== null) {
    COPIED.add(value)
    Object.values(value).forEach(markCopiedDeep)
  }
}

/**
 * Gives `target`, a rebuilt `source` (parameter references resolved into a new value), the copy marks of `source`:
 * SAM resolves in place, so the dicts keep their history.
 */
export function carryCopyMarks(source: unknown, target: unknown): void {
  if (typeof source !== 'object' || source === null || typeof target !== 'object' || target === null || source === target) return
  if (COPIED.has(source)) COPIED.add(target)
  for (const [key, value] of Object.entries(source)) carryCopyMarks(value, (target as Record<string, unknown>)[key])
}

/**
 * Marks the whole numbers in `value` (the template's, at `path`) that the template writes as floats (`swagger: 2.0`):
 * PyYAML reads them as floats, which str() prints as `2.0`; JavaScript reads the integer 2.
 */
export function markTemplateFloats(value: unknown, path: TemplatePath, isFloat: (path: TemplatePath) => boolean): void {
  if (typeof value !== 'object' || value === null) return
  const entries = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value)
  for (const [key, item] of entries) {
    const at = [...path, key]
    if (typeof item === 'number' && Number.isInteger(item) && isFloat(at)) FLOATS.set(value, new Set([...(FLOATS.get(value) ?? []), String(key)]))
    else markTemplateFloats(item, at, isFloat)
  }
}

/** `str()` of the value at `key` of `container` as the translator has it (a number the template writes `2.0` is `2.0`). */
export function templateText(container: object, key: string): string {
  const value = (container as Record<string, unknown>)[key]
  return isTemplateFloat(container, key) ? pythonFloatRepr(value as number) : String(value)
}

function isTemplateFloat(container: object, key: string): boolean {
  return typeof (container as Record<string, unknown>)[key] === 'number' && FLOATS.get(container)?.has(key) === true
}

/** An intrinsic function SAM builds (`{'Fn::Sub': …}`): a plain dict with a plain key; its strings as given. */
export function samIntrinsic<T extends object>(target: T, plainStrings = true): T {
  return markSam(target, {keys: true, values: plainStrings ? true : undefined, insertionOrdered: true})
}

/** Marks add up: several events write into the same path item. */
function addMark(marks: WeakMap<object, true | ReadonlySet<string>>, target: object, mark: true | string[]): void {
  const existing = marks.get(target)
  if (existing === true) return
  marks.set(target, mark === true ? true : new Set([...(existing ?? []), ...mark]))
}

/** Sets a key SAM writes; a new key is SAM's str, an existing one keeps the template's. */
export function setSamKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (!(key in target)) markSam(target, {keys: [key]})
  target[key] = value
}

/**
 * Adds a key as SAM's `dict.update(other)` does (PyDict_Merge): the table may grow before the key goes in, so the
 * dict can iterate in another order than had the key been set on its own.
 */
export function samMergeKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key in target) {
    target[key] = value
    return
  }
  MERGED_KEYS.set(target, new Set([...(MERGED_KEYS.get(target) ?? []), key]))
  setSamKey(target, key, value)
}

/**
 * Deletes a key as SAM does as its last step before hashing: a Python 2.7 dict keeps the other keys in their slots,
 * so the order is that of the dict with the key still in it.
 */
export function samDelete(target: Record<string, unknown>, key: string): void {
  if (!(key in target)) return
  if (!KEY_HISTORY.has(target)) KEY_HISTORY.set(target, Object.keys(target))
  delete target[key]
}

/**
 * `{**first, **second}` as SAM writes it: a plain Python dict (insertion order) with `first`'s keys in the order they
 * iterate in, then `second`'s new keys in theirs. A key of both keeps `first`'s key object (its str type) and takes
 * `second`'s value.
 */
export function samMergedDict(first: Record<string, unknown>, second: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = {}
  const plainKeys = new Set<string>()
  const plainValues = new Set<string>()
  for (const [source, keys] of [[first, pythonKeyOrder(first)], [second, pythonKeyOrder(second)]] as const) {
    for (const key of keys) {
      if (!Object.hasOwn(merged, key) && isPlain(PLAIN_KEYS, source, key)) plainKeys.add(key)
      merged[key] = source[key]
      if (isPlain(PLAIN_VALUES, source, key)) plainValues.add(key)
      else plainValues.delete(key)
    }
  }
  return markSam(merged, {keys: [...plainKeys], values: [...plainValues], insertionOrdered: true})
}

/**
 * Records that SAM copies `target` now (one of its editors opens or returns the document): the keys it holds so far
 * are re-inserted in their iteration order, so keys added before and after land differently in the table. A deep
 * copy adds them one by one; `dict.copy()` (`dictCopy`) merges them into a table sized for them all at once.
 */
export function samCopyPoint(target: Record<string, unknown>, dictCopy = false): void {
  COPY_POINTS.set(target, [...(COPY_POINTS.get(target) ?? []), {keys: Object.keys(target), dictCopy}])
}

/**
 * Records a deep copy of a whole document by one of SAM's editors (see samCopyPoint) on the document and on the
 * template's dicts inside it; the dicts SAM built carry their copies in their marks.
 */
export function samCopyDocument(document: Record<string, unknown>): void {
  samCopyPoint(document)
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit)
    else if (typeof value === 'object' && value !== null) {
      const object = value as Record<string, unknown>
      if (KEY_HISTORY.has(object)) reinsertAfterDeletion(object)
      else if (PLAIN_KEYS.get(object) !== true && !COPIED.has(object) && !INSERTION_ORDERED.has(object)) samCopyPoint(object)
      Object.values(object).forEach(visit)
    }
  }
  Object.values(document).forEach(visit)
}

/**
 * A deep copy of a document whose copies are being followed (one auth has edited), by one of SAM's later editor passes;
 * other documents keep the plain model.
 */
export function samCopyFollowedDocument(document: unknown): void {
  if (typeof document === 'object' && document !== null && COPY_POINTS.has(document)) samCopyDocument(document as Record<string, unknown>)
}

/**
 * A dict SAM deleted keys from (samDelete), deep-copied by an editor pass: the copy re-inserts its keys in their
 * order, leaving no trace of the deleted ones, and the pass's second copy re-inserts them once more.
 */
function reinsertAfterDeletion(object: Record<string, unknown>): void {
  const entries = pythonKeyOrder(object).map((key) => [key, object[key]] as const)
  for (const key of Object.keys(object)) delete object[key]
  for (const [key, value] of entries) object[key] = value
  KEY_HISTORY.delete(object)
  COPY_POINTS.delete(object)
  MERGED_KEYS.delete(object)
  COPIED.add(object)
}

/** Keys inserted in order, with the table rebuilt at each copy point. */
function builtOrder(keys: readonly string[], merged: ReadonlySet<string> | undefined, copyPoints: readonly CopyPoint[] = []): string[] {
  let table = new Py27Keys()
  const inserted = new Set<string>()
  const insert = (key: string): void => {
    if (inserted.has(key)) return
    inserted.add(key)
    if (merged?.has(key)) table.merge([key])
    else table.add(key)
  }
  for (const point of copyPoints) {
    point.keys.forEach(insert)
    // A copy re-inserts what the dict holds then: keys deleted before it leave no trace.
    const kept = table.keys().filter((key) => point.keys.includes(key))
    const copy = new Py27Keys()
    if (point.dictCopy) copy.merge(kept)
    else kept.forEach((key) => copy.add(key))
    table = copy
  }
  keys.forEach(insert)
  return table.keys()
}

/** The order SAM iterates (and prints) a dict's keys in, as of now. */
export function pythonKeyOrder(object: Record<string, unknown>): string[] {
  if (INSERTION_ORDERED.has(object)) return Object.keys(object)
  const history = KEY_HISTORY.get(object)
  const all = history === undefined ? Object.keys(object) : [...history, ...Object.keys(object).filter((key) => !history.includes(key))]
  const built = builtOrder(all, MERGED_KEYS.get(object), COPY_POINTS.get(object))
  // Copy points, where followed, stand for the copies the mark would count.
  const order = COPIED.has(object) && !COPY_POINTS.has(object) ? py27KeyOrder(built) : built
  return history === undefined ? order : order.filter((key) => Object.hasOwn(object, key))
}

/** SAM's make_conditional for a document part: `{'Fn::If': [condition, value, {'Ref': 'AWS::NoValue'}]}`. */
export function samConditional(condition: unknown, value: unknown, conditionFromSam = false): Record<string, unknown> {
  const conditional = samIntrinsic(makeConditional(condition, value, samIntrinsic(ref('AWS::NoValue'))), false)
  if (conditionFromSam) markSam(conditional['Fn::If'] as unknown[], {values: ['0']})
  return conditional
}

function isPlain(marks: WeakMap<object, true | ReadonlySet<string>>, container: object, key: string): boolean {
  const mark = marks.get(container)
  return mark === true || (mark !== undefined && mark.has(key))
}

/** A 64-bit unsigned value as two 32-bit halves: Number arithmetic, several times faster than BigInt here. */
interface Word64 {
  readonly hi: number
  readonly lo: number
}

const TWO_32 = 4_294_967_296

/** Python 2.7's string hash (Objects/stringobject.c string_hash), as an unsigned 64-bit value. */
export function py27StringHash(text: string): bigint {
  const {hi, lo} = py27Hash(text)
  return (BigInt(hi) << 32n) | BigInt(lo)
}

/** Hashes of the keys seen so far: templates repeat the same keys (Type, Properties, paths) in dict after dict. */
const HASHES = new Map<string, Word64>()
const MAX_CACHED_HASHES = 50_000

function py27Hash(text: string): Word64 {
  const cached = HASHES.get(text)
  if (cached !== undefined) return cached
  let hi = 0
  let lo = 0
  let length = 0
  for (const char of text) {
    const code = char.codePointAt(0)!
    if (length === 0) lo = code * 128
    // x = (1000003 * x) mod 2^64, in halves: each product stays below 2^53, so it is exact.
    const low = lo * 1_000_003
    const carry = Math.floor(low / TWO_32)
    hi = (hi * 1_000_003 + carry) % TWO_32
    lo = ((low - carry * TWO_32) ^ code) >>> 0
    length++
  }
  const hash = length === 0 ? {hi: 0, lo: 0} : {hi, lo: (lo ^ length) >>> 0}
  if (HASHES.size >= MAX_CACHED_HASHES) HASHES.clear()
  HASHES.set(text, hash)
  return hash
}

/** Python 2.7's dict table (Objects/dictobject.c): slots, fill and resizes, for the order keys iterate in. */
class Py27Keys {
  /** The table, indexed by slot: iterating it in slot order is iterating the dict. */
  private slots: (string | undefined)[] = new Array<string | undefined>(8)
  private mask = 7
  private fill = 0
  private used = 0

  /** PyDict_Merge of `keys`: grows the table first when the merged size would fill it. */
  merge(keys: readonly string[]): void {
    if (keys.length === 0) return
    if ((this.fill + keys.length) * 3 >= (this.mask + 1) * 2) this.resize((this.used + keys.length) * 2)
    for (const key of keys) this.add(key)
  }

  add(key: string): void {
    const index = this.index(key)
    if (this.slots[index] !== undefined) return
    this.slots[index] = key
    this.fill++
    this.used++
    if (this.fill * 3 >= (this.mask + 1) * 2) this.resize(this.used * (this.used > 50_000 ? 2 : 4))
  }

  keys(): string[] {
    const keys: string[] = []
    for (const key of this.slots) if (key !== undefined) keys.push(key)
    return keys
  }

  /**
   * The slot lookdict probes to: `i = (i << 2) + i + perturb + 1`, `perturb >>= 5`. Only i's low bits (under the
   * mask) are ever read, so i is kept modulo 2^32; perturb shifts the hash's high half down, so it keeps all 64 bits.
   */
  private index(key: string): number {
    const {hi, lo} = py27Hash(key)
    const mask = this.mask
    let index = lo & mask
    let slot = this.slots[index]
    if (slot === undefined || slot === key) return index
    let walker = index
    let perturbHi = hi
    let perturbLo = lo
    for (;;) {
      walker = (walker * 5 + perturbLo + 1) % TWO_32
      index = walker & mask
      slot = this.slots[index]
      if (slot === undefined || slot === key) return index
      perturbLo = ((perturbLo >>> 5) | ((perturbHi & 31) << 27)) >>> 0
      perturbHi >>>= 5
    }
  }

  private resize(request: number): void {
    let size = 8
    while (size <= request) size <<= 1
    const keys = this.keys()
    this.mask = size - 1
    this.slots = new Array<string | undefined>(size)
    this.fill = 0
    this.used = 0
    for (const key of keys) this.add(key)
  }
}

/**
 * The order a dict's keys iterate in: inserted into a Python 2.7 dict in the order given. A deep copy re-inserts the
 * keys in that order, which can swap colliding keys back and forth, so what counts is whether a dict was copied an
 * odd or even number of times (SamMark.copied).
 */
export function py27KeyOrder(keys: readonly string[]): string[] {
  return builtOrder(keys, undefined)
}

/**
 * The order the translator walks a dict of the template in (Resources, a resource's Events): Python 2.7's when the
 * template has a REST API, since the translator then first turns the template into Python 2.7 dicts (py27hash_fix,
 * for the deployment hash), else the template's own.
 */
export function templateDictOrder(dict: Record<string, unknown>, samResources: Record<string, unknown>): string[] {
  const hasRestApi = Object.values(samResources).some((resource) => typeof resource === 'object' && resource !== null && (resource as Record<string, unknown>).Type === 'AWS::Serverless::Api')
  return hasRestApi ? py27KeyOrder(Object.keys(dict)) : Object.keys(dict)
}

/** Printable ASCII without a quote or backslash: the text of most strings, which repr() only puts between quotes. */
const NEEDS_NO_ESCAPES = /^[\x20-\x26\x28-\x5b\x5d-\x7e]*$/

/** Python 3's repr of a str: the quote it picks and its escapes. */
export function pythonStrRepr(text: string): string {
  if (NEEDS_NO_ESCAPES.test(text)) return `'${text}'`
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'"
  let out = quote
  for (const char of text) {
    const code = char.codePointAt(0)!
    if (char === quote || char === '\\') out += `\\${char}`
    else if (char === '\t') out += '\\t'
    else if (char === '\n') out += '\\n'
    else if (char === '\r') out += '\\r'
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`
    else if (code > 0x7f && !isPrintable(char)) out += escapeCode(code)
    else out += char
  }
  return out + quote
}

function isPrintable(char: string): boolean {
  return !/[\p{C}\p{Z}]/u.test(char) || char === ' '
}

function escapeCode(code: number): string {
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, '0')}`
  return `\\U${code.toString(16).padStart(8, '0')}`
}

/** repr of the translator's Py27UniStr: `u` + repr of the text's unicode_escape encoding, doubled backslashes undone. */
export function py27UnicodeRepr(text: string): string {
  if (NEEDS_NO_ESCAPES.test(text)) return `u'${text}'`
  let escaped = ''
  for (const char of text) {
    const code = char.codePointAt(0)!
    if (char === '\\') escaped += '\\\\'
    else if (char === '\t') escaped += '\\t'
    else if (char === '\n') escaped += '\\n'
    else if (char === '\r') escaped += '\\r'
    else if (code < 0x20 || code >= 0x7f) escaped += escapeCode(code)
    else escaped += char
  }
  return `u${pythonStrRepr(escaped).replaceAll('\\\\', '\\')}`
}

/**
 * repr of a YAML number: ints as ints, floats in Python's shortest form and exponent rules. (Integers beyond 2^53,
 * which Python would print as longs, do not survive as JavaScript numbers; they print as floats.)
 */
function numberRepr(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e16 ? String(value) : pythonFloatRepr(value)
}

/** Python's str/repr of a float: shortest round-trip digits, `3.0` for an integral value, exponents from 1e16. */
export function pythonFloatRepr(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf'
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string]
  const exponent = Number(exponentText)
  if (exponent < -4 || exponent >= 16) return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`
  const text = String(value)
  return text.includes('.') ? text : `${text}.0`
}

/** repr of the value at `key` of a dict or list. */
function memberRepr(container: object, key: string): string {
  const value = (container as Record<string, unknown>)[key]
  return isTemplateFloat(container, key) ? pythonFloatRepr(value as number) : pythonRepr(value, isPlain(PLAIN_VALUES, container, key))
}

/** `str(value)` as the translator prints the document it hashes (see the module comment). */
export function pythonRepr(value: unknown, plainString = false): string {
  if (typeof value === 'string') return plainString ? pythonStrRepr(value) : py27UnicodeRepr(value)
  if (value === null || value === undefined) return 'None'
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (typeof value === 'number') return numberRepr(value)
  if (Array.isArray(value)) return `[${value.map((_, index) => memberRepr(value, String(index))).join(', ')}]`
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>
    return `{${pythonKeyOrder(object).map((key) => `${pythonRepr(key, isPlain(PLAIN_KEYS, object, key))}: ${memberRepr(object, key)}`).join(', ')}}`
  }
  return String(value)
}
