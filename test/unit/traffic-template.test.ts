import {describe, expect, it} from 'vitest'

import {handOverTemplate, trafficAliases} from '../../src/core/traffic/template.js'
import {encodeMarker, decodeMarker} from '../../src/core/traffic/marker.js'
import {hookEnvironment, runHook} from '../../src/core/traffic/hooks.js'
import {planSchedule} from '../../src/core/traffic/schedule.js'
import type {AliasRelease, ReleasePlan} from '../../src/core/traffic/types.js'
import {FakeClock, FakeLambda} from './traffic-fakes.js'

/** What the transform makes of a function with AutoPublishAlias and DeploymentPreference (SAM translator's shape). */
function samOutput() {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: {
      Fn: {Type: 'AWS::Lambda::Function', Properties: {Role: {'Fn::GetAtt': ['FnRole', 'Arn']}}},
      FnVersionabc: {Type: 'AWS::Lambda::Version', DeletionPolicy: 'Retain', Properties: {FunctionName: {Ref: 'Fn'}}},
      FnAliaslive: {
        Type: 'AWS::Lambda::Alias',
        Properties: {Name: 'live', FunctionName: {Ref: 'Fn'}, FunctionVersion: {'Fn::GetAtt': ['FnVersionabc', 'Version']}},
        UpdatePolicy: {CodeDeployLambdaAliasUpdate: {ApplicationName: {Ref: 'ServerlessDeploymentApplication'}, DeploymentGroupName: {Ref: 'FnDeploymentGroup'}, BeforeAllowTrafficHook: {Ref: 'PreHook'}}},
      },
      FnDeploymentGroup: {
        Type: 'AWS::CodeDeploy::DeploymentGroup',
        Properties: {
          ApplicationName: {Ref: 'ServerlessDeploymentApplication'},
          DeploymentConfigName: {'Fn::Sub': ['CodeDeployDefault.Lambda${ConfigName}', {ConfigName: 'Canary10Percent5Minutes'}]},
          AlarmConfiguration: {Enabled: true, Alarms: [{Name: {Ref: 'Errors'}}]},
          ServiceRoleArn: {'Fn::GetAtt': ['CodeDeployServiceRole', 'Arn']},
        },
      },
      ServerlessDeploymentApplication: {Type: 'AWS::CodeDeploy::Application', Properties: {ComputePlatform: 'Lambda'}},
      CodeDeployServiceRole: {Type: 'AWS::IAM::Role', Properties: {}},
      PreHook: {Type: 'AWS::Lambda::Function', Properties: {}},
      Errors: {Type: 'AWS::CloudWatch::Alarm', Properties: {}},
    },
  }
}

describe('#16.3 hand-over: the stack update publishes the new version while the alias stays', () => {
  it('reads the schedule, alarms and hooks SAM wrote for CodeDeploy', () => {
    expect(trafficAliases(samOutput())).toEqual([{aliasLogicalId: 'FnAliaslive', functionLogicalId: 'Fn', versionLogicalId: 'FnVersionabc', aliasName: 'live', deploymentGroupLogicalId: 'FnDeploymentGroup', applicationLogicalId: 'ServerlessDeploymentApplication', type: 'Canary10Percent5Minutes', alarms: [{Ref: 'Errors'}], preTraffic: {Ref: 'PreHook'}}])
  })

  it('pins the alias to its live version, moves the release into Metadata and drops CodeDeploy', () => {
    const pinned = handOverTemplate(samOutput(), new Map([['FnAliaslive', '7']])) as {Resources: Record<string, Record<string, unknown>>}
    expect(pinned.Resources.FnAliaslive).toEqual({
      Type: 'AWS::Lambda::Alias',
      Properties: {Name: 'live', FunctionName: {Ref: 'Fn'}, FunctionVersion: '7'},
      Metadata: {LpackTraffic: {Function: 'Fn', Version: 'FnVersionabc', Type: 'Canary10Percent5Minutes', Alarms: [{Ref: 'Errors'}], PreTraffic: {Ref: 'PreHook'}}},
    })
    expect(Object.keys(pinned.Resources).sort()).toEqual(['Errors', 'Fn', 'FnAliaslive', 'FnVersionabc', 'PreHook'])
    // Read back from the deployed template (resume): the same release.
    const {deploymentGroupLogicalId: _group, applicationLogicalId: _application, ...release} = trafficAliases(samOutput())[0]!
    expect(trafficAliases(pinned)).toEqual([release])
    // Unpinned: the template that ends a finished release names the Version resource again.
    const released = handOverTemplate(pinned, new Map()) as {Resources: Record<string, {Properties: Record<string, unknown>}>}
    expect(released.Resources.FnAliaslive!.Properties.FunctionVersion).toEqual({'Fn::GetAtt': ['FnVersionabc', 'Version']})
  })

  it('keeps the service role when something else still uses it', () => {
    const template = samOutput()
    ;(template.Resources as Record<string, unknown>).Other = {Type: 'AWS::Lambda::Function', Properties: {Role: {'Fn::GetAtt': ['CodeDeployServiceRole', 'Arn']}}}
    expect(Object.keys((handOverTemplate(template, new Map()) as {Resources: object}).Resources)).toContain('CodeDeployServiceRole')
  })
})

describe('#16.5 the marker in the alias Description', () => {
  it('round-trips and fits Lambda’s 256 characters', () => {
    const marker = {id: '20261204T005500Z-abcdef', old: '123', new: '124', type: 'Linear10PercentEvery10Minutes', phase: 'shifting' as const, at: 1_796_000_000_000}
    const text = encodeMarker(marker)
    expect(text.length).toBeLessThanOrEqual(256)
    expect(decodeMarker(text)).toEqual(marker)
    expect(decodeMarker('a description of my own')).toBeUndefined()
    expect(decodeMarker('lpack-release:{broken')).toBeUndefined()
  })
})

describe('#16.4 command hooks', () => {
  const clock = new FakeClock()
  const alias: AliasRelease = {logicalId: 'Fn', functionName: 'app-Fn', alias: 'live', aliasArn: 'arn:aws:lambda:us-east-1:1:function:app-Fn:live', oldVersion: '3', newVersion: '4', schedule: planSchedule('AllAtOnce'), alarms: [], hooks: {preTraffic: [], postTraffic: []}}
  const plan: ReleasePlan = {stackName: 'app', releaseId: 'r1', region: 'eu-west-1', endpointUrl: 'http://127.0.0.1:4566', aliases: [alias]}
  const context = (timeoutMs = 10_000) => ({plan, alias, phase: 'PreTraffic' as const, lambda: new FakeLambda(clock), timeoutMs, signal: new AbortController().signal})

  it('get the release in their environment; exit 0 passes, anything else fails with the output', async () => {
    expect(hookEnvironment(plan, alias, 'PreTraffic')).toMatchObject({LPACK_STACK_NAME: 'app', LPACK_FUNCTION: 'Fn', LPACK_ALIAS: 'live', LPACK_ALIAS_ARN: alias.aliasArn, LPACK_OLD_VERSION: '3', LPACK_NEW_VERSION: '4', LPACK_REGION: 'eu-west-1', LPACK_ENDPOINT_URL: 'http://127.0.0.1:4566'})
    expect(await runHook({kind: 'command', command: 'test "$LPACK_NEW_VERSION" = 4'}, context())).toEqual({passed: true, detail: 'exit 0'})
    expect(await runHook({kind: 'command', command: 'echo smoke test failed >&2; exit 2'}, context())).toEqual({passed: false, detail: 'exit 2: smoke test failed'})
  })

  it('fail at their timeout, and the whole process group is stopped', async () => {
    const started = Date.now()
    const result = await runHook({kind: 'command', command: 'sleep 30 & sleep 30'}, context(300))
    expect(result.passed).toBe(false)
    expect(result.detail).toContain('timed out after 300 ms')
    expect(Date.now() - started).toBeLessThan(5000)
  })
})
