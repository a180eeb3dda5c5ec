// Shared by the resilience and failover suites (local control plane only):
// an operator the test builds itself (so it can watch the manager's promise,
// add leader election, and kill it as a crash would), a test client that
// retries what a fault made fail, and one convergence check read straight
// from the plane's store — every server's Deployment, Service and Ingress
// exactly as the operator's own builders want them, nothing else carrying
// the managed-by label, and every status true to those objects.
import { Writable } from 'node:stream';
import { FIELD_MANAGER, MANAGED_BY_SELECTOR } from '../../src/api/v1alpha1/defaults.ts';
import { canonicalURL } from '../../src/api/v1alpha1/effective.ts';
import type { MCPServerStatus } from '../../src/api/v1alpha1/schema.ts';
import { validateMCPServer } from '../../src/api/v1alpha1/validation.ts';
import { realClock } from '../../src/controller/clock.ts';
import { createLogger } from '../../src/controller/logging.ts';
import { Manager } from '../../src/controller/manager.ts';
import type { LeaderElectionConfig, ManagerExit } from '../../src/controller/manager.ts';
import { createKubeClient, restConfigFromYaml } from '../../src/kube/client.ts';
import type { OperatorConfig } from '../../src/operator/config.ts';
import { mcpServerController } from '../../src/operator/controller.ts';
import { desiredState } from '../../src/operator/desired.ts';
import { driftOf } from '../../src/operator/drift.ts';
import { loadBalancerAddress } from '../../src/operator/readiness.ts';
import { TransportError, isRetryable } from '@mcp-operator/kube-core/errors';
import type { AlreadyExistsError, NotFoundError } from '@mcp-operator/kube-core/errors';
import { isObject } from '@mcp-operator/kube-core/json';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type {
  KubeObject,
  KubePort,
  ResourceRef,
  WatchEvent,
  WatchHandle,
  WatchOptions,
} from '@mcp-operator/kube-core/port';
import type { LocalControlPlane } from '@mcp-operator/local-control-plane/control-plane';
import { CountingPort, operatorConfig } from './cluster.ts';
import type { TestCluster } from './cluster.ts';
import { PermittedPort } from './permitted-port.ts';

/** Why these suites skip against TEST_KUBECONFIG. */
export const LOCAL_ONLY =
  'needs the local control plane: a real API server cannot be told to fail requests, drop watches or restart';

/** Nothing the suites read: the operator's log goes nowhere. */
export const silentLogger = () =>
  createLogger({ level: 'error', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

/**
 * A port that stops working at once, as the process behind it would when it
 * crashes: every later call fails as an unreachable server does and open
 * watches end. What it already sent stays sent. `killAfter` arms the kill on
 * the n-th call of one verb and resource (that call still goes through).
 */
export class KillablePort implements KubePort {
  readonly #inner: KubePort;
  readonly #watches = new Set<WatchHandle>();
  #killed = false;
  #trigger: { verb: string; plural: string; left: number; onKill?: () => void } | undefined;

  constructor(inner: KubePort) {
    this.#inner = inner;
  }

  get killed(): boolean {
    return this.#killed;
  }

  kill(): void {
    if (this.#killed) return;
    this.#killed = true;
    for (const watch of this.#watches) watch.stop();
    this.#watches.clear();
  }

  /** Kills the port right after its `count`-th `verb` call on `plural` from now. */
  killAfter(verb: string, plural: string, count: number, onKill?: () => void): void {
    this.#trigger = { verb, plural, left: count, ...(onKill ? { onKill } : {}) };
  }

  #call<T>(verb: string, plural: string, send: () => Promise<T>): Promise<T> {
    if (this.#killed) {
      return Promise.reject(new TransportError(`${verb} ${plural}: connect ECONNREFUSED (killed)`));
    }
    const sent = send();
    const trigger = this.#trigger;
    if (trigger && trigger.verb === verb && trigger.plural === plural && --trigger.left === 0) {
      this.#trigger = undefined;
      this.kill();
      trigger.onKill?.();
    }
    return sent;
  }

  get: KubePort['get'] = (r, ns, name) =>
    this.#call('get', r.plural, () => this.#inner.get(r, ns, name));
  list: KubePort['list'] = (r, o) => this.#call('list', r.plural, () => this.#inner.list(r, o));
  watch: KubePort['watch'] = <T extends KubeObject>(
    r: ResourceRef,
    o: WatchOptions,
    on: (event: WatchEvent<T>) => void,
  ) =>
    this.#call('watch', r.plural, async () => {
      const handle = await this.#inner.watch<T>(r, o, (event) => {
        if (!this.#killed) on(event);
      });
      if (this.#killed) {
        handle.stop();
        return handle;
      }
      this.#watches.add(handle);
      void handle.done.then(() => this.#watches.delete(handle));
      return handle;
    });
  create: KubePort['create'] = (r, obj, o) =>
    this.#call('create', r.plural, () => this.#inner.create(r, obj, o));
  update: KubePort['update'] = (r, obj, o) =>
    this.#call('update', r.plural, () => this.#inner.update(r, obj, o));
  patch: KubePort['patch'] = (r, ns, name, type, body, o) =>
    this.#call('patch', r.plural, () => this.#inner.patch(r, ns, name, type, body, o));
  delete: KubePort['delete'] = (r, ns, name, o) =>
    this.#call('delete', r.plural, () => this.#inner.delete(r, ns, name, o));
}

export interface TestOperator {
  /** What the operator sent, counted on its side. */
  port: CountingPort;
  permitted: PermittedPort;
  killable: KillablePort;
  manager: Manager;
  /** The manager's run(): pending while it runs. */
  done: Promise<ManagerExit>;
  /** How run() ended, once it has: its exit, or the error it threw. */
  outcome(): { exit: ManagerExit } | { error: unknown } | undefined;
  /** Aborts the manager's signal (a graceful stop) and waits for run(). */
  stop(): Promise<ManagerExit>;
}

export interface OperatorOptions {
  namespaces: string[];
  env?: Record<string, string>;
  leaderElection?: LeaderElectionConfig;
  /** Distinguishes this operator's Events reporter (pod name + suffix). */
  instance?: string;
}

/**
 * The real operator — manager, client over HTTPS as the install's service
 * account, the MCPServer controller — built as cluster.ts and `run` build it,
 * behind a port that can be killed and one that counts.
 */
export function startTestOperator(cluster: TestCluster, options: OperatorOptions): TestOperator {
  const kubeconfig = cluster.operatorKubeconfig;
  if (!kubeconfig) throw new Error('these suites run against the local control plane only');
  const killable = new KillablePort(
    createKubeClient(restConfigFromYaml(kubeconfig), { userAgent: FIELD_MANAGER }),
  );
  const permitted = new PermittedPort(killable);
  const port = new CountingPort(permitted);
  const log = silentLogger();
  const manager = new Manager({
    port,
    logger: log,
    namespaces: options.namespaces,
    fieldManager: FIELD_MANAGER,
    ...(options.leaderElection ? { leaderElection: options.leaderElection } : {}),
  });
  const instance = options.instance ?? 'resilience-test';
  manager.addController(
    mcpServerController({
      manager,
      port,
      config: operatorConfig(options.env),
      clock: realClock,
      log,
      instance,
      maxConcurrentReconciles: 4,
    }),
  );
  const stopping = new AbortController();
  let outcome: { exit: ManagerExit } | { error: unknown } | undefined;
  const done = manager.run(stopping.signal);
  done.then(
    (exit) => (outcome = { exit }),
    (error: unknown) => (outcome = { error }),
  );
  return {
    port,
    permitted,
    killable,
    manager,
    done,
    outcome: () => outcome,
    async stop() {
      stopping.abort();
      return done;
    },
  };
}

/**
 * The test's own request, retried while faults make it fail (the plane fails
 * the tests' requests as it fails the operator's) with what a retry cures: no
 * answer, 429, 5xx. A retry answered with `doneOn` (AlreadyExists for a
 * create, NotFound for a delete) counts as done: an earlier attempt went
 * through and only its answer was lost (the restart cut it).
 */
export async function retrying<T>(
  what: string,
  send: () => Promise<T>,
  doneOn?: typeof AlreadyExistsError | typeof NotFoundError,
): Promise<T | undefined> {
  const deadline = Date.now() + 60_000;
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      if (attempt > 0 && doneOn && err instanceof doneOn) return undefined;
      if (!isRetryable(err) || Date.now() > deadline) {
        throw new Error(`${what}: ${err instanceof Error ? err.message : String(err)}`, {
          cause: err,
        });
      }
      await new Promise((r) => setTimeout(r, Math.min(20 * 2 ** attempt, 500)));
    }
  }
}

/** Runs `task` over `items` with at most `concurrency` at a time. */
export async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

type Server = KubeObject & { status?: MCPServerStatus };

const CHILDREN = [
  ['deployment', RESOURCES.deployments],
  ['service', RESOURCES.services],
  ['ingress', RESOURCES.ingresses],
] as const;

function storeType(plane: LocalControlPlane, resource: { group: string; plural: string }) {
  return plane.type(resource.group, resource.plural);
}

function listIn(
  plane: LocalControlPlane,
  resource: { group: string; plural: string },
  namespaces: readonly string[],
  labelSelector?: string,
): KubeObject[] {
  const type = storeType(plane, resource);
  return namespaces.flatMap(
    (ns) => plane.store.list(type, ns, labelSelector ? { labelSelector } : {}).items,
  );
}

function containersOf(deployment: KubeObject): { name: string; image: string }[] {
  const spec = isObject(deployment.spec) ? deployment.spec : {};
  const template = isObject(spec.template) ? spec.template : {};
  const pod = isObject(template.spec) ? template.spec : {};
  return Array.isArray(pod.containers) ? (pod.containers as { name: string; image: string }[]) : [];
}

function ingressRoutes(ingress: KubeObject): string[] {
  const spec = isObject(ingress.spec) ? ingress.spec : {};
  const rules = Array.isArray(spec.rules) ? (spec.rules as Record<string, unknown>[]) : [];
  return rules.flatMap((rule) => {
    const http = isObject(rule.http) ? rule.http : {};
    const paths = Array.isArray(http.paths) ? (http.paths as { path?: string }[]) : [];
    return paths.map((p) => `${typeof rule.host === 'string' ? rule.host : '*'}${p.path ?? ''}`);
  });
}

export interface Expectations {
  /** The servers that must exist (`namespace/name`), and no others. */
  present: ReadonlySet<string>;
  /** Per server, the image its status and Deployment must show (when the test knows it). */
  image?: (key: string) => string | undefined;
}

/**
 * Everything that is not yet as desired, read from the plane's store; empty
 * once converged. Per live server: one Deployment, Service and Ingress, each
 * controlled by it alone and without drift from desiredState() in what the
 * operator owns; the Deployment rolled out at its generation; the status
 * Ready at the server's generation with the image and URL of those objects.
 * Across the namespaces: no MCPServer but the expected ones, no object with
 * the managed-by label that is not a live server's child.
 */
export function convergenceProblems(
  plane: LocalControlPlane,
  namespaces: readonly string[],
  config: OperatorConfig,
  expect: Expectations,
): string[] {
  const problems: string[] = [];
  const servers = listIn(plane, RESOURCES.mcpServers, namespaces) as Server[];
  const byKey = new Map(servers.map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s]));
  for (const key of expect.present) if (!byKey.has(key)) problems.push(`${key}: server missing`);
  for (const key of byKey.keys())
    if (!expect.present.has(key)) problems.push(`${key}: not deleted`);

  for (const [key, server] of byKey) {
    if (!expect.present.has(key)) continue;
    const { status: _status, ...withoutStatus } = server;
    const validation = validateMCPServer(withoutStatus, {
      allowSnippetAnnotations: config.allowSnippetAnnotations,
      gatewayProxyImage: config.gatewayProxyImage,
    });
    if (!validation.valid) {
      problems.push(`${key}: the test wrote an invalid server`);
      continue;
    }
    const built = desiredState(validation.server, config);
    if (!built.ok) {
      problems.push(`${key}: no desired state (${built.reason})`);
      continue;
    }
    const desired = built.desired;
    const wantImage = expect.image?.(key);
    if (wantImage !== undefined && desired.image !== wantImage) {
      problems.push(`${key}: the stored spec resolves to ${desired.image}, not ${wantImage}`);
    }
    const live: Partial<Record<(typeof CHILDREN)[number][0], KubeObject>> = {};
    for (const [which, resource] of CHILDREN) {
      const object = plane.store.tryGet(
        storeType(plane, resource),
        server.metadata.namespace,
        server.metadata.name!,
      );
      if (!object) {
        problems.push(`${key}: ${resource.kind} missing`);
        continue;
      }
      live[which] = object;
      const owners = object.metadata.ownerReferences ?? [];
      if (
        owners.length !== 1 ||
        owners[0]!.uid !== server.metadata.uid ||
        owners[0]!.controller !== true ||
        owners[0]!.kind !== 'MCPServer' ||
        owners[0]!.name !== server.metadata.name
      ) {
        problems.push(`${key}: ${resource.kind} owner references ${JSON.stringify(owners)}`);
      }
      const drift = driftOf(object, desired[which], FIELD_MANAGER);
      if (drift.length > 0) problems.push(`${key}: ${resource.kind} drifted: ${drift.join(', ')}`);
    }
    const { deployment, ingress } = live;
    if (deployment) {
      const images = containersOf(deployment).map((c) => c.image);
      const want = [desired.image, ...(desired.gateway.image ? [desired.gateway.image] : [])];
      if (JSON.stringify(images) !== JSON.stringify(want)) {
        problems.push(`${key}: Deployment runs ${images.join(', ')}, not ${want.join(', ')}`);
      }
      const status = isObject(deployment.status) ? deployment.status : {};
      const replicas = (deployment.spec as { replicas?: number }).replicas ?? 1;
      if (
        status.observedGeneration !== deployment.metadata.generation ||
        (status.readyReplicas ?? 0) !== replicas
      ) {
        problems.push(`${key}: Deployment not rolled out`);
      }
    }
    if (ingress) {
      const routes = ingressRoutes(ingress);
      const want = `${desired.route.host ?? '*'}${desired.route.path}`;
      if (routes.length !== 1 || routes[0] !== want) {
        problems.push(`${key}: Ingress routes ${routes.join(', ')}, not ${want}`);
      }
    }
    const status = server.status;
    const url = canonicalURL({
      ...desired.route,
      loadBalancerAddress: loadBalancerAddress(ingress),
    });
    const wrong = [
      status?.phase !== 'Ready' && `phase ${status?.phase}`,
      status?.observedGeneration !== server.metadata.generation &&
        `observedGeneration ${status?.observedGeneration} of ${server.metadata.generation}`,
      status?.image !== desired.image && `image ${status?.image}`,
      (!url || status?.url !== url) && `url ${status?.url} (want ${url})`,
      !(status?.deploymentReady && status.serviceReady && status.ingressReady) &&
        'a surface not ready',
      status?.gatewayReady !== desired.gateway.enabled && `gatewayReady ${status?.gatewayReady}`,
      status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True' &&
        'condition Ready not True',
    ].filter(Boolean);
    if (wrong.length > 0) problems.push(`${key}: status ${wrong.join('; ')}`);
  }

  // Nothing else carries the label: no orphan, no duplicate, no child of a deleted server.
  for (const [, resource] of CHILDREN) {
    for (const object of listIn(plane, resource, namespaces, MANAGED_BY_SELECTOR)) {
      const key = `${object.metadata.namespace}/${object.metadata.name}`;
      const owner = byKey.get(key);
      const ref = object.metadata.ownerReferences?.[0];
      if (!owner || !expect.present.has(key) || ref?.uid !== owner.metadata.uid) {
        problems.push(
          `${key}: stray ${resource.kind} (owner ${ref?.name ?? 'none'} ${ref?.uid ?? ''})`,
        );
      }
    }
  }
  return problems;
}

/**
 * The servers whose status is not yet Ready at their generation, and those
 * missing or not deleted: a cheap first look (no builders) before the full
 * check, so polling does not starve the operator and the plane, which share
 * this thread.
 */
export function unsettledServers(
  plane: LocalControlPlane,
  namespaces: readonly string[],
  present: ReadonlySet<string>,
): string[] {
  const servers = listIn(plane, RESOURCES.mcpServers, namespaces) as Server[];
  const seen = new Set<string>();
  const unsettled: string[] = [];
  for (const s of servers) {
    const key = `${s.metadata.namespace}/${s.metadata.name}`;
    seen.add(key);
    const status = s.status;
    if (
      !present.has(key) ||
      status?.phase !== 'Ready' ||
      status.observedGeneration !== s.metadata.generation
    ) {
      unsettled.push(key);
    }
  }
  for (const key of present) if (!seen.has(key)) unsettled.push(key);
  return unsettled;
}

/**
 * Resolves once convergenceProblems() finds nothing (polling every 100 ms,
 * the full check only once every status looks settled); on the deadline (a
 * generous one: it only bounds a failing run), fails with what was still wrong.
 */
export async function awaitConvergence(
  plane: LocalControlPlane,
  namespaces: readonly string[],
  config: OperatorConfig,
  expect: Expectations,
  what: string,
  ms = 120_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const unsettled = unsettledServers(plane, namespaces, expect.present);
    const problems =
      unsettled.length > 0
        ? unsettled.map((key) => `${key}: not Ready at its generation (or not deleted)`)
        : convergenceProblems(plane, namespaces, config, expect);
    if (problems.length === 0) return;
    if (Date.now() > deadline) {
      // The full check says exactly what is wrong.
      throw new Error(
        `timed out waiting for ${what}: ${summary(convergenceProblems(plane, namespaces, config, expect))}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A summary for a failure message: the first problems and how many there were. */
export function summary(problems: readonly string[], max = 15): string {
  const shown = problems.slice(0, max).join('\n  ');
  return `${problems.length} problem(s):\n  ${shown}${problems.length > max ? '\n  …' : ''}`;
}
