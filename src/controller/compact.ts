// How compactly the informer caches hold objects. A decoded object is a tree
// of small JS objects and strings; thousands of cached objects repeat the
// same strings (namespaces, API versions, images, timestamps, the owner's uid
// in each child) and the same empty object (every leaf of a managedFields
// FieldsV1 set is `{}`). Both are shared here, so memory grows with what is
// distinct in a server rather than with how many times it is written down.
import { setKey } from '@mcp-operator/kube-core/json';
import type { KubeObject } from '@mcp-operator/kube-core/port';

/** Every `{}` leaf of a cached FieldsV1 set; frozen, so a reader cannot change them all at once. */
const EMPTY: Readonly<Record<string, never>> = Object.freeze({});

/** Keys whose values differ on every write: interning them would only churn the table. */
const NOT_INTERNED = new Set(['resourceVersion']);

/** Longer strings (a script, a certificate) are rarely repeated; not worth a table entry. */
const MAX_INTERNED_LENGTH = 256;

/**
 * One copy of each string seen. Bounded: when full it starts over, which
 * costs only the sharing of what was in it, never a wrong value.
 */
export class StringTable {
  readonly #table = new Map<string, string>();
  readonly #capacity: number;

  constructor(capacity = 1 << 17) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#table.size;
  }

  intern(value: string): string {
    if (value.length > MAX_INTERNED_LENGTH) return value;
    const known = this.#table.get(value);
    if (known !== undefined) return known;
    if (this.#table.size >= this.#capacity) this.#table.clear();
    this.#table.set(value, value);
    return value;
  }
}

/**
 * A copy of `obj` that shares strings through `strings` and empty FieldsV1
 * leaves through one frozen object; equal to `obj` by value, which is not
 * changed. With `previous` (the cached version this one replaces), every part
 * equal to the same part of `previous` is that part, not a copy: a status
 * write then leaves only the old status as garbage, not a whole old object
 * the collector has already moved to its old generation. The result is never
 * `previous` itself.
 */
export function compactObject<T extends KubeObject>(
  obj: T,
  strings: StringTable,
  previous?: KubeObject,
): T {
  const out = copy(obj, undefined, strings, previous);
  // Equal throughout (a repeated event): still a new object, sharing every part.
  return (out === previous ? { ...previous } : out) as T;
}

/** `value` when it is a JSON object (not an array), else undefined. */
function objectOrNothing(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** `obj[k]` when `obj` is a JSON object that has `k` itself, else undefined. */
function field(obj: unknown, k: string): unknown {
  const o = objectOrNothing(obj);
  return o && Object.hasOwn(o, k) ? o[k] : undefined;
}

function copy(
  value: unknown,
  key: string | undefined,
  strings: StringTable,
  prev: unknown,
): unknown {
  if (typeof value === 'string') {
    if (value === prev) return prev;
    return key && NOT_INTERNED.has(key) ? value : strings.intern(value);
  }
  if (value === null || typeof value !== 'object') return value;
  if (key === 'fieldsV1') return fieldSet(value, prev);
  if (Array.isArray(value)) {
    const before = Array.isArray(prev) && prev.length === value.length ? prev : undefined;
    let same = before !== undefined;
    const items: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      items[i] = copy(value[i], undefined, strings, before?.[i]);
      if (items[i] !== before?.[i]) same = false;
    }
    return same ? before : items;
  }
  const source = value as Record<string, unknown>;
  const keys = Object.keys(source);
  const before = objectOrNothing(prev);
  let same = before !== undefined && Object.keys(before).length === keys.length;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const was = field(before, k);
    const v = copy(source[k], k, strings, was);
    if (v !== was || v === undefined) same = false;
    setKey(out, k, v);
  }
  return same ? before : out;
}

/**
 * A FieldsV1 set with every empty leaf the shared EMPTY (its keys are already
 * V8's interned names), or `prev` when equal to it.
 */
function fieldSet(value: unknown, prev: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const source = value as Record<string, unknown>;
  const keys = Object.keys(source);
  if (keys.length === 0) return EMPTY;
  const before = objectOrNothing(prev);
  let same = before !== undefined && Object.keys(before).length === keys.length;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const was = field(before, k);
    const v = fieldSet(source[k], was);
    if (v !== was) same = false;
    setKey(out, k, v);
  }
  return same ? before : out;
}
