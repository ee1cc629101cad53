#!/usr/bin/env node
// The CLI — oclif, the commands and the core — is bundled into dist/cli/lpack.cjs (scripts/bundle-cli.mjs) and
// loaded through V8's code cache (src/cli/compile-cache.ts).
import {BUNDLED_CLI, compileCacheDir, requireWithCompileCache} from '../dist/cli/compile-cache.js'

const {run} = requireWithCompileCache(BUNDLED_CLI, compileCacheDir())
await run(import.meta.url)
