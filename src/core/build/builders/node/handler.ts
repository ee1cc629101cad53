import {statSync} from 'node:fs'
import {extname, join} from 'node:path'

import {LpackError} from '../../../../errors.js'
import {isFile} from '../../files.js'
import type {BuildUnit} from '../../types.js'

/** A Node.js handler `path/to/file.export[.nested]` split as Lambda's runtime splits it. */
export interface NodeHandler {
  /** `path/to/file`, relative to the code folder, without extension. */
  module: string
  /** `export` or `export.nested`. */
  exportPath: string
  /** The export the module must have: the first segment of exportPath. */
  exportName: string
}

/** Source extensions tried for a handler's module, TypeScript first (what a handler usually points at). */
export const ENTRY_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.jsx']

/** Splits a handler at the first dot after the last slash, as the Node.js runtime does. */
export function parseNodeHandler(unit: BuildUnit): NodeHandler {
  const handler = unit.handler
  if (handler === undefined) {
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: Handler is missing`, {hint: 'Set Handler to file.export, for example index.handler.'})
  }
  const dot = handler.indexOf('.', handler.lastIndexOf('/') + 1)
  if (dot <= 0 || dot === handler.length - 1 || /\s/.test(handler)) {
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: Handler '${handler}' is not of the form path/to/file.export`, {hint: 'For src/app.ts exporting handler, write src/app.handler.'})
  }
  const exportPath = handler.slice(dot + 1)
  return {module: handler.slice(0, dot), exportPath, exportName: exportPath.split('.')[0]!}
}

/** The existing file for `path` tried as given, then with each extension; undefined if there is none. */
export function findSourceFile(codeDir: string, path: string, extensions: readonly string[] = ENTRY_EXTENSIONS): string | undefined {
  const candidates = extname(path) !== '' ? [path] : extensions.map((e) => path + e)
  return candidates.find((candidate) => isFile(join(codeDir, candidate)))
}

/** Export names of CommonJS code as Node.js itself detects them (cjs-module-lexer); undefined when dynamic. */
export async function commonJsExports(source: string): Promise<string[] | undefined> {
  const lexer = await import('cjs-module-lexer')
  await lexer.init()
  try {
    const {exports, reexports} = lexer.parse(source)
    if (exports.length === 0 || reexports.length > 0) return undefined
    return exports
  } catch {
    return undefined
  }
}

/** The code folder must exist and be a folder: a clear error naming the property otherwise. */
export function assertCodeFolder(unit: BuildUnit): void {
  const info = statSync(unit.codePath, {throwIfNoEntry: false})
  if (!info?.isDirectory()) {
    throw new LpackError('BUILD_FAILED', `${unit.logicalId}: ${unit.codeProperty} ${info ? 'is a file, not a folder' : 'folder not found'}: ${unit.codePath}`, {
      hint: `Fix ${unit.codeProperty} in the template; paths are relative to the template's folder.`,
    })
  }
}
