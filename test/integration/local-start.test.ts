import {chmod, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runLpack} from '../support/cli.js'

/** `lpack local start|stop|status` (#15.1): the local AWS as a product feature. */
describe('lpack local start / status / stop', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lpack-local-start-'))
  })
  afterAll(async () => {
    await runLpack(['local', 'stop', '--state-dir', join(dir, 'state')])
    await rm(dir, {recursive: true, force: true})
  })

  it('#15.1 --detach prints the endpoint and the environment once ready; status finds it; stop ends it and moto', async () => {
    const stateDir = join(dir, 'state')
    const started = await runLpack(['local', 'start', '--detach', '--port', '0', '--state-dir', stateDir], {timeoutMs: 60_000})
    expect(started.exitCode, started.stderr).toBe(0)
    const endpoint = /^endpoint: (http:\/\/127\.0\.0\.1:\d+)$/m.exec(started.stdout)?.[1]
    expect(endpoint).toBeDefined()
    expect(started.stdout).toContain(`export AWS_ENDPOINT_URL=${endpoint}`)
    expect(started.stdout).toMatch(/^export AWS_ACCESS_KEY_ID=testing$/m)
    expect(started.stdout).toMatch(/^export AWS_REGION=us-east-1$/m)
    // The endpoint answers AWS calls at once (an S3 ListBuckets, unsigned: moto does not check signatures).
    const buckets = await fetch(`${endpoint}/`)
    expect(buckets.status).toBe(200)

    const status = await runLpack(['local', 'status', '--state-dir', stateDir, '--json'])
    expect(status.exitCode).toBe(0)
    const state = JSON.parse(status.stdout) as {running: boolean; endpoint: string; pid: number; motoPid: number}
    expect(state).toMatchObject({running: true, endpoint})

    const stopped = await runLpack(['local', 'stop', '--state-dir', stateDir])
    expect(stopped.exitCode).toBe(0)
    expect(stopped.stdout).toContain(`stopped ${endpoint}`)
    for (const pid of [state.pid, state.motoPid]) expect(() => process.kill(pid, 0)).toThrow()
    await expect(fetch(`${endpoint}/`)).rejects.toThrow()
    const after = await runLpack(['local', 'status', '--state-dir', stateDir])
    expect(after.exitCode).toBe(1)
    expect(after.stdout).toContain('not running')
  })

  it('#15.1 without moto: one message saying how to install it, exit 1', async () => {
    // A python3 that cannot see site-packages, where moto is installed.
    const python = join(dir, 'python-without-moto')
    await writeFile(python, '#!/bin/sh\nexec python3 -S "$@"\n')
    await chmod(python, 0o755)
    const result = await runLpack(['local', 'start', '--port', '0', '--state-dir', join(dir, 'no-moto')], {env: {LPACK_PYTHON: python}})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('Error [DEPENDENCY_MISSING]: lpack local needs the Python package moto')
    expect(result.stderr).toContain('pip install "moto[server]==5.2.1"')
    expect(result.stderr).not.toMatch(/\n\s+at /)
    // --detach reports the same error from its background process.
    const detached = await runLpack(['local', 'start', '--detach', '--port', '0', '--state-dir', join(dir, 'no-moto-detached')], {env: {LPACK_PYTHON: python}})
    expect(detached.exitCode).toBe(1)
    expect(detached.stderr).toContain('DEPENDENCY_MISSING')
    expect(detached.stderr).toContain('moto[server]==5.2.1')
  })

  it('#15.1 without python3: one message saying what to install, exit 1', async () => {
    const result = await runLpack(['local', 'start', '--port', '0', '--state-dir', join(dir, 'no-python')], {env: {LPACK_PYTHON: join(dir, 'no-such-python3')}})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toMatch(/Error \[DEPENDENCY_MISSING\]: lpack local needs Python 3 and moto, and .*no-such-python3 was not found/)
    expect(result.stderr).toContain('Hint: Install Python 3')
  })

  it('#15.1 a port in use is a usage error naming the port', async () => {
    const {createServer} = await import('node:net')
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
    const port = (server.address() as {port: number}).port
    try {
      const result = await runLpack(['local', 'start', '--port', String(port), '--state-dir', join(dir, 'busy')])
      expect(result.exitCode).toBe(2)
      expect(result.stderr).toContain(`Port ${port} on 127.0.0.1 is in use`)
    } finally {
      server.close()
    }
    expect(await readFile(join(dir, 'busy', 'local.json'), 'utf8').catch(() => 'none')).toBe('none')
  })
})
