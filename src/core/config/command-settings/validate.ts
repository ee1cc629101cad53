import {choice, strings} from '../settings.js'
import {CONFIG_SETTINGS} from './shared.js'

/** `lpack validate`: the template files are also its arguments. */
export const VALIDATE_SETTINGS = {
  templateFile: strings({flag: 'template', char: 't', aliases: ['template-file'], description: 'Template file.', config: 'template-file', sam: 'template_file'}),
  format: choice(['pretty', 'json', 'sarif', 'github'], {description: 'Output format.', default: 'pretty'}),
  ...CONFIG_SETTINGS,
}
