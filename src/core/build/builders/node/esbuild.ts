import {createRequire} from 'node:module'

import {lpackVersion} from '../../../../version.js'
import type {RuntimeBuilder} from '../../types.js'
import {layerProvidedPackages} from './packages.js'
import {esbuildOptions, resolveNodeBundleSettings, type NodeBundleSettings} from './settings.js'

const require = createRequire(import.meta.url)

/** Tool versions that change the bytes of a bundle: part of every Node function's cache key. */
export function nodeToolVersions(): {esbuild: string; lpack: string} {
  return {
    esbuild: (require('esbuild/package.json') as {version: string}).version,
    lpack: lpackVersion(),
  }
}

/**
 * The esbuild builder (SAM's `BuildMethod: esbuild`, and lpack's default for Node.js functions). What the build
 * cache asks of it — the fingerprint, the batch key — is answered here from the settings alone; the build
 * itself (./bundle.ts, with esbuild, the handler check and the package installs) is loaded only when a function
 * is built, so a no-op build loads none of it.
 */
export const esbuildBuilder: RuntimeBuilder = {
  name: 'esbuild',
  async fingerprint(unit, plan) {
    // The layers' packages change what is bundled; they are read from the layers' folders, not the settings.
    const layerPackages = unit.layerIds.length > 0 ? layerProvidedPackages(unit, plan) : []
    return {settings: resolveNodeBundleSettings(unit).settings, tools: nodeToolVersions(), ...(layerPackages.length > 0 ? {layerPackages} : {})}
  },
  batchKey(unit) {
    let settings: NodeBundleSettings
    try {
      settings = resolveNodeBundleSettings(unit).settings
    } catch {
      // Invalid settings: built alone, where the error is reported.
      return undefined
    }
    return JSON.stringify(esbuildOptions(unit.codePath, settings, new Set(settings.nodeModules)))
  },
  build: async (unit, context) => (await import('./bundle.js')).buildNodeBundle(unit, context),
  buildBatch: async (jobs) => (await import('./bundle.js')).buildNodeBundles(jobs),
}
