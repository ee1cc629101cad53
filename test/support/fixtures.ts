import {cp, mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {CreateBucketCommand} from '@aws-sdk/client-s3'

import type {FaultProxy} from './fault-proxy.js'
import {type LocalAws, startLocalAws} from './local-aws.js'

/** test/fixtures/deploy: the projects deploy tests copy (app, sam-app, …). */
export const DEPLOY_FIXTURES = new URL('../fixtures/deploy/', import.meta.url).pathname

/** What a deploy test needs: the local AWS (moto behind the fault proxy), its bucket, and a scratch folder. */
export interface DeployFixture {
  aws: LocalAws
  proxy: FaultProxy
  env: NodeJS.ProcessEnv
  sdk: LocalAws['sdk']
  /** The scratch folder projects are copied into (removed by stop). */
  work: string
  /** A copy of test/fixtures/deploy/<fixture> at <work>/<name>. */
  project(fixture: string, name: string): Promise<string>
  /** Stops the local AWS and removes the scratch folder. */
  stop(): Promise<void>
}

/** Starts the local AWS, creates `bucket` in it and a scratch folder named after `name`. */
export async function startDeployFixture(options: {name: string; bucket: string}): Promise<DeployFixture> {
  const aws = await startLocalAws()
  let work: string | undefined
  try {
    work = await mkdtemp(join(tmpdir(), `lpack-${options.name}-`))
    await aws.sdk.s3.send(new CreateBucketCommand({Bucket: options.bucket}))
  } catch (error) {
    await aws.stop()
    if (work) await rm(work, {recursive: true, force: true})
    throw error
  }
  const scratch = work
  return {
    aws,
    proxy: aws.proxy,
    env: aws.env,
    sdk: aws.sdk,
    work: scratch,
    async project(fixture, name) {
      const dir = join(scratch, name)
      await cp(join(DEPLOY_FIXTURES, fixture), dir, {recursive: true})
      return dir
    },
    async stop() {
      await aws.stop()
      await rm(scratch, {recursive: true, force: true})
    },
  }
}

/**
 * A SAM template of functions, each a flow mapping of its properties (`{CodeUri: src/, Handler: app.handler, …}`),
 * then `extra` lines (a function's Metadata, more resources) as written.
 */
export function samFunctionsTemplate(functions: Record<string, Record<string, string>>, extra = ''): string {
  const resources = Object.entries(functions).map(([id, properties]) => {
    const flow = Object.entries(properties).map(([key, value]) => `${key}: ${value}`).join(', ')
    return `  ${id}:\n    Type: AWS::Serverless::Function\n    Properties: {${flow}}\n`
  })
  return `Transform: AWS::Serverless-2016-10-31\nResources:\n${resources.join('')}${extra}`
}

/** Writes a project's files (path relative to `dir` → content), making the folders they need. */
export async function writeFiles(dir: string, files: Readonly<Record<string, string>>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), {recursive: true})
    await writeFile(join(dir, path), content)
  }
}
