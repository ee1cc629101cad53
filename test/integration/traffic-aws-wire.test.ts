import {CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand} from '@aws-sdk/client-cloudwatch'
import {CreateAliasCommand, CreateFunctionCommand, LambdaClient, UpdateFunctionCodeCommand} from '@aws-sdk/client-lambda'
import yazl from 'yazl'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {AwsSession} from '../../src/aws/clients.js'
import {alarmOperations} from '../../src/aws/cloudwatch.js'
import {lambdaOperations} from '../../src/aws/lambda.js'
import {awsCli} from '../support/aws-cli.js'
import {MOTO_ACCOUNT_ID, MOTO_REGION, type MotoServer, startMoto} from '../support/moto.js'

/**
 * The typed Lambda and CloudWatch operations of the traffic engine over the real wire protocol (moto): what the
 * engine's unit tests take from the in-memory fakes must hold for UpdateAlias RoutingConfig, PublishVersion,
 * GetFunctionConfiguration and DescribeAlarms as AWS's SDK sends and parses them.
 */
let moto: MotoServer
let lambda: LambdaClient
const ROLE = `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/app`

function zip(text: string): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const archive = new yazl.ZipFile()
    archive.addBuffer(Buffer.from(text), 'index.js', {mtime: new Date(0)})
    archive.end()
    const chunks: Buffer[] = []
    archive.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve(Buffer.concat(chunks)))
  })
}

beforeAll(async () => {
  moto = await startMoto()
  const trust = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: 'lambda.amazonaws.com'}, Action: 'sts:AssumeRole'}]})
  const role = await awsCli(moto.endpoint, moto.env, ['iam', 'create-role', '--role-name', 'app', '--assume-role-policy-document', trust])
  if (role.exitCode !== 0) throw new Error(role.stderr)
  lambda = new LambdaClient({endpoint: moto.endpoint, region: MOTO_REGION, credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'}})
})

afterAll(async () => {
  lambda?.destroy()
  await moto?.stop()
})

function session(): AwsSession {
  process.env.AWS_ACCESS_KEY_ID = 'testing'
  process.env.AWS_SECRET_ACCESS_KEY = 'testing'
  return new AwsSession({endpointUrl: moto.endpoint, region: MOTO_REGION})
}

describe('#16.3 typed Lambda operations over the wire', () => {
  it('PublishVersion, GetFunctionConfiguration, UpdateAlias with RoutingConfig and back, GetAlias', async () => {
    await lambda.send(new CreateFunctionCommand({FunctionName: 'wire', Runtime: 'nodejs22.x', Role: ROLE, Handler: 'index.handler', Code: {ZipFile: await zip('exports.handler = async () => 1')}}))
    const ops = lambdaOperations(() => session().lambda())
    const first = await ops.publishVersion('wire', 'first')
    expect(first).toMatchObject({functionName: 'wire', version: '1', role: ROLE})
    expect(first.arn).toMatch(/:function:wire:1$/)
    // As on AWS, publishing unchanged code gives back the version that has it.
    expect((await ops.publishVersion('wire')).version).toBe('1')
    await lambda.send(new UpdateFunctionCodeCommand({FunctionName: 'wire', ZipFile: await zip('exports.handler = async () => 2')}))
    const second = await ops.publishVersion('wire')
    expect(second.version).toBe('2')
    expect(await ops.getVersion('wire', '2')).toMatchObject({version: '2', role: ROLE})
    expect(await ops.getVersion('wire', '99')).toBeUndefined()
    expect((await ops.listVersions('wire')).map((version) => version.version)).toEqual(['$LATEST', '1', '2'])

    await lambda.send(new CreateAliasCommand({FunctionName: 'wire', Name: 'live', FunctionVersion: '1'}))
    expect(await ops.getAlias('wire', 'missing')).toBeUndefined()
    const weighted = await ops.updateAlias('wire', 'live', {functionVersion: '1', additional: {version: '2', weight: 0.3}, description: 'lpack-release:{}'})
    expect(weighted).toMatchObject({name: 'live', functionVersion: '1', additional: {version: '2', weight: 0.3}, description: 'lpack-release:{}'})
    expect(await ops.getAlias('wire', 'live')).toMatchObject({functionVersion: '1', additional: {version: '2', weight: 0.3}})
    const released = await ops.updateAlias('wire', 'live', {functionVersion: '2', description: ''})
    expect(released.functionVersion).toBe('2')
    expect(released.additional).toBeUndefined()
    expect(released.arn).toMatch(/:function:wire:live$/)
  })
})

describe('#16.3 typed CloudWatch alarms over the wire', () => {
  it('DescribeAlarms: the named alarms and their states, unknown names left out', async () => {
    const cloudWatch = new CloudWatchClient({endpoint: moto.endpoint, region: MOTO_REGION, credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'}})
    for (const name of ['b-errors', 'a-throttles']) {
      await cloudWatch.send(new PutMetricAlarmCommand({AlarmName: name, Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold'}))
    }
    await cloudWatch.send(new SetAlarmStateCommand({AlarmName: 'b-errors', StateValue: 'ALARM', StateReason: 'errors seen'}))
    cloudWatch.destroy()
    const states = await alarmOperations(() => session().cloudWatch()).describeAlarms(['b-errors', 'a-throttles', 'nope'])
    expect(states.map((state) => [state.name, state.state])).toEqual([['a-throttles', expect.stringMatching(/^(OK|INSUFFICIENT_DATA)$/)], ['b-errors', 'ALARM']])
    expect(states[1]!.reason).toBe('errors seen')
  })
})
