/**
 * Shell completion scripts for bash, zsh and fish, generated from the commands oclif knows (the manifest), so
 * a new command or flag is completed without anyone editing a script. oclif's own autocomplete plugin is an ES
 * module that loads its parts with `file://` imports and does not run inside lpack's bundled CLI, hence this.
 *
 * The scripts hold the command table as data and do no work at start-up: a shell sources them once per session.
 */

export interface CompletionCommand {
  /** Words of the command id, `local start` for `local:start`. */
  words: readonly string[]
  summary: string
  /** Long flag names with their `--`, plus `-x` short forms. */
  flags: readonly string[]
}

export type Shell = 'bash' | 'zsh' | 'fish'
export const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish']

interface OclifLikeCommand {
  id: string
  hidden?: boolean
  summary?: string
  description?: string
  flags?: Record<string, {name: string; char?: string; hidden?: boolean; aliases?: string[]; allowNo?: boolean; type?: string}>
}

/** The visible commands and flags, sorted so the script is the same on every run. */
export function completionCommands(commands: readonly OclifLikeCommand[]): CompletionCommand[] {
  return commands
    .filter((command) => !command.hidden)
    .map((command) => {
      const flags = new Set<string>()
      for (const flag of Object.values(command.flags ?? {})) {
        if (flag.hidden) continue
        flags.add(`--${flag.name}`)
        if (flag.allowNo) flags.add(`--no-${flag.name}`)
        if (flag.char) flags.add(`-${flag.char}`)
        for (const alias of flag.aliases ?? []) flags.add(alias.length === 1 ? `-${alias}` : `--${alias}`)
      }
      flags.add('--help')
      return {
        words: command.id.split(/[: ]/),
        summary: firstLine(command.summary ?? command.description ?? ''),
        flags: [...flags].sort(),
      }
    })
    .sort((a, b) => a.words.join(' ').localeCompare(b.words.join(' ')))
}

export function completionScript(shell: Shell, bin: string, commands: readonly CompletionCommand[]): string {
  switch (shell) {
    case 'bash':
      return bashScript(bin, commands)
    case 'zsh':
      return zshScript(bin, commands)
    case 'fish':
      return fishScript(bin, commands)
  }
}

function functionName(bin: string): string {
  return `_${bin.replace(/[^A-Za-z0-9_]/g, '_')}_complete`
}

/**
 * bash: the command is the longest run of leading words that names one; a word starting with `-` completes
 * that command's flags, any other word the next word of longer command ids, then file names (`-o default`).
 */
function bashScript(bin: string, commands: readonly CompletionCommand[]): string {
  const name = functionName(bin)
  const table = commands.map((command) => `    ${shellQuote(command.words.join(' '))}) flags=${shellQuote(command.flags.join(' '))} ;;`)
  const ids = commands.map((command) => command.words.join(' '))
  return `# ${bin} completion for bash. Load it with:  source <(${bin} completion bash)
${name}() {
  local cur=\${COMP_WORDS[COMP_CWORD]}
  local ids=(${ids.map(shellQuote).join(' ')})
  local command='' words='' i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case \${COMP_WORDS[i]} in -*) break ;; esac
    words="\${words:+$words }\${COMP_WORDS[i]}"
    local id
    for id in "\${ids[@]}"; do [[ $id == "$words" ]] && command=$words; done
  done
  local flags=''
  case $command in
${table.join('\n')}
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    return
  fi
  local prefix=\${words:+$words } next=() id
  for id in "\${ids[@]}"; do
    [[ $id == "$prefix"* && $id != "$prefix" ]] || continue
    local rest=\${id#"$prefix"}
    next+=("\${rest%% *}")
  done
  if ((\${#next[@]})); then
    COMPREPLY=($(compgen -W "\${next[*]}" -- "$cur"))
  fi
}
complete -o default -F ${name} ${bin}
`
}

/** zsh runs the bash function through bashcompinit, so both shells complete alike. */
function zshScript(bin: string, commands: readonly CompletionCommand[]): string {
  return `# ${bin} completion for zsh. Load it with:  source <(${bin} completion zsh)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashScript(bin, commands).split('\n').slice(1).join('\n')}`
}

function fishScript(bin: string, commands: readonly CompletionCommand[]): string {
  const lines = [`# ${bin} completion for fish. Load it with:  ${bin} completion fish | source`, `complete -c ${bin} -f`]
  const topLevel = [...new Set(commands.map((command) => command.words[0]))]
  for (const word of topLevel) {
    const command = commands.find((c) => c.words.length === 1 && c.words[0] === word)
    const summary = command?.summary ?? `${word} commands`
    lines.push(`complete -c ${bin} -n __fish_use_subcommand -a ${shellQuote(word ?? '')} -d ${shellQuote(summary)}`)
  }
  for (const command of commands) {
    if (command.words.length === 2) {
      lines.push(`complete -c ${bin} -n ${shellQuote(`__fish_seen_subcommand_from ${command.words[0]}`)} -a ${shellQuote(command.words[1] ?? '')} -d ${shellQuote(command.summary)}`)
    }
    const last = command.words[command.words.length - 1] ?? ''
    for (const flag of command.flags) {
      const option = flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`
      lines.push(`complete -c ${bin} -n ${shellQuote(`__fish_seen_subcommand_from ${last}`)} ${option} -r -F`)
    }
  }
  return lines.join('\n') + '\n'
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? ''
}

/** Single-quoted for every shell here: the text cannot end the quote or run anything. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}
