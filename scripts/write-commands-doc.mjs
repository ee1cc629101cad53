// Writes docs/commands.md from the oclif manifest (made by `npm run build` from the command definitions).
// Run after `npm run build`: node scripts/write-commands-doc.mjs. A test checks the file is current.
import {readFileSync, writeFileSync} from 'node:fs'

import {renderCommandsDoc} from '../dist/cli/commands-doc.js'

const manifest = JSON.parse(readFileSync(new URL('../oclif.manifest.json', import.meta.url), 'utf8'))
writeFileSync(new URL('../docs/commands.md', import.meta.url), renderCommandsDoc(manifest))
