// The floor: esbuild alone, one call bundling every function (same settings as the others), then one zip per
// function (archiver, level 9). No cache, no checks, no template: the least work that yields the same zips.
// Usage: node bench/build/floor.mjs APP_DIR OUT_DIR
import {createWriteStream} from 'node:fs'
import {mkdir, readdir, rm} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {pipeline} from 'node:stream/promises'

const [appDir, outDir] = process.argv.slice(2)
const require = createRequire(join(appDir, 'package.json'))
const esbuild = require('esbuild')
const archiver = createRequire(new URL('../../package.json', import.meta.url))('archiver')

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
await Promise.all(
  names.map(async (name) => {
    const archive = archiver('zip', {zlib: {level: 9}})
    const done = pipeline(archive, createWriteStream(join(outDir, 'zips', `${name}.zip`)))
    archive.file(join(bundleDir, `${name}.js`), {name: `${name}.js`, date: new Date('1980-01-01T00:00:00Z'), mode: 0o644})
    await archive.finalize()
    await done
  }),
)
