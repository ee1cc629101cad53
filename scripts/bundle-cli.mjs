// Build step, after tsc and compile-schemas: bundles the CLI — oclif, the commands and everything they import —
// into a few ES modules in place in dist/, so that starting lpack loads ~20 modules instead of ~170 CommonJS files
// (oclif's, yaml's, the template loader's...). Entry points: dist/cli/main.js (what bin/run.js imports) and
// dist/cli/commands.js (oclif's explicit command target); both import one shared copy of oclif.
// The commands' lazy `await import()`s stay lazy: every module imported dynamically is an entry point of its own
// (at its dist path), code shared between entries goes to dist/chunks/, so `--help` and `--version` load no core
// code and dist/errors.js (LpackError) exists once. Packages that are only ever loaded lazily, and are large or
// keep files of their own, stay external in node_modules.
import {readFileSync, rmSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {dirname, relative, resolve} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {build} from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const dist = resolve(root, 'dist')

// Modules that find files relative to their own location: their code must stay in their own folder.
const KEEP_IN_PLACE = {
  'dist/core/validate/schema.js': 'imports ./schema-validators.js (written by compile-schemas) by a path esbuild cannot see',
  'dist/core/validate/schema-sources.js': 'reads ../../../schemas/ relative to import.meta.url',
}

// oclif sorts the command ids with localeCompare at every start: the first call sets up ICU's collator, ~13 ms.
// lpack's ids are lower-case ASCII words, which code-point order sorts the same way.
const oclifSort = {
  name: 'oclif-sort-by-code-point',
  setup(pluginBuild) {
    pluginBuild.onLoad({filter: /[\\/]@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/}, async (args) => {
      const source = await readFile(args.path, 'utf8')
      const localeSort = '.sort((a, b) => a.id.localeCompare(b.id));'
      if (!source.includes(localeSort)) throw new Error(`${args.path} no longer sorts commands with "${localeSort}": update bundle-cli.mjs`)
      return {contents: source.replace(localeSort, '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));'), loader: 'js'}
    })
  },
}

// Packages oclif requires when it starts but uses only for features a successful lpack command does not reach:
// each is left out of the bundle, behind a stand-in that loads it from oclif's own dependencies at its first use
// (the source of these ~300 KB is then neither parsed nor evaluated on every command). Only oclif's own
// require() calls are redirected.
const LAZY_OCLIF_DEPENDENCIES = {
  tinyglobby: 'finds commands by file pattern; lpack lists its commands explicitly (package.json oclif.commands)',
  minimatch: 'finds plugins by name pattern among dependencies; lpack has no plugins',
  'cli-spinners': "ux.action's spinner frames",
  ejs: 'renders `<%= config.bin %>` in help and examples',
  semver: "checks the Node version against oclif's engines, which the define below turns off",
  debug: 'writes oclif\'s debug log, which lpack only has oclif create when DEBUG is set (src/cli/main.ts)',
  lilconfig: 'finds oclif settings outside package.json; lpack keeps them in package.json',
  ansis: 'colours help and errors',
  'supports-color': 'decides whether help and errors have colour',
  'wrap-ansi': 'wraps help and error text',
  'string-width': 'measures help text',
  'widest-line': 'measures help text',
  'indent-string': 'indents help and error text',
  'clean-stack': 'shortens the stack traces of errors oclif prints',
}
const lazyOclifDependencies = {
  name: 'lazy-oclif-dependencies',
  setup(pluginBuild) {
    pluginBuild.onResolve({filter: new RegExp(`^(${Object.keys(LAZY_OCLIF_DEPENDENCIES).join('|')})$`)}, async (args) => {
      if (args.kind !== 'require-call' || args.pluginData?.real || !/[\\/]@oclif[\\/]core[\\/]/.test(args.importer)) return undefined
      const real = await pluginBuild.resolve(args.path, {kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: {real: true}})
      if (real.errors.length > 0) return {errors: real.errors}
      return {path: args.path, namespace: 'lazy-oclif-dependency'}
    })
    // The stand-in resolves the package as oclif does, from oclif's installed folder (the bundle's own folder may
    // see another version). It answers `__esModule` itself, so TypeScript's __importDefault/__importStar take it
    // as it is without loading the package; `default` is the package's default export, or the package (CommonJS).
    pluginBuild.onLoad({filter: /.*/, namespace: 'lazy-oclif-dependency'}, (args) => ({
      contents: `let loaded
const load = () => (loaded ??= require('node:module').createRequire(require.resolve('@oclif/core'))(${JSON.stringify(args.path)}))
module.exports = new Proxy({}, {
  get: (_, key) => (key === '__esModule' ? true : key === 'default' && !load().__esModule ? load() : load()[key]),
  has: (_, key) => key in load(),
})
`,
      resolveDir: root,
      loader: 'js',
    }))
  },
}

const options = {
  absWorkingDir: root,
  outdir: dist,
  outbase: dist,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  metafile: true,
  plugins: [oclifSort, lazyOclifDependencies],
  external: ['@aws-sdk/*', 'ajv', 'cjs-module-lexer', 'esbuild', 'yauzl', 'yazl', 'typescript', 'ts-node', 'tsx'],
  // oclif checks its own package.json's engines at start-up; package.json's engines already say what lpack needs.
  define: {'process.env.OCLIF_DISABLE_ENGINE_WARNING': '"true"'},
  // oclif, yaml and others are CommonJS: their require('node:fs') etc. need a real require inside an ES module.
  banner: {js: "import {createRequire as lpackCreateRequire} from 'node:module'; const require = lpackCreateRequire(import.meta.url);"},
}
const cli = [resolve(dist, 'cli/main.js'), resolve(dist, 'cli/commands.js')]
if (readFileSync(cli[0], 'utf8').includes('lpackCreateRequire')) throw new Error('dist/ is bundled already: run `npm run build` (tsc first)')

const probe = await build({...options, entryPoints: cli, write: false})
const lazy = new Set()
const lazyCommonJs = new Map()
for (const input of Object.values(probe.metafile.inputs)) {
  for (const imported of input.imports) {
    if (imported.kind !== 'dynamic-import' || imported.external) continue
    if (imported.path.startsWith('dist/')) lazy.add(resolve(root, imported.path))
    else if (probe.metafile.inputs[imported.path].format === 'cjs') lazyCommonJs.set(imported.original, resolve(root, imported.path))
  }
}

rmSync(resolve(dist, 'chunks'), {recursive: true, force: true})
const result = await build({...options, plugins: [...options.plugins, await commonJsNamespaces(lazyCommonJs)], entryPoints: [...cli, ...[...lazy].sort()]})

for (const [file, output] of Object.entries(result.metafile.outputs)) {
  for (const input of Object.keys(output.inputs)) {
    if (input in KEEP_IN_PLACE && dirname(input) !== dirname(file)) {
      throw new Error(`${input} was bundled into ${file}, but it ${KEEP_IN_PLACE[input]}: make it an entry point of its own`)
    }
  }
}
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0)
console.log(`bundle-cli: ${Object.keys(result.metafile.outputs).length} modules, ${Math.round(bytes / 1024)} KB in ${relative(root, dist)}/`)

/**
 * `await import('yaml')` of a CommonJS package gives, in Node, its exports by name (found by cjs-module-lexer)
 * beside `default`. Split into a chunk of its own by esbuild, the package would export `default` only. Each such
 * import gets a module re-exporting the names Node finds, so it gives the same namespace as without the bundle.
 */
async function commonJsNamespaces(packages) {
  const names = new Map()
  for (const [specifier, file] of packages) {
    const exported = Object.keys(await import(pathToFileURL(file).href)).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name))
    names.set(specifier, {file, exported})
  }
  return {
    name: 'commonjs-namespaces',
    setup(pluginBuild) {
      pluginBuild.onResolve({filter: /^[^./]/}, (args) =>
        args.kind === 'dynamic-import' && names.has(args.path) ? {path: args.path, namespace: 'commonjs-namespace'} : undefined,
      )
      pluginBuild.onLoad({filter: /.*/, namespace: 'commonjs-namespace'}, (args) => {
        const {file, exported} = names.get(args.path)
        return {contents: `export {${exported.join(', ')}} from ${JSON.stringify(file)}`, resolveDir: root, loader: 'js'}
      })
    },
  }
}
