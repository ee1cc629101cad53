import {describe, expect, it} from 'vitest'

import {LOAD_CODES, MAX_ALIAS_EXPANDED_NODES, MAX_TEMPLATE_BYTES, parseTemplate} from '../../src/core/template/load.js'

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

  it('#18 reads a flow collection closed at the indentation of its key (the issue\'s shape), positions exact', () => {
    const text = [
      'Resources:',
      '  Api:',
      '    Type: AWS::Serverless::Api',
      '    Properties:',
      '      Auth:',
      '        ResourcePolicy:',
      '          CustomStatements: [{',
      '            "Effect": "Allow",',
      '            "Action": "execute-api:Invoke"',
      '          }]',
      '      StageName: prod',
    ].join('\n')
    const {template, diagnostics} = parseTemplate(text)
    expect(diagnostics).toEqual([])
    const statements = ['Resources', 'Api', 'Properties', 'Auth', 'ResourcePolicy', 'CustomStatements']
    expect(template!.value).toMatchObject({Resources: {Api: {Properties: {Auth: {ResourcePolicy: {CustomStatements: [{Effect: 'Allow', Action: 'execute-api:Invoke'}]}}, StageName: 'prod'}}}})
    expect(template!.locate([...statements, 0, 'Action'])).toEqual({line: 9, column: 23, endLine: 9, endColumn: 43})
    expect(template!.locate(['Resources', 'Api', 'Properties', 'StageName'])).toMatchObject({line: 11, column: 18})
  })

  it('#18 reads flow collections and quoted scalars at any indentation, as PyYAML does', () => {
    const {template, diagnostics} = parseTemplate('A:\n  B: [\n1,\n  2\n]\n  C: {"x":\n"y"}\n  D: "one\ntwo"\nE: 3\n')
    expect(diagnostics).toEqual([])
    expect(template!.value).toEqual({A: {B: [1, 2], C: {x: 'y'}, D: 'one two'}, E: 3})
    expect(template!.locate(['A', 'B', 1])).toMatchObject({line: 4, column: 3})
    expect(template!.locate(['E'])).toMatchObject({line: 10, column: 4})
    // Still refused, as PyYAML refuses them: a document marker inside a flow collection, an unclosed one.
    expect(parseTemplate('A: [\n---\n]\n').diagnostics[0]).toMatchObject({code: LOAD_CODES.syntax, line: 1, column: 4, message: expect.stringContaining('still open on line 2')})
    // An unclosed bracket is only found at the end of the file: the diagnostic points at the bracket.
    const unclosed = parseTemplate('A:\n  B: [1,\n  2\nC: 3\n')
    expect(unclosed.diagnostics).toMatchObject([{code: LOAD_CODES.syntax, line: 2, column: 6, endLine: 2, endColumn: 7}])
    expect(unclosed.diagnostics[0]!.message).toContain('Flow sequence is not closed: a ] is missing')
  })

  it('#18 breaks lines at a lone CR (and CRLF) with exact positions', () => {
    for (const eol of ['\r', '\r\n']) {
      const {template, diagnostics} = parseTemplate(['Resources:', '  Fn:', '    Type: AWS::Lambda::Function', '    Properties:', '      MemorySize: 64', ''].join(eol))
      expect(diagnostics).toEqual([])
      expect(template!.value).toEqual({Resources: {Fn: {Type: 'AWS::Lambda::Function', Properties: {MemorySize: 64}}}})
      expect(template!.locate(['Resources', 'Fn', 'Properties', 'MemorySize'])).toEqual({line: 5, column: 19, endLine: 5, endColumn: 21})
    }
    expect(parseTemplate('A: 1\rB: [\r').diagnostics[0]).toMatchObject({code: LOAD_CODES.syntax, line: 2, column: 4, message: expect.stringContaining('still open on line 3')})
  })

  it('#18 accepts tabs between tokens (as libyaml, cfn-lint\'s parser) and refuses them as indentation, located', () => {
    const {template, diagnostics} = parseTemplate('A:\tx\nB: [1,\t2]\t# note\nC: {\n\t"k": 1\n}\n')
    expect(diagnostics).toEqual([])
    expect(template!.value).toEqual({A: 'x', B: [1, 2], C: {k: 1}})
    expect(parseTemplate('A:\n\tB: 1\n').diagnostics[0]).toMatchObject({code: LOAD_CODES.syntax, line: 2, column: 1})
  })

  it('#18 warns (LP0010) at a trailing comma or # comment in a .json template, which CloudFormation reads only as YAML', () => {
    const trailing = parseTemplate('{\n  "Resources": {\n    "Fn": {"Type": "AWS::Lambda::Function"},\n  }\n}\n', 'template.json')
    expect(trailing.template!.value).toEqual({Resources: {Fn: {Type: 'AWS::Lambda::Function'}}})
    expect(trailing.diagnostics).toMatchObject([{code: LOAD_CODES.notStrictJson, severity: 'warning', line: 3, column: 44, endLine: 3, endColumn: 45}])
    expect(trailing.diagnostics[0]!.message).toMatch(/^Trailing comma/)
    const hash = parseTemplate('{\n  "A": 1 # note\n}', 'template.json')
    expect(hash.diagnostics).toMatchObject([{code: LOAD_CODES.notStrictJson, severity: 'warning', line: 2, column: 10}])
    const yamlInJson = parseTemplate('Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n', 'template.json')
    expect(yamlInJson.template!.value).toEqual({Resources: {Fn: {Type: 'AWS::Lambda::Function'}}})
    expect(yamlInJson.diagnostics).toMatchObject([{code: LOAD_CODES.notStrictJson, severity: 'warning', line: 1, column: 1}])
    // The same text in a .yaml file is YAML, which allows all of this.
    expect(parseTemplate('{"A": [1, 2,],}', 'template.yaml').diagnostics).toEqual([])
    expect(parseTemplate('{\n\t"A": [1, 2]\n}', 'template.json').diagnostics).toEqual([])
  })

  it('#18 refuses // and /* */ comments in a .json template: YAML would read them as part of a key or value', () => {
    const slash = parseTemplate('{\n  "A": 1,\n  // note\n  "B": 2\n}', 'template.json')
    expect(slash.template).toBeUndefined()
    expect(slash.diagnostics).toMatchObject([{code: LOAD_CODES.syntax, severity: 'error', line: 3, column: 3, endLine: 3, endColumn: 10}])
    expect(parseTemplate('{"A": /* x */ 1}', 'template.json').diagnostics).toMatchObject([{code: LOAD_CODES.syntax, line: 1, column: 7}])
  })

  it('#18 refuses what PyYAML refuses: control characters and an anchor defined twice, located', () => {
    expect(parseTemplate('A: 1\nB: x\u0007y\n').diagnostics).toMatchObject([{code: LOAD_CODES.syntax, line: 2, column: 5}])
    const twice = parseTemplate('A: &t one\nB: &t two\nC: *t\n')
    expect(twice.diagnostics).toMatchObject([{code: LOAD_CODES.syntax, line: 2, column: 4, endColumn: 6}])
    expect(twice.diagnostics[0]!.message).toContain('first on line 1')
  })

  it('#11.14 loads a 944 KB template of 450 functions without aliases', () => {
    // ~260 values a function, 117,000 in all: more than MAX_ALIAS_EXPANDED_NODES, and not one of them an alias.
    const resources = Array.from({length: 450}, (_, i) => {
      const actions = Array.from({length: 240}, (_, a) => `s${a % 10}`).join(', ')
      return [
        `  Function${i}:`,
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        `      Handler: src/handlers/function-${i}.handler`,
        '      Runtime: nodejs22.x',
        '      MemorySize: 512',
        `      Description: ${'d'.repeat(840)}`,
        '      Policies:',
        '        - Statement:',
        '            - Effect: Allow',
        `              Action: [${actions}]`,
        '              Resource: "*"',
      ].join('\n')
    })
    const text = `Transform: AWS::Serverless-2016-10-31\nResources:\n${resources.join('\n')}\n`
    expect(text.length).toBeGreaterThan(940_000)
    expect(text.length).toBeLessThan(MAX_TEMPLATE_BYTES)
    const {template, diagnostics} = parseTemplate(text)
    expect(diagnostics).toEqual([])
    expect(Object.keys((template!.value as {Resources: object}).Resources)).toHaveLength(450)
    // The `yaml` package needs ~1 s for 117,000 values on an idle machine; a busy CI machine may take several.
  }, 30_000)

  it('#11.14 still refuses aliases that expand past the limit, quickly', () => {
    // 10 levels of 4 aliases each: 4^10 ≈ 1M values from a 400-byte text.
    const lines = ['a0: &a0 [x, x, x, x]']
    for (let level = 1; level <= 10; level++) lines.push(`a${level}: &a${level} [${Array(4).fill(`*a${level - 1}`).join(', ')}]`)
    const started = performance.now()
    const {diagnostics} = parseTemplate(lines.join('\n'))
    expect(diagnostics.map((d) => d.code)).toEqual([LOAD_CODES.aliasBomb])
    expect(diagnostics[0]!.message).toContain(String(MAX_ALIAS_EXPANDED_NODES))
    expect(performance.now() - started).toBeLessThan(2000)
    // Aliases below the limit are read in full.
    const shared = parseTemplate('x: &x {a: 1, b: [1, 2]}\ny: *x\nz: *x\n')
    expect(shared.diagnostics).toEqual([])
    expect(shared.template!.value).toEqual({x: {a: 1, b: [1, 2]}, y: {a: 1, b: [1, 2]}, z: {a: 1, b: [1, 2]}})
  })

  it('tells a number written as a float (3.0) from the integer it equals, as PyYAML does', () => {
    const {template} = parseTemplate("a: 3.0\nb: 3\nc: '3.0'\nd: [3.0, 3]\ne: &v 1.0\nf: *v\n")
    expect(template!.value).toMatchObject({a: 3, b: 3, c: '3.0', d: [3, 3]})
    const floats = [['a'], ['b'], ['c'], ['d', 0], ['d', 1], ['e'], ['f']].filter((path) => template!.isFloat(path))
    expect(floats).toEqual([['a'], ['d', 0], ['e'], ['f']])
  })
})
