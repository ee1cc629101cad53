import {stringify} from 'yaml'

/**
 * A template as YAML that every reader takes as written: intrinsics in long form, and strings that YAML 1.1
 * (PyYAML, CloudFormation) would read as dates, booleans or numbers — `2010-09-09`, `yes`, `on`, `0755` — quoted.
 */
export function serializeTemplateYaml(template: Record<string, unknown>): string {
  return stringify(template, {version: '1.1', lineWidth: 0, aliasDuplicateObjects: false})
}
