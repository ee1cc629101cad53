import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {parseKeyValues} from '../../src/core/config/values.js'
import {isLpackError} from '../../src/errors.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lpack-params-'))
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

async function errorFor(content: string): Promise<Error> {
  const file = join(dir, `params-${Math.random().toString(36).slice(2)}.json`)
  await writeFile(file, content)
  try {
    parseKeyValues(`file://${file}`, 'parameter-overrides', {allowFiles: true})
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}

describe('#11 --parameter-overrides file://… errors never quote the file', () => {
  it('names the file and what is wrong, not the secret in it', async () => {
    const cases = [
      'DbPassword=hunter2-secret',
      '{"DbPassword": "hunter2-secret",}',
      '{"DbPassword": {"value": "hunter2-secret"}}',
      '[{"ParameterKey": "DbPassword", "ParameterValue": ["hunter2-secret"]}]',
      '[{"Key": "hunter2-secret"}]',
    ]
    for (const content of cases) {
      const error = await errorFor(content)
      expect(isLpackError(error) && error.exitCode, content).toBe(2)
      expect(error.message, content).toMatch(/params-\w+\.json/)
      expect(error.message, content).not.toContain('hunter2')
      expect(JSON.stringify((error as {details?: unknown}).details ?? {}), content).not.toContain('hunter2')
    }
  })
})
