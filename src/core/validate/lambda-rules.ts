import {statSync} from 'node:fs'
import {dirname, resolve} from 'node:path'

import {LAMBDA_LIMITS, RESERVED_ENVIRONMENT_VARIABLES} from '../lambda/limits.js'
import {checkPythonHandler} from '../lambda/python-handler.js'
import {type RuntimeFamily, runtimeStatus} from '../lambda/runtimes.js'
import {isObject, literalNumber, literalString, type RuleContext, show} from './context.js'
import {type FunctionView, functionViews, type Located} from './functions.js'

/** Lambda's rules for functions: runtime, handler, code, memory, timeout, storage, environment, VPC, layers, architectures. */
export function checkLambdaFunctions(context: RuleContext): void {
  for (const id of context.resourcesOfType('AWS::Serverless::LayerVersion')) {
    const properties = context.resources[id]!.Properties
    if (isObject(properties) && properties.ContentUri !== undefined) checkArtifactUri(context, {value: properties.ContentUri, path: ['Resources', id, 'Properties', 'ContentUri']}, 'ContentUri')
  }
  for (const fn of functionViews(context)) {
    const packageType = literalString(fn.get('PackageType')?.value)
    const isImage = packageType === 'Image' || (packageType === undefined && hasImageUri(fn))
    checkRuntimeAndHandler(context, fn, isImage)
    checkCode(context, fn, isImage)
    checkRange(context, fn.get('MemorySize'), 'LP3012', 'MemorySize', LAMBDA_LIMITS.memoryMb, 'MB', 'Lambda accepts 128–32768 MB in 1 MB steps; the default is 128.')
    checkRange(context, fn.get('Timeout'), 'LP3013', 'Timeout', LAMBDA_LIMITS.timeoutSeconds, 's', 'Lambda runs a function for at most 900 seconds (15 minutes); the default is 3.')
    const storage = fn.get('EphemeralStorage')
    if (storage && isObject(storage.value)) {
      checkRange(context, {value: storage.value.Size, path: [...storage.path, 'Size']}, 'LP3014', 'EphemeralStorage.Size', LAMBDA_LIMITS.ephemeralStorageMb, 'MB', '/tmp can be 512–10240 MB.')
    }
    checkEnvironment(context, fn)
    checkVpc(context, fn)
    checkLayers(context, fn)
    checkArchitectures(context, fn)
    checkNames(context, fn)
    const reserved = fn.get('ReservedConcurrentExecutions')
    const reservedValue = literalNumber(reserved?.value)
    if (reserved && reservedValue !== undefined && reservedValue < 0) {
      context.report('LP3031', reserved.path, `ReservedConcurrentExecutions must be 0 or more, got ${show(reserved.value)}`, 'Reserve the concurrency the function may use (0 stops every invocation), or remove the property to share the account\'s pool.')
    }
    if (reserved && reservedValue === 0) {
      context.report('LP5006', reserved.path, `${fn.logicalId} has ReservedConcurrentExecutions 0: every invocation is throttled`, 'Zero is the emergency stop for a runaway function. Remove it or set the concurrency the function needs.')
    }
  }
}

function hasImageUri(fn: FunctionView): boolean {
  if (fn.serverless) return fn.get('ImageUri') !== undefined
  const code = fn.get('Code')?.value
  return isObject(code) && code.ImageUri !== undefined
}

const HANDLER_FORMATS: Record<RuntimeFamily, {pattern: RegExp; example: string}> = {
  nodejs: {pattern: /^[^\s]*[^\s/]\.[A-Za-z_$][\w$]*$/, example: 'path/to/file.export (file is .js, .mjs or .cjs), e.g. src/app.handler'},
  python: {pattern: /^[\w\-/.]*\w\.[A-Za-z_]\w*$/, example: 'module.function or package/module.function, e.g. app.lambda_handler'},
  java: {pattern: /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*(::[A-Za-z_$][\w$]*)?$/, example: 'package.Class::method or package.Class, e.g. example.Handler::handleRequest'},
  dotnet: {pattern: /^[^:\s]+::[^:\s]+::[^:\s]+$/, example: 'Assembly::Namespace.Class::Method'},
  ruby: {pattern: /^[\w\-/.]*\w\.[A-Za-z_]\w*[?!]?$/, example: 'file.method, e.g. function.handler'},
  provided: {pattern: /^\S+$/, example: 'any name without spaces (the bootstrap executable reads it)'},
}

function checkRuntimeAndHandler(context: RuleContext, fn: FunctionView, isImage: boolean): void {
  const runtime = fn.get('Runtime')
  const handler = fn.get('Handler')
  if (!isImage && (runtime === undefined || handler === undefined)) {
    const missing = [runtime === undefined ? 'Runtime' : undefined, handler === undefined ? 'Handler' : undefined].filter(Boolean).join(' and ')
    context.report('LP3006', fn.propertiesPath, `${fn.logicalId} is a zip function without ${missing}`, 'A zip function needs both Runtime and Handler (set them on the function or in Globals.Function); a container image function sets PackageType: Image.', {atKey: true})
  }
  const runtimeId = literalString(runtime?.value)
  let family: RuntimeFamily | undefined
  if (runtime && runtimeId !== undefined) {
    const status = runtimeStatus(runtimeId, context.now)
    switch (status.kind) {
      case 'unknown':
        context.report('LP3001', runtime.path, `Unknown runtime ${show(runtimeId)}${status.suggestion ? `; did you mean "${status.suggestion}"?` : ''}`, 'Current runtimes: nodejs24.x, nodejs22.x, python3.14, python3.13, java25, java21, dotnet10, ruby3.4, provided.al2023, …')
        break
      case 'deprecation-soon':
        family = status.runtime.family
        context.report('LP3002', runtime.path, `Runtime ${runtimeId} is deprecated on ${status.runtime.deprecated}: Lambda then creates no new functions with it (updates blocked from ${status.runtime.blockUpdate})`, status.runtime.successor ? `Move to ${status.runtime.successor}.` : undefined)
        break
      case 'create-blocked':
        family = status.runtime.family
        context.report('LP3003', runtime.path, `Runtime ${runtimeId} was deprecated on ${status.runtime.deprecated}: Lambda creates no new functions with it, and blocks updates from ${status.runtime.blockUpdate}`, status.runtime.successor ? `Move to ${status.runtime.successor}.` : undefined)
        break
      case 'retired':
        family = status.runtime.family
        context.report('LP3004', runtime.path, `Runtime ${runtimeId} is retired${status.runtime.blockUpdate ? ` (updates blocked since ${status.runtime.blockUpdate})` : ''}: Lambda neither creates nor updates functions with it`, status.runtime.successor ? `Move to ${status.runtime.successor}.` : undefined)
        break
      case 'supported':
        family = status.runtime.family
    }
  }
  const handlerText = literalString(handler?.value)
  if (handler === undefined || handlerText === undefined) return
  const {min, max} = LAMBDA_LIMITS.handlerLength
  if (handlerText.length < min || handlerText.length > max || /\s/.test(handlerText)) {
    context.report('LP3005', handler.path, `Handler ${show(handlerText)} must be ${min}–${max} characters without whitespace`)
    return
  }
  if (family === undefined) return
  const format = HANDLER_FORMATS[family]
  if (!format.pattern.test(handlerText)) {
    context.report('LP3005', handler.path, `Handler ${show(handlerText)} does not fit runtime ${runtimeId}`, `A ${family} handler is ${format.example}.`)
    return
  }
  if (family === 'python' && !isImage) checkPythonHandlerFile(context, fn, handler, handlerText)
}

/**
 * A Python handler whose module is not in the code folder, or does not define the function, fails every
 * invocation (Runtime.ImportModuleError / HandlerNotFound). A warning, not an error: a Makefile or custom build
 * may generate the module, and a layer may provide it (then a missing module is not reported at all).
 */
function checkPythonHandlerFile(context: RuleContext, fn: FunctionView, handler: Located, handlerText: string): void {
  if (!context.checkFiles || !fn.serverless || fn.get('InlineCode') !== undefined) return
  const codeUri = fn.get('CodeUri')
  const location = codeUri === undefined ? '.' : literalString(codeUri.value)
  if (location === undefined || /^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return
  const codeDir = resolve(dirname(resolve(context.template.file)), location)
  if (!statSync(codeDir, {throwIfNoEntry: false})?.isDirectory()) return
  const found = checkPythonHandler(codeDir, handlerText)
  if (found.kind === 'no-module') {
    const layers = fn.layers()
    if (layers === undefined || layers.length > 0) return
    context.report('LP3033', handler.path, `Handler ${show(handlerText)}: no ${found.candidates.join(' or ')} in ${location}`, 'The module is the path before the last dot, relative to CodeUri: app.lambda_handler needs app.py.')
  } else if (found.kind === 'no-function') {
    context.report('LP3033', handler.path, `Handler ${show(handlerText)}: ${found.file} defines no ${found.functionName} at its top level`, `Define def ${found.functionName}(event, context) in ${found.file}, or fix the Handler.`)
  }
}

function checkCode(context: RuleContext, fn: FunctionView, isImage: boolean): void {
  if (!fn.serverless) return
  const codeUri = fn.get('CodeUri')
  const inline = fn.get('InlineCode')
  if (isImage) {
    const resource = context.resources[fn.logicalId]!
    const metadata = isObject(resource.Metadata) ? resource.Metadata : {}
    if (fn.get('ImageUri') === undefined && metadata.Dockerfile === undefined && metadata.DockerContext === undefined) {
      context.report('LP3008', fn.propertiesPath, `${fn.logicalId} has PackageType Image but no ImageUri`, 'Set ImageUri, or Metadata.Dockerfile and Metadata.DockerContext for a build to produce the image.', {atKey: true})
    }
    return
  }
  if (codeUri !== undefined && inline === undefined) checkArtifactUri(context, codeUri, 'CodeUri')
  // Both may be set: InlineCode wins, as in the SAM translator. Neither: `sam build` and `lpack build` build
  // the template's folder, so this is worth knowing (everything in it is packaged) but not an error.
  if (codeUri === undefined && inline === undefined) {
    context.report('LP3030', fn.propertiesPath, `${fn.logicalId} has no CodeUri: the build packages the template's folder`, 'Set CodeUri to the folder that holds the function\'s code (e.g. src/) so the package holds only that; or set InlineCode.', {atKey: true})
  }
}

/** `CodeUri`/`ContentUri` strings: a local path for lpack build, or s3://bucket/key. */
export function checkArtifactUri(context: RuleContext, located: Located, name: string): void {
  const uri = literalString(located.value)
  if (uri === undefined) return
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    checkLocalPath(context, located, uri, name)
    return
  }
  if (/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[^?]+(\?versionId=[^&]+)?$/.test(uri)) return
  context.report('LP3009', located.path, `${name} ${show(uri)} is neither a local path nor an s3://bucket/key location`, `Point ${name} at a folder or file to build (e.g. src/), or at an object in S3 (s3://my-bucket/path/code.zip).`)
}

/** A local CodeUri/ContentUri must exist, relative to the template's folder (a folder, or a zip or jar file). */
function checkLocalPath(context: RuleContext, located: Located, path: string, name: string): void {
  if (!context.checkFiles) return
  const projectDir = dirname(resolve(context.template.file))
  if (statSync(resolve(projectDir, path), {throwIfNoEntry: false}) !== undefined) return
  context.report('LP3032', located.path, `${name} ${show(path)} does not exist`, `${name} is relative to the template's folder (${projectDir}); fix the path or create the folder.`)
}

function checkRange(context: RuleContext, located: Located | undefined, code: 'LP3012' | 'LP3013' | 'LP3014', name: string, range: {min: number; max: number}, unit: string, hint: string): void {
  if (located === undefined) return
  const value = literalNumber(located.value)
  if (value === undefined) return
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    context.report(code, located.path, `${name} must be an integer between ${range.min} and ${range.max} ${unit}, got ${show(located.value)}`, hint)
  }
}

function checkEnvironment(context: RuleContext, fn: FunctionView): void {
  const variables = fn.environmentVariables()
  let bytes = 0
  for (const variable of variables) {
    const keyPath = variable.path
    if (RESERVED_ENVIRONMENT_VARIABLES.has(variable.name)) {
      context.report('LP3015', keyPath, `Environment variable ${variable.name} is reserved by Lambda and cannot be set`, 'Lambda sets it for every function; pick another name.', {atKey: true})
    } else if (!LAMBDA_LIMITS.environmentKeyPattern.test(variable.name)) {
      context.report('LP3017', keyPath, `Environment variable name ${show(variable.name)} is not allowed`, 'Names start with a letter, then letters, digits and _ (at least 2 characters).', {atKey: true})
    }
    const value = variable.value
    bytes += Buffer.byteLength(variable.name) + (typeof value === 'string' ? Buffer.byteLength(value) : typeof value === 'number' || typeof value === 'boolean' ? String(value).length : 0)
  }
  if (bytes > LAMBDA_LIMITS.environmentBytes) {
    const environment = fn.get('Environment')
    context.report('LP3016', environment?.path ?? fn.propertiesPath, `${fn.logicalId}'s environment variables take ${bytes} bytes; Lambda allows ${LAMBDA_LIMITS.environmentBytes} (4 KB)`, 'Move large values to SSM Parameter Store, Secrets Manager or S3 and read them at start-up.', {atKey: true})
  }
}

function checkVpc(context: RuleContext, fn: FunctionView): void {
  const vpc = fn.get('VpcConfig')
  if (vpc === undefined || !isObject(vpc.value)) return
  const subnets = vpc.value.SubnetIds
  const groups = vpc.value.SecurityGroupIds
  if ((subnets === undefined) !== (groups === undefined)) {
    const [present, missing] = subnets === undefined ? ['SecurityGroupIds', 'SubnetIds'] : ['SubnetIds', 'SecurityGroupIds']
    context.report('LP3018', [...vpc.path, present], `${fn.logicalId}'s VpcConfig has ${present} but no ${missing}`, 'Lambda needs both SubnetIds and SecurityGroupIds to attach a function to a VPC.', {atKey: true})
  }
  if (Array.isArray(subnets) && subnets.length > LAMBDA_LIMITS.vpc.maxSubnets) {
    context.report('LP3018', [...vpc.path, 'SubnetIds'], `${fn.logicalId}'s VpcConfig lists ${subnets.length} subnets; Lambda allows ${LAMBDA_LIMITS.vpc.maxSubnets}`)
  }
  if (Array.isArray(groups) && groups.length > LAMBDA_LIMITS.vpc.maxSecurityGroups) {
    context.report('LP3018', [...vpc.path, 'SecurityGroupIds'], `${fn.logicalId}'s VpcConfig lists ${groups.length} security groups; Lambda allows ${LAMBDA_LIMITS.vpc.maxSecurityGroups}`)
  }
}

function checkLayers(context: RuleContext, fn: FunctionView): void {
  const layers = fn.layers()
  if (layers === undefined || layers.length <= LAMBDA_LIMITS.layersPerFunction) return
  const sixth = layers[LAMBDA_LIMITS.layersPerFunction]!
  context.report('LP3019', sixth.path, `${fn.logicalId} uses ${layers.length} layers; Lambda allows ${LAMBDA_LIMITS.layersPerFunction}`, 'Merge layers, or bundle dependencies into the function.')
}

function checkArchitectures(context: RuleContext, fn: FunctionView): void {
  const architectures = fn.get('Architectures')
  if (architectures === undefined || !Array.isArray(architectures.value) || architectures.value.length === 1) return
  context.report('LP3020', architectures.path, `Architectures must list exactly one of x86_64 or arm64, got ${show(architectures.value)}`, 'A function runs on one architecture: [x86_64] or [arm64].')
}

function checkNames(context: RuleContext, fn: FunctionView): void {
  const name = fn.getOwn('FunctionName')
  const nameText = literalString(name?.value)
  if (name && nameText !== undefined && nameText.length > LAMBDA_LIMITS.functionNameLength) {
    context.report('LP3021', name.path, `FunctionName ${show(nameText)} is ${nameText.length} characters; Lambda allows ${LAMBDA_LIMITS.functionNameLength}`)
  }
  const description = fn.get('Description')
  const descriptionText = literalString(description?.value)
  if (description && descriptionText !== undefined && descriptionText.length > LAMBDA_LIMITS.descriptionLength) {
    context.report('LP3021', description.path, `Description is ${descriptionText.length} characters; Lambda allows ${LAMBDA_LIMITS.descriptionLength}`)
  }
}
