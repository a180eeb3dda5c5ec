// The manager: shared informers, one work queue and a pool of workers per
// controller, optional leader election, health and metrics servers, and a
// graceful shutdown. It knows nothing about MCP.
import { randomUUID } from 'node:crypto';
import type { KubeObject, KubePort, ResourceRef } from '@mcp-operator/kube-core/port';
import { objectKey, splitKey } from './cache.ts';
import { compactObject, StringTable } from './compact.ts';
import type { IndexFunc } from './cache.ts';
import { realClock } from './clock.ts';
import type { Clock } from './clock.ts';
import { Informer } from './informer.ts';
import { LeaderElector } from './leader-election.ts';
import type { Logger } from './logging.ts';
import { createRuntimeMetrics } from './metrics.ts';
import type { RuntimeMetrics } from './metrics.ts';
import { defaultControllerRateLimiter } from './rate-limiter.ts';
import { startHealthServer, startMetricsServer } from './servers.ts';
import type { BindAddress, RunningServer } from './servers.ts';
import { WorkQueue } from './workqueue.ts';

/** What a reconcile is about: the key of one primary object. */
export interface Request {
  namespace?: string;
  name: string;
}

export interface ReconcileContext {
  log: Logger;
  reconcileID: string;
  /** Aborts when the manager is shutting down past the grace period. */
  signal: AbortSignal;
}

/** Return to requeue after a delay; throw to retry with backoff. */
export interface ReconcileResult {
  requeueAfterMs?: number;
}

export interface Reconciler {
  reconcile(request: Request, context: ReconcileContext): Promise<ReconcileResult | void>;
}

export interface SecondaryWatch {
  resource: ResourceRef;
  labelSelector?: string;
  /** Keys (`namespace/name`) of the primaries to reconcile when this object changes. */
  map(object: KubeObject): string[];
}

export interface ControllerSpec {
  name: string;
  /** The primary kind; each of its objects is its own key. */
  for: ResourceRef;
  /** Kinds whose objects carry a controller owner reference to a primary. */
  owns?: { resource: ResourceRef; labelSelector?: string }[];
  watches?: SecondaryWatch[];
  reconciler: Reconciler;
  maxConcurrentReconciles?: number;
  /**
   * An update of a primary that needs no pass (controller-runtime's
   * predicates); default none. Never asked about a periodic resync.
   */
  ignoreUpdate?(old: KubeObject, updated: KubeObject): boolean;
}

export interface LeaderElectionConfig {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface ManagerOptions {
  port: KubePort;
  logger: Logger;
  clock?: Clock;
  metrics?: RuntimeMetrics;
  /** Namespaces to watch; empty = all. */
  namespaces?: string[];
  resyncPeriodMs?: number;
  leaderElection?: LeaderElectionConfig;
  healthBindAddress?: BindAddress;
  metricsBindAddress?: BindAddress;
  /** How long in-flight reconciles may run after shutdown begins. */
  gracefulShutdownMs?: number;
  fieldManager?: string;
  /** Informer tuning (tests use short values). */
  informer?: {
    watchTimeoutSeconds?: number;
    stallTimeoutMs?: number;
    backoff?: { initialMs?: number; maxMs?: number };
  };
}

export type ManagerExit = 'stopped' | 'lost-leadership';

/**
 * The cache's transform: of an object's managedFields, only the entries of
 * this field manager on the main resource stay — the only ones the
 * controllers read (to find what they set before). Others' entries can be
 * larger than the object; writes never send managedFields back, so the
 * server keeps them all.
 */
export function keepManagedFieldsOf(fieldManager: string) {
  return (obj: KubeObject): KubeObject => {
    const entries = obj.metadata.managedFields;
    if (!entries) return obj;
    const own = entries.filter((e) => {
      const entry = e as { manager?: string; subresource?: string };
      return entry.manager === fieldManager && !entry.subresource;
    });
    if (own.length === entries.length) return obj;
    const { managedFields: _dropped, ...metadata } = obj.metadata;
    return { ...obj, metadata: own.length ? { ...metadata, managedFields: own } : metadata };
  };
}

const informerKey = (resource: ResourceRef, labelSelector: string | undefined) =>
  `${resource.group}/${resource.plural}?${labelSelector ?? ''}`;

/** Keys of the primaries of `kind` that own `object` as its controller. */
export function ownerKeys(object: KubeObject, owner: ResourceRef): string[] {
  const apiVersion = owner.group ? `${owner.group}/` : '';
  return (object.metadata.ownerReferences ?? [])
    .filter(
      (ref) => ref.controller && ref.kind === owner.kind && ref.apiVersion.startsWith(apiVersion),
    )
    .map((ref) =>
      object.metadata.namespace ? `${object.metadata.namespace}/${ref.name}` : ref.name,
    );
}

interface RunningController {
  spec: ControllerSpec;
  queue: WorkQueue;
  workers: Promise<void>[];
}

export class Manager {
  readonly metrics: RuntimeMetrics;
  readonly #options: ManagerOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #controllers: ControllerSpec[] = [];
  /** Shared by every cache, so a server's strings are stored once across its kinds. */
  readonly #strings = new StringTable();
  readonly #cacheTransform: (obj: KubeObject, previous?: KubeObject) => KubeObject;
  readonly #informers = new Map<string, Informer[]>();
  readonly #indexes: { resource: ResourceRef; name: string; fn: IndexFunc }[] = [];
  #synced = false;
  #standby = false;
  #health: RunningServer | undefined;
  #metricsServer: RunningServer | undefined;

  constructor(options: ManagerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? realClock;
    this.#log = options.logger;
    this.metrics = options.metrics ?? createRuntimeMetrics();
    const trim = options.fieldManager ? keepManagedFieldsOf(options.fieldManager) : undefined;
    this.#cacheTransform = (obj, previous) =>
      compactObject(trim ? trim(obj) : obj, this.#strings, previous);
  }

  addController(spec: ControllerSpec): void {
    this.#controllers.push(spec);
  }

  /** Ready once caches have synced, or while a standby waits for the lease. */
  isReady(): boolean {
    return this.#synced || this.#standby;
  }

  /** Every informer of a resource, whatever its label selector. */
  #informersOf(resource: ResourceRef): Informer[] {
    const prefix = informerKey(resource, '');
    return [...this.#informers.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .flatMap(([, informers]) => informers);
  }

  /** An object from the shared cache (what the informers last saw), by `namespace/name` key. */
  cached<T extends KubeObject = KubeObject>(resource: ResourceRef, key: string): T | undefined {
    for (const informer of this.#informersOf(resource)) {
      const found = informer.cache.get(key);
      if (found) return found as T;
    }
    return undefined;
  }

  /** Every cached object of a resource, unordered (read once per reconcile for route ownership). */
  /**
   * Keeps an index on the cache of `resource` (every informer of it, now and
   * later): for lookups that must not scan the whole cache on a hot path.
   */
  addIndex<T extends KubeObject = KubeObject>(
    resource: ResourceRef,
    name: string,
    fn: IndexFunc<T>,
  ): void {
    this.#indexes.push({ resource, name, fn: fn as IndexFunc });
    for (const informer of this.#informersOf(resource))
      informer.cache.addIndex(name, fn as IndexFunc);
  }

  /** The cached objects of `resource` whose index `name` includes `value`. */
  cachedByIndex<T extends KubeObject = KubeObject>(
    resource: ResourceRef,
    name: string,
    value: string,
  ): T[] {
    const seen = new Map<string, T>();
    for (const informer of this.#informersOf(resource)) {
      for (const object of informer.cache.byIndex(name, value))
        seen.set(objectKey(object), object as T);
    }
    return [...seen.values()];
  }

  cachedList<T extends KubeObject = KubeObject>(resource: ResourceRef): T[] {
    const seen = new Map<string, T>();
    for (const informer of this.#informersOf(resource)) {
      for (const object of informer.cache.values()) seen.set(objectKey(object), object as T);
    }
    return [...seen.values()];
  }

  get healthAddress(): string | undefined {
    return this.#health?.address;
  }

  get metricsAddress(): string | undefined {
    return this.#metricsServer?.address;
  }

  /** Runs until `signal` aborts (→ 'stopped') or leadership is lost (→ 'lost-leadership'). */
  async run(signal: AbortSignal): Promise<ManagerExit> {
    const o = this.#options;
    if (o.healthBindAddress) {
      this.#health = await startHealthServer(o.healthBindAddress, () => this.isReady());
      this.#log.info({ address: this.#health.address }, 'health probes listening');
    }
    if (o.metricsBindAddress) {
      this.#metricsServer = await startMetricsServer(o.metricsBindAddress, this.metrics);
      this.#log.info({ address: this.#metricsServer.address }, 'metrics listening');
    }
    try {
      if (!o.leaderElection) return await this.#runControllers(signal);
      return await this.#runWithLeaderElection(o.leaderElection, signal);
    } finally {
      await this.#health?.close();
      await this.#metricsServer?.close();
      this.#log.info('manager stopped');
    }
  }

  async #runWithLeaderElection(
    config: LeaderElectionConfig,
    signal: AbortSignal,
  ): Promise<ManagerExit> {
    const gauge = this.metrics.leaderStatus;
    gauge.set({ name: config.name }, 0);
    this.#standby = true;
    let controllers: Promise<ManagerExit> | undefined;
    const elector = new LeaderElector({
      port: this.#options.port,
      namespace: config.namespace,
      name: config.name,
      identity: config.identity,
      ...(config.leaseDurationMs !== undefined ? { leaseDurationMs: config.leaseDurationMs } : {}),
      ...(config.renewDeadlineMs !== undefined ? { renewDeadlineMs: config.renewDeadlineMs } : {}),
      ...(config.retryPeriodMs !== undefined ? { retryPeriodMs: config.retryPeriodMs } : {}),
      clock: this.#clock,
      ...(this.#options.fieldManager ? { fieldManager: this.#options.fieldManager } : {}),
      onStartedLeading: (leading) => {
        this.#standby = false;
        gauge.set({ name: config.name }, 1);
        this.#log.info(
          { identity: config.identity, lease: `${config.namespace}/${config.name}` },
          'became leader, starting controllers',
        );
        controllers = this.#runControllers(leading);
      },
      onStoppedLeading: () => {
        gauge.set({ name: config.name }, 0);
      },
      onNewLeader: (identity) => {
        if (identity !== config.identity)
          this.#log.info({ leader: identity }, 'another replica leads; standing by');
      },
      onError: (err) => this.#log.warn({ err: err.message }, 'leader election error'),
    });
    const outcome = await elector.run(signal);
    // Controllers stop on the same signal the elector aborted; wait for their drain.
    if (controllers) await controllers;
    if (outcome === 'lost') {
      this.#log.error({ identity: config.identity }, 'lost leadership');
      return 'lost-leadership';
    }
    return 'stopped';
  }

  #informerFor(resource: ResourceRef, labelSelector: string | undefined): Informer[] {
    const key = informerKey(resource, labelSelector);
    let informers = this.#informers.get(key);
    if (!informers) {
      const o = this.#options;
      const namespaces = resource.namespaced && o.namespaces?.length ? o.namespaces : [undefined];
      informers = namespaces.map(
        (namespace) =>
          new Informer(o.port, {
            resource,
            ...(namespace ? { namespace } : {}),
            ...(labelSelector ? { labelSelector } : {}),
            resyncPeriodMs: o.resyncPeriodMs ?? 600_000,
            clock: this.#clock,
            transform: this.#cacheTransform,
            ...(o.informer?.watchTimeoutSeconds
              ? { watchTimeoutSeconds: o.informer.watchTimeoutSeconds }
              : {}),
            ...(o.informer?.stallTimeoutMs ? { stallTimeoutMs: o.informer.stallTimeoutMs } : {}),
            ...(o.informer?.backoff ? { backoff: o.informer.backoff } : {}),
            onError: (err) =>
              this.#log.warn(
                { resource: resource.plural, namespace, err: err.message },
                'watch error; retrying',
              ),
          }),
      );
      for (const index of this.#indexes) {
        if (index.resource.group !== resource.group || index.resource.plural !== resource.plural) {
          continue;
        }
        for (const informer of informers) informer.cache.addIndex(index.name, index.fn);
      }
      this.#informers.set(key, informers);
    }
    return informers;
  }

  async #runControllers(signal: AbortSignal): Promise<ManagerExit> {
    // Reconciles see this one: it aborts only when the grace period runs out.
    const grace = new AbortController();
    const running: RunningController[] = this.#controllers.map((spec) => ({
      spec,
      queue: new WorkQueue({
        name: spec.name,
        clock: this.#clock,
        rateLimiter: defaultControllerRateLimiter(this.#clock),
        metrics: this.metrics.queue(spec.name),
      }),
      workers: [],
    }));
    for (const { spec, queue } of running) {
      const enqueue = (keys: string[]) => keys.forEach((k) => queue.add(k));
      const on = (
        resource: ResourceRef,
        labelSelector: string | undefined,
        map: (o: KubeObject) => string[],
        ignoreUpdate?: (old: KubeObject, updated: KubeObject) => boolean,
      ) => {
        for (const informer of this.#informerFor(resource, labelSelector)) {
          informer.addHandler({
            onAdd: (o) => enqueue(map(o)),
            onUpdate: (old, o) => {
              // A resync hands the same object as old and new; it always gets its pass.
              if (old !== o && ignoreUpdate?.(old, o)) return;
              enqueue([...new Set([...map(old), ...map(o)])]);
            },
            onDelete: (o) => enqueue(map(o)),
          });
        }
      };
      on(spec.for, undefined, (o) => [objectKey(o)], spec.ignoreUpdate?.bind(spec));
      for (const owned of spec.owns ?? [])
        on(owned.resource, owned.labelSelector, (o) => ownerKeys(o, spec.for));
      for (const watch of spec.watches ?? [])
        on(watch.resource, watch.labelSelector, (o) => watch.map(o));
    }
    const informers = [...this.#informers.values()].flat();
    informers.forEach((i) => i.start());
    const synced = await Promise.all(informers.map((i) => i.waitForSync(signal)));
    if (synced.every(Boolean) && !signal.aborted) {
      this.#synced = true;
      this.#log.info({ informers: informers.length }, 'caches synced, starting workers');
      for (const controller of running) {
        const max = controller.spec.maxConcurrentReconciles ?? 1;
        this.metrics.maxConcurrentReconciles.set({ controller: controller.spec.name }, max);
        this.metrics.activeWorkers.set({ controller: controller.spec.name }, 0);
        for (let i = 0; i < max; i++)
          controller.workers.push(this.#worker(controller, signal, grace.signal));
      }
    }
    if (!signal.aborted)
      await new Promise<void>((resolve) =>
        signal.addEventListener('abort', () => resolve(), { once: true }),
      );
    this.#log.info('shutting down: no new work; waiting for in-flight reconciles');
    this.#synced = false;
    const graceMs = this.#options.gracefulShutdownMs ?? 30_000;
    const drained = Promise.all(running.map((c) => c.queue.shutDownWithDrain()));
    const stopWaiting = new AbortController();
    const timedOut = await Promise.race([
      drained.then(() => false),
      this.#clock.sleep(graceMs, stopWaiting.signal).then(() => !stopWaiting.signal.aborted),
    ]);
    stopWaiting.abort();
    if (timedOut) {
      this.#log.warn({ graceMs }, 'in-flight reconciles did not finish within the grace period');
      grace.abort();
    }
    running.forEach((c) => c.queue.shutDown());
    await Promise.all(running.flatMap((c) => c.workers));
    await Promise.all(informers.map((i) => i.stop()));
    this.#informers.clear();
    return 'stopped';
  }

  async #worker(
    controller: RunningController,
    signal: AbortSignal,
    grace: AbortSignal,
  ): Promise<void> {
    const { spec, queue } = controller;
    const name = spec.name;
    for (;;) {
      const item = await queue.get();
      if (item.shutdown) return;
      const key = item.key;
      // Shutting down: in-flight work finishes, queued work waits for the next leader.
      if (signal.aborted) {
        queue.done(key);
        continue;
      }
      const reconcileID = randomUUID();
      const request: Request = splitKey(key);
      const log = this.#log.child({
        controller: name,
        namespace: request.namespace,
        name: request.name,
        reconcileID,
      });
      const started = this.#clock.now();
      this.metrics.activeWorkers.inc({ controller: name });
      try {
        const result = await spec.reconciler.reconcile(request, {
          log,
          reconcileID,
          signal: grace,
        });
        queue.forget(key);
        if (result?.requeueAfterMs !== undefined && result.requeueAfterMs > 0) {
          queue.addAfter(key, result.requeueAfterMs);
          this.metrics.reconcileTotal.inc({ controller: name, result: 'requeue_after' });
        } else {
          this.metrics.reconcileTotal.inc({ controller: name, result: 'success' });
        }
      } catch (err) {
        this.metrics.reconcileTotal.inc({ controller: name, result: 'error' });
        this.metrics.reconcileErrors.inc({ controller: name });
        log.error(
          { err: err instanceof Error ? err.message : String(err) },
          'reconcile failed; retrying with backoff',
        );
        if (!queue.shuttingDown) queue.addRateLimited(key);
      } finally {
        this.metrics.reconcileTime.observe(
          { controller: name },
          (this.#clock.now() - started) / 1000,
        );
        this.metrics.activeWorkers.dec({ controller: name });
        queue.done(key);
      }
    }
  }
}
