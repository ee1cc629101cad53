// Build step, after tsc and compile-schemas: bundles the CLI — oclif, the commands and everything they import —
// into one CommonJS file, dist/cli/lpack.cjs, which bin/run.js loads (through Node's compile cache on Node ≥ 22.1,
// src/cli/compile-cache.ts): starting lpack then does not read ~170 files (oclif's, yaml's, the template loader's...).
// CommonJS because a script starts sooner than an ES module graph. The bundle's entry is dist/cli/main.js: `run` for bin/run.js and `COMMANDS`, oclif's explicit command
// target (package.json `oclif.commands`). Packages that are only ever loaded lazily, and are large or keep files of
// their own, stay external in node_modules.
import {readFileSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {relative, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {build} from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const dist = resolve(root, 'dist')

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
// yazl computes each zip entry's CRC-32 with buffer-crc32, in JavaScript (~10 ms for the 1.3 MB of a 20-function
// build); Node has it natively since 20.15 (zlib.crc32, ~1 ms, the same numbers). yazl's only calls are
// unsigned(buffer) and unsigned(chunk, previous); on an older Node the stand-in is buffer-crc32 itself.
const nativeCrc32 = {
  name: 'native-crc32',
  setup(pluginBuild) {
    pluginBuild.onResolve({filter: /^buffer-crc32$/}, (args) =>
      /[\\/]yazl[\\/]/.test(args.importer) ? {path: args.path, namespace: 'native-crc32', pluginData: {resolveDir: args.resolveDir}} : undefined,
    )
    pluginBuild.onLoad({filter: /.*/, namespace: 'native-crc32'}, (args) => ({
      contents: `const {crc32} = require('node:zlib')
module.exports = crc32 ? {unsigned: (buffer, previous) => crc32(buffer, previous ?? 0)} : require('buffer-crc32')
`,
      resolveDir: args.pluginData.resolveDir,
      loader: 'js',
    }))
  },
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
const {createRequire} = require('node:module')
const load = () => (loaded ??= createRequire(createRequire(__filename).resolve('@oclif/core'))(${JSON.stringify(args.path)}))
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

// yaml's parser reads process.env.LOG_TOKENS for every lexeme and its composer process.env.LOG_STREAM for every token
// (debug output of yaml's own). Each read of process.env is a call into C++: ~40 ms over the 209,000 lexemes of the
// transform corpus, ~3 % of reading it. lpack never sets them: the bundle reads `false` instead.
const YAML_DEBUG_READS = {
  'parse/parser.js': 'node_process.env.LOG_TOKENS',
  'compose/composer.js': 'node_process.env.LOG_STREAM',
}
const yamlWithoutDebugReads = {
  name: 'yaml-without-debug-env-reads',
  setup(pluginBuild) {
    pluginBuild.onLoad({filter: /[\\/]yaml[\\/]dist[\\/](parse[\\/]parser|compose[\\/]composer)\.js$/}, async (args) => {
      const source = await readFile(args.path, 'utf8')
      const file = Object.keys(YAML_DEBUG_READS).find((name) => args.path.replaceAll('\\', '/').endsWith(`yaml/dist/${name}`))
      const read = YAML_DEBUG_READS[file]
      if (!source.includes(read)) throw new Error(`${args.path} no longer reads "${read}": update bundle-cli.mjs`)
      return {contents: source.replaceAll(read, 'false'), loader: 'js'}
    })
  },
}

// jsonc-parser's `main` is a UMD wrapper whose require() calls esbuild cannot follow (the bundle would fail with
// "Cannot find module './impl/format'"); its ES module build, under lib/esm, bundles like any other.
const jsoncParserEsm = {
  name: 'jsonc-parser-esm',
  setup(pluginBuild) {
    pluginBuild.onResolve({filter: /^jsonc-parser$/}, () => ({path: resolve(root, 'node_modules/jsonc-parser/lib/esm/main.js')}))
  },
}

const BUNDLE_FILE = resolve(dist, 'cli/lpack.cjs')
const entry = resolve(dist, 'cli/main.js')
if (readFileSync(entry, 'utf8').includes('lpackImportMetaUrl')) throw new Error('dist/ is bundled already: run `npm run build` (tsc first)')

const commonJs = {
  absWorkingDir: root,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  // The modules use import.meta.url to require packages and to find lpack's package.json: the bundle's own URL
  // serves both (modules that find files beside themselves find them beside the bundle: schema-validators.cjs).
  define: {'import.meta.url': 'lpackImportMetaUrl'},
  banner: {js: "const lpackImportMetaUrl = require('node:url').pathToFileURL(__filename).href;"},
}

// The loader bin/run.js requires (bin/ is CommonJS: Node starts a script ~10 ms sooner than an ES module).
await build({...commonJs, entryPoints: [resolve(dist, 'cli/compile-cache.js')], outfile: resolve(dist, 'cli/compile-cache.cjs')})

const result = await build({
  ...commonJs,
  entryPoints: [entry],
  outfile: BUNDLE_FILE,
  bundle: true,
  metafile: true,
  plugins: [oclifSort, lazyOclifDependencies, nativeCrc32, jsoncParserEsm, yamlWithoutDebugReads],
  external: ['@aws-sdk/*', 'ajv', 'cjs-module-lexer', 'esbuild', 'yauzl', 'typescript', 'ts-node', 'tsx'],
  // Every `import()` becomes a require() (the external packages all ship CommonJS): a lazily loaded package then
  // costs no trip through Node's ES module loader, and code run through vm.Script (as lpack's old code-cache loader
  // did) could not make that trip at all. The check below keeps it so.
  supported: {'dynamic-import': false},
  define: {
    ...commonJs.define,
    // oclif checks its own package.json's engines at start-up; package.json's engines already say what lpack needs.
    'process.env.OCLIF_DISABLE_ENGINE_WARNING': '"true"',
  },
})

const dynamicImports = Object.values(result.metafile.outputs).flatMap((output) => output.imports.filter((imported) => imported.kind === 'dynamic-import').map((imported) => imported.path))
if (dynamicImports.length > 0) throw new Error(`the bundle must not use import() (every lazy load is a require()): ${dynamicImports.join(', ')}`)
// Node reads an ASCII file into a string several times faster than one with other characters (tsconfig.build.json
// removes the sources' comments; esbuild escapes the rest).
const bundleText = readFileSync(BUNDLE_FILE, 'latin1')
const firstNonAscii = /[^\x00-\x7f]/.exec(bundleText)
if (firstNonAscii) console.warn(`bundle-cli: ${relative(root, BUNDLE_FILE)} is not ASCII (at ${JSON.stringify(bundleText.slice(firstNonAscii.index - 40, firstNonAscii.index + 40))}): it loads slower`)
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0)
console.log(`bundle-cli: ${Object.keys(result.metafile.inputs).length} modules, ${Math.round(bytes / 1024)} KB in ${relative(root, BUNDLE_FILE)}`)
