import {cp, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {PROJECT_ROOT, runLpack} from '../support/cli.js'

// lpack.config.yaml's build section: BuildProperties defaults and size budgets, by environment.
const CONFIG = `version: 1
environments:
  default:
    build:
      defaults:
        nodejs: {Sourcemap: true}
  strict:
    build:
      budgets:
        default: {zippedBytes: 100}
  typo:
    build:
      defualts: {}
`

let root: string
let project: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lpack-build-config-'))
  project = join(root, 'hello')
  await cp(join(PROJECT_ROOT, 'examples/hello-node'), project, {recursive: true, filter: (source) => !/[/]\.lpack([/]|$)/.test(source)})
})

afterAll(async () => {
  await rm(root, {recursive: true, force: true})
})

function manifest(stdout: string) {
  return JSON.parse(stdout) as {artifacts: {logicalId: string; files: number; zippedBytes: number}[]}
}

describe('lpack build with lpack.config.yaml', () => {
  it('applies BuildProperties defaults from the config (a source map per function)', async () => {
    const plain = await runLpack(['build', '--json'], {cwd: project})
    expect(plain.exitCode).toBe(0)
    expect(manifest(plain.stdout).artifacts[0]!.files).toBe(1)
    await writeFile(join(project, 'lpack.config.yaml'), CONFIG)
    const configured = await runLpack(['build', '--json'], {cwd: project})
    expect(configured.exitCode).toBe(0)
    expect(manifest(configured.stdout).artifacts[0]!.files).toBe(2)
  })

  it('fails the build when a function is over its budget (exit 1), per environment', async () => {
    const result = await runLpack(['build', '--config-env', 'strict'], {cwd: project})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toMatch(/SIZE_LIMIT_EXCEEDED.*HelloFunction: zip is \d+ bytes, over its budget of 100/)
  })

  it('names a key the build does not know (exit 2)', async () => {
    const result = await runLpack(['build', '--config-env', 'typo'], {cwd: project})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('environments.typo.build.defualts is not a flag of `lpack build`')
  })

  it('a missing environment is a usage error', async () => {
    const result = await runLpack(['build', '--config-env', 'nope'], {cwd: project})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('has no environment named nope')
  })
})
