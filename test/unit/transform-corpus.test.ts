import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

import {parseTemplate} from '../../src/core/template/load.js'
import type {Template} from '../../src/core/template/template.js'
import {findUnsupportedConstructs, transformTemplate} from '../../src/core/transform/index.js'
import {comparableParts} from './transform-compare.js'

// Differential test against the AWS SAM translator: inputs from its own test suite, goldens produced by it
// (scripts/regenerate-transform-goldens.py). In scope: every input whose SAM constructs lpack translates — decided by
// construct type (findUnsupportedConstructs), never by whether lpack gets it right.
const FIXTURES = fileURLToPath(new URL('../fixtures/transform/', import.meta.url))
const OUT_OF_SCOPE = JSON.parse(readFileSync(join(FIXTURES, 'out-of-scope.json'), 'utf8')) as Record<string, string>

/** In-scope inputs where lpack deliberately or knowingly differs from the reference, with the reason. */
const KNOWN_DIFFERENCES: Record<string, string> = {
  'function_with_event_dest_conditional.yaml':
    "SAM wraps each operand of the generated Fn::And twice ({Condition: {Condition: X}}), which CloudFormation rejects; lpack emits the valid {Condition: X}.",
}

/** When the goldens were translated (TRANSLATION_TIME in scripts/regenerate-transform-goldens.py): AlwaysDeploy hashes it. */
const TRANSLATION_TIME = new Date(1_700_000_000_000)
const transform = (template: Template) => transformTemplate(template.value, {time: TRANSLATION_TIME, isFloat: template.isFloat})

const inputs = readdirSync(join(FIXTURES, 'input')).filter((name) => name.endsWith('.yaml')).sort()

function load(name: string): Template {
  const loaded = parseTemplate(readFileSync(join(FIXTURES, 'input', name)), name)
  if (!loaded.template) throw new Error(`${name}: ${loaded.diagnostics[0]?.message}`)
  return loaded.template
}

function golden(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURES, 'output', name.replace(/\.yaml$/, '.json')), 'utf8')) as Record<string, unknown>
}

const inScope = inputs.filter((name) => !(name in OUT_OF_SCOPE))
const valid = inScope.filter((name) => golden(name).errorMessage === undefined)
const rejected = inScope.filter((name) => golden(name).errorMessage !== undefined)

describe('transform scope', () => {
  it('leaves exactly the inputs with unsupported construct types out of scope, each with its construct', () => {
    const computed: Record<string, string> = {}
    for (const name of inputs) {
      const unsupported = findUnsupportedConstructs(load(name).value)
      if (unsupported.length > 0) computed[name] = [...new Set(unsupported.map((item) => item.construct.replace(/ \(.*\)$/, '')))].join(', ')
    }
    expect(computed).toEqual(OUT_OF_SCOPE)
    expect(valid.length).toBeGreaterThan(150)
  })

  it.each(Object.keys(OUT_OF_SCOPE))('%s is reported as unsupported, not translated', (name) => {
    const result = transform(load(name))
    expect(result.kind).toBe('unsupported')
  })
})

describe('transform matches the AWS SAM translator', () => {
  it('produces exactly the reference resources for at least 95 % of the in-scope inputs', () => {
    const matching = valid.filter((name) => {
      const result = transform(load(name))
      return result.kind === 'transformed' && JSON.stringify(comparableParts(result.template)) === JSON.stringify(comparableParts(golden(name)))
    })
    expect(matching.length / valid.length).toBeGreaterThanOrEqual(0.95)
    expect(valid.filter((name) => !matching.includes(name)).sort()).toEqual(Object.keys(KNOWN_DIFFERENCES).sort())
  })

  it.each(valid.filter((name) => !(name in KNOWN_DIFFERENCES)))('%s', (name) => {
    const result = transform(load(name))
    if (result.kind !== 'transformed') throw new Error(`${result.kind}: ${JSON.stringify(result)}`)
    expect(comparableParts(result.template)).toEqual(comparableParts(golden(name)))
  })

  it.each(rejected)('%s is rejected as SAM rejects it', (name) => {
    const result = transform(load(name))
    expect(result.kind).toBe('invalid')
    if (result.kind === 'invalid') expect(result.message).toMatch(/^Invalid Serverless Application Specification document\. Number of errors found: \d+\.$/)
  })
})

/** Issue #13: SAM constructs lpack now translates itself. Each item's inputs are every corpus input that uses it. */
const ADDED_CONSTRUCTS: [item: string, construct: string, uses: (text: string) => boolean][] = [
  ['#13.1', 'AWS::Serverless::SimpleTable', (text) => text.includes('AWS::Serverless::SimpleTable')],
  // Locations in the Serverless Application Repository (8 inputs) stay with CloudFormation's transform: their
  // TemplateURL is what the repository's CreateCloudFormationTemplate call answers at transform time (and SAM waits
  // for it to be ACTIVE). lpack carries no client for that service, and the local AWS (moto) does not emulate it, so
  // a local transform could be neither offline nor tested; `lpack deploy` says it leaves them to CloudFormation.
  ['#13.2', 'AWS::Serverless::Application', (text) => text.includes('AWS::Serverless::Application')],
  ['#13.3', 'AWS::Serverless::Function event AlexaSkill', (text) => /Type: AlexaSkill/.test(text)],
  ['#13.4', 'AWS::Serverless::Function event Cognito', (text) => /Type: Cognito\s/.test(text)],
  ['#13.5', 'AWS::Serverless::StateMachine', (text) => text.includes('AWS::Serverless::StateMachine')],
  ['#13.6', 'AWS::Serverless::HttpApi', (text) => text.includes('AWS::Serverless::HttpApi')],
  ['#13.6', 'AWS::Serverless::Function event HttpApi', (text) => /Type: HttpApi\s/.test(text)],
  ['#13.8', 'AWS::Serverless::HttpApi Auth', (text) => /AWS::Serverless::HttpApi[\s\S]*Auth:/.test(text)],
  ['#13.9', 'AWS::Serverless::HttpApi CorsConfiguration', (text) => text.includes('CorsConfiguration')],
  ['#13.10', 'AWS::Serverless::HttpApi Domain', (text) => /AWS::Serverless::HttpApi[\s\S]*Domain:/.test(text)],
  ['#13.11', 'AWS::Serverless::WebSocketApi', (text) => text.includes('AWS::Serverless::WebSocketApi')],
  ['#13.7', 'AWS::Serverless::CapacityProvider', (text) => text.includes('AWS::Serverless::CapacityProvider')],
  ['#13.1', 'AWS::Serverless::Connector', (text) => text.includes('AWS::Serverless::Connector')],
  ['#13.1', 'Connectors', (text) => /^\s+Connectors:/m.test(text)],
  ['#13.1', 'AWS::Serverless::GraphQLApi', (text) => text.includes('AWS::Serverless::GraphQLApi')],
  ['#13.1', 'AWS::Serverless::Api', (text) => text.includes('AWS::Serverless::Api\n') || text.includes('AWS::Serverless::Api\r')],
  ['#13.1', 'AWS::Serverless::Function event Api', (text) => /Type: Api\s/.test(text)],
  ['#13.1', 'AWS::Serverless::StateMachine event Api', (text) => text.includes('AWS::Serverless::StateMachine') && /Type: Api\s/.test(text)],
  ['#13.1', 'AWS::Serverless::Api Auth', (text) => /AWS::Serverless::Api\r?\n/.test(text) && /^\s+Auth:/m.test(text)],
  ['#13.1', 'AWS::Serverless::Function event Api Auth', (text) => /Type: Api\s/.test(text) && /^\s+Auth:/m.test(text)],
  ['#13.1', 'AWS::Serverless::StateMachine event Api Auth', (text) => text.includes('AWS::Serverless::StateMachine') && /Type: Api\s/.test(text) && /^\s+Auth:/m.test(text)],
  ['#13.1', 'AWS::Serverless::Api AlwaysDeploy', (text) => text.includes('AlwaysDeploy:')],
  ['#13.1', 'AWS::Serverless::Api MergeDefinitions', (text) => text.includes('MergeDefinitions:')],
  ['#13.1', 'AWS::Serverless::Api Domain', (text) => /AWS::Serverless::Api\s[\s\S]*Domain:|Globals:\s+Api:[\s\S]*Domain:/.test(text)],
]

const EXTRA = join(FIXTURES, 'extra')
describe('#13 lpack\'s own inputs (test/fixtures/transform/extra) give the translator\'s output', () => {
  it.each(readdirSync(EXTRA).filter((name) => name.endsWith('.yaml')).sort())('%s', (name) => {
    const loaded = parseTemplate(readFileSync(join(EXTRA, name)), name)
    const result = transform(loaded.template!)
    const expected = JSON.parse(readFileSync(join(EXTRA, name.replace(/\.yaml$/, '.json')), 'utf8')) as Record<string, unknown>
    if (result.kind !== 'transformed') throw new Error(`${result.kind}: ${JSON.stringify(result)}`)
    expect(comparableParts(result.template)).toEqual(comparableParts(expected))
  })
})

describe.each(ADDED_CONSTRUCTS)('%s %s', (_item, construct, uses) => {
  const using = inputs.filter((name) => uses(readFileSync(join(FIXTURES, 'input', name), 'utf8')))
  const translatable = using.filter((name) => !(name in OUT_OF_SCOPE))

  it('is translated by lpack: its corpus inputs are in scope unless another construct keeps them out', () => {
    expect(translatable.length).toBeGreaterThan(0)
    for (const name of using) {
      const unsupported = findUnsupportedConstructs(load(name).value).map((item) => item.construct)
      expect(unsupported.filter((found) => found.replace(/ \(.*\)$/, '') === construct), name).toEqual([])
    }
  })

  it('gives the translator\'s output for every input that uses it (or rejects it as the translator does)', () => {
    for (const name of translatable.filter((file) => !(file in KNOWN_DIFFERENCES))) {
      const result = transform(load(name))
      const expected = golden(name)
      if (expected.errorMessage !== undefined) expect(result.kind, name).toBe('invalid')
      else {
        expect(result.kind, name).toBe('transformed')
        if (result.kind === 'transformed') expect(comparableParts(result.template), name).toEqual(comparableParts(expected))
      }
    }
  })
})
