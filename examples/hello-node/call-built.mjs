// After `lpack build`: prints the build manifest, then unpacks the built zip as Lambda would and calls the
// handler the built template names, in this plain Node.js process.
import {mkdtemp, mkdir, readFile, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {inflateRawSync} from 'node:zlib'

import {parse} from 'yaml'

const buildDir = new URL('.lpack/build/', import.meta.url)
const manifest = JSON.parse(await readFile(new URL('manifest.json', buildDir), 'utf8'))
console.log(JSON.stringify(manifest, null, 2))

const template = parse(await readFile(new URL('template.yaml', buildDir), 'utf8'))
for (const artifact of manifest.artifacts.filter((a) => a.kind === 'function')) {
  const taskDir = await mkdtemp(join(tmpdir(), 'hello-node-'))
  await unzip(await readFile(new URL(artifact.zip, buildDir)), taskDir)
  const handler = template.Resources[artifact.logicalId].Properties.Handler
  const [file, exportName] = [handler.slice(0, handler.lastIndexOf('.')), handler.slice(handler.lastIndexOf('.') + 1)]
  const module = await import(pathToFileURL(join(taskDir, `${file}.js`)).href)
  console.log(`${artifact.logicalId} (${handler}) →`, await module[exportName]({name: 'lpack'}))
}

/** Just enough of the zip format for lpack's own zips (deflated entries, no zip64). */
async function unzip(bytes, dir) {
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  let offset = bytes.readUInt32LE(end + 16)
  for (let i = 0; i < bytes.readUInt16LE(end + 10); i++) {
    const nameLength = bytes.readUInt16LE(offset + 28)
    const name = bytes.subarray(offset + 46, offset + 46 + nameLength).toString('utf8')
    const local = bytes.readUInt32LE(offset + 42)
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28)
    const data = bytes.subarray(start, start + bytes.readUInt32LE(offset + 20))
    await mkdir(dirname(join(dir, name)), {recursive: true})
    await writeFile(join(dir, name), bytes.readUInt16LE(offset + 10) === 8 ? inflateRawSync(data) : data)
    offset += 46 + nameLength + bytes.readUInt16LE(offset + 30) + bytes.readUInt16LE(offset + 32)
  }
}
