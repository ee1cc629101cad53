import {type DiagnosticSummary, summarize} from '../diagnostics/diagnostic.js'
import {loadTemplateFile} from '../template/load.js'

/**
 * Validates each template file: parse (with positions), then schema and Lambda rules.
 * A file that does not exist is a usage error (thrown); everything wrong inside a file is a diagnostic.
 */
export async function validateFiles(files: readonly string[]): Promise<DiagnosticSummary> {
  const results = await Promise.all(files.map((file) => loadTemplateFile(file)))
  return summarize(results.flatMap((result) => result.diagnostics))
}
