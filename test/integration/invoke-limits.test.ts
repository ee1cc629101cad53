import {readFile, rm} from 'node:fs/promises'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {dataCeilingBytes, type ExecutionEnvironment} from '../../src/core/invoke/execution-environment.js'
import {environment, event, taskRoot} from './invoke-support.js'

// Timeout, memory and the START / END / REPORT lines, with real node and python3 processes.
const cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step()
})

async function setup(files: Record<string, string>, fn: Parameters<typeof environment>[1]): Promise<{env: ExecutionEnvironment; root: string}> {
  const root = await taskRoot(files)
  const {env} = environment(root, fn)
  cleanup.push(async () => {
    await env.dispose()
    await rm(root, {recursive: true, force: true})
  })
  return {env, root}
}

/** The machine is shared and loaded: a timer may fire late by this much (Lambda's own bound is the deadline). */
const SCHEDULING_SLACK_MS = 400

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('lpack invoke: limits as Lambda enforces them', () => {
  it('#14.3 a handler sleeping past its Timeout is killed at the deadline with its whole process group', {timeout: 30_000}, async () => {
    const {env, root} = await setup(
      {
        'task/app.js': `
          const {spawn} = require('node:child_process')
          const {writeFileSync} = require('node:fs')
          exports.handler = async () => {
            const child = spawn('sleep', ['60'], {stdio: 'ignore'})
            writeFileSync(process.env.LAMBDA_TASK_ROOT + '/../child.pid', String(child.pid))
            await new Promise((resolve) => setTimeout(resolve, 60_000))
          }`,
      },
      {runtime: 'nodejs20.x', handler: 'app.handler', timeoutSeconds: 1},
    )
    const result = await env.invoke(event({}))
    expect(result.timedOut).toBe(true)
    expect(result.failed).toBe(true)
    expect(JSON.parse(result.payload)).toEqual({errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${result.requestId} Error: Task timed out after 1.00 seconds`})
    expect(result.logs).toContainEqual(expect.stringMatching(new RegExp(`^\\d{4}-[\\d-]+T[\\d:.]+Z ${result.requestId} Task timed out after 1\\.00 seconds$`)))
    expect(result.report.durationMs).toBeGreaterThanOrEqual(1000)
    expect(result.report.durationMs).toBeLessThan(1000 + SCHEDULING_SLACK_MS)
    // The handler's own child is gone too: the kill went to the process group.
    const childPid = Number(await readFile(join(root, 'child.pid'), 'utf8'))
    const until = Date.now() + 2000
    while (alive(childPid) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(alive(childPid)).toBe(false)
    // The next invoke gets a new environment.
    const next = await env.invoke(event({}))
    expect(next.coldStart).toBe(true)
    expect(next.report.initDurationMs).toBeGreaterThan(0)
  })

  it('#14.3 Max Memory Used follows a Python handler that allocates 100 MB (within 20 %)', {timeout: 30_000}, async () => {
    const files = {'task/app.py': 'import os\nkept = []\ndef handler(event, context):\n    if event.get("mb"):\n        kept.append(b"\\x01" * (event["mb"] * 1024 * 1024))\n    return len(kept)\n'}
    const idle = await setup(files, {runtime: 'python3.12', handler: 'app.handler', memoryMb: 256})
    const baseline = (await idle.env.invoke(event({}))).report.maxMemoryUsedMb!
    const busy = await setup(files, {runtime: 'python3.12', handler: 'app.handler', memoryMb: 256})
    const used = (await busy.env.invoke(event({mb: 100}))).report.maxMemoryUsedMb!
    expect(used - baseline).toBeGreaterThanOrEqual(80)
    expect(used - baseline).toBeLessThanOrEqual(120)
    expect(used).toBeGreaterThanOrEqual(100)
    expect(used).toBeLessThanOrEqual(100 * 1.2 + baseline)
  })

  it('#14.3 Max Memory Used follows a Node.js handler that allocates 100 MB (within 20 %)', {timeout: 30_000}, async () => {
    const files = {'task/app.js': 'const kept = []\nexports.handler = async (event) => { if (event.mb) kept.push(Buffer.alloc(event.mb * 1024 * 1024, 1)); return kept.length }'}
    const idle = await setup(files, {runtime: 'nodejs20.x', handler: 'app.handler', memoryMb: 256})
    const baseline = (await idle.env.invoke(event({}))).report.maxMemoryUsedMb!
    const busy = await setup(files, {runtime: 'nodejs20.x', handler: 'app.handler', memoryMb: 256})
    const used = (await busy.env.invoke(event({mb: 100}))).report.maxMemoryUsedMb!
    expect(used - baseline).toBeGreaterThanOrEqual(80)
    expect(used - baseline).toBeLessThanOrEqual(120)
  })

  it('#14.3 a function growing past its MemorySize is stopped with Runtime.OutOfMemory, and the next invoke starts afresh', {timeout: 30_000}, async () => {
    const {env} = await setup(
      {'task/app.py': 'import time\nkept = []\ndef handler(event, context):\n    if event.get("grow"):\n        for _ in range(40):\n            kept.append(b"\\x01" * (16 * 1024 * 1024))\n            time.sleep(0.05)\n    return len(kept)\n'},
      {runtime: 'python3.12', handler: 'app.handler', memoryMb: 128, timeoutSeconds: 20},
    )
    const result = await env.invoke(event({grow: true}))
    expect(result.failed).toBe(true)
    expect(JSON.parse(result.payload)).toEqual({errorType: 'Runtime.OutOfMemory', errorMessage: `RequestId: ${result.requestId} Error: Runtime exited with error: signal: killed`})
    expect(result.report.maxMemoryUsedMb).toBe(128)
    // Stopped while growing, long before the 40 allocations (2 s) were done.
    expect(result.report.durationMs).toBeLessThan(1500)
    const next = await env.invoke(event({}))
    expect(next.coldStart).toBe(true)
    expect(next.payload).toBe('0')
  })

  it('#14.3 Node.js\'s heap is sized from MemorySize: a handler growing its heap past it fails, and the next invoke starts afresh', {timeout: 60_000}, async () => {
    const {env} = await setup(
      {'task/app.js': "const v8 = require('node:v8')\nconst kept = []\nexports.handler = async (event) => {\n  if (event.grow) for (;;) kept.push({n: kept.length, text: 'x'.repeat(64) + kept.length})\n  return {limitMb: v8.getHeapStatistics().heap_size_limit / 1048576}\n}"},
      {runtime: 'nodejs20.x', handler: 'app.handler', memoryMb: 128, timeoutSeconds: 30},
    )
    const {limitMb} = JSON.parse((await env.invoke(event({}))).payload) as {limitMb: number}
    // Without the flag, V8's default on a 64-bit machine is gigabytes; with it, the old space is 90 % of MemorySize
    // and V8's limit adds its young generation on top.
    expect(limitMb).toBeGreaterThan(100)
    expect(limitMb).toBeLessThan(2 * 128)
    const grown = await env.invoke(event({grow: true}))
    expect(grown.failed).toBe(true)
    expect(['Runtime.ExitError', 'Runtime.OutOfMemory']).toContain(grown.errorType)
    expect(grown.report.maxMemoryUsedMb).toBeLessThanOrEqual(128)
    expect((await env.invoke(event({}))).coldStart).toBe(true)
  })

  it('#14.3 a data-segment ceiling (RLIMIT_DATA through prlimit) holds the function\'s process, well above MemorySize', {timeout: 30_000}, async () => {
    const {env} = await setup({'task/app.py': 'import resource\ndef handler(event, context):\n    return resource.getrlimit(resource.RLIMIT_DATA)[0]\n'}, {runtime: 'python3.12', handler: 'app.handler', memoryMb: 256})
    const limit = Number((await env.invoke(event({}))).payload)
    expect(limit).toBe(dataCeilingBytes({runtime: 'python3.12', memoryMb: 256}))
    expect(limit).toBeGreaterThan(256 * 1024 * 1024)
  })

  it('#14.3 START, END and REPORT lines in Lambda\'s format; a warm second invoke has no Init Duration', {timeout: 30_000}, async () => {
    const {env} = await setup({'task/app.js': 'let n = 0\nexports.handler = async () => ++n'}, {runtime: 'nodejs20.x', handler: 'app.handler', memoryMb: 192})
    const cold = await env.invoke(event({}))
    const warm = await env.invoke(event({}))
    expect([cold.payload, warm.payload]).toEqual(['1', '2'])
    expect(cold.coldStart).toBe(true)
    expect(warm.coldStart).toBe(false)
    expect(cold.logs[0]).toBe(`START RequestId: ${cold.requestId} Version: $LATEST`)
    expect(cold.logs.at(-2)).toBe(`END RequestId: ${cold.requestId}`)
    const report = /^REPORT RequestId: (\S+)\tDuration: (\d+\.\d\d) ms\tBilled Duration: (\d+) ms\tMemory Size: 192 MB\tMax Memory Used: (\d+) MB\tInit Duration: (\d+\.\d\d) ms\t$/.exec(cold.logs.at(-1)!)
    expect(report, cold.logs.at(-1)).not.toBeNull()
    expect(report![1]).toBe(cold.requestId)
    // Billed in 1 ms steps, rounded up; a managed runtime's init is not billed.
    expect(Number(report![3])).toBe(Math.ceil(Number(report![2])))
    expect(Number(report![4])).toBeGreaterThan(10)
    expect(warm.report.initDurationMs).toBeUndefined()
    expect(warm.logs.at(-1)).toMatch(/^REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 192 MB\tMax Memory Used: \d+ MB\t$/)
  })
})
