// How the lists and maps of a resource merge: a built-in kind's rules come from
// its registry entry (src/kinds/), a custom resource's from the
// x-kubernetes-* markers of its structural schema.
import { mapValueSchema, type StructuralSchema } from '@mcp-operator/kube-core/structural';
import { strategyFor } from '../kinds/index.ts';
import { fromTable, type MergeInfo } from './merge-rules.ts';

export type { ListType, MapType, MergeInfo, PatchStrategy } from './merge-rules.ts';

/** Merge info of a built-in kind; kinds without lists worth knowing get the ObjectMeta rules only. */
export function mergeInfoForBuiltin(group: string, _version: string, kind: string): MergeInfo {
  return fromTable(strategyFor({ group, kind })?.mergeRules ?? {});
}

function schemaAt(
  schema: StructuralSchema | undefined,
  path: readonly string[],
): StructuralSchema | undefined {
  let node = schema;
  for (const name of path) {
    if (!node) return undefined;
    // List indices are omitted from paths, so step through array items implicitly.
    while (node.type === 'array' || node.items) node = node.items ?? {};
    node = node.properties?.[name] ?? mapValueSchema(node);
  }
  return node;
}

/** Merge info of a custom resource from its structural schema; lists without x-kubernetes-list-type are atomic. */
export function mergeInfoFromSchema(schema: StructuralSchema | undefined): MergeInfo {
  const meta = fromTable({});
  return {
    listType(path) {
      if (path[0] === 'metadata') return meta.listType(path);
      const node = schemaAt(schema, path);
      const kind = node?.['x-kubernetes-list-type'];
      if (kind === 'set') return { type: 'set' };
      if (kind !== 'map') return { type: 'atomic' };
      const keys = node?.['x-kubernetes-list-map-keys'] ?? [];
      const keyDefaults: Record<string, unknown> = {};
      for (const key of keys) {
        const fallback = node?.items?.properties?.[key]?.default;
        if (fallback !== undefined) keyDefaults[key] = fallback;
      }
      return Object.keys(keyDefaults).length > 0
        ? { type: 'map', keys, keyDefaults }
        : { type: 'map', keys };
    },
    // Custom resources do not support strategic merge patch (the server answers 415).
    patchStrategy: () => ({ strategy: 'replace' }),
    mapType(path) {
      if (path.length === 0 || path[0] === 'metadata') return 'struct';
      let node = schemaAt(schema, path);
      // The path of a list item's object is the list's path.
      while (node && (node.type === 'array' || node.items)) node = node.items;
      if (node?.['x-kubernetes-map-type'] === 'atomic') return 'atomic';
      return node?.properties ? 'struct' : 'map';
    },
  };
}
