import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {escapeControl} from '../../src/io/terminal-text.js'
import {runLpack} from '../support/cli.js'

// Issue #11, item 6: control bytes from a template (ESC, BEL) are shown escaped, never written raw to the terminal.
// runLpack sets NO_COLOR, so lpack's own output holds no escape sequence either: any control byte is a leak.
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

let root: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lpack-terminal-escape-'))
})

afterAll(async () => {
  await rm(root, {recursive: true, force: true})
})

describe('control bytes from templates', () => {
  it('#11.6 escapeControl shows ESC, BEL, CR and bidi overrides, and keeps tabs and newlines', () => {
    expect(escapeControl('a\u001b[2Jb\u0007c\rd\u202ee\tf\ng')).toBe('a\\x1b[2Jb\\x07c\\rd\\u202ee\tf\ng'.replace('\\r', '\\x0d'))
  })

  it('#11.6 validate (pretty and github) never writes a raw control character from the template', async () => {
    const dir = join(root, 'validate')
    await mkdir(dir, {recursive: true})
    // Raw ESC and BEL bytes in the source (a syntax error), a raw right-to-left override in a logical ID (which
    // parses: the code frame shows its line), and ESC/BEL in values written with YAML escapes (logical ID,
    // description, handler).
    await writeFile(join(dir, 'raw.yaml'), 'Resources:\n  Fn\u001b]0;owned\u0007:\n    Type: AWS::SNS::Topic\n')
    await writeFile(join(dir, 'bidi.yaml'), 'Resources:\n  Fn\u202eX:\n    Type: AWS::SNS::Topic\n')
    await writeFile(
      join(dir, 'escaped.yaml'),
      [
        'Transform: AWS::Serverless-2016-10-31',
        'Resources:',
        '  "Fn\\e[31mRed\\a":',
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        '      CodeUri: src/',
        '      Runtime: nodejs24.x',
        '      Handler: "app\\e[2J handler\\a"',
        `      Description: "${'\\e[5m'.repeat(60)}\\a"`,
        '      MemorySize: 64',
        '',
      ].join('\n'),
    )
    for (const format of ['pretty', 'github']) {
      for (const file of ['raw.yaml', 'bidi.yaml', 'escaped.yaml']) {
        const result = await runLpack(['validate', file, '--format', format], {cwd: dir})
        expect(result.exitCode, `${format} ${file}: ${result.stderr}`).toBe(1)
        expect(result.stdout.length).toBeGreaterThan(0)
        expect(RAW_CONTROL.test(result.stdout), `${format} ${file} stdout: ${JSON.stringify(result.stdout)}`).toBe(false)
        expect(RAW_CONTROL.test(result.stderr), `${format} ${file} stderr: ${JSON.stringify(result.stderr)}`).toBe(false)
      }
    }
    const bidi = await runLpack(['validate', 'bidi.yaml'], {cwd: dir})
    expect(bidi.stdout).toContain('2 |   Fn\\u202eX:')
  })

  it('#11.6 build errors and progress lines escape a handler with ESC and BEL', async () => {
    const dir = join(root, 'build')
    await mkdir(join(dir, 'src'), {recursive: true})
    await writeFile(join(dir, 'src/app.js'), 'exports.handler = async () => 1\n')
    await writeFile(
      join(dir, 'template.yaml'),
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {CodeUri: src/, Runtime: nodejs22.x, Handler: "app\\e]0;owned\\a.handler"}\n',
    )
    const result = await runLpack(['build'], {cwd: dir})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('\\x1b]0;owned\\x07')
    expect(RAW_CONTROL.test(result.stderr), JSON.stringify(result.stderr)).toBe(false)
    expect(RAW_CONTROL.test(result.stdout), JSON.stringify(result.stdout)).toBe(false)
  })
})
