import {cp, mkdir, mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {buildProject} from '../../src/core/build/index.js'
import {LpackError} from '../../src/errors.js'
import {RecordingReporter} from '../../src/io/reporter.js'
import {run} from '../support/cli.js'
import {unpackZip, zipEntries} from '../support/zip.js'
import {buildElsewhere, hasTool} from './build-layer-support.js'

// Python packages with a dependency from a wheel the test writes itself (no package index here), installed by
// the real pip for Lambda's platform, then imported and called with python3 from the unpacked zip.
const hasPip = await hasTool('python3', ['-m', 'pip', '--version'])
if (!hasPip) console.warn('build-python: skipped — needs python3 with pip (apt-get install -y python3-pip)')

/** pip reads no user or machine configuration (this image points find-links at /opt/wheels): only what a test sets. */
const PIP_ENV = {PIP_CONFIG_FILE: '/dev/null'}
const PIP_SETTINGS_FROM_MACHINE = ['PIP_FIND_LINKS', 'PIP_INDEX_URL', 'PIP_EXTRA_INDEX_URL', 'PIP_NO_INDEX', 'PIP_CONSTRAINT']

/** Writes greet-1.0-py3-none-any.whl: a wheel is a zip with the package, METADATA, WHEEL and RECORD. */
const WHEEL_WRITER = `
import base64, hashlib, sys, zipfile
files = {
    'greet/__init__.py': b'def greet(name):\\n    return "Hello, " + name.title() + "!"\\n',
    'greet-1.0.dist-info/METADATA': b'Metadata-Version: 2.1\\nName: greet\\nVersion: 1.0\\n',
    'greet-1.0.dist-info/WHEEL': b'Wheel-Version: 1.0\\nGenerator: lpack-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n',
    'greet-1.0.dist-info/entry_points.txt': b'[console_scripts]\\ngreet = greet:greet\\n',
}
digest = lambda data: 'sha256=' + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()
record = [f'{name},{digest(data)},{len(data)}' for name, data in files.items()] + ['greet-1.0.dist-info/RECORD,,']
files['greet-1.0.dist-info/RECORD'] = ('\\n'.join(record) + '\\n').encode()
with zipfile.ZipFile(sys.argv[1], 'w') as wheel:
    for name, data in files.items():
        wheel.writestr(name, data)
`

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Greeter:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: greeter/, Handler: app.handler, Runtime: python3.12, Architectures: [arm64], Layers: [!Ref Shared]}
    Metadata:
      BuildProperties: {FindLinks: wheelhouse, NoIndex: true}
  Shared:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: shared/, CompatibleRuntimes: [python3.12]}
    Metadata:
      BuildMethod: python3.12
      BuildProperties: {FindLinks: wheelhouse, NoIndex: true}
`

let root: string
let project: string
const savedEnv = {...process.env}

async function writeProject(dir: string): Promise<void> {
  await mkdir(join(dir, 'wheelhouse'), {recursive: true})
  await run('python3', ['-c', WHEEL_WRITER, join(dir, 'wheelhouse/greet-1.0-py3-none-any.whl')])
  await writeFile(join(dir, 'template.yaml'), TEMPLATE)
  const files: Record<string, string> = {
    'greeter/app.py': 'from greet import greet\n\ndef handler(event, context):\n    return {"message": greet(event["name"])}\n',
    'greeter/requirements.txt': '# the one dependency\ngreet==1.0\n',
    'greeter/tests/test_app.py': 'def test_handler(): pass\n',
    'greeter/test_smoke.py': 'def test_smoke(): pass\n',
    'greeter/conftest.py': '\n',
    'greeter/__pycache__/app.cpython-312.pyc': 'bytecode',
    'greeter/.venv/pyvenv.cfg': 'home = /usr/bin\n',
    'greeter/.venv/lib/python3.12/site-packages/left.py': '\n',
    'greeter/env2/pyvenv.cfg': 'home = /usr/bin\n',
    'greeter/env2/lib/site.py': '\n',
    'shared/util.py': 'from greet import greet\n\ndef shout(name):\n    return greet(name).upper()\n',
    'shared/requirements.txt': 'greet==1.0\n',
  }
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), {recursive: true})
    await writeFile(join(dir, path), text)
  }
}

beforeAll(async () => {
  if (!hasPip) return
  Object.assign(process.env, PIP_ENV)
  for (const name of PIP_SETTINGS_FROM_MACHINE) delete process.env[name]
  root = await mkdtemp(join(tmpdir(), 'lpack-build-python-'))
  project = join(root, 'app')
  await writeProject(project)
})

afterAll(async () => {
  process.env = savedEnv
  if (root) await rm(root, {recursive: true, force: true})
})

const DIST_INFO = ['INSTALLER', 'METADATA', 'RECORD', 'REQUESTED', 'WHEEL', 'entry_points.txt'].map((name) => `greet-1.0.dist-info/${name}`)

describe.skipIf(!hasPip)('lpack build: Python', () => {
  let builtShas: Map<string, string>

  it('packages sources without caches, virtualenvs and tests, with pip-installed dependencies at the root', async () => {
    const result = await buildProject({templateFile: join(project, 'template.yaml'), reporter: new RecordingReporter(), cache: false})
    builtShas = new Map(result.manifest.artifacts.map((a) => [a.logicalId, a.sha256]))
    const zip = join(result.buildDir, 'artifacts/Greeter.zip')
    const entries = await zipEntries(zip)
    expect(entries.map((e) => e.path)).toEqual(['app.py', ...DIST_INFO, 'greet/__init__.py', 'requirements.txt'])
    expect(new Set(entries.map((e) => e.mode))).toEqual(new Set([0o644]))

    const unpacked = join(root, 'unpacked-greeter')
    await unpackZip(zip, unpacked)
    // Console scripts (bin/) and absolute paths are gone from pip's RECORD.
    expect(await readFile(join(unpacked, 'greet-1.0.dist-info/RECORD'), 'utf8')).not.toMatch(/\.\.\/|\/tmp\//)
    const {stdout} = await run('python3', ['-c', 'import sys, json; sys.path.insert(0, sys.argv[1]); import app; print(json.dumps(app.handler({"name": "lambda"}, None)))', unpacked])
    expect(JSON.parse(stdout)).toEqual({message: 'Hello, Lambda!'})
  })

  it('builds a Python layer under python/ and counts it in the function\'s size', async () => {
    const result = await buildProject({templateFile: join(project, 'template.yaml'), reporter: new RecordingReporter()})
    const zip = join(result.buildDir, 'artifacts/Shared.zip')
    expect((await zipEntries(zip)).map((e) => e.path)).toEqual([...DIST_INFO.map((p) => `python/${p}`), 'python/greet/__init__.py', 'python/util.py'])
    const layer = result.manifest.artifacts.find((a) => a.logicalId === 'Shared')!
    expect(result.sizes.find((s) => s.logicalId === 'Greeter')!.layerUnzippedBytes).toBe(layer.unzippedBytes)
    // Both come from the cache the second time: the inputs (sources, requirements, wheelhouse) did not change.
    expect(result.manifest.artifacts.map((a) => a.cached)).toEqual([true, true])

    const opt = join(root, 'opt')
    await unpackZip(zip, opt)
    const {stdout} = await run('python3', ['-c', 'import sys; sys.path.insert(0, sys.argv[1]); import util; print(util.shout("layer"))', join(opt, 'python')])
    expect(stdout.trim()).toBe('HELLO, LAYER!')
  })

  it('gives the same bytes in another folder, timezone and umask', async () => {
    const elsewhere = join(root, 'elsewhere')
    await writeProject(elsewhere)
    const manifest = await buildElsewhere(elsewhere, PIP_ENV)
    expect(new Map(manifest.artifacts.map((a) => [a.logicalId, a.sha256]))).toEqual(builtShas)
  })

  it('names the requirement that cannot be satisfied', async () => {
    const dir = join(root, 'unsatisfiable')
    await cp(project, dir, {recursive: true})
    await writeFile(join(dir, 'greeter/requirements.txt'), 'greet==1.0\nnosuchpackage==2.0\n')
    const error = (await buildProject({templateFile: join(dir, 'template.yaml'), reporter: new RecordingReporter(), functions: ['Greeter']}).catch((e: unknown) => e)) as LpackError
    expect(error).toBeInstanceOf(LpackError)
    expect(error.exitCode).toBe(1)
    expect(error.message).toBe('Greeter: requirements.txt cannot be satisfied: no binary wheel of nosuchpackage==2.0 for python3.12 on arm64')
    await expect(stat(join(dir, '.lpack/build/manifest.json'))).rejects.toThrow()
  })

  it('#11.15 fails when the handler module lacks the function, or the module is missing, as the Node.js build does', async () => {
    const dir = join(root, 'handler-check')
    await cp(project, dir, {recursive: true})
    const template = (handler: string, layers: string) => `Resources:
  Greeter:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: greeter/, Handler: ${handler}, Runtime: python3.12${layers}}
    Metadata:
      BuildProperties: {FindLinks: wheelhouse, NoIndex: true}
`
    const build = async (handler: string, layers = '') => {
      await writeFile(join(dir, 'template.yaml'), template(handler, layers))
      return (await buildProject({templateFile: join(dir, 'template.yaml'), reporter: new RecordingReporter()}).catch((e: unknown) => e)) as LpackError
    }
    const noFunction = await build('app.lambda_handler')
    expect(noFunction).toBeInstanceOf(LpackError)
    expect(noFunction.exitCode).toBe(1)
    expect(noFunction.message).toBe("Greeter: app.py defines no function 'lambda_handler' (Handler app.lambda_handler)")
    const noModule = await build('main.handler')
    expect(noModule.message).toMatch(/^Greeter: Handler 'main.handler' names a module the package does not have: no main\.py or main\/__init__\.py in /)
    // A module from a dependency is found; a layer may provide one the package lacks.
    expect((await build('greet.greet')) as unknown).not.toBeInstanceOf(Error)
    expect((await build('datadog_lambda.handler.handler', ', Layers: [arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Python312:1]')) as unknown).not.toBeInstanceOf(Error)
  })

  it('says clearly when no package index is reachable', async () => {
    const dir = join(root, 'offline')
    await cp(project, dir, {recursive: true})
    await writeFile(join(dir, 'template.yaml'), `Resources:
  Greeter:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: greeter/, Handler: app.handler, Runtime: python3.12}
`)
    // A closed port on loopback stands in for an unreachable index; one retry keeps it quick.
    Object.assign(process.env, {PIP_INDEX_URL: 'http://127.0.0.1:9/simple', PIP_RETRIES: '1', PIP_TIMEOUT: '2'})
    try {
      const error = (await buildProject({templateFile: join(dir, 'template.yaml'), reporter: new RecordingReporter()}).catch((e: unknown) => e)) as LpackError
      expect(error.code).toBe('BUILD_FAILED')
      expect(error.message).toMatch(/^Greeter: no Python package index is reachable, so requirements\.txt cannot be installed \(pip: .*(NewConnectionError|Failed to establish a new connection)/)
      expect(error.hint).toContain('FindLinks')
    } finally {
      for (const name of ['PIP_INDEX_URL', 'PIP_RETRIES', 'PIP_TIMEOUT']) delete process.env[name]
    }
  })
})
