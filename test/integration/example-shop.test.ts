import {cp, mkdir, mkdtemp, rm} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {PROJECT_ROOT, runLpack} from '../support/cli.js'
import {readZipFile} from '../support/zip.js'

async function zipFiles(file: string): Promise<Map<string, Buffer>> {
  const {records} = await readZipFile(file)
  return new Map(records.filter((r) => !r.path.endsWith('/')).map((r) => [r.path, r.data]))
}

// examples/shop (#17.2): two TypeScript functions behind an HTTP API sharing a layer, a PreTraffic hook, a Python
// SQS consumer with a DLQ, and a Java function in the lib/ layout. Validated, built and run here on a copy.
let project: string
let template: string

beforeAll(async () => {
  await mkdir(join(PROJECT_ROOT, 'test/.tmp'), {recursive: true})
  project = await mkdtemp(join(PROJECT_ROOT, 'test/.tmp/shop-'))
  await cp(join(PROJECT_ROOT, 'examples/shop'), project, {recursive: true, filter: (source) => !source.includes('.lpack')})
  template = join(project, 'template.yaml')
})

afterAll(async () => {
  if (project) await rm(project, {recursive: true, force: true})
})

describe('#17.2 examples/shop', () => {
  it('validates without errors or warnings', async () => {
    const result = await runLpack(['validate', '-t', template, '--format', 'json'])
    expect(result.exitCode, result.stdout).toBe(0)
    expect(JSON.parse(result.stdout).diagnostics ?? JSON.parse(result.stdout).files?.flatMap((f: {diagnostics: unknown[]}) => f.diagnostics)).toEqual([])
  })

  it('builds every function and the layer; the layer package is left out of the bundles', async () => {
    const result = await runLpack(['build', '-t', template, '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const manifest = JSON.parse(result.stdout) as {artifacts: {logicalId: string; kind: string}[]}
    expect(manifest.artifacts.map((a) => a.logicalId).sort()).toEqual(['CreateOrderFunction', 'GetOrderFunction', 'PreTrafficHookFunction', 'ProcessOrderFunction', 'ReceiptFunction', 'SharedLayer'])
    const receipt = await zipFiles(join(project, '.lpack/build/artifacts/ReceiptFunction.zip'))
    expect([...receipt.keys()].sort()).toEqual(['lib/commons-lang3.jar', 'shop/Receipt.class'])
    const create = await zipFiles(join(project, '.lpack/build/artifacts/CreateOrderFunction.zip'))
    expect([...create.keys()]).toEqual(['create.mjs'])
    expect(create.get('create.mjs')!.toString()).not.toContain('totalCents')
    const layer = await zipFiles(join(project, '.lpack/build/artifacts/SharedLayer.zip'))
    expect([...layer.keys()].sort()).toEqual(['nodejs/node_modules/shop-format/index.js', 'nodejs/node_modules/shop-format/package.json'])
  })

  it('runs the TypeScript function with its layer, and the Python SQS consumer, with lpack invoke', async () => {
    const created = await runLpack(['invoke', 'CreateOrderFunction', '-t', template, '-e', join(project, 'events/create-order.json')])
    expect(created.exitCode, created.stderr).toBe(0)
    const answer = JSON.parse(created.stdout) as {statusCode: number; body: string}
    expect(answer.statusCode).toBe(201)
    expect(JSON.parse(answer.body)).toMatchObject({status: 'received', totalCents: 1120})
    const processed = await runLpack(['invoke', 'ProcessOrderFunction', '-t', template, '-e', join(project, 'events/sqs.json')])
    expect(processed.exitCode, processed.stderr).toBe(0)
    expect(JSON.parse(processed.stdout)).toEqual({batchItemFailures: [{itemIdentifier: 'm-2'}]})
    expect(processed.stderr).toContain('{"order": "order-1", "totalCents": 700}')
  })

  it('runs the Java function with its lib/ jar through lpack invoke', {timeout: 120_000}, async () => {
    const receipt = await runLpack(['invoke', 'ReceiptFunction', '-t', template, '-e', join(project, 'events/receipt.json')])
    expect(receipt.exitCode, receipt.stderr).toBe(0)
    const text = JSON.parse(receipt.stdout) as string
    expect(text).toContain('Order order-1')
    expect(text).toMatch(/Total\.+ +11\.20/)
  })
})
