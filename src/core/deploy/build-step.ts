import type {Reporter} from '../../io/reporter.js'
import {type BuildOutput, readBuildOutput} from '../package/build-dir.js'

/**
 * The build deploy packages: `lpack build` run again (its cache rebuilds only what changed, so a fresh build
 * costs a hash of the inputs), or with `build: false` the build folder as it is.
 */
export async function ensureBuild(options: {templateFile: string; buildDir?: string; build: boolean; reporter: Reporter; signal?: AbortSignal}): Promise<BuildOutput> {
  if (!options.build) {
    const {DEFAULT_BUILD_DIR} = await import('../build/index.js')
    const {dirname, join} = await import('node:path')
    return readBuildOutput(options.buildDir ?? join(dirname(options.templateFile), DEFAULT_BUILD_DIR))
  }
  const {buildProject} = await import('../build/index.js')
  const result = await buildProject({templateFile: options.templateFile, buildDir: options.buildDir, reporter: options.reporter, signal: options.signal})
  return readBuildOutput(result.buildDir)
}
