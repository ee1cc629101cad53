import {ESLint} from 'eslint'
import {describe, expect, it} from 'vitest'

import {PROJECT_ROOT} from '../support/cli.js'

// The dependency direction of DESIGN.md (commands → core → aws, io) is enforced by eslint.config.js: these cases
// show the rule fires where it must and stays quiet where the import is allowed.
const eslint = new ESLint({cwd: PROJECT_ROOT})

async function restrictedImports(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, {filePath: `${PROJECT_ROOT}/${file}`})
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax').map((m) => m.message)
}

describe('import boundaries (#12.5)', () => {
  it('fails when core imports @oclif/core or the CLI layer', async () => {
    expect(await restrictedImports('src/core/build/probe.ts', "import {Flags} from '@oclif/core'\nexport const f = Flags\n")).toHaveLength(1)
    expect(await restrictedImports('src/core/probe.ts', "import {LpackCommand} from '../cli/lpack-command.js'\nexport const c = LpackCommand\n")).toHaveLength(1)
  })

  it('#12.2 fails when core imports the AWS SDK, statically, as a type, or lazily with import()', async () => {
    const cases = [
      "import {S3Client} from '@aws-sdk/client-s3'\nexport const c = S3Client\n",
      "import type {Stack} from '@aws-sdk/client-cloudformation'\nexport type S = Stack\n",
      "export async function f() {\n  const {DescribeStacksCommand} = await import('@aws-sdk/client-cloudformation')\n  return DescribeStacksCommand\n}\n",
      "export async function f() {\n  return (await import('@aws-sdk/lib-storage')).Upload\n}\n",
    ]
    for (const code of cases) {
      const [message, ...rest] = await restrictedImports('src/core/deploy/probe.ts', code)
      expect(rest, code).toEqual([])
      expect(message, code).toContain('typed operations of src/aws')
    }
  })

  it('#12.2 lets core import the typed operations of src/aws, and src/aws import the SDK', async () => {
    expect(await restrictedImports('src/core/deploy/probe.ts', "import type {CloudFormationOperations} from '../../aws/cloudformation.js'\nexport type C = CloudFormationOperations\n")).toEqual([])
    expect(await restrictedImports('src/aws/probe.ts', "export async function f() {\n  return (await import('@aws-sdk/client-s3')).S3Client\n}\n")).toEqual([])
  })

  it('fails when a command imports the AWS SDK', async () => {
    const [message] = await restrictedImports('src/commands/probe.ts', "import {S3Client} from '@aws-sdk/client-s3'\nexport const c = S3Client\n")
    expect(message).toContain('commands are thin adapters')
  })

  it('fails when src/aws imports core, and io imports oclif', async () => {
    expect(await restrictedImports('src/aws/probe.ts', "import {buildProject} from '../core/build/index.js'\nexport const b = buildProject\n")).toHaveLength(1)
    expect(await restrictedImports('src/io/probe.ts', "import {Flags} from '@oclif/core'\nexport const f = Flags\n")).toHaveLength(1)
  })

  it('allows the imports the design allows', async () => {
    expect(await restrictedImports('src/commands/probe.ts', "import {Flags} from '@oclif/core'\nimport {buildProject} from '../core/build/index.js'\nexport const x = [Flags, buildProject]\n")).toEqual([])
    expect(await restrictedImports('src/core/probe.ts', "import {LpackError} from '../errors.js'\nexport const e = LpackError\n")).toEqual([])
  })
})

describe('no rendering in core (#12.3)', () => {
  async function restrictedSyntax(file: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, {filePath: `${PROJECT_ROOT}/${file}`})
    return result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message)
  }

  it('#12.3 fails when core emits a sentence, a live-line id or a glyph', async () => {
    const emitted = "export function f(reporter: {emit(e: unknown): void}, id: string) {\n  reporter.emit({level: 'info', kind: 'build.done', id, final: true, message: `✓ ${id} built`})\n}\n"
    const messages = await restrictedSyntax('src/core/build/probe.ts', emitted)
    expect(messages.filter((m) => m.includes('src/io/event-text.ts'))).toHaveLength(4)
    expect(await restrictedSyntax('src/core/build/probe.ts', "export function f(reporter: {emit(e: unknown): void}) {\n  reporter.emit({kind: 'build.warning', data: {logicalId: 'A', warning: '↑ up'}})\n}\n")).toHaveLength(1)
  })

  it('#12.3 allows typed data from core, and sentences in src/io', async () => {
    expect(await restrictedSyntax('src/core/build/probe.ts', "export function f(reporter: {emit(e: unknown): void}, logicalId: string) {\n  reporter.emit({kind: 'build.done', data: {logicalId, cached: true}})\n}\n")).toEqual([])
    expect(await restrictedSyntax('src/io/probe.ts', "export function f(reporter: {emit(e: unknown): void}) {\n  reporter.emit({message: '✓ done'})\n}\n")).toEqual([])
  })
})
