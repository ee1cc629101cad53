import type {Diagnostic} from '../diagnostics/diagnostic.js'

/** A path into a template: `['Resources', 'Fn', 'Properties', 'MemorySize']` or with list indexes. */
export type TemplatePath = readonly (string | number)[]

export interface SourceRange {
  /** 1-based */
  line: number
  /** 1-based */
  column: number
  endLine: number
  endColumn: number
}

/** A parsed template: plain JSON-like data (intrinsics in long form) plus where each value came from. */
export interface Template {
  file: string
  text: string
  format: 'yaml' | 'json'
  value: Record<string, unknown>
  /** Where the value at `path` starts and ends; falls back to the nearest ancestor that has a position. */
  locate(path: TemplatePath): SourceRange
  /** Where the key that names `path` stands (for "unknown property" style messages); falls back to locate(). */
  locateKey(path: TemplatePath): SourceRange
  /**
   * Whether the number at `path` is written as a float (`3.0`): JavaScript reads it as the integer 3, while PyYAML
   * (the SAM translator, cfn-lint) keeps a float, whose text is `3.0`.
   */
  isFloat(path: TemplatePath): boolean
}

export interface LoadResult {
  /** Undefined when the file could not be parsed into a mapping at all. */
  template?: Template
  diagnostics: Diagnostic[]
}

/** Formats a path as in diagnostics: `Resources/Fn/Properties/MemorySize`. */
export function formatPath(path: TemplatePath): string {
  return path.join('/')
}
