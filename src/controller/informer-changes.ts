// Pure translation of what the server said (a list, a watch event) into the
// changes the informer applies to its cache and hands to its handlers.
import type { KubeObject } from '@mcp-operator/kube-core/port';
import { objectKey } from './cache.ts';

export type Change<T extends KubeObject> =
  | { type: 'add'; key: string; obj: T }
  | { type: 'update'; key: string; oldObj: T; newObj: T }
  | { type: 'delete'; key: string; obj: T };

/**
 * A fresh list against the cache: adds for new keys, updates where the
 * resourceVersion moved, deletes (with the last state seen) for keys the
 * list no longer has. Unchanged objects yield nothing, so a relist after a
 * 410 replays only what the informer missed.
 */
export function diffList<T extends KubeObject>(
  cached: ReadonlyMap<string, T>,
  listed: readonly T[],
): Change<T>[] {
  const changes: Change<T>[] = [];
  const seen = new Set<string>();
  for (const obj of listed) {
    const key = objectKey(obj);
    seen.add(key);
    const old = cached.get(key);
    if (!old) changes.push({ type: 'add', key, obj });
    else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion)
      changes.push({ type: 'update', key, oldObj: old, newObj: obj });
  }
  for (const [key, old] of cached) {
    if (!seen.has(key)) changes.push({ type: 'delete', key, obj: old });
  }
  return changes;
}

/**
 * One watch event against the cache. As client-go's informer does, ADDED for
 * a known key is an update and MODIFIED for an unknown one an add; DELETED
 * for a key never seen is dropped (there is nothing to forget).
 */
export function changeForEvent<T extends KubeObject>(
  cached: ReadonlyMap<string, T>,
  type: 'ADDED' | 'MODIFIED' | 'DELETED',
  obj: T,
): Change<T> | undefined {
  const key = objectKey(obj);
  const old = cached.get(key);
  if (type === 'DELETED') return old ? { type: 'delete', key, obj } : undefined;
  return old ? { type: 'update', key, oldObj: old, newObj: obj } : { type: 'add', key, obj };
}

/** Applies a change to the map the cache reads from. */
export function applyChange<T extends KubeObject>(items: Map<string, T>, change: Change<T>): void {
  if (change.type === 'delete') items.delete(change.key);
  else items.set(change.key, change.type === 'add' ? change.obj : change.newObj);
}
