#!/usr/bin/env node
// dist/cli/main.js is the bundled CLI (oclif and the commands; scripts/bundle-cli.mjs).
import {run} from '../dist/cli/main.js'

await run(import.meta.url)
