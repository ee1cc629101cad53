// The floor: esbuild alone, one call bundling every function (same settings as the others), then one zip per
// function at level 9. No cache, no checks, no template: the least work that yields the same zips.
// `yazl` (default) zips as lpack does, entry for entry the same bytes; `archiver` is the design card's library.
// Usage: node bench/build/floor.mjs APP_DIR OUT_DIR [yazl|archiver]
import {createWriteStream} from 'node:fs'
import {mkdir, readdir, readFile, rm} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {pipeline} from 'node:stream/promises'

const [appDir, outDir, zipLibrary = 'yazl'] = process.argv.slice(2)
const esbuild = createRequire(join(appDir, 'package.json'))('esbuild')
const benchRequire = createRequire(import.meta.url)
const zip = {yazl: zipWithYazl, archiver: zipWithArchiver}[zipLibrary]
if (!zip) throw new Error(`unknown zip library ${zipLibrary}: yazl or archiver`)

await rm(outDir, {recursive: true, force: true})
const names = (await readdir(join(appDir, 'src/functions'))).map((file) => file.replace(/\.ts$/, '')).sort()
const bundleDir = join(outDir, 'bundles')
await esbuild.build({
  absWorkingDir: appDir,
  entryPoints: names.map((name) => join(appDir, 'src/functions', `${name}.ts`)),
  outdir: bundleDir,
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  external: ['@aws-sdk/*'],
  mainFields: ['module', 'main'],
  logLevel: 'error',
})
await mkdir(join(outDir, 'zips'), {recursive: true})
await Promise.all(names.map((name) => zip(join(bundleDir, `${name}.js`), `${name}.js`, join(outDir, 'zips', `${name}.zip`))))

async function zipWithYazl(file, entryName, zipFile) {
  const {ZipFile} = benchRequire('yazl')
  const archive = new ZipFile()
  const done = pipeline(archive.outputStream, createWriteStream(zipFile))
  archive.addBuffer(await readFile(file), entryName, {mtime: new Date(1980, 0, 1), forceDosTimestamp: true, mode: 0o100644, compressionLevel: 9})
  archive.end()
  await done
}

async function zipWithArchiver(file, entryName, zipFile) {
  const archive = benchRequire('archiver')('zip', {zlib: {level: 9}})
  const done = pipeline(archive, createWriteStream(zipFile))
  archive.file(file, {name: entryName, date: new Date('1980-01-01T00:00:00Z'), mode: 0o644})
  await archive.finalize()
  await done
}
