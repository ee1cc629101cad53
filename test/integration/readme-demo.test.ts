import {execFile} from 'node:child_process'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {PROJECT_ROOT} from '../support/cli.js'

const exec = promisify(execFile)

// #17.1: the README's first command, literally as written, in a fresh clone of the repository: lpack local is
// started and stopped by it, examples/shop is validated, built, deployed, invoked through the Lambda API, released
// by canary with a passing PreTraffic hook, and a broken release is rolled back by its failing hook.
let clone: string

beforeAll(async () => {
  clone = await mkdtemp(join(tmpdir(), 'lpack-readme-'))
  await exec('git', ['clone', '--quiet', PROJECT_ROOT, clone])
})

afterAll(async () => {
  if (clone) await rm(clone, {recursive: true, force: true})
})

/** The first fenced command under the README's "Try it" heading. */
async function readmeFirstCommand(): Promise<string> {
  const readme = await readFile(join(clone, 'README.md'), 'utf8')
  const section = readme.split(/^## /m).find((part) => part.startsWith('Try it'))
  const command = section && /```\n([^\n]+)\n```/.exec(section)?.[1]
  if (!command) throw new Error('README.md has no command under "## Try it"')
  return command
}

describe("#17.1 the README's first command", () => {
  it('runs the main job end to end on the local AWS in a fresh clone', {timeout: 600_000}, async () => {
    const command = await readmeFirstCommand()
    expect(command).toBe('npm ci && npm run demo')
    const {stdout, stderr} = await exec('sh', ['-c', command], {cwd: clone, timeout: 590_000, maxBuffer: 64 * 1024 * 1024, env: {...process.env, CI: 'true'}})
    const output = stdout + stderr
    expect(output).toMatch(/Stack lpack-demo-shop CREATE_COMPLETE/)
    // A real invoke result: the function's own answer, through the Lambda API.
    expect(output).toMatch(/invoked live \(version 1\): 201 \{"totalCents":1120\}/)
    expect(output).toMatch(/PreTraffic hook Lambda \S+ passed/)
    expect(output).toMatch(/canary release finished: live → version 2, hook passed; answer now 201 \{"totalCents":1120,"currency":"EUR"\}/)
    expect(output).toMatch(/rolled back: version 2 takes all traffic/)
    expect(output).toMatch(/broken release rolled back \(lpack deploy exited 1\): live stays on version 2/)
    expect(output).toMatch(/^stopped http:\/\/127\.0\.0\.1:\d+$/m)
  })
})
