import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {validateFiles} from '../../src/core/validate/index.js'

const NOW = new Date('2026-11-26T00:00:00Z')
const folders: string[] = []

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, {recursive: true, force: true})
})

/** A project folder with a template and files; returns the template's path. */
function project(template: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'lpack-validate-files-'))
  folders.push(dir)
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), {recursive: true})
    writeFileSync(join(dir, path), content)
  }
  writeFileSync(join(dir, 'template.yaml'), template)
  return join(dir, 'template.yaml')
}

function pythonFunction(codeUri: string, handler = 'app.lambda_handler', extra = ''): string {
  return `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ${codeUri}
      Handler: ${handler}
      Runtime: python3.13
${extra}`
}

async function codes(file: string): Promise<string[]> {
  return (await validateFiles([file], {now: NOW})).diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)
}

describe('validate: files the template points at', () => {
  it('#11.15 a CodeUri folder that does not exist is LP3032, located at the CodeUri', async () => {
    expect(await codes(project(pythonFunction('srcc/'), {'src/app.py': 'def lambda_handler(event, context):\n  return 1\n'}))).toEqual(['LP3032 6:16'])
  })

  it('#11.15 a layer ContentUri that does not exist is LP3032; s3 locations and existing paths are not', async () => {
    const template = `${pythonFunction('s3://my-bucket/code.zip')}  Layer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/missing
  Existing:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/deps.zip
`
    expect(await codes(project(template, {'layers/deps.zip': 'PK'}))).toEqual(['LP3032 12:19'])
  })

  it('#11.15 a Python handler whose module is missing, or lacks the function, is LP3033 (a warning)', async () => {
    const missingModule = await validateFiles([project(pythonFunction('src/', 'main.lambda_handler'), {'src/app.py': 'def lambda_handler(e, c): pass\n'})], {now: NOW})
    expect(missingModule.diagnostics.map((d) => [d.code, d.severity, d.line])).toEqual([['LP3033', 'warning', 7]])
    expect(missingModule.diagnostics[0]!.message).toMatch(/main\.py/)
    const missingFunction = await validateFiles([project(pythonFunction('src/', 'app.handler'), {'src/app.py': 'import json\n\ndef lambda_handler(e, c):\n    def handle(): pass\n'})], {now: NOW})
    expect(missingFunction.diagnostics.map((d) => d.code)).toEqual(['LP3033'])
    expect(missingFunction.diagnostics[0]!.message).toMatch(/app\.py defines no handler/)
  })

  it('#11.15 accepts handlers defined by def, async def, assignment, import, in a package, or that cannot be judged', async () => {
    const cases: [string, Record<string, string>][] = [
      ['app.handler', {'src/app.py': 'async def handler(event, context):\n    return 1\n'}],
      ['app.handler', {'src/app.py': 'from mangum import Mangum\nhandler = Mangum(app)\n'}],
      ['app.handler', {'src/app.py': 'from .impl import handler\n'}],
      ['pkg/mod.handler', {'src/pkg/mod.py': 'def handler(e, c): pass\n'}],
      ['pkg.mod.handler', {'src/pkg/mod/__init__.py': 'def handler(e, c): pass\n'}],
      ['app.handler', {'src/app.py': 'from impl import *\n'}],
    ]
    for (const [handler, files] of cases) expect(await codes(project(pythonFunction('src/', handler), files)), handler).toEqual([])
  })

  it('#11.15 a missing module is not reported when a layer may provide it', async () => {
    expect(await codes(project(pythonFunction('src/', 'datadog_lambda.handler.handler', '      Layers: [arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Python313:1]\n'), {'src/app.py': ''}))).toEqual([])
  })

  it('a template given as text (no folder) gets no file checks', async () => {
    const {parseTemplate} = await import('../../src/core/template/load.js')
    const {validateTemplate} = await import('../../src/core/validate/index.js')
    const {template} = parseTemplate(pythonFunction('nowhere/'), 'template.yaml')
    expect(await validateTemplate(template!, {now: NOW})).toEqual([])
  })
})
