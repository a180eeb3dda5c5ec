// The garbage collector, as kube-controller-manager runs it
// (pkg/controller/garbagecollector): an object all of whose owners are gone
// is deleted in the background; an owner deleted with propagationPolicy
// Orphan (held by the `orphan` finalizer) has its uid removed from its
// dependents' ownerReferences, then the finalizer; one deleted in the
// Foreground (held by `foregroundDeletion`) has its dependents deleted in
// the foreground too and goes when none is left. kube's collector walks a
// graph its informers keep; this one rescans the store, once after a burst
// of deletes (a microtask after the first), never within the DELETE that
// caused it. An object written with owners that are already gone (its
// creator acted on a stale view) is collected too, as kube's graph builder
// does for a dependent whose owner it cannot find: each such write has its
// owners looked up by name, a microtask later, without a rescan. It works
// while the store's garbageCollection switch is on.
import { clone } from '@mcp-operator/kube-core/json';
import type { Change, Store } from '../store.ts';
import type { KubeObject, OwnerReference, ResourceType } from '../types.ts';
import { attempt, CONTROLLER_MANAGER, Passes } from './passes.ts';

const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';

type Entry = [ResourceType, KubeObject];

export class GarbageCollector {
  readonly #store: Store;
  readonly #passes: Passes;
  /** Objects just written with owner references, by uid: their owners are looked up. */
  readonly #written = new Map<string, Entry>();
  #unsubscribe: (() => void) | undefined;

  constructor(store: Store) {
    this.#store = store;
    this.#passes = new Passes(
      store,
      (_storage, change) => wantsPass(change),
      () => this.collect(),
    );
  }

  start(): void {
    this.#passes.start();
    this.#unsubscribe = this.#store.onChange((storage, change) => {
      if (!gainedOwners(change)) return;
      if (this.#written.size === 0) queueMicrotask(() => this.#collectDangling());
      this.#written.set(change.object.metadata.uid!, [storage, change.object]);
    });
  }

  stop(): void {
    this.#passes.stop();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#written.clear();
  }

  /** Deletes the objects just written whose owners are all gone already. */
  #collectDangling(): void {
    const written = [...this.#written.values()];
    this.#written.clear();
    if (!this.#store.garbageCollection) return;
    for (const [type, o] of this.#current(written)) {
      const owners = o.metadata.ownerReferences ?? [];
      if (o.metadata.deletionTimestamp || owners.length === 0) continue;
      if (owners.some((ref) => this.#ownerLives(ref, o.metadata.namespace))) continue;
      attempt(() =>
        this.#store.delete(type, o.metadata.namespace, o.metadata.name!, {
          propagationPolicy: 'Background',
        }),
      );
    }
  }

  /** Whether the object an owner reference names exists with its uid. */
  #ownerLives(ref: OwnerReference, namespace: string | undefined): boolean {
    const [group, version] = ref.apiVersion.includes('/')
      ? ref.apiVersion.split('/')
      : ['', ref.apiVersion];
    const type = this.#store
      .types()
      .find((t) => t.group === group && t.version === version && t.kind === ref.kind);
    if (!type) return false; // as a pass sees it: no object has that uid
    const owner = this.#store.tryGet(type, type.namespaced ? namespace : undefined, ref.name);
    return owner?.metadata.uid === ref.uid;
  }

  /** One pass: collects orphaned dependents and finishes orphan and foreground deletions. */
  collect(): void {
    if (!this.#store.garbageCollection) return;
    const objects: Entry[] = this.#store
      .storageTypes()
      .flatMap((type) => this.#store.list(type, undefined).items.map((o): Entry => [type, o]));
    const live = new Set(objects.map(([, o]) => o.metadata.uid));
    const dependents = new Map<string, Entry[]>();
    for (const entry of objects) {
      for (const ref of entry[1].metadata.ownerReferences ?? []) {
        dependents.set(ref.uid, [...(dependents.get(ref.uid) ?? []), entry]);
      }
    }
    for (const [type, o] of objects) {
      const owners = o.metadata.ownerReferences ?? [];
      if (o.metadata.deletionTimestamp || owners.length === 0) continue;
      if (owners.some((ref) => live.has(ref.uid))) continue;
      attempt(() =>
        this.#store.delete(type, o.metadata.namespace, o.metadata.name!, {
          propagationPolicy: 'Background',
        }),
      );
    }
    for (const [type, o] of objects) {
      if (!o.metadata.deletionTimestamp) continue;
      const finalizers = o.metadata.finalizers ?? [];
      const own = dependents.get(o.metadata.uid!) ?? [];
      if (finalizers.includes(ORPHAN)) this.#orphan(type, o, own);
      else if (finalizers.includes(FOREGROUND)) this.#foreground(type, o, own);
    }
  }

  /** Removes the owner from its dependents' ownerReferences, then its `orphan` finalizer. */
  #orphan(type: ResourceType, owner: KubeObject, dependents: Entry[]) {
    for (const [depType, dep] of this.#current(dependents)) {
      const next = clone(dep);
      next.metadata.ownerReferences = (dep.metadata.ownerReferences ?? []).filter(
        (r) => r.uid !== owner.metadata.uid,
      );
      if (next.metadata.ownerReferences.length === 0) delete next.metadata.ownerReferences;
      attempt(() =>
        this.#store.update(depType, dep.metadata.namespace, dep.metadata.name!, next, {
          fieldManager: CONTROLLER_MANAGER,
        }),
      );
    }
    this.#dropFinalizer(type, owner, ORPHAN);
  }

  /** Deletes the dependents in the foreground; once none is left, drops `foregroundDeletion`. */
  #foreground(type: ResourceType, owner: KubeObject, dependents: Entry[]) {
    const remaining = this.#current(dependents);
    for (const [depType, dep] of remaining) {
      if (dep.metadata.deletionTimestamp) continue;
      attempt(() =>
        this.#store.delete(depType, dep.metadata.namespace, dep.metadata.name!, {
          propagationPolicy: 'Foreground',
        }),
      );
    }
    if (this.#current(remaining).length === 0) this.#dropFinalizer(type, owner, FOREGROUND);
  }

  /** The entries' objects as they are now, those still there. */
  #current(entries: Entry[]): Entry[] {
    return entries.flatMap(([type, o]): Entry[] => {
      const now = this.#store.tryGet(type, o.metadata.namespace, o.metadata.name!);
      return now && now.metadata.uid === o.metadata.uid ? [[type, now]] : [];
    });
  }

  #dropFinalizer(type: ResourceType, o: KubeObject, finalizer: string) {
    const [current] = this.#current([[type, o]]);
    if (!current) return;
    const next = current[1];
    next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    if (next.metadata.finalizers.length === 0) delete next.metadata.finalizers;
    attempt(() =>
      this.#store.update(type, o.metadata.namespace, o.metadata.name!, next, {
        fieldManager: CONTROLLER_MANAGER,
      }),
    );
  }
}

/** An object created with owner references, or whose owner references changed. */
function gainedOwners(change: Change): boolean {
  const owners = change.object.metadata.ownerReferences;
  if (!owners?.length || change.type === 'DELETED') return false;
  if (change.type === 'ADDED') return true;
  const before = change.previous?.metadata.ownerReferences ?? [];
  return owners.some((ref) => !before.some((b) => b.uid === ref.uid));
}

/** An object removed, or newly being deleted (held by finalizers), asks for a pass. */
function wantsPass(change: Change): boolean {
  if (change.type === 'DELETED') return true;
  return (
    change.type === 'MODIFIED' &&
    change.object.metadata.deletionTimestamp !== undefined &&
    change.previous?.metadata.deletionTimestamp === undefined
  );
}
