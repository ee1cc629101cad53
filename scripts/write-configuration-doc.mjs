// Writes docs/configuration.md from the settings declarations (compiled to dist/). Run after `npm run build`:
// node scripts/write-configuration-doc.mjs. A test checks the file is current.
import {writeFileSync} from 'node:fs'

import {renderConfigurationDoc} from '../dist/core/config/config-doc.js'

writeFileSync(new URL('../docs/configuration.md', import.meta.url), renderConfigurationDoc())
