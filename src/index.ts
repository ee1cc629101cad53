/**
 * lpack as a library: the stages the CLI's commands call, each taking typed options and returning its result.
 * Nothing here prints; progress goes to the Reporter given in the options (silentReporter by default where a
 * stage takes one). The CLI (bin/run.js) is a thin shell over these.
 */
export {EXIT, LpackError, type ErrorCode, type ExitCode} from './errors.js'
export type {Diagnostic, DiagnosticSummary, Severity} from './core/diagnostics/diagnostic.js'
export {loadTemplateFile, parseTemplate} from './core/template/load.js'
export type {LoadResult, SourceRange, Template, TemplatePath} from './core/template/template.js'
export {resolveTemplate, type ResolvedResource, type ResolvedTemplate} from './core/template/resolve.js'
export {DIAGNOSTIC_CODES, validateFiles, validateTemplate, type ValidateOptions} from './core/validate/index.js'
export {transformTemplate, type TransformOptions, type TransformResult} from './core/transform/index.js'
export {buildProject, DEFAULT_BUILD_DIR, type BuildOptions, type BuildResult} from './core/build/index.js'
export {packageBuild, type PackageOptions, type PackageResult} from './core/package/index.js'
export {deployStack, type DeployOptions, type DeployResult} from './core/deploy/index.js'
export {deleteStack, type DeleteOptions, type DeleteResult} from './core/deploy/delete.js'
export {EVENT_KINDS, type EventData, type EventKind, type EventLevel, type LpackEvent, type Reporter, silentReporter} from './core/events.js'
export {describeEvent} from './io/event-text.js'
export {RecordingReporter} from './io/reporter.js'
