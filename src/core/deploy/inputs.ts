import {LpackError} from '../../errors.js'
import {isObject} from '../json.js'

/** CloudFormation's stack name rule (CreateStack): a letter, then letters, digits and hyphens, 128 at most. */
const STACK_NAME_PATTERN = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/

/** The capabilities CloudFormation knows (the Capability enum of its API). */
export const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'] as const

/** A stack name CloudFormation would refuse is a usage error, found before any AWS call. */
export function checkStackName(name: string): void {
  if (STACK_NAME_PATTERN.test(name)) return
  throw new LpackError('USAGE', `--stack-name ${JSON.stringify(name)} is not a valid stack name`, {
    hint: 'A stack name starts with a letter and has only letters, digits and hyphens, at most 128 characters (e.g. my-app-prod).',
  })
}

/** Unknown capability names are a usage error (CloudFormation would refuse the change set). */
export function checkCapabilities(capabilities: readonly string[]): void {
  const unknown = capabilities.filter((name) => !(CAPABILITIES as readonly string[]).includes(name))
  if (unknown.length === 0) return
  throw new LpackError('USAGE', `--capabilities: unknown capabilit${unknown.length === 1 ? 'y' : 'ies'} ${unknown.join(', ')}`, {
    hint: `Capabilities are ${CAPABILITIES.join(', ')}.`,
  })
}

/**
 * Checks parameter values given for a deploy against the template's constraints, as CloudFormation would when it
 * creates the change set, but before anything is built or uploaded: AllowedValues (String and Number: the value;
 * CommaDelimitedList and List<Number>: each item), AllowedPattern (String: the whole value; CommaDelimitedList:
 * each item), MinLength/MaxLength (String), MinValue/MaxValue and being a number (Number, and each item of
 * List<Number>). Other types (AWS-specific, SSM) are resolved by CloudFormation and are not checked here.
 * A value for a parameter the template does not declare is left to the deploy (it names those itself).
 */
export function checkParameterValues(parameters: unknown, values: Readonly<Record<string, string>>): void {
  if (!isObject(parameters)) return
  const problems: string[] = []
  for (const [name, value] of Object.entries(values).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const definition = Object.hasOwn(parameters, name) ? parameters[name] : undefined
    if (!isObject(definition)) continue
    const problem = parameterProblem(definition, value)
    if (problem === undefined) continue
    const description = typeof definition.ConstraintDescription === 'string' ? ` (${definition.ConstraintDescription})` : ''
    problems.push(`${name}: ${problem}${description}`)
  }
  if (problems.length === 0) return
  throw new LpackError('USAGE', `Parameter value${problems.length === 1 ? '' : 's'} the template does not allow:\n${problems.map((p) => `  ${p}`).join('\n')}`, {
    hint: 'Fix the values in --parameter-overrides (or the configuration file), or the constraints in the template’s Parameters.',
    details: {problems},
  })
}

function parameterProblem(definition: Record<string, unknown>, value: string): string | undefined {
  const type = typeof definition.Type === 'string' ? definition.Type : 'String'
  const allowed = Array.isArray(definition.AllowedValues) ? definition.AllowedValues.map(String) : undefined
  const pattern = typeof definition.AllowedPattern === 'string' ? wholeMatch(definition.AllowedPattern) : undefined
  switch (type) {
    case 'String':
      return allowedProblem(value, allowed) ?? patternProblem(value, pattern, definition.AllowedPattern) ?? lengthProblem(value, definition)
    case 'Number':
      return numberProblem(value, definition) ?? allowedProblem(value, allowed, true)
    case 'List<Number>':
      return firstProblem(listItems(value), (item) => numberProblem(item, definition) ?? allowedProblem(item, allowed, true))
    case 'CommaDelimitedList':
      return firstProblem(listItems(value), (item) => allowedProblem(item, allowed) ?? patternProblem(item, pattern, definition.AllowedPattern))
    default:
      return undefined
  }
}

/** CloudFormation trims each item of a comma-delimited value. */
function listItems(value: string): string[] {
  return value.split(',').map((item) => item.trim())
}

function firstProblem(items: readonly string[], check: (item: string) => string | undefined): string | undefined {
  for (const item of items) {
    const problem = check(item)
    if (problem !== undefined) return `item ${JSON.stringify(item)}: ${problem}`
  }
  return undefined
}

function allowedProblem(value: string, allowed: readonly string[] | undefined, numeric = false): string | undefined {
  if (allowed === undefined || allowed.includes(value) || (numeric && allowed.some((a) => Number(a) === Number(value)))) return undefined
  return `${JSON.stringify(value)} is not one of the AllowedValues ${allowed.join(', ')}`
}

/** AllowedPattern must match the whole value. A pattern JavaScript cannot compile is left to CloudFormation. */
function wholeMatch(pattern: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u')
  } catch {
    return undefined
  }
}

function patternProblem(value: string, pattern: RegExp | undefined, source: unknown): string | undefined {
  if (pattern === undefined || pattern.test(value)) return undefined
  return `${JSON.stringify(value)} does not match the AllowedPattern ${String(source)}`
}

function lengthProblem(value: string, definition: Record<string, unknown>): string | undefined {
  const min = numberOf(definition.MinLength)
  const max = numberOf(definition.MaxLength)
  if (min !== undefined && value.length < min) return `${JSON.stringify(value)} is ${value.length} characters, shorter than the MinLength ${min}`
  if (max !== undefined && value.length > max) return `${JSON.stringify(value)} is ${value.length} characters, longer than the MaxLength ${max}`
  return undefined
}

function numberProblem(value: string, definition: Record<string, unknown>): string | undefined {
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value.trim())) return `${JSON.stringify(value)} is not a number`
  const number = Number(value)
  const min = numberOf(definition.MinValue)
  const max = numberOf(definition.MaxValue)
  if (min !== undefined && number < min) return `${value} is below the MinValue ${min}`
  if (max !== undefined && number > max) return `${value} is above the MaxValue ${max}`
  return undefined
}

function numberOf(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : undefined
  return number !== undefined && Number.isFinite(number) ? number : undefined
}
