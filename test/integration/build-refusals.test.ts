import {mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {buildProject} from '../../src/core/build/index.js'
import {LpackError} from '../../src/errors.js'
import {RecordingReporter} from '../../src/io/reporter.js'
import {runLpack} from '../support/cli.js'
import {extractZip} from '../support/zip.js'

// What `lpack build` refuses (issue #11, item 5), through the CLI, with runtimes that use the plain folder builder
// (ruby, a layer without BuildMethod) and the provided builder, so no toolchain is needed.
let root: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lpack-build-refusals-'))
  // What a link could leak: a file outside every project folder.
  await writeFile(join(root, 'id_rsa'), '-----BEGIN OPENSSH PRIVATE KEY-----\nsecret\n')
})

afterAll(async () => {
  await rm(root, {recursive: true, force: true})
})

async function project(name: string, template: string, files: Record<string, string>): Promise<string> {
  const dir = join(root, name)
  await mkdir(dir, {recursive: true})
  await writeFile(join(dir, 'template.yaml'), template)
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), {recursive: true})
    await writeFile(join(dir, path), content)
  }
  return dir
}

const RUBY = (extra = '') => `Transform: AWS::Serverless-2016-10-31
Resources:
  Greeter:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: greeter/, Handler: app.handler, Runtime: ruby3.4}
${extra}`

describe('lpack build refuses', () => {
  it('#11.5 refuses a symlink that points outside the code folder, naming the link', async () => {
    const dir = await project('outside-link', RUBY(), {'greeter/app.rb': 'def handler(event:, context:) = 1\n'})
    await symlink(join(root, 'id_rsa'), join(dir, 'greeter/key.pem'))
    const result = await runLpack(['build'], {cwd: dir})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('Greeter: the symbolic link key.pem')
    expect(result.stderr).toContain(`points outside that folder, to ${join(root, 'id_rsa')}`)
    expect(result.stderr).toContain('AllowExternalSymlinks')
  })

  it('#11.5 refuses a link out of a layer folder and out of a provided function folder', async () => {
    const dir = await project('outside-link-layer', `Transform: AWS::Serverless-2016-10-31
Resources:
  Tools:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: layer/}
  Custom:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: custom/, Handler: x, Runtime: provided.al2023}
`, {'layer/bin/tool': 'echo\n', 'custom/bootstrap': '#!/bin/sh\n'})
    await symlink('/etc/passwd', join(dir, 'layer/bin/passwd'))
    await symlink(join(root, 'id_rsa'), join(dir, 'custom/id_rsa'))
    const result = await runLpack(['build', '--json'], {cwd: dir})
    expect(result.exitCode).toBe(1)
    const error = (JSON.parse(result.stdout) as {error: {code: string; message: string}}).error
    expect(error.code).toBe('BUILD_FAILED')
    expect(error.message).toContain('Tools: the symbolic link bin/passwd')
    expect(error.message).toContain('Custom: the symbolic link id_rsa')
  })

  it('#11.5 packages links that stay inside the code folder, and links out of it with AllowExternalSymlinks', async () => {
    const dir = await project('links-ok', RUBY(`    Metadata:
      BuildProperties: {AllowExternalSymlinks: true}
  Inside:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: inside/, Handler: app.handler, Runtime: ruby3.4}
`), {'greeter/app.rb': 'def handler(event:, context:) = 1\n', 'inside/app.rb': 'A = 1\n', 'inside/lib/real.rb': 'B = 2\n'})
    await symlink(join(root, 'id_rsa'), join(dir, 'greeter/key.pem'))
    await symlink('lib/real.rb', join(dir, 'inside/alias.rb'))
    const result = await runLpack(['build'], {cwd: dir})
    expect(result.exitCode, result.stderr).toBe(0)
    const greeter = await extractZip(join(dir, '.lpack/build/artifacts/Greeter.zip'))
    expect(await readFile(join(greeter, 'key.pem'), 'utf8')).toContain('secret')
    const inside = await extractZip(join(dir, '.lpack/build/artifacts/Inside.zip'))
    expect(await readFile(join(inside, 'alias.rb'), 'utf8')).toBe('B = 2\n')
    await rm(greeter, {recursive: true})
    await rm(inside, {recursive: true})
  })

  it('#11.5 a logical ID that is not alphanumeric never becomes a path', async () => {
    const dir = join(root, 'bad-id')
    await mkdir(join(dir, 'src'), {recursive: true})
    await writeFile(join(dir, 'src/app.rb'), 'A = 1\n')
    const template = {
      Transform: 'AWS::Serverless-2016-10-31',
      Resources: {'../../Escaped': {Type: 'AWS::Serverless::Function', Properties: {CodeUri: 'src/', Handler: 'app.handler', Runtime: 'ruby3.4'}}},
    }
    await writeFile(join(dir, 'template.json'), JSON.stringify(template))
    // The CLI validates first (LP1007); the plan refuses it too, for library callers that skip validation.
    const result = await runLpack(['build', '-t', 'template.json'], {cwd: dir})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('Logical ID "../../Escaped" in Resources must contain only letters and digits')
    const error = await buildProject({templateFile: join(dir, 'template.json'), validate: false, reporter: new RecordingReporter()}).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(LpackError)
    expect((error as LpackError).code).toBe('TEMPLATE_INVALID')
    expect((error as LpackError).message).toBe('Logical ID "../../Escaped" is not valid: CloudFormation logical IDs are 1 to 255 letters and digits (A-Z, a-z, 0-9)')
    expect(await readdir(root)).not.toContain('Escaped.zip')
    expect(await readdir(join(dir, '.lpack')).catch(() => [])).not.toContain('Escaped.zip')
  })
})
