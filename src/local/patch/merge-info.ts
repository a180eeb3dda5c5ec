// How the lists and maps of a resource merge, for strategic merge patch (the
// Go struct tags patchStrategy/patchMergeKey) and for server-side apply (the
// +listType/+listMapKey/+mapType markers, or x-kubernetes-* in CRD schemas).
import { mapValueSchema, type StructuralSchema } from '../../kube/structural.ts';

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

interface Rule {
  list?: ListType;
  smp?: PatchStrategy;
  map?: MapType;
}

type Table = Record<string, Rule>;

const atomic: Rule = { list: { type: 'atomic' } };
const byKey = (key: string, ...more: string[]): Rule => ({
  list: { type: 'map', keys: [key, ...more] },
  smp: { strategy: 'merge', mergeKey: key },
});
const byProtocolPort = (port: string): Rule => ({
  list: { type: 'map', keys: [port, 'protocol'], keyDefaults: { protocol: 'TCP' } },
  smp: { strategy: 'merge', mergeKey: port },
});

const objectMeta: Table = {
  finalizers: { list: { type: 'set' }, smp: { strategy: 'merge-primitives' } },
  ownerReferences: byKey('uid'),
  managedFields: atomic,
};

const container: Table = {
  command: atomic,
  args: atomic,
  ports: byProtocolPort('containerPort'),
  envFrom: atomic,
  env: byKey('name'),
  volumeMounts: byKey('mountPath'),
  volumeDevices: byKey('devicePath'),
  resizePolicy: atomic,
  'resources.claims': { list: { type: 'map', keys: ['name'] } },
  'securityContext.capabilities.add': atomic,
  'securityContext.capabilities.drop': atomic,
};

const podSpec: Table = {
  volumes: byKey('name'),
  ...mount('initContainers', container, byKey('name')),
  ...mount('containers', container, byKey('name')),
  ...mount('ephemeralContainers', container, byKey('name')),
  imagePullSecrets: byKey('name'),
  tolerations: atomic,
  hostAliases: byKey('ip'),
  'hostAliases.hostnames': atomic,
  topologySpreadConstraints: {
    list: { type: 'map', keys: ['topologyKey', 'whenUnsatisfiable'] },
    smp: { strategy: 'merge', mergeKey: 'topologyKey' },
  },
  'topologySpreadConstraints.labelSelector': { map: 'atomic' },
  readinessGates: atomic,
  resourceClaims: byKey('name'),
  schedulingGates: byKey('name'),
  'securityContext.supplementalGroups': atomic,
  'securityContext.sysctls': atomic,
};

const podStatus: Table = {
  conditions: byKey('type'),
  podIPs: byKey('ip'),
  hostIPs: { list: { type: 'atomic' }, smp: { strategy: 'merge', mergeKey: 'ip' } },
  containerStatuses: atomic,
  initContainerStatuses: atomic,
  ephemeralContainerStatuses: atomic,
  resourceClaimStatuses: byKey('name'),
};

const conditions: Table = { 'status.conditions': byKey('type') };

const builtins: Record<string, Table> = {
  '/Pod': { ...mount('spec', podSpec), ...mount('status', podStatus) },
  '/Service': {
    'spec.ports': byProtocolPort('port'),
    'spec.selector': { map: 'atomic' },
    'spec.externalIPs': atomic,
    'spec.clusterIPs': atomic,
    'spec.ipFamilies': atomic,
    'spec.loadBalancerSourceRanges': atomic,
    ...conditions,
  },
  '/Namespace': { 'spec.finalizers': atomic, ...conditions },
  'apps/Deployment': {
    'spec.selector': { map: 'atomic' },
    ...mount('spec.template.metadata', objectMeta),
    ...mount('spec.template.spec', podSpec),
    ...conditions,
  },
  'apiextensions.k8s.io/CustomResourceDefinition': {
    'spec.versions': atomic,
    // The Go type has +listType=map but no patchStrategy tag, so SMP replaces it.
    'status.conditions': { list: { type: 'map', keys: ['type'] } },
  },
};

function mount(prefix: string, table: Table, self?: Rule): Table {
  const out: Table = self ? { [prefix]: self } : {};
  for (const [path, rule] of Object.entries(table)) out[`${prefix}.${path}`] = rule;
  return out;
}

function fromTable(table: Table): MergeInfo {
  const all = { ...mount('metadata', objectMeta), ...table };
  const rule = (path: readonly string[]) => all[path.join('.')];
  return {
    listType: (path) => rule(path)?.list ?? { type: 'atomic' },
    patchStrategy: (path) => rule(path)?.smp ?? { strategy: 'replace' },
    mapType: (path) => rule(path)?.map ?? 'struct',
  };
}

/** Merge info of a built-in kind; kinds without lists worth knowing get the ObjectMeta rules only. */
export function mergeInfoForBuiltin(group: string, _version: string, kind: string): MergeInfo {
  return fromTable(builtins[`${group}/${kind}`] ?? {});
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
