// The contract of the local control plane: every case runs against the
// in-memory store API and over HTTP with the real @kubernetes/client-node.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { KubeConfig } from '@kubernetes/client-node';
import { mcpServerCRD } from '../../src/api/v1alpha1/crd.ts';
import type { LocalControlPlane } from '../../src/local/control-plane.ts';
import type { KubeObject } from '../../src/local/types.ts';
import { KubeApiError, httpApi, memoryApi, startPlane, waitFor } from './harness.ts';
import type { ContractApi, Ref, Resource } from './harness.ts';

const MCP: Resource = { group: 'mcpruntime.org', version: 'v1alpha1', plural: 'mcpservers' };
const CONFIGMAPS: Resource = { group: '', version: 'v1', plural: 'configmaps' };

let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}`;

function configMap(
  name: string,
  data: Record<string, string> = { a: '1' },
  extra: Partial<KubeObject['metadata']> = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'default', ...extra },
    data,
  };
}

function mcpServer(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'mcpruntime.org/v1alpha1',
    kind: 'MCPServer',
    metadata: { name, namespace: 'default' },
    spec: { image: 'ghcr.io/acme/weather:1.0', ...spec },
  };
}

function deployment(name: string, image = 'nginx:1.27'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'main', image, env: [{ name: 'A', value: '1' }] }] },
      },
    },
  };
}

const ref = (o: KubeObject): Ref => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  name: o.metadata.name!,
  ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
});

async function rejects(
  promise: Promise<unknown>,
  code: number,
  reason: string,
  message?: RegExp | string,
): Promise<KubeApiError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof KubeApiError, `expected an API error, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.equal(err.reason, reason, err.message);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected ${code} ${reason}`);
}

/** Collects watch events until `until` says stop. */
async function collect(
  api: ContractApi,
  resource: Resource,
  params: Parameters<ContractApi['watch']>[2],
  act: () => Promise<void>,
  until: (events: [string, KubeObject][]) => boolean,
): Promise<[string, KubeObject][]> {
  const events: [string, KubeObject][] = [];
  let wake: () => void = () => {};
  const done = new Promise<void>((resolve) => (wake = resolve));
  const stop = await api.watch(
    resource,
    'default',
    params,
    (type, obj) => {
      events.push([type, obj]);
      if (until(events)) wake();
    },
    () => wake(),
  );
  await act();
  if (!until(events)) {
    await Promise.race([
      done,
      new Promise((_, reject) =>
        setTimeout(
          () =>
            reject(
              new Error(
                `watch saw only ${JSON.stringify(events.map(([t, o]) => `${t} ${o.metadata?.name}`))}`,
              ),
            ),
          5000,
        ),
      ),
    ]);
  }
  stop();
  return events;
}

for (const target of ['in-memory', 'http'] as const) {
  describe(`local control plane contract (${target})`, () => {
    let plane: LocalControlPlane;
    let kc: KubeConfig;
    let api: ContractApi;

    before(async () => {
      ({ plane, kc } = await startPlane({ simulation: { deploymentReadyDelayMs: 0 } }));
      plane.applyObject(mcpServerCRD());
      api = target === 'http' ? httpApi(kc) : memoryApi(plane);
    });
    after(() => plane.stop());
    beforeEach(() => {
      plane.store.garbageCollection = true;
    });

    describe('object metadata', () => {
      it('sets uid, creationTimestamp, generation and resourceVersion on create', async () => {
        const created = await api.create(mcpServer(unique('meta')));
        assert.match(created.metadata.uid!, /^[0-9a-f-]{36}$/);
        assert.ok(Math.abs(Date.parse(created.metadata.creationTimestamp!) - Date.now()) < 60_000);
        assert.equal(created.metadata.generation, 1);
        assert.match(created.metadata.resourceVersion!, /^\d+$/);
      });

      it('makes a name from generateName', async () => {
        const created = await api.create({
          ...configMap(''),
          metadata: { generateName: 'gen-', namespace: 'default' },
        });
        assert.match(created.metadata.name!, /^gen-[a-z0-9]{5}$/);
      });

      it('rejects an invalid name with 422', async () => {
        await rejects(
          api.create(configMap('Bad_Name')),
          422,
          'Invalid',
          /^ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
        );
      });

      it('answers 404 for a namespace that does not exist', async () => {
        await rejects(
          api.create({ ...configMap('x'), metadata: { name: 'x', namespace: 'nowhere' } }),
          404,
          'NotFound',
          'namespaces "nowhere" not found',
        );
      });

      it('answers 409 AlreadyExists for a duplicate', async () => {
        const name = unique('dup');
        await api.create(configMap(name));
        await rejects(
          api.create(configMap(name)),
          409,
          'AlreadyExists',
          `configmaps "${name}" already exists`,
        );
      });

      it('keeps one global, increasing resourceVersion that lists carry', async () => {
        const a = await api.create(configMap(unique('rv')));
        const b = await api.create(mcpServer(unique('rv')));
        assert.ok(Number(b.metadata.resourceVersion) > Number(a.metadata.resourceVersion));
        const list = await api.list('v1', 'ConfigMap', 'default');
        assert.ok(Number(list.metadata.resourceVersion) >= Number(b.metadata.resourceVersion));
      });

      it('answers 404 NotFound with the real message', async () => {
        await rejects(
          api.get({
            apiVersion: 'mcpruntime.org/v1alpha1',
            kind: 'MCPServer',
            namespace: 'default',
            name: 'ghost',
          }),
          404,
          'NotFound',
          'mcpservers.mcpruntime.org "ghost" not found',
        );
      });
    });

    describe('optimistic concurrency, generation and status', () => {
      it('rejects an update with a stale resourceVersion with 409 Conflict', async () => {
        const created = await api.create(mcpServer(unique('conflict')));
        await api.replace({ ...created, spec: { image: 'a:1' } });
        await rejects(
          api.replace({ ...created, spec: { image: 'b:1' } }),
          409,
          'Conflict',
          `Operation cannot be fulfilled on mcpservers.mcpruntime.org "${created.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
        );
      });

      it('bumps generation on spec changes only', async () => {
        const created = await api.create(mcpServer(unique('gen')));
        const labelled = await api.patch(ref(created), 'merge', {
          metadata: { labels: { a: 'b' } },
        });
        assert.equal(labelled.metadata.generation, 1);
        const changed = await api.patch(ref(created), 'merge', { spec: { replicas: 3 } });
        assert.equal(changed.metadata.generation, 2);
        const withStatus = await api.patchStatus(MCP, ref(created), {
          status: { phase: 'Pending' },
        });
        assert.equal(withStatus.metadata.generation, 2);
      });

      it('ignores status on the main endpoint and everything but status on /status', async () => {
        const created = await api.create({
          ...mcpServer(unique('status')),
          status: { phase: 'Ready' },
        });
        assert.equal(created.status, undefined);
        const statusWrite = await api.replaceStatus(MCP, {
          ...created,
          spec: { image: 'other:1' },
          status: { phase: 'Pending' },
        });
        assert.deepEqual(statusWrite.status, { phase: 'Pending' });
        assert.equal((statusWrite.spec as { image: string }).image, 'ghcr.io/acme/weather:1.0');
        const mainWrite = await api.replace({ ...statusWrite, status: { phase: 'Error' } });
        assert.deepEqual(mainWrite.status, { phase: 'Pending' });
      });

      it('does nothing for a write that changes nothing', async () => {
        const created = await api.create(configMap(unique('noop')));
        const same = await api.patch(ref(created), 'merge', { data: { a: '1' } });
        assert.equal(same.metadata.resourceVersion, created.metadata.resourceVersion);
      });
    });

    describe('deletion', () => {
      it('holds an object with finalizers until the last one is removed', async () => {
        const created = await api.create(
          configMap(unique('fin'), {}, { finalizers: ['example.com/hold'] }),
        );
        await api.delete(ref(created));
        const held = await api.get(ref(created));
        assert.ok(held.metadata.deletionTimestamp);
        await api.patch(ref(created), 'merge', { metadata: { finalizers: null } });
        await rejects(api.get(ref(created)), 404, 'NotFound');
      });

      it('checks delete preconditions', async () => {
        const created = await api.create(configMap(unique('pre')));
        await rejects(
          api.delete(ref(created), { preconditions: { uid: 'not-the-uid' } }),
          409,
          'Conflict',
          /Precondition failed: UID in precondition: not-the-uid/,
        );
        await api.delete(ref(created), { preconditions: { uid: created.metadata.uid! } });
      });

      it('garbage-collects dependents of a deleted owner', async () => {
        const owner = await api.create(configMap(unique('owner')));
        const ownerRef = {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          name: owner.metadata.name!,
          uid: owner.metadata.uid!,
          controller: true,
          blockOwnerDeletion: true,
        };
        const dependent = await api.create(
          configMap(unique('dependent'), {}, { ownerReferences: [ownerRef] }),
        );
        await api.delete(ref(owner));
        await waitFor(
          async () =>
            await api.get(ref(dependent)).then(
              () => undefined,
              () => true,
            ),
          'the dependent to be collected',
        );
      });

      it('orphans dependents with propagationPolicy Orphan, and deletes them first with Foreground', async () => {
        const owner = await api.create(configMap(unique('orphaner')));
        const ownerRef = {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          name: owner.metadata.name!,
          uid: owner.metadata.uid!,
        };
        const orphan = await api.create(
          configMap(unique('orphan'), {}, { ownerReferences: [ownerRef] }),
        );
        await api.delete(ref(owner), { propagationPolicy: 'Orphan' });
        await waitFor(
          async () =>
            await api.get(ref(owner)).then(
              () => undefined,
              () => true,
            ),
          'the owner to go',
        );
        assert.equal((await api.get(ref(orphan))).metadata.ownerReferences, undefined);

        const parent = await api.create(configMap(unique('parent')));
        const parentRef = {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          name: parent.metadata.name!,
          uid: parent.metadata.uid!,
          blockOwnerDeletion: true,
        };
        const child = await api.create(
          configMap(unique('child'), {}, { ownerReferences: [parentRef] }),
        );
        await api.delete(ref(parent), { propagationPolicy: 'Foreground' });
        await waitFor(
          async () =>
            await api.get(ref(child)).then(
              () => undefined,
              () => true,
            ),
          'the child to go',
        );
        await waitFor(
          async () =>
            await api.get(ref(parent)).then(
              () => undefined,
              () => true,
            ),
          'the parent to go',
        );
      });

      it('keeps dependents when garbage collection is off', async () => {
        plane.store.garbageCollection = false;
        const owner = await api.create(configMap(unique('owner')));
        const ownerRef = {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          name: owner.metadata.name!,
          uid: owner.metadata.uid!,
        };
        const dependent = await api.create(
          configMap(unique('kept'), {}, { ownerReferences: [ownerRef] }),
        );
        await api.delete(ref(owner));
        await new Promise((r) => setImmediate(r));
        assert.equal((await api.get(ref(dependent))).metadata.name, dependent.metadata.name);
      });

      it('removes the objects of a deleted namespace, then the namespace', async () => {
        const ns = unique('ns');
        await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
        const cm = await api.create({
          ...configMap('inside'),
          metadata: { name: 'inside', namespace: ns },
        });
        await api.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns });
        await waitFor(
          async () =>
            await api.get(ref(cm)).then(
              () => undefined,
              () => true,
            ),
          'the object to go',
        );
        await waitFor(
          async () =>
            await api.get({ apiVersion: 'v1', kind: 'Namespace', name: ns }).then(
              () => undefined,
              () => true,
            ),
          'the namespace to go',
        );
      });
    });

    describe('patches', () => {
      it('applies a JSON patch', async () => {
        const created = await api.create(mcpServer(unique('jsonpatch')));
        const patched = await api.patch(ref(created), 'json', [
          { op: 'replace', path: '/spec/replicas', value: 2 },
          { op: 'add', path: '/metadata/labels', value: { team: 'a' } },
        ]);
        assert.equal((patched.spec as { replicas: number }).replicas, 2);
        assert.deepEqual(patched.metadata.labels, { team: 'a' });
      });

      it('applies a merge patch, null deleting', async () => {
        const created = await api.create(configMap(unique('merge'), { a: '1', b: '2' }));
        const patched = await api.patch(ref(created), 'merge', { data: { a: null, c: '3' } });
        assert.deepEqual(patched.data, { b: '2', c: '3' });
      });

      it('applies a strategic merge patch to a built-in, merging containers by name', async () => {
        const created = await api.create(deployment(unique('smp')));
        const patched = await api.patch(ref(created), 'strategic', {
          spec: {
            template: {
              spec: { containers: [{ name: 'main', env: [{ name: 'B', value: '2' }] }] },
            },
          },
        });
        const containers = (
          patched.spec as {
            template: { spec: { containers: { name: string; image: string; env: unknown[] }[] } };
          }
        ).template.spec.containers;
        assert.equal(containers.length, 1);
        assert.equal(containers[0]!.image, 'nginx:1.27');
        const env = containers[0]!.env as { name: string }[];
        assert.deepEqual(
          [...env].sort((a, b) => a.name.localeCompare(b.name)),
          [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
          ],
        );
      });

      it('answers 415 to a strategic merge patch of a custom resource', async () => {
        const created = await api.create(mcpServer(unique('smp-cr')));
        await rejects(
          api.patch(ref(created), 'strategic', { spec: { replicas: 2 } }),
          415,
          'UnsupportedMediaType',
        );
      });
    });

    describe('server-side apply', () => {
      it('creates, conflicts between managers, forces and removes fields no longer applied', async () => {
        const name = unique('ssa');
        const r: Ref = {
          apiVersion: 'mcpruntime.org/v1alpha1',
          kind: 'MCPServer',
          namespace: 'default',
          name,
        };
        const created = await api.patch(
          r,
          'apply',
          { spec: { image: 'a:1', replicas: 2, teamID: 'one' } },
          { fieldManager: 'alice' },
        );
        assert.equal((created.spec as { replicas: number }).replicas, 2);
        assert.ok(
          created.metadata.managedFields?.some(
            (m) => m.manager === 'alice' && m.operation === 'Apply',
          ),
        );
        const conflict = await rejects(
          api.patch(r, 'apply', { spec: { image: 'a:1', replicas: 3 } }, { fieldManager: 'bob' }),
          409,
          'Conflict',
          /conflict with "alice"/,
        );
        assert.ok(
          conflict.causes.some(
            (c) => c.field === '.spec.replicas' && c.reason === 'FieldManagerConflict',
          ),
        );
        const forced = await api.patch(
          r,
          'apply',
          { spec: { image: 'a:1', replicas: 3 } },
          { fieldManager: 'bob', force: true },
        );
        assert.equal((forced.spec as { replicas: number }).replicas, 3);
        const dropped = await api.patch(
          r,
          'apply',
          { spec: { image: 'a:1' } },
          { fieldManager: 'alice' },
        );
        assert.equal((dropped.spec as { teamID?: string }).teamID, undefined);
        assert.equal((dropped.spec as { replicas: number }).replicas, 3);
      });
    });

    describe('custom resource schemas', () => {
      it('prunes unknown fields and applies defaults', async () => {
        const created = await api.create(mcpServer(unique('prune'), { auth: { mode: 'oauth' } }));
        const spec = created.spec as Record<string, unknown>;
        assert.equal(spec.auth, undefined);
        assert.equal(spec.replicas, 1);
        assert.equal(spec.port, 8088);
        assert.equal(spec.ingressClass, 'traefik');
      });

      it('rejects unknown fields with fieldValidation=Strict', async () => {
        await rejects(
          api.create(mcpServer(unique('strict'), { auth: {} }), { fieldValidation: 'Strict' }),
          400,
          'BadRequest',
          /strict decoding error: unknown field "spec\.auth"/,
        );
      });

      it('answers 422 Invalid with every field path, CEL rules included', async () => {
        const err = await rejects(
          api.create(
            mcpServer(unique('invalid'), {
              port: 70000,
              tools: [
                { name: 'x', sideEffect: 'read' },
                { name: 'x', sideEffect: 'read' },
              ],
            }),
          ),
          422,
          'Invalid',
        );
        const fields = err.causes.map((c) => c.field);
        assert.ok(fields.includes('spec.port'), JSON.stringify(err.causes));
        assert.ok(fields.includes('spec.tools'), JSON.stringify(err.causes));
        assert.match(err.message, /tool names must be unique/);
      });
    });

    describe('built-in validation', () => {
      it('checks Lease times are MicroTime', async () => {
        const lease = (renewTime: string): KubeObject => ({
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: unique('lease'), namespace: 'default' },
          spec: { holderIdentity: 'a', leaseDurationSeconds: 15, renewTime },
        });
        const ok = await api.create(lease('2026-11-24T21:00:00.123456Z'));
        assert.equal((ok.spec as { renewTime: string }).renewTime, '2026-11-24T21:00:00.123456Z');
        await rejects(
          api.create(lease('2026-11-24T21:00:00Z')),
          422,
          'Invalid',
          /spec\.renewTime: Invalid value/,
        );
      });

      it('keeps a Deployment selector immutable', async () => {
        const d = await api.create(deployment(unique('immutable')));
        await rejects(
          api.patch(ref(d), 'merge', {
            spec: {
              selector: { matchLabels: { app: 'other' } },
              template: { metadata: { labels: { app: 'other' } } },
            },
          }),
          422,
          'Invalid',
          /spec\.selector: Invalid value: .*field is immutable/,
        );
      });
    });

    describe('lists and selectors', () => {
      it('selects by label and by field, and pages with limit and continue', async () => {
        const team = unique('team');
        for (const n of [1, 2, 3])
          await api.create(configMap(`${team}-${n}`, {}, { labels: { team, n: String(n) } }));
        const byLabel = await api.list('v1', 'ConfigMap', 'default', {
          labelSelector: `team=${team},n in (1,3)`,
        });
        assert.deepEqual(
          byLabel.items.map((o) => o.metadata.name),
          [`${team}-1`, `${team}-3`],
        );
        const notTwo = await api.list('v1', 'ConfigMap', 'default', {
          labelSelector: `team=${team},n!=2`,
        });
        assert.equal(notTwo.items.length, 2);
        const byField = await api.list('v1', 'ConfigMap', 'default', {
          fieldSelector: `metadata.name=${team}-2`,
        });
        assert.deepEqual(
          byField.items.map((o) => o.metadata.name),
          [`${team}-2`],
        );
        const page1 = await api.list('v1', 'ConfigMap', 'default', {
          labelSelector: `team=${team}`,
          limit: 2,
        });
        assert.equal(page1.items.length, 2);
        assert.ok(page1.metadata.continue);
        const page2 = await api.list('v1', 'ConfigMap', 'default', {
          labelSelector: `team=${team}`,
          limit: 2,
          continue: page1.metadata.continue,
        });
        assert.deepEqual(
          page2.items.map((o) => o.metadata.name),
          [`${team}-3`],
        );
      });
    });

    describe('watch', () => {
      it('sends ADDED, MODIFIED and DELETED', async () => {
        const name = unique('watched');
        const events = await collect(
          api,
          CONFIGMAPS,
          { labelSelector: `watch=${name}` },
          async () => {
            const cm = await api.create(configMap(name, {}, { labels: { watch: name } }));
            await api.patch(ref(cm), 'merge', { data: { b: '2' } });
            await api.delete(ref(cm));
          },
          (e) => e.some(([t]) => t === 'DELETED'),
        );
        assert.deepEqual(
          events.map(([t]) => t),
          ['ADDED', 'MODIFIED', 'DELETED'],
        );
      });

      it('replays the history after a resourceVersion', async () => {
        const name = unique('replay');
        const cm = await api.create(configMap(name, {}, { labels: { replay: name } }));
        await api.patch(ref(cm), 'merge', { data: { z: '9' } });
        const events = await collect(
          api,
          CONFIGMAPS,
          { resourceVersion: cm.metadata.resourceVersion!, labelSelector: `replay=${name}` },
          async () => {},
          (e) => e.length >= 1,
        );
        assert.deepEqual(
          events.map(([t, o]) => [t, o.data]),
          [['MODIFIED', { z: '9' }]],
        );
      });

      it('answers a resourceVersion older than the history with 410 Expired', async () => {
        const cm = await api.create(configMap(unique('expired')));
        plane.compactHistory();
        await api.create(configMap(unique('after')));
        const events = await collect(
          api,
          CONFIGMAPS,
          { resourceVersion: String(Number(cm.metadata.resourceVersion) - 1) },
          async () => {},
          (e) => e.length >= 1,
        );
        assert.equal(events[0]![0], 'ERROR');
        assert.equal((events[0]![1] as unknown as { code: number }).code, 410);
        assert.equal((events[0]![1] as unknown as { reason: string }).reason, 'Expired');
      });

      it('starts with ADDED for existing objects without a resourceVersion', async () => {
        const name = unique('existing');
        await api.create(configMap(name, {}, { labels: { existing: name } }));
        const events = await collect(
          api,
          CONFIGMAPS,
          { labelSelector: `existing=${name}` },
          async () => {},
          (e) => e.length >= 1,
        );
        assert.deepEqual(
          events.map(([t, o]) => [t, o.metadata.name]),
          [['ADDED', name]],
        );
      });
    });

    describe('simulated controllers', () => {
      it('fills Deployment status as if the pods came up', async () => {
        const d = await api.create(deployment(unique('ready')));
        const ready = await waitFor(async () => {
          const live = await api.get(ref(d));
          return (live.status as { readyReplicas?: number } | undefined)?.readyReplicas === 1
            ? live
            : undefined;
        }, 'the Deployment to be ready');
        assert.equal((ready.status as { observedGeneration: number }).observedGeneration, 1);
      });

      it('holds a Deployment unready, and fails one with a pod-level reason', async () => {
        const held = deployment(unique('held'));
        plane.controllers.holdDeployment('default', held.metadata.name!);
        await api.create(held);
        const live = await waitFor(async () => {
          const o = await api.get(ref(held));
          return (o.status as { observedGeneration?: number } | undefined)?.observedGeneration
            ? o
            : undefined;
        }, 'the held Deployment status');
        assert.equal((live.status as { readyReplicas?: number }).readyReplicas, undefined);
        plane.controllers.failDeployment('default', held.metadata.name!, 'ImagePullBackOff');
        await waitFor(async () => {
          const o = await api.get(ref(held));
          const conditions =
            (o.status as { conditions?: { type: string; reason: string }[] }).conditions ?? [];
          return (
            conditions.some(
              (c) => c.type === 'ReplicaFailure' && c.reason === 'ImagePullBackOff',
            ) || undefined
          );
        }, 'the failure to show');
      });

      it('allocates Service cluster IPs and publishes Ingress addresses for simulated classes', async () => {
        const svc = await api.create({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: unique('svc'), namespace: 'default' },
          spec: { selector: { app: 'x' }, ports: [{ port: 80 }] },
        });
        assert.match((svc.spec as { clusterIP: string }).clusterIP, /^10\.96\.\d+\.\d+$/);
        plane.addSimulatedIngressClass('simulated');
        const ing = await api.create({
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: { name: unique('ing'), namespace: 'default' },
          spec: {
            ingressClassName: 'simulated',
            rules: [
              {
                http: {
                  paths: [
                    {
                      path: '/',
                      pathType: 'Prefix',
                      backend: { service: { name: 'x', port: { number: 80 } } },
                    },
                  ],
                },
              },
            ],
          },
        });
        await waitFor(async () => {
          const o = await api.get(ref(ing));
          return (
            (o.status as { loadBalancer?: { ingress?: { ip: string }[] } } | undefined)
              ?.loadBalancer?.ingress?.[0]?.ip === '127.0.0.1' || undefined
          );
        }, 'the load-balancer address');
      });
    });

    describe('CRDs', () => {
      it('registers a resource when its CRD is created, and removes it with the CRD', async () => {
        const crd = {
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          metadata: { name: 'widgets.example.com' },
          spec: {
            group: 'example.com',
            names: {
              kind: 'Widget',
              listKind: 'WidgetList',
              plural: 'widgets',
              singular: 'widget',
            },
            scope: 'Namespaced',
            versions: [
              {
                name: 'v1',
                served: true,
                storage: true,
                schema: {
                  openAPIV3Schema: {
                    type: 'object',
                    properties: {
                      spec: { type: 'object', properties: { size: { type: 'integer' } } },
                    },
                  },
                },
              },
            ],
          },
        } as KubeObject;
        await api.create(crd);
        const widget = await api.create({
          apiVersion: 'example.com/v1',
          kind: 'Widget',
          metadata: { name: 'w', namespace: 'default' },
          spec: { size: 3 },
        });
        assert.equal((widget.spec as { size: number }).size, 3);
        await api.delete({
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          name: 'widgets.example.com',
        });
        await waitFor(
          () => (plane.store.typeFor('example.com', 'widgets') ? undefined : true),
          'the resource to go',
        );
      });
    });
  });
}
