import type {BuildUnit, RuntimeBuilder} from '../types.js'
import {copyBuilder} from './copy.js'

/**
 * Runtime builders, imported lazily so a build without Java functions never loads the Java builder. The key is
 * the SAM BuildMethod when it names a build system (makefile, esbuild, npm), else the runtime family.
 */
const BUILDERS: Readonly<Record<string, () => Promise<RuntimeBuilder>>> = {}

/** The builder for a unit: by BuildMethod, then by runtime family; a plain folder copy otherwise. */
export async function builderFor(unit: BuildUnit): Promise<RuntimeBuilder> {
  for (const key of [unit.buildMethod, unit.family]) {
    const load = key === undefined ? undefined : BUILDERS[key]
    if (!load) continue
    const builder = await load()
    if (builder.accepts(unit)) return builder
  }
  return copyBuilder
}
