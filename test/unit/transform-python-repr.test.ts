import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

import {parseTemplate} from '../../src/core/template/load.js'
import {transformTemplate} from '../../src/core/transform/index.js'
import {
  markSam, markTemplateFloats, py27KeyOrder, py27StringHash, py27UnicodeRepr, pythonKeyOrder, pythonRepr, pythonStrRepr, samConditional, samCopyPoint, samDelete,
  samIntrinsic, samMergeKey, templateText,
} from '../../src/core/transform/python-repr.js'
import {deploymentHash} from '../../src/core/transform/rest-api.js'

// Expected values printed by the translator's own Python code (samtranslator.utils.py27hash_fix, aws-sam-translator 1.110.0).
describe('#13.1 Python repr of the swagger SAM hashes for a REST API deployment', () => {
  it('#13.1 hashes strings as Python 2.7 does', () => {
    expect(py27StringHash('')).toBe(0n)
    expect(py27StringHash('a')).toBe(12416037344n)
    expect(py27StringHash('swagger')).toBe(3580634783886297403n)
    expect(py27StringHash('/{proxy+}')).toBe(8363552855103260203n)
    expect(py27StringHash('x-amazon-apigateway-any-method')).toBe(15902357705948539159n)
    expect(py27StringHash('é中')).toBe(29824178921253460n)
  })

  it('#13.1 orders keys as a Python 2.7 dict iterates them, resizes included', () => {
    expect(py27KeyOrder(['swagger', 'info', 'paths'])).toEqual(['info', 'paths', 'swagger'])
    expect(py27KeyOrder([...'abcdefghijk'])).toEqual(['a', 'c', 'b', 'e', 'd', 'g', 'f', 'i', 'h', 'k', 'j'])
    expect(py27KeyOrder(['type', 'httpMethod', 'uri', 'responseTransferMode', 'credentials'])).toEqual(['httpMethod', 'type', 'uri', 'credentials', 'responseTransferMode'])
    const paths = [...'abcdefghijklmnopqrstuvwxyz'].map((letter) => `/${letter}`)
    expect(py27KeyOrder(paths).join('')).toBe('/o/n/m/l/k/j/i/h/g/f/e/d/c/b/a/z/y/x/w/v/u/t/s/r/q/p')
  })

  it('#13.1 prints template strings as Py27UniStr and SAM strings as str: quotes, escapes, unicode', () => {
    expect(py27UnicodeRepr("it's")).toBe('u"it\'s"')
    expect(py27UnicodeRepr('say "hi"')).toBe('u\'say "hi"\'')
    expect(py27UnicodeRepr('both \' and "')).toBe('u\'both \\\' and "\'')
    expect(py27UnicodeRepr('tab\tnl\nback\\slash')).toBe("u'tab\\tnl\\nback\\\\slash'")
    expect(py27UnicodeRepr('café 中 😀')).toBe("u'caf\\xe9 \\u4e2d \\U0001f600'")
    expect(py27UnicodeRepr('\x01\x7f')).toBe("u'\\x01\\x7f'")
    expect(pythonStrRepr("it's")).toBe('"it\'s"')
    expect(pythonStrRepr('both \' and "')).toBe('\'both \\\' and "\'')
    expect(pythonStrRepr('café 中 😀')).toBe("'café 中 😀'")
    expect(pythonStrRepr('\x01\x7f')).toBe("'\\x01\\x7f'")
  })

  it('#13.1 prints numbers, booleans, null, lists and dicts as Python does', () => {
    const value = markSam({a: [1, 2.5, true, null, false], b: 1e22, c: 0.0001, d: -3, e: 1e-5}, {keys: true})
    expect(pythonRepr(value)).toBe("{'a': [1, 2.5, True, None, False], 'c': 0.0001, 'b': 1e+22, 'e': 1e-05, 'd': -3}")
  })

  it('#13.1 keeps SAM intrinsics in insertion order, template dicts in Python 2.7 order, and deleted keys\' slots', () => {
    const uri = samIntrinsic({'Fn::Sub': 'arn'})
    const item = samConditional('Cond', markSam({responses: {}, uri}, {keys: true}))
    expect(pythonRepr(item)).toBe("{'Fn::If': [u'Cond', {'responses': {}, 'uri': {'Fn::Sub': 'arn'}}, {'Ref': 'AWS::NoValue'}]}")
    const body: Record<string, unknown> = {info: 1, securityDefinitions: 2, paths: 3, components: 4, openapi: 5}
    samDelete(body, 'securityDefinitions')
    // Python: the dict with all five keys iterates info, paths, openapi, components, securityDefinitions.
    expect(pythonRepr(body)).toBe("{u'info': 1, u'paths': 3, u'openapi': 5, u'components': 4}")
    // A dict SAM builds inside an editor is deep-copied once more: colliding keys swap (Python: copy.deepcopy(Py27Dict)).
    const options = {summary: 1, consumes: 2, produces: 3, 'x-amazon-apigateway-integration': 4, responses: 5}
    expect(pythonRepr(markSam({...options}, {keys: true}))).toBe("{'responses': 5, 'x-amazon-apigateway-integration': 4, 'produces': 3, 'consumes': 2, 'summary': 1}")
    expect(pythonRepr(markSam({...options}, {keys: true, copied: true}))).toBe("{'x-amazon-apigateway-integration': 4, 'consumes': 2, 'summary': 1, 'responses': 5, 'produces': 3}")
  })

  it('#13.1 follows how SAM grows and copies a dict: dict.update, editor passes, deletions', () => {
    // Python: five authorizers set one by one, then dict.update({'api_key': …}) grows the table first.
    const names = ['MyCognitoAuth', 'MyCognitoAuthMultipleUserPools', 'MyLambdaTokenAuth', 'MyLambdaTokenAuthNoneFunctionInvokeRole', 'MyLambdaRequestAuth']
    const updated: Record<string, unknown> = Object.fromEntries(names.map((name) => [name, 1]))
    samMergeKey(updated, 'api_key', 1)
    expect(pythonKeyOrder(updated)).toEqual(['MyLambdaTokenAuthNoneFunctionInvokeRole', 'api_key', 'MyLambdaTokenAuth', 'MyLambdaRequestAuth', 'MyCognitoAuth', 'MyCognitoAuthMultipleUserPools'])
    const assigned: Record<string, unknown> = Object.fromEntries(names.map((name) => [name, 1]))
    assigned.api_key = 1
    expect(pythonKeyOrder(assigned)).toEqual(['MyLambdaTokenAuthNoneFunctionInvokeRole', 'api_key', 'MyLambdaRequestAuth', 'MyCognitoAuth', 'MyLambdaTokenAuth', 'MyCognitoAuthMultipleUserPools'])
    // Python: a deep copy after each step; securityDefinitions deleted before the last two copies.
    const body: Record<string, unknown> = {info: 1, paths: 2, openapi: 3}
    samCopyPoint(body)
    body.securityDefinitions = 4
    samCopyPoint(body)
    body.components = 5
    samDelete(body, 'securityDefinitions')
    samCopyPoint(body)
    body['x-amazon-apigateway-gateway-responses'] = 6
    samCopyPoint(body)
    expect(pythonKeyOrder(body)).toEqual(['info', 'paths', 'openapi', 'components', 'x-amazon-apigateway-gateway-responses'])
    // Python: dict.copy() merges the keys into a table sized for all six at once; a deep copy adds them one by one.
    const keys = ['swagger', 'info', 'paths', 'definitions', 'securityDefinitions', 'x-amazon-apigateway-policy']
    const copied: Record<string, unknown> = Object.fromEntries(keys.map((key) => [key, 1]))
    samCopyPoint(copied, true)
    expect(pythonKeyOrder(copied)).toEqual(['info', 'paths', 'x-amazon-apigateway-policy', 'definitions', 'swagger', 'securityDefinitions'])
    const deepCopied: Record<string, unknown> = Object.fromEntries(keys.map((key) => [key, 1]))
    samCopyPoint(deepCopied)
    expect(pythonKeyOrder(deepCopied)).toEqual(['info', 'paths', 'securityDefinitions', 'x-amazon-apigateway-policy', 'definitions', 'swagger'])
  })

  it('#13.1 prints a whole number the template writes as a float as the translator has it (PyYAML: `swagger: 2.0` is 2.0)', () => {
    const body = {swagger: 2, info: {version: 1, tags: [3, 4]}}
    markTemplateFloats(body, ['DefinitionBody'], (path) => ['DefinitionBody.swagger', 'DefinitionBody.info.tags.1'].includes(path.join('.')))
    expect(pythonRepr(markSam(body, {keys: true}))).toBe("{'info': {u'version': 1, u'tags': [3, 4.0]}, 'swagger': 2.0}")
    expect(templateText(body, 'swagger')).toBe('2.0')
    expect(templateText(body.info, 'version')).toBe('1')
  })

  it('#13.1 hashes the deployment as the translator does (sha1 of str(swagger) || OpenApiVersion || function names)', () => {
    const swagger = markSam({Bucket: 'sam-demo-bucket', Key: 'webpage_swagger.json'}, {keys: true})
    // str(swagger) == "{'Bucket': u'sam-demo-bucket', 'Key': u'webpage_swagger.json'}" in the translator (api_cache.yaml).
    expect(deploymentHash(swagger, undefined, '').slice(0, 10)).toBe('f117c932f7')
    const template = parseTemplate(readFileSync(fileURLToPath(new URL('../fixtures/transform/input/implicit_api.yaml', import.meta.url))), 'implicit_api.yaml')
    const result = transformTemplate(template.template!.value)
    if (result.kind !== 'transformed') throw new Error(result.kind)
    const resources = result.template.Resources as Record<string, {Type: string; Properties: Record<string, unknown>}>
    expect(resources.ServerlessRestApiDeployment127e3fb911?.Properties.Description).toBe('RestApi deployment id: 127e3fb91142ab1ddc5f5446adb094442581a90d')
    expect(resources.ServerlessRestApiProdStage?.Properties.DeploymentId).toEqual({Ref: 'ServerlessRestApiDeployment127e3fb911'})
  })
})
