// The informer's local copy of the watched objects, keyed as client-go's
// MetaNamespaceKeyFunc keys them. Readers get a read-only view; only the
// informer that owns the backing map writes to it.
import type { KubeObject } from '@mcp-operator/kube-core/port';

/** "namespace/name" for namespaced objects, "name" for cluster-scoped ones. */
export function objectKey(obj: Pick<KubeObject, 'metadata'>): string {
  const { namespace, name = '' } = obj.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

/** The namespace and name a key stands for (the inverse of objectKey). */
export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** The index values of an object (client-go's IndexFunc); an object may have none or several. */
export type IndexFunc<T extends KubeObject = KubeObject> = (obj: T) => string[];

interface Index<T extends KubeObject> {
  fn: IndexFunc<T>;
  keysByValue: Map<string, Set<string>>;
  valuesByKey: Map<string, string[]>;
}

/**
 * A read-only view over an informer's objects, with named indexes (as
 * client-go's Indexer): `byIndex` answers from a map kept up to date on every
 * change, so a lookup costs the size of its answer, not of the cache. The
 * objects are shared with every other reader, so treat them as immutable:
 * copy before changing.
 */
export class ObjectCache<T extends KubeObject> {
  readonly #items: ReadonlyMap<string, T>;
  readonly #indexes = new Map<string, Index<T>>();

  constructor(items: ReadonlyMap<string, T>) {
    this.#items = items;
  }

  get(key: string): T | undefined {
    return this.#items.get(key);
  }

  /** Every object, or those in one namespace ('' means all, as metav1.NamespaceAll), ordered by key. */
  list(namespace?: string): T[] {
    const keys = namespace ? this.keys().filter(inNamespace(namespace)) : this.keys();
    return keys.map((key) => this.#items.get(key)!);
  }

  /** Every object in no particular order: for callers on a hot path that need no sort. */
  values(): IterableIterator<T> {
    return this.#items.values();
  }

  /** Every key, sorted. */
  keys(): string[] {
    return [...this.#items.keys()].sort();
  }

  get size(): number {
    return this.#items.size;
  }

  /** Adds (or replaces) an index and indexes the objects already cached. */
  addIndex(name: string, fn: IndexFunc<T>): void {
    const index: Index<T> = { fn, keysByValue: new Map(), valuesByKey: new Map() };
    this.#indexes.set(name, index);
    for (const [key, obj] of this.#items) indexOne(index, key, obj);
  }

  /** The objects whose index `name` includes `value`; [] for an unknown index. */
  byIndex(name: string, value: string): T[] {
    const keys = this.#indexes.get(name)?.keysByValue.get(value);
    if (!keys) return [];
    return [...keys].flatMap((key) => {
      const obj = this.#items.get(key);
      return obj ? [obj] : [];
    });
  }

  /** For the owning informer: the object under `key` is about to become `obj` (undefined: removed). */
  reindex(key: string, obj: T | undefined): void {
    for (const index of this.#indexes.values()) {
      for (const value of index.valuesByKey.get(key) ?? []) {
        const keys = index.keysByValue.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.keysByValue.delete(value);
      }
      index.valuesByKey.delete(key);
      if (obj) indexOne(index, key, obj);
    }
  }
}

function indexOne<T extends KubeObject>(index: Index<T>, key: string, obj: T): void {
  let values: string[];
  try {
    values = [...new Set(index.fn(obj))];
  } catch {
    values = []; // an object the function cannot read is in no bucket
  }
  if (values.length === 0) return;
  index.valuesByKey.set(key, values);
  for (const value of values) {
    let keys = index.keysByValue.get(value);
    if (!keys) index.keysByValue.set(value, (keys = new Set()));
    keys.add(key);
  }
}

function inNamespace(namespace: string): (key: string) => boolean {
  const prefix = `${namespace}/`;
  return (key) => key.startsWith(prefix);
}
