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
    // A cache folder without lpack local install's virtualenv.
    const env = {LPACK_PYTHON: python, XDG_CACHE_HOME: join(dir, 'empty-cache')}
    const result = await runLpack(['local', 'start', '--port', '0', '--state-dir', join(dir, 'no-moto')], {env})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('Error [DEPENDENCY_MISSING]: lpack local needs the Python package moto')
    expect(result.stderr).toContain('Run `lpack local install`')
    expect(result.stderr).toContain('pip install "moto[server]==5.2.1"')
    expect(result.stderr).not.toMatch(/\n\s+at /)
    // --detach reports the same error from its background process.
    const detached = await runLpack(['local', 'start', '--detach', '--port', '0', '--state-dir', join(dir, 'no-moto-detached')], {env})
    expect(detached.exitCode).toBe(1)
    expect(detached.stderr).toContain('DEPENDENCY_MISSING')
    expect(detached.stderr).toContain('moto[server]==5.2.1')
  })

  it('#15.1 without python3: one message saying what to install, exit 1', async () => {
    const result = await runLpack(['local', 'start', '--port', '0', '--state-dir', join(dir, 'no-python')], {env: {LPACK_PYTHON: join(dir, 'no-such-python3'), XDG_CACHE_HOME: join(dir, 'empty-cache')}})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toMatch(/Error \[DEPENDENCY_MISSING\]: lpack local needs Python 3 and moto, and .*no-such-python3 was not found/)
    expect(result.stderr).toContain('Hint: Install Python 3')
  })

  it('#15.1 lpack local install makes a virtualenv in the cache folder with the pinned moto; start then runs moto in it', async () => {
    // PyPI is out of reach here: the virtualenv sees the interpreter's own packages, so pip (--no-index) finds the
    // pinned requirement satisfied offline. A real download is the same pip call with an index.
    const python = join(dir, 'python-without-moto')
    const cache = join(dir, 'cache')
    const env = {LPACK_PYTHON: python, XDG_CACHE_HOME: cache}
    const venv = join(cache, 'lpack', 'moto-5.2.1')
    const installed = await runLpack(['local', 'install', '--system-site-packages', '--no-index', '--json'], {env, timeoutMs: 180_000})
    expect(installed.exitCode, installed.stderr).toBe(0)
    expect(JSON.parse(installed.stdout)).toEqual({kind: 'installed', venv, python: join(venv, 'bin', 'python'), motoVersion: '5.2.1', pipArgs: ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-index', 'moto[server]==5.2.1']})
    expect(await readFile(join(venv, 'pyvenv.cfg'), 'utf8')).toMatch(/include-system-site-packages = true/)
    // Our python3 cannot import moto: start falls back to the virtualenv.
    const state = join(dir, 'venv-state')
    const started = await runLpack(['local', 'start', '--detach', '--port', '0', '--state-dir', state], {env, timeoutMs: 90_000})
    expect(started.exitCode, started.stderr).toBe(0)
    try {
      const status = await runLpack(['local', 'status', '--state-dir', state, '--json'])
      expect(JSON.parse(status.stdout)).toMatchObject({running: true, python: join(venv, 'bin', 'python')})
    } finally {
      await runLpack(['local', 'stop', '--state-dir', state])
    }
    // With python3 that imports moto, install changes nothing.
    const nothing = await runLpack(['local', 'install', '--json'], {env: {XDG_CACHE_HOME: join(dir, 'other-cache')}, timeoutMs: 60_000})
    expect(nothing.exitCode, nothing.stderr).toBe(0)
    expect(JSON.parse(nothing.stdout)).toMatchObject({kind: 'already-installed', motoVersion: '5.2.1'})
  }, 300_000)

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
