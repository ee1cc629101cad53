import {cp, mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {EVENT_KINDS} from '../../src/core/events.js'
import {type CliResult, runLpack} from '../support/cli.js'
import {type LocalAws, startLocalAws} from '../support/local-aws.js'

// #12.3: every command behaves alike under --json — stdout is exactly one JSON document (the result), and
// progress goes to stderr as JSON lines only, one event per line — whether it builds locally or deploys to AWS.

const FIXTURE = new URL('../fixtures/deploy/app', import.meta.url).pathname

let aws: LocalAws
let project: string

beforeAll(async () => {
  aws = await startLocalAws()
  project = await mkdtemp(join(tmpdir(), 'lpack-events-'))
  await cp(FIXTURE, project, {recursive: true})
})

afterAll(async () => {
  await aws?.stop()
  if (project) await rm(project, {recursive: true, force: true})
})

/** The --json contract, the same for every command: one document on stdout, only event lines on stderr. */
function jsonRun(result: CliResult): {document: Record<string, unknown>; events: {time: string; level: string; kind: string; message: string; id?: string; final?: boolean; data: Record<string, unknown>}[]} {
  expect(result.exitCode, result.stderr).toBe(0)
  const document = JSON.parse(result.stdout)
  const lines = result.stderr.split('\n').filter((line) => line !== '')
  const events = lines.map((line) => JSON.parse(line))
  for (const event of events) {
    expect(Object.keys(event).filter((key) => key !== 'id' && key !== 'final')).toEqual(['time', 'level', 'kind', 'message', 'data'])
    expect(Object.keys(EVENT_KINDS)).toContain(event.kind)
    expect(event.level).toBe(EVENT_KINDS[event.kind as keyof typeof EVENT_KINDS].level)
    expect(Number.isNaN(Date.parse(event.time))).toBe(false)
  }
  return {document, events}
}

describe('--json progress is the same for build and deploy (#12.3)', () => {
  it('#12.3 build --json and deploy --json both stream JSON event lines on stderr beside one document on stdout', async () => {
    const build = jsonRun(await runLpack(['build', '--json'], {cwd: project, env: aws.env}))
    expect(build.document.artifacts).toHaveLength(2)
    expect(build.events.filter((e) => e.kind === 'build.done').map((e) => `${e.id} ${e.final} ${e.data.logicalId} ${e.data.cached}`).sort()).toEqual(['HelloFn true HelloFn false', 'WorldFn true WorldFn false'])
    expect(build.events.find((e) => e.kind === 'build.start')).toMatchObject({level: 'info', message: expect.stringMatching(/^… (Hello|World)Fn building/), final: false})

    const deploy = jsonRun(await runLpack(['deploy', '--stack-name', `lpack-events-${process.pid}`, '--resolve-s3', '--json'], {cwd: project, env: aws.env}))
    expect(deploy.document).toMatchObject({kind: 'deployed', status: 'CREATE_COMPLETE'})
    const kinds = new Set(deploy.events.map((e) => e.kind))
    for (const kind of ['build.done', 'package.upload.done', 'deploy.changeset', 'deploy.event', 'deploy.done']) expect(kinds, kind).toContain(kind)
    // The same event kinds carry the same shape from either command.
    expect(deploy.events.filter((e) => e.kind === 'build.done').map((e) => `${e.data.logicalId} ${e.data.cached}`).sort()).toEqual(['HelloFn true', 'WorldFn true'])
    // A warning goes to stderr like any event, and into the document, where a script reading stdout finds it.
    expect(deploy.events.find((e) => e.kind === 'package.bucket.no-tls-policy')).toMatchObject({level: 'warn'})
    expect(deploy.document.warnings).toEqual([expect.objectContaining({kind: 'package.bucket.no-tls-policy'})])
  })

  it('#12.3 without --json both commands write the same kinds as lines for people, never JSON', async () => {
    const build = await runLpack(['build', '--no-cache'], {cwd: project, env: aws.env})
    expect(build.exitCode, build.stderr).toBe(0)
    expect(build.stderr).toMatch(/^✓ HelloFn built in \d+ ms$/m)
    expect(build.stderr.split('\n').some((line) => line.startsWith('{'))).toBe(false)
    const deploy = await runLpack(['deploy', '--stack-name', `lpack-events-${process.pid}`, '--resolve-s3', '--yes'], {cwd: project, env: aws.env})
    expect(deploy.exitCode, deploy.stderr).toBe(0)
    expect(deploy.stderr).toContain('✓ HelloFn (cached)')
    expect(deploy.stderr).toContain(`No changes to deploy to stack lpack-events-${process.pid}`)
    expect(deploy.stderr.split('\n').some((line) => line.startsWith('{'))).toBe(false)
  })
})
