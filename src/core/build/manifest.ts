import type {ArtifactKind, Architecture} from './types.js'

/** `.lpack/build/manifest.json` (DESIGN.md, "Build output"). Written last: its presence means the build finished. */
export interface BuildManifest {
  version: 1
  template: string
  artifacts: ManifestArtifact[]
}

export interface ManifestArtifact {
  logicalId: string
  kind: ArtifactKind
  runtime?: string
  architecture: Architecture
  /** Relative to the build directory: `artifacts/<LogicalId>.zip`. */
  zip: string
  sha256: string
  zippedBytes: number
  unzippedBytes: number
  files: number
  inputsHash: string
  cached: boolean
}

export const MANIFEST_FILE = 'manifest.json'
export const BUILT_TEMPLATE_FILE = 'template.yaml'
export const ARTIFACTS_DIR = 'artifacts'
