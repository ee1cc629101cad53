/**
 * Lambda's alias rules, checked on the live versions before lpack changes anything: an alias routes to at most
 * two versions, neither of them $LATEST, and both with the same execution role and dead-letter target. AWS
 * refuses a weighted alias that breaks them, but only at the first UpdateAlias with weights, after the
 * PreTraffic hooks ran; local servers do not refuse at all.
 */
import type {LambdaOperations} from '../../aws/lambda.js'
import {LpackError} from '../../errors.js'
import type {AliasRelease} from './types.js'

export async function checkAliasRules(aliases: AliasRelease[], lambda: LambdaOperations): Promise<void> {
  const problems = (await Promise.all(aliases.map((alias) => problemsOf(alias, lambda)))).flat()
  if (problems.length === 0) return
  throw new LpackError('TRAFFIC_REFUSED', ['Lambda would not let this alias split traffic; nothing was changed:', ...problems.map((problem) => `  ${problem}`)].join('\n'), {
    hint: 'Both versions of a weighted alias must be published versions (not $LATEST) with the same Role and the same DeadLetterConfig. Deploy the role or DLQ change on its own first (Type: AllAtOnce), then release the code.',
    details: {problems},
  })
}

async function problemsOf(alias: AliasRelease, lambda: LambdaOperations): Promise<string[]> {
  const name = `${alias.logicalId} (${alias.functionName}:${alias.alias})`
  const problems: string[] = []
  for (const [which, version] of [['old', alias.oldVersion], ['new', alias.newVersion]] as const) {
    if (version === '$LATEST') problems.push(`${name}: the ${which} version is $LATEST; a weighted alias needs published versions`)
  }
  if (problems.length > 0) return problems
  if (alias.oldVersion === alias.newVersion) return [`${name}: old and new version are both ${alias.oldVersion}`]
  const [old, next] = await Promise.all([lambda.getVersion(alias.functionName, alias.oldVersion), lambda.getVersion(alias.functionName, alias.newVersion)])
  if (old === undefined) problems.push(`${name}: version ${alias.oldVersion} does not exist`)
  if (next === undefined) problems.push(`${name}: version ${alias.newVersion} does not exist`)
  if (old === undefined || next === undefined) return problems
  if ((old.role ?? '') !== (next.role ?? '')) problems.push(`${name}: version ${alias.oldVersion} runs as ${old.role ?? '(no role)'} but version ${alias.newVersion} as ${next.role ?? '(no role)'}`)
  if ((old.deadLetterTargetArn ?? '') !== (next.deadLetterTargetArn ?? '')) {
    problems.push(`${name}: version ${alias.oldVersion} has dead-letter target ${old.deadLetterTargetArn ?? '(none)'} but version ${alias.newVersion} has ${next.deadLetterTargetArn ?? '(none)'}`)
  }
  return problems
}
