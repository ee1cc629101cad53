// Build step: writes oclif.manifest.json from the commands in dist/cli/commands.js (the bundled CLI). With a manifest,
// oclif answers `--help` and `--version`, and finds a command, without importing the commands at start-up.
// The manifest is a build output (.gitignore), rebuilt by `npm run build`.
import {writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {Plugin} from '@oclif/core'

const root = fileURLToPath(new URL('..', import.meta.url))
const plugin = new Plugin({root, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true})
await plugin.load()
writeFileSync(new URL('../oclif.manifest.json', import.meta.url), JSON.stringify(plugin.manifest, null, 2) + '\n')
