import type {Reporter} from '../events.js'
import type {RuntimeFamily} from '../lambda/runtimes.js'
import type {ZipEntry} from '../package/zip.js'

export type {RuntimeFamily}
export type Architecture = 'x86_64' | 'arm64'
export type ArtifactKind = 'function' | 'layer'

/** One function or layer with local code that `lpack build` turns into a zip. Pure data, from planBuild(). */
export interface BuildUnit {
  logicalId: string
  kind: ArtifactKind
  /** Function runtime; for a layer, its first CompatibleRuntime or the BuildMethod's runtime. */
  runtime?: string
  /** Layers may declare several compatible runtimes. */
  compatibleRuntimes?: string[]
  family?: RuntimeFamily
  architecture: Architecture
  /** Absolute path of CodeUri / ContentUri / Code (a folder, or a file such as a jar or zip). */
  codePath: string
  /** The template property that holds the code location: rewritten to the built zip. */
  codeProperty: 'CodeUri' | 'ContentUri' | 'Code' | 'Content'
  handler?: string
  /** SAM's `Metadata.BuildMethod` (esbuild, npm, makefile, java17, python3.12, …), lower-cased as given. */
  buildMethod?: string
  /** SAM's `Metadata.BuildProperties`, merged over Globals and lpack.config.yaml defaults. */
  buildProperties: Record<string, unknown>
  /** Environment variables from the template (after Globals), read by builders that add to them. */
  environment: Record<string, unknown>
  /** Logical IDs of layers built in this project that the function uses (for size limits). */
  layerIds: string[]
  /** Set when the function uses any layer (built here or not): a layer may provide its handler's module. */
  usesLayers?: true
}

export interface BuildPlan {
  templateFile: string
  /** Folder of the template: CodeUri paths are relative to it. */
  projectDir: string
  units: BuildUnit[]
  /** Resources with code lpack does not build (S3 URIs, images, inline code), and why. */
  skipped: {logicalId: string; reason: string}[]
}

/** What a builder hands back: the files of the package and what they were made from. */
export interface BuiltContent {
  entries: ZipEntry[]
  /** Every file whose content decides the output (absolute paths): hashed for the cache. */
  inputFiles: string[]
  /** Template property changes the build implies (for example a rewritten Handler). */
  propertyUpdates?: Record<string, unknown>
  /** Largest inputs in the bundle, for the size report. */
  largestInputs?: {path: string; bytes: number}[]
  /** Packages left out of the package because something else provides them at run time (a layer), for the size report. */
  providedElsewhere?: {name: string; providedBy: string}[]
  warnings?: string[]
}

export interface BuildContext {
  plan: BuildPlan
  /** The build directory (`.lpack/build`). */
  buildDir: string
  /** A scratch folder owned by this unit for this build (made when first read), removed afterwards. */
  readonly scratchDir: string
  reporter: Reporter
  signal?: AbortSignal
}

/** One unit to build, with its own context (scratch folder). */
export interface BuildJob {
  unit: BuildUnit
  context: BuildContext
}

/**
 * Builds the units of one runtime family. `fingerprint` names everything besides input files that changes the
 * output (settings, tool versions), and `discoverInputs` lists the input files before building when they can
 * be known without building (a folder's files); otherwise the cache uses the inputs of the last build.
 *
 * A builder whose tool can build many units in one run (esbuild with many entry points parses shared
 * dependencies once) offers `batchKey` and `buildBatch`: units with the same key are built together, and each
 * must come out byte for byte as `build` makes it alone.
 */
export interface RuntimeBuilder {
  name: string
  fingerprint(unit: BuildUnit, plan: BuildPlan): Promise<unknown>
  discoverInputs?(unit: BuildUnit, plan: BuildPlan): Promise<string[]>
  build(unit: BuildUnit, context: BuildContext): Promise<BuiltContent>
  /** Units with equal keys may share one `buildBatch` call; undefined builds the unit alone. Pure. */
  batchKey?(unit: BuildUnit): string | undefined
  /**
   * Builds several units in one run. A unit's own failure (a missing export) is an Error in the map; a thrown
   * error means the run as a whole failed, and the pipeline then builds each unit alone so that every error
   * names its unit.
   */
  buildBatch?(jobs: readonly BuildJob[]): Promise<Map<string, BuiltContent | Error>>
}
