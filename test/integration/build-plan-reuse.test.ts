import {chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {buildProject} from '../../src/core/build/index.js'
import {LpackError} from '../../src/errors.js'
import {RecordingReporter} from '../../src/io/reporter.js'

// A build whose template is unchanged reuses the last plan instead of parsing the template, and leaves the built
// template.yaml and manifest.json alone when they would be the same: every change to the template must still show.
const TEMPLATE = `Transform: AWS::Serverless-2016-10-31
Resources:
  First:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: first/, Handler: unused, Runtime: provided.al2023, Description: one}
`
const SECOND = `  Second:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: second/, Handler: unused, Runtime: provided.al2023}
`
const BOOTSTRAP = '#!/bin/sh\necho hello\n'

let root: string
let project: string
let templateFile: string
let buildDir: string

const build = (parameters?: Record<string, string>) => buildProject({templateFile, reporter: new RecordingReporter(), ...(parameters ? {parameters} : {})})
const stamp = async (file: string) => {
  const info = await stat(file)
  return {ino: info.ino, mtimeMs: info.mtimeMs}
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lpack-build-plan-'))
  project = join(root, 'app')
  for (const name of ['first', 'second', 'third']) {
    await mkdir(join(project, name), {recursive: true})
    await writeFile(join(project, name, 'bootstrap'), BOOTSTRAP)
    await chmod(join(project, name, 'bootstrap'), 0o755)
  }
  templateFile = join(project, 'template.yaml')
  buildDir = join(project, '.lpack/build')
  await writeFile(templateFile, TEMPLATE)
})

afterAll(async () => {
  await rm(root, {recursive: true, force: true})
})

describe('lpack build: reusing the last plan', () => {
  it('leaves the built template.yaml and manifest.json untouched when nothing changed', async () => {
    await build()
    const second = await build()
    expect(second.units.map((u) => [u.logicalId, u.cached])).toEqual([['First', true]])
    const before = {template: await stamp(join(buildDir, 'template.yaml')), manifest: await stamp(join(buildDir, 'manifest.json'))}
    const third = await build()
    expect(third.manifest).toEqual(second.manifest)
    expect({template: await stamp(join(buildDir, 'template.yaml')), manifest: await stamp(join(buildDir, 'manifest.json'))}).toEqual(before)
  })

  it('builds a function added to the template', async () => {
    await writeFile(templateFile, TEMPLATE + SECOND)
    const result = await build()
    expect(result.units.map((u) => [u.logicalId, u.cached])).toEqual([
      ['First', true],
      ['Second', false],
    ])
    expect(result.manifest.artifacts.map((a) => a.logicalId)).toEqual(['First', 'Second'])
    expect(await readFile(join(buildDir, 'template.yaml'), 'utf8')).toContain('CodeUri: artifacts/Second.zip')
  })

  it('carries a change the plan does not see into the built template.yaml', async () => {
    await writeFile(templateFile, (TEMPLATE + SECOND).replace('Description: one', 'Description: two'))
    const result = await build()
    expect(result.units.every((u) => u.cached)).toBe(true)
    expect(await readFile(join(buildDir, 'template.yaml'), 'utf8')).toMatch(/Description: two/)
  })

  it('plans again when a parameter changes where the code is', async () => {
    await writeFile(templateFile, `Parameters:\n  Code: {Type: String, Default: first/}\n${TEMPLATE.replace('CodeUri: first/', 'CodeUri: !Ref Code')}`)
    const first = await build()
    const third = await build({Code: 'third/'})
    expect(third.plan.units[0]!.codePath).toBe(join(project, 'third'))
    expect(third.manifest.artifacts[0]!.inputsHash).not.toBe(first.manifest.artifacts[0]!.inputsHash)
  })

  it('writes the built template.yaml again when it was removed', async () => {
    await writeFile(templateFile, TEMPLATE)
    await build()
    await rm(join(buildDir, 'template.yaml'))
    await build()
    expect(await readFile(join(buildDir, 'template.yaml'), 'utf8')).toContain('CodeUri: artifacts/First.zip')
  })

  it('leaves no manifest when the build after a no-op fails', async () => {
    await build()
    await writeFile(templateFile, TEMPLATE.replace('CodeUri: first/', 'CodeUri: missing/'))
    const error = await build().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LpackError)
    await expect(stat(join(buildDir, 'manifest.json'))).rejects.toThrow()
  })
})
