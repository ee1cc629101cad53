import {describe, expect, it} from 'vitest'

import {rewriteTemplate} from '../../src/core/build/rewrite.js'
import {codeLocationsIn} from '../../src/core/deploy/artifacts.js'
import {findLocalPaths} from '../../src/core/template/local-paths.js'

// Issue #11, item 22: the table of properties `aws cloudformation package` uploads, found in a template (pure).
const TEMPLATE = {
  Metadata: {'AWS::ServerlessRepo::Application': {ReadmeUrl: 'README.md', LicenseUrl: 's3://bucket/LICENSE'}},
  Resources: {
    Fn: {Type: 'AWS::Serverless::Function', Properties: {CodeUri: 'src/'}},
    Graph: {
      Type: 'AWS::Serverless::GraphQLApi',
      Properties: {
        SchemaUri: 'graphql/schema.graphql',
        Resolvers: {Query: {getPost: {CodeUri: 'graphql/getPost.js'}, listPosts: {CodeUri: 's3://bucket/list.js'}}},
        Functions: {fetch: {CodeUri: 'graphql/fetch.js'}, inline: {InlineCode: 'x'}},
      },
    },
    Http: {Type: 'AWS::Serverless::HttpApi', Properties: {DefinitionUri: {Bucket: 'b', Key: 'k'}}},
    Glue: {Type: 'AWS::Glue::Job', Properties: {Command: {ScriptLocation: 'etl/job.py'}}},
    FromRepo: {Type: 'AWS::Serverless::Application', Properties: {Location: {ApplicationId: 'arn:aws:serverlessrepo:x', SemanticVersion: '1.0.0'}}},
    Local: {Type: 'AWS::Serverless::Application', Properties: {Location: 'apps/child.yaml'}},
    Rest: {Type: 'AWS::ApiGateway::RestApi', Properties: {BodyS3Location: {'Fn::Sub': '${AWS::StackName}.yaml'}}},
    Repo: {Type: 'AWS::CodeCommit::Repository', Properties: {Code: {S3: 'seed/'}}},
  },
  Outputs: {Included: {'Fn::Transform': {Name: 'AWS::Include', Parameters: {Location: './snippets/out.yaml'}}}},
}

describe('local paths packaging uploads', () => {
  it('#11.22 finds every packaged property, with its location shape, and leaves S3 locations and intrinsics alone', () => {
    const found = findLocalPaths(TEMPLATE, {includeCode: false}).map((ref) => [ref.path.join('/'), ref.value, ref.shape.kind, ref.forceZip])
    expect(found).toEqual([
      ['Metadata/AWS::ServerlessRepo::Application/ReadmeUrl', 'README.md', 's3-uri', false],
      ['Resources/Graph/Properties/SchemaUri', 'graphql/schema.graphql', 's3-uri', false],
      ['Resources/Graph/Properties/Resolvers/Query/getPost/CodeUri', 'graphql/getPost.js', 's3-uri', false],
      ['Resources/Graph/Properties/Functions/fetch/CodeUri', 'graphql/fetch.js', 's3-uri', false],
      ['Resources/Glue/Properties/Command/ScriptLocation', 'etl/job.py', 's3-uri', false],
      ['Resources/Local/Properties/Location', 'apps/child.yaml', 'template-url', false],
      ['Resources/Repo/Properties/Code/S3', 'seed/', 'bucket-key', true],
      ['Outputs/Included/Fn::Transform/Parameters/Location', './snippets/out.yaml', 's3-uri', false],
    ])
    // Function code is built by lpack build; only nested templates (not built) have theirs packaged as it is.
    expect(findLocalPaths(TEMPLATE, {includeCode: true}).map((ref) => ref.path.join('/'))).toContain('Resources/Fn/Properties/CodeUri')
  })

  it('#11.22 the built template points at the same files from the build folder', () => {
    const built = rewriteTemplate(TEMPLATE, [], '/work/app/.lpack/build', () => '', '/work/app') as typeof TEMPLATE
    expect(built.Resources.Graph.Properties.SchemaUri).toBe('../../graphql/schema.graphql')
    expect(built.Resources.Local.Properties.Location).toBe('../../apps/child.yaml')
    expect(built.Resources.Repo.Properties.Code.S3).toBe('../../seed')
    expect(built.Outputs.Included['Fn::Transform'].Parameters.Location).toBe('../../snippets/out.yaml')
    expect(built.Metadata['AWS::ServerlessRepo::Application']).toEqual({ReadmeUrl: '../../README.md', LicenseUrl: 's3://bucket/LICENSE'})
    // Function code is the build's own business (its zip), and the source template is not changed.
    expect(built.Resources.Fn.Properties.CodeUri).toBe('src/')
    expect(TEMPLATE.Resources.Graph.Properties.SchemaUri).toBe('graphql/schema.graphql')
  })

  it('#11.22 lpack gc sees what packaging uploaded besides code, so a stack that uses it keeps it', () => {
    const packaged = {
      Resources: {
        Fn: {Type: 'AWS::Serverless::Function', Properties: {CodeUri: 's3://b/code.zip'}},
        Graph: {Type: 'AWS::Serverless::GraphQLApi', Properties: {Functions: {fetch: {CodeUri: 's3://b/graph.zip'}}}},
        Repo: {Type: 'AWS::CodeCommit::Repository', Properties: {Code: {S3: {Bucket: 'b', Key: 'seed.zip'}}}},
        Flow: {Type: 'AWS::Serverless::StateMachine', Properties: {DefinitionUri: {Bucket: 'b', Key: 'flow.json'}}},
      },
      Outputs: {X: {'Fn::Transform': {Name: 'AWS::Include', Parameters: {Location: 's3://b/x.yaml'}}}},
    }
    expect(codeLocationsIn(packaged).map((l) => l.key)).toEqual(['code.zip', 'flow.json', 'graph.zip', 'seed.zip', 'x.yaml'])
  })
})
