// Identity of list items under server-side apply: the key fields of a
// list-map item, the value of a set item.
import {
  type FieldPath,
  type PathElement,
  keyElement,
  pathString,
  valueElement,
} from './field-set.ts';
import { isObject } from '@mcp-operator/kube-core/json';
import type { ListType, MapType, MergeInfo } from './merge-info.ts';

/** A structured-merge-diff validation error: `<path>: <message>`. */
export class TypedValueError extends Error {}

export interface IndexedItem {
  pe: PathElement;
  item: unknown;
  index: number;
}

export function mapTypeOf(info: MergeInfo, path: readonly string[]): MapType {
  return info.mapType?.(path) ?? 'struct';
}

/**
 * The path element of one item. `strict` (an apply configuration) rejects items
 * that cannot be keyed, as the apiserver does; otherwise (live objects) they
 * fall back to their index so that nothing is lost.
 */
function itemElement(item: unknown, list: ListType, index: number, strict: boolean): string {
  if (list.type === 'map') {
    if (!isObject(item)) {
      if (!strict) return `i:${index}`;
      return item === null
        ? `element ${index}: associative list with keys may not have a null element`
        : `element ${index}: associative list with keys may not have non-map elements`;
    }
    const fields: Record<string, unknown> = {};
    for (const key of list.keys) {
      if (key in item) fields[key] = item[key];
      else if (list.keyDefaults && key in list.keyDefaults) fields[key] = list.keyDefaults[key];
      else if (strict) {
        return `element ${index}: associative list with keys has an element that omits key field "${key}" (and doesn't have default value)`;
      }
    }
    return keyElement(fields);
  }
  if (item === null || typeof item === 'object') {
    if (!strict) return `i:${index}`;
    if (item === null)
      return `element ${index}: associative list without keys has an element that's an explicit null`;
    return Array.isArray(item)
      ? `element ${index}: not supported: associative list with lists as elements`
      : `element ${index}: associative list without keys has an element that's a map type`;
  }
  return valueElement(item);
}

const isElement = (text: string) => /^[kvi]:/.test(text);

/** The items of a keyed list (map or set) with their path elements; duplicates are an error when strict. */
export function indexItems(
  list: unknown[],
  type: ListType,
  where: FieldPath,
  strict: boolean,
): IndexedItem[] {
  const seen = new Set<PathElement>();
  const out: IndexedItem[] = [];
  list.forEach((item, index) => {
    const pe = itemElement(item, type, index, strict);
    if (!isElement(pe)) throw new TypedValueError(`${pathString(where)}: ${pe}`);
    if (seen.has(pe) && strict) {
      throw new TypedValueError(
        `${pathString(where)}: duplicate entries for key ${pathString([pe])}`,
      );
    }
    seen.add(pe);
    out.push({ pe, item, index });
  });
  return out;
}
