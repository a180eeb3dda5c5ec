// A simulated ingress controller: Ingresses whose IngressClass carries the
// simulated annotation get the load-balancer address 127.0.0.1, as an
// ingress controller would publish it in status.loadBalancer.
import { isObject } from '@mcp-operator/kube-core/json';
import { ingress, ingressClass, strategyFor, type KindStrategy } from '../kinds/index.ts';
import type { Store } from '../store.ts';
import type { KubeObject, ResourceType } from '../types.ts';
import { SIMULATION_MANAGER, sameStatus, Timers } from './shared.ts';

/** IngressClasses with this annotation set to "true" get a load-balancer address. */
export const SIMULATED_CLASS_ANNOTATION = 'local.mcpruntime.org/simulated';
export const SIMULATED_ADDRESS = '127.0.0.1';

export class SimulatedIngresses {
  readonly #store: Store;
  readonly #enabled: boolean;
  readonly #timers = new Timers();
  #unsubscribe: (() => void) | undefined;

  constructor(store: Store, options: { enabled: boolean }) {
    this.#store = store;
    this.#enabled = options.enabled;
  }

  start(): void {
    this.#unsubscribe = this.#store.onChange((type, change) => {
      if (change.type === 'DELETED') return;
      const kind = strategyFor(type);
      if (kind === ingress) this.#schedule(change.object);
      if (kind === ingressClass) this.#resync();
    });
    this.#resync();
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#timers.clear();
  }

  #type(kind: KindStrategy): ResourceType {
    return this.#store.typeFor(kind.group, kind.plural)!;
  }

  #resync() {
    for (const ing of this.#store.list(this.#type(ingress), undefined).items) this.#schedule(ing);
  }

  #schedule(ing: KubeObject) {
    if (!this.#enabled || ing.metadata.deletionTimestamp) return;
    const className = isObject(ing.spec) ? ing.spec.ingressClassName : undefined;
    if (typeof className !== 'string') return;
    const cls = this.#store.peek(this.#type(ingressClass), undefined, className);
    if (cls?.metadata.annotations?.[SIMULATED_CLASS_ANNOTATION] !== 'true') return;
    const status = { loadBalancer: { ingress: [{ ip: SIMULATED_ADDRESS }] } };
    if (sameStatus(ing.status, status)) return;
    const type = this.#type(ingress);
    this.#timers.later(() => {
      const live = this.#store.peek(type, ing.metadata.namespace, ing.metadata.name!);
      if (live && !sameStatus(live.status, status))
        this.#store.writeStatus(type, live, status, SIMULATION_MANAGER);
    }, 0);
  }
}
