// The contract of the local control plane: every case runs against the
// in-memory store API and over HTTP with the real @kubernetes/client-node.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { KubeConfig } from '@kubernetes/client-node';
import { mcpServerCRD } from '../../src/api/v1alpha1/crd.ts';
import type { LocalControlPlane } from '@mcp-operator/local-control-plane/control-plane';
import type { KubeObject } from '@mcp-operator/local-control-plane/types';
import {
  KubeApiError,
  httpApi,
  memoryApi,
  startPlane,
  waitFor,
} from '@mcp-operator/local-control-plane/testing';
import type { ContractApi, Ref, Resource } from '@mcp-operator/local-control-plane/testing';

const MCP: Resource = { group: 'mcpruntime.org', version: 'v1alpha1', plural: 'mcpservers' };
const CONFIGMAPS: Resource = { group: '', version: 'v1', plural: 'configmaps' };
const CORE_EVENTS: Resource = { group: '', version: 'v1', plural: 'events' };
const EVENTS_V1: Resource = { group: 'events.k8s.io', version: 'v1', plural: 'events' };

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
/** Times compare as instants: client-node hands them back as Dates (milliseconds). */
const instant = (value: unknown) => Date.parse(String(value));
const field = (o: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], o);

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

    describe('DELETE answers', () => {
      // pkg/registry/core/namespace/storage (REST.Delete): the first DELETE sets
      // deletionTimestamp and phase Terminating and answers the namespace; handlers/delete.go
      // answers 200 (202 only for OrphanDependents=false); a DELETE while spec.finalizers
      // remain is 409 with the registry's message.
      it('answers a namespace DELETE with 200 and the terminating namespace, then 409 while it empties', async () => {
        const ns = unique('ns-delete');
        const namespace: Ref = { apiVersion: 'v1', kind: 'Namespace', name: ns };
        await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
        // A finalizer inside keeps the namespace terminating until it is released.
        const held = await api.create({
          ...configMap('held'),
          metadata: { name: 'held', namespace: ns, finalizers: ['example.com/hold'] },
        });
        const reply = await api.deleteReply(namespace);
        assert.equal(reply.code, 200);
        assert.equal(reply.body.kind, 'Namespace');
        assert.equal(field(reply.body, 'status', 'phase'), 'Terminating');
        const live = await api.get(namespace);
        assert.ok(live.metadata.deletionTimestamp);
        assert.equal(field(live, 'status', 'phase'), 'Terminating');
        await rejects(
          api.deleteReply(namespace),
          409,
          'Conflict',
          `Operation cannot be fulfilled on namespaces "${ns}": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.`,
        );
        await api.patch(ref(held), 'merge', { metadata: { finalizers: null } });
        await waitFor(
          async () =>
            await api.get(namespace).then(
              () => undefined,
              () => true,
            ),
          'the namespace to go',
        );
      });

      // The generic registry (registry/store.go): an object deleted at once is answered with a
      // Success Status naming it (finalizeDelete: details.kind is the resource), an object held
      // by finalizers with itself; both 200. Services return the deleted object
      // (ReturnDeletedObject in pkg/registry/core/service/storage).
      it('answers other DELETEs with 200: a Status once gone, the object while finalizers hold it', async () => {
        const cm = await api.create(configMap(unique('del-status')));
        const gone = await api.deleteReply(ref(cm));
        assert.equal(gone.code, 200);
        assert.equal(gone.body.kind, 'Status');
        assert.equal(gone.body.status, 'Success');
        assert.deepEqual(gone.body.details, {
          name: cm.metadata.name,
          kind: 'configmaps',
          uid: cm.metadata.uid,
        });

        const cr = await api.create(mcpServer(unique('del-cr')));
        const crGone = await api.deleteReply(ref(cr));
        assert.equal(crGone.code, 200);
        assert.deepEqual(crGone.body.details, {
          name: cr.metadata.name,
          group: 'mcpruntime.org',
          kind: 'mcpservers',
          uid: cr.metadata.uid,
        });

        const held = await api.create(
          configMap(unique('del-held'), {}, { finalizers: ['example.com/hold'] }),
        );
        const holding = await api.deleteReply(ref(held));
        assert.equal(holding.code, 200);
        assert.equal(holding.body.kind, 'ConfigMap');
        assert.ok((await api.get(ref(held))).metadata.deletionTimestamp);
        // A second DELETE of an object being deleted answers it again.
        assert.equal((await api.deleteReply(ref(held))).code, 200);
        await api.patch(ref(held), 'merge', { metadata: { finalizers: null } });

        const svc = await api.create({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: unique('del-svc'), namespace: 'default' },
          spec: { ports: [{ port: 80 }] },
        });
        const svcGone = await api.deleteReply(ref(svc));
        assert.equal(svcGone.code, 200);
        assert.equal(svcGone.body.kind, 'Service');
      });
    });

    describe('storage as kube-apiserver keeps it', () => {
      // pkg/apis/core/v1/conversion.go, Convert_v1_Secret_To_core_Secret: stringData
      // overwrites the same keys of data when the body is decoded, and the internal type has
      // no stringData, so it is never stored or returned.
      it("merges a Secret's stringData into data on create, update and patches, and never returns it", async () => {
        const name = unique('secret');
        const created = await api.create({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name, namespace: 'default' },
          data: { kept: b64('old'), over: b64('before') },
          stringData: { over: 'after', added: 'grüße' },
        });
        assert.deepEqual(created.data, {
          kept: b64('old'),
          over: b64('after'),
          added: b64('grüße'),
        });
        assert.equal(created.stringData, undefined);
        const read = await api.get(ref(created));
        assert.deepEqual(read.data, created.data);
        assert.equal(read.stringData, undefined);

        const replaced = await api.replace({ ...read, stringData: { kept: 'new' } });
        assert.equal((replaced.data as Record<string, string>).kept, b64('new'));
        assert.equal(replaced.stringData, undefined);

        const patched = await api.patch(ref(created), 'merge', {
          stringData: { added: 'patched' },
        });
        assert.equal((patched.data as Record<string, string>).added, b64('patched'));
        assert.equal(patched.stringData, undefined);

        const strategic = await api.patch(ref(created), 'strategic', {
          stringData: { over: 'strategic' },
        });
        assert.equal((strategic.data as Record<string, string>).over, b64('strategic'));

        const applied = await api.patch(
          ref(created),
          'apply',
          { stringData: { fromApply: 'yes' } },
          { fieldManager: 'contract-apply' },
        );
        assert.equal((applied.data as Record<string, string>).fromApply, b64('yes'));
        assert.equal(applied.stringData, undefined);

        const listed = await api.list('v1', 'Secret', 'default', {
          fieldSelector: `metadata.name=${name}`,
        });
        assert.equal(listed.items[0]!.stringData, undefined);
        assert.equal((listed.items[0]!.data as Record<string, string>).kept, b64('new'));
      });

      // pkg/apis/events/v1/conversion.go: events.k8s.io/v1 and core/v1 Events share one
      // storage; note↔message, regarding↔involvedObject, reportingController↔reportingComponent,
      // deprecatedSource/FirstTimestamp/LastTimestamp/Count↔source/firstTimestamp/
      // lastTimestamp/count; eventTime, series, action, reason, type, related and
      // reportingInstance keep their names.
      it('serves one Event through events.k8s.io/v1 and core v1, converting the fields', async () => {
        const name = unique('ev');
        const target = unique('target');
        const created = await api.create({
          apiVersion: 'events.k8s.io/v1',
          kind: 'Event',
          metadata: { name, namespace: 'default' },
          eventTime: '2026-03-04T10:20:30.456000Z',
          reportingController: 'example.com/controller',
          reportingInstance: 'controller-1',
          action: 'Reconcile',
          reason: 'Started',
          note: 'started the thing',
          type: 'Normal',
          regarding: { apiVersion: 'v1', kind: 'ConfigMap', name: target, namespace: 'default' },
          series: { count: 2, lastObservedTime: '2026-03-04T10:21:30.456000Z' },
        });
        const core = await api.get({ apiVersion: 'v1', kind: 'Event', namespace: 'default', name });
        assert.equal(core.apiVersion, 'v1');
        assert.equal(core.metadata.resourceVersion, created.metadata.resourceVersion);
        assert.equal(core.metadata.uid, created.metadata.uid);
        assert.equal(core.message, 'started the thing');
        assert.equal(field(core, 'involvedObject', 'name'), target);
        assert.equal(core.reportingComponent, 'example.com/controller');
        assert.equal(core.reportingInstance, 'controller-1');
        assert.equal(core.action, 'Reconcile');
        assert.equal(core.reason, 'Started');
        assert.equal(core.type, 'Normal');
        assert.equal(instant(core.eventTime), instant('2026-03-04T10:20:30.456Z'));
        assert.equal(field(core, 'series', 'count'), 2);
        for (const v1Only of ['note', 'regarding', 'reportingController'])
          assert.equal(core[v1Only], undefined, v1Only);

        const legacy = unique('legacy');
        await api.create({
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: legacy, namespace: 'default' },
          involvedObject: { kind: 'ConfigMap', name: target, namespace: 'default' },
          reason: 'Old',
          message: 'from core',
          type: 'Warning',
          source: { component: 'kubelet', host: 'node-1' },
          firstTimestamp: '2026-03-04T10:00:00Z',
          lastTimestamp: '2026-03-04T10:05:00Z',
          count: 3,
        });
        const v1 = await api.get({
          apiVersion: 'events.k8s.io/v1',
          kind: 'Event',
          namespace: 'default',
          name: legacy,
        });
        assert.equal(v1.apiVersion, 'events.k8s.io/v1');
        assert.equal(v1.note, 'from core');
        assert.equal(field(v1, 'regarding', 'name'), target);
        assert.deepEqual(v1.deprecatedSource, { component: 'kubelet', host: 'node-1' });
        assert.equal(v1.deprecatedCount, 3);
        assert.equal(instant(v1.deprecatedFirstTimestamp), instant('2026-03-04T10:00:00Z'));
        assert.equal(instant(v1.deprecatedLastTimestamp), instant('2026-03-04T10:05:00Z'));
        for (const coreOnly of ['message', 'involvedObject', 'source', 'count'])
          assert.equal(v1[coreOnly], undefined, coreOnly);

        // Lists of either view see both, each selected by its own version's labels.
        const byCore = await api.list('v1', 'Event', 'default', {
          fieldSelector: `involvedObject.name=${target}`,
        });
        assert.deepEqual(byCore.items.map((o) => o.metadata.name).sort(), [legacy, name].sort());
        assert.ok(byCore.items.every((o) => o.apiVersion === undefined || o.apiVersion === 'v1'));
        const byV1 = await api.list('events.k8s.io/v1', 'Event', 'default', {
          fieldSelector: `regarding.name=${target},reportingController=example.com/controller`,
        });
        assert.deepEqual(
          byV1.items.map((o) => o.metadata.name),
          [name],
        );

        // A write through one view is what the other reads.
        await api.patch({ apiVersion: 'v1', kind: 'Event', namespace: 'default', name }, 'merge', {
          message: 'patched through core',
        });
        const again = await api.get(ref(created));
        assert.equal(again.note, 'patched through core');
      });

      it('watches one Event storage through either view', async () => {
        const viaCore = unique('w-core');
        const seenByV1 = await collect(
          api,
          EVENTS_V1,
          { fieldSelector: `regarding.name=${viaCore}` },
          async () => {
            await api.create({
              apiVersion: 'v1',
              kind: 'Event',
              metadata: { name: viaCore, namespace: 'default' },
              involvedObject: { kind: 'ConfigMap', name: viaCore, namespace: 'default' },
              reason: 'Core',
              message: 'written through core',
            });
          },
          (e) => e.length >= 1,
        );
        assert.deepEqual(
          seenByV1.map(([t, o]) => [t, o.apiVersion, o.note]),
          [['ADDED', 'events.k8s.io/v1', 'written through core']],
        );

        const viaV1 = unique('w-v1');
        const seenByCore = await collect(
          api,
          CORE_EVENTS,
          { fieldSelector: `involvedObject.name=${viaV1}` },
          async () => {
            await api.create({
              apiVersion: 'events.k8s.io/v1',
              kind: 'Event',
              metadata: { name: viaV1, namespace: 'default' },
              eventTime: '2026-03-04T10:20:30.456000Z',
              reportingController: 'example.com/controller',
              reportingInstance: 'controller-1',
              action: 'Reconcile',
              reason: 'V1',
              note: 'written through events.k8s.io',
              type: 'Normal',
              regarding: { kind: 'ConfigMap', name: viaV1, namespace: 'default' },
            });
          },
          (e) => e.length >= 1,
        );
        assert.deepEqual(
          seenByCore.map(([t, o]) => [t, o.apiVersion, o.message]),
          [['ADDED', 'v1', 'written through events.k8s.io']],
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

      // ValidateImmutableField compares with apiequality.Semantic.DeepEqual: the same
      // matchLabels in another key order are the same selector.
      it('accepts a Deployment update whose selector lists the same matchLabels in another order', async () => {
        const name = unique('reorder');
        const base = deployment(name);
        const spec = base.spec as { selector: unknown; template: { metadata: unknown } };
        spec.selector = { matchLabels: { app: name, tier: 'web' } };
        spec.template.metadata = { labels: { app: name, tier: 'web' } };
        const created = await api.create(base);
        // The simulated Deployment controller writes status meanwhile: update the latest.
        const live = await waitFor(async () => {
          const o = await api.get(ref(created));
          return field(o, 'status', 'readyReplicas') === 1 ? o : undefined;
        }, 'the Deployment to be ready');
        const reordered = {
          ...live,
          spec: {
            ...(live.spec as object),
            selector: { matchLabels: { tier: 'web', app: name } },
          },
        };
        const updated = await api.replace(reordered);
        assert.deepEqual(field(updated, 'spec', 'selector', 'matchLabels'), {
          app: name,
          tier: 'web',
        });
        assert.equal(updated.metadata.generation, created.metadata.generation);
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

    describe('field selectors per kind', () => {
      // runtime.DefaultMetaV1FieldSelectorConversion for kinds without a conversion function
      // of their own; the kinds' own functions (pkg/apis/core/v1/conversion.go) and
      // apiextensions' crConverter say "field label not supported".
      it("refuses a field a kind cannot be selected by with 400 and kube-apiserver's wording", async () => {
        await rejects(
          api.list('v1', 'ConfigMap', 'default', { fieldSelector: 'spec.foo=bar' }),
          400,
          'BadRequest',
          '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"',
        );
        await rejects(
          api.list('v1', 'Secret', 'default', { fieldSelector: 'spec.foo=bar' }),
          400,
          'BadRequest',
          'field label not supported: spec.foo',
        );
        await rejects(
          api.list('mcpruntime.org/v1alpha1', 'MCPServer', 'default', {
            fieldSelector: 'spec.image=x',
          }),
          400,
          'BadRequest',
          'field label not supported: spec.image',
        );
        await rejects(
          api.list('events.k8s.io/v1', 'Event', 'default', {
            fieldSelector: 'involvedObject.name=x',
          }),
          400,
          'BadRequest',
          'field label not supported: involvedObject.name',
        );
      });

      it("selects by a kind's own fields", async () => {
        const name = unique('typed');
        await api.create({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name, namespace: 'default' },
          type: 'example.com/typed',
          data: {},
        });
        const typed = await api.list('v1', 'Secret', 'default', {
          fieldSelector: 'type=example.com/typed',
        });
        assert.deepEqual(
          typed.items.map((o) => o.metadata.name),
          [name],
        );
      });
    });

    describe('lists at a resourceVersion', () => {
      // The API concepts' semantics for list: resourceVersionMatch=Exact, or (legacy) a
      // resourceVersion with a limit, reads that exact state; without either it is "not older
      // than". Past the history, etcd3's 410 Expired: "The resourceVersion for the provided
      // list is too old." (staging/src/k8s.io/apiserver/pkg/storage/etcd3/errors.go).
      it('lists exactly at a resourceVersion the history covers, and answers 410 past it', async () => {
        const team = unique('rvlist');
        const a = await api.create(configMap(`${team}-a`, { v: '1' }, { labels: { team } }));
        const at = a.metadata.resourceVersion!;
        await api.patch(ref(a), 'merge', { data: { v: '2' } });
        await api.create(configMap(`${team}-b`, { v: '1' }, { labels: { team } }));
        const selector = { labelSelector: `team=${team}` };
        for (const opts of [
          { resourceVersion: at, resourceVersionMatch: 'Exact' },
          { resourceVersion: at, limit: 10 },
        ]) {
          const exact = await api.list('v1', 'ConfigMap', 'default', { ...selector, ...opts });
          assert.equal(exact.metadata.resourceVersion, at);
          assert.deepEqual(
            exact.items.map((o) => [o.metadata.name, o.data]),
            [[`${team}-a`, { v: '1' }]],
          );
        }
        const notOlder = await api.list('v1', 'ConfigMap', 'default', {
          ...selector,
          resourceVersion: at,
        });
        assert.equal(notOlder.items.length, 2);

        await api.create(configMap(unique('moves-on')));
        plane.compactHistory();
        for (const opts of [
          { resourceVersion: at, resourceVersionMatch: 'Exact' },
          { resourceVersion: at, limit: 10 },
        ]) {
          await rejects(
            api.list('v1', 'ConfigMap', 'default', { ...selector, ...opts }),
            410,
            'Expired',
            'The resourceVersion for the provided list is too old.',
          );
        }
        // "Not older than" is still served, from the latest state.
        const latest = await api.list('v1', 'ConfigMap', 'default', {
          ...selector,
          resourceVersion: at,
          resourceVersionMatch: 'NotOlderThan',
        });
        assert.equal(latest.items.length, 2);
      });

      // etcd3's handleCompactedErrorForPaging: the 410 carries a continue token with
      // resourceVersion -1, which goes on from the same key at the latest state.
      it('answers a continue token from before the history with 410 and a token that goes on', async () => {
        const team = unique('paged');
        for (const n of [1, 2, 3])
          await api.create(configMap(`${team}-${n}`, {}, { labels: { team } }));
        const page1 = await api.list('v1', 'ConfigMap', 'default', {
          labelSelector: `team=${team}`,
          limit: 1,
        });
        await api.create(configMap(unique('moves-on')));
        plane.compactHistory();
        const expired = await rejects(
          api.list('v1', 'ConfigMap', 'default', {
            labelSelector: `team=${team}`,
            limit: 1,
            continue: page1.metadata.continue!,
          }),
          410,
          'Expired',
          /^The provided continue parameter is too old to display a consistent list result\. You can start a new list without the continue parameter, or use the continue token in this response/,
        );
        assert.ok(expired.listContinue);
        const rest = await api.list('v1', 'ConfigMap', 'default', {
          labelSelector: `team=${team}`,
          limit: 10,
          continue: expired.listContinue,
        });
        assert.deepEqual(
          rest.items.map((o) => o.metadata.name),
          [`${team}-2`, `${team}-3`],
        );
      });

      // apimachinery's ValidateListOptions (422 on ListOptions.meta.k8s.io) and the watch
      // cache's storage.NewTooLargeResourceVersionError (504 Timeout).
      it('refuses inconsistent list options and a resourceVersion the server has not reached', async () => {
        await rejects(
          api.list('v1', 'ConfigMap', 'default', { resourceVersionMatch: 'Exact' }),
          422,
          'Invalid',
          'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
        );
        await rejects(
          api.list('v1', 'ConfigMap', 'default', {
            resourceVersion: '0',
            resourceVersionMatch: 'Exact',
          }),
          422,
          'Invalid',
          'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
        );
        const current = Number(plane.store.resourceVersion);
        await rejects(
          api.list('v1', 'ConfigMap', 'default', { resourceVersion: String(current + 1000) }),
          504,
          'Timeout',
          new RegExp(`^Timeout: Too large resource version: ${current + 1000}, current: \\d+$`),
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
        // The cacher's message (watch_cache.go): the requested and the oldest kept resourceVersion - 1.
        assert.match(
          (events[0]![1] as unknown as { message: string }).message,
          new RegExp(
            `^too old resource version: ${Number(cm.metadata.resourceVersion) - 1} \\(\\d+\\)$`,
          ),
        );
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
