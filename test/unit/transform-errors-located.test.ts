import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

import {LpackError} from '../../src/errors.js'
import {transformFile} from '../../src/core/transform/run.js'

// Issue #13: an input the SAM translator rejects fails with errors that name the resource and the property, at the
// line:column where that property stands in the file.
const INPUTS = fileURLToPath(new URL('../fixtures/transform/input/', import.meta.url))
const OUT_OF_SCOPE = JSON.parse(readFileSync(new URL('../fixtures/transform/out-of-scope.json', import.meta.url), 'utf8')) as Record<string, string>
const ADDED = /AWS::Serverless::(SimpleTable|StateMachine|Application|HttpApi|CapacityProvider|WebSocketApi|Connector|GraphQLApi|Api\s)|Type: (AlexaSkill|Cognito|HttpApi)\s|^\s+(Connectors|Auth):/m

async function failure(name: string): Promise<LpackError> {
  try {
    await transformFile({templateFile: join(INPUTS, name), format: 'json'})
  } catch (error) {
    if (error instanceof LpackError) return error
    throw error
  }
  throw new Error(`${name} was transformed`)
}

const errorInputs = readdirSync(INPUTS)
  .filter((name) => name.startsWith('error_') && !(name in OUT_OF_SCOPE) && ADDED.test(readFileSync(join(INPUTS, name), 'utf8')))
  .sort()

describe('#13 transform errors are located (#13.3 for connectors and GraphQLApi)', () => {
  it('covers the error inputs of the constructs added in #13', () => {
    expect(errorInputs.length).toBeGreaterThan(20)
  })

  it.each(errorInputs)('%s: each error names its resource at line:column', async (name) => {
    const error = await failure(name)
    expect(error.code).toBe('TRANSFORM_FAILED')
    const details = error.details as {errors: string[]; locations: {path: string; line: number; column: number}[]}
    expect(details.locations).toHaveLength(details.errors.length)
    details.errors.forEach((message, index) => {
      const location = details.locations[index]!
      const resource = /with id \[([A-Za-z0-9]+)\]/.exec(message)?.[1]
      // The implicit APIs exist only as their Globals section.
      if (resource !== undefined) expect(/^(Resources|Globals)\//.test(location.path), message).toBe(true)
      expect(error.message).toContain(`${name}:${location.line}:${location.column}: ${message}`)
    })
  })

  it.each([
    ['error_table_primary_key_missing_name.yaml', 'Resources/Table/Properties/PrimaryKey', 5, 7],
    ['error_cognito_trigger_invalid_type.yaml', 'Resources/ImplicitApiFunction/Properties/Events/OneTrigger/Properties/Trigger', 28, 13],
    ['error_state_machine_with_schedule_invalid_dlq_type.yaml', 'Resources/StateMachine/Properties/Events/ScheduleEvent/Properties/DeadLetterConfig/Type', 16, 15],
    ['error_application_properties.yaml', 'Resources/WrongTypeSemanticVersion/Properties/Location/SemanticVersion', 60, 9],
    ['error_connector.yaml', 'Resources/NonExistentLogicalId/Properties/Source/Id', 51, 9],
    ['error_embedded_connectors.yaml', 'Resources/MyFunction/Connectors/NonDictSourceReference/Properties/SourceReference', 89, 11],
    ['error_embedded_connectors.yaml', 'Resources/MyFunction/Connectors/NonExistentId/Properties/Destination/Id', 37, 13],
    ['error_graphqlapi.yaml', 'Resources/GraphQLApiInvalidFieldInLogging/Properties/Logging/NotSupposedToBeHere', 66, 9],
    ['error_graphqlapi.yaml', 'Resources/ResolverFunctionDoesNotExist/Properties/Resolvers/Mutation/ReferenceFunctionThatDoesNotExist/Pipeline', 209, 13],
    ['error_api_with_custom_domains_invalid.yaml', 'Globals/Api/Domain', 12, 5],
    ['error_api_with_custom_domains_invalid.yaml', 'Resources/MyApiWithIncorrectBasePathItemType/Properties/Domain/BasePath/0', 90, 11],
  ])('%s points at %s (%i:%i)', async (name, path, line, column) => {
    const details = (await failure(name)).details as {locations: {path: string; line: number; column: number}[]}
    expect(details.locations).toContainEqual({path, line, column})
  })
})
