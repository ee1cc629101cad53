import {dirname, join} from 'node:path'

import {AwsSession} from '../../aws/clients.js'
import type {Reporter} from '../events.js'
import {PACKAGE_SETTINGS} from '../config/command-settings/package.js'
import {awsOptions} from '../config/command-settings/shared.js'
import {type GivenSettings, resolveSettings} from '../config/settings.js'
import {type PackageResult, packageBuild} from './index.js'
import {defaultTemplateFile} from '../template/default-file.js'

/** `lpack package` from the command line: packages the build folder (default `.lpack/build` beside the template). */
export async function packageFromFlags(given: GivenSettings<typeof PACKAGE_SETTINGS>, io: {reporter: Reporter; signal?: AbortSignal}): Promise<Omit<PackageResult, 'target'>> {
  const settings = await resolveSettings('package', PACKAGE_SETTINGS, given, io.reporter)
  const templateFile = settings.templateFile ?? defaultTemplateFile()
  // A source template that cannot be parsed fails package as it fails validate, whatever the build folder holds.
  await (await import('../template/load.js')).assertTemplateParses(templateFile)
  const {DEFAULT_BUILD_DIR} = await import('../build/index.js')
  const {target: _target, ...result} = await packageBuild({
    buildDir: settings.buildDir ?? join(dirname(templateFile), DEFAULT_BUILD_DIR),
    bucket: settings.s3Bucket,
    resolveS3: settings.resolveS3,
    prefix: settings.s3Prefix,
    kmsKeyId: settings.kmsKeyId,
    outputFile: settings.outputTemplateFile,
    concurrency: settings.concurrency,
    aws: new AwsSession(awsOptions(settings)),
    reporter: io.reporter,
    signal: io.signal,
  })
  return result
}
