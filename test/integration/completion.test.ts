import {execFile} from 'node:child_process'
import {promisify} from 'node:util'

import {beforeAll, describe, expect, it} from 'vitest'

import {runLpack} from '../support/cli.js'

const exec = promisify(execFile)

// Shell completion (#17.4): the script `lpack completion bash` prints is loaded into a real bash, and its
// completion function is called as bash calls it on TAB.
let bashScript: string

beforeAll(async () => {
  const result = await runLpack(['completion', 'bash'])
  expect(result.exitCode, result.stderr).toBe(0)
  bashScript = result.stdout
})

/** What bash would offer on TAB after `line` (the last word being completed; empty after a trailing space). */
async function complete(line: string): Promise<string[]> {
  const words = line.split(' ')
  const program = [
    bashScript,
    `COMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')})`,
    `COMP_CWORD=${words.length - 1}`,
    '_lpack_complete',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n')
  const {stdout} = await exec('bash', ['-c', program])
  return stdout.split('\n').filter(Boolean).sort()
}

describe('#17.4 lpack completion', () => {
  it('completes command names from the start of one', async () => {
    expect(await complete('lpack de')).toEqual(['delete', 'deploy'])
    expect(await complete('lpack bu')).toEqual(['build'])
  })

  it("completes a command's flags, SAM's spellings and aliases included", async () => {
    expect(await complete('lpack deploy --stack')).toEqual(['--stack-name'])
    expect(await complete('lpack build --temp')).toEqual(['--template', '--template-file'])
    expect(await complete('lpack deploy --no-con')).toEqual(['--no-confirm-changeset'])
  })

  it('finds the command behind a positional argument', async () => {
    expect(await complete('lpack build HelloFn --fun')).toEqual(['--function'])
  })

  it("offers another command's flags nowhere", async () => {
    expect(await complete('lpack validate --stack')).toEqual([])
  })

  it('prints zsh and fish scripts, and refuses another shell with exit 2', async () => {
    const zsh = await runLpack(['completion', 'zsh'])
    expect(zsh.exitCode).toBe(0)
    expect(zsh.stdout).toContain('bashcompinit')
    expect(zsh.stdout).toContain('complete -o default -F _lpack_complete lpack')
    const fish = await runLpack(['completion', 'fish'])
    expect(fish.exitCode).toBe(0)
    expect(fish.stdout).toContain("complete -c lpack -n '__fish_seen_subcommand_from deploy' -l stack-name")
    const other = await runLpack(['completion', 'tcsh'])
    expect(other.exitCode).toBe(2)
  })
})
