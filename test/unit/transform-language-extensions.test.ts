import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {prepareTemplate} from '../../src/core/deploy/prepare.js'
import {isLpackError, type LpackError} from '../../src/errors.js'
import {RecordingReporter} from '../../src/io/reporter.js'
import {parseTemplate} from '../../src/core/template/load.js'
import {transformTemplate} from '../../src/core/transform/index.js'
import {transformFile} from '../../src/core/transform/run.js'
import {expandLanguageExtensions, type LanguageExtensionsOptions} from '../../src/core/transform/language-extensions.js'
import {comparableParts} from './transform-compare.js'

// Unless a test says otherwise, each template and its expected expansion is an example from the AWS CloudFormation
// Template Reference ("Fn::ForEach" and its examples, "Fn::Length", "Fn::ToJsonString", "Fn::FindInMap
// enhancements", "Intrinsic function references in DeletionPolicy and UpdateReplacePolicy attributes").

function load(yaml: string): Record<string, unknown> {
  const {template, diagnostics} = parseTemplate(yaml)
  if (!template) throw new Error(diagnostics[0]?.message)
  return template.value
}

function expand(yaml: string, options: LanguageExtensionsOptions = {}): Record<string, unknown> {
  const result = expandLanguageExtensions(load(yaml), options)
  if (result.kind !== 'expanded') throw new Error(`${result.kind}: ${result.reason}`)
  return result.template
}

function failure(yaml: string): LpackError {
  try {
    expandLanguageExtensions(load(yaml))
  } catch (error) {
    if (isLpackError(error)) return error
    throw error
  }
  throw new Error('expected the expansion to fail')
}

describe('Fn::ForEach', () => {
  it('replicates a resource over a CommaDelimitedList parameter (docs: Replicate an Amazon SNS resource)', () => {
    const template = `AWSTemplateFormatVersion: 2010-09-09
Transform: 'AWS::LanguageExtensions'
Parameters:
  pRepoARNs:
    Description: ARN of SSO instance
    Type: CommaDelimitedList
Resources:
  'Fn::ForEach::Topics':
    - TopicName
    - !Ref pRepoARNs
    - 'SnsTopic\${TopicName}':
        Type: 'AWS::SNS::Topic'
        Properties:
          TopicName:
           'Fn::Join':
            - '.'
            - - !Ref TopicName
              - fifo
          FifoTopic: true
`
    const topic = (name: string) => ({Type: 'AWS::SNS::Topic', Properties: {TopicName: {'Fn::Join': ['.', [name, 'fifo']]}, FifoTopic: true}})
    const expanded = expand(template, {parameters: {pRepoARNs: 'Success,Failure,Timeout,Unknown'}})
    expect(expanded.Resources).toEqual({SnsTopicSuccess: topic('Success'), SnsTopicFailure: topic('Failure'), SnsTopicTimeout: topic('Timeout'), SnsTopicUnknown: topic('Unknown')})
    expect(expanded.Transform).toBeUndefined()
  })

  it('replicates over a literal list, Ref to the identifier giving the item (docs: Replicate an Amazon DynamoDB resource)', () => {
    const expanded = expand(`Transform: 'AWS::LanguageExtensions'
Resources:
  'Fn::ForEach::Tables':
    - TableName
    - [Points, Score, Name, Leaderboard]
    - 'DynamoDB\${TableName}':
        Type: 'AWS::DynamoDB::Table'
        Properties:
          TableName: !Ref TableName
`)
    expect(expanded.Resources).toEqual(
      Object.fromEntries(['Points', 'Score', 'Name', 'Leaderboard'].map((name) => [`DynamoDB${name}`, {Type: 'AWS::DynamoDB::Table', Properties: {TableName: name}}])),
    )
  })

  it('resolves names in Ref and GetAtt, and a FindInMap DefaultValue of AWS::NoValue leaves the Condition out (docs: Replicate multiple resources)', () => {
    const expanded = expand(`Transform: AWS::LanguageExtensions
Mappings:
  NatGateway:
    Condition:
      B: TwoNatGateways
      C: ThreeNatGateways
Resources:
  Fn::ForEach::NatGatewayAndEIP:
    - Identifier
    - - A
      - B
      - C
    - NatGateway\${Identifier}:
        Type: AWS::EC2::NatGateway
        Properties:
          AllocationId: !GetAtt
            - !Sub NatGatewayAttachment\${Identifier}
            - AllocationId
          SubnetId: !Ref
            Fn::Sub: PublicSubnet\${Identifier}
        Condition: !FindInMap
          - NatGateway
          - Condition
          - !Ref Identifier
          - DefaultValue: !Ref AWS::NoValue
`)
    const nat = (id: string, condition?: string) => ({
      Type: 'AWS::EC2::NatGateway',
      Properties: {AllocationId: {'Fn::GetAtt': [`NatGatewayAttachment${id}`, 'AllocationId']}, SubnetId: {Ref: `PublicSubnet${id}`}},
      ...(condition ? {Condition: condition} : {}),
    })
    expect(expanded.Resources).toEqual({NatGatewayA: nat('A'), NatGatewayB: nat('B', 'TwoNatGateways'), NatGatewayC: nat('C', 'ThreeNatGateways')})
  })

  it('expands nested loops, each key with both identifiers (docs: Replicate multiple resources using nested loops)', () => {
    const expanded = expand(`Transform: 'AWS::LanguageExtensions'
Resources:
  VPC:
    Type: 'AWS::EC2::VPC'
  'Fn::ForEach::SubnetResources':
  - Prefix
  - [Transit, Public]
  - 'Nacl\${Prefix}Subnet':
      Type: 'AWS::EC2::NetworkAcl'
    'Fn::ForEach::LoopInner':
    - Suffix
    - [A, B, C]
    - '\${Prefix}Subnet\${Suffix}':
        Type: 'AWS::EC2::Subnet'
      'Nacl\${Prefix}Subnet\${Suffix}Association':
        Type: 'AWS::EC2::SubnetNetworkAclAssociation'
        Properties:
          SubnetId: !Ref
            'Fn::Sub': '\${Prefix}Subnet\${Suffix}'
          NetworkAclId: !Ref
            'Fn::Sub': 'Nacl\${Prefix}Subnet'
`)
    const resources = expanded.Resources as Record<string, {Properties?: unknown}>
    expect(Object.keys(resources)).toEqual([
      'VPC',
      'NaclTransitSubnet', 'TransitSubnetA', 'NaclTransitSubnetAAssociation', 'TransitSubnetB', 'NaclTransitSubnetBAssociation', 'TransitSubnetC', 'NaclTransitSubnetCAssociation',
      'NaclPublicSubnet', 'PublicSubnetA', 'NaclPublicSubnetAAssociation', 'PublicSubnetB', 'NaclPublicSubnetBAssociation', 'PublicSubnetC', 'NaclPublicSubnetCAssociation',
    ])
    expect(resources.NaclPublicSubnetBAssociation!.Properties).toEqual({SubnetId: {Ref: 'PublicSubnetB'}, NetworkAclId: {Ref: 'NaclPublicSubnet'}})
  })

  it('expands loops in Outputs, nested, with the item in GetAtt (docs: Fn::ForEach in the Outputs section)', () => {
    const expanded = expand(`Transform: 'AWS::LanguageExtensions'
Resources:
  Bucket: {Type: 'AWS::S3::Bucket'}
Outputs:
  'Fn::ForEach::BucketOutputs':
    - Identifier
    - [A, B]
    - 'Fn::ForEach::GetAttLoop':
        - Property
        - [Arn, DomainName]
        - 'S3Bucket\${Identifier}\${Property}':
            Value: !GetAtt [!Sub 'S3Bucket\${Identifier}', !Ref Property]
`)
    expect(expanded.Outputs).toEqual({
      S3BucketAArn: {Value: {'Fn::GetAtt': ['S3BucketA', 'Arn']}},
      S3BucketADomainName: {Value: {'Fn::GetAtt': ['S3BucketA', 'DomainName']}},
      S3BucketBArn: {Value: {'Fn::GetAtt': ['S3BucketB', 'Arn']}},
      S3BucketBDomainName: {Value: {'Fn::GetAtt': ['S3BucketB', 'DomainName']}},
    })
  })

  it('expands loops in Conditions (docs: Replicate a single condition)', () => {
    const expanded = expand(`Transform: 'AWS::LanguageExtensions'
Parameters:
  ParamA: {Type: String}
  ParamB: {Type: String}
Conditions:
  'Fn::ForEach::CheckTrue':
    - Identifier
    - [A, B]
    - 'IsParam\${Identifier}Enabled': !Equals
        - !Ref
          'Fn::Sub': 'Param\${Identifier}'
        - 'true'
Resources:
  WaitConditionHandle:
    Type: 'AWS::CloudFormation::WaitConditionHandle'
`)
    expect(expanded.Conditions).toEqual({
      IsParamAEnabled: {'Fn::Equals': [{Ref: 'ParamA'}, 'true']},
      IsParamBEnabled: {'Fn::Equals': [{Ref: 'ParamB'}, 'true']},
    })
  })

  it('resolves FindInMap DefaultValues with the item as key (docs: Reference replicated Amazon EC2 resources)', () => {
    const expanded = expand(`Transform: 'AWS::LanguageExtensions'
Mappings:
  Instances:
    InstanceType: {B: m5.4xlarge, C: c5.2xlarge}
    ImageId: {A: ami-id1}
Resources:
  'Fn::ForEach::Instances':
    - Identifier
    - [A, B, C]
    - 'Instance\${Identifier}':
        Type: 'AWS::EC2::Instance'
        Properties:
          InstanceType: !FindInMap [Instances, InstanceType, !Ref Identifier, DefaultValue: m5.xlarge]
          ImageId: !FindInMap [Instances, ImageId, !Ref Identifier, DefaultValue: ami-id-default]
`)
    expect(expanded.Resources).toEqual({
      InstanceA: {Type: 'AWS::EC2::Instance', Properties: {InstanceType: 'm5.xlarge', ImageId: 'ami-id1'}},
      InstanceB: {Type: 'AWS::EC2::Instance', Properties: {InstanceType: 'm5.4xlarge', ImageId: 'ami-id-default'}},
      InstanceC: {Type: 'AWS::EC2::Instance', Properties: {InstanceType: 'c5.2xlarge', ImageId: 'ami-id-default'}},
    })
  })

  it('&{Identifier} drops the characters a logical ID cannot have; ${Identifier} in values keeps them (docs: non-alphanumeric characters in Collection)', () => {
    const expanded = expand(`Transform: 'AWS::LanguageExtensions'
Resources:
  'Fn::ForEach::Subnets':
    - CIDR
    - [10.0.2.0/24, 10.0.3.0/24]
    - 'Subnet&{CIDR}':
        Type: 'AWS::EC2::Subnet'
        Properties:
          CidrBlock: !Ref CIDR
          Description: 'for \${CIDR}'
`)
    expect(expanded.Resources).toEqual({
      Subnet1002024: {Type: 'AWS::EC2::Subnet', Properties: {CidrBlock: '10.0.2.0/24', Description: 'for 10.0.2.0/24'}},
      Subnet1003024: {Type: 'AWS::EC2::Subnet', Properties: {CidrBlock: '10.0.3.0/24', Description: 'for 10.0.3.0/24'}},
    })
  })

  it('merges a loop inside resource properties into the properties (lpack example)', () => {
    const expanded = expand(`Transform: AWS::LanguageExtensions
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: q
      Fn::ForEach::Tags:
        - Key
        - [A, B]
        - Tag\${Key}: !Sub 'value-\${Key}'
`)
    expect(expanded.Resources).toEqual({Queue: {Type: 'AWS::SQS::Queue', Properties: {QueueName: 'q', TagA: {'Fn::Sub': 'value-A'}, TagB: {'Fn::Sub': 'value-B'}}}})
  })

  it('runs over a list parameter given by the deploy, else its Default, items trimmed; keeps the SAM transform (lpack example)', () => {
    const template = `Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Parameters:
  Names: {Type: CommaDelimitedList, Default: 'one, two'}
Resources:
  Fn::ForEach::Topics:
    - Name
    - !Ref Names
    - Topic\${Name}: {Type: AWS::SNS::Topic}
`
    expect(Object.keys(expand(template).Resources as object)).toEqual(['Topicone', 'Topictwo'])
    expect(Object.keys(expand(template, {parameters: {Names: 'x,y,z'}}).Resources as object)).toEqual(['Topicx', 'Topicy', 'Topicz'])
    expect(expand(template).Transform).toEqual(['AWS::Serverless-2016-10-31'])
  })
})

describe('Fn::ForEach errors name the template path', () => {
  const cases: [string, string, string, string][] = [
    ['a collection that is not a list', `    - Name\n    - NotAList\n    - Topic\${Name}: {Type: AWS::SNS::Topic}\n`, 'Resources/Fn::ForEach::Topics/1', 'the collection must be a list'],
    ['an output key without the identifier', `    - Name\n    - [A, B]\n    - Topic: {Type: AWS::SNS::Topic}\n`, 'Resources/Fn::ForEach::Topics', "makes the key 'Topic' more than once"],
    ['two items instead of three', `    - Name\n    - [A, B]\n`, 'Resources/Fn::ForEach::Topics', 'takes a list of three items'],
    ['an identifier that is not alphanumeric', `    - Na-me\n    - [A]\n    - Topic\${Na-me}: {Type: AWS::SNS::Topic}\n`, 'Resources/Fn::ForEach::Topics/0', 'must be an alphanumeric string'],
    ['a fragment that is not a mapping', `    - Name\n    - [A]\n    - [Topic]\n`, 'Resources/Fn::ForEach::Topics/2', 'must be a mapping'],
  ]
  it.each(cases)('%s', (_name, loop, path, message) => {
    const error = failure(`Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::Topics:\n${loop}`)
    expect(error.code).toBe('TRANSFORM_FAILED')
    expect(error.details?.path).toEqual(path.split('/').map((part) => (/^\d+$/.test(part) ? Number(part) : part)))
    expect(error.message).toContain(message)
  })

  it('a loop named like a resource, and a loop making a key that already exists, are errors', () => {
    expect(failure(`Transform: AWS::LanguageExtensions\nResources:\n  Topics: {Type: AWS::SNS::Topic}\n  Fn::ForEach::Topics: [Name, [A], {'Topic\${Name}': {Type: AWS::SNS::Topic}}]\n`).message).toContain("the loop name 'Topics' is also a resource's logical ID")
    expect(failure(`Transform: AWS::LanguageExtensions\nResources:\n  TopicA: {Type: AWS::SNS::Topic}\n  Fn::ForEach::Topics: [Name, [A], {'Topic\${Name}': {Type: AWS::SNS::Topic}}]\n`).message).toContain("'TopicA'")
  })

  it('a collection only CloudFormation knows leaves the template to CloudFormation (lpack behaviour)', () => {
    const result = expandLanguageExtensions(load(`Transform: AWS::LanguageExtensions\nParameters:\n  Names: {Type: CommaDelimitedList}\nResources:\n  Fn::ForEach::Topics: [Name, !Ref Names, {'Topic\${Name}': {Type: AWS::SNS::Topic}}]\n`))
    expect(result).toMatchObject({kind: 'needs-cloudformation', path: ['Resources', 'Fn::ForEach::Topics', 1]})
  })
})

describe('Fn::Length', () => {
  const lengthOf = (value: string, parameters: Record<string, string> = {}) =>
    (expand(`Transform: AWS::LanguageExtensions\nParameters:\n  ListParameter: {Type: CommaDelimitedList}\n  ParameterName: {Type: String}\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      DelaySeconds:\n        Fn::Length: ${value}\n`, {parameters}).Resources as {Q: {Properties: {DelaySeconds: unknown}}}).Q.Properties.DelaySeconds

  it('counts the items of a function that returns a list (docs: Fn::Split of "a|b|c" is 3)', () => {
    expect(lengthOf('!Split ["|", "a|b|c"]')).toBe(3)
  })
  it('counts a list parameter (docs: a Ref to a list parameter of 3 elements is 3)', () => {
    expect(lengthOf('!Ref ListParameter', {ListParameter: 'a,b,c'})).toBe(3)
  })
  it('counts a literal list, whatever its items (docs: [1, !Ref ParameterName, 3] is 3)', () => {
    expect(lengthOf('[1, !Ref ParameterName, 3]')).toBe(3)
  })
  it('a value that is not a list is an error', () => {
    expect(failure(`Transform: AWS::LanguageExtensions\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      DelaySeconds: {Fn::Length: text}\n`).details?.path).toEqual(['Resources', 'Q', 'Properties', 'DelaySeconds'])
  })
})

describe('Fn::ToJsonString', () => {
  const jsonOf = (value: string) =>
    (expand(`Transform: AWS::LanguageExtensions\nParameters:\n  ParameterName: {Type: String, Default: resolvedValue}\nConditions:\n  IsProd: !Equals [!Ref AWS::AccountId, '1']\nResources:\n  P:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Value:\n        Fn::ToJsonString:\n${value}`).Resources as {P: {Properties: {Value: unknown}}}).P.Properties.Value

  it('converts an object to compact JSON (docs: Convert an object to a JSON string)', () => {
    expect(jsonOf('          key1: value1\n          key2: !Ref ParameterName\n')).toBe('{"key1":"value1","key2":"resolvedValue"}')
  })
  it('converts a list to compact JSON (docs: Convert an array to a JSON string)', () => {
    expect(jsonOf('          - key1: value1\n            key2: !Ref ParameterName\n')).toBe('[{"key1":"value1","key2":"resolvedValue"}]')
  })
  it('a value known only at deploy time (GetAtt, which the docs allow inside) is joined into the text as a string, an Fn::If on a deploy-time condition picks between two texts (lpack behaviour)', () => {
    expect(jsonOf('          arn: !GetAtt Topic.TopicArn\n          n: 1\n          mode: !If [IsProd, {a: 1}, [2]]\n')).toEqual({
      'Fn::Join': ['', ['{"arn":"', {'Fn::GetAtt': ['Topic', 'TopicArn']}, '","n":1,"mode":', {'Fn::If': ['IsProd', '{"a":1}', '[2]']}, '}']],
    })
  })
  it('a value that is not a mapping or list is an error', () => {
    expect(() => jsonOf('          text\n')).toThrow(/Fn::ToJsonString takes a mapping or a list/)
  })
})

describe('Fn::FindInMap enhancements', () => {
  const MAPPINGS = `Mappings:\n  MyMap:\n    b: {SecondKey: found}\n  InstanceConfiguration:\n    eu-west-1: {Type: m5.large}\n`
  const valueOf = (findInMap: string, options: LanguageExtensionsOptions = {}) =>
    (expand(`Transform: AWS::LanguageExtensions\nParameters:\n  InputKeys: {Type: String, Default: 'b|c'}\n${MAPPINGS}Resources:\n  P:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Value: ${findInMap}\n`, options).Resources as {P: {Properties: {Value: unknown}}}).P.Properties.Value

  it('takes a key from Fn::Select of Fn::Split (docs: using intrinsic functions to define the top level key)', () => {
    expect(valueOf('!FindInMap [MyMap, !Select [0, !Split ["|", !Ref InputKeys]], SecondKey]')).toBe('found')
  })
  it('returns the DefaultValue when the key is missing, the value when found (docs: using default values)', () => {
    const findInMap = "!FindInMap ['InstanceConfiguration', !Ref 'AWS::Region', 'Type', DefaultValue: m5.small]"
    expect(valueOf(findInMap, {region: 'us-east-1'})).toBe('m5.small')
    expect(valueOf(findInMap, {region: 'eu-west-1'})).toBe('m5.large')
  })
  it('a key only CloudFormation knows (the account) leaves the template to CloudFormation; without DefaultValue it stays as written (lpack behaviour)', () => {
    const template = (findInMap: string) => load(`Transform: AWS::LanguageExtensions\n${MAPPINGS}Resources:\n  P:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Value: ${findInMap}\n`)
    expect(expandLanguageExtensions(template('!FindInMap [MyMap, !Ref AWS::AccountId, SecondKey, DefaultValue: x]'))).toMatchObject({kind: 'needs-cloudformation', path: ['Resources', 'P', 'Properties', 'Value']})
    expect(expandLanguageExtensions(template('!FindInMap [MyMap, !Ref AWS::AccountId, SecondKey]'))).toMatchObject({kind: 'expanded', template: {Resources: {P: {Properties: {Value: {'Fn::FindInMap': ['MyMap', {Ref: 'AWS::AccountId'}, 'SecondKey']}}}}}})
  })
})

describe('DeletionPolicy and UpdateReplacePolicy', () => {
  it('Fn::If on a condition of parameters resolves to the policy (docs: Define the policies using Fn::If)', () => {
    const template = `AWSTemplateFormatVersion: 2010-09-09
Transform: 'AWS::LanguageExtensions'
Parameters:
  Stage:
    Type: String
    AllowedValues: [Prod, Staging, Dev]
Conditions:
  IsProd: !Equals
    - !Ref Stage
    - Prod
Resources:
  Table:
    Type: 'AWS::DynamoDB::Table'
    DeletionPolicy: !If [IsProd, Retain, Delete]
    UpdateReplacePolicy: !If [IsProd, Retain, Delete]
`
    expect(expand(template, {parameters: {Stage: 'Prod'}}).Resources).toEqual({Table: {Type: 'AWS::DynamoDB::Table', DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain'}})
    expect(expand(template, {parameters: {Stage: 'Dev'}}).Resources).toEqual({Table: {Type: 'AWS::DynamoDB::Table', DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete'}})
  })

  it('Ref to a parameter resolves to its value (docs: Define the policies using Ref)', () => {
    const template = `Transform: 'AWS::LanguageExtensions'
Parameters:
  DeletionPolicyParam: {Type: String, AllowedValues: [Delete, Retain, Snapshot], Default: Delete}
  UpdateReplacePolicyParam: {Type: String, AllowedValues: [Delete, Retain, Snapshot], Default: Delete}
Resources:
  Table:
    Type: 'AWS::DynamoDB::Table'
    DeletionPolicy: !Ref DeletionPolicyParam
    UpdateReplacePolicy: !Ref UpdateReplacePolicyParam
`
    expect(expand(template, {parameters: {DeletionPolicyParam: 'Retain', UpdateReplacePolicyParam: 'Retain'}}).Resources).toEqual({Table: {Type: 'AWS::DynamoDB::Table', DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain'}})
    expect(expand(template).Resources).toEqual({Table: {Type: 'AWS::DynamoDB::Table', DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete'}})
  })
})

describe('conditions', () => {
  it('compare values as strings, as CloudFormation does: a YAML true equals the parameter value "true" (lpack example)', () => {
    const template = `Transform: AWS::LanguageExtensions
Parameters:
  Keep: {Type: String, Default: 'true'}
Conditions:
  Keeping: !Equals [!Ref Keep, true]
  Dropping: !Not [!Condition Keeping]
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    DeletionPolicy: !If [Dropping, Delete, Retain]
`
    expect((expand(template).Resources as {Table: {DeletionPolicy: string}}).Table.DeletionPolicy).toBe('Retain')
    expect((expand(template, {parameters: {Keep: 'false'}}).Resources as {Table: {DeletionPolicy: string}}).Table.DeletionPolicy).toBe('Delete')
  })
})

describe('conditions made by a loop', () => {
  it('decide a DeletionPolicy in the loop that names them (lpack example)', () => {
    const expanded = expand(`Transform: AWS::LanguageExtensions
Parameters:
  Retained: {Type: CommaDelimitedList, Default: Orders}
Conditions:
  Fn::ForEach::Retain:
    - Name
    - [Orders, Logs]
    - Retain\${Name}: !Equals [!Select [0, !Ref Retained], '\${Name}']
Resources:
  Fn::ForEach::Tables:
    - Name
    - [Orders, Logs]
    - Table\${Name}:
        Type: AWS::DynamoDB::Table
        DeletionPolicy: !If ['Retain\${Name}', Retain, Delete]
`)
    expect(expanded.Resources).toEqual({TableOrders: {Type: 'AWS::DynamoDB::Table', DeletionPolicy: 'Retain'}, TableLogs: {Type: 'AWS::DynamoDB::Table', DeletionPolicy: 'Delete'}})
  })
})

describe('lpack deploy (prepareTemplate)', () => {
  const TEMPLATE = `Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Parameters:
  Names: {Type: CommaDelimitedList, Default: 'a,b'}
Resources:
  Fn::ForEach::Topics:
    - Name
    - !Ref Names
    - Topic\${Name}: {Type: AWS::SNS::Topic}
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Runtime: nodejs20.x, Handler: index.handler, InlineCode: x}
`
  const prepare = async (yaml: string, mode: 'auto' | 'local' | 'server', extra: {parameters?: Record<string, string>; previousParameters?: Record<string, string>} = {}) => {
    const reporter = new RecordingReporter()
    const template = await prepareTemplate(load(yaml), {mode, parameters: extra.parameters ?? {}, previousParameters: extra.previousParameters, region: 'us-east-1', reporter})
    return {template, events: reporter.events.filter((event) => event.kind === 'deploy.transform').map((event) => event.data)}
  }

  it('expands both transforms locally and says so', async () => {
    const {template, events} = await prepare(TEMPLATE, 'auto')
    expect(Object.keys(template.Resources as object).sort()).toEqual(['Fn', 'FnRole', 'Topica', 'Topicb'])
    expect(template.Transform).toBeUndefined()
    expect(events).toEqual([{mode: 'local', transforms: ['AWS::LanguageExtensions', 'AWS::Serverless-2016-10-31']}])
  })

  it('loops over the overrides, else the values the stack keeps, else the Default', async () => {
    const ids = async (extra: Parameters<typeof prepare>[2]) => Object.keys((await prepare(TEMPLATE, 'auto', extra)).template.Resources as object).filter((id) => id.startsWith('Topic')).sort()
    expect(await ids({})).toEqual(['Topica', 'Topicb'])
    expect(await ids({previousParameters: {Names: 'kept'}})).toEqual(['Topickept'])
    expect(await ids({parameters: {Names: 'x,y'}, previousParameters: {Names: 'kept'}})).toEqual(['Topicx', 'Topicy'])
  })

  it('refuses local code in a loop: build and package see a loop there, not a function, and would leave the path as written', async () => {
    const inLoop = `Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Resources:
  Fn::ForEach::Workers:
    - Name
    - [A, B]
    - Worker\${Name}:
        Type: AWS::Serverless::Function
        Properties: {CodeUri: src/, Runtime: nodejs20.x, Handler: index.handler}
`
    await expect(prepare(inLoop, 'auto')).rejects.toMatchObject({code: 'UNSUPPORTED_CONSTRUCT', details: {paths: ['Resources/Fn::ForEach::Workers/2/Worker${Name}/Properties/CodeUri']}})
    const {template} = await prepare(inLoop.replace('CodeUri: src/', 'CodeUri: s3://bucket/key.zip'), 'auto')
    expect(Object.keys(template.Resources as object).sort()).toEqual(['WorkerA', 'WorkerARole', 'WorkerB', 'WorkerBRole'])
  })

  it('--transform server, another macro, or a value only CloudFormation knows keeps the server-side path', async () => {
    expect((await prepare(TEMPLATE, 'server')).events).toEqual([{mode: 'server', transforms: ['AWS::LanguageExtensions', 'AWS::Serverless-2016-10-31'], reason: '--transform server'}])
    const macro = TEMPLATE.replace('[AWS::LanguageExtensions,', '[MyMacro, AWS::LanguageExtensions,')
    expect((await prepare(macro, 'auto')).events).toMatchObject([{mode: 'server', reason: 'lpack does not expand MyMacro, AWS::LanguageExtensions'}])
    const unknown = TEMPLATE.replace("Default: 'a,b'", 'Description: none')
    const {template, events} = await prepare(unknown, 'auto')
    expect(template.Transform).toEqual(['AWS::LanguageExtensions', 'AWS::Serverless-2016-10-31'])
    expect(events).toMatchObject([{mode: 'server', reason: expect.stringContaining('not known before deploy time') as string}])
    await expect(prepare(unknown, 'local')).rejects.toMatchObject({code: 'UNSUPPORTED_CONSTRUCT'})
  })
})

describe('the translator corpus input with AWS::LanguageExtensions', () => {
  it('valid_update_replace_policy_and_deletion_policy.yaml expanded, then transformed, is the translator\'s output', () => {
    const fixtures = join(import.meta.dirname, '..', 'fixtures', 'transform')
    const expanded = expand(readFileSync(join(fixtures, 'input', 'valid_update_replace_policy_and_deletion_policy.yaml'), 'utf8'))
    expect(expanded.Transform).toEqual(['AWS::Serverless-2016-10-31'])
    const result = transformTemplate(expanded, {time: new Date(1_700_000_000_000)})
    if (result.kind !== 'transformed') throw new Error(JSON.stringify(result))
    const golden = JSON.parse(readFileSync(join(fixtures, 'output', 'valid_update_replace_policy_and_deletion_policy.json'), 'utf8')) as Record<string, unknown>
    expect(comparableParts(result.template)).toEqual(comparableParts(golden))
  })
})

describe('lpack transform (transformFile)', () => {
  const withFile = async (yaml: string, run: (file: string) => Promise<void>) => {
    const folder = mkdtempSync(join(tmpdir(), 'lpack-language-extensions-'))
    try {
      writeFileSync(join(folder, 'template.yaml'), yaml)
      await run(join(folder, 'template.yaml'))
    } finally {
      rmSync(folder, {recursive: true, force: true})
    }
  }

  it('prints the expansion transformed by SAM, over the given parameter values', async () => {
    await withFile(`Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]\nParameters:\n  Names: {Type: CommaDelimitedList, Default: a}\nResources:\n  Fn::ForEach::Topics: [Name, !Ref Names, {'Topic\${Name}': {Type: AWS::SNS::Topic}}]\n`, async (file) => {
      const result = await transformFile({templateFile: file, format: 'json', parameterOverrides: {Names: 'x,y'}})
      expect(Object.keys(result.template.Resources as object)).toEqual(['Topicx', 'Topicy'])
    })
  })

  it('a malformed loop fails with the file, line and column of the value that is wrong', async () => {
    await withFile(`Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]\nResources:\n  Fn::ForEach::Topics:\n    - Name\n    - NotAList\n    - Topic\${Name}: {Type: AWS::SNS::Topic}\n`, async (file) => {
      await expect(transformFile({templateFile: file, format: 'json'})).rejects.toMatchObject({
        code: 'TRANSFORM_FAILED',
        message: expect.stringContaining(`${file}:5:7: Resources/Fn::ForEach::Topics/1: the collection must be a list`) as string,
        details: {path: 'Resources/Fn::ForEach::Topics/1', line: 5, column: 7},
      })
    })
  })

  it('another transform beside it is left to lpack deploy', async () => {
    await withFile(`Transform: [MyMacro, AWS::LanguageExtensions]\nResources:\n  T: {Type: AWS::SNS::Topic}\n`, async (file) => {
      await expect(transformFile({templateFile: file, format: 'json'})).rejects.toMatchObject({code: 'UNSUPPORTED_CONSTRUCT'})
    })
  })
})
