import type {BuildUnit, RuntimeBuilder} from '../types.js'
import {esbuildBuilder} from './node/esbuild.js'
import {isBuiltLayer} from './layer.js'

/**
 * Which builder builds a unit: the first entry that takes it, else a plain folder copy. A SAM BuildMethod that
 * names a build system (makefile, npm or nodejsXX.x, esbuild) decides first, then the runtime family. Deciding
 * needs no builder module: each is imported only when a unit needs it, so a build without Java functions never
 * loads the Java builder. The esbuild builder, lpack's default for Node.js, is small (its build half loads
 * lazily) and imported up front.
 */
const BUILDERS: readonly {takes: (unit: BuildUnit) => boolean; load: () => RuntimeBuilder | Promise<RuntimeBuilder>}[] = [
  {takes: (unit) => unit.buildMethod === 'makefile', load: async () => (await import('./makefile.js')).makefileBuilder},
  // SAM's `BuildMethod: nodejs22.x` (functions and layers) is its npm build.
  {takes: (unit) => unit.buildMethod === 'npm' || /^nodejs/.test(unit.buildMethod ?? ''), load: async () => (await import('./node/npm.js')).npmBuilder},
  // Without a BuildMethod, Node.js functions are bundled.
  {takes: (unit) => unit.kind === 'function' && (unit.buildMethod === 'esbuild' || unit.family === 'nodejs'), load: () => esbuildBuilder},
  {takes: (unit) => unit.family === 'java' && (unit.kind === 'function' || isBuiltLayer(unit)), load: async () => (await import('./java.js')).javaBuilder},
  {takes: (unit) => unit.family === 'python' && (unit.kind === 'function' || isBuiltLayer(unit)), load: async () => (await import('./python.js')).pythonBuilder},
  {takes: (unit) => unit.family === 'provided' && unit.kind === 'function', load: async () => (await import('./provided.js')).providedBuilder},
]

/** The builder for a unit: by BuildMethod, then by runtime family; a plain folder copy otherwise. */
export async function builderFor(unit: BuildUnit): Promise<RuntimeBuilder> {
  const entry = BUILDERS.find((candidate) => candidate.takes(unit))
  return entry ? entry.load() : (await import('./copy.js')).copyBuilder
}
