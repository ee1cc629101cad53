// Build step: bundles dist/core/validate/index.js with its imports (yaml's 70-odd CommonJS files, the template
// loader, the rules) into that one file, so `lpack validate` resolves and loads one module instead of ~90.
// dist/errors.js stays shared (external) so LpackError keeps one identity for the CLI's exit-code mapping.
import {build} from 'esbuild'

const entry = new URL('../dist/core/validate/index.js', import.meta.url).pathname
await build({
  entryPoints: [entry],
  outfile: entry,
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  external: ['ajv'],
  // yaml is CommonJS: its require('process') etc. need a real require inside the ES module.
  banner: {js: "import {createRequire as lpackCreateRequire} from 'node:module'; const require = lpackCreateRequire(import.meta.url);"},
  plugins: [
    {
      name: 'shared-errors',
      setup(pluginBuild) {
        // errors.js sits two folders up from both dist/core/template and dist/core/validate: the path stays valid.
        pluginBuild.onResolve({filter: /^\.\.\/\.\.\/errors\.js$/}, (args) => (args.importer.includes('/node_modules/') ? undefined : {path: args.path, external: true}))
      },
    },
  ],
})
