import {createHash} from 'node:crypto'

import {pythonJsonDumps} from './json.js'

const HASH_LENGTH = 10

/**
 * SAM's LogicalIdGenerator: `prefix` + the first 10 hex digits of sha1 over the data (a string as is, anything else
 * as Python's compact key-sorted JSON). An explicit `dataHash` (AutoPublishCodeSha256) replaces the digest.
 * Empty data gives the bare prefix.
 */
export function generateLogicalId(prefix: string, data?: unknown, dataHash?: string): string {
  return prefix + logicalIdHash(data, dataHash)
}

/** The hash part alone; see generateLogicalId. */
export function logicalIdHash(data?: unknown, dataHash?: string): string {
  if (dataHash) return dataHash.slice(0, HASH_LENGTH)
  if (!isTruthy(data)) return ''
  const text = typeof data === 'string' ? data : pythonJsonDumps(data)
  return createHash('sha1').update(text, 'utf8').digest('hex').slice(0, HASH_LENGTH)
}

function isTruthy(data: unknown): boolean {
  if (data === undefined || data === null || data === '' || data === false || data === 0) return false
  if (Array.isArray(data)) return data.length > 0
  if (typeof data === 'object') return Object.keys(data).length > 0
  return true
}
