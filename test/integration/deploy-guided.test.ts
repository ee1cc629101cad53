import {spawn} from 'node:child_process'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {DescribeStacksCommand} from '@aws-sdk/client-cloudformation'
import {parse} from 'yaml'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {guidedConfigText, guidedQuestions, guidedSettings} from '../../src/core/deploy/guided.js'
import {LPACK_BIN, runLpack} from '../support/cli.js'
import {type LocalAws, startLocalAws} from '../support/local-aws.js'

// `lpack deploy --guided` (#17.4): SAM's habit of a first deploy by questions, the answers saved to
// lpack.config.yaml so that the next deploy is plain `lpack deploy`.
let root: string
let aws: LocalAws

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lpack-guided-'))
  aws = await startLocalAws()
})

afterAll(async () => {
  await aws?.stop()
  if (root) await rm(root, {recursive: true, force: true})
})

const TEMPLATE = {Parameters: {Stage: {Type: 'String', Default: 'dev'}, Owner: {Type: 'String'}}}

describe('guided deploy questions and settings (pure)', () => {
  it('asks as SAM does, with the current settings or the template as defaults', () => {
    const questions = guidedQuestions({template: TEMPLATE, projectDir: '/work/my_app', current: (key) => ({'parameter-overrides': ['Owner=ada']})[key]})
    expect(questions.map((q) => [q.key, q.default])).toEqual([
      ['stack-name', 'my-app'],
      ['region', 'us-east-1'],
      ['parameter:Stage', 'dev'],
      ['parameter:Owner', 'ada'],
      ['confirm-changeset', true],
      ['resolve-s3', true],
      ['save', true],
    ])
  })

  it('refuses a stack name CloudFormation refuses, and writes one environment, keeping the rest of the file', () => {
    expect(() => guidedSettings({'stack-name': '1-bad'}, () => undefined)).toThrow(/not a stack name/)
    const settings = guidedSettings({'stack-name': 'app', region: 'eu-west-1', 'parameter:Stage': 'prod', 'confirm-changeset': false, 'resolve-s3': true, save: true}, (key) => (key === 'config-env' ? 'prod' : undefined))
    const existing = '# team settings\nversion: 1\nenvironments:\n  default:\n    build: {concurrency: 2}\n'
    const text = guidedConfigText(existing, settings)
    expect(text).toContain('# team settings')
    expect(parse(text)).toEqual({
      version: 1,
      environments: {
        default: {build: {concurrency: 2}},
        prod: {deploy: {'stack-name': 'app', 'confirm-changeset': false, 'resolve-s3': true, 'parameter-overrides': {Stage: 'prod'}}, global: {region: 'eu-west-1'}},
      },
    })
  })
})

/** Runs `lpack deploy --guided` on a pseudo-terminal (util-linux `script`), answering each question as it appears. */
function guidedOnTerminal(cwd: string, answers: string[]): Promise<{exitCode: number; screen: string}> {
  const quoted = [process.execPath, LPACK_BIN, 'deploy', '--guided'].map((word) => `'${word}'`).join(' ')
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', `${quoted}; echo "EXIT=$?"`, '/dev/null'], {cwd, env: {...process.env, ...aws.env, CI: '', NO_COLOR: '1'}, stdio: ['pipe', 'pipe', 'pipe']})
    let screen = ''
    let asked = 0
    child.stdout.on('data', (chunk) => {
      screen += chunk
      // A question ends with "]: ", "] " ([Y/n]) or ": " with no default; answer each once.
      const questions = screen.split(/(?:\]: |\[[yY]\/[nN]\] |: $)/).length - 1
      while (asked < questions && asked < answers.length) child.stdin.write(`${answers[asked++]}\n`)
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000)
    child.on('error', reject)
    child.on('close', () => {
      clearTimeout(timer)
      const exit = /EXIT=(\d+)/.exec(screen)
      resolve({exitCode: exit ? Number(exit[1]) : -1, screen})
    })
  })
}

describe('lpack deploy --guided (#17.4)', () => {
  it('asks, saves lpack.config.yaml, deploys; then plain `lpack deploy` uses the saved settings', async () => {
    const project = join(root, 'guided-app')
    expect((await runLpack(['init', project, '--template', 'python'])).exitCode).toBe(0)
    await writeFile(join(project, 'template.yaml'), (await readFile(join(project, 'template.yaml'), 'utf8')).replace('Globals:', 'Parameters:\n  Stage: {Type: String, Default: dev}\n\nGlobals:'))
    // stack name, region (default), Stage, confirm the change set (no), managed bucket (default yes), save (default yes)
    const run = await guidedOnTerminal(project, ['guided-stack', '', 'test', 'n', '', ''])
    expect(run.exitCode, run.screen).toBe(0)
    expect(run.screen).toContain('Stack name [guided-app]:')
    expect(run.screen).toContain('Parameter Stage [dev]:')
    const config = parse(await readFile(join(project, 'lpack.config.yaml'), 'utf8'))
    expect(config).toEqual({
      version: 1,
      environments: {default: {deploy: {'stack-name': 'guided-stack', 'confirm-changeset': false, 'resolve-s3': true, 'parameter-overrides': {Stage: 'test'}}, global: {region: aws.env.AWS_REGION ?? 'us-east-1'}}},
    })
    const [stack] = (await aws.sdk.cloudFormation.send(new DescribeStacksCommand({StackName: 'guided-stack'}))).Stacks ?? []
    expect(stack?.StackStatus).toBe('CREATE_COMPLETE')
    expect(stack?.Parameters).toEqual([{ParameterKey: 'Stage', ParameterValue: 'test'}])

    const again = await runLpack(['deploy', '--json'], {cwd: project, env: aws.env})
    expect(again.exitCode, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({kind: 'no-changes', stackName: 'guided-stack'})
  })

  it('without a terminal, --guided is a usage error that says what to do instead (exit 2)', async () => {
    const project = join(root, 'no-terminal')
    expect((await runLpack(['init', project])).exitCode).toBe(0)
    const result = await runLpack(['deploy', '--guided'], {cwd: project, env: aws.env})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('stdin is not a terminal')
    expect(result.stderr).toContain('--stack-name')
  })
})
