import type {Reporter} from '../events.js'
import {VALIDATE_SETTINGS} from '../config/command-settings/validate.js'
import {type GivenSettings, resolveSettings} from '../config/settings.js'
import {defaultTemplateFile} from '../template/default-file.js'
import {validateFilesWithSources} from './index.js'

/** `lpack validate` from the command line (files as arguments or -t), over lpack.config.yaml's `validate` section. */
export async function validateFromFlags(given: GivenSettings<typeof VALIDATE_SETTINGS>, io: {reporter: Reporter}) {
  const settings = await resolveSettings('validate', VALIDATE_SETTINGS, given, io.reporter)
  const files = settings.templateFile !== undefined && settings.templateFile.length > 0 ? settings.templateFile : [defaultTemplateFile()]
  return {...(await validateFilesWithSources(files)), format: settings.format}
}
