// Simulated cluster controllers, so that objects progress without a kubelet
// or an ingress controller: Deployment status as if the pods came up, and a
// load-balancer address for Ingresses of simulated classes. Each is switchable.
import {
  deployment,
  ingress,
  ingressClass,
  strategyFor,
  type KindStrategy,
} from './kinds/index.ts';
import type { Store } from './store.ts';
import type { KubeObject, ResourceType } from './types.ts';
import { rfc3339 } from './metadata.ts';
import { deepEqual, isObject } from '../kube/json.ts';

/** IngressClasses with this annotation set to "true" get a load-balancer address. */
export const SIMULATED_CLASS_ANNOTATION = 'local.mcpruntime.org/simulated';
export const SIMULATED_ADDRESS = '127.0.0.1';
const MANAGER = 'local-control-plane';

export interface ControllerOptions {
  deployments: boolean;
  ingresses: boolean;
  /** How long simulated pods take to become ready. */
  deploymentReadyDelayMs: number;
}

type DeploymentFate = { kind: 'hold' } | { kind: 'fail'; reason: string; message: string };

const key = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;

export class SimulatedControllers {
  readonly #store: Store;
  readonly options: ControllerOptions;
  readonly #fates = new Map<string, DeploymentFate>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #unsubscribe: (() => void) | undefined;

  constructor(store: Store, options: ControllerOptions) {
    this.#store = store;
    this.options = options;
  }

  start(): void {
    this.#unsubscribe = this.#store.onChange((type, event) => {
      if (event.type === 'DELETED') return;
      const kind = strategyFor(type);
      if (kind === deployment) this.#scheduleDeployment(event.object);
      if (kind === ingress) this.#scheduleIngress(event.object);
      if (kind === ingressClass) this.#resyncIngresses();
    });
    for (const d of this.#store.list(this.#type(deployment), undefined).items)
      this.#scheduleDeployment(d);
    this.#resyncIngresses();
  }

  stop(): void {
    this.#unsubscribe?.();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  /** Keeps a Deployment's pods unready until released. */
  holdDeployment(namespace: string, name: string): void {
    this.#fates.set(key(namespace, name), { kind: 'hold' });
    this.#poke(namespace, name);
  }

  /** Fails a Deployment's pods with a pod-level reason, e.g. ImagePullBackOff. */
  failDeployment(
    namespace: string,
    name: string,
    reason: string,
    message = `Back-off pulling image`,
  ): void {
    this.#fates.set(key(namespace, name), { kind: 'fail', reason, message });
    this.#poke(namespace, name);
  }

  /** Lets a held or failed Deployment come up. */
  releaseDeployment(namespace: string, name: string): void {
    this.#fates.delete(key(namespace, name));
    this.#poke(namespace, name);
  }

  #type(kind: KindStrategy): ResourceType {
    return this.#store.typeFor(kind.group, kind.plural)!;
  }

  #poke(namespace: string, name: string) {
    const d = this.#store.tryGet(this.#type(deployment), namespace, name);
    if (d) this.#scheduleDeployment(d, true);
  }

  #later(fn: () => void, ms: number) {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
  }

  #scheduleDeployment(d: KubeObject, now = false) {
    if (!this.options.deployments || d.metadata.deletionTimestamp) return;
    const desired = this.#deploymentStatus(d);
    if (sameStatus(d.status, desired)) return;
    const type = this.#type(deployment);
    this.#later(
      () => {
        const live = this.#store.tryGet(type, d.metadata.namespace, d.metadata.name!);
        if (!live || live.metadata.deletionTimestamp) return;
        const status = this.#deploymentStatus(live);
        if (!sameStatus(live.status, status)) this.#store.writeStatus(type, live, status, MANAGER);
      },
      now ? 0 : this.options.deploymentReadyDelayMs,
    );
  }

  #deploymentStatus(d: KubeObject): Record<string, unknown> {
    const spec = isObject(d.spec) ? d.spec : {};
    const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
    const fate = this.#fates.get(key(d.metadata.namespace, d.metadata.name!));
    const previous =
      isObject(d.status) && Array.isArray(d.status.conditions)
        ? (d.status.conditions as Record<string, unknown>[])
        : [];
    const time = rfc3339(new Date());
    const condition = (type: string, status: string, reason: string, message: string) => {
      const old = previous.find((c) => c.type === type);
      const unchanged = old?.status === status;
      return {
        type,
        status,
        lastUpdateTime: unchanged && old?.reason === reason ? old.lastUpdateTime : time,
        lastTransitionTime: unchanged ? old?.lastTransitionTime : time,
        reason,
        message,
      };
    };
    const name = d.metadata.name!;
    const base = {
      observedGeneration: d.metadata.generation ?? 1,
      replicas,
      updatedReplicas: replicas,
    };
    if (!fate || replicas === 0) {
      return {
        ...base,
        ...(replicas > 0 ? { readyReplicas: replicas, availableReplicas: replicas } : {}),
        conditions: [
          condition(
            'Available',
            'True',
            'MinimumReplicasAvailable',
            'Deployment has minimum availability.',
          ),
          condition(
            'Progressing',
            'True',
            'NewReplicaSetAvailable',
            `ReplicaSet "${name}-local" has successfully progressed.`,
          ),
        ],
      };
    }
    const unavailable = {
      ...base,
      unavailableReplicas: replicas,
    };
    if (fate.kind === 'hold') {
      return {
        ...unavailable,
        conditions: [
          condition(
            'Available',
            'False',
            'MinimumReplicasUnavailable',
            'Deployment does not have minimum availability.',
          ),
          condition(
            'Progressing',
            'True',
            'ReplicaSetUpdated',
            `ReplicaSet "${name}-local" is progressing.`,
          ),
        ],
      };
    }
    return {
      ...unavailable,
      conditions: [
        condition(
          'Available',
          'False',
          'MinimumReplicasUnavailable',
          'Deployment does not have minimum availability.',
        ),
        condition(
          'Progressing',
          'False',
          'ProgressDeadlineExceeded',
          `ReplicaSet "${name}-local" has timed out progressing.`,
        ),
        condition('ReplicaFailure', 'True', fate.reason, fate.message),
      ],
    };
  }

  #resyncIngresses() {
    for (const ing of this.#store.list(this.#type(ingress), undefined).items) {
      this.#scheduleIngress(ing);
    }
  }

  #scheduleIngress(ing: KubeObject) {
    if (!this.options.ingresses || ing.metadata.deletionTimestamp) return;
    const className = isObject(ing.spec) ? ing.spec.ingressClassName : undefined;
    if (typeof className !== 'string') return;
    const cls = this.#store.tryGet(this.#type(ingressClass), undefined, className);
    if (cls?.metadata.annotations?.[SIMULATED_CLASS_ANNOTATION] !== 'true') return;
    const status = { loadBalancer: { ingress: [{ ip: SIMULATED_ADDRESS }] } };
    if (sameStatus(ing.status, status)) return;
    const type = this.#type(ingress);
    this.#later(() => {
      const live = this.#store.tryGet(type, ing.metadata.namespace, ing.metadata.name!);
      if (live && !sameStatus(live.status, status))
        this.#store.writeStatus(type, live, status, MANAGER);
    }, 0);
  }
}

/** Status equality that ignores when conditions last changed. */
function sameStatus(a: unknown, b: unknown): boolean {
  const withoutTimes = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(withoutTimes);
    if (!isObject(v)) return v;
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== 'lastUpdateTime' && k !== 'lastTransitionTime')
        .map(([k, x]) => [k, withoutTimes(x)]),
    );
  };
  return deepEqual(withoutTimes(a), withoutTimes(b));
}
