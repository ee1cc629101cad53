// Generates the benchmark app: N TypeScript functions sharing real dependencies (zod, date-fns,
// @aws-sdk/client-dynamodb), with the configuration each tool needs, all bundling the same way
// (CommonJS, target node22, minified, @aws-sdk/* left to the runtime).
import {mkdir, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

/** Writes the app into `dir` (replacing it) and returns the function names. */
export async function generateApp(dir, count) {
  await rm(dir, {recursive: true, force: true})
  await mkdir(join(dir, 'src/functions'), {recursive: true})
  await mkdir(join(dir, 'src/lib'), {recursive: true})
  const names = Array.from({length: count}, (_, i) => `fn${String(i + 1).padStart(3, '0')}`)

  await writeFile(join(dir, 'src/lib/db.ts'), `import {DynamoDBClient, GetItemCommand, PutItemCommand} from '@aws-sdk/client-dynamodb'

const client = new DynamoDBClient({})

export async function getItem(table: string, id: string) {
  const result = await client.send(new GetItemCommand({TableName: table, Key: {id: {S: id}}}))
  return result.Item
}

export async function putItem(table: string, id: string, body: string) {
  await client.send(new PutItemCommand({TableName: table, Item: {id: {S: id}, body: {S: body}}}))
}
`)
  await writeFile(join(dir, 'src/lib/http.ts'), `export function json(statusCode: number, body: unknown) {
  return {statusCode, headers: {'content-type': 'application/json'}, body: JSON.stringify(body)}
}
`)
  for (const [index, name] of names.entries()) {
    // Each function uses a different slice of the shared libraries, as real apps do.
    const dateFns = ['format', 'addDays', 'differenceInCalendarDays', 'parseISO', 'isWeekend', 'startOfMonth'][index % 6]
    await writeFile(join(dir, `src/functions/${name}.ts`), `import {z} from 'zod'
import {${dateFns}} from 'date-fns'

import {getItem, putItem} from '../lib/db'
import {json} from '../lib/http'

const Input = z.object({id: z.string().min(1), note: z.string().max(${100 + index}).optional(), when: z.string().datetime().optional()})

export const handler = async (event: {body?: string}) => {
  const parsed = Input.safeParse(JSON.parse(event.body ?? '{}'))
  if (!parsed.success) return json(400, {errors: parsed.error.issues})
  const existing = await getItem(process.env.TABLE ?? 'table-${index}', parsed.data.id)
  if (!existing) await putItem(process.env.TABLE ?? 'table-${index}', parsed.data.id, parsed.data.note ?? '')
  return json(200, {id: parsed.data.id, function: '${name}', dateFn: typeof ${dateFns}, existing: Boolean(existing)})
}
`)
  }

  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({compilerOptions: {strict: true, target: 'ES2022', module: 'commonjs', esModuleInterop: true}}, null, 2))
  // lpack and SAM: one template.
  await writeFile(join(dir, 'template.yaml'), [
    "AWSTemplateFormatVersion: '2010-09-09'",
    'Transform: AWS::Serverless-2016-10-31',
    'Globals:',
    '  Function: {Runtime: nodejs22.x, CodeUri: ., MemorySize: 256}',
    'Resources:',
    ...names.flatMap((name) => [`  ${logicalId(name)}:`, '    Type: AWS::Serverless::Function', `    Properties: {Handler: src/functions/${name}.handler}`]),
    '',
  ].join('\n'))
  // serverless v3 + serverless-esbuild.
  await writeFile(join(dir, 'serverless.yml'), [
    'service: lpack-bench',
    "frameworkVersion: '3'",
    'provider: {name: aws, runtime: nodejs22.x, region: us-east-1}',
    'package: {individually: true}',
    'plugins: [serverless-esbuild]',
    'custom:',
    '  esbuild: {bundle: true, minify: true, target: node22, platform: node, format: cjs, exclude: ["@aws-sdk/*"], packager: npm}',
    'functions:',
    ...names.map((name) => `  ${name}: {handler: src/functions/${name}.handler}`),
    '',
  ].join('\n'))
  // aws-cdk-lib NodejsFunction: synth bundles every function with local esbuild.
  await writeFile(join(dir, 'cdk-app.cjs'), `const path = require('node:path')
const {App, Stack} = require('aws-cdk-lib')
const {Runtime} = require('aws-cdk-lib/aws-lambda')
const {NodejsFunction, OutputFormat} = require('aws-cdk-lib/aws-lambda-nodejs')

const benchDir = path.resolve(__dirname, '../..')
const app = new App({outdir: path.join(__dirname, 'cdk.out')})
const stack = new Stack(app, 'LpackBench')
for (const name of ${JSON.stringify(names)}) {
  new NodejsFunction(stack, name, {
    entry: path.join(__dirname, 'src/functions', name + '.ts'),
    handler: 'handler',
    runtime: Runtime.NODEJS_22_X,
    projectRoot: benchDir,
    depsLockFilePath: path.join(benchDir, 'package-lock.json'),
    bundling: {minify: true, target: 'node22', format: OutputFormat.CJS, externalModules: ['@aws-sdk/*']},
  })
}
app.synth()
`)
  return names
}

export function logicalId(name) {
  return name[0].toUpperCase() + name.slice(1)
}
