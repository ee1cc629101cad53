/**
 * Typed Lambda operations for traffic shifting: aliases with their routing, versions with what Lambda's alias
 * rules compare (role, dead-letter target), publishing and synchronous invokes. Callers get lpack's own types,
 * never SDK shapes, so core code can run against an in-memory implementation of `LambdaOperations`.
 */
import type {LambdaClient} from '@aws-sdk/client-lambda'

import {awsError, awsErrorName} from './errors.js'

export interface AliasRouting {
  /** The version the alias points at (it gets `1 - weight` of the traffic when `additional` is set). */
  functionVersion: string
  /** The second version and its share, 0–1; absent when all traffic goes to `functionVersion`. */
  additional?: {version: string; weight: number}
}

export interface AliasInfo extends AliasRouting {
  functionName: string
  name: string
  arn: string
  description: string
  revisionId?: string
}

export interface VersionInfo {
  functionName: string
  /** `$LATEST` or a number. */
  version: string
  arn: string
  role?: string
  deadLetterTargetArn?: string
  codeSha256?: string
}

export interface InvokeOutcome {
  statusCode: number
  /** Lambda's X-Amz-Function-Error: `Unhandled`, `Handled`, … when the function failed. */
  functionError?: string
  payload: string
  executedVersion?: string
}

export interface AliasUpdate extends AliasRouting {
  description?: string
}

/** What lpack's traffic engine needs of Lambda. */
export interface LambdaOperations {
  getAlias(functionName: string, alias: string): Promise<AliasInfo | undefined>
  updateAlias(functionName: string, alias: string, update: AliasUpdate): Promise<AliasInfo>
  getVersion(functionName: string, version: string): Promise<VersionInfo | undefined>
  listVersions(functionName: string): Promise<VersionInfo[]>
  publishVersion(functionName: string, description?: string): Promise<VersionInfo>
  invoke(functionName: string, payload: string, qualifier?: string): Promise<InvokeOutcome>
}

/** LambdaOperations over a real (or local) Lambda endpoint. */
export function lambdaOperations(client: () => Promise<LambdaClient>): LambdaOperations {
  const sdk = () => import('@aws-sdk/client-lambda')
  return {
    async getAlias(functionName, alias) {
      const {GetAliasCommand} = await sdk()
      try {
        const answer = await (await client()).send(new GetAliasCommand({FunctionName: functionName, Name: alias}))
        return toAlias(functionName, answer)
      } catch (error) {
        if (awsErrorName(error) === 'ResourceNotFoundException') return undefined
        throw awsError(error, `Reading alias ${functionName}:${alias}`)
      }
    },
    async updateAlias(functionName, alias, update) {
      const {UpdateAliasCommand} = await sdk()
      try {
        const answer = await (await client()).send(new UpdateAliasCommand({
          FunctionName: functionName,
          Name: alias,
          FunctionVersion: update.functionVersion,
          // An empty map clears the second version (Lambda's way to send all traffic to FunctionVersion).
          RoutingConfig: {AdditionalVersionWeights: update.additional === undefined ? {} : {[update.additional.version]: update.additional.weight}},
          ...(update.description === undefined ? {} : {Description: update.description}),
        }))
        return toAlias(functionName, answer)
      } catch (error) {
        throw awsError(error, `Updating alias ${functionName}:${alias}`)
      }
    },
    async getVersion(functionName, version) {
      const {GetFunctionConfigurationCommand} = await sdk()
      try {
        const answer = await (await client()).send(new GetFunctionConfigurationCommand({FunctionName: functionName, Qualifier: version}))
        return toVersion(functionName, answer)
      } catch (error) {
        if (awsErrorName(error) === 'ResourceNotFoundException') return undefined
        throw awsError(error, `Reading version ${version} of ${functionName}`)
      }
    },
    async listVersions(functionName) {
      const {ListVersionsByFunctionCommand} = await sdk()
      const versions: VersionInfo[] = []
      let marker: string | undefined
      try {
        do {
          const page = await (await client()).send(new ListVersionsByFunctionCommand({FunctionName: functionName, Marker: marker}))
          versions.push(...(page.Versions ?? []).map((version) => toVersion(functionName, version)))
          marker = page.NextMarker
        } while (marker)
      } catch (error) {
        throw awsError(error, `Listing versions of ${functionName}`)
      }
      return versions
    },
    async publishVersion(functionName, description) {
      const {PublishVersionCommand} = await sdk()
      try {
        const answer = await (await client()).send(new PublishVersionCommand({FunctionName: functionName, ...(description === undefined ? {} : {Description: description})}))
        return toVersion(functionName, answer)
      } catch (error) {
        throw awsError(error, `Publishing a version of ${functionName}`)
      }
    },
    async invoke(functionName, payload, qualifier) {
      const {InvokeCommand} = await sdk()
      try {
        const answer = await (await client()).send(new InvokeCommand({FunctionName: functionName, Payload: new TextEncoder().encode(payload), InvocationType: 'RequestResponse', ...(qualifier === undefined ? {} : {Qualifier: qualifier})}))
        return {
          statusCode: answer.StatusCode ?? 200,
          ...(answer.FunctionError ? {functionError: answer.FunctionError} : {}),
          payload: answer.Payload === undefined ? '' : new TextDecoder().decode(answer.Payload),
          ...(answer.ExecutedVersion ? {executedVersion: answer.ExecutedVersion} : {}),
        }
      } catch (error) {
        throw awsError(error, `Invoking ${functionName}${qualifier === undefined ? '' : `:${qualifier}`}`)
      }
    },
  }
}

interface SdkAlias {
  AliasArn?: string
  Name?: string
  FunctionVersion?: string
  Description?: string
  RevisionId?: string
  RoutingConfig?: {AdditionalVersionWeights?: Record<string, number>}
}

function toAlias(functionName: string, alias: SdkAlias): AliasInfo {
  const weights = Object.entries(alias.RoutingConfig?.AdditionalVersionWeights ?? {})
  const [additional] = weights
  return {
    functionName,
    name: alias.Name ?? '',
    arn: alias.AliasArn ?? '',
    functionVersion: alias.FunctionVersion ?? '',
    description: alias.Description ?? '',
    ...(alias.RevisionId ? {revisionId: alias.RevisionId} : {}),
    ...(additional === undefined ? {} : {additional: {version: additional[0], weight: Number(additional[1])}}),
  }
}

interface SdkVersion {
  FunctionName?: string
  FunctionArn?: string
  Version?: string
  Role?: string
  DeadLetterConfig?: {TargetArn?: string}
  CodeSha256?: string
}

function toVersion(functionName: string, version: SdkVersion): VersionInfo {
  return {
    functionName: version.FunctionName ?? functionName,
    version: version.Version ?? '$LATEST',
    arn: version.FunctionArn ?? '',
    ...(version.Role ? {role: version.Role} : {}),
    ...(version.DeadLetterConfig?.TargetArn ? {deadLetterTargetArn: version.DeadLetterConfig.TargetArn} : {}),
    ...(version.CodeSha256 ? {codeSha256: version.CodeSha256} : {}),
  }
}
