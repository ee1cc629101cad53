import {integer, keyValues, text} from '../settings.js'

/** `lpack invoke`: reads no config file yet. */
export const INVOKE_SETTINGS = {
  event: text({char: 'e', description: 'JSON event file, or - to read it from stdin (default: {}).'}),
  envVars: text({char: 'n', description: 'JSON file of environment variable overrides, in SAM\'s format: {"Fn": {...}, "Parameters": {...}}.'}),
  parameterOverrides: keyValues({description: 'Template parameter values: Key=Value, ParameterKey=K,ParameterValue=V, or file://params.json.', files: true}),
  templateFile: text({char: 't', aliases: ['template'], description: 'Template file (default: template.yaml).'}),
  buildDir: text({char: 'b', description: 'Build directory (default: .lpack/build beside the template).'}),
  region: text({description: 'AWS_REGION the function sees (default: AWS_REGION, else us-east-1).'}),
  profileMemory: integer({description: 'Invoke N times in one environment and report Max Memory Used and duration percentiles, with a recommended MemorySize and Timeout.'}),
}
