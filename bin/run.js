#!/usr/bin/env node
// The CLI — oclif, the commands and the core — is bundled into dist/cli/lpack.cjs (scripts/bundle-cli.mjs) and
// loaded through V8's code cache (src/cli/compile-cache.ts). This file is CommonJS (bin/package.json).
const {join} = require('node:path')
const {pathToFileURL} = require('node:url')
const {BUNDLED_CLI, compileCacheDir, requireWithCompileCache} = require('../dist/cli/compile-cache.cjs')

// oclif finds lpack's package.json from the folder above (bin/package.json only says how to load this file).
requireWithCompileCache(BUNDLED_CLI, compileCacheDir()).run(pathToFileURL(join(__dirname, '..', 'package.json')).href)
