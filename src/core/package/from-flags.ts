import {dirname, join} from 'node:path'

import {AwsSession} from '../../aws/clients.js'
import type {Reporter} from '../events.js'
import {AWS_KEYS, mergeFlagsWithConfig, type RawFlags} from '../config/resolve.js'
import {type PackageResult, packageBuild} from './index.js'
import {defaultTemplateFile} from '../template/default-file.js'

export const PACKAGE_KEYS = [...AWS_KEYS, 'template-file', 'build-dir', 's3-bucket', 's3-prefix', 'resolve-s3', 'kms-key-id', 'output-template-file', 'concurrency'] as const

/** `lpack package` from its flags: packages the build folder (default `.lpack/build` beside the template). */
export async function packageFromFlags(flags: RawFlags, io: {reporter: Reporter; signal?: AbortSignal}): Promise<Omit<PackageResult, 'target'>> {
  const settings = await mergeFlagsWithConfig('package', flags, PACKAGE_KEYS, io.reporter)
  const templateFile = settings.string('template-file') ?? defaultTemplateFile()
  // A source template that cannot be parsed fails package as it fails validate, whatever the build folder holds.
  await (await import('../template/load.js')).assertTemplateParses(templateFile)
  const {DEFAULT_BUILD_DIR} = await import('../build/index.js')
  const {target: _target, ...result} = await packageBuild({
    buildDir: settings.string('build-dir') ?? join(dirname(templateFile), DEFAULT_BUILD_DIR),
    bucket: settings.string('s3-bucket'),
    resolveS3: settings.boolean('resolve-s3') ?? false,
    prefix: settings.string('s3-prefix'),
    kmsKeyId: settings.string('kms-key-id'),
    outputFile: settings.string('output-template-file'),
    concurrency: settings.integer('concurrency'),
    aws: new AwsSession(settings.aws()),
    reporter: io.reporter,
    signal: io.signal,
  })
  return result
}
