import {readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'

/** What a Python handler (`module.function`, `pkg/mod.function` or `pkg.mod.function`) finds in a code folder. */
export type PythonHandlerCheck =
  | {kind: 'found'; file: string}
  | {kind: 'no-module'; candidates: string[]}
  | {kind: 'no-function'; file: string; functionName: string}
  /** The module defines names in ways a reading cannot follow (`from x import *`, `globals()`): not judged. */
  | {kind: 'unknown'; file: string}
  | {kind: 'malformed'}

/**
 * Looks for a Python handler the way Lambda's runtime imports it: the part before the last dot is the module
 * (dots and slashes both separate packages), found as `<module>.py` or `<module>/__init__.py` under the code
 * folder; the part after it must be defined at the module's top level. `fileExists` lets a build ask about
 * the files it packages (dependencies included) rather than the folder alone.
 *
 * The reading is conservative, never a Python parser: a `def`/`async def`/`class` of the name, an assignment
 * to it, or an import of it anywhere counts as defined; a module that can define names dynamically is not
 * judged. It may accept a module Python would reject, never the other way round.
 */
export function checkPythonHandler(codeDir: string, handler: string, fileExists: (relativePath: string) => string | undefined = (path) => readable(join(codeDir, path))): PythonHandlerCheck {
  const dot = handler.lastIndexOf('.')
  if (dot <= 0 || dot === handler.length - 1) return {kind: 'malformed'}
  const modulePath = handler.slice(0, dot).replace(/\./g, '/')
  const functionName = handler.slice(dot + 1)
  const candidates = [`${modulePath}.py`, `${modulePath}/__init__.py`]
  for (const candidate of candidates) {
    const file = fileExists(candidate)
    if (file === undefined) continue
    let source: string
    try {
      source = readFileSync(file, 'utf8')
    } catch {
      return {kind: 'unknown', file: candidate}
    }
    return judgeModule(source, functionName, candidate)
  }
  return {kind: 'no-module', candidates}
}

function judgeModule(source: string, name: string, file: string): PythonHandlerCheck {
  const word = name.replace(/[^\w]/g, '')
  if (word !== name) return {kind: 'unknown', file}
  const defined = [
    new RegExp(`^\\s*(async\\s+)?def\\s+${name}\\s*\\(`, 'm'),
    new RegExp(`^\\s*class\\s+${name}\\b`, 'm'),
    new RegExp(`^\\s*${name}\\s*(:[^=\\n]*)?=(?!=)`, 'm'),
    // Tuple assignments, `for name in …`, `with … as name`, `except … as name`.
    new RegExp(`^\\s*[\\w\\s,]*\\b${name}\\b[\\w\\s,]*=(?!=)`, 'm'),
    new RegExp(`\\bas\\s+${name}\\b`),
    new RegExp(`^\\s*(from\\s+\\S+\\s+)?import\\s+[^\\n]*\\b${name}\\b`, 'm'),
  ]
  if (defined.some((pattern) => pattern.test(source))) return {kind: 'found', file}
  // Names that can appear without being written: star imports, multi-line imports, writes to globals().
  if (/^\s*from\s+\S+\s+import\s+\*/m.test(source) || /\bimport\s*\(/.test(source) || /\bglobals\s*\(\s*\)/.test(source) || /\bdef\s+__getattr__\s*\(/.test(source) || /\bexec\s*\(/.test(source)) {
    return {kind: 'unknown', file}
  }
  return {kind: 'no-function', file, functionName: name}
}

function readable(path: string): string | undefined {
  return statSync(path, {throwIfNoEntry: false})?.isFile() ? path : undefined
}
