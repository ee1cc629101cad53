import {BUILD_SETTINGS} from './command-settings/build.js'
import {DELETE_SETTINGS, DEPLOY_SETTINGS, GC_SETTINGS} from './command-settings/deploy.js'
import {PACKAGE_SETTINGS} from './command-settings/package.js'
import {TRAFFIC_STACK_SETTINGS} from './command-settings/traffic.js'
import {TRANSFORM_SETTINGS} from './command-settings/transform.js'
import {VALIDATE_SETTINGS} from './command-settings/validate.js'
import {type AnySetting, configKey, flagName, type SettingDeclarations} from './settings.js'

/** The commands that read lpack.config.yaml / samconfig, by their section name in the file. */
const CONFIGURED_COMMANDS: readonly (readonly [string, SettingDeclarations])[] = [
  ['validate', VALIDATE_SETTINGS],
  ['build', BUILD_SETTINGS],
  ['transform', TRANSFORM_SETTINGS],
  ['package', PACKAGE_SETTINGS],
  ['deploy', DEPLOY_SETTINGS],
  ['delete', DELETE_SETTINGS],
  ['gc', GC_SETTINGS],
  ['traffic', TRAFFIC_STACK_SETTINGS],
]

/**
 * docs/configuration.md: every key lpack.config.yaml may hold for each command, with its flag, samconfig key,
 * environment variable and default — made from the same declarations as the flags, so it cannot drift from them.
 */
export function renderConfigurationDoc(): string {
  const out = [
    '# Configuration reference',
    '',
    'Generated from the settings declarations (`src/core/config/command-settings/`) by',
    '`node scripts/write-configuration-doc.mjs` after `npm run build`; a test fails when this file is not current.',
    '',
    'A setting comes from, in order: the command line, the config file, the environment variable, the default.',
    'The config file is `lpack.config.yaml` (or `--config-file`), else a SAM config (`samconfig.toml`, `samconfig.yaml`,',
    '`samconfig.yml`, version 0.1) whose keys are read where the "samconfig" column names one. Settings sit under',
    '`environments.<name>.<command>` (`--config-env`, default `default`); `environments.<name>.global` applies to',
    'every command:',
    '',
    '```yaml',
    'version: 1',
    'environments:',
    '  default:',
    '    global: {region: eu-west-1}',
    '    deploy: {stack-name: app-dev, resolve-s3: true, parameter-overrides: {Stage: dev}}',
    '```',
    '',
  ]
  for (const [command, declarations] of CONFIGURED_COMMANDS) {
    out.push(`## ${command}`, '', '| key | flag | samconfig | environment | default | description |', '|---|---|---|---|---|---|')
    for (const [name, setting] of Object.entries(declarations)) {
      const key = configKey(name, setting)
      if (key === undefined || setting.hidden) continue
      out.push(`| \`${key}\` | ${flagCell(name, setting)} | ${samCell(setting)} | ${setting.env ? `\`${setting.env}\`` : ''} | ${defaultCell(setting)} | ${cell(setting.description)} |`)
    }
    out.push('')
  }
  return out.join('\n').trimEnd() + '\n'
}

function flagCell(name: string, setting: AnySetting): string {
  const flag = flagName(name, setting)
  return flag === undefined ? '(config only)' : `\`--${flag}\``
}

function samCell(setting: AnySetting): string {
  return [setting.sam, setting.samNegated ? `${setting.samNegated} (negated)` : undefined].filter(Boolean).map((key) => `\`${key}\``).join(', ')
}

function defaultCell(setting: AnySetting): string {
  if (setting.default === undefined || setting.default === false) return ''
  return `\`${typeof setting.default === 'string' ? setting.default : JSON.stringify(setting.default)}\``
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n+/g, ' ').trim()
}
