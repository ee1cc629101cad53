import {flag, integer, text} from '../settings.js'
import {AWS_SETTINGS, CONFIG_SETTINGS} from './shared.js'

/** `lpack package`. */
export const PACKAGE_SETTINGS = {
  templateFile: text({char: 't', aliases: ['template'], description: 'Source template; its build folder is packaged (default: template.yaml).', sam: 'template_file'}),
  buildDir: text({char: 'b', description: 'Build folder (default: .lpack/build beside the template).'}),
  s3Bucket: text({description: 'Bucket for artifacts.', sam: 's3_bucket'}),
  s3Prefix: text({description: 'Key prefix for artifacts.', sam: 's3_prefix'}),
  resolveS3: flag({description: 'Create or reuse a managed artifacts bucket.', sam: 'resolve_s3', default: false}),
  kmsKeyId: text({description: 'Encrypt artifacts with this KMS key (default: AES256).', sam: 'kms_key_id'}),
  outputTemplateFile: text({char: 'o', description: 'Write the packaged template here.', sam: 'output_template_file'}),
  concurrency: integer({description: 'Uploads at once (default 4).'}),
  ...AWS_SETTINGS,
  ...CONFIG_SETTINGS,
}
