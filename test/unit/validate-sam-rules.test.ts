import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import type {Diagnostic} from '../../src/core/diagnostics/diagnostic.js'
import {parseTemplate} from '../../src/core/template/load.js'
import {findUnsupportedConstructs} from '../../src/core/transform/index.js'
import {validateTemplate} from '../../src/core/validate/index.js'

const NOW = new Date('2026-12-04T00:00:00Z')
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'transform')

async function validate(source: string, name = 'template.yaml'): Promise<Diagnostic[]> {
  const {template, diagnostics} = parseTemplate(source, name)
  if (!template) throw new Error(`${name}: ${diagnostics[0]?.message}`)
  // The translator's corpus leaves the Transform out; validate checks SAM's rules only for SAM templates.
  template.value.Transform ??= 'AWS::Serverless-2016-10-31'
  return validateTemplate(template, {now: NOW})
}

/** 1-based line and column of `part` inside the first `context` of `source`. */
function at(source: string, context: string, part = context): {line: number; column: number} {
  const start = source.indexOf(context) + context.indexOf(part)
  const before = source.slice(0, start).split('\n')
  return {line: before.length, column: before[before.length - 1]!.length + 1}
}

const TEMPLATE = `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Runtime: nodejs24.x
      Handler: index.handler
      Events:
        Get:
          Type: Api
          Properties:
            Path: /hello
            Method: get
            Verb: post
  Table:
    Type: AWS::Serverless::SimpleTable
    Properties:
      PrimaryKey: {Name: id, Typ: String}
  Conn:
    Type: AWS::Serverless::Connector
    Properties:
      Source: {Id: Fn}
      Destination: {Id: Table}
      Permissions: [Read]
`

describe('#13.6 validate knows what the SAM translator rejects (LP1010)', () => {
  it('reports each of SAM\'s own errors at the resource and property it names, and the template still packages (local CodeUri)', async () => {
    const sam = (await validate(TEMPLATE)).filter((d) => d.code === 'LP1010')
    expect(sam.map((d) => ({message: d.message, line: d.line, column: d.column, path: d.path}))).toEqual([
      {message: 'Resource with id [FnGet] is invalid. property Verb not defined for resource of type Api', ...at(TEMPLATE, 'Verb: post', 'post'), path: 'Resources/Fn/Properties/Events/Get/Properties/Verb'},
      {message: "Resource with id [Table] is invalid. Property 'PrimaryKey.Type' is required.", ...at(TEMPLATE, '{Name: id'), path: 'Resources/Table/Properties/PrimaryKey'},
      // As the translator does: the connector cannot be made to a table that could not be.
      {message: "Resource with id [Conn] is invalid. Unable to create connector from AWS::Serverless::Function to AWS::Serverless::SimpleTable; it's not supported or the template is invalid.", ...at(TEMPLATE, '      Source:', 'Source'), path: 'Resources/Conn/Properties'},
    ])
    expect(sam.every((d) => d.severity === 'error' && d.hint?.includes('SAM translator'))).toBe(true)
  })

  it('a connector between resources SAM cannot connect is an error; the same connector between valid ones is not', async () => {
    const wrong = TEMPLATE.replace('Permissions: [Read]', 'Permissions: [Rread]').replace('Typ: String', 'Type: String').replace('            Verb: post\n', '')
    expect((await validate(wrong)).filter((d) => d.code === 'LP1010').map((d) => d.path)).toEqual(['Resources/Conn/Properties/Permissions'])
    const right = wrong.replace('[Rread]', '[Read]')
    expect((await validate(right)).filter((d) => d.severity === 'error')).toEqual([])
  })

  it('AWS::LanguageExtensions is expanded before the rules run: errors about what a loop made point into the loop', async () => {
    const forEach = `Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Parameters:
  Names: {Type: CommaDelimitedList, Default: "A,B"}
Resources:
  Fn::ForEach::Tables:
    - Name
    - !Ref Names
    - Table\${Name}:
        Type: AWS::Serverless::SimpleTable
        Properties:
          PrimaryKey: {Name: id, Typ: String}
`
    const errors = (await validate(forEach)).filter((d) => d.severity === 'error')
    expect(errors.map((d) => ({code: d.code, message: d.message, line: d.line, column: d.column}))).toEqual([
      {code: 'LP1010', message: "Resource with id [TableA] is invalid. Property 'PrimaryKey.Type' is required.", ...at(forEach, '{Name: id')},
      {code: 'LP1010', message: "Resource with id [TableB] is invalid. Property 'PrimaryKey.Type' is required.", ...at(forEach, '{Name: id')},
    ])
    expect((await validate(forEach.replace('Typ:', 'Type:'))).filter((d) => d.severity === 'error')).toEqual([])
  })

  it('a loop inside properties is checked as the properties it makes', async () => {
    const variables = `Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs24.x
      Handler: index.handler
      InlineCode: x
      Environment:
        Variables:
          Fn::ForEach::Vars:
            - V
            - [A, B]
            - VAR_\${V}: !Ref V
`
    expect((await validate(variables)).filter((d) => d.severity === 'error')).toEqual([])
    const errors = (await validate(variables.replace('VAR_', '1VAR_'))).filter((d) => d.severity === 'error')
    expect(errors.map((d) => ({code: d.code, line: d.line}))).toEqual([{code: 'LP3017', line: 14}, {code: 'LP3017', line: 14}])
  })

  it('a loop CloudFormation would reject is LP1011 at the value that is wrong', async () => {
    const notAList = `Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Resources:
  Fn::ForEach::Topics:
    - Name
    - NotAList
    - Topic\${Name}:
        Type: AWS::SNS::Topic
`
    const errors = (await validate(notAList)).filter((d) => d.severity === 'error')
    expect(errors.map((d) => ({code: d.code, path: d.path, line: d.line, column: d.column}))).toEqual([
      {code: 'LP1011', path: 'Resources/Fn::ForEach::Topics/1', ...at(notAList, 'NotAList')},
    ])
  })

  it('loops in Conditions and Outputs pass the template schema', async () => {
    const loops = `Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Parameters:
  Names: {Type: CommaDelimitedList, Default: "A,B"}
Conditions:
  Fn::ForEach::Enabled:
    - Name
    - !Ref Names
    - Is\${Name}: !Equals [!Ref AWS::Region, us-east-1]
Resources:
  Fn::ForEach::Topics:
    - Name
    - !Ref Names
    - Topic\${Name}:
        Type: AWS::SNS::Topic
        Condition: Is\${Name}
Outputs:
  Fn::ForEach::Arns:
    - Name
    - !Ref Names
    - Topic\${Name}Arn:
        Condition: Is\${Name}
        Value: !Ref Topic\${Name}
`
    expect((await validate(loops)).filter((d) => d.severity === 'error')).toEqual([])
  })

  it('local code in a resource a loop makes is LP1012, once, at the code path in the loop', async () => {
    const inLoop = `Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Resources:
  Fn::ForEach::Workers:
    - Name
    - [A, B]
    - Worker\${Name}:
        Type: AWS::Serverless::Function
        Properties: {CodeUri: src/, Runtime: nodejs24.x, Handler: index.handler}
`
    const errors = (await validate(inLoop)).filter((d) => d.severity === 'error')
    expect(errors.map((d) => ({code: d.code, path: d.path, line: d.line, column: d.column}))).toEqual([
      {code: 'LP1012', path: 'Resources/Fn::ForEach::Workers/2/Worker${Name}/Properties/CodeUri', ...at(inLoop, 'CodeUri: src/', 'src/')},
    ])
    expect((await validate(inLoop.replace('CodeUri: src/', 'CodeUri: s3://bucket/key.zip'))).filter((d) => d.severity === 'error')).toEqual([])
  })

  it('a template with a transform lpack does not expand is left alone', async () => {
    const macro = `Transform: [MyMacro, AWS::Serverless-2016-10-31]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Runtime: nodejs20.x, Handler: index.handler, InlineCode: x, Events: {Q: {Type: SQS, Properties: {Queu: q}}}}
`
    expect((await validate(macro)).filter((d) => d.code === 'LP1010')).toEqual([])
  })

  it('a value a schema already reported is not reported again in SAM\'s words', async () => {
    const missingPath = TEMPLATE.replace('            Path: /hello\n', '').replace('            Verb: post\n', '').replace('Typ: String', 'Type: String')
    const errors = (await validate(missingPath)).filter((d) => d.severity === 'error')
    expect(errors.map((d) => d.code)).toEqual(['LP1003'])
  })

  // The translator's corpus, each input with the SAM transform declared: what it accepts gets no LP1010, and what
  // it rejects fails validate, unless lpack leaves the input's constructs to CloudFormation or packaging would make
  // it valid (a local DefinitionUri is a path `lpack package` uploads, not the malformed S3 string SAM sees).
  const outOfScope = new Set(Object.keys(JSON.parse(readFileSync(join(FIXTURES, 'out-of-scope.json'), 'utf8')) as Record<string, unknown>))
  const PACKAGED_BEFORE_SAM_SEES_IT = new Set(['error_state_machine_invalid_s3_string.yaml'])
  const inputs = readdirSync(join(FIXTURES, 'input')).filter((name) => name.endsWith('.yaml')).sort()
  it(`agrees with the translator on its ${inputs.length} corpus inputs`, async () => {
    const falseErrors: string[] = []
    const missed: string[] = []
    for (const name of inputs) {
      const text = readFileSync(join(FIXTURES, 'input', name), 'utf8')
      const expected = JSON.parse(readFileSync(join(FIXTURES, 'output', name.replace(/\.yaml$/, '.json')), 'utf8')) as {errorMessage?: string}
      const diagnostics = await validate(text, name)
      if (expected.errorMessage === undefined) {
        const sam = diagnostics.find((d) => d.code === 'LP1010')
        if (sam) falseErrors.push(`${name}: ${sam.message}`)
      } else if (!diagnostics.some((d) => d.severity === 'error') && !outOfScope.has(name) && !PACKAGED_BEFORE_SAM_SEES_IT.has(name)) {
        const {template} = parseTemplate(text, name)
        if (findUnsupportedConstructs(template!.value).length === 0) missed.push(name)
      }
    }
    expect(falseErrors).toEqual([])
    expect(missed).toEqual([])
  }, 60_000)
})
