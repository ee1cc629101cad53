import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {editDistance} from '../../src/core/did-you-mean.js'
import {runLpack} from '../support/cli.js'
import {samFunctionsTemplate} from '../support/fixtures.js'

const TWO_FUNCTIONS = samFunctionsTemplate({
  First: {CodeUri: 'src/', Handler: 'app.handler', Runtime: 'nodejs24.x'},
  Second: {CodeUri: 'src/', Handler: 'app.handler', Runtime: 'nodejs24.x'},
})

// A SAM user's habits (#17.4): `lpack help`, and typos answered in one short line with the nearest name.
describe("a SAM user's habits (#17.4)", () => {
  it('`lpack help` lists the commands, `lpack help deploy` shows the command\'s help', async () => {
    const all = await runLpack(['help'])
    expect(all.exitCode).toBe(0)
    for (const command of ['build', 'deploy', 'validate', 'transform', 'package', 'delete', 'invoke']) expect(all.stdout).toMatch(new RegExp(`^  ${command} `, 'm'))
    const deploy = await runLpack(['help', 'deploy'])
    expect(deploy.exitCode).toBe(0)
    expect(deploy.stdout).toContain('$ lpack deploy')
    expect(deploy.stdout).toContain('--stack-name')
  })

  it('an unknown command gets the nearest one in one line, exit 2', async () => {
    const result = await runLpack(['buidl'])
    expect(result).toMatchObject({exitCode: 2, stdout: ''})
    expect(result.stderr.trim().split('\n')).toEqual([`Error [USAGE]: "buidl" is not an lpack command. Did you mean 'build'? Run 'lpack help' for the list.`])
    expect((await runLpack(['xyzzy'])).stderr).not.toContain('Did you mean')
    const json = await runLpack(['delpoy', '--json'])
    expect(json.exitCode).toBe(2)
    expect(JSON.parse(json.stdout)).toEqual({error: {code: 'USAGE', message: `"delpoy" is not an lpack command. Did you mean 'deploy'? Run 'lpack help' for the list.`}})
  })

  it('a misspelt subcommand, and `lpack help` of a misspelt command, get the nearest one in one line, exit 2', async () => {
    const local = await runLpack(['local', 'strat'])
    expect(local).toMatchObject({exitCode: 2, stdout: ''})
    expect(local.stderr.trim().split('\n')).toEqual([`Error [USAGE]: "local strat" is not an lpack command. Did you mean 'local start'? Run 'lpack help' for the list.`])
    const help = await runLpack(['help', 'buidl'])
    expect(help.exitCode).toBe(2)
    expect(help.stderr.trim().split('\n')).toEqual([`Error [USAGE]: "buidl" is not an lpack command. Did you mean 'lpack help build'? Run 'lpack help' for the list.`])
  })

  it('a stray or missing positional argument is one line and a hint, not a usage dump, exit 2', async () => {
    // `sam validate`-style muscle memory: the template given as an argument. oclif called it "command transform:t.yaml not found".
    const template = await runLpack(['transform', 'template.yaml'])
    expect(template).toMatchObject({exitCode: 2, stdout: ''})
    expect(template.stderr.trim().split('\n')).toEqual([
      `Error [USAGE]: Unexpected argument "template.yaml": 'lpack transform' takes no positional arguments.`,
      'Hint: Pass the template with -t template.yaml.',
    ])
    const extra = await runLpack(['invoke', 'First', 'Second'])
    expect(extra.exitCode).toBe(2)
    expect(extra.stderr.trim().split('\n')).toEqual([`Error [USAGE]: Unexpected argument "Second": 'lpack invoke' takes no more positional arguments.`, "Hint: See 'lpack invoke --help'."])
    const missing = await runLpack(['invoke', '--json'])
    expect(missing.exitCode).toBe(2)
    expect(JSON.parse(missing.stdout).error).toMatchObject({code: 'USAGE', message: "'lpack invoke' needs ID: Logical ID of the function."})
  })

  it('an unknown flag gets the nearest flag of that command, without a usage dump, exit 2', async () => {
    const result = await runLpack(['build', '--temlate', 'x.yaml'])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('Unknown flag "--temlate". Did you mean --template?')
    expect(result.stderr).not.toContain('FLAGS')
    expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2)
    const json = await runLpack(['validate', '--formt', 'json', '--json'])
    expect(json.exitCode).toBe(2)
    expect(JSON.parse(json.stdout).error).toMatchObject({code: 'USAGE', message: 'Unknown flag "--formt". Did you mean --format?'})
  })

  it("SAM's spellings: `lpack build Fn` builds that function; --use-container says lpack needs none (exit 2)", async () => {
    const project = mkdtempSync(join(tmpdir(), 'lpack-habits-'))
    try {
      writeFileSync(join(project, 'template.yaml'), TWO_FUNCTIONS)
      mkdirSync(join(project, 'src'))
      writeFileSync(join(project, 'src/app.js'), 'exports.handler = async () => 1\n')
      const one = await runLpack(['build', 'First', '--json'], {cwd: project})
      expect(one.exitCode, one.stderr).toBe(0)
      expect(JSON.parse(one.stdout).artifacts.map((a: {logicalId: string}) => a.logicalId)).toEqual(['First'])
      const container = await runLpack(['build', '--use-container'], {cwd: project})
      expect(container.exitCode).toBe(2)
      expect(container.stderr).toContain('lpack builds without containers')
      expect(container.stderr).toContain('Drop --use-container')
    } finally {
      rmSync(project, {recursive: true, force: true})
    }
  })

  it('counts a swap of neighbouring letters as one edit', () => {
    expect(editDistance('buidl', 'build')).toBe(1)
    expect(editDistance('deploy', 'delpoy')).toBe(1)
    expect(editDistance('abc', 'abc')).toBe(0)
    expect(editDistance('kitten', 'sitting')).toBe(3)
    expect(editDistance('a', 'abcdefgh', 3)).toBe(4)
  })
})
