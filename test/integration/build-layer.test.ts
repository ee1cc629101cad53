import {chmod, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {buildProject} from '../../src/core/build/index.js'
import {RecordingReporter} from '../../src/io/reporter.js'
import {zipEntries} from '../support/zip.js'
import {hasTool} from './build-layer-support.js'

// Layers get the folder their runtime loads them from (/opt/python, /opt/java/lib, …), as SAM builds them; a
// layer without a BuildMethod is zipped as it is. Python layers with requirements: build-python.test.ts.
const hasMake = await hasTool('make')

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  PyPlain:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: py-plain/, CompatibleRuntimes: [python3.13]}
    Metadata: {BuildMethod: python3.13}
  PyPrefixed:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: py-prefixed/}
    Metadata: {BuildMethod: python3.12}
  JavaJars:
    Type: AWS::Lambda::LayerVersion
    Properties: {Content: java-jars/, CompatibleRuntimes: [java21]}
    Metadata: {BuildMethod: java21}
  AsIs:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: as-is/, CompatibleRuntimes: [python3.12]}
  Tools:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: tools/, CompatibleRuntimes: [provided.al2023]}
    Metadata: {BuildMethod: makefile}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fn/
      Handler: app.handler
      Runtime: python3.13
      Layers: [!Ref PyPlain, !Ref PyPrefixed, !Ref AsIs, !Ref Tools]
`

let root: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lpack-build-layer-'))
  const files: Record<string, string> = {
    'template.yaml': TEMPLATE,
    'py-plain/helpers/__init__.py': 'X = 1\n',
    'py-plain/helpers/__pycache__/__init__.cpython-313.pyc': 'bytecode',
    'py-prefixed/python/shared.py': 'Y = 2\n',
    // A jar is a zip; its bytes do not matter to where it goes.
    'java-jars/commons-text.jar': 'PK\u0005\u0006' + '\u0000'.repeat(18),
    'java-jars/java/lib/already-there.jar': 'PK\u0005\u0006' + '\u0000'.repeat(18),
    'as-is/python/lib/x.py': 'Z = 3\n',
    'as-is/notes/readme.txt': 'kept as is\n',
    'tools/Makefile': 'build-Tools:\n\tmkdir -p $(ARTIFACTS_DIR)/bin\n\tinstall -m 755 tool.sh $(ARTIFACTS_DIR)/bin/tool\n',
    'tools/tool.sh': '#!/bin/sh\necho tool\n',
    'fn/app.py': 'def handler(event, context):\n    return 1\n',
  }
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), {recursive: true})
    await writeFile(join(root, path), text)
  }
  await chmod(join(root, 'tools/tool.sh'), 0o644)
})

afterAll(async () => {
  await rm(root, {recursive: true, force: true})
})

describe.skipIf(!hasMake)('lpack build: layers', () => {
  it('puts each layer\'s files under its runtime\'s folder, rewrites ContentUri, and counts layers in the function\'s size', async () => {
    const result = await buildProject({templateFile: join(root, 'template.yaml'), reporter: new RecordingReporter()})
    const entries = async (id: string) => (await zipEntries(join(result.buildDir, `artifacts/${id}.zip`))).map((e) => `${e.path} ${e.mode.toString(8)}`)
    expect(await entries('PyPlain')).toEqual(['python/helpers/__init__.py 644'])
    expect(await entries('PyPrefixed')).toEqual(['python/shared.py 644'])
    expect(await entries('JavaJars')).toEqual(['java/lib/already-there.jar 644', 'java/lib/commons-text.jar 644'])
    expect(await entries('AsIs')).toEqual(['notes/readme.txt 644', 'python/lib/x.py 644'])
    expect(await entries('Tools')).toEqual(['bin/tool 755'])

    const builtTemplate = parse(await readFile(join(result.buildDir, 'template.yaml'), 'utf8'))
    expect(builtTemplate.Resources.PyPlain.Properties.ContentUri).toBe('artifacts/PyPlain.zip')
    expect(builtTemplate.Resources.JavaJars.Properties.Content).toBe('artifacts/JavaJars.zip')

    const byId = new Map(result.manifest.artifacts.map((a) => [a.logicalId, a]))
    const layersBytes = ['PyPlain', 'PyPrefixed', 'AsIs', 'Tools'].reduce((sum, id) => sum + byId.get(id)!.unzippedBytes, 0)
    expect(result.sizes.find((s) => s.logicalId === 'Fn')!.layerUnzippedBytes).toBe(layersBytes)
  })
})
