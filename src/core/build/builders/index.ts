import type {BuildUnit, RuntimeBuilder} from '../types.js'

/**
 * Runtime builders, imported lazily so a build without Java functions never loads the Java builder. The key is
 * the SAM BuildMethod when it names a build system (makefile, esbuild, npm), else the runtime family. A key may
 * hold several builders: the first that accepts the unit builds it.
 */
const BUILDERS: Readonly<Record<string, () => Promise<RuntimeBuilder | readonly RuntimeBuilder[]>>> = {
  esbuild: async () => (await import('./node/esbuild.js')).esbuildBuilder,
  npm: async () => (await import('./node/npm.js')).npmBuilder,
  // SAM's `BuildMethod: nodejs22.x` (functions and layers) is its npm build; without one, functions are bundled.
  nodejs: async () => [(await import('./node/npm.js')).npmBuilder, (await import('./node/esbuild.js')).esbuildBuilder],
  makefile: async () => (await import('./makefile.js')).makefileBuilder,
  java: async () => (await import('./java.js')).javaBuilder,
  python: async () => (await import('./python.js')).pythonBuilder,
  provided: async () => (await import('./provided.js')).providedBuilder,
}

/** The builder for a unit: by BuildMethod, then by runtime family; a plain folder copy otherwise. */
export async function builderFor(unit: BuildUnit): Promise<RuntimeBuilder> {
  for (const key of [unit.buildMethod, unit.family]) {
    const load = key === undefined ? undefined : BUILDERS[key]
    if (!load) continue
    for (const builder of [await load()].flat()) {
      if (builder.accepts(unit)) return builder
    }
  }
  return (await import('./copy.js')).copyBuilder
}
