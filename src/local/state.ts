import {mkdirSync, readFileSync, rmSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

import {writeFileAtomically} from '../core/fs-paths.js'

/** What a running local AWS leaves in its state folder, for `lpack local status` and `stop`. */
export interface LocalState {
  pid: number
  motoPid: number
  /** The interpreter moto runs in (python3, or the virtualenv of lpack local install). */
  python?: string
  port: number
  endpoint: string
  region: string
  startedAt: string
}

const STATE_FILE = 'local.json'

/** The state folder: --state-dir, else LPACK_LOCAL_STATE_DIR, else lpack's folder in the user's cache. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LPACK_LOCAL_STATE_DIR) return env.LPACK_LOCAL_STATE_DIR
  const cache = env.XDG_CACHE_HOME || join(homedir(), '.cache')
  return join(cache, 'lpack', 'local')
}

export async function writeState(dir: string, state: LocalState): Promise<void> {
  mkdirSync(dir, {recursive: true})
  await writeFileAtomically(join(dir, STATE_FILE), JSON.stringify(state, null, 2) + '\n')
}

/** The recorded state, or undefined when there is none or its process has ended (a stale file is removed). */
export function readLiveState(dir: string): LocalState | undefined {
  let state: LocalState
  try {
    state = JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8')) as LocalState
  } catch {
    return undefined
  }
  if (!isAlive(state.pid)) {
    removeState(dir, state.pid)
    return undefined
  }
  return state
}

/** Removes the state file if it still belongs to `pid` (a newer local AWS may have replaced it). */
export function removeState(dir: string, pid: number): void {
  try {
    const state = JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8')) as LocalState
    if (state.pid === pid) rmSync(join(dir, STATE_FILE), {force: true})
  } catch {
    // No file, or not ours to remove.
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
