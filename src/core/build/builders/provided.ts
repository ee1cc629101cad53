import {LpackError} from '../../../errors.js'
import type {ZipEntry} from '../../package/zip.js'
import type {BuildUnit, BuiltContent, RuntimeBuilder} from '../types.js'
import {listUnitFiles} from './copy.js'

const BOOTSTRAP = 'bootstrap'

/**
 * Custom runtimes (provided.al2023, provided.al2) with a prebuilt `bootstrap`: the folder is packaged as it
 * is, and the build fails unless `bootstrap` sits at its root and is executable. Projects that compile the
 * bootstrap use `BuildMethod: makefile`.
 */
export const providedBuilder: RuntimeBuilder = {
  name: 'provided',
  fingerprint: async () => ({builder: 'provided', layout: 1}),
  discoverInputs: async (unit, plan) => (await listUnitFiles(unit, plan)).files.map((f) => f.file),
  async build(unit, context): Promise<BuiltContent> {
    const {files, excludedSecrets} = await listUnitFiles(unit, context.plan)
    const entries = files.map((f) => ({path: f.path, sourceFile: f.file, executable: f.executable}))
    checkBootstrap(unit, entries)
    return {
      entries,
      inputFiles: files.map((f) => f.file),
      warnings: excludedSecrets.map((path) => `${unit.logicalId}: left ${path} out of the package (it usually holds secrets)`),
    }
  },
}

/**
 * Lambda starts a custom runtime by executing `/var/task/bootstrap`: without it, or without its executable
 * bit (the zip then stores 0644), every invoke fails with Runtime.InvalidEntrypoint / "permission denied".
 */
export function checkBootstrap(unit: BuildUnit, entries: readonly ZipEntry[]): void {
  const bootstrap = entries.find((e) => e.path === BOOTSTRAP)
  if (!bootstrap) {
    const nested = entries.find((e) => e.path.endsWith(`/${BOOTSTRAP}`))
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: no ${BOOTSTRAP} at the root of the package${nested ? ` (found ${nested.path})` : ''}`, {
      hint: `A ${unit.runtime ?? 'custom'} runtime runs the executable named ${BOOTSTRAP} at the zip root: build it there (go build -o bootstrap, cargo lambda) or copy it to $(ARTIFACTS_DIR)/${BOOTSTRAP} in the makefile.`,
    })
  }
  if (!bootstrap.executable) {
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: ${BOOTSTRAP} is not executable; Lambda would fail with "permission denied"`, {
      hint: `Run chmod 755 on it${unit.buildMethod === 'makefile' ? ' (in the makefile: chmod 755 $(ARTIFACTS_DIR)/bootstrap)' : ''}, then build again.`,
    })
  }
}
