// Bad input that reaches the operator past the API server: objects written
// under an older, looser CRD, and a request above its limit (the CRD's CEL has
// no quantity functions before Kubernetes 1.29). The operator reports every
// violation with its field path in the status, creates nothing, records a
// Warning Event, and does not retry in a loop.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mcpServerCRD } from '../../src/api/v1alpha1/crd.ts';
import type { MCPServerStatus } from '../../src/api/v1alpha1/schema.ts';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type { ResourceRef } from '@mcp-operator/kube-core/port';
import {
  TEST_CLASS,
  applyCRD,
  looseCRD,
  eventually,
  exists,
  startCluster,
  statusWhen as waitForStatus,
} from './cluster.ts';
import type { RunningOperator, Server, TestCluster } from './cluster.ts';

describe('invalid MCPServers', () => {
  let cluster: TestCluster;
  let ns: string;
  let operator: RunningOperator;

  const has = (resource: ResourceRef, name: string) => exists(cluster.admin, resource, ns, name);
  const statusWhen = (name: string, ok: (s: MCPServerStatus) => boolean, what: string) =>
    waitForStatus(cluster.admin, ns, name, ok, what);
  const create = (name: string, spec: Record<string, unknown>) =>
    cluster.admin.create(
      RESOURCES.mcpServers,
      {
        apiVersion: 'mcpruntime.org/v1alpha1',
        kind: 'MCPServer',
        metadata: { name, namespace: ns },
        spec,
      },
      { fieldManager: 'test' },
    );

  before(async () => {
    cluster = await startCluster();
    [ns] = (await cluster.namespaces(1)) as [string];
    operator = cluster.startOperator([ns]);
  });
  after(async () => {
    await applyCRD(cluster.admin, mcpServerCRD());
    await cluster.stop();
  });

  it('reports every violation of an object written under an older CRD, builds nothing, and does not loop', async () => {
    await applyCRD(cluster.admin, looseCRD());
    await eventually(async () => {
      try {
        await create('probe-loose', { image: 'has space', replicas: -1 });
        return true;
      } catch {
        return false; // the looser schema is not served yet
      }
    }, 'the looser CRD to be in force');
    await create('broken', {
      image: 'has space',
      port: 'eighty',
      replicas: -1,
      ingressClass: TEST_CLASS,
      tools: [{ name: 'lookup' }],
    });
    const status = await statusWhen('broken', (s) => s.phase === 'Error', 'Error');
    const ready = status.conditions?.find((c) => c.type === 'Ready');
    assert.equal(ready?.reason, 'InvalidSpec');
    for (const path of ['spec.image', 'spec.port', 'spec.replicas', 'spec.tools[0].sideEffect']) {
      assert.ok(
        status.message?.includes(`${path}:`),
        `the message names ${path}: ${status.message}`,
      );
    }
    for (const resource of [RESOURCES.deployments, RESOURCES.services, RESOURCES.ingresses]) {
      assert.equal(await has(resource, 'broken'), false, `no ${resource.kind}`);
    }
    const events = await cluster.admin.list(RESOURCES.events, { namespace: ns });
    const warnings = events.items.filter(
      (e) =>
        e.reason === 'InvalidSpec' &&
        e.type === 'Warning' &&
        (e.regarding as { name?: string } | undefined)?.name === 'broken',
    );
    assert.equal(warnings.length, 1, 'one Warning Event');

    // No loop: while a valid server goes all the way to Ready, the broken one gets no request.
    operator.port.reset();
    cluster.plane?.faults.resetRequests();
    await create('fine', { image: 'ghcr.io/acme/tools:1.0.0', ingressClass: TEST_CLASS });
    await statusWhen('fine', (s) => s.phase === 'Ready', 'Ready');
    assert.deepEqual(
      operator.port.named.filter((call) => call.endsWith(' broken')),
      [],
      'no request about the broken server',
    );
    if (cluster.plane) {
      // The control plane's accounting agrees.
      const touching = cluster.plane.faults
        .requests({ client: 'mcp-runtime-operator' })
        .filter((r) => r.name === 'broken');
      assert.deepEqual(touching, []);
    }
    assert.equal(operator.port.writes()['create deployments'], 1, 'only the valid server\u2019s');
  });

  it('persists the static defaults an older CRD did not fill, and nothing derived', async () => {
    await applyCRD(cluster.admin, looseCRD());
    await create('legacy', {
      image: 'ghcr.io/acme/tools',
      ingressClass: TEST_CLASS,
      tools: [{ name: 'lookup', sideEffect: 'read' }],
    });
    await statusWhen('legacy', (s) => s.phase === 'Ready', 'Ready');
    const stored = await cluster.admin.get<Server>(RESOURCES.mcpServers, ns, 'legacy');
    assert.deepEqual(stored.spec, {
      image: 'ghcr.io/acme/tools',
      ingressClass: TEST_CLASS,
      tools: [{ name: 'lookup', sideEffect: 'read', requiredTrust: 'low' }],
      replicas: 1,
      port: 8088,
      servicePort: 80,
    });
    assert.equal(
      stored.status?.image,
      'ghcr.io/acme/tools:latest',
      'the tag is derived, not stored',
    );
  });

  it('rejects a resource request above its limit, which the CRD cannot check', async () => {
    await applyCRD(cluster.admin, mcpServerCRD());
    await eventually(async () => {
      try {
        await create('probe-strict', { image: 'has space' });
        return false;
      } catch {
        return true; // the strict schema is back
      }
    }, 'the current CRD to be in force');
    await create('greedy', {
      image: 'ghcr.io/acme/tools:1.0.0',
      ingressClass: TEST_CLASS,
      resources: { requests: { cpu: '2' }, limits: { cpu: '1' } },
    });
    const status = await statusWhen('greedy', (s) => s.phase === 'Error', 'Error');
    assert.equal(status.conditions?.[0]?.reason, 'InvalidSpec');
    assert.match(
      status.message ?? '',
      /spec\.resources\.requests\.cpu: cpu request 2 exceeds its limit 1/,
    );
    assert.equal(await has(RESOURCES.deployments, 'greedy'), false);
  });
});
