// After `lpack build`: prints the build manifest, then unpacks the built zip as Lambda would and calls the
// handler the built template names, in this plain Node.js process.
import {once} from 'node:events'
import {createWriteStream, existsSync} from 'node:fs'
import {mkdtemp, mkdir, readFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {pipeline} from 'node:stream/promises'
import {pathToFileURL} from 'node:url'
import {promisify} from 'node:util'

import {parse} from 'yaml'
import yauzl from 'yauzl'

const buildDir = new URL('.lpack/build/', import.meta.url)
const manifest = JSON.parse(await readFile(new URL('manifest.json', buildDir), 'utf8'))
console.log(JSON.stringify(manifest, null, 2))

const template = parse(await readFile(new URL('template.yaml', buildDir), 'utf8'))
for (const artifact of manifest.artifacts.filter((a) => a.kind === 'function')) {
  const taskDir = await mkdtemp(join(tmpdir(), 'hello-node-'))
  await unzip(await readFile(new URL(artifact.zip, buildDir)), taskDir)
  const handler = template.Resources[artifact.logicalId].Properties.Handler
  const [file, exportName] = [handler.slice(0, handler.lastIndexOf('.')), handler.slice(handler.lastIndexOf('.') + 1)]
  // As Lambda's Node.js runtime does: file.js, else file.mjs, else file.cjs (an ES module entry is built as .mjs).
  const entry = ['.js', '.mjs', '.cjs'].map((extension) => join(taskDir, `${file}${extension}`)).find((path) => existsSync(path))
  const module = await import(pathToFileURL(entry).href)
  console.log(`${artifact.logicalId} (${handler}) →`, await module[exportName]({name: 'lpack'}))
}

/** Unpacks a zip as Lambda does before starting the runtime. */
async function unzip(bytes, dir) {
  const zip = await promisify(yauzl.fromBuffer)(bytes, {lazyEntries: false})
  const openEntry = promisify(zip.openReadStream.bind(zip))
  const entries = []
  zip.on('entry', (entry) => entries.push(entry))
  await once(zip, 'end')
  for (const entry of entries) {
    if (entry.fileName.endsWith('/')) continue
    await mkdir(dirname(join(dir, entry.fileName)), {recursive: true})
    await pipeline(await openEntry(entry), createWriteStream(join(dir, entry.fileName)))
  }
}
