import {readdirSync, readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import type {Diagnostic} from '../../src/core/diagnostics/diagnostic.js'
import {parseTemplate} from '../../src/core/template/load.js'
import {validateTemplate} from '../../src/core/validate/index.js'

const NOW = new Date('2026-11-26T00:00:00Z')
const FIXTURES = fileURLToPath(new URL('../fixtures/validate/', import.meta.url))

/** What `lpack validate` does with one file's bytes; must never throw. */
async function validateBytes(input: string | Uint8Array): Promise<Diagnostic[]> {
  const {template, diagnostics} = parseTemplate(input, 'fuzz.yaml')
  return template === undefined ? diagnostics : [...diagnostics, ...(await validateTemplate(template, {now: NOW}))]
}

function expectWellFormed(diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    expect(d.code).toMatch(/^LP\d{4}$/)
    expect(['error', 'warning', 'info']).toContain(d.severity)
    expect(Number.isInteger(d.line) && d.line >= 1).toBe(true)
    expect(Number.isInteger(d.column) && d.column >= 1).toBe(true)
    expect(d.message.length).toBeLessThan(2000)
  }
}

const PROPERTY_NAMES = ['Runtime', 'Handler', 'MemorySize', 'Timeout', 'Environment', 'Variables', 'VpcConfig', 'SubnetIds', 'Layers', 'Events', 'Type', 'Properties', 'Queue', 'Bucket', 'DeploymentPreference', 'Hooks', 'AutoPublishAlias', 'RoutingConfig', 'AdditionalVersionWeights', 'Policies', 'Statement', 'Ref', 'Fn::GetAtt', 'Fn::Sub', 'Fn::If', 'Condition', 'DependsOn', 'Architectures', 'EventInvokeConfig', 'Globals', 'Function']
const TYPES = ['AWS::Serverless::Function', 'AWS::Lambda::Function', 'AWS::Lambda::Alias', 'AWS::Lambda::EventSourceMapping', 'AWS::Lambda::EventInvokeConfig', 'AWS::SQS::Queue', 'AWS::S3::Bucket', 'AWS::IAM::Role', 'AWS::Serverless::LayerVersion']

/** Values of every JSON type, biased to the names and shapes the rules look at. */
const anyValue = fc.letrec((tie) => ({
  value: fc.oneof(
    {depthSize: 'small'},
    fc.constantFrom(null, true, false, 0, -1, 1.5, 128, Number.POSITIVE_INFINITY, '', '*', '$LATEST', 'nodejs22.x', 'provided.al2023023', 'app.handler', 'x86_64'),
    fc.string(),
    fc.integer(),
    fc.array(tie('value'), {maxLength: 4}),
    fc.dictionary(fc.constantFrom(...PROPERTY_NAMES), tie('value'), {maxKeys: 4}),
  ),
})).value

const anyTemplate = fc.record(
  {
    Transform: fc.oneof(fc.constant('AWS::Serverless-2016-10-31'), anyValue),
    Globals: anyValue,
    Parameters: anyValue,
    Conditions: anyValue,
    Outputs: anyValue,
    Resources: fc.oneof(
      anyValue,
      fc.dictionary(fc.constantFrom('Fn', 'Queue', 'Bucket', 'Alias', 'Role'), fc.record({Type: fc.oneof(fc.constantFrom(...TYPES), anyValue), Properties: anyValue, DependsOn: anyValue, Condition: anyValue}, {requiredKeys: ['Type']})),
    ),
  },
  {requiredKeys: []},
)

describe('validate never throws on bad input', () => {
  it('wrong types everywhere (property-based, JSON and YAML)', async () => {
    await fc.assert(
      fc.asyncProperty(anyTemplate, async (template) => {
        expectWellFormed(await validateBytes(JSON.stringify(template)))
      }),
      {numRuns: 300, seed: 20261126},
    )
  })

  it('random text and random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({maxLength: 300}), fc.uint8Array({maxLength: 300})), async (input) => {
        expectWellFormed(await validateBytes(input))
      }),
      {numRuns: 300, seed: 7},
    )
  })

  it('every corpus template cut short at random points', async () => {
    const files = readdirSync(FIXTURES + 'serverless-patterns').slice(0, 40)
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...files), fc.double({min: 0, max: 1, noNaN: true}), async (file, fraction) => {
        const text = readFileSync(FIXTURES + 'serverless-patterns/' + file, 'utf8')
        expectWellFormed(await validateBytes(text.slice(0, Math.floor(text.length * fraction))))
      }),
      {numRuns: 150, seed: 42},
    )
  })

  it('10,000-deep nesting, block and flow', async () => {
    const flow = '['.repeat(10_000) + ']'.repeat(10_000)
    const block = Array.from({length: 10_000}, (_, i) => ' '.repeat(i) + 'a:').join('\n')
    const json = '{"Resources":' + '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_001)
    for (const input of [flow, `Resources:\n  X: ${flow}`, block, json]) {
      const diagnostics = await validateBytes(input)
      expectWellFormed(diagnostics)
      expect(diagnostics.some((d) => d.severity === 'error')).toBe(true)
    }
  })

  it('an alias bomb', async () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for (let i = 1; i < 10; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`)
    lines.push('Resources: *j')
    const diagnostics = await validateBytes(lines.join('\n'))
    expect(diagnostics.map((d) => d.code)).toContain('LP0007')
  })

  it('a 5 MB string and binary data', async () => {
    expect((await validateBytes('Description: "' + 'x'.repeat(5 * 1024 * 1024) + '"')).map((d) => d.code)).toEqual(['LP0002'])
    expect((await validateBytes(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]))).map((d) => d.code)).toEqual(['LP0008'])
  })

  it('a function with a 900 KB environment value and a 1,000-resource dependency chain', async () => {
    const big = `Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: a.b\n      Runtime: nodejs24.x\n      Environment:\n        Variables:\n          V: "${'v'.repeat(900_000)}"\n`
    expect((await validateBytes(big)).map((d) => d.code)).toContain('LP3016')
    const chain = ['Resources:', ...Array.from({length: 1000}, (_, i) => `  R${i}:\n    Type: AWS::SNS::Topic\n    DependsOn: R${(i + 1) % 1000}`)].join('\n')
    expect((await validateBytes(chain)).map((d) => d.code)).toEqual(['LP2007'])
  })
})
