import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {renderConfigurationDoc} from '../../src/core/config/config-doc.js'

// The configuration reference (#17.7) is made from the settings declarations the flags come from.
describe('#17.7 docs/configuration.md', () => {
  it('is current (after changing a setting: npm run build && node scripts/write-configuration-doc.mjs)', () => {
    expect(readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8')).toBe(renderConfigurationDoc())
  })

  it("lists deploy's keys with their flag, samconfig key and default", () => {
    const doc = renderConfigurationDoc()
    expect(doc).toContain('| `stack-name` | `--stack-name` | `stack_name` |')
    expect(doc).toMatch(/\| `no-execute` \| `--no-execute` \| `no_execute_changeset` \|/)
    expect(doc).toContain('## traffic')
  })
})
