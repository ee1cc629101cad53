// Build step: bundles dist/core/build/index.js with its imports (yaml's 70-odd CommonJS files, ignore, the
// template loader, the pipeline and its builders) into that one file, so `lpack build` — above all a no-op
// rebuild, which is mostly start-up — loads one module instead of ~120. The builders stay lazy: esbuild turns
// their dynamic imports into functions that run on first use. Packages imported only dynamically (esbuild,
// archiver, cjs-module-lexer, yauzl) stay external, so they are still loaded only when something is built.
// dist/errors.js stays shared (external) so LpackError keeps one identity for the CLI's exit-code mapping.
import {build} from 'esbuild'

const entry = new URL('../dist/core/build/index.js', import.meta.url).pathname
const errorsFile = new URL('../dist/errors.js', import.meta.url).pathname
await build({
  entryPoints: [entry],
  outfile: entry,
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  external: ['esbuild', 'archiver', 'cjs-module-lexer', 'yauzl'],
  // yaml is CommonJS: its require('process') etc. need a real require inside the ES module.
  banner: {js: "import {createRequire as lpackCreateRequire} from 'node:module'; const require = lpackCreateRequire(import.meta.url);"},
  plugins: [
    {
      name: 'shared-errors',
      setup(pluginBuild) {
        // Every module's import of dist/errors.js, from whatever folder, becomes one import from the bundle's folder.
        pluginBuild.onResolve({filter: /\/errors\.js$/}, async (args) => {
          if (args.importer.includes('/node_modules/') || args.pluginData?.resolving) return undefined
          const resolved = await pluginBuild.resolve(args.path, {kind: args.kind, resolveDir: args.resolveDir, pluginData: {resolving: true}})
          return resolved.path === errorsFile ? {path: '../../errors.js', external: true} : undefined
        })
      },
    },
  ],
})
