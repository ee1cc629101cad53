import {createWriteStream} from 'node:fs'
import {mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Readable} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ZipFile} from 'yazl'

import {extractArchive} from '../../src/core/build/builders/java-jar.js'
import {LpackError} from '../../src/errors.js'
import {runLpack} from '../support/cli.js'

// Issue #11, item 7: a 1 MB jar that unpacks to 1 GiB must be refused before anything is written. The bomb is made
// here (1 GiB of zeros, deflated to ~1 MB: a few seconds of deflate); no JDK is needed, since a jar given as
// CodeUri is unpacked by lpack itself.
const GiB = 1024 * 1024 * 1024
let root: string
let bomb: string

/** Bytes of every file under `dir` (0 when it does not exist). */
async function bytesUnder(dir: string): Promise<number> {
  const entries = await readdir(dir, {withFileTypes: true, recursive: true}).catch(() => [])
  let total = 0
  for (const entry of entries) if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size
  return total
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lpack-java-bomb-'))
  bomb = join(root, 'bomb.jar')
  const zip = new ZipFile()
  zip.addBuffer(Buffer.from('not really a class'), 'com/example/Handler.class')
  const chunk = Buffer.alloc(1024 * 1024)
  let left = GiB / chunk.length
  zip.addReadStream(new Readable({read() {
    this.push(left-- > 0 ? chunk : null)
  }}), 'zeros.bin', {compressionLevel: 9})
  zip.end()
  await pipeline(zip.outputStream, createWriteStream(bomb))
}, 120_000)

afterAll(async () => {
  await rm(root, {recursive: true, force: true})
})

describe('jar and zip bombs', () => {
  it('#11.7 refuses a 1 MB jar that unpacks to 1 GiB before writing anything (exit 1, clear message)', async () => {
    expect((await stat(bomb)).size).toBeLessThan(2 * 1024 * 1024)
    const dir = join(root, 'app')
    await mkdir(dir, {recursive: true})
    await writeFile(join(dir, 'app.jar'), await readFile(bomb))
    await writeFile(join(dir, 'template.yaml'), 'Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {CodeUri: app.jar, Handler: com.example.Handler::handleRequest, Runtime: java21}\n')
    const started = Date.now()
    const result = await runLpack(['build'], {cwd: dir})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('app.jar would unpack to 1,073,741,842 bytes')
    expect(result.stderr).toContain("more than Lambda's unzipped limit of 262,144,000 bytes")
    // Refused from the central directory: no time spent inflating a gigabyte, and nothing left in the build folder.
    expect(Date.now() - started).toBeLessThan(30_000)
    expect(await bytesUnder(join(dir, '.lpack/build'))).toBeLessThan(64 * 1024)
  }, 60_000)

  it('#11.7 writes nothing when the central directory declares too much', async () => {
    const dest = join(root, 'unpacked-declared')
    await expect(extractArchive(bomb, dest, 'Fn')).rejects.toThrow(/would unpack to 1,073,741,842 bytes/)
    expect(await bytesUnder(dest)).toBe(0)
  })

  it('#11.7 stops a central directory that lies about the size after little is written', async () => {
    // The same bomb with the central directory claiming 1,000 bytes for zeros.bin.
    const bytes = Buffer.from(await readFile(bomb))
    let patched = 0
    for (let offset = bytes.indexOf(0x02014b50 & 0xff); offset >= 0; offset = bytes.indexOf(0x50, offset + 1)) {
      if (bytes.readUInt32LE(offset) !== 0x02014b50) continue
      const nameLength = bytes.readUInt16LE(offset + 28)
      if (bytes.toString('utf8', offset + 46, offset + 46 + nameLength) !== 'zeros.bin') continue
      bytes.writeUInt32LE(1000, offset + 24)
      patched++
    }
    expect(patched).toBe(1)
    const liar = join(root, 'liar.jar')
    await writeFile(liar, bytes)
    const dest = join(root, 'unpacked-liar')
    const error = await extractArchive(liar, dest, 'Fn').catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(LpackError)
    expect((error as LpackError).code).toBe('BUILD_FAILED')
    expect(await bytesUnder(dest)).toBeLessThan(2 * 1024 * 1024)
  })
})
