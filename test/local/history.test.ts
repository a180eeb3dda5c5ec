// The bounded history of each resource, as kube-apiserver's watch cache keeps
// one per resource: a watch resuming, or a list reading exactly, from before
// the window gets 410 Expired, and the informers relist. The window here is a
// few events (historySize), so it rolls without compactHistory().
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, Watch, makeInformer } from '@kubernetes/client-node';
import type { KubeConfig, V1ConfigMap } from '@kubernetes/client-node';
import { Informer } from '../../src/controller/informer.ts';
import { createKubeClient, restConfigFromYaml } from '../../src/kube/client.ts';
import { GoneError } from '@mcp-operator/kube-core/errors';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type { LocalControlPlane } from '@mcp-operator/local-control-plane/control-plane';
import type { ResourceType } from '@mcp-operator/local-control-plane/types';
import { startPlane, waitFor } from '@mcp-operator/local-control-plane/testing';

const HISTORY = 4;

describe('bounded history per resource (the watch cache window)', () => {
  let plane: LocalControlPlane;
  let kc: KubeConfig;
  let configmaps: ResourceType;
  let secrets: ResourceType;
  let counter = 0;

  before(async () => {
    ({ plane, kc } = await startPlane({
      historySize: HISTORY,
      simulation: { deployments: false, ingresses: false },
    }));
    configmaps = plane.type('', 'configmaps');
    secrets = plane.type('', 'secrets');
  });
  after(() => plane.stop());

  const namespace = () => {
    const name = `history-${++counter}`;
    plane.store.create(plane.type('', 'namespaces'), undefined, { metadata: { name } });
    return name;
  };
  /** Writes `n` ConfigMaps in `ns`, rolling the ConfigMap window; returns their resourceVersions. */
  const roll = (ns: string, n: number, prefix = 'roll') =>
    Array.from(
      { length: n },
      (_, i) =>
        plane.store.create(configmaps, ns, { metadata: { name: `${prefix}-${i}` } }).object.metadata
          .resourceVersion!,
    );

  /** The first event of a watch from `resourceVersion` over HTTPS with client-node's Watch. */
  async function firstEvent(ns: string, resourceVersion: string) {
    let stop = () => {};
    const event = await new Promise<{ type: string; object: Record<string, unknown> }>(
      (resolve, reject) => {
        void new Watch(kc)
          .watch(
            `/api/v1/namespaces/${ns}/configmaps`,
            { resourceVersion },
            (type, object: Record<string, unknown>) => resolve({ type, object }),
            (err) => (err ? reject(err as Error) : undefined),
          )
          .then((controller) => (stop = () => controller.abort()), reject);
      },
    );
    stop();
    return event;
  }

  // staging/src/k8s.io/apiserver/pkg/storage/cacher/watch_cache.go: a resourceVersion
  // older than the oldest kept event - 1 is NewResourceExpired("too old resource version:
  // %d (%d)"), sent as an ERROR event on a 200 stream (cacher.go's newErrWatcher).
  it('answers a watch from before the window with a 410 Expired ERROR naming the window', async () => {
    const ns = namespace();
    const first = plane.store.create(configmaps, ns, { metadata: { name: 'first' } }).object;
    // One more than the window: 'first' and roll-0 drop out, roll-1 is the oldest kept.
    const rvs = roll(ns, HISTORY + 1);
    const oldestKept = Number(rvs[1]);
    const event = await firstEvent(ns, first.metadata.resourceVersion!);
    assert.equal(event.type, 'ERROR');
    assert.equal(event.object.code, 410);
    assert.equal(event.object.reason, 'Expired');
    assert.equal(
      event.object.message,
      `too old resource version: ${first.metadata.resourceVersion} (${oldestKept - 1})`,
    );
    // From the oldest kept event - 1 on, the window still has everything.
    const resumed = await firstEvent(ns, String(oldestKept - 1));
    assert.deepEqual(
      [resumed.type, (resumed.object.metadata as { name: string }).name],
      ['ADDED', 'roll-1'],
    );
  });

  it('keeps the window exact however far it has rolled (events are dropped in batches)', async () => {
    const ns = namespace();
    // Far more than the window: the dropped events leave the store's array many times over.
    const rvs = roll(ns, 300, 'far');
    const oldestKept = Number(rvs[rvs.length - HISTORY]);
    const expired = await firstEvent(ns, String(oldestKept - 2));
    assert.equal(expired.type, 'ERROR');
    assert.equal(
      expired.object.message,
      `too old resource version: ${oldestKept - 2} (${oldestKept - 1})`,
    );
    const resumed = await firstEvent(ns, String(oldestKept - 1));
    assert.equal((resumed.object.metadata as { name: string }).name, `far-${300 - HISTORY}`);
    // An exact list reads the window's past: the state before its last write.
    const before = plane.store.list(configmaps, ns, {
      resourceVersion: rvs[rvs.length - 2]!,
      resourceVersionMatch: 'Exact',
    });
    assert.equal(before.items.length, 299);
    assert.throws(
      () =>
        plane.store.list(configmaps, ns, {
          resourceVersion: String(oldestKept - 2),
          resourceVersionMatch: 'Exact',
        }),
      /too old/,
    );
  });

  it('keeps one window per resource: writes to Secrets do not expire ConfigMap resume points', async () => {
    const ns = namespace();
    const cm = plane.store.create(configmaps, ns, { metadata: { name: 'kept' } }).object;
    for (let i = 0; i < HISTORY * 3; i++)
      plane.store.create(secrets, ns, { metadata: { name: `s-${i}` } });
    plane.store.create(configmaps, ns, { metadata: { name: 'later' } });
    const event = await firstEvent(ns, cm.metadata.resourceVersion!);
    assert.deepEqual(
      [event.type, (event.object.metadata as { name: string }).name],
      ['ADDED', 'later'],
    );
  });

  // etcd3/errors.go "The resourceVersion for the provided list is too old." once the
  // revision is out of the history; within it, the exact past state.
  it('lists exactly within the window, and answers 410 once the window has moved past', async () => {
    const ns = namespace();
    const core = kc.makeApiClient(CoreV1Api);
    const a = plane.store.create(configmaps, ns, {
      metadata: { name: 'a' },
      data: { v: '1' },
    }).object;
    const at = a.metadata.resourceVersion!;
    plane.store.patch(configmaps, ns, 'a', 'merge', { data: { v: '2' } });
    const past = await core.listNamespacedConfigMap({
      namespace: ns,
      resourceVersion: at,
      resourceVersionMatch: 'Exact',
    });
    assert.equal(past.metadata?.resourceVersion, at);
    assert.deepEqual(
      past.items.map((o) => [o.metadata?.name, o.data]),
      [['a', { v: '1' }]],
    );
    roll(ns, HISTORY);
    await assert.rejects(
      core.listNamespacedConfigMap({
        namespace: ns,
        resourceVersion: at,
        resourceVersionMatch: 'Exact',
      }),
      (err: { code?: number; body?: unknown }) => {
        assert.equal(err.code, 410);
        const status = (typeof err.body === 'string' ? JSON.parse(err.body) : err.body) as {
          reason: string;
          message: string;
        };
        assert.equal(status.reason, 'Expired');
        assert.equal(status.message, 'The resourceVersion for the provided list is too old.');
        return true;
      },
    );
  });

  // client-go's reflector (and client-node's ListWatch) relist on a 410 from the watch.
  it("relists client-node's informer when its resume point falls out of the window", async () => {
    const ns = namespace();
    const core = kc.makeApiClient(CoreV1Api);
    let lists = 0;
    const informer = makeInformer<V1ConfigMap>(kc, `/api/v1/namespaces/${ns}/configmaps`, () => {
      lists++;
      return core.listNamespacedConfigMap({ namespace: ns });
    });
    const names = () =>
      informer
        .list(ns)
        .map((o) => o.metadata!.name!)
        .sort();
    await informer.start();
    try {
      plane.store.create(configmaps, ns, { metadata: { name: 'seen' } });
      await waitFor(() => names().includes('seen') || undefined, 'the first add');
      // The watch ends and, before it resumes, more changes than the window holds happen.
      plane.dropWatches();
      const rolled = roll(ns, HISTORY + 2);
      await waitFor(() => names().length === rolled.length + 1 || undefined, 'the relist');
      assert.equal(lists, 2);
      plane.store.create(configmaps, ns, { metadata: { name: 'after' } });
      await waitFor(() => names().includes('after') || undefined, 'an add after the relist');
    } finally {
      await informer.stop();
    }
  });

  it("relists the operator's informer (GoneError) when its resume point falls out of the window", async () => {
    const ns = namespace();
    const port = createKubeClient(restConfigFromYaml(plane.kubeconfig()), {
      requestTimeoutMs: 2000,
    });
    const errors: Error[] = [];
    const informer = new Informer(port, {
      resource: RESOURCES.configmaps,
      namespace: ns,
      watchTimeoutSeconds: 60,
      backoff: { initialMs: 20, maxMs: 200 },
      onError: (err) => errors.push(err),
    });
    const names = () =>
      informer.cache
        .list(ns)
        .map((o) => o.metadata.name!)
        .sort();
    const lists = () =>
      plane.faults.requests({ verb: 'list', resource: 'configmaps', namespace: ns }).length;
    informer.start();
    try {
      assert.equal(await informer.waitForSync(), true);
      plane.store.create(configmaps, ns, { metadata: { name: 'seen' } });
      await waitFor(() => names().includes('seen') || undefined, 'the first add');
      plane.dropWatches();
      const rolled = roll(ns, HISTORY + 2);
      await waitFor(() => names().length === rolled.length + 1 || undefined, 'the relist');
      assert.ok(errors.some((e) => e instanceof GoneError));
      assert.equal(lists(), 2);
    } finally {
      await informer.stop();
    }
  });
});
