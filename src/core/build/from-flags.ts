import {LpackError} from '../../errors.js'
import type {Reporter} from '../events.js'
import {BUILD_SETTINGS} from '../config/command-settings/build.js'
import {type GivenSettings, resolveSettings} from '../config/settings.js'
import {type BuildOptions, type BuildResult, buildProject} from './index.js'
import type {PlanOptions} from './plan.js'
import type {SizeBudgets} from './size.js'
import {defaultTemplateFile} from '../template/default-file.js'

const FAMILY_KEYS = ['all', 'nodejs', 'python', 'java', 'provided', 'dotnet', 'ruby']
const BUDGET_KEYS = ['zippedBytes', 'unzippedBytes']

export type BuildSettingsGiven = GivenSettings<typeof BUILD_SETTINGS>

/** `lpack build` from the command line: config merged in (the command line wins), then buildProject. */
export async function buildFromFlags(given: BuildSettingsGiven, io: {reporter: Reporter; signal?: AbortSignal}): Promise<BuildResult> {
  return buildProject({...(await resolveBuildOptions(given, io.reporter)), reporter: io.reporter, signal: io.signal})
}

/**
 * The one resolution of build settings: `lpack build`'s command line over the config's `build` section. `lpack
 * deploy` builds through it too (with its template, build folder and config environment), so the two commands
 * build with the same defaults and budgets and never rebuild each other's output.
 */
export async function resolveBuildOptions(given: BuildSettingsGiven, reporter: Reporter): Promise<Omit<BuildOptions, 'reporter' | 'signal'>> {
  const settings = await resolveSettings('build', BUILD_SETTINGS, given, reporter)
  return {
    templateFile: settings.templateFile ?? defaultTemplateFile(),
    buildDir: settings.buildDir,
    functions: settings.function,
    concurrency: settings.concurrency,
    cache: settings.cache,
    defaults: buildDefaults(settings.defaults),
    budgets: sizeBudgets(settings.budgets),
    validate: true,
  }
}

function buildDefaults(value: unknown): PlanOptions['defaults'] {
  if (value === undefined || value === null) return undefined
  const defaults = record(value, 'build.defaults')
  for (const [family, properties] of Object.entries(defaults)) {
    if (!FAMILY_KEYS.includes(family)) throw configError(`build.defaults.${family} is not a runtime family`, `Use one of: ${FAMILY_KEYS.join(', ')}.`)
    record(properties, `build.defaults.${family}`)
  }
  return defaults as PlanOptions['defaults']
}

function sizeBudgets(value: unknown): SizeBudgets | undefined {
  if (value === undefined || value === null) return undefined
  const budgets = record(value, 'build.budgets')
  const checkBudget = (budget: unknown, where: string) => {
    for (const [key, bytes] of Object.entries(record(budget, where))) {
      if (!BUDGET_KEYS.includes(key)) throw configError(`${where}.${key} is not a budget`, `Use ${BUDGET_KEYS.join(' or ')}.`)
      if (!Number.isInteger(bytes) || (bytes as number) < 1) throw configError(`${where}.${key} must be a positive number of bytes, got ${JSON.stringify(bytes)}`)
    }
  }
  for (const key of Object.keys(budgets)) {
    if (key === 'default') checkBudget(budgets.default, 'build.budgets.default')
    else if (key === 'functions') for (const [id, budget] of Object.entries(record(budgets.functions, 'build.budgets.functions'))) checkBudget(budget, `build.budgets.functions.${id}`)
    else throw configError(`build.budgets.${key} is not a budget setting`, 'Use default and functions.')
  }
  return budgets as SizeBudgets
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw configError(`${where} must be a mapping`)
  return value as Record<string, unknown>
}

function configError(message: string, hint?: string): LpackError {
  return new LpackError('CONFIG_INVALID', message, hint ? {hint} : {})
}
