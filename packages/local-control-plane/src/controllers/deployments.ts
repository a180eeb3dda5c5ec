// A simulated Deployment controller and kubelet: a Deployment gets the status
// it would have once its pods came up (after a short delay), as
// pkg/controller/deployment reports it. Tests can hold one unready or fail it
// with a pod-level reason.
import { isObject } from '@mcp-operator/kube-core/json';
import { deployment, strategyFor } from '../kinds/index.ts';
import { rfc3339 } from '../metadata.ts';
import type { Store } from '../store.ts';
import type { KubeObject, ResourceType } from '../types.ts';
import { SIMULATION_MANAGER, sameStatus, Timers } from './shared.ts';

export interface SimulatedDeploymentsOptions {
  enabled: boolean;
  /** How long simulated pods take to become ready. */
  readyDelayMs: number;
}

type DeploymentFate = { kind: 'hold' } | { kind: 'fail'; reason: string; message: string };

const key = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;

export class SimulatedDeployments {
  readonly #store: Store;
  readonly #options: SimulatedDeploymentsOptions;
  readonly #fates = new Map<string, DeploymentFate>();
  readonly #timers = new Timers();
  #unsubscribe: (() => void) | undefined;

  constructor(store: Store, options: SimulatedDeploymentsOptions) {
    this.#store = store;
    this.#options = options;
  }

  start(): void {
    this.#unsubscribe = this.#store.onChange((type, change) => {
      if (change.type !== 'DELETED' && strategyFor(type) === deployment)
        this.#schedule(change.object);
    });
    for (const d of this.#store.list(this.#type, undefined).items) this.#schedule(d);
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#timers.clear();
  }

  /** Keeps a Deployment's pods unready until released. */
  hold(namespace: string, name: string): void {
    this.#fates.set(key(namespace, name), { kind: 'hold' });
    this.#poke(namespace, name);
  }

  /** Fails a Deployment's pods with a pod-level reason, e.g. ImagePullBackOff. */
  fail(namespace: string, name: string, reason: string, message = `Back-off pulling image`): void {
    this.#fates.set(key(namespace, name), { kind: 'fail', reason, message });
    this.#poke(namespace, name);
  }

  /** Lets a held or failed Deployment come up. */
  release(namespace: string, name: string): void {
    this.#fates.delete(key(namespace, name));
    this.#poke(namespace, name);
  }

  get #type(): ResourceType {
    return this.#store.typeFor(deployment.group, deployment.plural)!;
  }

  #poke(namespace: string, name: string) {
    const d = this.#store.peek(this.#type, namespace, name);
    if (d) this.#schedule(d, true);
  }

  #schedule(d: KubeObject, now = false) {
    if (!this.#options.enabled || d.metadata.deletionTimestamp) return;
    const desired = this.#status(d);
    if (sameStatus(d.status, desired)) return;
    const type = this.#type;
    this.#timers.later(
      () => {
        const live = this.#store.peek(type, d.metadata.namespace, d.metadata.name!);
        if (!live || live.metadata.deletionTimestamp) return;
        const status = this.#status(live);
        if (!sameStatus(live.status, status))
          this.#store.writeStatus(type, live, status, SIMULATION_MANAGER);
      },
      now ? 0 : this.#options.readyDelayMs,
    );
  }

  #status(d: KubeObject): Record<string, unknown> {
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
    const progressing =
      fate.kind === 'hold'
        ? condition(
            'Progressing',
            'True',
            'ReplicaSetUpdated',
            `ReplicaSet "${name}-local" is progressing.`,
          )
        : condition(
            'Progressing',
            'False',
            'ProgressDeadlineExceeded',
            `ReplicaSet "${name}-local" has timed out progressing.`,
          );
    return {
      ...base,
      unavailableReplicas: replicas,
      conditions: [
        condition(
          'Available',
          'False',
          'MinimumReplicasUnavailable',
          'Deployment does not have minimum availability.',
        ),
        progressing,
        ...(fate.kind === 'fail'
          ? [condition('ReplicaFailure', 'True', fate.reason, fate.message)]
          : []),
      ],
    };
  }
}
