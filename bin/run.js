#!/usr/bin/env node
// The CLI — oclif, the commands and the core — is bundled into dist/cli/lpack.cjs (scripts/bundle-cli.mjs) and
// loaded through V8's code cache (src/cli/compile-cache.ts). This file is CommonJS (bin/package.json).
const {join} = require('node:path')
const {BUNDLED_CLI, compileCacheDir, requireWithCompileCache} = require('../dist/cli/compile-cache.cjs')

// lpack's package.json is in the folder above (bin/package.json only says how to load this file).
requireWithCompileCache(BUNDLED_CLI, compileCacheDir()).run(join(__dirname, '..'))
