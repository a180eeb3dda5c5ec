// The two walks structured-merge-diff makes over typed values: the set of
// fields a value mentions (ToFieldSet) and the difference between two values
// (Compare).
import { FieldSet, fieldElement, type PathElement } from './field-set.ts';
import { deepEqual, isObject } from '@mcp-operator/kube-core/json';
import { type IndexedItem, indexItems, mapTypeOf } from './list-items.ts';
import type { MergeInfo } from './merge-info.ts';

type Names = readonly string[];
type Pes = readonly PathElement[];

/**
 * Leaves (scalars, atomic lists and maps) are members; so are list items and the
 * entries of maps that are not structs. Struct fields are members only through
 * their leaves, so an empty struct owns nothing. `strict` validates list keys.
 */
export function toFieldSet(value: unknown, info: MergeInfo, strict = false): FieldSet {
  const set = new FieldSet();
  const walk = (node: unknown, names: Names, pes: Pes): void => {
    if (Array.isArray(node)) {
      const type = info.listType(names);
      if (type.type === 'atomic') set.insert(pes);
      else {
        for (const { pe, item } of indexItems(node, type, pes, strict)) {
          walk(item, names, [...pes, pe]);
          set.insert([...pes, pe]);
        }
      }
      return;
    }
    if (isObject(node)) {
      const kind = mapTypeOf(info, names);
      if (kind === 'atomic' && pes.length > 0) {
        set.insert(pes);
        return;
      }
      for (const [key, item] of Object.entries(node)) {
        const child = [...pes, fieldElement(key)];
        walk(item, [...names, key], child);
        if (kind === 'map') set.insert(child);
      }
      return;
    }
    // A null where a granular list goes sets nothing; any other scalar (null included) is a leaf.
    if (node === null && info.listType(names).type !== 'atomic') return;
    set.insert(pes);
  };
  walk(value, [], []);
  return set;
}

export interface Comparison {
  added: FieldSet;
  removed: FieldSet;
  modified: FieldSet;
}

const isEmptyContainer = (value: unknown) =>
  value === undefined ||
  value === null ||
  (Array.isArray(value) && value.length === 0) ||
  (isObject(value) && Object.keys(value).length === 0);

/**
 * What changed from `lhs` to `rhs`: leaves are added, removed or modified;
 * maps, granular lists and list items that appear or disappear are added or
 * removed themselves too (so an Update that creates `spec.ports` owns `.`).
 */
export function compareValues(lhs: unknown, rhs: unknown, info: MergeInfo): Comparison {
  const out: Comparison = {
    added: new FieldSet(),
    removed: new FieldSet(),
    modified: new FieldSet(),
  };

  const leaf = (l: unknown, r: unknown, pes: Pes) => {
    if (l === undefined) out.added.insert(pes);
    else if (r === undefined) out.removed.insert(pes);
    else if (!deepEqual(l, r)) out.modified.insert(pes);
  };

  // Returns whether the node was walked as a container (then it is added/removed as an item itself).
  const walk = (l: unknown, r: unknown, names: Names, pes: Pes): boolean => {
    const listy = (v: unknown) => v === undefined || v === null || Array.isArray(v);
    const mappy = (v: unknown) => v === undefined || v === null || isObject(v);
    if ((Array.isArray(l) || Array.isArray(r)) && listy(l) && listy(r)) {
      const type = info.listType(names);
      if (type.type === 'atomic' || (isEmptyContainer(l) && isEmptyContainer(r))) {
        leaf(l, r, pes);
        return false;
      }
      const left = indexItems(Array.isArray(l) ? l : [], type, pes, false);
      const right = indexItems(Array.isArray(r) ? r : [], type, pes, false);
      const byPe = (items: IndexedItem[]) => new Map(items.map((entry) => [entry.pe, entry.item]));
      const lItems = byPe(left);
      const rItems = byPe(right);
      for (const pe of new Set([...lItems.keys(), ...rItems.keys()])) {
        visit(lItems.get(pe), rItems.get(pe), names, [...pes, pe]);
      }
      return true;
    }
    if ((isObject(l) || isObject(r)) && mappy(l) && mappy(r)) {
      if (
        (mapTypeOf(info, names) === 'atomic' && pes.length > 0) ||
        (isEmptyContainer(l) && isEmptyContainer(r))
      ) {
        leaf(l, r, pes);
        return false;
      }
      const lm = isObject(l) ? l : {};
      const rm = isObject(r) ? r : {};
      for (const key of new Set([...Object.keys(lm), ...Object.keys(rm)])) {
        visit(lm[key], rm[key], [...names, key], [...pes, fieldElement(key)]);
      }
      return true;
    }
    leaf(l, r, pes);
    return false;
  };

  const visit = (l: unknown, r: unknown, names: Names, pes: Pes) => {
    // One value on both sides (a write that kept a part of the object as it was) has no change.
    if (l === r) return;
    if (!walk(l, r, names, pes)) return;
    if (l === undefined) out.added.insert(pes);
    else if (r === undefined) out.removed.insert(pes);
  };

  walk(lhs, rhs, [], []);
  return out;
}
