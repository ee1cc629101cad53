// Writes docs/diagnostics.md from the code registry (src/core/validate/codes.ts, compiled to dist/).
// Run after `npm run build`: node scripts/write-diagnostics-doc.mjs. A test checks the file is current.
import {mkdirSync, writeFileSync} from 'node:fs'

import {renderDiagnosticsDoc} from '../dist/core/validate/codes-doc.js'

mkdirSync(new URL('../docs/', import.meta.url), {recursive: true})
writeFileSync(new URL('../docs/diagnostics.md', import.meta.url), renderDiagnosticsDoc())
