import {Document, isScalar} from 'yaml'

import type {TemplatePath} from './template.js'

export interface SerializeOptions {
  /**
   * The loaded template's `isFloat`: a number written `3.0` is written `3.0` again, not `3`. PyYAML (the SAM
   * translator, CloudFormation) reads `3.0` as a float whose text is '3.0' and `3` as an integer, which SAM
   * rejects where it wants a string (OpenApiVersion).
   */
  isFloat?: (path: TemplatePath) => boolean
}

/**
 * A template as YAML that every reader takes as written: intrinsics in long form, and strings that YAML 1.1
 * (PyYAML, CloudFormation) would read as dates, booleans or numbers — `2010-09-09`, `yes`, `on`, `0755` — quoted.
 */
export function serializeTemplateYaml(template: Record<string, unknown>, options: SerializeOptions = {}): string {
  const document = new Document(template, {version: '1.1', aliasDuplicateObjects: false})
  if (options.isFloat) markFloats(document.contents, [], options.isFloat)
  return document.toString({lineWidth: 0})
}

/** Gives every integral number the loaded template wrote as a float one fraction digit, so it stays a float. */
function markFloats(node: unknown, path: TemplatePath, isFloat: (path: TemplatePath) => boolean): void {
  if (isScalar(node)) {
    if (typeof node.value === 'number' && Number.isInteger(node.value) && isFloat(path)) node.minFractionDigits = 1
    return
  }
  const items = (node as {items?: unknown[]} | null)?.items
  if (!Array.isArray(items)) return
  items.forEach((item, index) => {
    // A mapping's items are pairs (key, value); a sequence's are the values themselves.
    if (item !== null && typeof item === 'object' && 'key' in item && 'value' in item) {
      const key = isScalar(item.key) ? item.key.value : item.key
      markFloats(item.value, [...path, String(key)], isFloat)
    } else markFloats(item, [...path, index], isFloat)
  })
}
