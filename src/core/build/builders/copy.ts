import {stat} from 'node:fs/promises'

import {LpackError} from '../../../errors.js'
import {listSourceFiles} from '../files.js'
import type {BuildPlan, BuildUnit, BuiltContent, RuntimeBuilder} from '../types.js'

/**
 * Packages a folder as it is (after the default excludes and .lpackignore): for layers without a BuildMethod,
 * and for runtimes lpack has no dedicated builder for (dotnet, ruby). Each file keeps its executable bit.
 */
export const copyBuilder: RuntimeBuilder = {
  name: 'copy',
  fingerprint: async () => ({builder: 'copy'}),
  discoverInputs: async (unit, plan) => (await listUnitFiles(unit, plan)).files.map((f) => f.file),
  async build(unit, context): Promise<BuiltContent> {
    const {files, excludedSecrets} = await listUnitFiles(unit, context.plan)
    return {
      entries: files.map((f) => ({path: f.path, sourceFile: f.file, executable: f.executable})),
      inputFiles: files.map((f) => f.file),
      warnings: excludedSecrets.map((path) => `${unit.logicalId}: left ${path} out of the package (it usually holds secrets)`),
    }
  },
}

/**
 * The files of a unit's code folder; a clear error when the folder is missing. `exclude` adds a runtime's own
 * patterns (gitignore syntax) to the default excludes.
 */
export async function listUnitFiles(unit: BuildUnit, plan: BuildPlan, exclude: readonly string[] = []) {
  const info = await stat(unit.codePath).catch(() => undefined)
  if (!info) {
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: ${unit.codeProperty} folder not found: ${unit.codePath}`, {
      hint: `Fix ${unit.codeProperty} in the template; paths are relative to the template's folder.`,
    })
  }
  if (!info.isDirectory()) {
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: ${unit.codeProperty} must be a folder for this build method, got the file ${unit.codePath}`)
  }
  return listSourceFiles(unit.codePath, {exclude, ignoreFileDirs: [...new Set([plan.projectDir, unit.codePath])], allowExternalSymlinks: allowsExternalSymlinks(unit), owner: unit.logicalId})
}

/**
 * `Metadata.BuildProperties.AllowExternalSymlinks: true` (or in lpack.config.yaml `build.defaults`): package what
 * symbolic links that leave the code folder point at. Off by default: see listSourceFiles.
 */
export function allowsExternalSymlinks(unit: BuildUnit): boolean {
  const value = unit.buildProperties.AllowExternalSymlinks
  return value === true || value === 'true'
}
