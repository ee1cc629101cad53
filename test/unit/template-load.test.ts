import {describe, expect, it} from 'vitest'

import {LOAD_CODES, MAX_TEMPLATE_BYTES, parseTemplate} from '../../src/core/template/load.js'

describe('parseTemplate', () => {
  it('maps every short-form tag to its long form', () => {
    const {template, diagnostics} = parseTemplate(
      [
        'A: !Ref X',
        'B: !GetAtt Fn.Arn',
        'C: !GetAtt [Fn, Arn]',
        'D: !Sub "${X}"',
        'E: !Sub ["${A}", {A: !Ref X}]',
        'F: !Join [",", [a, b]]',
        'G: !If [Cond, a, b]',
        'H: !Select [0, !GetAZs ""]',
        'I: !Split [",", "a,b"]',
        'J: !FindInMap [M, K, V]',
        'K: !ImportValue Exported',
        'L: !Base64 text',
        'M: !Cidr [10.0.0.0/16, 4, 8]',
        'N: !Equals [a, b]',
        'O: !And [!Condition C1, !Not [!Condition C2]]',
        'P: !Or [!Condition C1, !Condition C2]',
        'Q: !Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}',
        'R: !GetAtt Fn.Outputs.Deep',
      ].join('\n'),
    )
    expect(diagnostics).toEqual([])
    expect(template!.value).toEqual({
      A: {Ref: 'X'},
      B: {'Fn::GetAtt': ['Fn', 'Arn']},
      C: {'Fn::GetAtt': ['Fn', 'Arn']},
      D: {'Fn::Sub': '${X}'},
      E: {'Fn::Sub': ['${A}', {A: {Ref: 'X'}}]},
      F: {'Fn::Join': [',', ['a', 'b']]},
      G: {'Fn::If': ['Cond', 'a', 'b']},
      H: {'Fn::Select': [0, {'Fn::GetAZs': ''}]},
      I: {'Fn::Split': [',', 'a,b']},
      J: {'Fn::FindInMap': ['M', 'K', 'V']},
      K: {'Fn::ImportValue': 'Exported'},
      L: {'Fn::Base64': 'text'},
      M: {'Fn::Cidr': ['10.0.0.0/16', 4, 8]},
      N: {'Fn::Equals': ['a', 'b']},
      O: {'Fn::And': [{Condition: 'C1'}, {'Fn::Not': [{Condition: 'C2'}]}]},
      P: {'Fn::Or': [{Condition: 'C1'}, {Condition: 'C2'}]},
      Q: {'Fn::Transform': {Name: 'AWS::Include', Parameters: {Location: 's3://b/k'}}},
      R: {'Fn::GetAtt': ['Fn', 'Outputs.Deep']},
    })
  })

  it('reads scalars as CloudFormation does (YAML 1.1, dates stay strings, keys stay as written)', () => {
    const {template} = parseTemplate('AWSTemplateFormatVersion: 2010-09-09\nEnabled: yes\nOff: off\ny: n\nMode: 0755\n1: one\nCodeUri: .\nE: 1e5\nF: 1.5')
    expect(template!.value).toEqual({AWSTemplateFormatVersion: '2010-09-09', Enabled: true, Off: false, y: 'n', Mode: 493, '1': 'one', CodeUri: '.', E: '1e5', F: 1.5})
  })

  it('parses JSON templates', () => {
    const {template, diagnostics} = parseTemplate('{\n  "Resources": {"Fn": {"Type": "AWS::Lambda::Function"}}\n}', 't.json')
    expect(diagnostics).toEqual([])
    expect(template!.format).toBe('json')
    expect(template!.locate(['Resources', 'Fn', 'Type'])).toMatchObject({line: 2, column: 32})
  })

  it('keeps a 1-based source position for every value and key', () => {
    const {template} = parseTemplate('Resources:\n  Fn:\n    Properties:\n      MemorySize: 64\n      Role: !GetAtt R.Arn\n')
    expect(template!.locate(['Resources', 'Fn', 'Properties', 'MemorySize'])).toEqual({line: 4, column: 19, endLine: 4, endColumn: 21})
    expect(template!.locateKey(['Resources', 'Fn', 'Properties', 'MemorySize'])).toMatchObject({line: 4, column: 7})
    expect(template!.locate(['Resources', 'Fn', 'Properties', 'Role', 'Fn::GetAtt', 1])).toMatchObject({line: 5, column: 21})
    // A path that does not exist falls back to its nearest ancestor.
    expect(template!.locate(['Resources', 'Fn', 'Properties', 'Missing'])).toMatchObject({line: 4, column: 7})
  })

  it('reports duplicate keys at the second occurrence', () => {
    const {diagnostics} = parseTemplate('Resources:\n  Fn:\n    Type: A\n    Type: B\n')
    expect(diagnostics).toMatchObject([{code: LOAD_CODES.duplicateKey, severity: 'error', line: 4, column: 5, path: 'Resources/Fn/Type'}])
  })

  it('turns an alias bomb into an error, quickly', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for (const [name, prev] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e'], ['g', 'f'], ['h', 'g'], ['i', 'h']]) {
      lines.push(`${name}: &${name} [${Array(9).fill('*' + prev).join(',')}]`)
    }
    const {diagnostics} = parseTemplate(lines.join('\n'))
    expect(diagnostics.map((d) => d.code)).toEqual([LOAD_CODES.aliasBomb])
  })

  it('reports deep nesting instead of overflowing the stack', () => {
    const flow = parseTemplate('a: ' + '['.repeat(10_000) + ']'.repeat(10_000))
    expect(flow.diagnostics[0]!.severity).toBe('error')
    const block = parseTemplate('a:\n' + Array.from({length: 300}, (_, i) => ' '.repeat(i * 2 + 2) + 'k:').join('\n'))
    expect(block.diagnostics.map((d) => d.code)).toContain(LOAD_CODES.tooDeep)
  })

  it('rejects oversize, binary, non-UTF-8, empty and non-mapping input with a diagnostic', () => {
    expect(parseTemplate(Buffer.alloc(MAX_TEMPLATE_BYTES + 1, 0x61)).diagnostics[0]!.code).toBe(LOAD_CODES.tooLarge)
    expect(parseTemplate(Buffer.from([0x41, 0x00, 0x42])).diagnostics[0]!.code).toBe(LOAD_CODES.notText)
    expect(parseTemplate(Buffer.from([0xff, 0xfe, 0x41])).diagnostics[0]!.code).toBe(LOAD_CODES.notText)
    expect(parseTemplate('').diagnostics[0]!.code).toBe(LOAD_CODES.notMapping)
    expect(parseTemplate('- a\n- b').diagnostics[0]!.code).toBe(LOAD_CODES.notMapping)
    expect(parseTemplate('a: [1, 2').diagnostics[0]).toMatchObject({code: LOAD_CODES.syntax, line: 1})
  })

  it('reports unknown tags and never lets a key touch prototypes', () => {
    const {template, diagnostics} = parseTemplate('A: !Bogus x\n__proto__: {polluted: true}')
    expect(diagnostics.map((d) => d.code)).toEqual([LOAD_CODES.unknownTag])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.keys(template!.value)).toEqual(['A', '__proto__'])
  })
})
