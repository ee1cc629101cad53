import {isObject} from '../json.js'

/**
 * CloudFormation's YAML short-form tags and the long form each maps to.
 * `!GetAtt A.B` is split at the first dot into `["A", "B"]`, as CloudFormation and the SAM translator do.
 */
export const SHORT_FORM_TAGS: Readonly<Record<string, string>> = {
  Ref: 'Ref',
  Condition: 'Condition',
  GetAtt: 'Fn::GetAtt',
  Sub: 'Fn::Sub',
  Join: 'Fn::Join',
  If: 'Fn::If',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  FindInMap: 'Fn::FindInMap',
  ImportValue: 'Fn::ImportValue',
  Base64: 'Fn::Base64',
  Cidr: 'Fn::Cidr',
  GetAZs: 'Fn::GetAZs',
  Equals: 'Fn::Equals',
  And: 'Fn::And',
  Or: 'Fn::Or',
  Not: 'Fn::Not',
  Transform: 'Fn::Transform',
  Length: 'Fn::Length',
  ToJsonString: 'Fn::ToJsonString',
  ForEach: 'Fn::ForEach',
}

/** Every intrinsic function key that may stand as the single key of a mapping. */
export const INTRINSIC_KEYS: ReadonlySet<string> = new Set(Object.values(SHORT_FORM_TAGS))

/** True when `value` is `{Ref: …}`, `{"Fn::X": …}` or `{Condition: …}` — a value computed at deploy time. */
export function isIntrinsic(value: unknown): value is Record<string, unknown> {
  if (!isObject(value)) return false
  const keys = Object.keys(value)
  return keys.length === 1 && (INTRINSIC_KEYS.has(keys[0]!) || keys[0]!.startsWith('Fn::'))
}
