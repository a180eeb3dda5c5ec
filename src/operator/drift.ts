// Compares the object the operator wants with the live one and builds the
// update, touching only what the operator owns.
//
// - A field the operator sets is drift when the live value differs. Fields
//   only the live object has (API-server defaults, clusterIP, annotations of
//   other tools, `kubectl rollout restart`'s pod-template annotation) are not.
// - What the operator set before and no longer wants (a label or annotation
//   key, a list item such as the sidecar container or an env var) is found in
//   the live object's managedFields: kube-apiserver records, per field
//   manager, the fields each write set (FieldsV1: `f:<field>`, `k:{<list-map
//   keys>}`, `v:<set value>`). Plain fields in that record are ignored: a
//   create also records the server's defaults under the creator's name.
// - Lists whose items all have a `name` are matched by name and may hold
//   other writers' items; other lists (Ingress rules, capabilities) are
//   atomic and compared whole.
import { compareQuantities, parseQuantity } from '../api/v1alpha1/quantity.ts';
import { asObject, deepEqual, isObject } from '@mcp-operator/kube-core/json';
import type { JsonObject } from '@mcp-operator/kube-core/json';
import type { KubeObject } from '@mcp-operator/kube-core/port';

type Fields = JsonObject;

/** Union of the FieldsV1 sets `manager` owns on the main resource (status writes left out). */
function ownedFields(live: KubeObject, manager: string): Fields {
  let owned: Fields = {};
  for (const entry of live.metadata.managedFields ?? []) {
    if (!isObject(entry) || entry.manager !== manager || entry.subresource) continue;
    if (isObject(entry.fieldsV1)) owned = unionFields(owned, entry.fieldsV1);
  }
  return owned;
}

function unionFields(a: Fields, b: Fields): Fields {
  const out: Fields = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const left = out[key];
    out[key] = isObject(left) && isObject(value) ? unionFields(left, value) : value;
  }
  return out;
}

/** Whether `object` carries a controller owner reference to the owner with this uid. */
export function controlledBy(object: KubeObject, ownerUID: string | undefined): boolean {
  return (object.metadata.ownerReferences ?? []).some(
    (ref) => ref.controller === true && ref.uid === ownerUID,
  );
}

const isEmpty = (v: unknown) =>
  v === undefined ||
  v === null ||
  v === '' ||
  (Array.isArray(v) && v.length === 0) ||
  (isObject(v) && Object.keys(v).length === 0);

const isNamedList = (items: unknown[]) =>
  items.length > 0 && items.every((item) => isObject(item) && typeof item.name === 'string');

const isMetadataMap = (parentKey: string | undefined, key: string) =>
  parentKey === 'metadata' && (key === 'labels' || key === 'annotations');

function scalarEqual(desired: unknown, live: unknown, path: string): boolean {
  if (desired === live) return true;
  // The API server stores quantities in canonical form ("0.5" → "500m").
  if (typeof desired === 'string' && typeof live === 'string' && /resources\./.test(path)) {
    const a = parseQuantity(desired);
    const b = parseQuantity(live);
    return a !== undefined && b !== undefined && compareQuantities(a, b) === 0;
  }
  return false;
}

/** Drops empty values, as Go's omitempty does, so atomic lists compare by content. */
function withoutEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmpty);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (!isEmpty(item)) out[key] = withoutEmpty(item);
  }
  return out;
}

/** Paths of the fields the operator sets whose live value differs. */
function differences(desired: unknown, live: unknown, path: string, out: string[]): void {
  if (isEmpty(desired)) return;
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) {
      out.push(path);
    } else if (isNamedList(desired)) {
      for (const item of desired as JsonObject[]) {
        const match: unknown = live.find((l: unknown) => isObject(l) && l.name === item.name);
        differences(item, match, `${path}[${String(item.name)}]`, out);
      }
    } else if (!deepEqual(withoutEmpty(desired), withoutEmpty(live))) {
      out.push(path);
    }
    return;
  }
  if (isObject(desired)) {
    if (!isObject(live)) {
      out.push(path);
      return;
    }
    for (const [key, value] of Object.entries(desired)) {
      differences(value, live[key], path ? `${path}.${key}` : key, out);
    }
    return;
  }
  if (!scalarEqual(desired, live, path)) out.push(path);
}

/** Whether a list item matches a FieldsV1 `k:{…}` key (protocol defaults to TCP, as the API server fills it). */
function matchesKey(item: unknown, key: JsonObject): boolean {
  if (!isObject(item)) return false;
  return Object.entries(key).every(([field, value]) => {
    const actual = item[field] ?? (field === 'protocol' ? 'TCP' : undefined);
    return deepEqual(actual, value);
  });
}

function parseKey(fieldKey: string): JsonObject | undefined {
  try {
    const parsed: unknown = JSON.parse(fieldKey.slice(2));
    return asObject(parsed);
  } catch {
    return undefined;
  }
}

/** Keys of a metadata map the operator owns and no longer wants. */
function unwantedMapKeys(owned: unknown, desired: unknown): string[] {
  if (!isObject(owned)) return [];
  const want = isObject(desired) ? desired : {};
  return Object.keys(owned)
    .filter((k) => k.startsWith('f:'))
    .map((k) => k.slice(2))
    .filter((k) => !(k in want));
}

/** Paths of what the operator owns and no longer wants: map keys and list items. */
function unwanted(
  owned: Fields,
  desired: unknown,
  path: string,
  parentKey: string | undefined,
  out: string[],
) {
  for (const [fieldKey, child] of Object.entries(owned)) {
    if (!isObject(child)) continue;
    if (fieldKey.startsWith('f:')) {
      const key = fieldKey.slice(2);
      const at = path ? `${path}.${key}` : key;
      const want = isObject(desired) ? desired[key] : undefined;
      if (isMetadataMap(parentKey, key)) {
        for (const k of unwantedMapKeys(child, want)) out.push(`${at}[${k}]`);
      } else if (want !== undefined || ownsListItems(child)) {
        unwanted(child, want ?? [], at, key, out);
      }
    } else if (fieldKey.startsWith('k:')) {
      const listKey = parseKey(fieldKey);
      const items: unknown[] = Array.isArray(desired) ? desired : [];
      const match = listKey && items.find((item) => matchesKey(item, listKey));
      if (!match) out.push(`${path}[${fieldKey.slice(2)}]`);
      else unwanted(child, match, `${path}[${fieldKey.slice(2)}]`, undefined, out);
    } else if (fieldKey.startsWith('v:')) {
      const items = Array.isArray(desired) ? desired : [];
      let value: unknown;
      try {
        value = JSON.parse(fieldKey.slice(2));
      } catch {
        continue;
      }
      if (!items.some((item) => deepEqual(item, value))) out.push(`${path}[${fieldKey.slice(2)}]`);
    }
  }
}

const ownsListItems = (node: JsonObject) =>
  Object.keys(node).some((k) => k.startsWith('k:') || k.startsWith('v:'));

/**
 * What an update would change, as field paths: fields that differ from the
 * desired values, and what the operator set earlier and no longer wants.
 * Empty means nothing to write.
 */
export function driftOf(live: KubeObject, desired: KubeObject, manager: string): string[] {
  const out: string[] = [];
  const { apiVersion: _a, kind: _k, ...body } = desired;
  differences(body, live, '', out);
  unwanted(ownedFields(live, manager), desired, '', undefined, out);
  return out;
}

/** Removes the items of a named or keyed list that the operator owns (per `owned`). */
function withoutOwnedItems(items: unknown[], owned: Fields): unknown[] {
  const keys = Object.keys(owned)
    .filter((k) => k.startsWith('k:'))
    .map(parseKey)
    .filter((k): k is JsonObject => k !== undefined);
  return items.filter((item) => !keys.some((key) => matchesKey(item, key)));
}

function ownedItem(owned: Fields | undefined, item: unknown): Fields | undefined {
  if (!owned) return undefined;
  for (const [fieldKey, child] of Object.entries(owned)) {
    const key = fieldKey.startsWith('k:') ? parseKey(fieldKey) : undefined;
    if (key && isObject(child) && matchesKey(item, key)) return child;
  }
  return undefined;
}

function overlay(
  live: unknown,
  desired: unknown,
  owned: Fields | undefined,
  parentKey: string | undefined,
): unknown {
  if (desired === undefined) return live;
  if (Array.isArray(desired)) {
    if (!isNamedList(desired) || !Array.isArray(live)) return desired;
    const names = new Set((desired as JsonObject[]).map((d) => d.name));
    const merged = (desired as JsonObject[]).map((item) => {
      const match: unknown = live.find((l: unknown) => isObject(l) && l.name === item.name);
      return overlay(match, item, ownedItem(owned, match), undefined);
    });
    // Items others added stay; stale items of the operator's go.
    const others: unknown[] = live.filter(
      (l) => !(isObject(l) && names.has(l.name)) && ownedItem(owned, l) === undefined,
    );
    return [...merged, ...others];
  }
  if (!isObject(desired)) return desired;
  const out: JsonObject = isObject(live) ? { ...live } : {};
  for (const [key, value] of Object.entries(desired)) {
    const child = owned?.[`f:${key}`];
    out[key] = overlay(out[key], value, asObject(child), key);
  }
  for (const [fieldKey, child] of Object.entries(owned ?? {})) {
    if (!fieldKey.startsWith('f:') || !isObject(child)) continue;
    const key = fieldKey.slice(2);
    if (isMetadataMap(parentKey, key) && isObject(out[key])) {
      const map = { ...out[key] };
      for (const k of unwantedMapKeys(child, desired[key])) delete map[k];
      if (Object.keys(map).length > 0) out[key] = map;
      else delete out[key];
    } else if (!(key in desired) && Array.isArray(out[key]) && ownsListItems(child)) {
      const rest = withoutOwnedItems(out[key] as unknown[], child);
      if (rest.length > 0) out[key] = rest;
      else delete out[key];
    }
  }
  return out;
}

/**
 * The object to send as an update (PUT, with the live resourceVersion as its
 * precondition): the live object with the operator's fields as desired,
 * others' fields kept, and the operator's stale keys and list items removed.
 */
export function mergeForUpdate(live: KubeObject, desired: KubeObject, manager: string): KubeObject {
  const merged = overlay(live, desired, ownedFields(live, manager), undefined) as KubeObject;
  // Left out, the server keeps every manager's entries (kube-apiserver's field
  // manager reads the live object's when an update carries none); the cached
  // copy holds only ours, and sending those would drop the others'.
  const { managedFields: _left, ...metadata } = merged.metadata;
  return { ...merged, metadata };
}
