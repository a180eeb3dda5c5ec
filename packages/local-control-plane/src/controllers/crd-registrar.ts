// CRD registration, as apiextensions-apiserver does it beside kube-apiserver:
// a created or changed CustomResourceDefinition serves its resource (the
// store, discovery and OpenAPI read the registered type) and gets the
// NamesAccepted and Established conditions; a removed one stops serving it
// and its objects go with it. kube's customresourcecleanup finalizer deletes
// the objects first and holds the CRD meanwhile; here they go at once.
// It works on every committed change synchronously, so a resource can be
// used as soon as the write of its CRD returns (kube establishes a CRD
// within moments; clients that wait for Established see no difference).
import { deepEqual } from '@mcp-operator/kube-core/json';
import { crdStatus, resourceTypeFromCRD } from '../crd-validation.ts';
import { customResourceDefinition, strategyFor } from '../kinds/index.ts';
import { rfc3339 } from '../metadata.ts';
import type { Store } from '../store.ts';
import type { KubeObject, ResourceType } from '../types.ts';

/** The field manager of the status writes: apiextensions runs inside kube-apiserver. */
const MANAGER = 'kube-apiserver';

export class CRDRegistrar {
  readonly #store: Store;
  readonly #clock: () => Date;
  #unsubscribe: (() => void) | undefined;

  constructor(store: Store, options: { clock?: () => Date } = {}) {
    this.#store = store;
    this.#clock = options.clock ?? (() => new Date());
  }

  start(): void {
    this.#unsubscribe = this.#store.onChange((type, change) => {
      if (strategyFor(type) !== customResourceDefinition) return;
      if (change.type === 'DELETED') this.#store.unregisterType(resourceTypeFromCRD(change.object));
      else this.#register(change.object.metadata.name!);
    });
    for (const crd of this.#store.list(this.#type, undefined).items)
      this.#register(crd.metadata.name!);
  }

  stop(): void {
    this.#unsubscribe?.();
  }

  get #type(): ResourceType {
    return this.#store.typeFor(customResourceDefinition.group, customResourceDefinition.plural)!;
  }

  /** Serves the live CRD's resource and writes its status; nothing for a CRD being deleted. */
  #register(name: string) {
    const live: KubeObject | undefined = this.#store.tryGet(this.#type, undefined, name);
    if (!live || live.metadata.deletionTimestamp) return;
    this.#store.registerType(resourceTypeFromCRD(live));
    const status = crdStatus(live, rfc3339(this.#clock()));
    if (!deepEqual(status, live.status)) this.#store.writeStatus(this.#type, live, status, MANAGER);
  }
}
