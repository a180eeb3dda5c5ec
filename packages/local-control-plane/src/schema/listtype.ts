// x-kubernetes-list-type invariants: a `set` holds no element twice, a `map`
// holds no two items with the same keys. kube reports the later duplicate,
// once, with the key fields as the value (Go prints it as a map).
import type { FieldError } from '../errors.ts';
import { child, fieldError, index, key } from './field.ts';
import { goJson } from '@mcp-operator/kube-core/go-format';
import { mapValueSchema, type StructuralSchema } from '@mcp-operator/kube-core/structural';
import { isObject } from '@mcp-operator/kube-core/json';

const UNSPECIFIED = Symbol('unspecified key');

/** Indices of the second occurrence of every repeated element. */
function secondOccurrences(values: unknown[]): number[] {
  const seen = new Map<unknown, number>();
  const repeats: number[] = [];
  values.forEach((v, i) => {
    const id = isObject(v) || Array.isArray(v) ? `json:${goJson(v)}` : v;
    const times = seen.get(id) ?? 0;
    seen.set(id, times + 1);
    if (times === 1) repeats.push(i);
  });
  return repeats;
}

function validateListMap(path: string, s: StructuralSchema, list: unknown[]): FieldError[] {
  const bad = list.findIndex((x) => x !== null && !isObject(x));
  if (bad >= 0) {
    return [
      fieldError.invalid(
        index(path, bad),
        list[bad],
        'must be an object for an array of list-type map',
      ),
    ];
  }
  if (list.length <= 1) return [];
  const keyFields = s['x-kubernetes-list-map-keys'] ?? [];
  if (keyFields.length === 1) {
    const keyField = keyFields[0]!;
    const keys = list.map((x) =>
      isObject(x) && keyField in x ? x[keyField] : (UNSPECIFIED as unknown),
    );
    return secondOccurrences(keys).map((i) =>
      fieldError.duplicate(index(path, i), keys[i] === UNSPECIFIED ? {} : { [keyField]: keys[i] }),
    );
  }
  const keys = list.map((x) => {
    const k: Record<string, unknown> = {};
    if (isObject(x)) for (const f of keyFields) if (f in x) k[f] = x[f];
    return k;
  });
  return secondOccurrences(keys).map((i) => fieldError.duplicate(index(path, i), keys[i]));
}

function validateArray(path: string, s: StructuralSchema, list: unknown[]): FieldError[] {
  const errors: FieldError[] = [];
  const listType = s['x-kubernetes-list-type'];
  if (listType === 'set') {
    for (const i of secondOccurrences(list))
      errors.push(fieldError.duplicate(index(path, i), list[i]));
  } else if (listType === 'map') {
    errors.push(...validateListMap(path, s, list));
  }
  if (s.items)
    list.forEach((item, i) => errors.push(...validateValue(index(path, i), s.items!, item)));
  return errors;
}

function validateValue(path: string, s: StructuralSchema, x: unknown): FieldError[] {
  if (Array.isArray(x)) return validateArray(path, s, x);
  if (isObject(x)) return validateListSetsAndMaps(path, s, x);
  return [];
}

/** Checks every list-type set and map under `obj` (field paths as field.Path prints them). */
export function validateListSetsAndMaps(
  path: string,
  s: StructuralSchema,
  obj: Record<string, unknown>,
): FieldError[] {
  const errors: FieldError[] = [];
  const valueSchema = mapValueSchema(s);
  if (valueSchema) {
    for (const [k, v] of Object.entries(obj))
      errors.push(...validateValue(key(path, k), valueSchema, v));
  }
  if (s.properties) {
    for (const [k, v] of Object.entries(obj)) {
      const property = s.properties[k];
      if (property) errors.push(...validateValue(child(path, k), property, v));
    }
  }
  return errors;
}
