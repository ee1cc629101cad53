import type {Reporter} from '../events.js'
import {TRANSFORM_SETTINGS} from '../config/command-settings/transform.js'
import {type GivenSettings, resolveSettings} from '../config/settings.js'
import {defaultTemplateFile} from '../template/default-file.js'
import {type TransformFileResult, transformFile} from './run.js'

/** `lpack transform` from the command line, over lpack.config.yaml's `transform` and `global` sections. */
export async function transformFromFlags(given: GivenSettings<typeof TRANSFORM_SETTINGS>, io: {reporter: Reporter}): Promise<TransformFileResult> {
  const settings = await resolveSettings('transform', TRANSFORM_SETTINGS, given, io.reporter)
  return transformFile({
    templateFile: settings.templateFile ?? defaultTemplateFile(),
    outputFile: settings.output,
    format: settings.format,
    parameterOverrides: settings.parameterOverrides,
    region: settings.region,
  })
}
