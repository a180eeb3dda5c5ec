// The informer over HTTPS (createKubeClient) against the local control plane
// while things go wrong: dropped and stalled watches, compacted history,
// injected 500s and an API server restart. Each case checks that the cache
// converges to the server's state, that a handler saw every change (a
// replica built only from handler calls matches too), and that the informer
// made a bounded number of requests.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { Informer, WatchStalledError } from '../../src/controller/informer.ts';
import type { InformerOptions } from '../../src/controller/informer.ts';
import { createKubeClient, restConfigFromYaml } from '../../src/kube/client.ts';
import { GoneError, ServerError, TransportError } from '@mcp-operator/kube-core/errors';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type {
  KubeObject,
  KubePort,
  ResourceRef,
  WatchEvent,
  WatchOptions,
} from '@mcp-operator/kube-core/port';
import type { LocalControlPlane } from '@mcp-operator/local-control-plane/control-plane';
import type { ResourceType } from '@mcp-operator/local-control-plane/types';
import { startPlane } from '@mcp-operator/local-control-plane/testing';

/** Wakes waiters whenever a handler or the error reporter is called, so tests await conditions, not time. */
class Changes {
  readonly #waiters = new Set<() => void>();

  notify(): void {
    for (const check of [...this.#waiters]) check();
  }

  until(done: () => boolean, what: string, ms = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      if (done()) return resolve();
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}`));
      }, ms);
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
    });
  }
}

/** key → resourceVersion, the shape compared for convergence. */
type State = Record<string, string>;

const stateOf = (objects: KubeObject[]): State =>
  Object.fromEntries(
    objects.map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o.metadata.resourceVersion!]),
  );

describe('Informer against the local control plane, with faults', () => {
  let plane: LocalControlPlane;
  let port: KubePort;
  let type: ResourceType;
  let counter = 0;

  before(async () => {
    // Bookmarks every 100 ms keep healthy watches well inside a 1.5 s stall timeout.
    ({ plane } = await startPlane({
      bookmarkIntervalSeconds: 0.1,
      simulation: { deployments: false, ingresses: false },
    }));
    port = createKubeClient(restConfigFromYaml(plane.kubeconfig()), { requestTimeoutMs: 2000 });
    type = plane.type('', 'configmaps');
  });
  const running: Informer[] = [];
  afterEach(async () => {
    // Even when a case fails, its informer must not outlive it.
    await Promise.all(running.splice(0).map((informer) => informer.stop()));
  });
  after(async () => {
    await plane.stop();
  });

  /** A fresh namespace with a few objects, an informer on it, and the helpers a case needs. */
  async function scenario(options: Partial<InformerOptions> = {}) {
    const ns = `faults-${++counter}`;
    plane.store.create(plane.type('', 'namespaces'), undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns },
    });
    const write = {
      create: (name: string) =>
        plane.store.create(type, ns, { metadata: { name }, data: { v: '0' } }).object,
      update: (name: string, v: string) =>
        plane.store.patch(type, ns, name, 'merge', { data: { v } }).object,
      delete: (name: string) => plane.store.delete(type, ns, name),
    };
    for (const name of ['a', 'b', 'c']) write.create(name);

    const changes = new Changes();
    const errors: Error[] = [];
    const replica = new Map<string, KubeObject>();
    const seen: string[] = [];
    const key = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
    let streamed = 0;
    /** Resolves when this informer's watch next delivers something: it is open and live. */
    const live = () => {
      const before = streamed;
      return changes.until(() => streamed > before, 'a live watch');
    };
    // Every watch event (bookmarks included) is a moment to re-check what a case waits for.
    const observed: KubePort = {
      ...port,
      watch: <T extends KubeObject>(
        resource: ResourceRef,
        options: WatchOptions,
        onEvent: (event: WatchEvent<T>) => void,
      ) =>
        port.watch<T>(resource, options, (event) => {
          streamed++;
          onEvent(event);
          changes.notify();
        }),
    };
    const informer = new Informer(observed, {
      resource: RESOURCES.configmaps,
      namespace: ns,
      watchTimeoutSeconds: 60,
      stallTimeoutMs: 1500,
      backoff: { initialMs: 20, maxMs: 200 },
      onError: (err) => {
        errors.push(err);
        changes.notify();
      },
      ...options,
    });
    informer.addHandler({
      onAdd: (o) => {
        replica.set(key(o), o);
        seen.push(`add ${o.metadata.name}`);
        changes.notify();
      },
      onUpdate: (_old, o) => {
        replica.set(key(o), o);
        seen.push(`update ${o.metadata.name} ${String((o.data as { v?: string }).v)}`);
        changes.notify();
      },
      onDelete: (o) => {
        replica.delete(key(o));
        seen.push(`delete ${o.metadata.name}`);
        changes.notify();
      },
    });

    const server = (): State => stateOf(plane.store.list(type, ns).items);
    const converged = () => {
      const want = JSON.stringify(server());
      return (
        JSON.stringify(stateOf(informer.cache.list(ns))) === want &&
        JSON.stringify(
          stateOf([...replica.values()].sort((x, y) => (key(x) < key(y) ? -1 : 1))),
        ) === want
      );
    };
    const requests = (verb: 'list' | 'watch') =>
      plane.faults.requests({ verb, resource: 'configmaps', namespace: ns }).length;
    const waitConverged = (what: string) => changes.until(converged, `convergence ${what}`);

    running.push(informer);
    informer.start();
    assert.equal(await informer.waitForSync(), true);
    await waitConverged('after the first sync');
    return { ns, informer, write, changes, errors, seen, requests, waitConverged, live };
  }

  it('resumes from the last resourceVersion when the server drops its watch', async () => {
    const { informer, write, requests, waitConverged, seen, live } = await scenario();
    await live();
    plane.dropWatches();
    write.update('a', '1');
    write.delete('b');
    write.create('d');
    await waitConverged('after the drop');
    assert.deepEqual(seen.slice(3), ['update a 1', 'delete b', 'add d']);
    assert.equal(requests('list'), 1, 'a dropped watch needs no relist');
    assert.equal(requests('watch'), 2);
    await informer.stop();
  });

  it('relists after the history is compacted (410) and replays only what it missed', async () => {
    const { informer, write, requests, waitConverged, seen, errors, live } = await scenario();
    await live();
    // In one go, so that no event or bookmark reaches the informer in between:
    // the watch ends, the world moves on, and the server forgets the history.
    plane.dropWatches();
    write.update('a', '1');
    write.delete('b');
    write.create('d');
    plane.compactHistory();
    await waitConverged('after the relist');
    assert.deepEqual(seen.slice(3).sort(), ['add d', 'delete b', 'update a 1']);
    assert.ok(errors.some((e) => e instanceof GoneError));
    assert.equal(requests('list'), 2);
    assert.ok(requests('watch') <= 4, `${requests('watch')} watches`);
    // Still watching after the relist.
    write.create('e');
    await waitConverged('after a later add');
    await informer.stop();
  });

  it('backs off through 500s on list, then syncs', async () => {
    const ns = `faults-${counter + 1}`;
    plane.failNext({ verb: 'list', resource: 'configmaps', namespace: ns, count: 3, code: 500 });
    const { informer, requests, errors } = await scenario();
    assert.equal(requests('list'), 4, 'three failures, then the list that synced');
    assert.equal(errors.filter((e) => e instanceof ServerError).length, 3);
    await informer.stop();
  });

  it('backs off through 500s on watch and resumes without relisting', async () => {
    const { ns, informer, write, requests, waitConverged, errors, live, seen } = await scenario();
    await live();
    plane.failNext({ verb: 'watch', resource: 'configmaps', namespace: ns, count: 3, code: 500 });
    plane.dropWatches();
    write.update('c', '7');
    write.delete('a');
    await waitConverged('after the failing watches');
    assert.deepEqual(seen.slice(3), ['update c 7', 'delete a']);
    assert.equal(errors.filter((e) => e instanceof ServerError).length, 3);
    assert.equal(requests('list'), 1, 'a 500 keeps the resourceVersion');
    assert.equal(requests('watch'), 5, 'the first, three failures, the one that worked');
    await informer.stop();
  });

  it('restarts a watch that went silent (watchdog)', async () => {
    const { informer, write, requests, waitConverged, errors, live, seen } = await scenario({
      stallTimeoutMs: 400,
    });
    await live();
    plane.stallWatches();
    write.update('b', '2');
    write.create('d');
    await waitConverged('after the stall');
    assert.ok(errors.some((e) => e instanceof WatchStalledError));
    assert.deepEqual(seen.slice(3), ['update b 2', 'add d']);
    assert.equal(requests('list'), 1, 'a stall needs no relist');
    assert.ok(requests('watch') <= 4, `${requests('watch')} watches`);
    await informer.stop();
  });

  it('rides out an API server restart and catches up on what changed while it was down', async () => {
    const { informer, write, requests, waitConverged, errors, live, seen } = await scenario();
    await live();
    const restarted = plane.restart(600);
    // While the server is down the store still changes (as etcd would).
    write.update('a', '3');
    write.delete('c');
    write.create('d');
    await restarted;
    await waitConverged('after the restart');
    assert.deepEqual(seen.slice(3), ['update a 3', 'delete c', 'add d']);
    const transportErrors = errors.filter((e) => e instanceof TransportError).length;
    assert.ok(transportErrors >= 1, 'the outage was noticed');
    // 600 ms down with backoff from 20 ms to a 200 ms cap (jitter down to half) is at
    // most a dozen attempts; a hot loop would make hundreds.
    assert.ok(transportErrors <= 15, `${transportErrors} attempts while down`);
    assert.equal(requests('list'), 1, 'the history survived the restart: resume, no relist');
    assert.ok(requests('watch') <= 4, `${requests('watch')} watches reached the server`);
    await informer.stop();
  });
});
