// The controllers that make the store a cluster, each a module of its own
// that works from the store's committed changes (Store.onChange) through its
// public verbs, as kube's controllers work through the API:
//   crd-registrar.ts         apiextensions: a CRD serves its resource
//   namespace-controller.ts  kube-controller-manager: namespace deletion
//   garbage-collector.ts     kube-controller-manager: owner references
//   deployments.ts           simulated: Deployment status as if pods came up
//   ingresses.ts             simulated: load-balancer addresses
// The store keeps storage, admission and watch; cluster IPs stay admission
// (the Service kind's write hook), as the Service REST storage allocates them.
import type { Store } from '../store.ts';
import { CRDRegistrar } from './crd-registrar.ts';
import { SimulatedDeployments } from './deployments.ts';
import { GarbageCollector } from './garbage-collector.ts';
import { SimulatedIngresses } from './ingresses.ts';
import { NamespaceController } from './namespace-controller.ts';

export { SIMULATED_ADDRESS, SIMULATED_CLASS_ANNOTATION } from './ingresses.ts';

export interface ControllerOptions {
  /** Simulated Deployment status. */
  deployments: boolean;
  /** Simulated Ingress load-balancer addresses. */
  ingresses: boolean;
  /** How long simulated pods take to become ready. */
  deploymentReadyDelayMs: number;
}

export class ClusterControllers {
  readonly crds: CRDRegistrar;
  readonly namespaces: NamespaceController;
  /** Works while the store's garbageCollection switch is on. */
  readonly garbageCollector: GarbageCollector;
  readonly deployments: SimulatedDeployments;
  readonly ingresses: SimulatedIngresses;

  constructor(store: Store, options: ControllerOptions) {
    this.crds = new CRDRegistrar(store);
    this.namespaces = new NamespaceController(store);
    this.garbageCollector = new GarbageCollector(store);
    this.deployments = new SimulatedDeployments(store, {
      enabled: options.deployments,
      readyDelayMs: options.deploymentReadyDelayMs,
    });
    this.ingresses = new SimulatedIngresses(store, { enabled: options.ingresses });
  }

  get #all() {
    return [this.crds, this.namespaces, this.garbageCollector, this.deployments, this.ingresses];
  }

  start(): void {
    for (const controller of this.#all) controller.start();
  }

  stop(): void {
    for (const controller of this.#all) controller.stop();
  }

  /** Keeps a Deployment's pods unready until released. */
  holdDeployment(namespace: string, name: string): void {
    this.deployments.hold(namespace, name);
  }

  /** Fails a Deployment's pods with a pod-level reason, e.g. ImagePullBackOff. */
  failDeployment(namespace: string, name: string, reason: string, message?: string): void {
    this.deployments.fail(namespace, name, reason, message);
  }

  /** Lets a held or failed Deployment come up. */
  releaseDeployment(namespace: string, name: string): void {
    this.deployments.release(namespace, name);
  }
}
