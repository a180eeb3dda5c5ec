// The garbage collector, as kube-controller-manager runs it
// (pkg/controller/garbagecollector): an object all of whose owners are gone
// is deleted in the background; an owner deleted with propagationPolicy
// Orphan (held by the `orphan` finalizer) has its uid removed from its
// dependents' ownerReferences, then the finalizer; one deleted in the
// Foreground (held by `foregroundDeletion`) has its dependents deleted in
// the foreground too and goes when none is left. Like kube's collector it
// keeps a graph of owner → dependents (uids), built once when it starts and
// kept up to date from every change, so a delete costs its dependents, not a
// scan of the store. The work a change asks for runs a microtask later (once
// per burst), never within the request that caused it. An object written with
// owners that are already gone (its creator acted on a stale view) is
// collected too, as kube's graph builder does for a dependent whose owner it
// cannot find. It works while the store's garbageCollection switch is on.
import { clone } from '@mcp-operator/kube-core/json';
import type { Change, Store } from '../store.ts';
import type { KubeObject, ResourceType } from '../types.ts';
import { attempt, CONTROLLER_MANAGER } from './passes.ts';

const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';

type Entry = [ResourceType, KubeObject];

/** What the graph keeps of an object: where it is and whom it names as owners. */
interface Node {
  type: ResourceType;
  namespace: string | undefined;
  name: string;
  owners: string[];
}

export class GarbageCollector {
  readonly #store: Store;
  /** Every object by uid (kube's uidToNode). */
  readonly #nodes = new Map<string, Node>();
  /** Owner uid → the uids of the objects that name it (its dependents). */
  readonly #dependents = new Map<string, Set<string>>();
  /** Objects whose owners may all be gone now: checked in the next pass. */
  readonly #orphanCandidates = new Set<string>();
  /** Owners being deleted with the orphan or foregroundDeletion finalizer. */
  readonly #finalizing = new Set<string>();
  #scheduled = false;
  #unsubscribe: (() => void) | undefined;

  constructor(store: Store) {
    this.#store = store;
  }

  start(): void {
    for (const type of this.#store.storageTypes()) {
      for (const o of this.#store.list(type, undefined).items) this.#track(type, o);
    }
    this.#unsubscribe = this.#store.onChange((storage, change) => {
      const uid = change.object.metadata.uid;
      if (!uid) return;
      if (change.type === 'DELETED') this.#untrack(uid);
      else this.#track(storage, change.object);
      // Written with owners that may be gone already (its creator acted on a stale view).
      if (gainedOwners(change)) {
        this.#orphanCandidates.add(uid);
        this.#schedule();
      }
    });
    this.collect();
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#nodes.clear();
    this.#dependents.clear();
    this.#orphanCandidates.clear();
    this.#finalizing.clear();
    this.#scheduled = false;
  }

  #track(type: ResourceType, o: KubeObject): void {
    const uid = o.metadata.uid!;
    const owners = (o.metadata.ownerReferences ?? []).map((ref) => ref.uid);
    const before = this.#nodes.get(uid);
    for (const owner of before?.owners ?? []) {
      if (!owners.includes(owner)) this.#unlink(owner, uid);
    }
    for (const owner of owners) {
      let set = this.#dependents.get(owner);
      if (!set) this.#dependents.set(owner, (set = new Set()));
      set.add(uid);
    }
    this.#nodes.set(uid, { type, namespace: o.metadata.namespace, name: o.metadata.name!, owners });
    const finalizers = o.metadata.finalizers ?? [];
    if (
      o.metadata.deletionTimestamp &&
      (finalizers.includes(ORPHAN) || finalizers.includes(FOREGROUND))
    ) {
      this.#finalizing.add(uid);
      this.#schedule();
    }
  }

  #untrack(uid: string): void {
    const node = this.#nodes.get(uid);
    this.#nodes.delete(uid);
    this.#finalizing.delete(uid);
    // Its dependents may have lost their last owner.
    for (const dependent of this.#dependents.get(uid) ?? []) this.#orphanCandidates.add(dependent);
    this.#dependents.delete(uid);
    for (const owner of node?.owners ?? []) {
      this.#unlink(owner, uid);
      // An owner deleting in the foreground goes once its last dependent has.
      if (this.#finalizing.has(owner)) this.#schedule();
    }
    if (this.#orphanCandidates.size > 0) this.#schedule();
  }

  #unlink(owner: string, dependent: string): void {
    const set = this.#dependents.get(owner);
    set?.delete(dependent);
    if (set?.size === 0) this.#dependents.delete(owner);
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      if (!this.#scheduled) return;
      this.#scheduled = false;
      this.#pass();
    });
  }

  /** The objects a set of uids stands for, as the store has them now. */
  #entries(uids: Iterable<string>): Entry[] {
    return [...uids].flatMap((uid): Entry[] => {
      const node = this.#nodes.get(uid);
      if (!node) return [];
      // Read only: changes go through #current's copies.
      const o = this.#store.peek(node.type, node.namespace, node.name);
      return o && o.metadata.uid === uid ? [[node.type, o]] : [];
    });
  }

  /** A full pass over the graph: every object with owners is checked (at start, or when asked). */
  collect(): void {
    for (const [uid, node] of this.#nodes) {
      if (node.owners.length > 0) this.#orphanCandidates.add(uid);
    }
    this.#pass();
  }

  /** Collects the candidates whose owners are all gone and moves the finalizing owners on. */
  #pass(): void {
    if (!this.#store.garbageCollection) {
      this.#orphanCandidates.clear();
      return;
    }
    const candidates = [...this.#orphanCandidates];
    this.#orphanCandidates.clear();
    for (const [type, o] of this.#entries(candidates)) {
      const owners = o.metadata.ownerReferences ?? [];
      if (o.metadata.deletionTimestamp || owners.length === 0) continue;
      if (owners.some((ref) => this.#nodes.has(ref.uid))) continue;
      attempt(() =>
        this.#store.delete(type, o.metadata.namespace, o.metadata.name!, {
          propagationPolicy: 'Background',
        }),
      );
    }
    for (const [type, o] of this.#entries([...this.#finalizing])) {
      if (!o.metadata.deletionTimestamp) continue;
      const finalizers = o.metadata.finalizers ?? [];
      const own = this.#entries(this.#dependents.get(o.metadata.uid!) ?? []);
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
