import {Composer, type Document, type DocumentOptions, Lexer, type LineCounter, Parser, type ParseOptions, type SchemaOptions, YAMLParseError} from 'yaml'

/**
 * The parts of the `yaml` package's lexer (2.9.1, pinned exactly in package.json) that lpack adjusts. They are
 * private in its typings; `pyyamlLexer` checks that they exist so an upgrade that renames them fails loudly in tests.
 */
interface LexerInternals {
  indentNext: number
  parseFlowCollection(): Generator<string, string | null>
  parseQuotedScalar(): Generator<string, string | null>
}

/**
 * A lexer that reads indentation the way PyYAML (cfn-lint, the SAM translator) and CloudFormation do.
 *
 * The `yaml` package ends a flow collection (`[…]`, `{…}`) or a multi-line quoted scalar at the first line that is
 * not indented more than the block holding it, as YAML 1.2 says. PyYAML ignores indentation inside flow
 * collections and quoted scalars altogether, so templates such as
 *
 *     CustomStatements: [{
 *       "Effect": "Allow"
 *     }]
 *
 * with the closing `}]` at the key's own indentation deploy fine. While the lexer is inside either, the minimum
 * indentation is set to 0 and restored after; a document marker (`---`, `...`) at column 0 still ends them, as in
 * PyYAML. Offsets are untouched, so every position stays exact.
 */
function pyyamlLexer(): Lexer {
  const lexer = new Lexer()
  const internals = lexer as unknown as LexerInternals
  for (const method of ['parseFlowCollection', 'parseQuotedScalar'] as const) {
    const original = internals[method]
    if (typeof original !== 'function' || typeof internals.indentNext !== 'number') {
      throw new TypeError(`yaml's Lexer no longer has ${method}/indentNext: update src/core/template/yaml-syntax.ts for the new version`)
    }
    internals[method] = function* (this: LexerInternals) {
      const blockIndent = this.indentNext
      this.indentNext = 0
      const next = yield* original.call(this)
      this.indentNext = blockIndent
      return next
    }
  }
  return lexer
}

/**
 * Parses one YAML document as `parseDocument` from the `yaml` package does, with the PyYAML-compatible lexer.
 * The text must already have LF or CRLF line breaks (see normalizeLineBreaks).
 */
export function parseYamlDocument(text: string, lineCounter: LineCounter, options: ParseOptions & DocumentOptions & SchemaOptions): Document.Parsed {
  const parser = new Parser(lineCounter.addNewLine)
  const lexer = pyyamlLexer()
  function* tokens() {
    lineCounter.addNewLine(0)
    for (const lexeme of lexer.lex(text)) yield* parser.next(lexeme)
    yield* parser.end()
  }
  let doc: Document.Parsed | undefined
  for (const next of new Composer(options).compose(tokens(), true, text.length)) {
    if (doc === undefined) {
      doc = next
    } else {
      // PyYAML's single-document load fails the same way ("expected a single document in the stream").
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'A template is one YAML document; this is a second one'))
      break
    }
  }
  // compose(…, forceDoc = true) yields at least one document.
  return doc!
}

/**
 * A CR that is not part of CRLF is a line break in YAML 1.1 and 1.2 (and whitespace in JSON), but the `yaml`
 * package only breaks lines at LF. It becomes LF here: same length, so offsets and columns do not move.
 */
export function normalizeLineBreaks(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text
}

// The characters YAML 1.1 allows in a stream (PyYAML's and SnakeYAML's Reader reject anything else): tab, LF,
// CR, printable ASCII, NEL and the printable Unicode planes. The `yaml` package accepts control characters.
const NON_PRINTABLE = /[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u

/** The offset of the first character YAML does not allow in a document, or -1. */
export function firstNonPrintable(text: string): number {
  const match = NON_PRINTABLE.exec(text)
  return match ? match.index : -1
}
