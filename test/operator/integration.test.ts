// The real operator — manager, client over HTTPS, the MCPServer controller —
// against the local control plane (or TEST_KUBECONFIG's cluster, see
// cluster.ts). Each case checks what a user would: the children and their
// fields, the status they read with kubectl, and the requests the operator
// made. Tests await conditions; none sleeps for a fixed time.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIELD_MANAGER, GATEWAY_CONTAINER } from '../../src/api/v1alpha1/defaults.ts';
import type { MCPServerStatus } from '../../src/api/v1alpha1/schema.ts';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type { KubeObject, ResourceRef } from '@mcp-operator/kube-core/port';
import {
  SILENT_CLASS,
  eventually,
  exists,
  manifest,
  startCluster,
  statusWhen as waitForStatus,
  watchStatuses,
} from './cluster.ts';
import type { RunningOperator, Server, TestCluster } from './cluster.ts';

interface Container {
  name: string;
  image: string;
  ports?: { name: string; containerPort: number }[];
  env?: { name: string; value?: string }[];
  readinessProbe?: { tcpSocket?: { port: number } };
}
interface DeploymentShape {
  replicas: number;
  template: {
    metadata: { annotations?: Record<string, string> };
    spec: { containers: Container[] };
  };
}
interface ServiceShape {
  clusterIP?: string;
  ports: { name: string; port: number; targetPort: number }[];
}
interface IngressShape {
  rules: { host?: string; http: { paths: { path: string }[] } }[];
}

const deploymentSpec = (o: KubeObject) => o.spec as DeploymentShape;
const serviceSpec = (o: KubeObject) => o.spec as ServiceShape;
const ingressSpec = (o: KubeObject) => o.spec as IngressShape;
const container = (d: KubeObject, name: string) =>
  deploymentSpec(d).template.spec.containers.find((c) => c.name === name);

const KUBECTL = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));

describe('the MCPServer operator', () => {
  let cluster: TestCluster;
  let ns: string;
  let operator: RunningOperator;

  const get = (resource: ResourceRef, name: string, namespace = ns) =>
    cluster.admin.get(resource, namespace, name);
  const tryGet = async (resource: ResourceRef, name: string, namespace = ns) =>
    (await exists(cluster.admin, resource, namespace, name))
      ? await cluster.admin.get(resource, namespace, name)
      : undefined;
  const server = (name: string, namespace = ns) =>
    cluster.admin.get<Server>(RESOURCES.mcpServers, namespace, name);
  const create = (object: KubeObject) =>
    cluster.admin.create<Server>(RESOURCES.mcpServers, object, { fieldManager: 'test' });
  const patchSpec = (name: string, spec: Record<string, unknown>, namespace = ns) =>
    cluster.admin.patch<Server>(
      RESOURCES.mcpServers,
      namespace,
      name,
      'merge',
      { spec },
      {
        fieldManager: 'test',
      },
    );
  const statusWhen = (
    name: string,
    ok: (s: MCPServerStatus) => boolean,
    what: string,
    namespace = ns,
  ) => waitForStatus(cluster.admin, namespace, name, ok, what);
  const ready = (name: string, namespace = ns) =>
    statusWhen(name, (s) => s.phase === 'Ready', 'Ready', namespace);

  before(async () => {
    cluster = await startCluster();
    [ns] = (await cluster.namespaces(1)) as [string];
    operator = cluster.startOperator([ns]);
  });
  after(() => cluster.stop());

  it('creates the Deployment, Service and Ingress it owns, and reports Ready only once they are', async () => {
    cluster.hold(ns, 'alpha');
    const created = await create(manifest(ns, 'alpha', { ingressHost: 'alpha.example.com' }));
    const uid = created.metadata.uid;
    for (const resource of [RESOURCES.deployments, RESOURCES.services, RESOURCES.ingresses]) {
      const child = await eventually(() => tryGet(resource, 'alpha'), `the ${resource.kind}`);
      assert.deepEqual(
        child.metadata.ownerReferences,
        [
          {
            apiVersion: 'mcpruntime.org/v1alpha1',
            kind: 'MCPServer',
            name: 'alpha',
            uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
        resource.kind,
      );
      assert.equal(child.metadata.labels?.['app.kubernetes.io/managed-by'], 'mcp-runtime');
    }
    // Pods held unready: the other surfaces are ready, the server is not.
    const waiting = await statusWhen(
      'alpha',
      (s) => s.serviceReady === true && s.ingressReady === true,
      'Service and Ingress ready',
    );
    assert.equal(waiting.phase, 'PartiallyReady');
    assert.equal(waiting.deploymentReady, false);
    assert.equal(waiting.conditions?.[0]?.type, 'Ready');
    assert.equal(waiting.conditions?.[0]?.status, 'False');
    assert.equal(waiting.conditions?.[0]?.reason, 'NotReady');
    assert.match(waiting.message ?? '', /Deployment alpha/);

    cluster.release(ns, 'alpha');
    const done = await ready('alpha');
    assert.equal(done.url, 'http://alpha.example.com/alpha/mcp');
    assert.equal(done.image, 'ghcr.io/acme/tools:1.0.0');
    assert.deepEqual(
      done.conditions?.map((c) => [c.type, c.status, c.reason]),
      [
        ['Ready', 'True', 'Ready'],
        ['DeploymentReady', 'True', 'RolloutComplete'],
        ['ServiceReady', 'True', 'ClusterIPAssigned'],
        ['IngressReady', 'True', 'AddressAssigned'],
      ],
    );
    assert.match(done.message ?? '', /Serving at http:\/\/alpha\.example\.com\/alpha\/mcp/);
    const deployment = await get(RESOURCES.deployments, 'alpha');
    assert.equal(container(deployment, 'alpha')?.image, 'ghcr.io/acme/tools:1.0.0');
    const metrics = await operator.manager.metrics.scrape();
    assert.match(
      metrics,
      new RegExp(`mcpserver_phase\\{namespace="${ns}",name="alpha",phase="Ready"\\} 1`),
    );
    assert.match(metrics, new RegExp(`mcpserver_ready\\{namespace="${ns}",name="alpha"\\} 1`));
  });

  it('in strict mode stays not ready without a load-balancer address, naming permissive mode', async () => {
    await create(manifest(ns, 'silent', { ingressClass: SILENT_CLASS }));
    const status = await statusWhen(
      'silent',
      (s) => s.deploymentReady === true && s.serviceReady === true,
      'Deployment and Service ready',
    );
    assert.equal(status.phase, 'PartiallyReady');
    assert.equal(status.ingressReady, false);
    const ingress = status.conditions?.find((c) => c.type === 'IngressReady');
    assert.equal(ingress?.reason, 'NoLoadBalancerAddress');
    assert.match(ingress?.message ?? '', /MCP_INGRESS_READINESS_MODE=permissive/);
    assert.equal(status.url, undefined, 'a hostless route without an address has no URL');
  });

  it('follows every change to the spec, and removes what is no longer wanted', async () => {
    await create(manifest(ns, 'beta'));
    await ready('beta');
    const deployment = () => get(RESOURCES.deployments, 'beta');
    const step = async (
      spec: Record<string, unknown>,
      check: () => Promise<boolean>,
      what: string,
    ) => {
      await patchSpec('beta', spec);
      await eventually(check, what);
      await ready('beta');
    };

    await step(
      { image: 'ghcr.io/acme/other' },
      async () => container(await deployment(), 'beta')?.image === 'ghcr.io/acme/other:latest',
      'the new image (untagged, so :latest)',
    );
    await step(
      { imageTag: 'v7' },
      async () => container(await deployment(), 'beta')?.image === 'ghcr.io/acme/other:v7',
      'the image tag',
    );
    assert.equal((await server('beta')).status?.image, 'ghcr.io/acme/other:v7');
    await step(
      { port: 9000 },
      async () => {
        const c = container(await deployment(), 'beta');
        const svc = serviceSpec(await get(RESOURCES.services, 'beta'));
        return (
          c?.ports?.[0]?.containerPort === 9000 &&
          c.readinessProbe?.tcpSocket?.port === 9000 &&
          svc.ports.find((p) => p.name === 'http')?.targetPort === 9000
        );
      },
      'the new port on the container, its probes and the Service',
    );
    await step(
      { replicas: 3 },
      async () => deploymentSpec(await deployment()).replicas === 3,
      'three replicas',
    );
    await step(
      { ingressHost: 'beta.example.com' },
      async () =>
        ingressSpec(await get(RESOURCES.ingresses, 'beta')).rules[0]?.host === 'beta.example.com',
      'the host on the Ingress',
    );
    assert.equal((await server('beta')).status?.url, 'http://beta.example.com/beta/mcp');
    await step(
      { publicPathPrefix: 'tools/beta' },
      async () => {
        const rule = ingressSpec(await get(RESOURCES.ingresses, 'beta')).rules[0];
        const env = container(await deployment(), 'beta')?.env ?? [];
        return (
          rule?.http.paths[0]?.path === '/tools/beta/mcp' &&
          env.some((e) => e.name === 'MCP_PATH' && e.value === '/tools/beta/mcp')
        );
      },
      'the new path on the Ingress and in MCP_PATH',
    );

    // Annotations: the user's arrive and leave; another tool's stay.
    await cluster.admin.patch(
      RESOURCES.ingresses,
      ns,
      'beta',
      'merge',
      { metadata: { annotations: { 'other-tool/owner': 'platform' } } },
      { fieldManager: 'other-tool' },
    );
    await step(
      { ingressAnnotations: { 'example.com/team': 'a' } },
      async () =>
        (await get(RESOURCES.ingresses, 'beta')).metadata.annotations?.['example.com/team'] === 'a',
      'the user annotation',
    );
    await step(
      { ingressAnnotations: null },
      async () => {
        const annotations = (await get(RESOURCES.ingresses, 'beta')).metadata.annotations ?? {};
        return (
          !('example.com/team' in annotations) && annotations['other-tool/owner'] === 'platform'
        );
      },
      'the user annotation gone, the other tool\u2019s kept',
    );
    assert.equal(
      (await get(RESOURCES.ingresses, 'beta')).metadata.annotations?.[
        'traefik.ingress.kubernetes.io/router.entrypoints'
      ],
      undefined,
      'class defaults are only for the traefik class',
    );

    // Env: added, then removed.
    await step(
      { envVars: [{ name: 'FEATURE', value: 'on' }] },
      async () =>
        (container(await deployment(), 'beta')?.env ?? []).some((e) => e.name === 'FEATURE'),
      'the env var',
    );
    await step(
      { envVars: null },
      async () =>
        !(container(await deployment(), 'beta')?.env ?? []).some((e) => e.name === 'FEATURE'),
      'the env var removed',
    );

    // The sidecar: on, then off again.
    await step(
      { gateway: { image: 'ghcr.io/acme/gateway:0.4.0' } },
      async () => {
        const svc = await get(RESOURCES.services, 'beta');
        return (
          container(await deployment(), GATEWAY_CONTAINER)?.image ===
            'ghcr.io/acme/gateway:0.4.0' &&
          serviceSpec(svc).ports.find((p) => p.name === 'http')?.targetPort === 8091 &&
          serviceSpec(svc).ports.some((p) => p.name === 'metrics') &&
          svc.metadata.annotations?.['prometheus.io/scrape'] === 'true'
        );
      },
      'the sidecar, its Service port and the prometheus annotations',
    );
    assert.equal((await server('beta')).status?.gatewayReady, true);
    await step(
      { gateway: { enabled: false } },
      async () => {
        const svc = await get(RESOURCES.services, 'beta');
        return (
          container(await deployment(), GATEWAY_CONTAINER) === undefined &&
          serviceSpec(svc).ports.length === 1 &&
          serviceSpec(svc).ports[0]?.targetPort === 9000 &&
          svc.metadata.annotations?.['prometheus.io/scrape'] === undefined
        );
      },
      'the sidecar, the metrics port and the prometheus annotations gone',
    );
    const final = await server('beta');
    assert.equal(final.status?.gatewayReady, false);
    assert.equal(
      final.status?.conditions?.some((c) => c.type === 'GatewayReady'),
      false,
      'no GatewayReady condition without a sidecar',
    );
  });

  it('corrects drift in what it owns, and keeps what others set', async () => {
    await create(manifest(ns, 'gamma'));
    await ready('gamma');
    const live = await get(RESOURCES.deployments, 'gamma');
    deploymentSpec(live).template.spec.containers[0]!.image = 'evil.example.com/miner:1';
    await cluster.admin.update(RESOURCES.deployments, live, { fieldManager: 'someone' });
    await eventually(
      async () =>
        container(await get(RESOURCES.deployments, 'gamma'), 'gamma')?.image ===
        'ghcr.io/acme/tools:1.0.0',
      'the image restored',
    );

    const service = await get(RESOURCES.services, 'gamma');
    await cluster.admin.delete(RESOURCES.services, ns, 'gamma');
    const restored = await eventually(async () => {
      const s = await tryGet(RESOURCES.services, 'gamma');
      return s && s.metadata.uid !== service.metadata.uid ? s : undefined;
    }, 'the Service recreated');
    assert.equal(serviceSpec(restored).ports[0]?.port, 80);
    await ready('gamma');

    // `kubectl rollout restart` stamps the pod template; later passes keep it.
    await rolloutRestart(cluster, ns, 'gamma');
    const stamped = await eventually(async () => {
      const d = await get(RESOURCES.deployments, 'gamma');
      return deploymentSpec(d).template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'];
    }, 'the restart annotation');
    await patchSpec('gamma', { replicas: 2 });
    await eventually(
      async () => deploymentSpec(await get(RESOURCES.deployments, 'gamma')).replicas === 2,
      'two replicas',
    );
    await ready('gamma');
    const after = await get(RESOURCES.deployments, 'gamma');
    assert.equal(
      deploymentSpec(after).template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'],
      stamped,
    );
  });

  it('leaves a foreign Deployment of the same name untouched and says so', async () => {
    const foreign: KubeObject = await cluster.admin.create<KubeObject>(
      RESOURCES.deployments,
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'delta', namespace: ns, labels: { app: 'delta' } },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'delta' } },
          template: {
            metadata: { labels: { app: 'delta' } },
            spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
          },
        },
      },
      { fieldManager: 'someone' },
    );
    await create(manifest(ns, 'delta'));
    const status = await statusWhen(
      'delta',
      (s) => s.conditions?.some((c) => c.reason === 'ForeignObject') ?? false,
      'ForeignObject',
    );
    const condition = status.conditions?.find((c) => c.type === 'DeploymentReady');
    assert.equal(condition?.reason, 'ForeignObject');
    assert.match(condition?.message ?? '', /Deployment named delta exists and is not controlled/);
    assert.equal(status.deploymentReady, false);
    await eventually(() => tryGet(RESOURCES.services, 'delta'), 'its own Service');
    // Untouched by the operator: the same spec and metadata, and no field of it
    // owned by the operator's field manager. (Its resourceVersion may move: the
    // cluster's Deployment controller writes the status of any Deployment.)
    const after = await get(RESOURCES.deployments, 'delta');
    assert.deepEqual(after.spec, foreign.spec);
    assert.deepEqual(after.metadata.labels, foreign.metadata.labels);
    assert.deepEqual(after.metadata.annotations, foreign.metadata.annotations);
    assert.equal(after.metadata.ownerReferences, undefined);
    assert.deepEqual(
      ((after.metadata.managedFields ?? []) as { manager?: string }[]).filter(
        (m) => m.manager === FIELD_MANAGER,
      ),
      [],
    );
  });

  it('reports a failed write as ReconcileError and recovers with rate-limited retries', async () => {
    if (!cluster.plane) {
      // A real API server cannot be told to fail; the Forbidden case of the
      // provisioned registry shows the same path there.
      return;
    }
    cluster.plane.faults.resetRequests();
    cluster.plane.failNext({ verb: 'create', resource: 'deployments', count: 3, code: 500 });
    // The Error stands only until a retry succeeds: watched, not polled.
    const statuses = await watchStatuses(cluster.admin, ns, 'zeta');
    try {
      await create(manifest(ns, 'zeta'));
      const failed = await statuses.when((s) => s.phase === 'Error', 'Error');
      assert.equal(failed.conditions?.[0]?.reason, 'ReconcileError');
      assert.match(failed.message ?? '', /^failed to reconcile Deployment: /);
      const done = await statuses.when((s) => s.phase === 'Ready', 'Ready');
      assert.equal(done.conditions?.[0]?.reason, 'Ready');
    } finally {
      statuses.stop();
    }
    // A create names its object in the body, not the URL: this test's are the only ones since the reset.
    const creates = cluster.plane.faults.requests({
      client: 'mcp-runtime-operator',
      verb: 'create',
      resource: 'deployments',
    });
    assert.deepEqual(
      creates.map((r) => r.code),
      [500, 500, 500, 201],
      'three failures, then the create that worked',
    );
  });

  it('follows changes one at a time without a status write lost to its own previous one', async () => {
    // A change takes two passes: one rolls the Deployment out and says so, one
    // says Ready once it is. The second runs on the Deployment's event, often
    // before the first one's status write is back in the cache, and must not
    // write over the version that write replaced (a 409, then a wait).
    await create(manifest(ns, 'theta'));
    await ready('theta');
    cluster.plane?.faults.resetRequests();
    for (let i = 1; i <= 10; i++) {
      const changed = await patchSpec('theta', { image: `ghcr.io/acme/tools:1.0.${i}` });
      const generation = changed.metadata.generation;
      await statusWhen(
        'theta',
        (s) => s.phase === 'Ready' && s.observedGeneration === generation,
        `Ready at generation ${generation}`,
      );
    }
    if (!cluster.plane) return; // a real API server keeps no record of answers
    const writes = cluster.plane.faults
      .requests({ client: FIELD_MANAGER, verb: 'update', resource: 'mcpservers/status' })
      .filter((r) => r.name === 'theta');
    assert.ok(writes.length >= 10, `a status write per change at least (${writes.length})`);
    assert.deepEqual(
      writes.filter((r) => r.code !== 200).map((r) => r.code),
      [],
      'every status write succeeded',
    );
  });

  it('writes the status back when someone else changes it (only its own writes are ignored)', async () => {
    await create(manifest(ns, 'eta'));
    const ready = await statusWhen('eta', (s) => s.phase === 'Ready', 'Ready');
    const live = await get(RESOURCES.mcpServers, 'eta');
    await cluster.admin.update(
      RESOURCES.mcpServers,
      { ...live, status: { ...ready, phase: 'Error', message: 'written by someone else' } },
      { fieldManager: 'someone', subresource: 'status' },
    );
    const restored = await statusWhen(
      'eta',
      (s) => s.phase === 'Ready' && s.message !== 'written by someone else',
      'Ready again',
    );
    assert.deepEqual(restored.conditions, ready.conditions);
  });

  it('deletes nothing by hand: the children go with the MCPServer', async () => {
    const created = await create(manifest(ns, 'epsilon'));
    await ready('epsilon');
    const children = [RESOURCES.deployments, RESOURCES.services, RESOURCES.ingresses];
    for (const resource of children) {
      const child = await get(resource, 'epsilon');
      assert.equal(child.metadata.ownerReferences?.[0]?.uid, created.metadata.uid);
    }
    await cluster.admin.delete(RESOURCES.mcpServers, ns, 'epsilon', {
      propagationPolicy: 'Background',
    });
    // envtest-style control planes run no garbage collector (TEST_CLUSTER_NO_GC=1):
    // there the owner references above are what can be checked.
    if (!cluster.plane && process.env.TEST_CLUSTER_NO_GC === '1') return;
    for (const resource of children) {
      await eventually(
        async () => (await tryGet(resource, 'epsilon')) === undefined,
        `the ${resource.kind} garbage-collected`,
      );
    }
  });
});

/**
 * `kubectl rollout restart` (asynchronously: the local control plane serves
 * from this process), or the strategic merge patch it sends where kubectl is missing.
 */
async function rolloutRestart(
  cluster: TestCluster,
  namespace: string,
  name: string,
): Promise<void> {
  const kubeconfig = cluster.plane?.kubeconfig() ?? process.env.TEST_KUBECONFIG;
  if (KUBECTL && kubeconfig) {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-it-'));
    try {
      const path = cluster.plane ? join(dir, 'kubeconfig') : kubeconfig;
      if (cluster.plane) writeFileSync(path, kubeconfig);
      await promisify(execFile)(KUBECTL, [
        '--kubeconfig',
        path,
        '-n',
        namespace,
        'rollout',
        'restart',
        `deployment/${name}`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  await cluster.admin.patch(
    RESOURCES.deployments,
    namespace,
    name,
    'strategic',
    {
      spec: {
        template: {
          metadata: {
            annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() },
          },
        },
      },
    },
    { fieldManager: 'kubectl-rollout' },
  );
}

export { FIELD_MANAGER };
