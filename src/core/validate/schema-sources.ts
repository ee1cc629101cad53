import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {packageRoot} from '../../version.js'

/** The JSON Schemas shipped in `schemas/` of lpack's package. */
export const SCHEMAS_DIR = join(packageRoot(), 'schemas') + '/'

export interface SchemaSources {
  /** Every schema, for ajv.addSchema (they reference each other by `$id`). */
  all: Record<string, unknown>[]
  /** `$id` of each schema validate needs, by role. */
  ids: {template: string; globals: string; resources: Record<string, string>; events: Record<string, string>}
}

/** Reads `schemas/`: the template and Globals schemas, one schema per resource type and per SAM event type. */
export function readSchemaSources(dir = SCHEMAS_DIR): SchemaSources {
  const read = (path: string) => JSON.parse(readFileSync(dir + path, 'utf8')) as Record<string, unknown> & {$id: string}
  const listed = (folder: string) =>
    readdirSync(dir + folder)
      .filter((name) => name.endsWith('.schema.json'))
      .sort()
      .map((name) => read(`${folder}/${name}`))
  const resources = listed('resources')
  const events = listed('events')
  const template = read('template.schema.json')
  const globals = read('globals.schema.json')
  return {
    all: [read('defs.schema.json'), template, globals, ...resources, ...events],
    ids: {
      template: template.$id,
      globals: globals.$id,
      resources: Object.fromEntries(resources.map((s) => [s.$id.slice('lpack:'.length), s.$id])),
      events: Object.fromEntries(events.map((s) => [s.$id.slice('lpack:event:'.length), s.$id])),
    },
  }
}

/** ajv options shared by the build-time compiler and the runtime fallback, so both report the same errors. */
export const AJV_OPTIONS = {allErrors: true, strict: false, inlineRefs: false, verbose: true, unicodeRegExp: false} as const
