import type {Reporter} from '../events.js'
import {type BuildOutput, readBuildOutput} from '../package/build-dir.js'

/**
 * The build deploy packages: `lpack build` run again with the settings `lpack build` resolves (config
 * `build` section: defaults, budgets; its cache rebuilds only what changed, so a fresh build costs a hash of the
 * inputs), or with `build: false` the build folder as it is, after the source template passes validation.
 */
export async function ensureBuild(options: {
  templateFile: string
  buildDir?: string
  build: boolean
  /** --config-env / --config-file, so the build section comes from the same environment as deploy's. */
  config: {configEnv?: string; configFile?: string}
  reporter: Reporter
  signal?: AbortSignal
}): Promise<BuildOutput> {
  const {DEFAULT_BUILD_DIR} = await import('../build/index.js')
  if (!options.build) {
    await validateSource(options.templateFile, options.reporter)
    const {dirname, join} = await import('node:path')
    return readBuildOutput(options.buildDir ?? join(dirname(options.templateFile), DEFAULT_BUILD_DIR))
  }
  const {buildProject} = await import('../build/index.js')
  const {resolveBuildOptions} = await import('../build/from-flags.js')
  const buildOptions = await resolveBuildOptions({...options.config, templateFile: options.templateFile, buildDir: options.buildDir}, options.reporter)
  const result = await buildProject({...buildOptions, reporter: options.reporter, signal: options.signal})
  return readBuildOutput(result.buildDir)
}

/** With --no-build the source template is still held to `lpack validate` (when it is there to read). */
async function validateSource(templateFile: string, reporter: Reporter): Promise<void> {
  const {existsSync} = await import('node:fs')
  if (!existsSync(templateFile)) return
  const {loadTemplateFile} = await import('../template/load.js')
  const loaded = await loadTemplateFile(templateFile)
  if (loaded.template === undefined) return
  const {validateBeforeActing} = await import('../build/validate-step.js')
  await validateBeforeActing(loaded.template, {reporter, doing: 'nothing was deployed'})
}
