import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {planBuild} from '../../src/core/build/plan.js'
import {parseTemplate} from '../../src/core/template/load.js'
import {originOf, resolveTemplate} from '../../src/core/template/resolve.js'
import {Globals} from '../../src/core/transform/globals.js'
import {RuleContext} from '../../src/core/validate/context.js'
import {functionViews} from '../../src/core/validate/functions.js'

const TRANSLATOR_INPUTS = new URL('../fixtures/transform/input/', import.meta.url).pathname

function load(yaml: string, file = '/project/template.yaml') {
  const {template, diagnostics} = parseTemplate(yaml, file)
  if (!template) throw new Error(`fixture does not parse: ${JSON.stringify(diagnostics)}`)
  return template
}

const LAYERED = `
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: nodejs22.x
    Layers: [!Ref L1]
    Environment: {Variables: {A: global, B: global}}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Layers: [!Ref L2]
      Environment: {Variables: {B: own}}
  L1:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: layers/one, CompatibleRuntimes: [nodejs22.x]}
  L2:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: layers/two, CompatibleRuntimes: [nodejs22.x]}
  L3:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: layers/three, CompatibleRuntimes: [nodejs22.x]}
`

describe('one resolved model of a template (#12.1)', () => {
  it('Globals Layers plus a function\'s own Layers: build --function builds both layers, as the stack deploys them', () => {
    const template = load(LAYERED)
    const plan = planBuild(template, {only: ['Fn']})
    expect(plan.units.map((unit) => unit.logicalId)).toEqual(['Fn', 'L1', 'L2'])
    expect(plan.units[0]!.layerIds).toEqual(['L1', 'L2'])
    const transformed = new Globals(template.value.Globals).merge('Fn', 'AWS::Serverless::Function', (template.value.Resources as Record<string, {Properties: Record<string, unknown>}>).Fn!.Properties, undefined)
    expect(transformed.Layers).toEqual([{Ref: 'L1'}, {Ref: 'L2'}])
  })

  it('says where each resolved value was written: the resource or Globals', () => {
    const resolved = resolveTemplate(load(LAYERED).value)
    const fn = resolved.resource('Fn')!
    expect(fn.properties.Environment).toEqual({Variables: {A: 'global', B: 'own'}})
    expect(originOf(fn.origin, ['Environment', 'Variables', 'A'])).toEqual(['Globals', 'Function', 'Environment', 'Variables', 'A'])
    expect(originOf(fn.origin, ['Environment', 'Variables', 'B'])).toEqual(['Resources', 'Fn', 'Properties', 'Environment', 'Variables', 'B'])
    expect(originOf(fn.origin, ['Layers', 0])).toEqual(['Globals', 'Function', 'Layers', 0])
    expect(originOf(fn.origin, ['Layers', 1])).toEqual(['Resources', 'Fn', 'Properties', 'Layers', 0])
    expect(originOf(fn.origin, ['Runtime'])).toEqual(['Globals', 'Function', 'Runtime'])
    expect(originOf(fn.origin, ['CodeUri'])).toEqual(['Resources', 'Fn', 'Properties', 'CodeUri'])
  })

  it('honours IgnoreGlobals, and reports one the translator refuses instead of guessing', () => {
    const ignoring = LAYERED.replace('    Type: AWS::Serverless::Function\n', '    Type: AWS::Serverless::Function\n    IgnoreGlobals: [Layers]\n')
    expect(planBuild(load(ignoring), {only: ['Fn']}).units.map((unit) => unit.logicalId)).toEqual(['Fn', 'L2'])
    const all = LAYERED.replace('    Type: AWS::Serverless::Function\n', "    Type: AWS::Serverless::Function\n    IgnoreGlobals: '*'\n")
    expect(resolveTemplate(load(all).value).resource('Fn')!.properties.Runtime).toBeUndefined()
    const invalid = LAYERED.replace('    Type: AWS::Serverless::Function\n', '    Type: AWS::Serverless::Function\n    IgnoreGlobals: [Nope]\n')
    expect(resolveTemplate(load(invalid).value).resource('Fn')!.invalidIgnoreGlobals).toBe('Nope')
  })

  it('parameter values: Defaults under overrides, the same for build and validate', () => {
    const template = load(`
Parameters:
  Rt: {Type: String, Default: python3.12}
  Mem: {Type: Number}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: src/, Handler: app.handler, Runtime: !Ref Rt}
`)
    const resolved = resolveTemplate(template.value, {parameters: {Mem: '256'}})
    expect([...resolved.parameters]).toEqual([['Rt', 'python3.12'], ['Mem', '256']])
    expect(planBuild(template).units[0]!.runtime).toBe('python3.12')
    expect(planBuild(template, {parameters: {Rt: 'python3.13'}}).units[0]!.runtime).toBe('python3.13')
    expect(new RuleContext(template, new Date()).resolveParameterDefault({Ref: 'Rt'})).toBe('python3.12')
  })

  // Every translator-corpus input with Globals.Function: transform's merge, build's plan and validate's view of
  // each function agree with the resolved model.
  const withGlobals = readdirSync(TRANSLATOR_INPUTS)
    .filter((name) => name.endsWith('.yaml') && !name.startsWith('error_'))
    .filter((name) => /^Globals:/m.test(readFileSync(join(TRANSLATOR_INPUTS, name), 'utf8')))
    // The fixtures hold the whole translator corpus (#13): inputs whose Globals serve no function compare nothing.
    .filter((name) => /Type: ['"]?AWS::Serverless::Function/.test(readFileSync(join(TRANSLATOR_INPUTS, name), 'utf8')))
  it.each(withGlobals)('every stage reads the same functions from %s', (name) => {
    const template = load(readFileSync(join(TRANSLATOR_INPUTS, name), 'utf8'), join('/project', name))
    const resolved = resolveTemplate(template.value)
    const samGlobals = new Globals(template.value.Globals)
    const context = new RuleContext(template, new Date('2026-12-03'))
    const views = new Map(functionViews(context).map((view) => [view.logicalId, view]))
    const plan = planBuild(template)
    const units = new Map(plan.units.map((unit) => [unit.logicalId, unit]))
    let compared = 0
    for (const fn of resolved.functions.filter((f) => f.serverless)) {
      const resource = (template.value.Resources as Record<string, {Properties?: Record<string, unknown>; IgnoreGlobals?: unknown}>)[fn.logicalId]!
      let transformed: Record<string, unknown>
      try {
        transformed = samGlobals.merge(fn.logicalId, fn.type, structuredClone(resource.Properties ?? {}), resource.IgnoreGlobals)
      } catch {
        expect(fn.invalidIgnoreGlobals).toBeDefined()
        continue
      }
      expect(fn.properties).toEqual(transformed)
      const view = views.get(fn.logicalId)!
      for (const key of Object.keys(transformed)) expect(view.get(key)?.value).toEqual(transformed[key])
      const unit = units.get(fn.logicalId)
      if (unit) {
        const runtime = fn.properties.Runtime
        if (typeof runtime === 'string') expect(unit.runtime).toBe(runtime)
        const variables = (fn.properties.Environment as {Variables?: Record<string, unknown>} | undefined)?.Variables
        expect(unit.environment).toEqual(variables && typeof variables === 'object' && !('Ref' in variables) ? variables : {})
      }
      compared++
    }
    expect(compared).toBeGreaterThan(0)
  })
})
