// Build step: the runtime bootstraps `lpack invoke` starts (src/core/invoke/bootstraps: a Node.js and a Python
// runtime) are plain .cjs and .py files that tsc does not copy; they go to dist/core/invoke/bootstraps, which the
// published package ships (package.json "files": dist) and core/invoke finds beside itself or beside the bundle.
import {cpSync, rmSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const from = fileURLToPath(new URL('../src/core/invoke/bootstraps', import.meta.url))
const to = fileURLToPath(new URL('../dist/core/invoke/bootstraps', import.meta.url))
rmSync(to, {recursive: true, force: true})
cpSync(from, to, {recursive: true, filter: (source) => !source.includes('__pycache__')})
