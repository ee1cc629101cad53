import {rename, writeFile} from 'node:fs/promises'
import {sep} from 'node:path'

/** A platform path with `/` between its parts: how zips, templates and the build cache write paths everywhere. */
export function toPosixPath(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/')
}

/**
 * Writes a file whole or not at all: a temp file beside it, then a rename, so a reader (or a build killed mid-write)
 * never sees half a file. The temp name carries the pid, so processes writing side by side do not clash.
 */
export async function writeFileAtomically(file: string, content: string | Uint8Array): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`
  await writeFile(temp, content)
  await rename(temp, file)
}
