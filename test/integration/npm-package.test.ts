import {execFile} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {PROJECT_ROOT} from '../support/cli.js'

const exec = promisify(execFile)
const packageJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8'))

// lpack installed as a user installs it: `npm pack`, then `npm i -g` of the tarball into a folder of the test's.
// The tarball is packed from the dist/ that `npm test` built (--ignore-scripts: rebuilding dist/ here would pull it
// from under the other test files running the CLI); `prepack` building it for a real `npm pack` is checked below.
describe('the npm package (#17.5)', () => {
  let dir: string
  let files: string[]
  let prefix: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lpack-npm-package-'))
    const packed = await exec('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {cwd: PROJECT_ROOT})
    const [info] = JSON.parse(packed.stdout) as {filename: string; files: {path: string}[]}[]
    files = info!.files.map((file) => file.path)
    prefix = join(dir, 'prefix')
    await exec('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(dir, info!.filename)], {timeout: 150_000})
  }, 180_000)
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('builds before packing, and lists in `files` only what exists', () => {
    expect(packageJson.scripts.prepack).toBe('npm run build')
    for (const entry of packageJson.files as string[]) expect(existsSync(join(PROJECT_ROOT, entry)), entry).toBe(true)
  })

  it('holds the files its bin, main and exports name, and no sources or tests', () => {
    const named = [packageJson.bin.lpack, packageJson.main, packageJson.types, packageJson.exports['.'].default, packageJson.exports['.'].types]
    for (const file of named) expect(files).toContain((file as string).replace(/^\.\//, ''))
    expect(files).toContain('dist/cli/lpack.cjs')
    expect(files).toContain('oclif.manifest.json')
    expect(files.filter((file) => /^(src|test|bench)\//.test(file) || (file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.startsWith('templates/')))).toEqual([])
    expect(files).toContain('templates/node-ts/template.yaml')
  })

  it('installed globally, `lpack --version` and `lpack validate` work, and the library loads', async () => {
    const lpack = join(prefix, 'bin', 'lpack')
    const version = await exec(lpack, ['--version'])
    expect(version.stdout).toContain(`lpack/${packageJson.version}`)
    const validate = await exec(lpack, ['validate', '-t', join(PROJECT_ROOT, 'examples/hello-node/template.yaml'), '--json'])
    expect(JSON.parse(validate.stdout)).toMatchObject({valid: true, errorCount: 0})
    const library = await exec(process.execPath, ['--input-type=module', '-e', "const lpack = await import('lpack'); console.log(typeof lpack.buildProject, typeof lpack.validateFiles)"], {cwd: join(prefix, 'lib')})
    expect(library.stdout.trim()).toBe('function function')
  })

  it('#14.1 ships the runtime bootstraps: the installed `lpack invoke` runs a Node.js and a Python function', {timeout: 120_000}, async () => {
    expect(files).toContain('dist/core/invoke/bootstraps/nodejs/runtime.cjs')
    expect(files).toContain('dist/core/invoke/bootstraps/python/runtime.py')
    expect(files).toContain('dist/core/invoke/bootstraps/java/LambdaRuntime.java')
    const project = join(dir, 'invoke-project')
    mkdirSync(join(project, 'src'), {recursive: true})
    writeFileSync(join(project, 'template.yaml'), `Transform: AWS::Serverless-2016-10-31
Resources:
  Node: {Type: AWS::Serverless::Function, Properties: {CodeUri: src/, Handler: app.handler, Runtime: nodejs20.x}}
  Py: {Type: AWS::Serverless::Function, Properties: {CodeUri: src/, Handler: app.handler, Runtime: python3.12}}
`)
    writeFileSync(join(project, 'src', 'app.js'), 'exports.handler = async (event) => ({node: event.n})\n')
    writeFileSync(join(project, 'src', 'app.py'), 'def handler(event, context):\n    return {"python": event["n"]}\n')
    writeFileSync(join(project, 'event.json'), '{"n": 7}')
    const lpack = join(prefix, 'bin', 'lpack')
    expect(JSON.parse((await exec(lpack, ['invoke', 'Node', '-e', 'event.json'], {cwd: project})).stdout)).toEqual({node: 7})
    expect(JSON.parse((await exec(lpack, ['invoke', 'Py', '-e', 'event.json'], {cwd: project})).stdout)).toEqual({python: 7})
  })
})
