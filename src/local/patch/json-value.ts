// Small helpers over parsed JSON values, shared by the patch and apply code.

import { isObject } from '../../kube/json.ts';

export { clone, deepEqual, isObject } from '../../kube/json.ts';
export type { JsonObject } from '../../kube/json.ts';

/** The JSON type name Go's encoding/json uses in "cannot unmarshal X into ..." errors. */
export function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

/** The reflect type name Go prints for a value decoded from JSON into interface{}. */
export function goTypeName(value: unknown): string {
  if (value === null || value === undefined) return '%!s(<nil>)';
  if (Array.isArray(value)) return '[]interface {}';
  if (isObject(value)) return 'map[string]interface {}';
  if (typeof value === 'number') return 'float64';
  return typeof value;
}

/** Go's `%v` rendering of a value decoded from JSON, used verbatim in apimachinery error messages. */
export function goFormat(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((key) => `${key}:${goFormat(value[key])}`).join(' ')}]`;
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}
