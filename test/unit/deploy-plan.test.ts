import {describe, expect, it} from 'vitest'

import {classifyStackStatus, inferCapabilities, isUnchanged, planParameters, summarizeChanges} from '../../src/core/deploy/plan.js'
import {codeLocationsIn} from '../../src/core/deploy/artifacts.js'
import {contentKey, planPackage} from '../../src/core/package/plan.js'
import {formatChangeTable} from '../../src/io/deploy-view.js'

describe('change-set type from the stack state', () => {
  it.each([
    [undefined, 'missing'],
    ['REVIEW_IN_PROGRESS', 'review'],
    ['UPDATE_IN_PROGRESS', 'busy'],
    ['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'busy'],
    ['ROLLBACK_COMPLETE', 'failed-create'],
    ['UPDATE_ROLLBACK_FAILED', 'stuck'],
    ['UPDATE_ROLLBACK_COMPLETE', 'ready'],
    ['CREATE_COMPLETE', 'ready'],
  ])('%s → %s', (status, kind) => {
    expect(classifyStackStatus(status).kind).toBe(kind)
  })
})

describe('planParameters', () => {
  it('sends overrides, keeps previous values of an existing stack, and leaves the rest to defaults', () => {
    expect(planParameters(['Stage', 'Size', 'New'], {Stage: 'prod'}, new Set(['Stage', 'Size']))).toEqual([
      {ParameterKey: 'Stage', ParameterValue: 'prod'},
      {ParameterKey: 'Size', UsePreviousValue: true},
    ].sort((a, b) => (a.ParameterKey < b.ParameterKey ? -1 : 1)))
  })

  it('refuses an override the template does not declare, naming it and the known ones', () => {
    expect(() => planParameters(['Stage'], {Stgae: 'x'}, undefined)).toThrow(/Stgae is not a parameter/)
  })
})

describe('inferCapabilities', () => {
  it('IAM for roles and role-less SAM functions, NAMED_IAM for named roles, AUTO_EXPAND for transforms', () => {
    expect(inferCapabilities({Resources: {R: {Type: 'AWS::IAM::Role', Properties: {}}}})).toEqual(['CAPABILITY_IAM'])
    expect(inferCapabilities({Resources: {R: {Type: 'AWS::IAM::Role', Properties: {RoleName: 'x'}}}})).toEqual(['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'])
    expect(inferCapabilities({Transform: 'AWS::Serverless-2016-10-31', Resources: {F: {Type: 'AWS::Serverless::Function', Properties: {}}}})).toEqual(['CAPABILITY_AUTO_EXPAND', 'CAPABILITY_IAM'])
    expect(inferCapabilities({Resources: {Q: {Type: 'AWS::SQS::Queue'}}})).toEqual([])
  })
})

describe('isUnchanged', () => {
  const deployed = {templateBody: '{"Resources":{"A":{"Type":"T"}}}', parameters: {Stage: 'dev', Secret: '****'}, tags: {team: 'web'}, notificationArns: []}

  it('is true for the same template (key order aside), parameter values and tags', () => {
    expect(isUnchanged(deployed, {templateBody: '{"Resources":{"A":{"Type":"T"}}}', parameters: [{ParameterKey: 'Stage', ParameterValue: 'dev'}, {ParameterKey: 'Secret', UsePreviousValue: true}], tags: {team: 'web'}})).toBe(true)
  })

  it('is false when the template, a parameter, a tag or a NoEcho override differs', () => {
    expect(isUnchanged(deployed, {templateBody: '{"Resources":{"B":{"Type":"T"}}}', parameters: []})).toBe(false)
    expect(isUnchanged(deployed, {templateBody: deployed.templateBody, parameters: [{ParameterKey: 'Stage', ParameterValue: 'prod'}]})).toBe(false)
    expect(isUnchanged(deployed, {templateBody: deployed.templateBody, parameters: [], tags: {team: 'api'}})).toBe(false)
    expect(isUnchanged(deployed, {templateBody: deployed.templateBody, parameters: [{ParameterKey: 'Secret', ParameterValue: 'x'}]})).toBe(false)
  })
})

describe('change summary', () => {
  it('sorts rows, keeps replacement for modifications and renders +, ~, -', () => {
    const rows = summarizeChanges([
      {ResourceChange: {Action: 'Remove', LogicalResourceId: 'Old', ResourceType: 'AWS::SQS::Queue'}},
      {ResourceChange: {Action: 'Modify', LogicalResourceId: 'Fn', ResourceType: 'AWS::Lambda::Function', Replacement: 'True', Details: [{Target: {Name: 'Code'}}]}},
      {ResourceChange: {Action: 'Add', LogicalResourceId: 'New', ResourceType: 'AWS::SNS::Topic', Replacement: 'False'}},
    ])
    expect(rows.map((r) => r.logicalId)).toEqual(['Fn', 'New', 'Old'])
    expect(formatChangeTable(rows).split('\n')).toEqual([
      '  ~ Modify  Fn   AWS::Lambda::Function  REPLACEMENT  (Code)',
      '  + Add     New  AWS::SNS::Topic',
      '  - Remove  Old  AWS::SQS::Queue',
    ])
  })
})

describe('planPackage', () => {
  it('addresses content by sha256 and rewrites each resource type its own way', () => {
    const sha = 'a'.repeat(64)
    const other = 'b'.repeat(64)
    const artifact = (logicalId: string, sha256: string) => ({logicalId, kind: 'function' as const, architecture: 'x86_64' as const, zip: `artifacts/${logicalId}.zip`, sha256, zippedBytes: 1, unzippedBytes: 1, files: 1, inputsHash: '', cached: false})
    const plan = planPackage({
      buildDir: '/b',
      bucket: 'bkt',
      prefix: 'app/',
      template: {Resources: {
        Sam: {Type: 'AWS::Serverless::Function', Properties: {CodeUri: 'artifacts/Sam.zip'}},
        Cfn: {Type: 'AWS::Lambda::Function', Properties: {Code: 'artifacts/Cfn.zip'}},
        Layer: {Type: 'AWS::Serverless::LayerVersion', Properties: {ContentUri: 'artifacts/Layer.zip'}},
      }},
      artifacts: [artifact('Sam', sha), artifact('Cfn', sha), artifact('Layer', other)],
    })
    expect(contentKey('app/', sha, 'zip')).toBe(`app/${sha}.zip`)
    // Identical zips share one object.
    expect(plan.uploads.map((u) => u.key)).toEqual([`app/${sha}.zip`, `app/${other}.zip`])
    const resources = plan.template.Resources as Record<string, {Properties: Record<string, unknown>}>
    expect(resources.Sam!.Properties.CodeUri).toBe(`s3://bkt/app/${sha}.zip`)
    expect(resources.Cfn!.Properties.Code).toEqual({S3Bucket: 'bkt', S3Key: `app/${sha}.zip`})
    expect(resources.Layer!.Properties.ContentUri).toBe(`s3://bkt/app/${other}.zip`)
    expect(codeLocationsIn(plan.template)).toEqual([{bucket: 'bkt', key: `app/${sha}.zip`}, {bucket: 'bkt', key: `app/${other}.zip`}])
  })
})
