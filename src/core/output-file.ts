import {statSync, type Stats} from 'node:fs'
import {writeFile} from 'node:fs/promises'
import {dirname, resolve} from 'node:path'

import {LpackError} from '../errors.js'

/**
 * Refuses an output file (`-o`) that cannot be written, before any work is done for it (`lpack package` uploads
 * first): a folder, a device, or a file in a folder that does not exist.
 */
export function checkOutputFile(file: string, flag: string): void {
  const info = statIfAny(file)
  if (info && !info.isFile()) throw outputError(file, flag, info.isDirectory() ? 'it is a folder' : 'it is not a regular file')
  const folder = statIfAny(dirname(resolve(file)))
  if (!folder) throw outputError(file, flag, `the folder ${dirname(resolve(file))} does not exist`)
  if (!folder.isDirectory()) throw outputError(file, flag, `${dirname(resolve(file))} is not a folder`)
}

/** A stat, or undefined where there is nothing (also under a file: ENOTDIR). */
function statIfAny(path: string): Stats | undefined {
  try {
    return statSync(path, {throwIfNoEntry: false})
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined
    throw error
  }
}

/** Writes an output file; what stops it (a folder made there meanwhile, no permission, a full disk) is a usage error. */
export async function writeOutputFile(file: string, flag: string, text: string): Promise<void> {
  checkOutputFile(file, flag)
  try {
    await writeFile(file, text)
  } catch (error) {
    throw outputError(file, flag, (error as Error).message)
  }
}

function outputError(file: string, flag: string, reason: string): LpackError {
  return new LpackError('USAGE', `Cannot write ${flag} ${file}: ${reason}`, {hint: `Give ${flag} the path of a file in an existing folder.`})
}
