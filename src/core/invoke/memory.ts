import {readFileSync} from 'node:fs'

/**
 * Max Memory Used as Lambda reports it: the peak resident memory of everything running in the execution
 * environment — here the function's process and every process it started. Linux keeps each process's peak
 * (VmHWM in /proc/<pid>/status); sampling the tree finds the processes, and a child that lived between two samples
 * is missed (Lambda measures the sandbox as a whole).
 */
export class ProcessTreeMemory {
  private readonly peaks = new Map<number, number>()

  constructor(private readonly rootPid: number) {}

  /** True where /proc gives the numbers (Linux); elsewhere Max Memory Used is not reported. */
  static supported(): boolean {
    try {
      readFileSync('/proc/self/status', 'utf8')
      return true
    } catch {
      return false
    }
  }

  /** Reads the peak of every process in the tree now. */
  sample(): void {
    for (const pid of processTree(this.rootPid)) {
      const peak = peakResidentBytes(pid)
      if (peak !== undefined && peak > (this.peaks.get(pid) ?? 0)) this.peaks.set(pid, peak)
    }
  }

  /** The sum of the peaks seen, in bytes. */
  peakBytes(): number {
    let total = 0
    for (const peak of this.peaks.values()) total += peak
    return total
  }
}

function peakResidentBytes(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : undefined
  } catch {
    // The process has ended since it was listed.
    return undefined
  }
}

/**
 * The process and its descendants, through /proc/<pid>/task/<pid>/children: the children its main thread started
 * (where node, python and shells start them). Reading every thread's list would find children started by other
 * threads too, at ten times the reads of a sample (a Node.js process has about ten threads); a warm invoke's
 * overhead is mostly these reads.
 */
function processTree(rootPid: number): number[] {
  const found: number[] = []
  const queue = [rootPid]
  while (queue.length > 0) {
    const pid = queue.shift()!
    found.push(pid)
    let children = ''
    try {
      children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    } catch {
      // The process has ended since it was listed.
    }
    for (const child of children.split(' ')) if (child.trim() !== '') queue.push(Number(child))
  }
  return found
}
