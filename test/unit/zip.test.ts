import {execFile} from 'node:child_process'
import {createHash} from 'node:crypto'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {promisify} from 'node:util'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {writeDeterministicZip, type ZipEntry} from '../../src/core/package/zip.js'
import {readZipFile} from '../support/zip.js'

const execFileAsync = promisify(execFile)

/** DOS date 1980-01-01 and time 00:00:00. */
const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1
const DOS_TIME_MIDNIGHT = 0

let dir: string
let entries: ZipEntry[]
// Over the 1 MB above which a file is streamed into the zip instead of read whole.
const large = Buffer.alloc(3 * 1024 * 1024 + 7, 'lambda ')

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lpack-zip-'))
  await writeFile(join(dir, 'small.js'), 'exports.handler = async () => 1\n')
  await writeFile(join(dir, 'large.bin'), large)
  await writeFile(join(dir, 'bootstrap'), '#!/bin/sh\n')
  entries = [
    {path: 'z/last.txt', content: 'last'},
    {path: 'index.js', sourceFile: join(dir, 'small.js')},
    {path: 'data/large.bin', sourceFile: join(dir, 'large.bin')},
    {path: 'bootstrap', sourceFile: join(dir, 'bootstrap'), executable: true},
    {path: 'lib/dep.jar', content: 'PK already compressed', compress: false},
    {path: 'Über.txt', content: 'utf-8 name'},
  ]
})

afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

describe('writeDeterministicZip', () => {
  it('writes sorted entries with fixed modes, date and level, no extra fields, and reports what it wrote', async () => {
    const file = join(dir, 'out.zip')
    const result = await writeDeterministicZip(entries, file)
    const bytes = await readFile(file)
    expect(result).toEqual({
      file,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      zippedBytes: bytes.length,
      unzippedBytes: 4 + 32 + large.length + 10 + 21 + 10,
      files: 6,
    })
    const {records, comment} = await readZipFile(file)
    expect(comment).toBe('')
    // Sorted by UTF-8 bytes: 'Ü' (0xC3 0x9C) after every ASCII name.
    expect(records.map((r) => r.path)).toEqual(['bootstrap', 'data/large.bin', 'index.js', 'lib/dep.jar', 'z/last.txt', 'Über.txt'])
    for (const record of records) {
      expect({path: record.path, type: record.mode >> 12, dosDate: record.dosDate, dosTime: record.dosTime}).toEqual({path: record.path, type: 0o10, dosDate: DOS_DATE_1980_01_01, dosTime: DOS_TIME_MIDNIGHT})
      expect([record.centralExtraLength, record.localExtraLength, record.commentLength]).toEqual([0, 0, 0])
    }
    expect(records.map((r) => [r.path, r.mode & 0o7777, r.method])).toEqual([
      ['bootstrap', 0o755, 8],
      ['data/large.bin', 0o644, 8],
      ['index.js', 0o644, 8],
      ['lib/dep.jar', 0o644, 0],
      ['z/last.txt', 0o644, 8],
      ['Über.txt', 0o644, 8],
    ])
    expect(records.find((r) => r.path === 'data/large.bin')!.data.equals(large)).toBe(true)
    expect(records.find((r) => r.path === 'index.js')!.data.toString()).toBe('exports.handler = async () => 1\n')
  })

  it('writes the same bytes in every timezone and for entries given in any order', async () => {
    // A process's timezone is fixed when it starts (yazl reads it when loaded): one process per timezone.
    const zipModule = pathToFileURL(join(process.cwd(), 'dist/core/package/zip.js')).href
    const sha256s = await Promise.all(
      ['UTC', 'Australia/Adelaide', 'Pacific/Chatham', 'America/St_Johns'].map(async (tz, index) => {
        const order = index % 2 === 0 ? entries : [...entries].reverse()
        const script = `const {writeDeterministicZip} = await import(${JSON.stringify(zipModule)}); const r = await writeDeterministicZip(${JSON.stringify(order)}, ${JSON.stringify(join(dir, `tz-${index}.zip`))}); console.log(r.sha256)`
        const {stdout} = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], {env: {...process.env, TZ: tz}})
        return stdout.trim()
      }),
    )
    expect(sha256s[0]).toMatch(/^[0-9a-f]{64}$/)
    expect(new Set(sha256s).size).toBe(1)
  })

  it('leaves nothing behind when a source file cannot be read', async () => {
    const file = join(dir, 'broken.zip')
    await expect(writeDeterministicZip([{path: 'a.js', sourceFile: join(dir, 'missing.js')}], file)).rejects.toThrow(/missing\.js/)
    await expect(readFile(file)).rejects.toThrow()
  })

  it('rejects paths Lambda would unpack badly', async () => {
    for (const path of ['../escape.js', '/abs.js', 'a//b.js', 'a\\b.js', 'C:/x.js']) {
      await expect(writeDeterministicZip([{path, content: 'x'}], join(dir, 'bad.zip'))).rejects.toMatchObject({code: 'BUILD_FAILED'})
    }
    await expect(writeDeterministicZip([{path: 'a.js', content: 'x'}, {path: 'a.js', content: 'y'}], join(dir, 'dup.zip'))).rejects.toMatchObject({code: 'BUILD_FAILED'})
  })
})
