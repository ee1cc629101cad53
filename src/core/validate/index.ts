import type {Diagnostic, DiagnosticSummary} from '../diagnostics/diagnostic.js'
import {summarize} from '../diagnostics/diagnostic.js'
import {loadTemplateFile} from '../template/load.js'
import type {Template} from '../template/template.js'
import {RuleContext, type ValidateOptions} from './context.js'
import {checkLambdaFunctions} from './lambda-rules.js'
import {templateToValidate} from './language-extensions.js'
import {checkReferences} from './references.js'
import {checkReleaseRules} from './release-rules.js'
import {checkSamTranslation} from './sam-rules.js'
import {checkSchemas} from './schema.js'
import {checkSecurity} from './security-rules.js'
import {checkStructure} from './structure-rules.js'

export type {ValidateOptions} from './context.js'
export {DIAGNOSTIC_CODES, type DiagnosticCode} from './codes.js'

/**
 * Validates each template file: parse (with positions), then schema and Lambda rules.
 * A file that does not exist is a usage error (thrown); everything wrong inside a file is a diagnostic.
 */
export async function validateFiles(files: readonly string[], options: ValidateOptions = {}): Promise<DiagnosticSummary> {
  return (await validateFilesWithSources(files, options)).summary
}

export interface ValidationReport {
  summary: DiagnosticSummary
  /** The text of each file that has diagnostics, for code frames. */
  sources: Record<string, string>
}

/** As validateFiles, and also returns the text of the files that have diagnostics (for code frames). */
export async function validateFilesWithSources(files: readonly string[], options: ValidateOptions = {}): Promise<ValidationReport> {
  const unique = [...new Set(files)]
  const sources: Record<string, string> = {}
  const results = await Promise.all(
    unique.map(async (file) => {
      const loaded = await loadTemplateFile(file)
      if (loaded.template === undefined) return loaded.diagnostics
      const diagnostics = [...loaded.diagnostics, ...(await validateTemplate(loaded.template, {checkFiles: true, ...options}))]
      if (diagnostics.length > 0) sources[file] = loaded.template.text
      return diagnostics
    }),
  )
  return {summary: summarize(results.flat()), sources}
}

/**
 * Checks an already-loaded template against the schemas and the CloudFormation, SAM and Lambda rules.
 * Pure apart from loading the compiled schemas once, and, with `options.checkFiles`, reading the files the
 * template points at; `options.now` (default: today) dates runtime deprecations.
 * Build and deploy call this before acting.
 */
export async function validateTemplate(template: Template, options: ValidateOptions = {}): Promise<Diagnostic[]> {
  const checked = templateToValidate(template)
  const context = new RuleContext(checked.template, options.now ?? new Date(), options.checkFiles ?? false)
  if (checked.kind === 'rejected') context.report('LP1011', checked.path, checked.reason, 'CloudFormation rejects the template when it expands AWS::LanguageExtensions.')
  if (checked.kind === 'expanded') {
    // Once per source path: every item of a loop shares it.
    const paths = new Map(checked.localCodeInLoops.map((path) => [path.join('/'), path]))
    for (const [shown, path] of paths) {
      context.report('LP1012', path, `${shown} is local code in a resource a Fn::ForEach loop makes: lpack builds and packages only what the template declares outside loops`, 'Point the code at S3 (s3://bucket/key), or declare the function outside the loop.')
    }
  }
  checkStructure(context)
  await checkSchemas(context)
  checkReferences(context)
  checkLambdaFunctions(context)
  checkReleaseRules(context)
  checkSecurity(context)
  // Last: SAM's own checks are reported only where no schema or rule already pointed.
  await checkSamTranslation(context)
  return dedupe(context.diagnostics)
}

/** A value checked twice (schema and rule) reports once per code and position. */
function dedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>()
  return diagnostics.filter((d) => {
    const key = `${d.code}|${d.line}|${d.column}|${d.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
