import {readFile, stat} from 'node:fs/promises'
import {basename, extname} from 'node:path'
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type CollectionTag,
  Scalar,
  type ScalarTag,
  Schema,
  type Tags,
  visit,
  YAMLMap,
  YAMLSeq,
} from 'yaml'

import {LpackError} from '../../errors.js'
import type {Diagnostic, Severity} from '../diagnostics/diagnostic.js'
import {setOwn} from '../json.js'
import {SHORT_FORM_TAGS} from './intrinsics.js'
import {firstJsonDeparture} from './json-syntax.js'
import {formatPath, type LoadResult, type SourceRange, type Template, type TemplatePath} from './template.js'
import {firstNonPrintable, normalizeLineBreaks, parseYamlDocument} from './yaml-syntax.js'

/** CloudFormation accepts template bodies up to 1 MB (via S3); anything larger is not a template. */
export const MAX_TEMPLATE_BYTES = 1024 * 1024
/** Deeper than any real template; bounds recursion so hostile input cannot overflow the stack. */
export const MAX_NESTING_DEPTH = 256
/**
 * Bounds the values YAML aliases produce (each node read again through an alias counts once), so a "billion laughs"
 * document is an error, not an out-of-memory. Values written out in the text are not counted: the 1 MB limit
 * bounds them.
 */
export const MAX_ALIAS_EXPANDED_NODES = 100_000

export const LOAD_CODES = {
  syntax: 'LP0001',
  tooLarge: 'LP0002',
  duplicateKey: 'LP0003',
  tooDeep: 'LP0004',
  unknownTag: 'LP0005',
  notMapping: 'LP0006',
  aliasBomb: 'LP0007',
  notText: 'LP0008',
  badKey: 'LP0009',
  notStrictJson: 'LP0010',
} as const

/**
 * The error a command throws for a template it cannot use: exit 1 as from `validate`, with every error located.
 */
export function templateInvalidError(file: string, diagnostics: readonly Diagnostic[]): LpackError {
  const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error')
  const lines = errors.map((d) => `  ${d.file}:${d.line}:${d.column}  ${d.code}  ${d.message}`)
  return new LpackError('TEMPLATE_INVALID', [`Template ${file} cannot be read:`, ...lines].join('\n'), {
    hint: 'Run `lpack validate` for every problem with its position.',
    details: {diagnostics: errors},
  })
}

/**
 * The one mapping of a load result to what a command can use: the template, or TEMPLATE_INVALID (exit 1, as from
 * `validate`) when it could not be read or has load errors. Build, transform and package all fail through it.
 */
export function usableTemplate(loaded: LoadResult, file: string): Template {
  if (!loaded.template || loaded.diagnostics.some((diagnostic) => diagnostic.severity === 'error')) throw templateInvalidError(file, loaded.diagnostics)
  return loaded.template
}

/**
 * For commands that read the template later or only in part (package reads the build, deploy talks to AWS
 * first): fails with TEMPLATE_INVALID when the file is there but cannot be parsed. A missing file is left to
 * the command, which may not need it.
 */
export async function assertTemplateParses(file: string): Promise<void> {
  const info = await stat(file).catch(() => undefined)
  if (!info?.isFile()) return
  usableTemplate(await loadTemplateFile(file), file)
}

/**
 * Reads a template file. A missing or unreadable file is a usage error (thrown); everything wrong with
 * the content is reported as diagnostics, and `template` is set whenever a mapping could be read.
 */
export async function loadTemplateFile(file: string): Promise<LoadResult> {
  let size: number
  try {
    const info = await stat(file)
    if (!info.isFile()) throw new LpackError('FILE_UNREADABLE', `${file} is not a file`)
    size = info.size
  } catch (error) {
    if (error instanceof LpackError) throw error
    throw new LpackError('FILE_NOT_FOUND', `Template not found: ${file}`, {
      hint: 'Pass the template with -t FILE, or run lpack in the folder that holds template.yaml.',
    })
  }
  if (size > MAX_TEMPLATE_BYTES) {
    return {
      diagnostics: [
        fileDiagnostic(file, LOAD_CODES.tooLarge, `Template is ${size} bytes; CloudFormation accepts at most ${MAX_TEMPLATE_BYTES} bytes (1 MB)`, 'Split the stack into nested stacks or move large values (inline code, policies) out of the template.'),
      ],
    }
  }
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch (error) {
    throw new LpackError('FILE_UNREADABLE', `Cannot read ${file}: ${(error as Error).message}`)
  }
  return parseTemplate(bytes, file)
}

/** Parses template bytes or text (YAML or JSON). Pure: no I/O. */
export function parseTemplate(input: string | Uint8Array, file = 'template.yaml'): LoadResult {
  let text: string
  if (typeof input === 'string') {
    text = input
  } else {
    if (input.byteLength > MAX_TEMPLATE_BYTES) {
      return {diagnostics: [fileDiagnostic(file, LOAD_CODES.tooLarge, `Template is ${input.byteLength} bytes; CloudFormation accepts at most ${MAX_TEMPLATE_BYTES} bytes (1 MB)`)]}
    }
    if (input.includes(0)) {
      return {diagnostics: [fileDiagnostic(file, LOAD_CODES.notText, 'Template is binary data (contains NUL bytes), not YAML or JSON')]}
    }
    try {
      text = new TextDecoder('utf-8', {fatal: true}).decode(input)
    } catch {
      return {diagnostics: [fileDiagnostic(file, LOAD_CODES.notText, 'Template is not valid UTF-8 text', 'Save the template as UTF-8.')]}
    }
  }
  if (text.length > MAX_TEMPLATE_BYTES) {
    return {diagnostics: [fileDiagnostic(file, LOAD_CODES.tooLarge, `Template is over ${MAX_TEMPLATE_BYTES} bytes; CloudFormation accepts at most 1 MB`)]}
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  return new TemplateReader(normalizeLineBreaks(text), file).read()
}

// CloudFormation and the SAM translator read YAML as YAML 1.1 (PyYAML), minus timestamps: a date such as
// AWSTemplateFormatVersion: 2010-09-09 stays a string. PyYAML's booleans do not include y/Y/n/N.
const PYYAML_TRUE = /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/
const PYYAML_FALSE = /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/
// The null words that start with a letter (yaml's null tag: also `~` and the empty string).
const NULL_WORD = /^(?:[Nn]ull|NULL)$/
// PyYAML's float needs a dot (`.` alone, `1e5` and `12e03` stay strings: `CodeUri: .` is a path, not NaN).
const PYYAML_FLOAT = /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/

function pyyamlTags(tags: Tags): Tags {
  const kept = tags.filter((tag) => {
    const id = typeof tag === 'string' ? tag : tag.tag
    return id !== 'tag:yaml.org,2002:timestamp' && id !== 'tag:yaml.org,2002:bool' && id !== 'tag:yaml.org,2002:float'
  })
  const bool = (value: boolean, test: RegExp): ScalarTag => ({
    tag: 'tag:yaml.org,2002:bool',
    default: true,
    identify: (v) => typeof v === 'boolean',
    test,
    resolve: () => new Scalar(value),
  })
  const float: ScalarTag = {
    tag: 'tag:yaml.org,2002:float',
    default: true,
    identify: (v) => typeof v === 'number',
    test: PYYAML_FLOAT,
    resolve: (text) => {
      const clean = text.replace(/_/g, '')
      if (/nan$/i.test(clean)) return new Scalar(Number.NaN)
      if (/inf$/i.test(clean)) return new Scalar(clean.startsWith('-') ? -Infinity : Infinity)
      return new Scalar(Number.parseFloat(clean))
    },
  }
  // Most plain scalars are names (Type, AWS::Serverless::Function, Handler): one test says so before the boolean,
  // float, null and integer tests each fail on them. A plain scalar that starts with a letter is a string unless it
  // is one of the null and boolean words (every number starts with a digit, a sign or a dot).
  const name: ScalarTag = {
    tag: 'tag:yaml.org,2002:str',
    default: true,
    test: new RegExp(`^(?!${NULL_WORD.source}|${PYYAML_TRUE.source}|${PYYAML_FALSE.source})[A-Za-z]`),
    resolve: (text) => text,
  }
  return [name, bool(true, PYYAML_TRUE), bool(false, PYYAML_FALSE), float, ...kept, ...SHORT_FORM_YAML_TAGS]
}

let schema: Schema | undefined

/**
 * The schema every template is read with, made once: `yaml` would otherwise build its tag list again for each
 * document. Reading does not change it (it adds tags only for YAML 1.2's resolveKnownTags, off for 1.1).
 */
function pyyamlSchema(): Schema {
  return (schema ??= new Schema({schema: 'yaml-1.1', resolveKnownTags: false, customTags: pyyamlTags}))
}

/**
 * CloudFormation's short forms (!Ref, !Sub …) as tags the `yaml` package knows, on a scalar, a sequence or a mapping,
 * so that it reads them as it would an unknown tag (the text as a string, the collection as it is) but without a
 * warning for each use, which costs an Error and its stack. convert() turns them into their long forms.
 */
const SHORT_FORM_YAML_TAGS: Tags = Object.keys(SHORT_FORM_TAGS).flatMap((name) => [
  {tag: `!${name}`, resolve: (text: string) => text} satisfies ScalarTag,
  {tag: `!${name}`, collection: 'map', nodeClass: YAMLMap} satisfies CollectionTag,
  {tag: `!${name}`, collection: 'seq', nodeClass: YAMLSeq} satisfies CollectionTag,
])

/** A number PyYAML reads as a float (`3.0`, `!!float 3`), which JavaScript cannot tell from the integer it equals. */
function isPyyamlFloat(node: Scalar): boolean {
  if (node.tag === 'tag:yaml.org,2002:float') return true
  return node.type === 'PLAIN' && node.tag === undefined && PYYAML_FLOAT.test(node.source ?? '')
}

class TemplateReader {
  private readonly lineCounter = new LineCounter()
  private readonly diagnostics: Diagnostic[] = []
  private readonly valueRanges = new Map<string, [number, number]>()
  private readonly keyRanges = new Map<string, [number, number]>()
  private readonly floats = new Set<string>()
  private readonly anchors = new Map<string, Node>()
  private expandedNodes = 0
  private aliasLimitReported = false
  private depthLimitReported = false
  private doc!: Document

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  read(): LoadResult {
    const jsonFile = extname(this.file).toLowerCase() === '.json'
    const format = jsonFile || /^\s*[[{]/.test(this.text) ? 'json' : 'yaml'
    this.doc = parseYamlDocument(this.text, this.lineCounter, {version: '1.1', schema: pyyamlSchema(), uniqueKeys: false, strict: false})
    const unprintable = firstNonPrintable(this.text)
    if (unprintable >= 0) {
      const code = this.text.codePointAt(unprintable)!
      const name = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
      this.diagnostics.push(this.diagnosticAt(LOAD_CODES.syntax, `${format === 'json' ? 'JSON' : 'YAML'} syntax error: character ${name} is not allowed in a template`, unprintable, unprintable + 1, [], 'Remove the control character, or write it as an escape (\\u…) in a double-quoted string.'))
      return {diagnostics: this.diagnostics}
    }
    if (this.doc.errors.length > 0) {
      for (const error of this.doc.errors.slice(0, 10)) {
        let [start, end] = error.pos
        let message = firstLine(error.message)
        // Indentation no longer ends a flow collection (yaml-syntax.ts), only its bracket does: a missing one is
        // found at the end of the file, so the diagnostic points at the bracket that opened it.
        const unclosed = /^Flow (map|sequence) (?:in block collection must be sufficiently indented and )?(?:must )?end with a ([\]}])$/.exec(message)
        if (unclosed) {
          const opener = this.unclosedFlowOpener(unclosed[1] === 'map' ? '{' : '[', start)
          message = `Flow ${unclosed[1]} is not closed: a ${unclosed[2]} is missing${opener === undefined ? '' : ` (still open on line ${this.position(start).line})`}`
          if (opener !== undefined) [start, end] = [opener, opener + 1]
        }
        this.diagnostics.push(
          this.diagnosticAt(LOAD_CODES.syntax, `${format === 'json' ? 'JSON' : 'YAML'} syntax error: ${message}`, start, end, [],
            /stack/i.test(message) ? 'The document is nested too deeply to be a CloudFormation template.' : undefined),
        )
      }
      return {diagnostics: this.diagnostics}
    }
    if (jsonFile) {
      const departure = firstJsonDeparture(this.text)
      if (departure?.changesMeaning) {
        this.diagnostics.push(this.diagnosticAt(LOAD_CODES.syntax, `JSON syntax error: ${departure.message}`, departure.offset, departure.offset + departure.length, [], 'Remove the comment, or keep it in a "Description" or "Metadata" value.'))
        return {diagnostics: this.diagnostics}
      }
      if (departure) {
        // CloudFormation reads a body that is not JSON as YAML (documented for ValidateTemplate), which accepts this.
        this.diagnostics.push(
          this.diagnosticAt(LOAD_CODES.notStrictJson, `${departure.message}; ${basename(this.file)} is read as YAML instead`, departure.offset, departure.offset + departure.length, [],
            'CloudFormation reads a body that is not JSON as YAML, so this deploys, but JSON tools reject the file. Fix it, or rename the file to .yaml.', 'warning'),
        )
      }
    }
    const root = this.doc.contents
    if (!isMap(root)) {
      const [start, end] = root?.range ?? [0, 0]
      this.diagnostics.push(this.diagnosticAt(LOAD_CODES.notMapping, root ? 'Template must be a mapping of sections (AWSTemplateFormatVersion, Resources, …)' : 'Template is empty', start, end, []))
      return {diagnostics: this.diagnostics}
    }
    const value = this.convert(root, [], '', 0, new Set()) as Record<string, unknown>
    return {template: this.template(value, format), diagnostics: this.diagnostics}
  }

  private template(value: Record<string, unknown>, format: 'yaml' | 'json'): Template {
    const locateIn = (ranges: Map<string, [number, number]>, path: TemplatePath): SourceRange => {
      for (let length = path.length; length >= 0; length--) {
        const range = ranges.get(pathKey(path.slice(0, length))) ?? this.valueRanges.get(pathKey(path.slice(0, length)))
        if (range) return this.toSourceRange(range[0], range[1])
      }
      return {line: 1, column: 1, endLine: 1, endColumn: 1}
    }
    return {
      file: this.file,
      text: this.text,
      format,
      value,
      locate: (path) => locateIn(this.valueRanges, path),
      locateKey: (path) => locateIn(this.keyRanges, path),
      isFloat: (path) => this.floats.has(pathKey(path)),
    }
  }

  /** `at` is pathKey(path), built a segment at a time rather than joined again for every value. */
  private convert(node: Node | null | undefined, path: (string | number)[], at: string, depth: number, aliasStack: Set<Node>): unknown {
    if (node === null || node === undefined) return null
    if (depth > MAX_NESTING_DEPTH) {
      if (!this.depthLimitReported) {
        this.depthLimitReported = true
        this.pushAtNode(LOAD_CODES.tooDeep, `Nesting deeper than ${MAX_NESTING_DEPTH} levels`, node, path)
      }
      return null
    }
    // Only values read again through an alias count: a large template written out in full is not a bomb.
    if (aliasStack.size > 0 && ++this.expandedNodes > MAX_ALIAS_EXPANDED_NODES) {
      if (!this.aliasLimitReported) {
        this.aliasLimitReported = true
        this.pushAtNode(LOAD_CODES.aliasBomb, `Template expands to more than ${MAX_ALIAS_EXPANDED_NODES} values (aliases referencing aliases)`, node, path, 'Repeat the values or use fewer nested YAML aliases.')
      }
      return null
    }
    if (isAlias(node)) {
      const target = node.resolve(this.doc) as Node | undefined
      this.recordValue(at, node)
      if (!target || aliasStack.has(target)) {
        this.pushAtNode(LOAD_CODES.syntax, `YAML alias *${node.source} does not refer to a complete anchored value`, node, path)
        return null
      }
      aliasStack.add(target)
      // Positions inside the expansion point at the alias, not the anchor: that is where the user wrote it.
      const value = this.convert(target, path, at, depth + 1, aliasStack)
      aliasStack.delete(target)
      this.recordValue(at, node)
      return value
    }
    if (node.anchor && aliasStack.size === 0) this.checkAnchor(node, node.anchor, path)
    this.recordValue(at, node)
    const tag = node.tag
    if (tag && tag.startsWith('!') && !tag.startsWith('!!')) {
      const name = tag.slice(1)
      const longForm = SHORT_FORM_TAGS[name]
      if (longForm === undefined) {
        this.pushAtNode(LOAD_CODES.unknownTag, `Unknown tag ${tag}`, node, path, `CloudFormation's short forms are ${Object.keys(SHORT_FORM_TAGS).map((t) => '!' + t).join(', ')}.`)
        return this.convertUntagged(node, path, at, depth, aliasStack)
      }
      const innerPath = [...path, longForm]
      const innerAt = childKey(path, at, longForm)
      this.recordValue(innerAt, node)
      let inner = this.convertUntagged(node, innerPath, innerAt, depth, aliasStack)
      if (name === 'GetAtt' && typeof inner === 'string' && inner.includes('.')) {
        const dot = inner.indexOf('.')
        inner = [inner.slice(0, dot), inner.slice(dot + 1)]
      }
      return {[longForm]: inner}
    }
    return this.convertUntagged(node, path, at, depth, aliasStack)
  }

  private convertUntagged(node: Node, path: (string | number)[], at: string, depth: number, aliasStack: Set<Node>): unknown {
    if (isScalar(node)) {
      const value = node.value
      if (typeof value === 'number' && isPyyamlFloat(node)) this.floats.add(at)
      if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string' || value === null) return value
      if (typeof value === 'bigint') return Number(value)
      // A tagged scalar CloudFormation has no use for (binary, …): keep its text.
      return node.source ?? String(value)
    }
    if (isSeq(node)) {
      return node.items.map((item, index) => this.convert(item as Node, [...path, index], childKey(path, at, index), depth + 1, aliasStack))
    }
    if (isMap(node)) {
      const result: Record<string, unknown> = {}
      const merged: Record<string, unknown>[] = []
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null
        if (isScalar(keyNode) && keyNode.type === 'PLAIN' && keyNode.source === '<<') {
          const source = this.convert(pair.value as Node, path, at, depth + 1, aliasStack)
          for (const item of Array.isArray(source) ? source : [source]) {
            if (item && typeof item === 'object' && !Array.isArray(item)) merged.push(item as Record<string, unknown>)
          }
          continue
        }
        if (!isScalar(keyNode) || (keyNode.value !== null && typeof keyNode.value === 'object')) {
          this.pushAtNode(LOAD_CODES.badKey, 'Mapping keys must be plain strings', keyNode ?? node, path)
          continue
        }
        // Keys are names: `y:` or `1:` as written, never coerced to booleans or numbers.
        const key = keyNode.type === 'PLAIN' && keyNode.source !== undefined ? keyNode.source : String(keyNode.value)
        const childPath = [...path, key]
        const childAt = childKey(path, at, key)
        if (Object.hasOwn(result, key)) {
          this.pushAtNode(LOAD_CODES.duplicateKey, `Duplicate key '${key}'${path.length > 0 ? ` in ${formatPath(path)}` : ''}`, keyNode, childPath, 'Remove one of them: YAML keeps only the last, CloudFormation rejects the template.')
        }
        if (keyNode.range) this.keyRanges.set(childAt, [keyNode.range[0], keyNode.range[1]])
        setOwn(result, key, this.convert(pair.value as Node, childPath, childAt, depth + 1, aliasStack))
        if (pair.value === null) this.recordValue(childAt, keyNode)
      }
      for (const source of merged) {
        for (const [key, value] of Object.entries(source)) if (!Object.hasOwn(result, key)) setOwn(result, key, value)
      }
      return result
    }
    return null
  }

  /** The innermost `[` or `{` whose collection runs to `end` without its closing bracket. */
  private unclosedFlowOpener(bracket: '[' | '{', end: number): number | undefined {
    let opener: number | undefined
    visit(this.doc, {
      Collection: (_key, node) => {
        const [from, to] = node.range ?? [-1, -1]
        if (node.flow && to === end && this.text[from] === bracket && (opener === undefined || from > opener)) opener = from
      },
    })
    return opener
  }

  /** PyYAML (cfn-lint, the SAM translator) rejects a second anchor of the same name; YAML 1.2 would let it win. */
  private checkAnchor(node: Node, anchor: string, path: (string | number)[]): void {
    const first = this.anchors.get(anchor)
    if (first === undefined) {
      this.anchors.set(anchor, node)
      return
    }
    // The node's range starts at its value; the anchor is written just before it.
    const at = (target: Node) => {
      const start = target.range?.[0] ?? 0
      const mark = this.text.lastIndexOf(`&${anchor}`, start)
      return mark >= 0 ? mark : start
    }
    const start = at(node)
    this.diagnostics.push(
      this.diagnosticAt(LOAD_CODES.syntax, `YAML anchor &${anchor} is defined twice (first on line ${this.position(at(first)).line})`, start, start + anchor.length + 1, path, 'Give each anchor its own name.'),
    )
  }

  private recordValue(key: string, node: Node): void {
    if (node.range && !this.valueRanges.has(key)) this.valueRanges.set(key, [node.range[0], node.range[1]])
  }

  private pushAtNode(code: string, message: string, node: Node, path: (string | number)[], hint?: string): void {
    const [start, end] = node.range ?? [0, 0]
    this.diagnostics.push(this.diagnosticAt(code, message, start, end, path, hint))
  }

  private diagnosticAt(code: string, message: string, start: number, end: number, path: TemplatePath, hint?: string, severity: Severity = 'error'): Diagnostic {
    const range = this.toSourceRange(start, end)
    return {
      severity,
      code,
      message,
      file: this.file,
      line: range.line,
      column: range.column,
      endLine: range.endLine,
      endColumn: range.endColumn,
      ...(path.length > 0 ? {path: formatPath(path)} : {}),
      ...(hint ? {hint} : {}),
    }
  }

  private toSourceRange(start: number, end: number): SourceRange {
    const from = this.position(start)
    const to = this.position(Math.max(start, end))
    return {line: from.line, column: from.col, endLine: to.line, endColumn: to.col}
  }

  private position(offset: number): {line: number; col: number} {
    const pos = this.lineCounter.linePos(offset)
    return pos.line === 0 ? {line: 1, col: offset + 1} : pos
  }
}

/** Sets a key without invoking the `__proto__` setter, so a template key can never alter prototypes. */
const PATH_SEPARATOR = '\u001f'

function pathKey(path: TemplatePath): string {
  return path.join(PATH_SEPARATOR)
}

/** pathKey([...path, segment]) from pathKey(path). */
function childKey(path: TemplatePath, key: string, segment: string | number): string {
  return path.length === 0 ? String(segment) : key + PATH_SEPARATOR + segment
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim()
}

function fileDiagnostic(file: string, code: string, message: string, hint?: string): Diagnostic {
  return {severity: 'error', code, message, file, line: 1, column: 1, ...(hint ? {hint} : {})}
}
