import {isAbsolute, relative, resolve} from 'node:path'

import {findLocalPaths, setAtPath} from '../template/local-paths.js'
import type {ManifestArtifact} from './manifest.js'
import {toPosixPath} from '../fs-paths.js'

/**
 * The template of the build directory: every built function and layer points at its zip (relative to the
 * build directory, where the template is written), with the property updates builders asked for. lpack's own
 * build settings in Globals (`Globals.Function.Metadata`, which SAM does not accept) are dropped, so the
 * result is a template AWS's SAM transform accepts.
 *
 * Every other local path that packaging uploads (AWS::Include locations, API and state machine definitions,
 * nested templates, …: template/local-paths.ts) is written relative to the build directory, so the built template
 * points at the same files as the source template did; absolute paths stay as they are.
 */
export function rewriteTemplate(
  templateValue: Record<string, unknown>,
  builds: readonly {artifact: ManifestArtifact; codeProperty: string; propertyUpdates?: Record<string, unknown>}[],
  buildDir: string,
  zipPath: (artifact: ManifestArtifact) => string,
  projectDir?: string,
): Record<string, unknown> {
  const result = structuredClone(templateValue)
  if (projectDir !== undefined) {
    for (const ref of findLocalPaths(result, {includeCode: false})) {
      if (!isAbsolute(ref.value)) setAtPath(result, ref.path, toPosixPath(relative(buildDir, resolve(projectDir, ref.value))) || '.')
    }
  }
  const resources = (result.Resources ?? {}) as Record<string, {Properties?: Record<string, unknown>}>
  for (const {artifact, codeProperty, propertyUpdates} of builds) {
    const resource = resources[artifact.logicalId]
    if (!resource) continue
    resource.Properties = {...(resource.Properties ?? {}), ...(propertyUpdates ?? {})}
    resource.Properties[codeProperty] = toPosixPath(relative(buildDir, zipPath(artifact)))
  }
  const globalsFunction = (result.Globals as Record<string, Record<string, unknown>> | undefined)?.Function
  if (globalsFunction && 'Metadata' in globalsFunction) delete globalsFunction.Metadata
  return result
}
