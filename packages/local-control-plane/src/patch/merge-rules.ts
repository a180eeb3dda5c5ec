// How the lists and maps of a resource merge, for strategic merge patch (the
// Go struct tags patchStrategy/patchMergeKey) and for server-side apply (the
// +listType/+listMapKey/+mapType markers): the rule shapes, the rules every
// object's metadata carries, and the table form the registry entries of the
// built-in kinds write theirs in (src/kinds/). merge-info.ts turns a
// table or a CRD's schema into a MergeInfo.

export type ListType =
  | {
      type: 'map';
      keys: string[];
      /** Schema defaults of key fields: SSA uses them for items that omit the key (protocol: TCP). */
      keyDefaults?: Record<string, unknown>;
    }
  | { type: 'set' }
  | { type: 'atomic' };

export type PatchStrategy =
  | { strategy: 'merge'; mergeKey: string }
  | { strategy: 'replace' }
  | { strategy: 'merge-primitives' };

/**
 * How an object merges under SSA: `struct` (declared fields), `map` (arbitrary keys,
 * each key is an owned item) or `atomic` (replaced and owned as a whole).
 */
export type MapType = 'struct' | 'map' | 'atomic';

export interface MergeInfo {
  /** path = field names from the object root, list indices omitted, e.g. ['spec','template','spec','containers']. */
  listType(path: readonly string[]): ListType;
  /** strategic-merge-patch strategy of a list at path: 'merge' with a key, or 'replace' (the default). */
  patchStrategy(path: readonly string[]): PatchStrategy;
  /** SSA treatment of the object at path; 'struct' when absent. */
  mapType?(path: readonly string[]): MapType;
}

export interface Rule {
  list?: ListType;
  smp?: PatchStrategy;
  map?: MapType;
}

export type MergeTable = Record<string, Rule>;

export const atomic: Rule = { list: { type: 'atomic' } };
export const byKey = (key: string, ...more: string[]): Rule => ({
  list: { type: 'map', keys: [key, ...more] },
  smp: { strategy: 'merge', mergeKey: key },
});
export const byProtocolPort = (port: string): Rule => ({
  list: { type: 'map', keys: [port, 'protocol'], keyDefaults: { protocol: 'TCP' } },
  smp: { strategy: 'merge', mergeKey: port },
});

export const objectMeta: MergeTable = {
  finalizers: { list: { type: 'set' }, smp: { strategy: 'merge-primitives' } },
  ownerReferences: byKey('uid'),
  managedFields: atomic,
};

export const conditions: MergeTable = { 'status.conditions': byKey('type') };

/** The rules of `table` under a field path prefix, with `self` for the prefix itself. */
export function mount(prefix: string, table: MergeTable, self?: Rule): MergeTable {
  const out: MergeTable = self ? { [prefix]: self } : {};
  for (const [path, rule] of Object.entries(table)) out[`${prefix}.${path}`] = rule;
  return out;
}

/** A kind's merge rules (field path → rule) with ObjectMeta's added. */
export function fromTable(table: MergeTable): MergeInfo {
  const all = { ...mount('metadata', objectMeta), ...table };
  const rule = (path: readonly string[]) => all[path.join('.')];
  return {
    listType: (path) => rule(path)?.list ?? { type: 'atomic' },
    patchStrategy: (path) => rule(path)?.smp ?? { strategy: 'replace' },
    mapType: (path) => rule(path)?.map ?? 'struct',
  };
}
