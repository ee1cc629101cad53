import {readFile} from 'node:fs/promises'
import {join, resolve} from 'node:path'

import {LpackError} from '../../errors.js'
import {ARTIFACTS_DIR, type BuildManifest, type ManifestArtifact} from '../build/manifest.js'
import {parseTemplate, templateInvalidError} from '../template/load.js'
import type {TemplatePath} from '../template/template.js'

/** A finished `lpack build` output: its manifest and its template (CodeUri etc. pointing at the zips). */
export interface BuildOutput {
  buildDir: string
  manifest: BuildManifest
  templateFile: string
  template: Record<string, unknown>
  /** Whether the number at a path of `template` is written as a float (Template.isFloat). */
  isFloat: (path: TemplatePath) => boolean
}

/** Reads `<buildDir>/manifest.json` and the template it names. A missing or malformed build is BUILD_REQUIRED. */
export async function readBuildOutput(buildDir: string): Promise<BuildOutput> {
  const dir = resolve(buildDir)
  const manifestFile = join(dir, 'manifest.json')
  let manifest: BuildManifest
  try {
    manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as BuildManifest
  } catch {
    throw new LpackError('BUILD_REQUIRED', `No finished build in ${buildDir} (${manifestFile} is missing or unreadable)`, {
      hint: 'Run `lpack build` first, or pass the build folder with --build-dir.',
    })
  }
  if (manifest?.version !== 1 || typeof manifest.template !== 'string' || !Array.isArray(manifest.artifacts)) {
    throw new LpackError('BUILD_REQUIRED', `${manifestFile} is not an lpack build manifest of version 1`, {hint: 'Run `lpack build` again.'})
  }
  for (const artifact of manifest.artifacts) checkArtifact(artifact, manifestFile)
  const templateFile = join(dir, manifest.template)
  let text: string
  try {
    text = await readFile(templateFile, 'utf8')
  } catch {
    throw new LpackError('BUILD_REQUIRED', `The built template ${templateFile} is missing`, {hint: 'Run `lpack build` again.'})
  }
  const loaded = parseTemplate(text, templateFile)
  if (!loaded.template) throw templateInvalidError(templateFile, loaded.diagnostics)
  return {buildDir: dir, manifest, templateFile, template: loaded.template.value, isFloat: loaded.template.isFloat}
}

function checkArtifact(artifact: ManifestArtifact, manifestFile: string): void {
  // The zip is uploaded from `<buildDir>/<zip>`: only `artifacts/<LogicalId>.zip`, with a CloudFormation logical ID,
  // so an edited manifest cannot make package upload a file from elsewhere.
  const ok =
    typeof artifact?.logicalId === 'string' &&
    /^[A-Za-z0-9]+$/.test(artifact.logicalId) &&
    artifact.zip === `${ARTIFACTS_DIR}/${artifact.logicalId}.zip` &&
    /^[0-9a-f]{64}$/.test(artifact.sha256) &&
    Number.isInteger(artifact.zippedBytes)
  if (!ok) {
    throw new LpackError('BUILD_REQUIRED', `${manifestFile} has a malformed artifact entry: ${JSON.stringify(artifact)?.slice(0, 200)}`, {
      hint: 'Run `lpack build` again.',
    })
  }
}
