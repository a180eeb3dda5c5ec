// Where the operator integration suite runs: the local control plane by
// default, or the cluster TEST_KUBECONFIG points at. A real API server runs no
// kubelet or ingress controller for these objects, so there the suite plays
// them itself through the status subresource, as envtest-based suites do:
// Deployments get ready replicas, Ingresses of the test class get an address.
// The operator under test is the real one — manager, real client over HTTPS,
// the MCPServer controller — with a port that counts its requests. Locally it
// runs as its service account, with the install manifests' RBAC applied and
// the plane authorizing with RBAC: every request its roles do not grant is
// 403 Forbidden, as on a real cluster.
import { Writable } from 'node:stream';
import { KubeConfig } from '@kubernetes/client-node';
import { mcpServerCRD } from '../../src/api/v1alpha1/crd.ts';
import {
  FIELD_MANAGER,
  MANAGED_BY_SELECTOR,
  OPERATOR_NAMESPACE,
} from '../../src/api/v1alpha1/defaults.ts';
import { manifestsOf } from '../../src/install/files.ts';
import { OPERATOR_NAME } from '../../src/install/names.ts';
import { realClock } from '../../src/controller/clock.ts';
import { Informer } from '../../src/controller/informer.ts';
import { createLogger } from '../../src/controller/logging.ts';
import { Manager } from '../../src/controller/manager.ts';
import { createKubeClient, restConfigFromYaml } from '../../src/kube/client.ts';
import { ConflictError, NotFoundError } from '@mcp-operator/kube-core/errors';
import { isObject } from '@mcp-operator/kube-core/json';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type { KubeObject, KubePort, ResourceRef } from '@mcp-operator/kube-core/port';
import type { MCPServerStatus } from '../../src/api/v1alpha1/schema.ts';
import { SIMULATED_CLASS_ANNOTATION } from '@mcp-operator/local-control-plane/controllers/index';
import { LocalControlPlane } from '@mcp-operator/local-control-plane/control-plane';
import type { OperatorConfig } from '../../src/operator/config.ts';
import { mcpServerController } from '../../src/operator/controller.ts';
import { parseOperatorEnv } from '../../src/cmd/env.ts';
import { PermittedPort } from './permitted-port.ts';

/** The IngressClass the suite's servers use; its Ingresses get an address. */
export const TEST_CLASS = 'mcp-test';
/** An IngressClass whose controller publishes no address (strict-mode cases). */
export const SILENT_CLASS = 'mcp-test-silent';

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete']);

/** A port that counts what goes through it: `verb resource[/status]` → count. */
export class CountingPort implements KubePort {
  readonly #inner: KubePort;
  counts = new Map<string, number>();
  /** Every call that names an object: `verb resource name`. */
  named: string[] = [];

  constructor(inner: KubePort) {
    this.#inner = inner;
  }

  #count(verb: string, plural: string, subresource?: string, name?: string) {
    if (name) this.named.push(`${verb} ${plural} ${name}`);
    const key = `${verb} ${plural}${subresource ? `/${subresource}` : ''}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Write requests since the last reset, by `verb resource`, leaving out Events. */
  writes(): Record<string, number> {
    return Object.fromEntries(
      [...this.counts].filter(
        ([key]) => WRITE_VERBS.has(key.split(' ')[0]!) && !key.endsWith(' events'),
      ),
    );
  }

  reset(): void {
    this.counts = new Map();
    this.named = [];
  }

  get: KubePort['get'] = (r, ns, name) => {
    this.#count('get', r.plural, undefined, name);
    return this.#inner.get(r, ns, name);
  };
  list: KubePort['list'] = (r, o) => {
    this.#count('list', r.plural);
    return this.#inner.list(r, o);
  };
  watch: KubePort['watch'] = (r, o, on) => {
    this.#count('watch', r.plural);
    return this.#inner.watch(r, o, on);
  };
  create: KubePort['create'] = (r, obj, o) => {
    this.#count('create', r.plural, undefined, obj.metadata.name);
    return this.#inner.create(r, obj, o);
  };
  update: KubePort['update'] = (r, obj, o) => {
    this.#count('update', r.plural, o.subresource, obj.metadata.name);
    return this.#inner.update(r, obj, o);
  };
  patch: KubePort['patch'] = (r, ns, name, type, body, o) => {
    this.#count('patch', r.plural, o.subresource, name);
    return this.#inner.patch(r, ns, name, type, body, o);
  };
  delete: KubePort['delete'] = (r, ns, name, o) => {
    this.#count('delete', r.plural, undefined, name);
    return this.#inner.delete(r, ns, name, o);
  };
}

export interface RunningOperator {
  port: CountingPort;
  /** The operator's calls as RBAC sees them: refused when the install roles lack them. */
  permitted: PermittedPort;
  manager: Manager;
  stop(): Promise<void>;
}

export interface TestCluster {
  /** True against TEST_KUBECONFIG's cluster. */
  readonly real: boolean;
  /** The tests' own client (field manager `test`). */
  readonly admin: KubePort;
  /** The local control plane, when running locally. */
  readonly plane: LocalControlPlane | undefined;
  /** Locally: a kubeconfig for the operator's service account (what test operators use). */
  readonly operatorKubeconfig: string | undefined;
  /** Fresh namespaces for one describe block; the operator watches only these. */
  namespaces(count: number): Promise<string[]>;
  startOperator(
    namespaces: string[],
    env?: Record<string, string>,
    resyncMs?: number,
  ): RunningOperator;
  /** Keeps a Deployment's pods unready until released. */
  hold(namespace: string, name: string): void;
  release(namespace: string, name: string): void;
  stop(): Promise<void>;
}

const silentLog = () =>
  createLogger({ level: 'error', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

function clientFrom(kubeconfig: string, userAgent: string): KubePort {
  return createKubeClient(restConfigFromYaml(kubeconfig), { userAgent });
}

export function operatorConfig(env: Record<string, string> = {}): OperatorConfig {
  const parsed = parseOperatorEnv(env);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.env;
}

let namespaceCounter = 0;

export async function startCluster(): Promise<TestCluster> {
  const external = process.env.TEST_KUBECONFIG;
  let plane: LocalControlPlane | undefined;
  let kubeconfig: string;
  let operatorKubeconfig: string | undefined;
  if (external) {
    const kc = new KubeConfig();
    kc.loadFromFile(external);
    kubeconfig = kc.exportConfig();
  } else {
    plane = new LocalControlPlane({
      simulation: { deploymentReadyDelayMs: 50 },
      authorization: 'RBAC',
    });
    await plane.start();
    kubeconfig = plane.kubeconfig();
    // The install's RBAC (its namespace first), and the operator acting as its service account.
    const [operatorNamespace] = manifestsOf('operator');
    for (const object of [operatorNamespace!, ...manifestsOf('rbac')]) {
      plane.applyObject(object as Parameters<LocalControlPlane['applyObject']>[0]);
    }
    operatorKubeconfig = plane.serviceAccountKubeconfig(OPERATOR_NAMESPACE, OPERATOR_NAME);
  }
  const admin = clientFrom(kubeconfig, 'test');
  await applyAsAdmin(admin, RESOURCES.customResourceDefinitions, mcpServerCRD());
  await waitForCRD(admin);
  await applyAsAdmin(admin, RESOURCES.ingressClasses, ingressClass(TEST_CLASS, true));
  await applyAsAdmin(admin, RESOURCES.ingressClasses, ingressClass(SILENT_CLASS, false));
  const simulator = external ? new StatusSimulator(admin) : undefined;
  const operators = new Set<RunningOperator>();
  return {
    real: Boolean(external),
    admin,
    plane,
    operatorKubeconfig,
    async namespaces(count) {
      const names: string[] = [];
      for (let i = 0; i < count; i++) {
        // Zero-padded: names sort in creation order (the route tie-break after creationTimestamp).
        const name = `mcp-it-${process.pid}-${String(++namespaceCounter).padStart(4, '0')}`;
        await admin.create(
          RESOURCES.namespaces,
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
          { fieldManager: 'test' },
        );
        names.push(name);
      }
      simulator?.watch(names);
      return names;
    },
    startOperator(namespaces, env = {}, resyncMs) {
      const permitted = new PermittedPort(
        clientFrom(operatorKubeconfig ?? kubeconfig, FIELD_MANAGER),
      );
      const port = new CountingPort(permitted);
      const log = silentLog();
      const manager = new Manager({
        port,
        logger: log,
        namespaces,
        fieldManager: FIELD_MANAGER,
        ...(resyncMs ? { resyncPeriodMs: resyncMs } : {}),
      });
      manager.addController(
        mcpServerController({
          manager,
          port,
          config: operatorConfig(env),
          clock: realClock,
          log,
          instance: 'integration-test',
          maxConcurrentReconciles: 4,
        }),
      );
      const stopping = new AbortController();
      const done = manager.run(stopping.signal);
      const running: RunningOperator = {
        port,
        permitted,
        manager,
        async stop() {
          stopping.abort();
          await done;
          operators.delete(running);
          // A call the install manifests' roles do not grant fails the test.
          if (permitted.refused.size > 0) {
            throw new Error(
              `the operator made calls its roles do not grant (operator/permissions.ts): ${[...permitted.refused].join(', ')}`,
            );
          }
        },
      };
      operators.add(running);
      return running;
    },
    hold(namespace, name) {
      if (plane) plane.controllers.holdDeployment(namespace, name);
      else simulator!.hold(namespace, name);
    },
    release(namespace, name) {
      if (plane) plane.controllers.releaseDeployment(namespace, name);
      else simulator!.release(namespace, name);
    },
    async stop() {
      await Promise.all([...operators].map((o) => o.stop()));
      await simulator?.stop();
      await plane?.stop();
    },
  };
}

/** An IngressClass; with `simulated`, its Ingresses get an address. */
export function ingressClass(name: string, simulated: boolean): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {
      name,
      ...(simulated ? { annotations: { [SIMULATED_CLASS_ANNOTATION]: 'true' } } : {}),
    },
    spec: { controller: `mcpruntime.org/${name}` },
  };
}

async function applyAsAdmin(
  admin: KubePort,
  resource: typeof RESOURCES.ingressClasses | typeof RESOURCES.customResourceDefinitions,
  object: KubeObject,
) {
  await admin.patch(resource, undefined, object.metadata.name!, 'apply', object, {
    fieldManager: 'test',
    force: true,
  });
}

async function waitForCRD(admin: KubePort): Promise<void> {
  await eventually(async () => {
    try {
      await admin.list(RESOURCES.mcpServers, { limit: 1 });
      return true;
    } catch {
      return false;
    }
  }, 'the MCPServer CRD to be served');
}

/** Resolves when `probe` returns a value other than undefined/false; polls every 20 ms. */
export async function eventually<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const cause = last instanceof Error ? `: ${last.message}` : '';
      throw new Error(`timed out waiting for ${what}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * For a real API server: what the kubelet and an ingress controller would
 * report, written through the status subresource.
 */
export class StatusSimulator {
  readonly #port: KubePort;
  readonly #held = new Set<string>();
  readonly #informers: Informer[] = [];

  constructor(port: KubePort) {
    this.#port = port;
  }

  watch(namespaces: string[]) {
    for (const namespace of namespaces) {
      for (const resource of [RESOURCES.deployments, RESOURCES.ingresses]) {
        const informer = new Informer(this.#port, {
          resource,
          namespace,
          labelSelector: MANAGED_BY_SELECTOR,
          resyncPeriodMs: 2000,
          clock: realClock,
        });
        const on = (o: KubeObject) => void this.#settle(resource.plural, o);
        informer.addHandler({ onAdd: on, onUpdate: (_old, o) => on(o), onDelete: () => {} });
        informer.start();
        this.#informers.push(informer);
      }
    }
  }

  hold(namespace: string, name: string) {
    this.#held.add(`${namespace}/${name}`);
  }

  release(namespace: string, name: string) {
    this.#held.delete(`${namespace}/${name}`);
    void this.#port
      .get(RESOURCES.deployments, namespace, name)
      .then((d) => this.#settle('deployments', d))
      .catch(() => {});
  }

  async #settle(plural: string, object: KubeObject): Promise<void> {
    const status =
      plural === 'deployments' ? this.#deploymentStatus(object) : await this.#ingressStatus(object);
    if (!status || JSON.stringify(status) === JSON.stringify(object.status)) return;
    const resource = plural === 'deployments' ? RESOURCES.deployments : RESOURCES.ingresses;
    try {
      await this.#port.update(
        resource,
        { ...object, status },
        { fieldManager: 'test', subresource: 'status' },
      );
    } catch (err) {
      if (!(err instanceof ConflictError) && !(err instanceof NotFoundError)) throw err;
    }
  }

  #deploymentStatus(d: KubeObject): Record<string, unknown> {
    const spec = isObject(d.spec) ? d.spec : {};
    const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
    const held = this.#held.has(`${d.metadata.namespace}/${d.metadata.name}`);
    return {
      observedGeneration: d.metadata.generation ?? 1,
      replicas,
      updatedReplicas: replicas,
      ...(held || replicas === 0 ? {} : { readyReplicas: replicas, availableReplicas: replicas }),
    };
  }

  async stop() {
    await Promise.all(this.#informers.map((i) => i.stop()));
  }

  /** An address for Ingresses whose class is marked simulated, as the local control plane does. */
  async #ingressStatus(ing: KubeObject): Promise<Record<string, unknown> | undefined> {
    const spec = isObject(ing.spec) ? ing.spec : {};
    if (typeof spec.ingressClassName !== 'string') return undefined;
    try {
      const cls = await this.#port.get(RESOURCES.ingressClasses, undefined, spec.ingressClassName);
      if (cls.metadata.annotations?.[SIMULATED_CLASS_ANNOTATION] !== 'true') return undefined;
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
    return { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } };
  }
}

/** An MCPServer on the suite's IngressClass, with `spec` fields merged over a minimal one. */
export function manifest(
  namespace: string,
  name: string,
  spec: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'mcpruntime.org/v1alpha1',
    kind: 'MCPServer',
    metadata: { name, namespace },
    spec: { image: 'ghcr.io/acme/tools:1.0.0', ingressClass: TEST_CLASS, ...spec },
  };
}

export type Server = KubeObject & { status?: MCPServerStatus };

/**
 * Every status a server goes through, from a watch: a status that lasts only
 * until the next retry (an Error before the retry that fixes it) is seen
 * here however briefly it stood, where polling could miss it.
 */
export async function watchStatuses(
  admin: KubePort,
  namespace: string,
  name: string,
): Promise<{
  seen: MCPServerStatus[];
  when(ok: (status: MCPServerStatus) => boolean, what: string): Promise<MCPServerStatus>;
  stop(): void;
}> {
  const seen: MCPServerStatus[] = [];
  const handle = await admin.watch<Server>(
    RESOURCES.mcpServers,
    { namespace, fieldSelector: `metadata.name=${name}`, resourceVersion: '' },
    (event) => {
      if (event.type !== 'ADDED' && event.type !== 'MODIFIED') return;
      const { status, metadata } = event.object;
      if (!status || status.observedGeneration !== metadata.generation) return;
      seen.push(status);
    },
  );
  return {
    seen,
    when: (ok, what) =>
      eventually(
        () => seen.find(ok),
        `${namespace}/${name}: ${what} (seen: ${seen.map((s) => s.phase).join(', ')})`,
      ),
    stop: () => handle.stop(),
  };
}

/** The server's status once it describes the current generation and satisfies `ok`. */
export function statusWhen(
  admin: KubePort,
  namespace: string,
  name: string,
  ok: (status: MCPServerStatus) => boolean,
  what: string,
  ms?: number,
): Promise<MCPServerStatus> {
  return eventually(
    async () => {
      const server = await admin.get<Server>(RESOURCES.mcpServers, namespace, name);
      const status = server.status;
      return status && status.observedGeneration === server.metadata.generation && ok(status)
        ? status
        : undefined;
    },
    `${namespace}/${name}: ${what}`,
    ms,
  );
}

/** Whether an object exists (a 404 is false, other errors throw). */
export async function exists(
  admin: KubePort,
  resource: ResourceRef,
  namespace: string | undefined,
  name: string,
): Promise<boolean> {
  try {
    await admin.get(resource, namespace, name);
    return true;
  } catch (err) {
    if (err instanceof NotFoundError) return false;
    throw err;
  }
}

/**
 * The MCPServer CRD as an early release might have shipped it: spec
 * unchecked, no rules (so malformed objects reach the operator).
 */
export function looseCRD(): KubeObject {
  const crd = mcpServerCRD() as unknown as KubeObject & {
    spec: { versions: { schema: { openAPIV3Schema: Record<string, unknown> } }[] };
  };
  const schema = crd.spec.versions[0]!.schema.openAPIV3Schema as {
    properties: Record<string, unknown>;
    'x-kubernetes-validations'?: unknown;
  };
  schema.properties.spec = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  delete schema['x-kubernetes-validations'];
  return crd;
}

/** Server-side applies a CRD (the loose one, or the real one back). */
export function applyCRD(admin: KubePort, crd: KubeObject): Promise<KubeObject> {
  return admin.patch(
    RESOURCES.customResourceDefinitions,
    undefined,
    crd.metadata.name!,
    'apply',
    crd,
    {
      fieldManager: 'test',
      force: true,
    },
  );
}
