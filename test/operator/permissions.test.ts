// The install manifests' roles grant exactly what the code calls. The
// roles are generated from operator/permissions.ts; every integration suite
// runs the operator behind a port that refuses calls outside that list (so a
// missing grant fails there); this suite drives the operator program through
// every path that calls the API — the start-up CRD check, leader election,
// create, update, repair, objects of another owner, route handover, Events
// and their series, static
// defaults under an older CRD, the provisioned-registry Secret and its
// rotation — and checks that each listed permission was used: none is spare.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mcpServerCRD } from '../../src/api/v1alpha1/crd.ts';
import { LEASE_NAME } from '../../src/api/v1alpha1/defaults.ts';
import { checkCRD } from '../../src/cmd/run.ts';
import { LeaderElector } from '../../src/controller/leader-election.ts';
import { PERMISSIONS } from '../../src/operator/permissions.ts';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type { KubeObject } from '@mcp-operator/kube-core/port';
import { applyCRD, eventually, looseCRD, manifest, SILENT_CLASS, startCluster } from './cluster.ts';
import type { RunningOperator, TestCluster } from './cluster.ts';
import { PermittedPort } from './permitted-port.ts';

const declared = () =>
  new Set(
    PERMISSIONS.flatMap((p) =>
      p.verbs.map(
        (verb) =>
          `${verb} ${p.resource.group}/${p.resource.plural}${p.subresource ? `/${p.subresource}` : ''}`,
      ),
    ),
  );

describe('the operator program uses every permission its roles grant', () => {
  let cluster: TestCluster;
  let ns: string;
  const used = new Set<string>();
  const registry = (password: string) => ({
    PROVISIONED_REGISTRY_URL: 'https://registry.internal:5000/',
    PROVISIONED_REGISTRY_USERNAME: 'puller',
    PROVISIONED_REGISTRY_PASSWORD: password,
  });
  const ready = (name: string) =>
    eventually(async () => {
      const s = await cluster.admin.get<KubeObject & { status?: { phase?: string } }>(
        RESOURCES.mcpServers,
        ns,
        name,
      );
      return s.status?.phase === 'Ready';
    }, `${name} Ready`);
  const patchSpec = (name: string, spec: Record<string, unknown>) =>
    cluster.admin.patch(
      RESOURCES.mcpServers,
      ns,
      name,
      'merge',
      { spec },
      { fieldManager: 'test' },
    );
  const collect = async (operator: RunningOperator) => {
    await operator.stop(); // fails when a call was refused
    for (const key of operator.permitted.used) used.add(key);
  };

  before(async () => {
    cluster = await startCluster();
    [ns] = (await cluster.namespaces(1)) as [string];
  });
  after(async () => {
    await applyCRD(cluster.admin, mcpServerCRD());
    await cluster.stop();
  });

  it('start-up check and leader election', async () => {
    const port = new PermittedPort(cluster.admin);
    assert.equal(await checkCRD(port), undefined);
    let leading!: () => void;
    const led = new Promise<void>((resolve) => (leading = resolve));
    const stop = new AbortController();
    const elector = new LeaderElector({
      port,
      namespace: ns,
      name: LEASE_NAME,
      identity: 'permissions-test',
      leaseDurationMs: 1_500,
      renewDeadlineMs: 1_000,
      retryPeriodMs: 200,
      onStartedLeading: () => leading(),
      onStoppedLeading: () => {},
    });
    const done = elector.run(stop.signal);
    await led;
    // One renewal (get, update) before the release (update).
    await eventually(async () => {
      const lease = await cluster.admin.get<
        KubeObject & { spec?: { renewTime?: string; acquireTime?: string } }
      >(RESOURCES.leases, ns, LEASE_NAME);
      return lease.spec?.renewTime !== lease.spec?.acquireTime;
    }, 'a renewal');
    stop.abort();
    await done;
    assert.deepEqual([...port.refused], []);
    for (const key of port.used) used.add(key);
  });

  it('servers: create, update, repair, route handover, Events, the pull Secret', async () => {
    let operator = cluster.startOperator([ns], registry('first'));
    await cluster.admin.create(
      RESOURCES.mcpServers,
      manifest(ns, 'holder', { ingressHost: 'held.example.com', useProvisionedRegistry: true }),
      { fieldManager: 'test' },
    );
    await cluster.admin.create(
      RESOURCES.mcpServers,
      manifest(ns, 'mover', { ingressHost: 'free.example.com' }),
      {
        fieldManager: 'test',
      },
    );
    await ready('holder');
    await ready('mover');
    // An update of every child: a new port changes the Deployment, Service and Ingress.
    await patchSpec('mover', { port: 9000, ingressHost: 'moved.example.com' });
    await eventually(async () => {
      const svc = await cluster.admin.get<
        KubeObject & { spec: { ports: { targetPort: number }[] } }
      >(RESOURCES.services, ns, 'mover');
      return svc.spec.ports[0]?.targetPort === 9000;
    }, 'the Service on the new port');
    await eventually(async () => {
      const ingress = await cluster.admin.get<
        KubeObject & { spec: { rules: { host?: string }[] } }
      >(RESOURCES.ingresses, ns, 'mover');
      return ingress.spec.rules[0]?.host === 'moved.example.com';
    }, 'the Ingress on the new host');
    // Repair, twice: each deleted child is read past the cache and created again,
    // and the second identical "Created" Event becomes a series (a patch).
    for (let round = 0; round < 2; round++) {
      for (const resource of [RESOURCES.deployments, RESOURCES.services, RESOURCES.ingresses]) {
        await cluster.admin.delete(resource, ns, 'mover', {});
        await eventually(async () => {
          try {
            return (await cluster.admin.get(resource, ns, 'mover')).metadata.uid !== undefined;
          } catch {
            return false;
          }
        }, `the ${resource.kind} re-created`);
      }
    }
    // Another class: the previous class's address is cleared from the Ingress's status.
    await patchSpec('mover', { ingressClass: SILENT_CLASS });
    await eventually(async () => {
      const ingress = await cluster.admin.get<
        KubeObject & { spec: { ingressClassName: string }; status?: { loadBalancer?: object } }
      >(RESOURCES.ingresses, ns, 'mover');
      return (
        ingress.spec.ingressClassName === SILENT_CLASS &&
        Object.keys(ingress.status?.loadBalancer ?? {}).length === 0
      );
    }, 'the Ingress in the new class, without the old address');
    // Moving onto the held route costs the mover its Ingress.
    await patchSpec('mover', { ingressHost: 'held.example.com', publicPathPrefix: 'holder' });
    await eventually(async () => {
      try {
        await cluster.admin.get(RESOURCES.ingresses, ns, 'mover');
        return false;
      } catch {
        return true;
      }
    }, 'the mover’s Ingress removed');
    // Objects of another owner under a server's names: each create is refused
    // (AlreadyExists), and the operator reads the object to see whose it is.
    const foreign = { name: 'squatter', namespace: ns, labels: { app: 'squatter' } };
    await cluster.admin.create(
      RESOURCES.deployments,
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: foreign,
        spec: {
          selector: { matchLabels: { app: 'squatter' } },
          template: {
            metadata: { labels: { app: 'squatter' } },
            spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
          },
        },
      },
      { fieldManager: 'someone' },
    );
    await cluster.admin.create(
      RESOURCES.services,
      { apiVersion: 'v1', kind: 'Service', metadata: foreign, spec: { ports: [{ port: 80 }] } },
      { fieldManager: 'someone' },
    );
    await cluster.admin.create(
      RESOURCES.ingresses,
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: foreign,
        spec: { defaultBackend: { service: { name: 'squatter', port: { number: 80 } } } },
      },
      { fieldManager: 'someone' },
    );
    await cluster.admin.create(RESOURCES.mcpServers, manifest(ns, 'squatter'), {
      fieldManager: 'test',
    });
    await eventually(async () => {
      const s = await cluster.admin.get<
        KubeObject & { status?: { conditions?: { reason?: string }[] } }
      >(RESOURCES.mcpServers, ns, 'squatter');
      return (s.status?.conditions ?? []).filter((c) => c.reason === 'ForeignObject').length === 3;
    }, 'ForeignObject for all three');
    await collect(operator);
    // A new registry password: the pull Secret is updated.
    operator = cluster.startOperator([ns], registry('second'));
    await eventually(async () => {
      const secret = await cluster.admin.get<KubeObject & { data?: Record<string, string> }>(
        RESOURCES.secrets,
        ns,
        'mcp-runtime-registry-pull',
      );
      return Buffer.from(secret.data?.['.dockerconfigjson'] ?? '', 'base64')
        .toString()
        .includes('second');
    }, 'the rotated pull Secret');
    await collect(operator);
  });

  it('static defaults persisted under an older CRD', async () => {
    await applyCRD(cluster.admin, looseCRD());
    const operator = cluster.startOperator([ns]);
    await eventually(async () => {
      try {
        await cluster.admin.create(
          RESOURCES.mcpServers,
          {
            ...manifest(ns, 'legacy'),
            spec: { image: 'ghcr.io/acme/tools', ingressClass: 'mcp-test' },
          },
          { fieldManager: 'test' },
        );
        return true;
      } catch {
        return false;
      }
    }, 'the older CRD in force');
    await eventually(async () => {
      const s = await cluster.admin.get<KubeObject & { spec: { replicas?: number } }>(
        RESOURCES.mcpServers,
        ns,
        'legacy',
      );
      return s.spec.replicas === 1;
    }, 'the defaults persisted');
    await collect(operator);
  });

  it('used every granted permission, and nothing else', () => {
    assert.deepEqual(
      [...declared()].filter((key) => !used.has(key)).sort(),
      [],
      'granted, never used',
    );
    assert.deepEqual(
      [...used].filter((key) => !declared().has(key)).sort(),
      [],
      'used, not granted',
    );
  });
});
