import {Flags} from '@oclif/core'

import {type AnySetting, flagName, type GivenSettings, type SettingDeclarations} from '../core/config/settings.js'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type OclifFlag = any

/**
 * A command's oclif flags, derived from its declared settings (core/config/command-settings): one flag per
 * setting that has one, in declaration order (the order of the usage line). A default is never given to oclif as
 * a value — the config file could then not fill the setting — only shown in --help.
 */
export function oclifFlags(declarations: SettingDeclarations): Record<string, OclifFlag> {
  const flags: Record<string, OclifFlag> = {}
  for (const [name, setting] of Object.entries(declarations)) {
    const flag = flagName(name, setting)
    if (flag !== undefined) flags[flag] = oclifFlag(setting)
  }
  return flags
}

function oclifFlag(setting: AnySetting): OclifFlag {
  const common: OclifFlag = definedOnly({
    description: setting.description,
    char: setting.char,
    aliases: setting.aliases === undefined ? undefined : [...setting.aliases],
    hidden: setting.hidden,
    helpGroup: setting.helpGroup,
  })
  switch (setting.kind) {
    case 'boolean':
      return Flags.boolean({...common, ...definedOnly({allowNo: setting.allowNo})})
    case 'integer':
      return Flags.integer({...common, ...definedOnly({min: setting.min ?? 1})})
    case 'strings':
      return Flags.string({...common, multiple: true})
    default: {
      const shown = setting.default !== undefined && setting.showDefault !== false ? String(setting.default) : undefined
      return Flags.string({
        ...common,
        ...definedOnly({options: setting.options === undefined ? undefined : [...setting.options]}),
        ...(shown === undefined ? {} : {defaultHelp: async () => shown}),
      })
    }
  }
}

/** What the command line gave, by setting name: oclif's parsed flags (by flag name) for `resolveSettings`. */
export function givenSettings<D extends SettingDeclarations>(declarations: D, flags: Record<string, unknown>): GivenSettings<D> {
  const given: Record<string, unknown> = {}
  for (const [name, setting] of Object.entries(declarations)) {
    const flag = flagName(name, setting)
    if (flag !== undefined && flags[flag] !== undefined) given[name] = flags[flag]
  }
  return given as GivenSettings<D>
}

function definedOnly<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>
}
