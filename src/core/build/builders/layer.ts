import type {BuildUnit, RuntimeFamily} from '../types.js'

/**
 * Where a layer's content must sit for its runtime to find it (Lambda adds these folders under /opt to the
 * module path): LAMBDA-FACTS.md, "Package layouts".
 */
export const LAYER_PREFIX: Readonly<Partial<Record<RuntimeFamily, string>>> = {
  nodejs: 'nodejs/node_modules',
  python: 'python',
  java: 'java/lib',
}

/**
 * True for a layer that asks to be built (`Metadata.BuildMethod`). A layer without one is zipped as it is,
 * as SAM does, whatever its CompatibleRuntimes say.
 */
export function isBuiltLayer(unit: BuildUnit): boolean {
  return unit.kind === 'layer' && unit.buildMethod !== undefined
}

/**
 * The package path of a layer's source file: under `prefix`, unless the layer's sources already put everything
 * there (`python/…`), in which case the layout is the author's and is kept.
 */
export function layerPathMapper(sourcePaths: readonly string[], prefix: string): (path: string) => string {
  const alreadyPrefixed = sourcePaths.length > 0 && sourcePaths.every((path) => path.startsWith(`${prefix}/`))
  return alreadyPrefixed ? (path) => path : (path) => `${prefix}/${path}`
}
