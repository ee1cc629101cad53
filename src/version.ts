import {existsSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

let ownRoot: string | undefined
let ownVersion: string | undefined

/**
 * lpack's package folder: the nearest folder with a package.json above this module, found by walking up rather
 * than by a fixed relative path because the published build bundles the modules into one file
 * (scripts/bundle-cli.mjs).
 */
export function packageRoot(): string {
  if (ownRoot === undefined) {
    let dir = dirname(fileURLToPath(import.meta.url))
    while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir)
    ownRoot = dir
  }
  return ownRoot
}

/** lpack's version, from its package.json. Part of cache keys, so a new lpack never reuses an old build's output. */
export function lpackVersion(): string {
  ownVersion ??= (createRequire(import.meta.url)(join(packageRoot(), 'package.json')) as {version: string}).version
  return ownVersion
}
