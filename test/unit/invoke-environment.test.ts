import {describe, expect, it} from 'vitest'

import {applyEnvVarsOverrides, lambdaEnvironment, parseEnvVarsFile, RESERVED_VARIABLES, type FunctionConfig} from '../../src/core/invoke/environment.js'
import {LpackError} from '../../src/errors.js'

const fn: FunctionConfig = {logicalId: 'Api', functionName: 'orders-api', runtime: 'nodejs22.x', handler: 'src/app.handler', memoryMb: 512, timeoutSeconds: 10, architecture: 'arm64', variables: {TABLE: 'orders', STAGE: 'prod', AWS_REGION: 'mars-1', TZ: 'Europe/Paris'}}
const folders = {taskRoot: '/b/invoke/Api/task', optDir: '/b/invoke/Api/opt', runtimeDir: '/lpack/bootstraps/nodejs'}
const identity = {region: 'eu-west-1', accountId: '123456789012', logStreamName: '2026/12/03/[$LATEST]abc'}

describe('the environment of a function\'s process', () => {
  it('#14.2 sets what Lambda sets, and Lambda\'s reserved variables win over the template', () => {
    const env = lambdaEnvironment(fn, fn.variables, folders, identity, '127.0.0.1:9001', {PATH: '/usr/bin', SECRET_OF_HOST: 'x'})
    expect(env).toMatchObject({
      TABLE: 'orders',
      AWS_LAMBDA_FUNCTION_NAME: 'orders-api',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/orders-api',
      AWS_LAMBDA_LOG_STREAM_NAME: '2026/12/03/[$LATEST]abc',
      AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
      _HANDLER: 'src/app.handler',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      LAMBDA_TASK_ROOT: '/b/invoke/Api/task',
      LAMBDA_RUNTIME_DIR: '/lpack/bootstraps/nodejs',
      TZ: ':UTC',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      NODE_PATH: '/b/invoke/Api/opt/nodejs/node22/node_modules:/b/invoke/Api/opt/nodejs/node_modules:/lpack/bootstraps/nodejs/node_modules:/lpack/bootstraps/nodejs:/b/invoke/Api/task',
    })
    expect(env.PATH).toBe('/usr/bin:/b/invoke/Api/opt/bin')
    // The host's own variables stay out, as in a Lambda sandbox.
    expect(env.SECRET_OF_HOST).toBeUndefined()
    expect(RESERVED_VARIABLES).toContain('AWS_LAMBDA_RUNTIME_API')
  })

  it('#14.2 passes the caller\'s AWS credentials through only when they are set, never the template\'s', () => {
    const withTemplateKeys = {...fn.variables, AWS_ACCESS_KEY_ID: 'from-template', _X_AMZN_TRACE_ID: 'fake'}
    const none = lambdaEnvironment(fn, withTemplateKeys, folders, identity, 'a:1', {PATH: '/bin'})
    expect(none.AWS_ACCESS_KEY_ID).toBeUndefined()
    expect(none.AWS_SECRET_ACCESS_KEY).toBeUndefined()
    expect(none._X_AMZN_TRACE_ID).toBeUndefined()
    const some = lambdaEnvironment(fn, withTemplateKeys, folders, identity, 'a:1', {PATH: '/bin', AWS_ACCESS_KEY_ID: 'AKIA1', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't'})
    expect(some).toMatchObject({AWS_ACCESS_KEY_ID: 'AKIA1', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't'})
  })

  it('#14.2 PYTHONPATH: the task root, then the layers\' python folders, as Lambda orders them', () => {
    const env = lambdaEnvironment({...fn, runtime: 'python3.12'}, {}, {...folders, runtimeDir: '/rt'}, identity, 'a:1', {})
    expect(env.PYTHONPATH).toBe('/b/invoke/Api/task:/b/invoke/Api/opt/python/lib/python3.12/site-packages:/b/invoke/Api/opt/python:/rt')
    expect(env.NODE_PATH).toBeUndefined()
  })

  it('#14.2 --env-vars (SAM\'s format): Parameters for all, the function\'s own entry over them, only declared variables', () => {
    const overrides = parseEnvVarsFile({Parameters: {STAGE: 'dev', TABLE: 'shared'}, Api: {TABLE: 'local', NEW_ONE: 'x', PORT: 8080}}, 'env.json')
    const {variables, ignored} = applyEnvVarsOverrides({...fn, variables: {...fn.variables, PORT: '80'}}, overrides)
    expect(variables).toMatchObject({TABLE: 'local', STAGE: 'dev', PORT: '8080'})
    expect(variables.NEW_ONE).toBeUndefined()
    expect(ignored).toEqual(['NEW_ONE'])
    // By function name too, as sam local accepts.
    expect(applyEnvVarsOverrides(fn, {'orders-api': {TABLE: 'by-name'}}).variables.TABLE).toBe('by-name')
  })

  it('#14.2 an --env-vars file of the wrong shape is a usage error naming the entry', () => {
    expect(() => parseEnvVarsFile([1], 'env.json')).toThrow(LpackError)
    expect(() => parseEnvVarsFile({Api: 'x'}, 'env.json')).toThrow(/"Api" must be a mapping/)
  })
})
