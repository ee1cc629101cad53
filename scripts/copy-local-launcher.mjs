// Build step: `lpack local`'s moto launcher (src/local/moto/launcher.py) is a Python file that tsc does not copy; it
// goes to dist/local/moto, which the published package ships (package.json "files": dist) and src/local/moto.ts
// finds beside itself or beside the bundle.
import {cpSync, rmSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const from = fileURLToPath(new URL('../src/local/moto', import.meta.url))
const to = fileURLToPath(new URL('../dist/local/moto', import.meta.url))
rmSync(to, {recursive: true, force: true})
cpSync(from, to, {recursive: true, filter: (source) => !source.includes('__pycache__')})
