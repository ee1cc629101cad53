import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {type OclifManifest, renderCommandsDoc} from '../../src/cli/commands-doc.js'

// The commands reference (#17.7) is made from the command definitions: the manifest `npm run build` writes.
describe('#17.7 docs/commands.md', () => {
  const manifest = JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as OclifManifest

  it('is current (after changing a command: npm run build && node scripts/write-commands-doc.mjs)', () => {
    expect(readFileSync(new URL('../../docs/commands.md', import.meta.url), 'utf8')).toBe(renderCommandsDoc(manifest))
  })

  it('lists every visible command and its flags', () => {
    const doc = renderCommandsDoc(manifest)
    for (const [id, command] of Object.entries(manifest.commands)) {
      if (command.hidden) continue
      expect(doc).toContain(`## lpack ${id.replace(/:/g, ' ')}\n`)
    }
    expect(doc).toContain('| `--stack-name VALUE`, `-s` |')
  })
})
