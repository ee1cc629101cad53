// Build step: compiles schemas/ into standalone ajv validators (dist/cli/schema-validators.cjs, beside the bundled CLI,
// which requires it: src/core/validate/schema.ts), so `lpack validate` pays neither ajv's import nor schema
// compilation at start-up.
import {writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'

import {AJV_OPTIONS, readSchemaSources} from '../dist/core/validate/schema-sources.js'

const require = createRequire(import.meta.url)
const Ajv = require('ajv').default
const standaloneCode = require('ajv/dist/standalone').default

const sources = readSchemaSources()
const ajv = new Ajv({...AJV_OPTIONS, code: {source: true, esm: false}})
for (const schema of sources.all) ajv.addSchema(schema)

const exportNames = {template: sources.ids.template, globals: sources.ids.globals}
const table = (kind, ids) =>
  Object.entries(ids).map(([name, id], index) => {
    exportNames[`${kind}${index}`] = id
    return `${JSON.stringify(name)}: exports.${kind}${index}`
  })
const resourceEntries = table('resource', sources.ids.resources)
const eventEntries = table('event', sources.ids.events)

let code = standaloneCode(ajv, exportNames)
if (/\brequire\(/.test(code)) throw new Error('standalone validators need a runtime require(); adjust AJV_OPTIONS')
code += `\nexports.resources = {${resourceEntries.join(', ')}};\nexports.events = {${eventEntries.join(', ')}};\n`
writeFileSync(new URL('../dist/cli/schema-validators.cjs', import.meta.url), code)
