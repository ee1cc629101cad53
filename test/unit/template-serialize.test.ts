import {describe, expect, it} from 'vitest'

import {parseTemplate} from '../../src/core/template/load.js'
import {serializeTemplate} from '../../src/core/package/template-body.js'
import {serializeTemplateYaml} from '../../src/core/template/serialize.js'

describe('serializeTemplateYaml', () => {
  const SOURCE = `Globals:
  Api:
    OpenApiVersion: 3.0
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      MethodSettings:
        - ThrottlingRateLimit: 100.0
          ThrottlingBurstLimit: 10
      Weight: 0.5
`

  it('writes a number the template wrote as a float as a float again (3.0 stays 3.0, never 3), integers as integers', () => {
    const {template} = parseTemplate(SOURCE, 'template.yaml')
    const text = serializeTemplateYaml(template!.value, {isFloat: template!.isFloat})
    expect(text).toContain('OpenApiVersion: 3.0\n')
    expect(text).toContain('ThrottlingRateLimit: 100.0\n')
    expect(text).toContain('ThrottlingBurstLimit: 10\n')
    expect(text).toContain('Weight: 0.5\n')
    const again = parseTemplate(text, 'again.yaml').template!
    expect(again.value).toEqual(template!.value)
    expect(again.isFloat(['Globals', 'Api', 'OpenApiVersion'])).toBe(true)
    expect(again.isFloat(['Resources', 'Api', 'Properties', 'MethodSettings', 0, 'ThrottlingRateLimit'])).toBe(true)
    expect(again.isFloat(['Resources', 'Api', 'Properties', 'MethodSettings', 0, 'ThrottlingBurstLimit'])).toBe(false)
  })

  it('without isFloat, numbers are written as JavaScript holds them', () => {
    const {template} = parseTemplate(SOURCE, 'template.yaml')
    expect(serializeTemplateYaml(template!.value)).toContain('OpenApiVersion: 3\n')
  })
})

describe('serializeTemplate (the body sent to CloudFormation)', () => {
  const SOURCE = `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      OpenApiVersion: 3.0
      MethodSettings: [{ThrottlingRateLimit: 100.0, ThrottlingBurstLimit: 10, Weight: 0.5}]
      Big: 12345678901234567890.0
`

  it('is JSON.stringify of the template without isFloat', () => {
    const {template} = parseTemplate(SOURCE, 'template.yaml')
    expect(serializeTemplate(template!.value)).toBe(JSON.stringify(template!.value))
  })

  it('with isFloat, keeps what the template wrote as a float a float (3.0, 100.0), and is otherwise the same JSON', () => {
    const {template} = parseTemplate(SOURCE, 'template.yaml')
    const text = serializeTemplate(template!.value, template!.isFloat)
    expect(text).toContain('"OpenApiVersion":3.0')
    expect(text).toContain('"ThrottlingRateLimit":100.0,"ThrottlingBurstLimit":10,"Weight":0.5')
    expect(JSON.parse(text)).toEqual(template!.value)
    expect(text.replaceAll('3.0', '3').replaceAll('100.0', '100')).toBe(JSON.stringify(template!.value))
  })
})
