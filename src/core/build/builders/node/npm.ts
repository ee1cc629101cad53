import {readFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'

import {LpackError} from '../../../../errors.js'
import type {ZipEntry} from '../../../package/zip.js'
import {listSourceFiles} from '../../files.js'
import type {BuildPlan, BuildUnit, BuiltContent, RuntimeBuilder} from '../../types.js'
import {allowsExternalSymlinks} from '../copy.js'
import {nodeToolVersions} from './esbuild.js'
import {assertCodeFolder, findSourceFile, parseNodeHandler} from './handler.js'
import {findUp, installProductionPackages, LOCKFILE_NAMES} from './packages.js'

/**
 * The unbundled Node.js build (SAM's `BuildMethod: npm` or `nodejs22.x`, and Node.js layers with a BuildMethod):
 * the sources as they are, plus the production dependencies from a frozen install of the lockfile, pruned of
 * what Lambda never loads. A layer gets the `nodejs/` prefix Lambda puts on NODE_PATH.
 */
export const npmBuilder: RuntimeBuilder = {
  name: 'npm',
  fingerprint: async () => ({tools: nodeToolVersions()}),
  async discoverInputs(unit, plan) {
    const project = await locateProject(unit)
    const {files} = await listSources(unit, plan)
    return [...files.map((f) => f.file), ...(project.packageJson ? [project.packageJson] : []), ...(project.lockfile ? [project.lockfile] : [])]
  },
  async build(unit, context): Promise<BuiltContent> {
    assertCodeFolder(unit)
    const prefix = unit.kind === 'layer' ? 'nodejs/' : ''
    const {files, excludedSecrets} = await listSources(unit, context.plan)
    const entries: ZipEntry[] = files.map((f) => ({path: prefix + f.path, sourceFile: f.file, executable: f.executable}))
    if (unit.kind === 'function') await checkHandlerFile(unit)

    const project = await locateProject(unit)
    const dependencies = project.packageJson ? await productionDependencyNames(project.packageJson) : []
    if (dependencies.length > 0) {
      if (!project.lockfile) {
        throw new LpackError('BUILD_FAILED', `${unit.logicalId}: ${project.packageJson} has dependencies but no package-lock.json is at or above it`, {
          hint: 'lpack installs exactly what the lockfile pins: run `npm install` and commit package-lock.json.',
        })
      }
      const installed = await installProductionPackages({
        lockfile: project.lockfile,
        importerDir: dirname(project.packageJson!),
        destDir: join(context.scratchDir, 'install'),
      cacheDir: join(context.buildDir, 'cache', 'node-modules'),
        architecture: unit.architecture,
        signal: context.signal,
        label: unit.logicalId,
        allowExternalSymlinks: allowsExternalSymlinks(unit),
      })
      for (const file of installed) entries.push({path: prefix + file.path, sourceFile: file.file, executable: file.executable})
    }
    return {
      entries,
      inputFiles: [...files.map((f) => f.file), ...(project.packageJson ? [project.packageJson] : []), ...(project.lockfile ? [project.lockfile] : [])],
      warnings: excludedSecrets.map((path) => `${unit.logicalId}: left ${path} out of the package (it usually holds secrets)`),
    }
  },
}

async function listSources(unit: BuildUnit, plan: BuildPlan) {
  return listSourceFiles(unit.codePath, {exclude: ['node_modules/'], ignoreFileDirs: [...new Set([plan.projectDir, unit.codePath])], allowExternalSymlinks: allowsExternalSymlinks(unit), owner: unit.logicalId})
}

async function locateProject(unit: BuildUnit): Promise<{packageJson?: string; lockfile?: string}> {
  const packageJson = findUp(unit.codePath, ['package.json'])
  const lockfile = packageJson ? findUp(dirname(packageJson), LOCKFILE_NAMES) : undefined
  return {...(packageJson ? {packageJson} : {}), ...(lockfile ? {lockfile} : {})}
}

async function productionDependencyNames(packageJson: string): Promise<string[]> {
  const manifest = JSON.parse(await readFile(packageJson, 'utf8')) as {dependencies?: Record<string, string>}
  return Object.keys(manifest.dependencies ?? {})
}

/** Unbundled, the Handler must name a JavaScript file Lambda can load as it is. */
async function checkHandlerFile(unit: BuildUnit): Promise<void> {
  const handler = parseNodeHandler(unit)
  if (findSourceFile(unit.codePath, handler.module, ['.js', '.mjs', '.cjs'])) return
  const source = findSourceFile(unit.codePath, handler.module)
  throw new LpackError('BUILD_FAILED', `${unit.logicalId}: Handler '${unit.handler}' needs ${handler.module}.js (or .mjs, .cjs) in ${unit.codePath}${source ? `; found ${source}, which Lambda cannot run unbundled` : ''}`, {
    hint: source ? 'Use BuildMethod: esbuild to bundle TypeScript, or compile it first.' : 'Fix the Handler: path/to/file.export relative to CodeUri.',
  })
}
