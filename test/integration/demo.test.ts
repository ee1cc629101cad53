import {cp, mkdir, mkdtemp, rm} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {PROJECT_ROOT, run, runLpack} from '../support/cli.js'

// examples/hello-node (the README's first command before `npm run demo` became the local-AWS demo) on a copy: validate, build, call the built
// handler in plain Node.js, then `lpack invoke`. The copy sits inside the repository (test/.tmp) so that it
// resolves packages and its nearest package.json as the example itself does.
let project: string

beforeAll(async () => {
  await mkdir(join(PROJECT_ROOT, 'test/.tmp'), {recursive: true})
  project = await mkdtemp(join(PROJECT_ROOT, 'test/.tmp/demo-'))
  await cp(join(PROJECT_ROOT, 'examples/hello-node'), project, {recursive: true, filter: (source) => !source.includes('.lpack')})
})

afterAll(async () => {
  if (project) await rm(project, {recursive: true, force: true})
})

describe('examples/hello-node', () => {
  it('validates, builds, calls the built handler in plain Node.js, and invokes it with lpack invoke', async () => {
    const template = join(project, 'template.yaml')
    expect((await runLpack(['validate', '-t', template])).exitCode).toBe(0)
    expect((await runLpack(['build', '-t', template])).exitCode).toBe(0)
    const called = await run(process.execPath, [join(project, 'call-built.mjs')])
    expect(called.stdout).toContain(`HelloFunction (hello.handler) → { statusCode: 200, body: '{"message":"hello lpack"}' }`)
    const invoked = await runLpack(['invoke', 'HelloFunction', '-t', template, '--event', join(project, 'event.json')])
    expect(invoked.exitCode, invoked.stderr).toBe(0)
    expect(JSON.parse(invoked.stdout)).toEqual({statusCode: 200, body: JSON.stringify({message: 'hello lpack invoke'})})
    expect(invoked.stderr).toMatch(/^REPORT RequestId: .*Init Duration: /m)
  })
})
