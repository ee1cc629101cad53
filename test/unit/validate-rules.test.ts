import {describe, expect, it} from 'vitest'

import type {Diagnostic} from '../../src/core/diagnostics/diagnostic.js'
import {parseTemplate} from '../../src/core/template/load.js'
import {DIAGNOSTIC_CODES, validateTemplate} from '../../src/core/validate/index.js'

const NOW = new Date('2026-11-26T00:00:00Z')

async function validate(source: string, now = NOW): Promise<Diagnostic[]> {
  const {template, diagnostics} = parseTemplate(source, 'template.yaml')
  expect(diagnostics).toEqual([])
  return validateTemplate(template!, {now})
}

/** 1-based position of `part` inside the first occurrence of `context` in `source`. */
function at(source: string, context: string, part = context): {line: number; column: number} {
  const offset = source.indexOf(context)
  if (offset < 0) throw new Error(`fixture has no ${context}`)
  const start = offset + context.indexOf(part)
  const before = source.slice(0, start).split('\n')
  return {line: before.length, column: before[before.length - 1]!.length + 1}
}

/** A SAM function with a valid base, plus the given property lines (indented 6) and extra resources. */
function samFunction(properties: string, extra = ''): string {
  return `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: nodejs24.x
${properties}
${extra}`
}

interface Case {
  name: string
  source: string
  code: string
  /** Where the diagnostic must point: [context, part] for at(). */
  where: [string, string?]
  message?: RegExp
}

const cases: Case[] = [
  // LP1xxx structure and schema
  {name: 'unknown top-level section', source: 'Resource:\n  A: {Type: AWS::SNS::Topic}\nResources:\n  B: {Type: AWS::SNS::Topic}\n', code: 'LP1001', where: ['Resource:', 'Resource'], message: /did you mean Resources/},
  {name: 'wrong type', source: samFunction('      Layers: arn:aws:lambda:us-east-1:123456789012:layer:a:1'), code: 'LP1002', where: ['Layers: arn', 'arn']},
  {name: 'missing required property', source: 'Resources:\n  L:\n    Type: AWS::Lambda::LayerVersion\n    Properties:\n      LayerName: x\n', code: 'LP1003', where: ['Properties:', 'Properties'], message: /Content/},
  {name: 'unknown property with a suggestion', source: samFunction('      MemorySise: 256'), code: 'LP1004', where: ['MemorySise'], message: /did you mean MemorySize/},
  {name: 'value not allowed', source: samFunction('      PackageType: Container'), code: 'LP1002', where: ['Container']},
  {name: 'SAM resource without the transform', source: 'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {CodeUri: src/, Handler: a.b, Runtime: nodejs24.x}\n', code: 'LP1006', where: ['AWS::Serverless::Function']},
  {name: 'invalid logical id', source: 'Resources:\n  My-Topic:\n    Type: AWS::SNS::Topic\n', code: 'LP1007', where: ['My-Topic']},
  {name: 'unsupported Globals property', source: 'Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    Handlr: a.b\nResources:\n  T: {Type: AWS::SNS::Topic}\n', code: 'LP1008', where: ['Handlr'], message: /did you mean Handler/},
  // LP2xxx references
  {name: 'Ref to nothing', source: samFunction('      Role: !Ref MissingRole'), code: 'LP2001', where: ['!Ref MissingRole', 'MissingRole']},
  {name: 'GetAtt of nothing', source: samFunction('      Role: !GetAtt Rol.Arn', '  Role:\n    Type: AWS::IAM::Role\n'), code: 'LP2002', where: ['Rol.Arn'], message: /did you mean Role/},
  {name: 'GetAtt of a Lambda attribute that does not exist', source: samFunction('', 'Outputs:\n  Name:\n    Value: !GetAtt Fn.Name\n'), code: 'LP2003', where: ['Fn.Name']},
  {name: 'Sub variable that is not defined', source: samFunction('      Description: !Sub "${Stage}-fn"'), code: 'LP2004', where: ['"${Stage}-fn"']},
  {name: 'DependsOn nothing', source: 'Resources:\n  A:\n    Type: AWS::SNS::Topic\n    DependsOn: B\n', code: 'LP2005', where: ['DependsOn: B', 'B']},
  {name: 'unknown condition', source: 'Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Condition: IsProd\n', code: 'LP2006', where: ['IsProd']},
  {name: 'circular dependency', source: 'Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !GetAtt B.TopicName\n  B:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !GetAtt A.TopicName\n', code: 'LP2007', where: ['B.TopicName'], message: /A → B → A/},
  {name: 'circular dependency through an Api event (SAM writes the integration into the API)', source: samFunction('      Environment:\n        Variables:\n          URL: !Sub "https://${Api}.execute-api.${AWS::Region}.amazonaws.com"\n      Events:\n        Get:\n          Type: Api\n          Properties:\n            Path: /\n            Method: get\n            RestApiId: !Ref Api', '  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n'), code: 'LP2007', where: ['!Ref Api', 'Api'], message: /Api → Fn → Api/},
  {name: '#18 circular Conditions, the cycle named, at the condition', source: 'Conditions:\n  IsProd: !And [!Condition IsProdAndEu, !Equals [a, a]]\n  IsProdAndEu: !And [!Condition IsProd, !Equals [b, b]]\nResources:\n  A:\n    Type: AWS::SNS::Topic\n', code: 'LP2009', where: ['!Condition IsProdAndEu', 'IsProdAndEu'], message: /^Circular condition: IsProd → IsProdAndEu → IsProd$/},
  {name: '#18 a condition that uses itself', source: 'Conditions:\n  Other: !Equals [a, b]\n  IsProd:\n    Fn::Or:\n      - Condition: Other\n      - Fn::Not: [{Condition: IsProd}]\nResources:\n  A:\n    Type: AWS::SNS::Topic\n', code: 'LP2009', where: ['{Condition: IsProd}', 'IsProd'], message: /IsProd → IsProd/},
  {name: 'malformed Fn::If', source: 'Conditions:\n  C: !Equals [a, b]\nResources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !If [C, x]\n', code: 'LP2008', where: ['!If [C, x]', '[C, x]']},
  // LP3xxx Lambda functions
  {name: 'unknown runtime with did-you-mean', source: samFunction('').replace('nodejs24.x', 'provided.al2023023'), code: 'LP3001', where: ['provided.al2023023'], message: /did you mean "provided.al2023"/},
  {name: 'runtime deprecation near (warning)', source: samFunction('').replace('nodejs24.x', 'nodejs22.x'), code: 'LP3002', where: ['nodejs22.x'], message: /2027-04-30/},
  {name: 'runtime deprecated, creation blocked', source: samFunction('').replace('nodejs24.x', 'nodejs20.x'), code: 'LP3003', where: ['nodejs20.x'], message: /2026-04-30.*2027-03-03/},
  {name: 'runtime retired', source: samFunction('').replace('nodejs24.x', 'python2.7').replace('app.handler', 'app.lambda_handler'), code: 'LP3004', where: ['python2.7']},
  {name: 'handler that does not fit the runtime', source: samFunction('').replace('app.handler', 'example.Handler::handle'), code: 'LP3005', where: ['example.Handler::handle']},
  {name: 'java handler format', source: samFunction('').replace('nodejs24.x', 'java21').replace('app.handler', 'app handler'), code: 'LP3005', where: ['app handler']},
  {name: 'zip function without Runtime', source: 'Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: app.handler\n', code: 'LP3006', where: ['Properties:', 'Properties']},
  {name: "#11.16 function without CodeUri: a warning, the build packages the template's folder", source: 'Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Runtime: nodejs24.x\n', code: 'LP3030', where: ['Properties:', 'Properties'], message: /template's folder/},
  {name: '#11.15 ReservedConcurrentExecutions below 0', source: samFunction('      ReservedConcurrentExecutions: -1'), code: 'LP3031', where: ['ReservedConcurrentExecutions: -1', '-1']},
  {name: '#11.16 Description beside Properties of a SAM resource: ignored by the transform, a warning', source: samFunction('').replace('    Properties:', '    Description: my function\n    Properties:'), code: 'LP1009', where: ['Description: my', 'Description']},
  {name: '#11.15 DeploymentPreference Type with an unknown CodeDeployDefault name', source: samFunction('      AutoPublishAlias: live\n      DeploymentPreference:\n        Type: CodeDeployDefault.LambdaCanary10Percent7Minutes'), code: 'LP4016', where: ['CodeDeployDefault.LambdaCanary10Percent7Minutes'], message: /did you mean CodeDeployDefault.LambdaCanary10Percent5Minutes/},
  {name: '#11.15 DeploymentPreference Type longer than a deployment configuration name', source: samFunction(`      AutoPublishAlias: live\n      DeploymentPreference:\n        Type: ${'x'.repeat(101)}`), code: 'LP4016', where: ['x'.repeat(101)]},
  {name: '#11.15 DeploymentPreference Type one typo from a predefined type', source: samFunction('      AutoPublishAlias: live\n      DeploymentPreference:\n        Type: Linear10PercentEvery1Minutes'), code: 'LP4017', where: ['Linear10PercentEvery1Minutes'], message: /did you mean Linear10PercentEvery1Minute\?/},
  {name: 'image function without ImageUri', source: 'Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      PackageType: Image\n', code: 'LP3008', where: ['Properties:', 'Properties']},
  {name: 'CodeUri that is neither path nor s3', source: samFunction('').replace('CodeUri: src/', 'CodeUri: https://example.com/code.zip'), code: 'LP3009', where: ['https://example.com/code.zip']},
  {name: 'MemorySize below 128', source: samFunction('      MemorySize: 64'), code: 'LP3012', where: ['MemorySize: 64', '64'], message: /between 128 and 32768 MB, got 64/},
  {name: 'MemorySize above 32768', source: samFunction('      MemorySize: 40000'), code: 'LP3012', where: ['40000']},
  {name: 'Timeout above 900', source: samFunction('      Timeout: 901'), code: 'LP3013', where: ['901']},
  {name: 'Timeout from Globals', source: samFunction('').replace('Resources:', 'Globals:\n  Function:\n    Timeout: 0\nResources:'), code: 'LP3013', where: ['Timeout: 0', '0']},
  {name: 'EphemeralStorage out of range', source: samFunction('      EphemeralStorage:\n        Size: 256'), code: 'LP3014', where: ['Size: 256', '256']},
  {name: 'reserved environment variable', source: samFunction('      Environment:\n        Variables:\n          AWS_REGION: eu-west-1'), code: 'LP3015', where: ['AWS_REGION']},
  {name: 'environment over 4 KB', source: samFunction(`      Environment:\n        Variables:\n          BIG: "${'x'.repeat(4100)}"`), code: 'LP3016', where: ['Environment:', 'Environment']},
  {name: 'invalid environment variable name', source: samFunction('      Environment:\n        Variables:\n          1BAD: x'), code: 'LP3017', where: ['1BAD']},
  {name: 'VpcConfig with only subnets', source: samFunction('      VpcConfig:\n        SubnetIds: [subnet-1]'), code: 'LP3018', where: ['SubnetIds']},
  {name: 'more than 5 layers', source: samFunction('      Layers: [a1, a2, a3, a4, a5, a6]'), code: 'LP3019', where: ['a6']},
  {name: 'two architectures', source: samFunction('      Architectures: [x86_64, arm64]'), code: 'LP3020', where: ['[x86_64, arm64]']},
  {name: 'function name too long', source: samFunction(`      FunctionName: ${'f'.repeat(65)}`), code: 'LP3021', where: ['f'.repeat(65)]},
  // LP4xxx events, aliases, deployment
  {name: 'unknown event type', source: samFunction('      Events:\n        E:\n          Type: SQSS\n          Properties: {Queue: arn:aws:sqs:us-east-1:123456789012:q}'), code: 'LP4001', where: ['SQSS'], message: /did you mean "SQS"/},
  {name: 'invalid AutoPublishAlias', source: samFunction('      AutoPublishAlias: "123"'), code: 'LP4002', where: ['"123"']},
  {name: 'alias routing to two extra versions', source: aliasTemplate('FunctionVersion: "1"', '[{FunctionVersion: "2", FunctionWeight: 0.1}, {FunctionVersion: "3", FunctionWeight: 0.1}]'), code: 'LP4003', where: ['{FunctionVersion: "3"']},
  {name: 'alias weight above 1', source: aliasTemplate('FunctionVersion: "1"', '[{FunctionVersion: "2", FunctionWeight: 1.5}]'), code: 'LP4004', where: ['1.5']},
  {name: 'alias on $LATEST with weights', source: aliasTemplate('FunctionVersion: $LATEST', '[{FunctionVersion: "2", FunctionWeight: 0.5}]'), code: 'LP4005', where: ['FunctionVersion: $LATEST', '$LATEST']},
  {name: 'DeploymentPreference without AutoPublishAlias', source: samFunction('      DeploymentPreference:\n        Type: AllAtOnce'), code: 'LP4006', where: ['DeploymentPreference']},
  {name: 'hook that is not a function', source: samFunction('      AutoPublishAlias: live\n      DeploymentPreference:\n        Type: AllAtOnce\n        Hooks:\n          PreTraffic: !Ref Topic', '  Topic:\n    Type: AWS::SNS::Topic\n'), code: 'LP4007', where: ['!Ref Topic', 'Topic']},
  {name: 'EventInvokeConfig retries above 2', source: samFunction('      EventInvokeConfig:\n        MaximumRetryAttempts: 3'), code: 'LP4008', where: ['MaximumRetryAttempts: 3', '3']},
  {name: 'Lambda EventInvokeConfig event age below 60', source: 'Resources:\n  C:\n    Type: AWS::Lambda::EventInvokeConfig\n    Properties:\n      FunctionName: f\n      Qualifier: $LATEST\n      MaximumEventAgeInSeconds: 30\n', code: 'LP4008', where: ['30']},
  {name: 'SQS FIFO BatchSize over 10', source: samFunction('      Events:\n        Q:\n          Type: SQS\n          Properties:\n            Queue: !GetAtt Queue.Arn\n            BatchSize: 20', '  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      FifoQueue: true\n      VisibilityTimeout: 60\n'), code: 'LP4009', where: ['BatchSize: 20', '20']},
  {name: 'S3 event on a bucket not in the template', source: samFunction('      Events:\n        Up:\n          Type: S3\n          Properties:\n            Bucket: my-bucket\n            Events: s3:ObjectCreated:*'), code: 'LP4010', where: ['my-bucket']},
  {name: 'ProvisionedConcurrencyConfig without alias', source: samFunction('      ProvisionedConcurrencyConfig:\n        ProvisionedConcurrentExecutions: 2'), code: 'LP4011', where: ['ProvisionedConcurrencyConfig']},
  {name: 'VersionDeletionPolicy without alias', source: samFunction('      VersionDeletionPolicy: Retain'), code: 'LP4012', where: ['VersionDeletionPolicy']},
  {name: 'DeadLetterConfig with Arn and Type', source: samFunction('      Events:\n        S:\n          Type: Schedule\n          Properties:\n            Schedule: rate(1 minute)\n            DeadLetterConfig:\n              Arn: arn:aws:sqs:us-east-1:123456789012:dlq\n              Type: SQS'), code: 'LP4013', where: ['DeadLetterConfig']},
  {name: 'State and Enabled together', source: samFunction('      Events:\n        S:\n          Type: Schedule\n          Properties:\n            Schedule: rate(1 minute)\n            State: ENABLED\n            Enabled: true'), code: 'LP4014', where: ['Enabled: true', 'Enabled']},
  {name: 'ScheduleV2 Name with OmitName', source: samFunction('      Events:\n        S:\n          Type: ScheduleV2\n          Properties:\n            ScheduleExpression: rate(1 minute)\n            OmitName: true\n            Name: nightly'), code: 'LP4015', where: ['Name: nightly', 'Name']},
  // LP5xxx warnings
  {name: 'SQS visibility timeout below 6x timeout', source: samFunction('      Timeout: 30\n      Events:\n        Q:\n          Type: SQS\n          Properties:\n            Queue: !GetAtt Queue.Arn', '  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: 60\n'), code: 'LP5001', where: ['VisibilityTimeout: 60', '60'], message: /180 s/},
  {name: 'S3 trigger on a bucket the function writes', source: samFunction('      Policies:\n        - S3CrudPolicy:\n            BucketName: !Ref Bucket\n      Events:\n        Up:\n          Type: S3\n          Properties:\n            Bucket: !Ref Bucket\n            Events: s3:ObjectCreated:*', '  Bucket:\n    Type: AWS::S3::Bucket\n'), code: 'LP5002', where: ['Bucket: !Ref Bucket\n            Events', 'Bucket\n']},
  {name: 'IAM Action *', source: iamTemplate('"*"', 'arn:aws:s3:::b/*'), code: 'LP5003', where: ['Action: "*"', '"*"']},
  {name: 'IAM Resource *', source: iamTemplate('s3:GetObject', '"*"'), code: 'LP5004', where: ['Resource: "*"', '"*"']},
  {name: 'literal secret in environment', source: samFunction('      Environment:\n        Variables:\n          DB_PASSWORD: hunter2hunter2'), code: 'LP5005', where: ['hunter2hunter2']},
  {name: 'ReservedConcurrentExecutions 0', source: samFunction('      ReservedConcurrentExecutions: 0'), code: 'LP5006', where: ['ReservedConcurrentExecutions: 0', '0']},
]

function aliasTemplate(version: string, weights: string): string {
  return `Resources:
  Alias:
    Type: AWS::Lambda::Alias
    Properties:
      FunctionName: my-fn
      Name: live
      ${version}
      RoutingConfig:
        AdditionalVersionWeights: ${weights}
`
}

function iamTemplate(action: string, resource: string): string {
  return `Resources:
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: ${action}
            Resource: ${resource}
`
}

describe('validate rules', () => {
  it.each(cases)('$code $name', async ({source, code, where, message}) => {
    const diagnostics = await validate(source)
    const found = diagnostics.filter((d) => d.code === code)
    expect(found.length, JSON.stringify(diagnostics, null, 1)).toBeGreaterThan(0)
    const expected = at(source, where[0], where[1])
    expect(found[0]).toMatchObject({code, severity: DIAGNOSTIC_CODES[code as keyof typeof DIAGNOSTIC_CODES].severity, line: expected.line, column: expected.column, file: 'template.yaml'})
    if (message) expect(found[0]!.message).toMatch(message)
    expect(found[0]!.hint === undefined || found[0]!.hint.length > 0).toBe(true)
  })

  it('pins each severity: warnings for LP0010, LP3002 and LP5xxx, errors elsewhere', () => {
    expect(DIAGNOSTIC_CODES.LP0010.severity).toBe('warning')
    expect(DIAGNOSTIC_CODES.LP2009.severity).toBe('error')
    expect(DIAGNOSTIC_CODES.LP3002.severity).toBe('warning')
    expect(DIAGNOSTIC_CODES.LP3003.severity).toBe('error')
    expect(DIAGNOSTIC_CODES.LP3012.severity).toBe('error')
    for (const code of ['LP5001', 'LP5002', 'LP5003', 'LP5004', 'LP5005', 'LP5006'] as const) expect(DIAGNOSTIC_CODES[code].severity).toBe('warning')
  })

  it('a valid SAM template has no diagnostics', async () => {
    const source = samFunction('      MemorySize: 256\n      Timeout: 10\n      Architectures: [arm64]\n      AutoPublishAlias: live\n      Environment:\n        Variables:\n          TABLE: !Ref Table\n          SECRET_ARN: arn:aws:secretsmanager:us-east-1:123456789012:secret:x', '  Table:\n    Type: AWS::DynamoDB::Table\n')
    expect(await validate(source)).toEqual([])
  })

  it('accepts an intrinsic function wherever a value is computed', async () => {
    const source = samFunction('      MemorySize: !Ref Memory\n      Timeout: !If [IsProd, 30, 10]\n      VpcConfig: !If [IsProd, {SubnetIds: [a], SecurityGroupIds: [b]}, !Ref AWS::NoValue]\n      Layers: !Split [",", !Ref LayerArns]\n      Environment:\n        Variables:\n          STAGE: !Sub "${AWS::StackName}-x"').replace('Resources:', 'Parameters:\n  Memory: {Type: Number, Default: 256}\n  LayerArns: {Type: String}\nConditions:\n  IsProd: !Equals [!Ref "AWS::Region", us-east-1]\nResources:')
    expect(await validate(source)).toEqual([])
  })

  it('accepts names the SAM transform generates (FnRole, Fn.Alias, ServerlessRestApi)', async () => {
    const source = samFunction('      AutoPublishAlias: live', 'Outputs:\n  Role: {Value: !GetAtt FnRole.Arn}\n  Alias: {Value: !Ref Fn.Alias}\n  Api: {Value: !Sub "https://${ServerlessRestApi}.execute-api.${AWS::Region}.amazonaws.com"}\n')
    expect(await validate(source)).toEqual([])
  })

  it('an API whose definition is in a DefinitionUri file does not depend on its functions', async () => {
    const source = samFunction('      Environment:\n        Variables:\n          API: !Ref Api\n      Events:\n        Get:\n          Type: Api\n          Properties:\n            Path: /\n            Method: get\n            RestApiId: !Ref Api', '  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      DefinitionUri: api.yaml\n')
    expect(await validate(source)).toEqual([])
  })

  it('#11.16 a resource-level key on a plain CloudFormation resource stays an error (LP1004)', async () => {
    const source = samFunction('', '  Topic:\n    Type: AWS::SNS::Topic\n    Description: x\n')
    expect((await validate(source)).map((d) => `${d.code} ${d.severity}`)).toEqual(['LP1004 error'])
  })

  it('#11.15 predefined and custom DeploymentPreference types are accepted', async () => {
    for (const type of ['Canary10Percent5Minutes', 'AllAtOnce', 'CodeDeployDefault.LambdaLinear10PercentEvery10Minutes', 'MyCompany.Canary50Percent', '!Ref DeployType']) {
      const source = samFunction(`      AutoPublishAlias: live\n      DeploymentPreference:\n        Type: ${type}`).replace('Resources:', 'Parameters:\n  DeployType: {Type: String}\nResources:')
      expect(await validate(source), type).toEqual([])
    }
  })

  it('#11.16 no circle through an Api whose DefinitionBody SAM does not edit (it writes no integration)', async () => {
    const source = samFunction('      Environment:\n        Variables:\n          URL: !Sub "https://${Api}.execute-api.${AWS::Region}.amazonaws.com/${Api.Stage}"\n      Events:\n        Get:\n          Type: Api\n          Properties:\n            Path: /\n            Method: get\n            RestApiId: !Ref Api', '  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      DefinitionBody:\n        Fn::Transform:\n          Name: AWS::Include\n          Parameters:\n            Location: ./api.yaml\n')
    expect((await validate(source)).map((d) => d.code)).toEqual([])
    // With MergeDefinitions SAM does write the integration into the body: the circle is real.
    expect((await validate(source.replace('      StageName: prod', '      StageName: prod\n      MergeDefinitions: true'))).map((d) => d.code)).toEqual(['LP2007'])
  })

  it('#11.16 no circle between a GraphQLApi and the AppSync function its Functions name (the transform makes them separate resources)', async () => {
    const source = `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::GraphQLApi
    Properties:
      SchemaInline: "type Query { a: String }"
      Auth:
        Type: AWS_IAM
      Functions:
        MyFunction:
          Id: !GetAtt MyFunction.FunctionId
  MyFunction:
    Type: AWS::AppSync::FunctionConfiguration
    Properties:
      ApiId: !GetAtt Api.ApiId
      DataSourceName: NONE
      Name: MyFunction
`
    expect((await validate(source)).filter((d) => d.code === 'LP2007')).toEqual([])
  })

  it('judges deprecation on the injected day', async () => {
    const source = samFunction('').replace('nodejs24.x', 'nodejs22.x')
    expect((await validate(source, new Date('2026-06-01T00:00:00Z'))).map((d) => d.code)).toEqual([])
    expect((await validate(source, new Date('2027-05-01T00:00:00Z'))).map((d) => d.code)).toEqual(['LP3003'])
    expect((await validate(source, new Date('2027-07-01T00:00:00Z'))).map((d) => d.code)).toEqual(['LP3004'])
  })

  it('every code in the registry has a title and an LPxxxx name', () => {
    for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) {
      expect(code).toMatch(/^LP\d{4}$/)
      expect(info.title.length).toBeGreaterThan(5)
    }
  })
})
