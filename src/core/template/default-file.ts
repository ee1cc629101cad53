import {statSync} from 'node:fs'
import {join} from 'node:path'

/**
 * The template file names looked for when none is given, in SAM CLI's order (samcli/commands/_utils/options.py,
 * get_or_default_template_file_name: `search_paths = ["template.yaml", "template.yml", "template.json"]`).
 */
export const DEFAULT_TEMPLATE_FILES = ['template.yaml', 'template.yml', 'template.json'] as const

/**
 * The first of DEFAULT_TEMPLATE_FILES that exists in `dir`; `template.yaml` when none does, so the error then
 * names the usual file.
 */
export function defaultTemplateFile(dir = '.'): string {
  const found = DEFAULT_TEMPLATE_FILES.find((name) => statSync(join(dir, name), {throwIfNoEntry: false})?.isFile())
  return join(dir, found ?? DEFAULT_TEMPLATE_FILES[0])
}
