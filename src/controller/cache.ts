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

/**
 * A read-only view over an informer's objects. The objects are shared with
 * every other reader, so treat them as immutable: copy before changing.
 */
export class ObjectCache<T extends KubeObject> {
  readonly #items: ReadonlyMap<string, T>;

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
}

function inNamespace(namespace: string): (key: string) => boolean {
  const prefix = `${namespace}/`;
  return (key) => key.startsWith(prefix);
}
