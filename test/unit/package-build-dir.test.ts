import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {readBuildOutput} from '../../src/core/package/build-dir.js'

describe('build manifest paths', () => {
  it('#11.5 package reads a zip only at artifacts/<LogicalId>.zip, never a path the manifest makes up', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lpack-manifest-'))
    try {
      const artifact = {logicalId: 'Fn', kind: 'function', architecture: 'x86_64', zip: 'artifacts/Fn.zip', sha256: 'a'.repeat(64), zippedBytes: 1, unzippedBytes: 1, files: 1, inputsHash: 'x', cached: false}
      await writeFile(join(dir, 'template.yaml'), 'Resources: {}\n')
      const write = (artifacts: unknown[]) => writeFile(join(dir, 'manifest.json'), JSON.stringify({version: 1, template: 'template.yaml', artifacts}))
      await write([artifact])
      expect((await readBuildOutput(dir)).manifest.artifacts).toHaveLength(1)
      for (const bad of [{...artifact, zip: '../../../etc/passwd'}, {...artifact, logicalId: '../x', zip: 'artifacts/../x.zip'}]) {
        await write([bad])
        await expect(readBuildOutput(dir)).rejects.toMatchObject({code: 'BUILD_REQUIRED'})
      }
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })
})
