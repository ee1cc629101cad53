import {relative, sep} from 'node:path'

import type {ManifestArtifact} from './manifest.js'

/**
 * The template of the build directory: every built function and layer points at its zip (relative to the
 * build directory, where the template is written), with the property updates builders asked for. lpack's own
 * build settings in Globals (`Globals.Function.Metadata`, which SAM does not accept) are dropped, so the
 * result is a template AWS's SAM transform accepts.
 */
export function rewriteTemplate(
  templateValue: Record<string, unknown>,
  builds: readonly {artifact: ManifestArtifact; codeProperty: string; propertyUpdates?: Record<string, unknown>}[],
  buildDir: string,
  zipPath: (artifact: ManifestArtifact) => string,
): Record<string, unknown> {
  const result = structuredClone(templateValue)
  const resources = (result.Resources ?? {}) as Record<string, {Properties?: Record<string, unknown>}>
  for (const {artifact, codeProperty, propertyUpdates} of builds) {
    const resource = resources[artifact.logicalId]
    if (!resource) continue
    resource.Properties = {...(resource.Properties ?? {}), ...(propertyUpdates ?? {})}
    resource.Properties[codeProperty] = relative(buildDir, zipPath(artifact)).split(sep).join('/')
  }
  const globalsFunction = (result.Globals as Record<string, Record<string, unknown>> | undefined)?.Function
  if (globalsFunction && 'Metadata' in globalsFunction) delete globalsFunction.Metadata
  return result
}
