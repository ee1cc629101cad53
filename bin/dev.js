#!/usr/bin/env -S node --import tsx
// Runs the TypeScript sources directly (no build step), for development: the commands come from
// src/cli/commands.ts rather than from the bundle named by oclif.commands in package.json.
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {execute} from '@oclif/core'

const root = fileURLToPath(new URL('..', import.meta.url))
const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
pjson.oclif.commands = {...pjson.oclif.commands, target: './src/cli/commands.ts'}

await execute({development: true, loadOptions: {root, pjson}})
