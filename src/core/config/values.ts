import {readFileSync} from 'node:fs'

import {LpackError} from '../../errors.js'

/**
 * Parsers for values that come from flags and config files alike: `K=V` pairs (SAM's quoted string form,
 * arrays, or mappings), `ParameterKey=K,ParameterValue=V`, and `file://params.json`.
 */

/** Splits `a=1 b="two words"` the way SAM reads parameter_overrides and tags. */
export function splitQuoted(text: string): string[] {
  const words: string[] = []
  let current = ''
  let quote: string | undefined
  let started = false
  for (const char of text) {
    if (quote !== undefined) {
      if (char === quote) quote = undefined
      else current += char
    } else if (char === '"' || char === "'") {
      quote = char
      started = true
    } else if (/\s/.test(char)) {
      if (started || current !== '') words.push(current)
      current = ''
      started = false
    } else {
      current += char
    }
  }
  if (quote !== undefined) throw new LpackError('USAGE', `Unclosed quote in ${JSON.stringify(text)}`)
  if (started || current !== '') words.push(current)
  return words
}

/** `K=V` pairs from one flag occurrence or config value; `what` names it in errors. */
export function parseKeyValues(value: unknown, what: string, options: {allowFiles?: boolean; baseDir?: string} = {}): Record<string, string> {
  if (value === undefined || value === null) return {}
  if (typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, inner]) => [key, scalar(inner, `${what} ${key}`)]))
  }
  const items = Array.isArray(value) ? value.map((item) => scalar(item, what)) : splitQuoted(scalar(value, what))
  const result: Record<string, string> = {}
  for (const item of items) {
    if (options.allowFiles && item.startsWith('file://')) {
      Object.assign(result, readParameterFile(item.slice('file://'.length), what))
      continue
    }
    if (item.startsWith('ParameterKey=')) {
      const match = /^ParameterKey=([^,]+),ParameterValue=(.*)$/s.exec(item)
      if (!match) throw new LpackError('USAGE', `${what}: ${JSON.stringify(item)} is not ParameterKey=K,ParameterValue=V`)
      result[match[1]!] = match[2]!
      continue
    }
    const equals = item.indexOf('=')
    if (equals <= 0) throw new LpackError('USAGE', `${what}: ${JSON.stringify(item)} is not KEY=VALUE`, {hint: `Write ${what} as Key=Value (quote values with spaces).`})
    result[item.slice(0, equals)] = item.slice(equals + 1)
  }
  return result
}

/** A parameters file: `[{ParameterKey, ParameterValue}]` (AWS CLI), `{"K": "V"}`, or `{"Parameters": {...}}` (CodePipeline). */
function readParameterFile(path: string, what: string): Record<string, string> {
  // Parameter files hold secrets: no message quotes what is in them (JSON.parse's own messages quote the text).
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
    throw new LpackError(missing ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE', `${what}: cannot read ${path}: ${missing ? 'no such file' : ((error as NodeJS.ErrnoException).code ?? 'read error')}`)
  }
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch {
    throw new LpackError('CONFIG_INVALID', `${what}: ${path} is not valid JSON`, {hint: 'Write it as a JSON list of {"ParameterKey": …, "ParameterValue": …} or a JSON object of names to values.'})
  }
  if (Array.isArray(document)) {
    return Object.fromEntries(
      document.map((entry: {ParameterKey?: unknown; ParameterValue?: unknown}, index) => {
        if (typeof entry?.ParameterKey !== 'string') throw new LpackError('CONFIG_INVALID', `${path}: entry ${index + 1} needs ParameterKey and ParameterValue`)
        return [entry.ParameterKey, fileScalar(entry.ParameterValue, path, entry.ParameterKey)]
      }),
    )
  }
  if (document !== null && typeof document === 'object') {
    const record = document as Record<string, unknown>
    const parameters = record.Parameters !== undefined && typeof record.Parameters === 'object' ? (record.Parameters as Record<string, unknown>) : record
    return Object.fromEntries(Object.entries(parameters).map(([key, value]) => [key, fileScalar(value, path, key)]))
  }
  throw new LpackError('CONFIG_INVALID', `${path} must hold a JSON list of {ParameterKey, ParameterValue} or a JSON object`)
}

/** A list from repeated flags, a config array, or a space/comma separated string. */
export function parseList(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return []
  const items = Array.isArray(value) ? value.map((item) => scalar(item, what)) : [scalar(value, what)]
  return items.flatMap((item) => item.split(/[\s,]+/)).filter((item) => item !== '')
}

/** A parameter value from a file: the error names the parameter and the value's type, never the value. */
function fileScalar(value: unknown, path: string, key: string): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  const type = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a mapping' : typeof value
  throw new LpackError('CONFIG_INVALID', `${path}: the value of ${key} must be a string, number or boolean, not ${type}`)
}

function scalar(value: unknown, what: string): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw new LpackError('CONFIG_INVALID', `${what}: expected a string, got ${JSON.stringify(value)}`)
}
