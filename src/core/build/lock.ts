import {linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync} from 'node:fs'
import {hostname} from 'node:os'
import {dirname, join} from 'node:path'

import {LpackError} from '../../errors.js'
import type {Reporter} from '../events.js'
import {makeDirectory} from './directory.js'

/** In the build folder: `{"pid": N, "host": "…"}` of the build that holds it. */
export const LOCK_FILE = 'build.lock'
/** How often a waiting build looks at the lock again. */
const POLL_MS = 100
/**
 * How long a build waits for another one in the same folder before it gives up. Long enough for a slow build
 * (Java with Maven); the holder is known to be alive all that time, or it would have been taken over at once.
 */
export const DEFAULT_LOCK_WAIT_MS = 10 * 60_000
/** A lock file with no readable holder is being written (microseconds) unless it is older than this. */
const UNWRITTEN_GRACE_MS = 2000

interface Holder {
  pid: number
  host: string
}

/** Lock files this process holds: a lock with our own pid is ours only if it is listed here. */
const held = new Set<string>()

/**
 * Takes the build folder's lock, waiting while another live build holds it (`lpack build` twice in one folder, a
 * deploy building while a build runs): both would write the same zips and cache. A lock left by a build that was
 * killed (its process is gone) is taken over at once. Resolves with what releases it.
 *
 * A small O_EXCL lock file rather than a locking package (proper-lockfile): what is needed is create-or-wait and
 * a dead holder's lock broken, a few lines of node:fs; proper-lockfile brings graceful-fs (which patches fs) and
 * retry, and a no-op build pays for every module it loads.
 */
export async function lockBuildDir(buildDir: string, options: {reporter: Reporter; signal?: AbortSignal; waitMs?: number}): Promise<() => void> {
  const file = join(buildDir, LOCK_FILE)
  const mine: Holder = {pid: process.pid, host: hostname()}
  const started = Date.now()
  let announced = false
  for (;;) {
    if (tryCreate(file, mine)) break
    const holder = readHolder(file)
    if (holder === 'gone') continue
    if (holder === undefined ? isOld(file) : isDead(file, holder, mine)) {
      breakLock(file, holder)
      continue
    }
    const who = holder ? `pid ${holder.pid}${holder.host === mine.host ? '' : ` on ${holder.host}`}` : 'starting'
    if (Date.now() - started > (options.waitMs ?? DEFAULT_LOCK_WAIT_MS)) {
      throw new LpackError('BUILD_FAILED', `Another lpack build is running in ${buildDir} (${who}); gave up waiting for it`, {
        hint: `Wait for it to finish, or, if no build is running there, remove ${file}.`,
      })
    }
    if (!announced) {
      announced = true
      options.reporter.emit({kind: 'build.waiting', data: {buildDir, ...(holder ? {holder: {pid: holder.pid, ...(holder.host === mine.host ? {} : {host: holder.host})}} : {})}})
    }
    await sleep(POLL_MS, options.signal)
    if (options.signal?.aborted) throw new LpackError('INTERRUPTED', `Stopped while waiting for another lpack build in ${buildDir}`)
  }
  held.add(file)
  const release = () => {
    process.removeListener('exit', release)
    if (!held.delete(file)) return
    // Only our own lock: never one a later build took over.
    const holder = readHolder(file)
    if (holder !== 'gone' && holder?.pid === mine.pid && holder.host === mine.host) unlinkQuietly(file)
  }
  // Also when the process exits without unwinding (process.exit in a signal handler).
  process.on('exit', release)
  return release
}

/** Creates the lock file holding `holder`; false when it exists. */
function tryCreate(file: string, holder: Holder): boolean {
  try {
    writeFileSync(file, JSON.stringify(holder) + '\n', {flag: 'wx'})
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    let reason = error as Error
    // The build folder was removed meanwhile (rm -rf .lpack): make it again.
    if (code === 'ENOENT') {
      try {
        makeDirectory(dirname(file))
        return false
      } catch (cause) {
        reason = cause as Error
      }
    }
    throw new LpackError('USAGE', `Cannot write the lock file ${file}: ${reason.message}`, {hint: 'The build folder must be writable.'})
  }
}

/** The lock's holder; undefined when the file holds no readable holder; 'gone' when there is no lock file. */
function readHolder(file: string): Holder | undefined | 'gone' {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    // Anything else that cannot be read (a folder named build.lock) holds no holder: broken once it is old.
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : undefined
  }
  try {
    const value = JSON.parse(text) as Partial<Holder>
    return Number.isInteger(value.pid) && typeof value.host === 'string' ? (value as Holder) : undefined
  } catch {
    return undefined
  }
}

/** True when the holder is a process of this machine that no longer runs (a build killed with SIGKILL). */
function isDead(file: string, holder: Holder, mine: Holder): boolean {
  // Another machine's process (a shared folder) cannot be looked up: it is taken to be running.
  if (holder.host !== mine.host) return false
  if (holder.pid === mine.pid) return !held.has(file)
  try {
    process.kill(holder.pid, 0)
    return false
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}

function isOld(file: string): boolean {
  const info = statSync(file, {throwIfNoEntry: false})
  return info !== undefined && Date.now() - info.mtimeMs > UNWRITTEN_GRACE_MS
}

/**
 * Removes a dead holder's lock. Renamed aside first, so that of two builds breaking it at once only one removes
 * it; if what was moved aside is not the dead lock (a live build took the lock meanwhile), it is put back.
 */
function breakLock(file: string, dead: Holder | undefined): void {
  const aside = `${file}.${process.pid}.stale`
  try {
    renameSync(file, aside)
  } catch {
    return
  }
  const moved = readHolder(aside)
  const same = dead === undefined ? moved === undefined : moved !== 'gone' && moved?.pid === dead.pid && moved.host === dead.host
  if (!same) {
    try {
      linkSync(aside, file)
    } catch {
      // A third build has the lock now; the one moved aside is lost to its holder, which still runs to its end.
    }
  }
  unlinkQuietly(aside)
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file)
  } catch {
    // Already gone.
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, {once: true})
  })
}
