import {readFile} from 'node:fs/promises'
import {basename, dirname, join, resolve} from 'node:path'

import {isDocument, parseDocument} from 'yaml'

import {LpackError} from '../../errors.js'
import type {Reporter} from '../events.js'
import {DEFAULT_CONFIG_ENV, LPACK_CONFIG_FILE} from '../config/index.js'
import {DEPLOY_SETTINGS} from '../config/command-settings/deploy.js'
import {configKey, type GivenSettings, resolveSettings} from '../config/settings.js'
import {parseKeyValues} from '../config/values.js'
import {isObject} from '../json.js'
import {loadTemplateFile, templateInvalidError} from '../template/load.js'
import {writeFileAtomically} from '../fs-paths.js'

/** One question of `lpack deploy --guided`, with the answer offered when the user just presses Enter. */
export type GuidedQuestion =
  | {key: string; kind: 'text'; text: string; default: string}
  | {key: string; kind: 'yes-no'; text: string; default: boolean}

export type GuidedAnswers = Record<string, string | boolean>

/** What the person answering provides: a terminal and two ways to ask. */
export interface GuidedIo {
  reporter: Reporter
  terminal: boolean
  askText(question: string, defaultAnswer: string): Promise<string>
  askYesNo(question: string, defaultAnswer: boolean): Promise<boolean>
}

/** What `lpack deploy --guided` settles: deploy settings, where they are saved, if at all. */
export interface GuidedSettings {
  deploy: Record<string, unknown>
  region: string
  save: boolean
  env: string
}

const STACK_NAME = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/

/**
 * The questions `sam deploy --guided` asks, in its order, with the current settings (flags, then the config
 * file) or the template's values as defaults. Pure. Capabilities are not asked: lpack infers them.
 */
export function guidedQuestions(input: {template: Record<string, unknown>; projectDir: string; current: (key: string) => unknown; region?: string}): GuidedQuestion[] {
  const current = input.current
  const text = (key: string) => (typeof current(key) === 'string' ? (current(key) as string) : undefined)
  const folderName = basename(input.projectDir).replace(/[^a-zA-Z0-9-]+/g, '-').replace(/^[^a-zA-Z]+/, '') || 'app'
  const overrides = parseKeyValues(current('parameter-overrides'), 'parameter-overrides', {allowFiles: true})
  const questions: GuidedQuestion[] = [
    {key: 'stack-name', kind: 'text', text: 'Stack name', default: text('stack-name') ?? folderName},
    {key: 'region', kind: 'text', text: 'AWS region', default: text('region') ?? input.region ?? 'us-east-1'},
  ]
  const parameters = isObject(input.template.Parameters) ? input.template.Parameters : {}
  for (const [name, definition] of Object.entries(parameters)) {
    const fallback = isObject(definition) && definition.Default !== undefined && definition.Default !== null ? String(definition.Default) : ''
    questions.push({key: `parameter:${name}`, kind: 'text', text: `Parameter ${name}`, default: overrides[name] ?? fallback})
  }
  questions.push(
    {key: 'confirm-changeset', kind: 'yes-no', text: 'Show the change set and ask before deploying it', default: current('confirm-changeset') !== false},
    {key: 'resolve-s3', kind: 'yes-no', text: 'Let lpack create and manage a bucket for the artifacts (--resolve-s3)', default: text('s3-bucket') === undefined},
    {key: 'save', kind: 'yes-no', text: `Save these settings to ${LPACK_CONFIG_FILE}`, default: true},
  )
  return questions
}

/** The settings the answers make. Pure; throws a usage error for an answer CloudFormation would refuse. */
export function guidedSettings(answers: GuidedAnswers, current: (key: string) => unknown): GuidedSettings {
  const stackName = String(answers['stack-name'] ?? '')
  if (!STACK_NAME.test(stackName)) {
    throw new LpackError('USAGE', `${JSON.stringify(stackName)} is not a stack name: a letter, then letters, digits and -, at most 128`)
  }
  const parameterOverrides: Record<string, string> = {}
  for (const [key, value] of Object.entries(answers)) {
    if (key.startsWith('parameter:') && typeof value === 'string' && value !== '') parameterOverrides[key.slice('parameter:'.length)] = value
  }
  const deploy: Record<string, unknown> = {'stack-name': stackName, 'confirm-changeset': answers['confirm-changeset'] === true}
  if (answers['resolve-s3'] === true) deploy['resolve-s3'] = true
  else if (typeof answers['s3-bucket'] === 'string' && answers['s3-bucket'] !== '') deploy['s3-bucket'] = answers['s3-bucket']
  if (Object.keys(parameterOverrides).length > 0) deploy['parameter-overrides'] = parameterOverrides
  const env = typeof current('config-env') === 'string' ? (current('config-env') as string) : DEFAULT_CONFIG_ENV
  return {deploy, region: String(answers.region ?? ''), save: answers.save === true, env}
}

/**
 * lpack.config.yaml with the guided settings written into one environment: what else the file holds (other
 * environments, other commands' settings, comments) stays as it was. Pure.
 */
export function guidedConfigText(existing: string | undefined, settings: GuidedSettings): string {
  const document = parseDocument(existing ?? 'version: 1\n')
  if (!isDocument(document) || document.errors.length > 0 || !isObject(document.toJS())) {
    throw new LpackError('CONFIG_INVALID', `${LPACK_CONFIG_FILE} cannot be read to add the guided settings`, {hint: 'Fix the file, or move it away and run --guided again.'})
  }
  if (!document.has('version')) document.set('version', 1)
  for (const [key, value] of Object.entries(settings.deploy)) document.setIn(['environments', settings.env, 'deploy', key], value)
  document.setIn(['environments', settings.env, 'global', 'region'], settings.region)
  return document.toString()
}

/**
 * `lpack deploy --guided`: asks for the settings a first deploy needs, saves them to lpack.config.yaml when the
 * user agrees (so the next deploy is `lpack deploy`), and returns the command line the deploy then runs with.
 */
export async function guidedDeployFlags(given: GivenSettings<typeof DEPLOY_SETTINGS>, io: GuidedIo): Promise<GivenSettings<typeof DEPLOY_SETTINGS>> {
  if (!io.terminal) {
    throw new LpackError('USAGE', '--guided asks questions, and stdin is not a terminal to ask on', {
      hint: `Pass the settings as flags (--stack-name, --resolve-s3, --parameter-overrides …) or keep them in ${LPACK_CONFIG_FILE}.`,
    })
  }
  const templateFile = typeof given.templateFile === 'string' ? given.templateFile : 'template.yaml'
  const loaded = await loadTemplateFile(templateFile)
  if (!loaded.template) throw templateInvalidError(templateFile, loaded.diagnostics)
  const settings: Record<string, unknown> = await resolveSettings('deploy', DEPLOY_SETTINGS, given, io.reporter)
  // The questions and the config file speak in config keys (`stack-name`), as lpack.config.yaml is written.
  const byConfigKey = new Map(Object.entries(DEPLOY_SETTINGS).map(([name, setting]) => [configKey(name, setting), name]))
  const projectDir = dirname(resolve(templateFile))
  const current = (key: string) => settings[byConfigKey.get(key) ?? '']
  const answers: GuidedAnswers = {}
  for (const question of guidedQuestions({template: loaded.template.value, projectDir, current, region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION})) {
    answers[question.key] = question.kind === 'text' ? await io.askText(question.text, question.default) : await io.askYesNo(question.text, question.default)
    if (question.key === 'resolve-s3' && answers['resolve-s3'] === false) answers['s3-bucket'] = await io.askText('Bucket for the artifacts', typeof current('s3-bucket') === 'string' ? (current('s3-bucket') as string) : '')
  }
  const guided = guidedSettings(answers, (key) => (key === 'config-env' ? given.configEnv : undefined))
  if (guided.save) {
    const file = typeof given.configFile === 'string' ? given.configFile : join(projectDir, LPACK_CONFIG_FILE)
    const existing = await readFile(file, 'utf8').catch(() => undefined)
    await writeFileAtomically(file, guidedConfigText(existing, guided))
    io.reporter.emit({kind: 'deploy.guided-saved', data: {file, env: guided.env, defaultEnv: guided.env === DEFAULT_CONFIG_ENV}})
  }
  const parameters = guided.deploy['parameter-overrides'] as Record<string, string> | undefined
  return {
    ...given,
    stackName: guided.deploy['stack-name'],
    region: guided.region,
    confirmChangeset: guided.deploy['confirm-changeset'],
    ...(guided.deploy['resolve-s3'] ? {resolveS3: true} : {}),
    ...(guided.deploy['s3-bucket'] ? {s3Bucket: guided.deploy['s3-bucket']} : {}),
    ...(parameters ? {parameterOverrides: parameters} : {}),
  }
}
