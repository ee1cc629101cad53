#!/usr/bin/env node
// The CLI — oclif, the commands and the core — is bundled into dist/cli/lpack.cjs (scripts/bundle-cli.mjs) and
// loaded through a compile cache: Node's own on Node ≥ 22.1, lpack's on Node 20 (src/cli/compile-cache.ts).
// This file is CommonJS (bin/package.json).
const {join} = require('node:path')
const {loadBundledCli} = require('../dist/cli/compile-cache.cjs')

// lpack's package.json is in the folder above (bin/package.json only says how to load this file).
loadBundledCli().run(join(__dirname, '..'))
