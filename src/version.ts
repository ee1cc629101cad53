import {existsSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

let ownVersion: string | undefined

/**
 * lpack's version, from the nearest package.json above this module: found by walking up rather than by a fixed
 * relative path, because the published build bundles modules into chunks (scripts/bundle-cli.mjs). Part of cache
 * keys, so a new lpack never reuses an old build's output.
 */
export function lpackVersion(): string {
  if (ownVersion === undefined) {
    let dir = dirname(fileURLToPath(import.meta.url))
    while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir)
    ownVersion = (createRequire(import.meta.url)(join(dir, 'package.json')) as {version: string}).version
  }
  return ownVersion
}
