import {flag, integer, keyValues, text} from '../settings.js'

/** `lpack local start-lambda`: reads no config file yet. */
export const START_LAMBDA_SETTINGS = {
  port: integer({char: 'p', min: 0, description: 'Port on 127.0.0.1 (default 3001; 0 picks a free one).'}),
  templateFile: text({char: 't', aliases: ['template'], description: 'Template file (default: template.yaml).'}),
  buildDir: text({char: 'b', description: 'Build directory (default: .lpack/build beside the template).'}),
  envVars: text({char: 'n', description: 'JSON file of environment variable overrides, in SAM\'s format: {"Fn": {...}, "Parameters": {...}}.'}),
  parameterOverrides: keyValues({description: 'Template parameter values: Key=Value, ParameterKey=K,ParameterValue=V, or file://params.json.', files: true}),
  region: text({description: 'AWS_REGION the functions see (default: AWS_REGION, else us-east-1).'}),
  endpointUrl: text({description: 'A local AWS endpoint: asynchronous invocations\' SQS/SNS destinations and dead-letter queues are sent there (default: AWS_ENDPOINT_URL; else recorded locally).'}),
  watch: flag({description: 'Rebuild when a file under the template\'s folder changes.'}),
}
