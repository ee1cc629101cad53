import {choice, keyValues, text} from '../settings.js'
import {CONFIG_SETTINGS} from './shared.js'

/** `lpack transform`: the config keys are those of the other commands (`template-file`, `parameter-overrides`). */
export const TRANSFORM_SETTINGS = {
  templateFile: text({
    flag: 'template',
    char: 't',
    aliases: ['template-file'],
    description: 'SAM template file (default: template.yaml, else template.yml or template.json).',
    config: 'template-file',
    sam: 'template_file',
  }),
  output: text({char: 'o', description: 'Write the CloudFormation template to this file instead of stdout.'}),
  format: choice(['json', 'yaml'], {description: 'Output format.', default: 'yaml'}),
  parameterOverrides: keyValues({description: 'Template parameter values: Key=Value, ParameterKey=K,ParameterValue=V, or file://params.json.', files: true, sam: 'parameter_overrides'}),
  region: text({description: 'Region for AWS::Region and the partition (default us-east-1).', sam: 'region'}),
  ...CONFIG_SETTINGS,
}
