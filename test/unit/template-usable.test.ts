import {describe, expect, it} from 'vitest'

import {parseTemplate, usableTemplate} from '../../src/core/template/load.js'

// Build, transform and package map a template that loads with errors to the same error through usableTemplate.
describe('#12.5 one mapping of a template load failure', () => {
  it('#12.5 a template that does not parse is TEMPLATE_INVALID (exit 1) naming each error with its position', () => {
    const loaded = parseTemplate('Resources:\n  Fn: [unclosed\n', 'broken.yaml')
    expect(() => usableTemplate(loaded, 'broken.yaml')).toThrow(expect.objectContaining({code: 'TEMPLATE_INVALID', exitCode: 1, message: expect.stringMatching(/^Template broken\.yaml cannot be read:\n {2}broken\.yaml:2:\d+ {2}LP0001 /)}))
  })

  it('#12.5 a template that parses with a load error (a duplicate key) is refused as well, not used as read', () => {
    const loaded = parseTemplate('Resources:\n  Fn: {Type: AWS::SNS::Topic}\n  Fn: {Type: AWS::SQS::Queue}\n', 'dup.yaml')
    expect(loaded.template).toBeDefined()
    expect(() => usableTemplate(loaded, 'dup.yaml')).toThrow(expect.objectContaining({code: 'TEMPLATE_INVALID', message: expect.stringContaining('LP0003')}))
  })

  it('#12.5 a template without load errors is returned as read', () => {
    const loaded = parseTemplate('Resources:\n  Topic: {Type: AWS::SNS::Topic}\n', 'ok.yaml')
    expect(usableTemplate(loaded, 'ok.yaml').value).toEqual({Resources: {Topic: {Type: 'AWS::SNS::Topic'}}})
  })
})
