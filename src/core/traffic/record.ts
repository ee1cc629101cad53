import {join} from 'node:path'
import {mkdir} from 'node:fs/promises'

import {writeFileAtomically} from '../fs-paths.js'
import type {ReleaseRecord} from './types.js'

/**
 * Writes `<dir>/<stack>-<time>.json`: the steps, weights, hook results and alarm states of one release, for a
 * later picture of it. The time is the release's start, with ':' and '.' left out so it is a valid file name.
 */
export async function writeReleaseRecord(dir: string, record: ReleaseRecord): Promise<string> {
  await mkdir(dir, {recursive: true})
  const stamp = record.startedAt.replace(/[:.]/g, '').replace(/-/g, '')
  const file = join(dir, `${record.stackName}-${stamp}.json`)
  await writeFileAtomically(file, JSON.stringify(record, null, 2) + '\n')
  return file
}
