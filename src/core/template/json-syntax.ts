import {type ParseErrorCode, printParseErrorCode, visit} from 'jsonc-parser'

/** The first place where a `.json` template departs from strict JSON (RFC 8259), and what is there. */
export interface JsonDeparture {
  offset: number
  length: number
  message: string
  /**
   * True when the YAML reading does not mean what the JSON author meant: `//` and `/* … *\/` are no comments in
   * YAML either, they become part of a key or value.
   */
  changesMeaning: boolean
}

/**
 * Checks that a template meant to be JSON is strict JSON. CloudFormation reads a template body as JSON first and,
 * when that fails, as YAML; YAML's flow style accepts trailing commas, `#` comments, unquoted keys and tags, so such
 * a file still deploys, but only by way of the YAML reading, and every strict JSON tool rejects it.
 */
export function firstJsonDeparture(text: string): JsonDeparture | undefined {
  try {
    JSON.parse(text)
    return undefined
  } catch {
    // Fall through to locate the problem: JSON.parse's messages carry no reliable position.
  }
  let first: {error: ParseErrorCode; offset: number; length: number} | undefined
  visit(
    text,
    {
      onError: (error, offset, length) => {
        first ??= {error, offset, length}
      },
    },
    {disallowComments: true, allowTrailingComma: false, allowEmptyContent: false},
  )
  // JSON.parse rejected it, so the visitor finds something; a BOM is the one thing JSON.parse rejects and it allows.
  if (first === undefined) return undefined
  const {error, offset, length} = first
  const name = printParseErrorCode(error)
  const at = text[offset]
  if (name === 'InvalidCommentToken') {
    const opener = text.slice(offset, offset + 2)
    return {offset, length, message: `${opener} comment in a JSON template: neither JSON nor YAML has ${opener} comments, so it is read as part of a key or value`, changesMeaning: true}
  }
  if (name === 'InvalidSymbol' && at === '#') {
    return {offset, length, message: '# comment in a JSON template: JSON has no comments', changesMeaning: false}
  }
  if ((name === 'ValueExpected' || name === 'PropertyNameExpected') && (at === '}' || at === ']')) {
    const comma = previousNonSpace(text, offset)
    if (text[comma] === ',') return {offset: comma, length: 1, message: `Trailing comma before ${at}: JSON does not allow one`, changesMeaning: false}
  }
  return {offset, length: Math.max(length, 1), message: `Not strict JSON here (${describe(name)})`, changesMeaning: false}
}

function previousNonSpace(text: string, offset: number): number {
  let index = offset - 1
  while (index >= 0 && /\s/.test(text[index]!)) index--
  return index
}

function describe(name: string): string {
  // InvalidSymbol → "invalid symbol", PropertyNameExpected → "property name expected".
  return name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()
}
