// The KubePort contract: every case runs against the adapter over
// @kubernetes/client-node (HTTPS to a started local control plane) and
// against the in-memory port over the same plane's store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mcpServerCRD } from '../../src/api/v1alpha1/crd.ts';
import { createKubeClient, restConfigFromYaml } from '../../src/kube/client.ts';
import {
  AlreadyExistsError,
  BadRequestError,
  ConflictError,
  GoneError,
  InvalidError,
  NotFoundError,
  UnsupportedMediaTypeError,
} from '@mcp-operator/kube-core/errors';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type {
  KubeObject,
  KubePort,
  ResourceRef,
  WatchEvent,
  WatchOptions,
} from '@mcp-operator/kube-core/port';
import { LocalControlPlane } from '@mcp-operator/local-control-plane/control-plane';
import { memoryPort } from '@mcp-operator/local-control-plane/memory-port';

const CM = RESOURCES.configmaps;
const MCP = RESOURCES.mcpServers;
const DEPLOY = RESOURCES.deployments;
const NS = 'default';
const FM = { fieldManager: 'contract' };

let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}`;

function configMap(
  name: string,
  data: Record<string, string> = { a: '1' },
  labels: Record<string, string> = {},
  namespace = NS,
): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels }, data };
}

function mcpServer(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'mcpruntime.org/v1alpha1',
    kind: 'MCPServer',
    metadata: { name, namespace: NS },
    spec: { image: 'ghcr.io/acme/weather:1.0', ...spec },
  };
}

function deployment(name: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] },
      },
    },
  };
}

const containersOf = (o: KubeObject) =>
  (o.spec as { template: { spec: { containers: { name: string; image: string }[] } } }).template
    .spec.containers;

const managers = (o: KubeObject) =>
  (o.metadata.managedFields as { manager: string; operation: string }[] | undefined)?.map(
    (m) => `${m.manager}/${m.operation}`,
  ) ?? [];

async function rejectsWith<E extends Error>(
  promise: Promise<unknown>,
  type: new (...args: never[]) => E,
  message?: RegExp,
): Promise<E> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
    if (message) assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected ${type.name}`);
}

interface Watched {
  events: WatchEvent[];
  done: Promise<Error | undefined>;
  stop: () => void;
}

/** Watches, runs `act`, and resolves once `until` holds (or fails after 5 s). */
async function watchUntil(
  port: KubePort,
  resource: ResourceRef,
  options: WatchOptions,
  act: () => Promise<unknown>,
  until: (events: WatchEvent[]) => boolean,
): Promise<Watched> {
  const events: WatchEvent[] = [];
  let wake = () => {};
  const reached = new Promise<void>((resolve) => (wake = resolve));
  const handle = await port.watch(resource, options, (event) => {
    events.push(event);
    if (until(events)) wake();
  });
  await act();
  if (!until(events)) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      reached,
      handle.done.then(() => {
        if (!until(events)) throw new Error(`the watch ended after ${describeEvents(events)}`);
      }),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the watch saw only ${describeEvents(events)}`)),
          5000,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  }
  return { events, done: handle.done, stop: () => handle.stop() };
}

function describeEvents(events: WatchEvent[]): string {
  return JSON.stringify(
    events.map((e) =>
      e.type === 'BOOKMARK'
        ? e.type
        : e.type === 'ERROR'
          ? e.error.message
          : `${e.type} ${e.object.metadata.name}`,
    ),
  );
}

const objectEvents = (events: WatchEvent[]) =>
  events.flatMap((e) =>
    e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED'
      ? [`${e.type} ${e.object.metadata.name}`]
      : [],
  );

for (const target of ['http', 'memory'] as const) {
  describe(`KubePort contract (${target})`, () => {
    let plane: LocalControlPlane;
    let port: KubePort;

    before(async () => {
      plane = new LocalControlPlane({ simulation: { deploymentReadyDelayMs: 0 } });
      await plane.start();
      plane.applyObject(mcpServerCRD());
      plane.applyObject({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'contract-other' },
      });
      if (target === 'http') {
        port = createKubeClient(restConfigFromYaml(plane.kubeconfig()), {
          userAgent: 'contract-test/1.0',
        });
      } else {
        port = memoryPort(plane.store);
      }
    });
    after(() => plane.stop());

    describe('get', () => {
      it('reads a namespaced object back as created', async () => {
        const name = unique('get');
        await port.create(CM, configMap(name, { k: 'v' }), FM);
        const got = await port.get(CM, NS, name);
        assert.equal(got.apiVersion, 'v1');
        assert.equal(got.kind, 'ConfigMap');
        assert.equal(got.metadata.name, name);
        assert.deepEqual(got.data, { k: 'v' });
      });

      it('reads a cluster-scoped object (a namespace given is ignored)', async () => {
        const ns = await port.get(RESOURCES.namespaces, undefined, 'contract-other');
        assert.equal(ns.kind, 'Namespace');
        const again = await port.get(RESOURCES.namespaces, 'ignored', 'contract-other');
        assert.equal(again.metadata.uid, ns.metadata.uid);
      });

      it('throws NotFoundError with the server message', async () => {
        const err = await rejectsWith(port.get(MCP, NS, 'ghost'), NotFoundError);
        assert.equal(err.message, 'mcpservers.mcpruntime.org "ghost" not found');
        assert.equal(err.code, 404);
        assert.equal(err.reason, 'NotFound');
      });

      it('throws NotFoundError for a resource the server does not serve', async () => {
        const unknown: ResourceRef = {
          group: 'example.com',
          version: 'v1',
          plural: 'widgets',
          kind: 'Widget',
          namespaced: true,
        };
        await rejectsWith(port.get(unknown, NS, 'x'), NotFoundError);
      });

      it('throws BadRequestError when a namespaced call names no namespace', async () => {
        await rejectsWith(port.get(CM, undefined, 'x'), BadRequestError, /namespace is required/);
      });
    });

    describe('list', () => {
      it('filters by label and field selectors and carries a resourceVersion', async () => {
        const tag = unique('sel');
        const a = unique('a');
        await port.create(CM, configMap(a, {}, { tag, pick: 'yes' }), FM);
        const created = await port.create(CM, configMap(unique('b'), {}, { tag, pick: 'no' }), FM);
        const byLabel = await port.list(CM, {
          namespace: NS,
          labelSelector: `tag=${tag},pick=yes`,
        });
        assert.deepEqual(
          byLabel.items.map((o) => o.metadata.name),
          [a],
        );
        assert.ok(Number(byLabel.resourceVersion) >= Number(created.metadata.resourceVersion));
        const byField = await port.list(CM, {
          namespace: NS,
          labelSelector: `tag=${tag}`,
          fieldSelector: `metadata.name=${a}`,
        });
        assert.deepEqual(
          byField.items.map((o) => o.metadata.name),
          [a],
        );
        assert.ok(byField.items.every((o) => o.apiVersion === 'v1' && o.kind === 'ConfigMap'));
      });

      it('pages with limit and continue', async () => {
        const tag = unique('page');
        const names = [1, 2, 3, 4, 5].map(() => unique('p'));
        for (const name of names) await port.create(CM, configMap(name, {}, { tag }), FM);
        const seen: string[] = [];
        let token: string | undefined;
        let pages = 0;
        do {
          const page = await port.list(CM, {
            namespace: NS,
            labelSelector: `tag=${tag}`,
            limit: 2,
            ...(token ? { continue: token } : {}),
          });
          assert.ok(page.items.length <= 2);
          seen.push(...page.items.map((o) => o.metadata.name!));
          token = page.continue;
          pages++;
        } while (token);
        assert.equal(pages, 3);
        assert.deepEqual(seen.sort(), [...names].sort());
      });

      it('lists across namespaces when none is given', async () => {
        const tag = unique('allns');
        await port.create(CM, configMap(unique('x'), {}, { tag }), FM);
        await port.create(CM, configMap(unique('y'), {}, { tag }, 'contract-other'), FM);
        const all = await port.list(CM, { labelSelector: `tag=${tag}` });
        assert.deepEqual(all.items.map((o) => o.metadata.namespace).sort(), ['contract-other', NS]);
        const one = await port.list(CM, {
          namespace: 'contract-other',
          labelSelector: `tag=${tag}`,
        });
        assert.equal(one.items.length, 1);
      });
    });

    describe('create', () => {
      it('fills apiVersion and kind, records the field manager, sets server fields', async () => {
        const name = unique('bare');
        const created = await port.create(
          CM,
          { metadata: { name, namespace: NS }, data: { a: '1' } } as unknown as KubeObject,
          { fieldManager: 'creator' },
        );
        assert.equal(created.apiVersion, 'v1');
        assert.equal(created.kind, 'ConfigMap');
        assert.match(created.metadata.uid!, /^[0-9a-f-]{36}$/);
        assert.match(created.metadata.resourceVersion!, /^\d+$/);
        assert.deepEqual(managers(created), ['creator/Update']);
      });

      it('throws AlreadyExistsError for a duplicate', async () => {
        const name = unique('dup');
        await port.create(CM, configMap(name), FM);
        const err = await rejectsWith(port.create(CM, configMap(name), FM), AlreadyExistsError);
        assert.equal(err.code, 409);
        assert.equal(err.message, `configmaps "${name}" already exists`);
      });

      it('does not persist with dryRun', async () => {
        const name = unique('dry');
        const answer = await port.create(CM, configMap(name), { ...FM, dryRun: true });
        assert.equal(answer.metadata.name, name);
        await rejectsWith(port.get(CM, NS, name), NotFoundError);
      });

      it('throws InvalidError with a cause per field', async () => {
        const err = await rejectsWith(
          port.create(
            MCP,
            mcpServer(unique('invalid'), {
              port: 70000,
              tools: [
                { name: 'x', sideEffect: 'read' },
                { name: 'x', sideEffect: 'read' },
              ],
            }),
            FM,
          ),
          InvalidError,
        );
        assert.equal(err.code, 422);
        const fields = err.causes.map((c) => c.field);
        assert.ok(fields.includes('spec.port'), JSON.stringify(err.causes));
        assert.ok(fields.includes('spec.tools'), JSON.stringify(err.causes));
      });
    });

    describe('update', () => {
      it('replaces with the resourceVersion as precondition', async () => {
        const created = await port.create(CM, configMap(unique('upd')), FM);
        const updated = await port.update(
          CM,
          { ...created, data: { a: '2' } },
          { fieldManager: 'updater' },
        );
        assert.deepEqual(updated.data, { a: '2' });
        assert.ok(
          Number(updated.metadata.resourceVersion) > Number(created.metadata.resourceVersion),
        );
        assert.ok(managers(updated).includes('updater/Update'));
        const err = await rejectsWith(
          port.update(CM, { ...created, data: { a: '3' } }, FM),
          ConflictError,
          /the object has been modified/,
        );
        assert.equal(err.reason, 'Conflict');
      });

      it('writes only the status through the status subresource', async () => {
        const created = await port.create(MCP, mcpServer(unique('status')), FM);
        const written = await port.update<KubeObject>(
          MCP,
          {
            ...created,
            spec: { ...(created.spec as object), replicas: 5 },
            status: { observedGeneration: 1, url: 'http://example.test/mcp' },
          },
          { fieldManager: 'status-writer', subresource: 'status' },
        );
        assert.deepEqual(written.status, { observedGeneration: 1, url: 'http://example.test/mcp' });
        assert.equal((written.spec as { replicas: number }).replicas, 1);
        assert.equal(written.metadata.generation, 1);
        // And the main endpoint leaves the status alone.
        const main = await port.update(MCP, { ...written, status: { url: 'http://other' } }, FM);
        assert.deepEqual(main.status, written.status);
      });
    });

    describe('patch', () => {
      it('merge patch: sets and removes keys', async () => {
        const created = await port.create(CM, configMap(unique('merge'), { a: '1', b: '2' }), FM);
        const patched = await port.patch(
          CM,
          NS,
          created.metadata.name!,
          'merge',
          { data: { b: null, c: '3' } },
          { fieldManager: 'merger' },
        );
        assert.deepEqual(patched.data, { a: '1', c: '3' });
        assert.ok(managers(patched).includes('merger/Update'));
      });

      it('JSON patch: applies operations in order', async () => {
        const created = await port.create(CM, configMap(unique('json'), { a: '1' }), FM);
        const patched = await port.patch(
          CM,
          NS,
          created.metadata.name!,
          'json',
          [
            { op: 'add', path: '/data/b', value: '2' },
            { op: 'replace', path: '/data/a', value: 'one' },
          ],
          FM,
        );
        assert.deepEqual(patched.data, { a: 'one', b: '2' });
      });

      it('strategic merge patch merges containers by name; a merge patch replaces the list', async () => {
        const name = unique('smp');
        await port.create(DEPLOY, deployment(name), FM);
        const sidecar = { name: 'sidecar', image: 'busybox:1' };
        const body = { spec: { template: { spec: { containers: [sidecar] } } } };
        const strategic = await port.patch(DEPLOY, NS, name, 'strategic', body, FM);
        assert.deepEqual(
          containersOf(strategic)
            .map((c) => c.name)
            .sort(),
          ['main', 'sidecar'],
        );
        const merged = await port.patch(DEPLOY, NS, name, 'merge', body, FM);
        assert.deepEqual(
          containersOf(merged).map((c) => c.name),
          ['sidecar'],
        );
      });

      it('throws UnsupportedMediaTypeError for a strategic patch of a custom resource', async () => {
        const created = await port.create(MCP, mcpServer(unique('smp-cr')), FM);
        const err = await rejectsWith(
          port.patch(MCP, NS, created.metadata.name!, 'strategic', { spec: { replicas: 2 } }, FM),
          UnsupportedMediaTypeError,
        );
        assert.equal(err.code, 415);
      });

      it('server-side apply: creates, records Apply, conflicts, forces', async () => {
        const name = unique('apply');
        const created = await port.patch(
          MCP,
          NS,
          name,
          'apply',
          { metadata: { name }, spec: { image: 'a:1', replicas: 2 } },
          { fieldManager: 'alice' },
        );
        assert.equal(created.kind, 'MCPServer');
        assert.equal((created.spec as { replicas: number }).replicas, 2);
        assert.ok(managers(created).includes('alice/Apply'), JSON.stringify(managers(created)));

        const conflict = await rejectsWith(
          port.patch(
            MCP,
            NS,
            name,
            'apply',
            { spec: { image: 'a:1', replicas: 3 } },
            {
              fieldManager: 'bob',
            },
          ),
          ConflictError,
          /conflict/,
        );
        assert.ok(
          conflict.causes.some(
            (c) => c.field === '.spec.replicas' && c.reason === 'FieldManagerConflict',
          ),
          JSON.stringify(conflict.causes),
        );

        const forced = await port.patch(
          MCP,
          NS,
          name,
          'apply',
          { spec: { image: 'a:1', replicas: 3 } },
          { fieldManager: 'bob', force: true },
        );
        assert.equal((forced.spec as { replicas: number }).replicas, 3);
        assert.ok(managers(forced).includes('bob/Apply'));
      });

      it('server-side apply with dryRun changes nothing', async () => {
        const name = unique('apply-dry');
        await port.patch(
          MCP,
          NS,
          name,
          'apply',
          { spec: { image: 'a:1' } },
          { fieldManager: 'dry', dryRun: true },
        );
        await rejectsWith(port.get(MCP, NS, name), NotFoundError);
      });

      it('server-side apply without a field manager is invalid', async () => {
        const name = unique('apply-nofm');
        await rejectsWith(
          port.patch(MCP, NS, name, 'apply', { spec: { image: 'a:1' } }, { fieldManager: '' }),
          InvalidError,
          /fieldManager/,
        );
      });

      it('patches the status subresource', async () => {
        const created = await port.create(MCP, mcpServer(unique('patch-status')), FM);
        const patched = await port.patch(
          MCP,
          NS,
          created.metadata.name!,
          'merge',
          { status: { url: 'http://patched/mcp' }, spec: { replicas: 4 } },
          { fieldManager: 'status-patcher', subresource: 'status' },
        );
        assert.equal((patched.status as { url: string }).url, 'http://patched/mcp');
        assert.equal((patched.spec as { replicas: number }).replicas, 1);
      });

      it('throws NotFoundError for a missing object (non-apply)', async () => {
        await rejectsWith(port.patch(CM, NS, 'ghost', 'merge', { data: {} }, FM), NotFoundError);
      });
    });

    describe('delete', () => {
      it('honours uid and resourceVersion preconditions', async () => {
        const created = await port.create(CM, configMap(unique('del')), FM);
        const name = created.metadata.name!;
        await rejectsWith(
          port.delete(CM, NS, name, {
            preconditions: { uid: '00000000-0000-0000-0000-000000000000' },
          }),
          ConflictError,
          /Precondition failed: UID/,
        );
        await rejectsWith(
          port.delete(CM, NS, name, { preconditions: { resourceVersion: '1' } }),
          ConflictError,
          /Precondition failed: ResourceVersion/,
        );
        await port.delete(CM, NS, name, {
          preconditions: {
            uid: created.metadata.uid!,
            resourceVersion: created.metadata.resourceVersion!,
          },
          propagationPolicy: 'Background',
        });
        await rejectsWith(port.get(CM, NS, name), NotFoundError);
        await rejectsWith(port.delete(CM, NS, name), NotFoundError);
      });

      it('keeps an object with finalizers until they are removed', async () => {
        const name = unique('fin');
        await port.create(
          CM,
          {
            ...configMap(name),
            metadata: { name, namespace: NS, finalizers: ['example.com/hold'] },
          },
          FM,
        );
        await port.delete(CM, NS, name);
        const held = await port.get(CM, NS, name);
        assert.ok(held.metadata.deletionTimestamp);
        await port.patch(CM, NS, name, 'merge', { metadata: { finalizers: null } }, FM);
        await rejectsWith(port.get(CM, NS, name), NotFoundError);
      });
    });

    describe('watch', () => {
      it('delivers ADDED, MODIFIED, DELETED in order, filtered by label', async () => {
        const tag = unique('w');
        const name = unique('watched');
        const { events, done, stop } = await watchUntil(
          port,
          CM,
          { namespace: NS, labelSelector: `tag=${tag}`, resourceVersion: '' },
          async () => {
            await port.create(CM, configMap(unique('other')), FM);
            await port.create(CM, configMap(name, { a: '1' }, { tag }), FM);
            await port.patch(CM, NS, name, 'merge', { data: { a: '2' } }, FM);
            await port.delete(CM, NS, name);
          },
          (e) => e.length >= 3,
        );
        assert.deepEqual(objectEvents(events), [
          `ADDED ${name}`,
          `MODIFIED ${name}`,
          `DELETED ${name}`,
        ]);
        const modified = events[1]!;
        assert.ok(modified.type === 'MODIFIED');
        assert.deepEqual(modified.object.data, { a: '2' });
        assert.equal(modified.object.kind, 'ConfigMap');
        stop();
        assert.equal(await done, undefined);
      });

      it('starts with ADDED for existing objects without a resourceVersion', async () => {
        const tag = unique('existing');
        const name = unique('exists');
        await port.create(CM, configMap(name, {}, { tag }), FM);
        const { events, stop, done } = await watchUntil(
          port,
          CM,
          { namespace: NS, labelSelector: `tag=${tag}`, resourceVersion: '0' },
          async () => {},
          (e) => e.length >= 1,
        );
        assert.deepEqual(objectEvents(events), [`ADDED ${name}`]);
        stop();
        assert.equal(await done, undefined);
      });

      it('resumes after a resourceVersion with only later changes', async () => {
        const tag = unique('resume');
        const name = unique('resumed');
        const created = await port.create(CM, configMap(name, { a: '1' }, { tag }), FM);
        await port.patch(CM, NS, name, 'merge', { data: { a: '2' } }, FM);
        const { events, stop } = await watchUntil(
          port,
          CM,
          {
            namespace: NS,
            labelSelector: `tag=${tag}`,
            resourceVersion: created.metadata.resourceVersion!,
          },
          async () => {
            await port.patch(CM, NS, name, 'merge', { data: { a: '3' } }, FM);
          },
          (e) => e.length >= 2,
        );
        stop();
        assert.deepEqual(
          events.map((e) => (e.type === 'MODIFIED' ? e.object.data : e.type)),
          [{ a: '2' }, { a: '3' }],
        );
      });

      it('sends a GoneError once the history is compacted, then ends cleanly', async () => {
        const created = await port.create(CM, configMap(unique('expired')), FM);
        plane.compactHistory();
        await port.create(CM, configMap(unique('after')), FM);
        const { events, done } = await watchUntil(
          port,
          CM,
          { namespace: NS, resourceVersion: String(Number(created.metadata.resourceVersion) - 1) },
          async () => {},
          (e) => e.length >= 1,
        );
        const first = events[0]!;
        assert.equal(first.type, 'ERROR');
        assert.ok(
          first.type === 'ERROR' && first.error instanceof GoneError,
          describeEvents([first]),
        );
        assert.equal(first.error.code, 410);
        assert.equal(await done, undefined);
      });

      it('reports a watch that cannot start through done, not by rejecting', async () => {
        const unknown: ResourceRef = { ...CM, group: 'example.com', plural: 'widgets' };
        const handle = await port.watch(unknown, { namespace: NS, resourceVersion: '' }, () => {
          assert.fail('no events expected');
        });
        const err = await handle.done;
        assert.ok(err instanceof NotFoundError, String(err));
      });

      it('ends cleanly after timeoutSeconds', async () => {
        const started = Date.now();
        const handle = await port.watch(
          CM,
          { namespace: NS, resourceVersion: '', labelSelector: 'nothing=here', timeoutSeconds: 1 },
          () => {},
        );
        assert.equal(await handle.done, undefined);
        assert.ok(Date.now() - started >= 900);
      });

      it('ends the watch with the error a handler throws', async () => {
        const tag = unique('throws');
        const boom = new Error('handler failed');
        const handle = await port.watch(
          CM,
          { namespace: NS, labelSelector: `tag=${tag}`, resourceVersion: '' },
          () => {
            throw boom;
          },
        );
        await port.create(CM, configMap(unique('t'), {}, { tag }), FM);
        assert.equal(await handle.done, boom);
      });
    });
  });
}
