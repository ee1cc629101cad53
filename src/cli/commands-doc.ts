/**
 * docs/commands.md: the commands reference, made from the oclif manifest (the command definitions themselves),
 * so it cannot drift from `--help`. A test compares the checked-in file with this rendering.
 */

interface ManifestFlag {
  name: string
  char?: string
  description?: string
  summary?: string
  type: 'boolean' | 'option'
  hidden?: boolean
  aliases?: string[]
  options?: string[]
  default?: unknown
  multiple?: boolean
  allowNo?: boolean
  helpGroup?: string
}

interface ManifestCommand {
  id: string
  hidden?: boolean
  summary?: string
  description?: string
  examples?: (string | {command: string; description?: string})[]
  args?: Record<string, {name: string; description?: string; required?: boolean; options?: string[]}>
  flags?: Record<string, ManifestFlag>
}

export interface OclifManifest {
  commands: Record<string, ManifestCommand>
}

export function renderCommandsDoc(manifest: OclifManifest, bin = 'lpack'): string {
  const commands = Object.values(manifest.commands)
    .filter((command) => !command.hidden)
    .sort((a, b) => a.id.localeCompare(b.id))
  const out = [
    '# Commands',
    '',
    `Generated from the command definitions by \`node scripts/write-commands-doc.mjs\` (after \`npm run build\`);`,
    'a test fails when this file is not current. `lpack COMMAND --help` prints the same.',
    '',
    'Every command takes `--json` (stdout is then one JSON document) and `--debug`. Exit codes: 0 ok, 1 failed,',
    '2 usage error, 3 declined at a prompt, 70 internal error, 130 interrupted.',
    '',
    ...commands.map((command) => `- [\`${bin} ${displayId(command.id)}\`](#${anchor(bin, command.id)})`),
    '',
  ]
  for (const command of commands) out.push(...renderCommand(command, bin))
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n'
}

function renderCommand(command: ManifestCommand, bin: string): string[] {
  const id = displayId(command.id)
  const args = Object.values(command.args ?? {})
  const usage = [bin, id, ...args.map((arg) => (arg.required ? arg.name.toUpperCase() : `[${arg.name.toUpperCase()}]`)), '[FLAGS]'].join(' ')
  const lines = [`## ${bin} ${id}`, '']
  if (command.summary) lines.push(oneParagraph(command.summary), '')
  if (command.description) lines.push(oneParagraph(command.description), '')
  lines.push('```', usage, '```', '')
  if (args.length > 0) {
    lines.push('| Argument | Description |', '|---|---|')
    for (const arg of args) lines.push(`| \`${arg.name.toUpperCase()}\` | ${cell(arg.description ?? '')}${arg.options ? ` One of: ${arg.options.map((o) => `\`${o}\``).join(', ')}.` : ''} |`)
    lines.push('')
  }
  const flags = Object.values(command.flags ?? {}).filter((flag) => !flag.hidden && flag.helpGroup !== 'GLOBAL')
  if (flags.length > 0) {
    lines.push('| Flag | Description |', '|---|---|')
    for (const flag of flags.sort((a, b) => a.name.localeCompare(b.name))) lines.push(`| ${flagNames(flag)} | ${flagDescription(flag)} |`)
    lines.push('')
  }
  const examples = (command.examples ?? []).map((example) => (typeof example === 'string' ? example : example.command).replace(/<%= config\.bin %>/g, bin))
  if (examples.length > 0) lines.push('Examples:', '', '```', ...examples, '```', '')
  return lines
}

function flagNames(flag: ManifestFlag): string {
  const names = [`--${flag.name}`]
  if (flag.allowNo) names.push(`--no-${flag.name}`)
  if (flag.char) names.push(`-${flag.char}`)
  for (const alias of flag.aliases ?? []) names.push(alias.length === 1 ? `-${alias}` : `--${alias}`)
  const value = flag.type === 'option' ? ' VALUE' : ''
  return names.map((name, index) => `\`${name}${index === 0 ? value : ''}\``).join(', ')
}

function flagDescription(flag: ManifestFlag): string {
  const parts = [cell(flag.summary ?? flag.description ?? '')]
  if (flag.options) parts.push(`One of: ${flag.options.map((o) => `\`${o}\``).join(', ')}.`)
  if (flag.default !== undefined && flag.default !== false) parts.push(`Default: \`${String(flag.default)}\`.`)
  if (flag.multiple) parts.push('May be given more than once.')
  return parts.filter(Boolean).join(' ')
}

function displayId(id: string): string {
  return id.replace(/:/g, ' ')
}

function anchor(bin: string, id: string): string {
  return `${bin}-${id.replace(/:/g, '-')}`.toLowerCase()
}

/** Lines kept as written: markdown joins plain newlines, so each gets a hard break. */
function oneParagraph(text: string): string {
  return text.trim().split('\n').join('  \n')
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n+/g, ' ').trim()
}
