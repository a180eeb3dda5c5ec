// Merging an apply configuration into the live object (structured-merge-diff's
// Merge), and removing the fields an applier gave up.
import type { FieldPath, FieldSet, PathElement } from './field-set.ts';
import { clone, isObject, type JsonObject } from '@mcp-operator/kube-core/json';
import { indexItems, mapTypeOf } from './list-items.ts';
import type { ListType, MergeInfo } from './merge-info.ts';

type Names = readonly string[];

const isEmpty = (value: unknown) =>
  (Array.isArray(value) && value.length === 0) ||
  (isObject(value) && Object.keys(value).length === 0);

/**
 * Keyed list merge. Live items the configuration does not mention keep their
 * place; items it mentions follow the configuration's order; new items come
 * where the configuration puts them relative to the shared ones.
 */
function mergeList(
  live: unknown[],
  config: unknown[],
  type: ListType,
  names: Names,
  info: MergeInfo,
): unknown[] {
  const left = indexItems(live, type, [], false);
  const right = indexItems(config, type, [], false);
  const liveItems = new Map<PathElement, unknown>();
  for (const { pe, item } of left) if (!liveItems.has(pe)) liveItems.set(pe, item);
  const configItems = new Map(right.map(({ pe, item }) => [pe, item]));
  const shared = right.map(({ pe }) => pe).filter((pe) => liveItems.has(pe));
  let nextShared = shared.shift();
  const done = new Set<PathElement>();
  const out: unknown[] = [];
  const take = (pe: PathElement) => {
    done.add(pe);
    out.push(mergeValue(liveItems.get(pe), configItems.get(pe), names, info));
  };
  let l = 0;
  let r = 0;
  while (l < left.length || r < right.length) {
    if (l < left.length && r < right.length) {
      const pe = left[l]!.pe;
      if (pe === right[r]!.pe && !done.has(pe)) {
        take(pe);
        l++;
        r++;
        nextShared = shared.shift();
        continue;
      }
      // A shared item whose turn has not come: the configuration places it later.
      if (configItems.has(pe) && nextShared !== undefined && nextShared !== pe) {
        l++;
        continue;
      }
    }
    if (l < left.length) {
      const { pe, item } = left[l]!;
      if (!configItems.has(pe)) {
        out.push(clone(item));
        l++;
        continue;
      }
      if (done.has(pe)) {
        l++;
        continue;
      }
    }
    if (r < right.length) {
      const pe = right[r]!.pe;
      take(pe);
      r++;
      if (pe === nextShared) nextShared = shared.shift();
    }
  }
  return out;
}

function mergeValue(live: unknown, config: unknown, names: Names, info: MergeInfo): unknown {
  if (config === undefined) return clone(live);
  if (live === undefined) return clone(config);
  if (Array.isArray(live) && (Array.isArray(config) || config === null)) {
    const type = info.listType(names);
    if (type.type === 'atomic' || (isEmpty(live) && (config === null || isEmpty(config))))
      return clone(config);
    return mergeList(live, config ?? [], type, names, info);
  }
  if (isObject(live) && (isObject(config) || config === null)) {
    if (
      (mapTypeOf(info, names) === 'atomic' && names.length > 0) ||
      (isEmpty(live) && (config === null || isEmpty(config)))
    ) {
      return clone(config);
    }
    const patch = config ?? {};
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(live)) {
      out[key] = key in patch ? mergeValue(value, patch[key], [...names, key], info) : clone(value);
    }
    for (const [key, value] of Object.entries(patch)) if (!(key in live)) out[key] = clone(value);
    return out;
  }
  return clone(config);
}

/** The live object with the configuration merged in: leaves and atomic values from the configuration win. */
export function mergeApplied(live: unknown, config: unknown, info: MergeInfo): unknown {
  return mergeValue(live, config, [], info);
}

/** Steps one path element into a value; returns the container and the slot, if present. */
function locate(
  value: unknown,
  pe: PathElement,
  names: Names,
  info: MergeInfo,
): { names: Names; get: () => unknown; remove: () => void } | undefined {
  if (pe.startsWith('f:')) {
    const key = pe.slice(2);
    if (!isObject(value) || !(key in value)) return undefined;
    return { names: [...names, key], get: () => value[key], remove: () => delete value[key] };
  }
  if (!Array.isArray(value)) return undefined;
  const list: unknown[] = value;
  const type = info.listType(names);
  const index =
    type.type === 'atomic'
      ? -1
      : indexItems(list, type, [], false).findIndex((item) => item.pe === pe);
  if (index < 0) return undefined;
  return { names, get: () => list[index], remove: () => list.splice(index, 1) };
}

/** Removes each path (a field, a list item) with everything below it. Mutates `root`. */
export function removePaths(root: unknown, paths: readonly FieldPath[], info: MergeInfo): void {
  for (const path of paths) {
    if (path.length === 0) continue;
    const parent = parentOf(root, path, info);
    locate(parent, path[path.length - 1]!, namesOf(path.slice(0, -1)), info)?.remove();
  }
}

function parentOf(root: unknown, path: FieldPath, info: MergeInfo): unknown {
  let node = root;
  let names: Names = [];
  for (const pe of path.slice(0, -1)) {
    const slot = locate(node, pe, names, info);
    if (!slot) return undefined;
    names = slot.names;
    node = slot.get();
  }
  return node;
}

/**
 * After pruning, drops maps and lists the applier used to fill that are now
 * empty and that nobody else claims (structured-merge-diff treats the named
 * fields of the old set as removable items too).
 */
export function removeEmptied(
  root: unknown,
  config: unknown,
  lastSet: FieldSet,
  owned: FieldSet,
  info: MergeInfo,
): void {
  const find = (value: unknown, path: FieldPath) =>
    locate(parentOf(value, path, info), path[path.length - 1]!, namesOf(path.slice(0, -1)), info);
  const visit = (node: FieldSet, path: PathElement[]) => {
    for (const [pe, child] of node.children) {
      if (child.children.size === 0) continue;
      const childPath = [...path, pe];
      visit(child, childPath);
      // Kept when someone owns something there, or when the configuration sets it (even to `{}`).
      if (owned.at(childPath) !== undefined || find(config, childPath)) continue;
      const slot = find(root, childPath);
      if (slot && isEmpty(slot.get())) slot.remove();
    }
  };
  visit(lastSet, []);
}

/** Field names of a path, list elements left out. */
function namesOf(path: FieldPath): string[] {
  return path.filter((pe) => pe.startsWith('f:')).map((pe) => pe.slice(2));
}

/** Drops null-valued map entries: the decoder of a typed object does not keep them either. */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) if (item !== null) out[key] = dropNulls(item);
  return out;
}
