// The operator across many servers and namespaces: cluster-wide route
// ownership, a quiet steady state (a resync of converged servers writes
// nothing), and permissive ingress readiness. Real operator, real client,
// local control plane or TEST_KUBECONFIG (see cluster.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FIELD_MANAGER } from '../../src/api/v1alpha1/defaults.ts';
import type { MCPServerStatus } from '../../src/api/v1alpha1/schema.ts';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type { KubeObject, ResourceRef } from '@mcp-operator/kube-core/port';
import {
  SILENT_CLASS,
  TEST_CLASS,
  eventually,
  exists,
  ingressClass,
  manifest,
  startCluster,
  statusWhen,
} from './cluster.ts';
import type { RunningOperator, Server, TestCluster } from './cluster.ts';

function helpers(cluster: () => TestCluster) {
  return {
    create: (object: KubeObject) =>
      cluster().admin.create<Server>(RESOURCES.mcpServers, object, { fieldManager: 'test' }),
    exists: (resource: ResourceRef, namespace: string, name: string) =>
      exists(cluster().admin, resource, namespace, name),
    statusWhen: (
      namespace: string,
      name: string,
      ok: (s: MCPServerStatus) => boolean,
      what: string,
      ms?: number,
    ) => statusWhen(cluster().admin, namespace, name, ok, what, ms),
  };
}

/** A cluster with one namespace and an operator watching it, for one describe block. */
function oneNamespace(env: Record<string, string> = {}) {
  let cluster: TestCluster | undefined;
  let namespace = '';
  before(async () => {
    cluster = await startCluster();
    [namespace] = (await cluster.namespaces(1)) as [string];
    cluster.startOperator([namespace], env);
  });
  after(() => cluster?.stop());
  return {
    h: helpers(() => cluster!),
    ns: () => namespace,
    cluster: () => cluster!,
  };
}

describe('route ownership across namespaces', () => {
  let cluster: TestCluster;
  let nsA: string;
  let nsB: string;
  const h = helpers(() => cluster);

  before(async () => {
    cluster = await startCluster();
    [nsA, nsB] = (await cluster.namespaces(2)) as [string, string];
    cluster.startOperator([nsA, nsB]);
  });
  after(() => cluster.stop());

  it('keeps the route with the older server, reports RouteConflict on the newer, and hands over when the older goes', async () => {
    const route = { ingressHost: 'shared.example.com', publicPathPrefix: 'shared' };
    await h.create(manifest(nsA, 'first', route));
    await h.statusWhen(nsA, 'first', (s) => s.phase === 'Ready', 'Ready');
    await h.create(manifest(nsB, 'second', route));
    const conflict = await h.statusWhen(nsB, 'second', (s) => s.phase === 'Error', 'RouteConflict');
    const ready = conflict.conditions?.find((c) => c.type === 'Ready');
    assert.equal(ready?.reason, 'RouteConflict');
    assert.match(conflict.message ?? '', new RegExp(`MCPServer ${nsA}/first`));
    assert.match(conflict.message ?? '', /shared\.example\.com/);
    assert.equal(
      conflict.conditions?.find((c) => c.type === 'IngressReady')?.reason,
      'RouteConflict',
    );
    assert.equal(await h.exists(RESOURCES.ingresses, nsB, 'second'), false);
    // The holder is untouched.
    await h.statusWhen(nsA, 'first', (s) => s.phase === 'Ready', 'still Ready');

    await cluster.admin.delete(RESOURCES.mcpServers, nsA, 'first');
    const taken = await h.statusWhen(nsB, 'second', (s) => s.phase === 'Ready', 'Ready');
    assert.equal(taken.url, 'http://shared.example.com/shared/mcp');
    assert.equal(await h.exists(RESOURCES.ingresses, nsB, 'second'), true);
  });

  it('removes the Ingress of a server that moves onto a route another server holds', async () => {
    await h.create(manifest(nsA, 'holder', { ingressHost: 'move.example.com' }));
    await h.statusWhen(nsA, 'holder', (s) => s.phase === 'Ready', 'Ready');
    await h.create(
      manifest(nsB, 'mover', { ingressHost: 'move.example.com', publicPathPrefix: 'elsewhere' }),
    );
    await h.statusWhen(nsB, 'mover', (s) => s.phase === 'Ready', 'Ready');
    assert.equal(await h.exists(RESOURCES.ingresses, nsB, 'mover'), true);
    await cluster.admin.patch(
      RESOURCES.mcpServers,
      nsB,
      'mover',
      'merge',
      { spec: { publicPathPrefix: 'holder' } },
      { fieldManager: 'test' },
    );
    const status = await h.statusWhen(nsB, 'mover', (s) => s.phase === 'Error', 'RouteConflict');
    assert.equal(status.conditions?.[0]?.reason, 'RouteConflict');
    await eventually(
      async () => !(await h.exists(RESOURCES.ingresses, nsB, 'mover')),
      'the Ingress removed',
    );
    // The rest is left as it was.
    assert.equal(await h.exists(RESOURCES.deployments, nsB, 'mover'), true);
  });

  it('lets a hostless route conflict with a hosted one on the same path', async () => {
    await h.create(manifest(nsA, 'hostless', { publicPathPrefix: 'open' }));
    await h.statusWhen(nsA, 'hostless', (s) => s.phase === 'Ready', 'Ready');
    await h.create(
      manifest(nsB, 'hosted', { ingressHost: 'x.example.com', publicPathPrefix: 'open' }),
    );
    const status = await h.statusWhen(nsB, 'hosted', (s) => s.phase === 'Error', 'RouteConflict');
    assert.match(status.message ?? '', /every host/);
  });
});

describe('steady state', () => {
  let cluster: TestCluster;
  let ns: string;
  let operator: RunningOperator;
  const h = helpers(() => cluster);
  const SERVERS = 100;

  before(async () => {
    cluster = await startCluster();
    [ns] = (await cluster.namespaces(1)) as [string];
    operator = cluster.startOperator([ns], {}, 1500);
  });
  after(() => cluster.stop());

  it(`after ${SERVERS} servers converge, a resync of all of them sends no write request`, async () => {
    for (let i = 0; i < SERVERS; i++) await h.create(manifest(ns, `s${i}`));
    await eventually(
      async () => {
        const list = await cluster.admin.list<Server>(RESOURCES.mcpServers, { namespace: ns });
        return (
          list.items.length === SERVERS &&
          list.items.every(
            (s) =>
              s.status?.phase === 'Ready' && s.status.observedGeneration === s.metadata.generation,
          )
        );
      },
      'every server Ready',
      60_000,
    );
    const reconciles = async () =>
      (await operator.manager.metrics.reconcileTotal.get()).values.reduce((n, v) => n + v.value, 0);
    // Let in-flight passes of the convergence finish: they may still write.
    const settled = await reconciles();
    await eventually(async () => (await reconciles()) >= settled + SERVERS, 'one resync');
    operator.port.reset();
    cluster.plane?.faults.resetRequests();
    const start = await reconciles();
    await eventually(
      async () => (await reconciles()) >= start + 2 * SERVERS,
      'two more resyncs of every server',
      30_000,
    );
    assert.deepEqual(operator.port.writes(), {});
    if (cluster.plane) {
      // The control plane's own accounting agrees: no create/update/patch/delete from the operator.
      const writes = cluster.plane.faults
        .requests({ client: FIELD_MANAGER })
        .filter((r) => ['create', 'update', 'patch', 'delete'].includes(r.verb));
      assert.deepEqual(writes, []);
    }
  });
});

describe('permissive ingress readiness', () => {
  const { h, ns } = oneNamespace({ MCP_INGRESS_READINESS_MODE: 'permissive' });

  it('is Ready once the Ingress exists with its rules, even without an address', async () => {
    await h.create(manifest(ns(), 'portfwd', { ingressClass: SILENT_CLASS }));
    const status = await h.statusWhen(ns(), 'portfwd', (s) => s.phase === 'Ready', 'Ready');
    assert.equal(status.ingressReady, true);
    assert.equal(
      status.conditions?.find((c) => c.type === 'IngressReady')?.reason,
      'RulesConfigured',
    );
    assert.match(status.message ?? '', /\/portfwd\/mcp/);
  });
});

describe('an IngressClass that appears later', () => {
  let cluster: TestCluster;
  let ns: string;
  const h = helpers(() => cluster);
  const className = `mcp-late-${process.pid}`;

  before(async () => {
    cluster = await startCluster();
    [ns] = (await cluster.namespaces(1)) as [string];
    cluster.startOperator([ns]);
  });
  after(async () => {
    await cluster.admin.delete(RESOURCES.ingressClasses, undefined, className).catch(() => {});
    await cluster.stop();
  });

  it('writes the Ingress anyway, reports IngressClassNotFound, and becomes Ready when the class is created', async () => {
    await h.create(manifest(ns, 'waiting', { ingressClass: className }));
    const status = await h.statusWhen(
      ns,
      'waiting',
      (s) => s.conditions?.some((c) => c.reason === 'IngressClassNotFound') ?? false,
      'IngressClassNotFound',
    );
    assert.equal(status.ingressReady, false);
    assert.match(
      status.conditions?.find((c) => c.type === 'IngressReady')?.message ?? '',
      new RegExp(className),
    );
    assert.equal(await h.exists(RESOURCES.ingresses, ns, 'waiting'), true);
    // Nobody touches the server: the new class alone re-queues it.
    await cluster.admin.create(RESOURCES.ingressClasses, ingressClass(className, true), {
      fieldManager: 'test',
    });
    await h.statusWhen(ns, 'waiting', (s) => s.phase === 'Ready', 'Ready');
  });
});

describe('the provisioned registry', () => {
  let cluster: TestCluster;
  let ns: string;
  let denied: string;
  const h = helpers(() => cluster);
  const env = {
    PROVISIONED_REGISTRY_URL: 'https://registry.internal:5000/',
    PROVISIONED_REGISTRY_USERNAME: 'puller',
    PROVISIONED_REGISTRY_PASSWORD: 's3cret-value',
  };

  before(async () => {
    cluster = await startCluster();
    [ns, denied] = (await cluster.namespaces(2)) as [string, string];
  });
  after(() => cluster.stop());

  it('pulls through it with a pull Secret the operator keeps in the namespace', async () => {
    let operator = cluster.startOperator([ns, denied], env);
    await h.create(manifest(ns, 'private', { useProvisionedRegistry: true }));
    await h.statusWhen(ns, 'private', (s) => s.phase === 'Ready', 'Ready');
    const secret = await cluster.admin.get(RESOURCES.secrets, ns, 'mcp-runtime-registry-pull');
    assert.equal(secret.type, 'kubernetes.io/dockerconfigjson');
    assert.equal(secret.metadata.labels?.['app.kubernetes.io/managed-by'], 'mcp-runtime');
    assert.equal(secret.metadata.ownerReferences, undefined, 'shared by the namespace');
    const config = (secret.data as Record<string, string>)['.dockerconfigjson']!;
    const auths = (
      JSON.parse(Buffer.from(config, 'base64').toString()) as {
        auths: Record<string, { username: string; password: string }>;
      }
    ).auths;
    assert.deepEqual(Object.keys(auths), ['registry.internal:5000']);
    assert.equal(auths['registry.internal:5000']?.password, 's3cret-value');
    const deployment = await cluster.admin.get(RESOURCES.deployments, ns, 'private');
    const pod = (deployment.spec as { template: { spec: Record<string, unknown> } }).template.spec;
    assert.deepEqual(pod.imagePullSecrets, [{ name: 'mcp-runtime-registry-pull' }]);
    assert.match(JSON.stringify(pod.containers), /registry\.internal:5000\/acme\/tools:1\.0\.0/);
    const status = await cluster.admin.get<Server>(RESOURCES.mcpServers, ns, 'private');
    assert.doesNotMatch(JSON.stringify(status), /s3cret/, 'no credentials in the status');

    // New credentials: the next operator updates the Secret.
    await operator.stop();
    operator = cluster.startOperator([ns, denied], {
      ...env,
      PROVISIONED_REGISTRY_PASSWORD: 'rotated',
    });
    await eventually(async () => {
      const s = await cluster.admin.get(RESOURCES.secrets, ns, 'mcp-runtime-registry-pull');
      const data = (s.data as Record<string, string>)['.dockerconfigjson']!;
      return Buffer.from(data, 'base64').toString().includes('rotated');
    }, 'the rotated password in the Secret');

    if (cluster.plane) {
      // Without the optional Secret role: a clear Forbidden, nothing else built.
      cluster.plane.deny({ resource: 'secrets', namespace: denied });
      await h.create(manifest(denied, 'blocked', { useProvisionedRegistry: true }));
      const blocked = await h.statusWhen(denied, 'blocked', (s) => s.phase === 'Error', 'Error');
      assert.equal(blocked.conditions?.[0]?.reason, 'ReconcileError');
      assert.match(blocked.message ?? '', /^failed to reconcile Secret: /);
      assert.match(blocked.message ?? '', /optional Secret role/);
      cluster.plane.clearDenyRules();
    }
    await operator.stop();
  });
});

// kube-apiserver serves ingresses/status (the Ingress status strategy keeps the
// spec and validates only status.loadBalancer, where an empty value is valid).
describe('an Ingress moved to another class', () => {
  const { h, ns, cluster } = oneNamespace();
  const moveTo = (ingressClass: string) =>
    cluster().admin.patch(
      RESOURCES.mcpServers,
      ns(),
      'moving',
      'merge',
      { spec: { ingressClass } },
      { fieldManager: 'test' },
    );

  it('is not Ready on the address the previous class published', async () => {
    await h.create(manifest(ns(), 'moving'));
    const before = await h.statusWhen(ns(), 'moving', (s) => s.phase === 'Ready', 'Ready');
    assert.match(before.url ?? '', /^http/);
    await moveTo(SILENT_CLASS);
    // The silent class's controller publishes no address: strict readiness waits.
    const moved = await h.statusWhen(
      ns(),
      'moving',
      (s) => s.phase === 'PartiallyReady',
      'PartiallyReady after the move',
    );
    assert.equal(moved.ingressReady, false);
    assert.equal(
      moved.conditions?.find((c) => c.type === 'IngressReady')?.reason,
      'NoLoadBalancerAddress',
    );
    const ingress = await cluster().admin.get<
      KubeObject & { spec: { ingressClassName: string }; status?: { loadBalancer?: unknown } }
    >(RESOURCES.ingresses, ns(), 'moving');
    assert.equal(ingress.spec.ingressClassName, SILENT_CLASS);
    assert.deepEqual(ingress.status?.loadBalancer ?? {}, {});
    // Back to a class whose controller publishes: Ready on the address it writes.
    await moveTo(TEST_CLASS);
    const back = await h.statusWhen(ns(), 'moving', (s) => s.phase === 'Ready', 'Ready again');
    assert.equal(back.url, before.url);
  });
});
