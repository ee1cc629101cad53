import {describe, expect, it} from 'vitest'

import {checkCapabilities, checkParameterValues, checkStackName} from '../../src/core/deploy/inputs.js'
import {LpackError} from '../../src/errors.js'

function problems(parameters: unknown, values: Record<string, string>): string[] {
  try {
    checkParameterValues(parameters, values)
    return []
  } catch (error) {
    expect(error).toBeInstanceOf(LpackError)
    expect((error as LpackError).exitCode).toBe(2)
    return (error as LpackError).details!.problems as string[]
  }
}

describe('#11.15 deploy inputs (CloudFormation semantics)', () => {
  it('stack names: a letter, then letters, digits and hyphens, 128 at most', () => {
    for (const name of ['a', 'my-app-2', 'A'.repeat(128)]) expect(() => checkStackName(name)).not.toThrow()
    for (const name of ['', '-a', '1a', 'a_b', 'a.b', 'A'.repeat(129)]) expect(() => checkStackName(name), name).toThrow(LpackError)
  })

  it('capabilities: the three CloudFormation knows', () => {
    expect(() => checkCapabilities(['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'])).not.toThrow()
    expect(() => checkCapabilities(['capability_iam'])).toThrow(/unknown capability capability_iam/)
  })

  it('AllowedPattern must match the whole value; MinLength and MaxLength count characters', () => {
    const parameters = {Name: {Type: 'String', AllowedPattern: '[a-z]+', MinLength: 2, MaxLength: 4}}
    expect(problems(parameters, {Name: 'abc'})).toEqual([])
    expect(problems(parameters, {Name: 'abc1'})).toEqual(['Name: "abc1" does not match the AllowedPattern [a-z]+'])
    expect(problems(parameters, {Name: 'a'})).toEqual(['Name: "a" is 1 characters, shorter than the MinLength 2'])
    expect(problems(parameters, {Name: 'abcde'})).toEqual(['Name: "abcde" is 5 characters, longer than the MaxLength 4'])
  })

  it('Number: a number within MinValue and MaxValue; AllowedValues compare as numbers', () => {
    const parameters = {Size: {Type: 'Number', MinValue: '1', MaxValue: 10}, Port: {Type: 'Number', AllowedValues: [80, 443]}}
    expect(problems(parameters, {Size: '10', Port: '443'})).toEqual([])
    expect(problems(parameters, {Size: 'ten'})).toEqual(['Size: "ten" is not a number'])
    expect(problems(parameters, {Size: '11', Port: '8080'})).toEqual(['Port: "8080" is not one of the AllowedValues 80, 443', 'Size: 11 is above the MaxValue 10'])
  })

  it('lists: each item of a CommaDelimitedList or List<Number>, trimmed', () => {
    const parameters = {Zones: {Type: 'CommaDelimitedList', AllowedValues: ['a', 'b']}, Ports: {Type: 'List<Number>', MaxValue: 1000}}
    expect(problems(parameters, {Zones: 'a, b', Ports: '80,443'})).toEqual([])
    expect(problems(parameters, {Zones: 'a,c', Ports: '80,8080'})).toEqual(['Ports: item "8080": 8080 is above the MaxValue 1000', 'Zones: item "c": "c" is not one of the AllowedValues a, b'])
  })

  it('leaves AWS-specific and SSM types, and undeclared parameters, to CloudFormation', () => {
    const parameters = {Vpc: {Type: 'AWS::EC2::VPC::Id', AllowedValues: ['vpc-1']}, Ssm: {Type: 'AWS::SSM::Parameter::Value<String>', AllowedPattern: 'x'}}
    expect(problems(parameters, {Vpc: 'vpc-2', Ssm: '/a/b', Other: 'x'})).toEqual([])
  })
})
