import type {Diagnostic} from '../diagnostics/diagnostic.js'
import {isObject, type JsonObject} from '../json.js'
import {isIntrinsic} from '../template/intrinsics.js'
import {resolveTemplate, type ResolvedTemplate} from '../template/resolve.js'
import {formatPath, type Template, type TemplatePath} from '../template/template.js'
import {type DiagnosticCode, DIAGNOSTIC_CODES} from './codes.js'

export {isObject, type JsonObject}
export {didYouMean} from '../did-you-mean.js'

export interface ValidateOptions {
  /** The day runtime deprecations are judged against; injected so results do not depend on the clock. */
  now?: Date
  /**
   * Check the files a template points at, relative to its folder: local CodeUri/ContentUri paths exist, and
   * Python handlers are in their code. On for templates read from a file (validateFiles); off for a template
   * given as text, whose folder is unknown.
   */
  checkFiles?: boolean
}

/** What every rule gets: the template, the day, and a way to report at a template path. */
export class RuleContext {
  readonly diagnostics: Diagnostic[] = []
  readonly root: JsonObject
  readonly resources: Record<string, JsonObject>

  constructor(
    readonly template: Template,
    readonly now: Date,
    readonly checkFiles = false,
  ) {
    this.root = template.value
    const resources = isObject(this.root.Resources) ? this.root.Resources : {}
    // No prototype: a Ref to "toString" must find nothing, not Object.prototype.toString.
    this.resources = Object.assign(
      Object.create(null) as Record<string, JsonObject>,
      Object.fromEntries(Object.entries(resources).filter((entry): entry is [string, JsonObject] => isObject(entry[1]))),
    )
  }

  /** The resource's Type, when it is a string. */
  typeOf(logicalId: string): string | undefined {
    const type = this.resources[logicalId]?.Type
    return typeof type === 'string' ? type : undefined
  }

  /** Logical IDs of resources of one type, sorted. */
  resourcesOfType(...types: string[]): string[] {
    return Object.keys(this.resources)
      .filter((id) => types.includes(this.typeOf(id) ?? ''))
      .sort()
  }

  private resolvedTemplate: ResolvedTemplate | undefined

  /** The template's functions and layers after Globals, and its parameter Defaults (template/resolve.ts). */
  get resolved(): ResolvedTemplate {
    this.resolvedTemplate ??= resolveTemplate(this.root)
    return this.resolvedTemplate
  }

  /** A `{Ref: Parameter}` replaced by the parameter's Default (what a deploy without overrides uses); other values unchanged. */
  resolveParameterDefault(value: unknown): unknown {
    return this.resolved.resolveParameterRef(value)
  }

  get hasSamTransform(): boolean {
    const transform = this.root.Transform
    const names = Array.isArray(transform) ? transform : [transform]
    return names.some((name) => typeof name === 'string' && name.startsWith('AWS::Serverless'))
  }

  /** Reports at the value found at `path` (or at its key when `atKey`: for unknown or missing properties). */
  report(code: DiagnosticCode, path: TemplatePath, message: string, hint?: string, options: {atKey?: boolean} = {}): void {
    const range = options.atKey ? this.template.locateKey(path) : this.template.locate(path)
    this.diagnostics.push({
      severity: DIAGNOSTIC_CODES[code].severity,
      code,
      message,
      file: this.template.file,
      line: range.line,
      column: range.column,
      endLine: range.endLine,
      endColumn: range.endColumn,
      ...(path.length > 0 ? {path: formatPath(path)} : {}),
      ...(hint === undefined ? {} : {hint}),
    })
  }
}

/** `record[key]` for keys that come from a template: own properties only, never the prototype's. */
export function lookup<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined
}

/** A literal number (or numeric string, which CloudFormation coerces); undefined for intrinsics and other values. */
export function literalNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string' && /^-?[0-9]+(\.[0-9]+)?$/.test(value)) return Number(value)
  return undefined
}

/** A literal string; undefined for intrinsics and other values. */
export function literalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

export function literalBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true'
  return undefined
}

/** The logical ID an intrinsic points at: `{Ref: X}`, `{Fn::GetAtt: [X, A]}` or `{Fn::GetAtt: "X.A"}`. */
export function referencedResource(value: unknown): string | undefined {
  if (!isIntrinsic(value)) return undefined
  const ref = value.Ref
  if (typeof ref === 'string') return ref
  const getAtt = value['Fn::GetAtt']
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0]
  if (typeof getAtt === 'string') return getAtt.split('.')[0]
  return undefined
}

/** Quotes a value for a message, shortened so a 5 MB string cannot flood the output. */
export function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value)
  return text.length > 80 ? text.slice(0, 77) + '…' : text
}

