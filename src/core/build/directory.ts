import {mkdirSync, statSync} from 'node:fs'
import {dirname} from 'node:path'

// Its own module: a no-op build makes its folders without loading files.ts (and the `ignore` package with it).

/**
 * `mkdir -p` that fails where it cannot make a folder. Node's recursive mkdir never returns where mkdir says
 * ENOENT under a parent that exists (under /proc): it makes the parent again, forever.
 */
export function makeDirectory(dir: string): void {
  const info = statSync(dir, {throwIfNoEntry: false})
  if (info?.isDirectory()) return
  if (info) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), {code: 'ENOTDIR', path: dir})
  const parent = dirname(dir)
  if (parent !== dir) makeDirectory(parent)
  try {
    mkdirSync(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(dir).isDirectory()) throw error
  }
}
