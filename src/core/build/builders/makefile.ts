import {chmod, copyFile, mkdir, readdir} from 'node:fs/promises'
import {dirname, join} from 'node:path'

import {LpackError} from '../../../errors.js'
import {listOutputFiles} from '../files.js'
import {lastLines, runTool} from '../run-tool.js'
import type {BuildContext, BuildUnit, BuiltContent, RuntimeBuilder} from '../types.js'
import {allowsExternalSymlinks, listUnitFiles} from './copy.js'
import {checkBootstrap} from './provided.js'

/** The makefile names make looks for, in its own order. */
const MAKEFILE_NAMES = ['GNUmakefile', 'makefile', 'Makefile']

/**
 * SAM's `BuildMethod: makefile`, for functions and layers of any runtime: the code folder is copied to a
 * scratch folder (the source tree stays clean), `make build-<LogicalId>` runs there with `ARTIFACTS_DIR` set,
 * and what the target put in ARTIFACTS_DIR is the package. A custom runtime's package must hold an
 * executable `bootstrap` at its root.
 */
export const makefileBuilder: RuntimeBuilder = {
  name: 'makefile',
  fingerprint: async () => ({builder: 'makefile', layout: 1}),
  discoverInputs: async (unit, plan) => (await listUnitFiles(unit, plan)).files.map((f) => f.file),
  async build(unit, context): Promise<BuiltContent> {
    const {files} = await listUnitFiles(unit, context.plan)
    const makefile = MAKEFILE_NAMES.find((name) => files.some((f) => f.path === name))
    if (!makefile) {
      throw new LpackError('BUILD_FAILED', `${unit.logicalId}: BuildMethod makefile, but there is no Makefile in ${unit.codePath}`, {
        hint: `Add a Makefile with a build-${unit.logicalId} target that copies the built files to $(ARTIFACTS_DIR).`,
      })
    }
    const workDir = join(context.scratchDir, 'source')
    for (const file of files) {
      const copy = join(workDir, ...file.path.split('/'))
      await mkdir(dirname(copy), {recursive: true})
      await copyFile(file.file, copy)
      await chmod(copy, file.executable ? 0o755 : 0o644)
    }
    const artifactsDir = join(context.scratchDir, 'artifacts')
    await mkdir(artifactsDir, {recursive: true})
    await runMake(unit, context, workDir, makefile, artifactsDir)

    const built = (await readdir(artifactsDir)).length > 0 ? await listOutputFiles(artifactsDir, {allowExternalSymlinks: allowsExternalSymlinks(unit), owner: unit.logicalId}) : []
    if (built.length === 0) {
      throw new LpackError('BUILD_FAILED', `${unit.logicalId}: make build-${unit.logicalId} put no files in $(ARTIFACTS_DIR)`, {
        hint: 'The target must copy the package files into $(ARTIFACTS_DIR), e.g. cp bootstrap $(ARTIFACTS_DIR)/.',
      })
    }
    const entries = built.map((f) => ({path: f.path, sourceFile: f.file, executable: f.executable}))
    if (unit.family === 'provided' && unit.kind === 'function') checkBootstrap(unit, entries)
    return {entries, inputFiles: files.map((f) => f.file)}
  },
}

async function runMake(unit: BuildUnit, context: BuildContext, workDir: string, makefile: string, artifactsDir: string): Promise<void> {
  const target = `build-${unit.logicalId}`
  const outcome = await runTool('make', ['--makefile', makefile, target], {cwd: workDir, signal: context.signal, env: {ARTIFACTS_DIR: artifactsDir}})
  if (outcome.kind === 'not-found') {
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: BuildMethod makefile needs make, and make is not installed`, {
      hint: 'Install make (GNU make), or build the function another way.',
    })
  }
  if (outcome.exitCode === 0) return
  const output = outcome.stderr + '\n' + outcome.stdout
  if (new RegExp(`No rule to make target ['\`]${target}'`).test(output)) {
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: the ${makefile} in ${unit.codePath} has no target ${target}`, {
      hint: `Add a target named ${target} (SAM's convention: build-<LogicalId>) that writes the package to $(ARTIFACTS_DIR).`,
    })
  }
  throw new LpackError('BUILD_FAILED', `${unit.logicalId}: make ${target} failed (exit ${outcome.exitCode}):\n${lastLines(output, 10)}`, {
    hint: `Run "ARTIFACTS_DIR=/tmp/out make ${target}" in ${unit.codePath} to see the whole output.`,
    details: {logicalId: unit.logicalId, tool: 'make', target, exitCode: outcome.exitCode},
  })
}
