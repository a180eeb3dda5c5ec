// The namespace controller, as kube-controller-manager runs it
// (pkg/controller/namespace/deletion): a terminating namespace's objects are
// deleted; once none is left, its `kubernetes` finalizer is released
// (spec.finalizers, which kube writes through the finalize subresource) and
// it is deleted again, which removes it unless metadata.finalizers still hold
// it. One pass over the terminating namespaces runs after a burst of changes
// (a microtask after the first), never within the DELETE that caused it.
import { isObject } from '@mcp-operator/kube-core/json';
import { namespace as namespaceKind, strategyFor } from '../kinds/index.ts';
import type { Change, Store } from '../store.ts';
import type { KubeObject, ResourceType } from '../types.ts';
import { attempt, CONTROLLER_MANAGER, Passes } from './passes.ts';

export class NamespaceController {
  readonly #store: Store;
  readonly #passes: Passes;

  constructor(store: Store) {
    this.#store = store;
    this.#passes = new Passes(store, wantsPass, () => this.finalize());
  }

  start(): void {
    this.#passes.start();
  }

  stop(): void {
    this.#passes.stop();
  }

  /** One pass: empties every terminating namespace and removes the empty ones. */
  finalize(): void {
    const nsType = this.#store.typeFor(namespaceKind.group, namespaceKind.plural)!;
    for (const ns of this.#store.list(nsType, undefined).items) {
      if (!ns.metadata.deletionTimestamp) continue;
      const name = ns.metadata.name!;
      if (this.#deleteContent(name) > 0) continue;
      attempt(() => {
        const live = this.#store.tryGet(nsType, undefined, name);
        if (!live) return;
        const spec = isObject(live.spec) ? live.spec : {};
        if (Array.isArray(spec.finalizers) && spec.finalizers.includes('kubernetes')) {
          const finalizers = spec.finalizers.filter((f) => f !== 'kubernetes');
          const next: KubeObject = { ...live, spec: { ...spec, finalizers } };
          this.#store.update(nsType, undefined, name, next, { fieldManager: CONTROLLER_MANAGER });
        }
        this.#store.delete(nsType, undefined, name);
      });
    }
  }

  /** Deletes what is left in a namespace; returns how many objects remain (held by finalizers). */
  #deleteContent(namespace: string): number {
    let remaining = 0;
    for (const type of this.#store.storageTypes()) {
      if (!type.namespaced) continue;
      for (const o of this.#store.list(type, namespace).items) {
        if (!o.metadata.deletionTimestamp)
          attempt(() => this.#store.delete(type, namespace, o.metadata.name!));
      }
      remaining += this.#store.list(type, namespace).items.length;
    }
    return remaining;
  }
}

/** A namespace being deleted, or an object leaving a namespace, asks for a pass. */
function wantsPass(type: ResourceType, change: Change): boolean {
  if (strategyFor(type) === namespaceKind)
    return change.type !== 'DELETED' && change.object.metadata.deletionTimestamp !== undefined;
  return type.namespaced && change.type === 'DELETED';
}
