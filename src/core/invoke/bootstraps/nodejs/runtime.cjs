'use strict'
/* global __filename */
// lpack's Node.js runtime for `lpack invoke`: it loads the handler named by _HANDLER from LAMBDA_TASK_ROOT and
// serves invocations through the Lambda Runtime API at AWS_LAMBDA_RUNTIME_API, as Lambda's own Node.js runtime
// does: CommonJS and ES modules, async and callback handlers, Lambda's console format and error documents.
// Plain CommonJS with no dependencies: lpack starts it as `node runtime.cjs`, and a function's code sees only it.
const http = require('node:http')
const {existsSync, readFileSync} = require('node:fs')
const {dirname, join, resolve} = require('node:path')
const {pathToFileURL} = require('node:url')
const {format} = require('node:util')

const [apiHost, apiPort] = (process.env.AWS_LAMBDA_RUNTIME_API || '').split(':')
const API = '/2018-06-01/runtime'
// One kept-alive connection, as a runtime keeps with Lambda; Node unrefs it while idle, so an otherwise empty
// event loop still empties (callbackWaitsForEmptyEventLoop relies on that).
const agent = new http.Agent({keepAlive: true, maxSockets: 1})

function call(method, path, body, headers = {}) {
  return new Promise((resolveCall, reject) => {
    const request = http.request({host: apiHost, port: Number(apiPort), method, path: API + path, agent, headers}, (response) => {
      const chunks = []
      response.on('data', (chunk) => chunks.push(chunk))
      response.on('end', () => resolveCall({status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks)}))
      response.on('error', reject)
    })
    request.on('error', reject)
    request.end(body)
  })
}

// Lambda's log line: time, request id, level, message (tab-separated).
let currentRequestId
const write = (level) => (...args) => process.stdout.write(`${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\t${level}\t${format(...args)}\n`)
console.log = write('INFO')
console.info = write('INFO')
console.warn = write('WARN')
console.error = write('ERROR')
console.debug = write('DEBUG')
console.trace = write('TRACE')

class RuntimeError extends Error {
  constructor(name, message) {
    super(message)
    this.name = name
  }
}

/** An error as Lambda's Node.js runtime reports it. */
function errorDocument(error) {
  if (error instanceof Error) {
    const trace = typeof error.stack === 'string' ? error.stack.split('\n') : []
    return {errorType: error.name || 'Error', errorMessage: error.message, trace}
  }
  return {errorType: typeof error, errorMessage: String(error), trace: []}
}

/** True when `file` (.js) is an ES module: the nearest package.json says "type": "module". */
function isEsModule(file) {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest)) {
      try {
        return JSON.parse(readFileSync(manifest, 'utf8')).type === 'module'
      } catch {
        return false
      }
    }
    if (dirname(dir) === dir) return false
  }
}

async function loadModule(base, moduleName) {
  const candidates = [
    [base + '.js', (file) => (isEsModule(file) ? 'import' : 'require')],
    [base + '.mjs', () => 'import'],
    [base + '.cjs', () => 'require'],
  ]
  for (const [file, how] of candidates) {
    if (!existsSync(file)) continue
    return how(file) === 'import' ? import(pathToFileURL(file).href) : require(file)
  }
  // Lambda then tries the name as a module (a package in node_modules, a folder with index.js).
  try {
    return require(require.resolve(base))
  } catch (error) {
    if (error && error.code === 'MODULE_NOT_FOUND') throw new RuntimeError('Runtime.ImportModuleError', `Error: Cannot find module '${moduleName}'\nRequire stack:\n- ${__filename}`)
    throw error
  }
}

async function loadHandler(taskRoot, handlerName) {
  const slash = handlerName.lastIndexOf('/') + 1
  const moduleRoot = handlerName.slice(0, slash)
  const match = /^([^.]*)\.(.*)$/.exec(handlerName.slice(slash))
  if (!match) throw new RuntimeError('Runtime.MalformedHandlerName', `Bad handler ${handlerName}`)
  if (moduleRoot.split('/').includes('..')) throw new RuntimeError('Runtime.MalformedHandlerName', `'${handlerName}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`)
  const [, moduleName, path] = match
  let loaded
  try {
    loaded = await loadModule(resolve(taskRoot, moduleRoot, moduleName), moduleName)
  } catch (error) {
    if (error instanceof RuntimeError) throw error
    if (error instanceof SyntaxError) throw new RuntimeError('Runtime.UserCodeSyntaxError', String(error))
    // An ES module importing a package that is missing.
    if (error && error.code === 'ERR_MODULE_NOT_FOUND') throw new RuntimeError('Runtime.ImportModuleError', String(error))
    throw error
  }
  const handler = path.split('.').reduce((value, key) => (value === undefined || value === null ? undefined : value[key]), loaded)
  if (typeof handler !== 'function') throw new RuntimeError('Runtime.HandlerNotFound', `${handlerName} is undefined or not exported`)
  return handler
}

function parseJsonHeader(value) {
  if (typeof value !== 'string' || value === '') return undefined
  try {
    return JSON.parse(value)
  } catch {
    return undefined
  }
}

function makeContext(headers, callbacks) {
  const deadline = Number(headers['lambda-runtime-deadline-ms'])
  const env = process.env
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
    // The pre-async API Lambda still honours.
    succeed: (result) => callbacks.done(null, result),
    fail: (error) => callbacks.done(error ?? 'handled'),
    done: (error, result) => callbacks.done(error, result),
  }
  const identity = parseJsonHeader(headers['lambda-runtime-cognito-identity'])
  if (identity) context.identity = identity
  const clientContext = parseJsonHeader(headers['lambda-runtime-client-context'])
  if (clientContext) context.clientContext = clientContext
  return context
}

/** Settles once per invocation: the handler's promise, its callback or a crash, whichever comes first. */
function runHandler(handler, event, headers) {
  return new Promise((settle) => {
    let settled = false
    const finish = (error, result, waitForEmptyLoop, crashed = false) => {
      if (settled) return
      settled = true
      const outcome = error === null || error === undefined ? {result} : {error, crashed}
      // A callback with callbackWaitsForEmptyEventLoop answers once the function's own work is done.
      if (waitForEmptyLoop) process.once('beforeExit', () => settle(outcome))
      else settle(outcome)
    }
    const callbacks = {done: (error, result) => finish(error, result, context.callbackWaitsForEmptyEventLoop)}
    const context = makeContext(headers, callbacks)
    current.fail = (error) => finish(error, undefined, false, true)
    let returned
    try {
      returned = handler(event, context, callbacks.done)
    } catch (error) {
      finish(error, undefined, false)
      return
    }
    if (returned && typeof returned.then === 'function') {
      returned.then((result) => finish(null, result, false), (error) => finish(error ?? new Error('handled'), undefined, false))
    } else if (handler.length < 3) {
      // A synchronous handler without a callback answers with what it returned.
      finish(null, returned, false)
    }
  })
}

const current = {requestId: undefined, fail: undefined}

// Response streaming (awslambda.streamifyResponse): the handler writes to a stream that Lambda's runtime sends as
// the chunked body of the response, in "streaming" mode; an error after the first bytes travels in trailers.
const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming')
const HTTP_INTEGRATION = 'application/vnd.awslambda.http-integration-response'
globalThis.awslambda = {
  streamifyResponse(handler) {
    handler[STREAMING] = 'response'
    return handler
  },
  HttpResponseStream: {
    /** A function URL's status and headers before the body: JSON, then 8 zero bytes. */
    from(stream, prelude) {
      stream.setContentType(HTTP_INTEGRATION)
      stream.write(JSON.stringify(prelude))
      stream.write(Buffer.alloc(8))
      return stream
    },
  },
}

function streamInvocation(handler, event, headers, requestId) {
  return new Promise((settle) => {
    const stream = http.request({
      host: apiHost,
      port: Number(apiPort),
      method: 'POST',
      path: `${API}/invocation/${requestId}/response`,
      agent,
      headers: {'Lambda-Runtime-Function-Response-Mode': 'streaming', 'Transfer-Encoding': 'chunked', 'Content-Type': 'application/octet-stream', Trailer: 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body'},
    })
    stream.setContentType = (type) => stream.setHeader('Content-Type', type)
    stream.on('response', (response) => response.resume().on('end', () => settle()))
    stream.on('error', () => settle())
    let failed = false
    const fail = (error) => {
      if (failed || stream.writableEnded) return
      failed = true
      const document = errorDocument(error)
      process.stdout.write(`${new Date().toISOString()}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify(document)}\n`)
      stream.addTrailers({'Lambda-Runtime-Function-Error-Type': document.errorType, 'Lambda-Runtime-Function-Error-Body': Buffer.from(JSON.stringify(document)).toString('base64')})
      stream.end()
    }
    current.fail = fail
    const context = makeContext(headers, {done: () => {}})
    Promise.resolve()
      .then(() => handler(event, stream, context))
      .then(() => {
        if (!stream.writableEnded) stream.end()
      }, fail)
  })
}

/** Logs the error as Lambda's runtime does (before it reports it, so the line belongs to the invocation), then posts it. */
async function postError(path, error, requestId, label) {
  const document = errorDocument(error)
  const body = JSON.stringify(document)
  process.stdout.write(`${new Date().toISOString()}\t${requestId ?? 'undefined'}\tERROR\t${label} \t${body}\n`)
  await call('POST', path, body, {'Content-Type': 'application/json', 'Lambda-Runtime-Function-Error-Type': document.errorType})
}

// An error no handler caught ends the invocation with that error, and the process, as in Lambda.
process.on('uncaughtException', (error) => crash(error))
process.on('unhandledRejection', (reason) => {
  const error = new RuntimeError('Runtime.UnhandledPromiseRejection', reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason))
  if (reason instanceof Error) error.stack = `Runtime.UnhandledPromiseRejection: ${error.message}\n${String(reason.stack).split('\n').slice(1).join('\n')}`
  crash(error)
})

function crash(error) {
  process.stdout.write(`${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\tERROR\tUncaught Exception \t${JSON.stringify(errorDocument(error))}\n`)
  if (current.fail) current.fail(error)
  else process.exit(129)
}

async function main() {
  let handler
  try {
    handler = await loadHandler(process.env.LAMBDA_TASK_ROOT || process.cwd(), process.env._HANDLER || '')
  } catch (error) {
    await postError('/init/error', error, undefined, 'Uncaught Exception')
    process.exit(129)
  }
  for (;;) {
    const next = await call('GET', '/invocation/next')
    const requestId = next.headers['lambda-runtime-aws-request-id']
    currentRequestId = requestId
    current.requestId = requestId
    const traceId = next.headers['lambda-runtime-trace-id']
    if (traceId) process.env._X_AMZN_TRACE_ID = traceId
    else delete process.env._X_AMZN_TRACE_ID
    if (handler[STREAMING] === 'response') {
      await streamInvocation(handler, JSON.parse(next.body.toString('utf8')), next.headers, requestId)
      current.fail = undefined
      currentRequestId = undefined
      continue
    }
    let outcome
    try {
      outcome = await runHandler(handler, JSON.parse(next.body.toString('utf8')), next.headers)
    } catch (error) {
      outcome = {error}
    }
    current.fail = undefined
    if ('error' in outcome) {
      await postError(`/invocation/${requestId}/error`, outcome.error, requestId, 'Invoke Error')
      // A crash (an uncaught exception) ends the process after reporting, as Lambda's runtime does.
      if (outcome.crashed) process.exit(129)
    } else {
      let body
      try {
        body = JSON.stringify(outcome.result === undefined ? null : outcome.result)
      } catch (error) {
        await postError(`/invocation/${requestId}/error`, new RuntimeError('Runtime.MarshalError', `Unable to stringify response body: ${error.message}`), requestId, 'Invoke Error')
        continue
      }
      await call('POST', `/invocation/${requestId}/response`, body, {'Content-Type': 'application/json'})
    }
    currentRequestId = undefined
  }
}

main()
