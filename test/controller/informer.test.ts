// Unit tests of the informer: its pure parts (backoff, cache, list diff,
// what to do after a watch ends) and the informer itself over the in-memory
// port with a fake clock.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exponentialBackoff } from '../../src/controller/backoff.ts';
import { ObjectCache, objectKey, splitKey } from '../../src/controller/cache.ts';
import { changeForEvent, diffList } from '../../src/controller/informer-changes.ts';
import {
  afterWatch,
  ShortWatchError,
  WatchStalledError,
} from '../../src/controller/informer-policy.ts';
import { FakeClock } from '../../src/controller/clock.ts';
import { Informer } from '../../src/controller/informer.ts';
import type { EventHandler, InformerOptions } from '../../src/controller/informer.ts';
import {
  ForbiddenError,
  GoneError,
  NotFoundError,
  ServerError,
  TransportError,
} from '@mcp-operator/kube-core/errors';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type {
  KubeObject,
  KubePort,
  ListOptions,
  ListResult,
  ResourceRef,
  WatchEvent,
  WatchOptions,
} from '@mcp-operator/kube-core/port';
import { memoryPort } from '@mcp-operator/local-control-plane/memory-port';
import { Store } from '@mcp-operator/local-control-plane/store';

function cm(name: string, resourceVersion = '1', namespace: string | null = 'default') {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, resourceVersion, ...(namespace ? { namespace } : {}) },
  } satisfies KubeObject;
}

describe('exponentialBackoff', () => {
  it('doubles from the initial delay up to the cap', () => {
    const backoff = exponentialBackoff({ initialMs: 100, maxMs: 1000, random: () => 0 });
    const delays = Array.from({ length: 7 }, () => backoff.next());
    assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('starts over after reset', () => {
    const backoff = exponentialBackoff({ initialMs: 100, maxMs: 1000, random: () => 0 });
    backoff.next();
    backoff.next();
    backoff.reset();
    assert.equal(backoff.next(), 100);
  });

  it('takes jitter off the base delay, never above the cap', () => {
    const backoff = exponentialBackoff({
      initialMs: 100,
      maxMs: 1000,
      factor: 3,
      jitter: 0.5,
      random: () => 0.999999,
    });
    const delays = Array.from({ length: 4 }, () => Math.round(backoff.next()));
    assert.deepEqual(delays, [50, 150, 450, 500]);
  });

  it('stays within [base·(1−jitter), base] for any random draw', () => {
    const backoff = exponentialBackoff({ initialMs: 10, maxMs: 640, jitter: 0.4 });
    let base = 10;
    for (let i = 0; i < 200; i++) {
      const delay = backoff.next();
      assert.ok(delay >= base * 0.6 && delay <= base, `attempt ${i}: ${delay} for base ${base}`);
      base = Math.min(base * 2, 640);
    }
  });

  it('defaults to client-go’s reflector numbers (800 ms to 30 s)', () => {
    const backoff = exponentialBackoff({ random: () => 0 });
    assert.equal(backoff.next(), 800);
    for (let i = 0; i < 20; i++) backoff.next();
    assert.equal(backoff.next(), 30_000);
  });

  it('rejects nonsense options', () => {
    assert.throws(() => exponentialBackoff({ factor: 0.5 }), RangeError);
    assert.throws(() => exponentialBackoff({ jitter: 2 }), RangeError);
    assert.throws(() => exponentialBackoff({ initialMs: -1 }), RangeError);
  });
});

describe('objectKey and ObjectCache', () => {
  it('keys namespaced objects as namespace/name and cluster-scoped ones by name', () => {
    assert.equal(objectKey(cm('a', '1', 'ns')), 'ns/a');
    assert.equal(objectKey(cm('node-1', '1', null)), 'node-1');
    assert.deepEqual(splitKey('ns/a'), { namespace: 'ns', name: 'a' });
    assert.deepEqual(splitKey('node-1'), { name: 'node-1' });
  });

  it('is a sorted read-only view over the map it is given', () => {
    const items = new Map<string, KubeObject>();
    const cache = new ObjectCache(items);
    for (const o of [cm('b', '1', 'x'), cm('a', '1', 'y'), cm('a', '1', 'x')])
      items.set(objectKey(o), o);
    assert.equal(cache.size, 3);
    assert.deepEqual(cache.keys(), ['x/a', 'x/b', 'y/a']);
    assert.deepEqual(
      cache.list('x').map((o) => o.metadata.name),
      ['a', 'b'],
    );
    assert.equal(cache.list().length, 3);
    assert.equal(cache.list('').length, 3, "'' means every namespace");
    assert.equal(cache.list('z').length, 0);
    assert.equal(cache.get('y/a')?.metadata.name, 'a');
    assert.equal(cache.get('y/b'), undefined);
  });
});

describe('diffList', () => {
  it('adds new keys, updates moved resourceVersions, deletes vanished keys with their last state', () => {
    const cached = new Map(
      [cm('same', '1'), cm('changed', '2'), cm('gone', '3')].map((o) => [objectKey(o), o]),
    );
    const changes = diffList(cached, [cm('same', '1'), cm('changed', '5'), cm('new', '6')]);
    assert.deepEqual(
      changes.map((c) =>
        c.type === 'update'
          ? `update ${c.key} ${c.oldObj.metadata.resourceVersion}→${c.newObj.metadata.resourceVersion}`
          : `${c.type} ${c.key} ${c.obj.metadata.resourceVersion}`,
      ),
      ['update default/changed 2→5', 'add default/new 6', 'delete default/gone 3'],
    );
  });

  it('yields nothing when the list matches the cache', () => {
    const objects = [cm('a', '1'), cm('b', '2')];
    assert.deepEqual(diffList(new Map(objects.map((o) => [objectKey(o), o])), objects), []);
  });
});

describe('changeForEvent', () => {
  const cached = new Map([[objectKey(cm('known', '1')), cm('known', '1')]]);
  const cases: [string, 'ADDED' | 'MODIFIED' | 'DELETED', string, string | undefined][] = [
    ['ADDED for an unknown key', 'ADDED', 'new', 'add'],
    ['ADDED for a known key (a replayed event)', 'ADDED', 'known', 'update'],
    ['MODIFIED for a known key', 'MODIFIED', 'known', 'update'],
    ['MODIFIED for an unknown key (missed its add)', 'MODIFIED', 'new', 'add'],
    ['DELETED for a known key', 'DELETED', 'known', 'delete'],
    ['DELETED for an unknown key', 'DELETED', 'new', undefined],
  ];
  for (const [what, type, name, expected] of cases) {
    it(what, () => {
      assert.equal(changeForEvent(cached, type, cm(name, '9'))?.type, expected);
    });
  }
});

describe('afterWatch', () => {
  const gone = new GoneError({ code: 410, reason: 'Expired' });
  const long = 60_000;
  const cases: [
    string,
    Parameters<typeof afterWatch>[0],
    boolean,
    { relist: boolean; backoff: boolean; error?: unknown },
  ][] = [
    [
      'clean end after a while: resume at once',
      { ending: 'clean', progressed: false, lastedMs: long },
      false,
      { relist: false, backoff: false },
    ],
    [
      'clean end with events, however short: resume at once',
      { ending: 'clean', progressed: true, lastedMs: 5 },
      false,
      { relist: false, backoff: false },
    ],
    [
      'very short empty watch: back off',
      { ending: 'clean', progressed: false, lastedMs: 5 },
      false,
      { relist: false, backoff: true, error: ShortWatchError },
    ],
    [
      'stall: back off and resume',
      { ending: 'stalled', progressed: true, lastedMs: long },
      false,
      { relist: false, backoff: true, error: WatchStalledError },
    ],
    [
      '410 on a resumed watch: relist at once',
      { ending: gone, progressed: false, lastedMs: 5 },
      false,
      { relist: true, backoff: false, error: GoneError },
    ],
    [
      '410 on a watch fresh from a list that made progress: relist at once',
      { ending: gone, progressed: true, lastedMs: long },
      true,
      { relist: true, backoff: false, error: GoneError },
    ],
    [
      '410 straight after a list: relist after a backoff',
      { ending: gone, progressed: false, lastedMs: 5 },
      true,
      { relist: true, backoff: true, error: GoneError },
    ],
    [
      '500: back off and resume the watch',
      { ending: new ServerError({ code: 500 }), progressed: false, lastedMs: 5 },
      false,
      { relist: false, backoff: true, error: ServerError },
    ],
    [
      'no answer: back off and resume the watch',
      { ending: new TransportError('ECONNRESET'), progressed: true, lastedMs: long },
      false,
      { relist: false, backoff: true, error: TransportError },
    ],
    [
      '403: back off and relist',
      { ending: new ForbiddenError({ code: 403 }), progressed: false, lastedMs: 5 },
      false,
      { relist: true, backoff: true, error: ForbiddenError },
    ],
  ];
  for (const [what, outcome, fresh, expected] of cases) {
    it(what, () => {
      const next = afterWatch(outcome, fresh, 1000);
      assert.equal(next.relist, expected.relist, 'relist');
      assert.equal(next.backoff, expected.backoff, 'backoff');
      if (expected.error) assert.ok(next.error instanceof (expected.error as typeof Error));
      else assert.equal(next.error, undefined);
    });
  }
});

// ---- the informer over the in-memory port ---------------------------------

const CM = RESOURCES.configmaps;

/** The calls an informer made, and failures to inject into the next ones. */
interface Script {
  lists: number;
  watches: WatchOptions[];
  failLists: Error[];
  failWatches: Error[];
  /** When set, lists never answer. */
  hangLists: boolean;
  /** Called as each watch call is made. */
  onWatch: () => void;
}

/** Wraps a port to count list and watch calls and to fail or hang them on demand. */
function scripted(port: KubePort): { port: KubePort; script: Script } {
  const script: Script = {
    lists: 0,
    watches: [],
    failLists: [],
    failWatches: [],
    hangLists: false,
    onWatch: () => {},
  };
  const wrapped: KubePort = {
    ...port,
    list<T extends KubeObject>(resource: ResourceRef, options?: ListOptions) {
      script.lists++;
      if (script.hangLists) return new Promise<ListResult<T>>(() => {});
      const failure = script.failLists.shift();
      return failure ? Promise.reject(failure) : port.list<T>(resource, options);
    },
    watch<T extends KubeObject>(
      resource: ResourceRef,
      options: WatchOptions,
      onEvent: (event: WatchEvent<T>) => void,
    ) {
      script.watches.push(options);
      script.onWatch();
      const failure = script.failWatches.shift();
      return failure ? Promise.reject(failure) : port.watch<T>(resource, options, onEvent);
    },
  };
  return { port: wrapped, script };
}

function setup(options: Partial<InformerOptions> = {}) {
  const store = new Store();
  const clock = new FakeClock();
  const { port, script } = scripted(memoryPort(store));
  const errors: Error[] = [];
  const informer = new Informer(port, {
    resource: CM,
    namespace: 'default',
    watchTimeoutSeconds: 3600,
    stallTimeoutMs: 10_000,
    backoff: { initialMs: 100, maxMs: 400 },
    clock,
    onError: (err) => errors.push(err),
    ...options,
  });
  const events: string[] = [];
  informer.addHandler(recorder(events));
  const type = store.typeFor('', 'configmaps')!;
  const write = {
    create: (name: string, data: Record<string, string> = {}, namespace = 'default') =>
      store.create(type, namespace, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name },
        data,
      }),
    update: (name: string, data: Record<string, string>, namespace = 'default') =>
      store.patch(type, namespace, name, 'merge', { data }),
    delete: (name: string, namespace = 'default') => store.delete(type, namespace, name),
  };
  /** Lets promises settle (no time passes) until `done` holds. */
  const until = async (done: () => boolean, what: string) => {
    for (let i = 0; i < 50 && !done(); i++) await clock.advance(0);
    assert.ok(done(), `never happened: ${what}`);
  };
  return { store, clock, script, errors, informer, events, write, until };
}

function recorder(events: string[]): EventHandler<KubeObject> {
  const data = (o: KubeObject) => JSON.stringify(o.data ?? {});
  return {
    onAdd: (o) => events.push(`add ${o.metadata.name}`),
    onUpdate: (a, b) =>
      events.push(
        a === b ? `resync ${b.metadata.name}` : `update ${b.metadata.name} ${data(a)}→${data(b)}`,
      ),
    onDelete: (o) => events.push(`delete ${o.metadata.name}`),
  };
}

/** Moves the fake clock 1 ms at a time until `done` holds; returns the time that took. */
async function advanceUntil(clock: FakeClock, done: () => boolean, maxMs: number): Promise<number> {
  for (let waited = 0; waited <= maxMs; waited++) {
    if (done()) return waited;
    await clock.advance(1);
  }
  assert.fail(`nothing happened within ${maxMs} ms`);
}

const names = (informer: Informer) => informer.cache.list().map((o) => o.metadata.name);

describe('Informer over the in-memory port', () => {
  it('lists, syncs and hands every existing object to its handlers', async () => {
    const { informer, write, events, script } = setup();
    write.create('a');
    write.create('b');
    write.create('elsewhere', {}, 'kube-system');
    assert.equal(informer.hasSynced(), false);
    informer.start();
    assert.equal(await informer.waitForSync(), true);
    assert.equal(informer.hasSynced(), true);
    assert.deepEqual(events, ['add a', 'add b']);
    assert.deepEqual(informer.cache.keys(), ['default/a', 'default/b']);
    assert.equal(informer.cache.get('default/a')?.kind, 'ConfigMap');
    assert.equal(script.lists, 1);
    await informer.stop();
  });

  /** An informer with 2 objects a page over a store holding `names`; its list calls are recorded. */
  function paged(names: string[], expireContinue = false) {
    const asked: ListOptions[] = [];
    const store = new Store();
    const port = memoryPort(store);
    const type = store.typeFor('', 'configmaps')!;
    for (const name of names) store.create(type, 'default', { metadata: { name } });
    const list: KubePort['list'] = (resource, options) => {
      asked.push(options ?? {});
      if (expireContinue && options?.continue) {
        return Promise.reject(new GoneError({ code: 410, reason: 'Expired' }));
      }
      return port.list(resource, options);
    };
    const informer = new Informer(
      { ...port, list },
      { resource: CM, namespace: 'default', listPageSize: 2, clock: new FakeClock() },
    );
    return { informer, asked };
  }

  it('lists a page at a time, as client-go\u2019s pager does', async () => {
    const { informer, asked } = paged(['a', 'b', 'c', 'd', 'e']);
    const events: string[] = [];
    informer.addHandler(recorder(events));
    informer.start();
    await informer.waitForSync();
    assert.deepEqual(
      asked.map((o) => [o.limit, o.continue === undefined ? 'first' : 'next']),
      [
        [2, 'first'],
        [2, 'next'],
        [2, 'next'],
      ],
    );
    assert.deepEqual(events, ['add a', 'add b', 'add c', 'add d', 'add e']);
    await informer.stop();
  });

  it('lists whole when the server has let a continue token expire (410)', async () => {
    const { informer, asked } = paged(['a', 'b', 'c'], true);
    informer.start();
    await informer.waitForSync();
    assert.deepEqual(
      asked.map((o) => o.limit ?? 'whole'),
      [2, 2, 'whole'],
    );
    assert.deepEqual(names(informer), ['a', 'b', 'c']);
    await informer.stop();
  });

  it('delivers adds, updates and deletes as they happen', async () => {
    const { informer, write, events, until, script } = setup();
    informer.start();
    await informer.waitForSync();
    write.create('a', { v: '1' });
    write.update('a', { v: '2' });
    write.create('b');
    write.delete('a');
    await until(() => events.length === 4, 'four events');
    assert.deepEqual(events, ['add a', 'update a {"v":"1"}→{"v":"2"}', 'add b', 'delete a']);
    assert.deepEqual(names(informer), ['b']);
    const watch = script.watches[0]!;
    assert.equal(watch.allowBookmarks, true);
    assert.equal(watch.timeoutSeconds, 3600);
    assert.equal(watch.namespace, 'default');
    assert.ok(Number(watch.resourceVersion) > 0, 'watches from the list’s resourceVersion');
    await informer.stop();
  });

  it('hands the transform the cached version a watch event replaces', async () => {
    const seen: string[] = [];
    const { informer, write, events, until } = setup({
      transform: (obj, previous) => {
        seen.push(`${obj.metadata.name} ${JSON.stringify(previous?.data ?? null)}`);
        return obj;
      },
    });
    informer.start();
    await informer.waitForSync();
    write.create('a', { v: '1' });
    write.update('a', { v: '2' });
    write.delete('a');
    await until(() => events.length === 3, 'three events');
    assert.deepEqual(seen, ['a null', 'a {"v":"1"}', 'a {"v":"2"}']);
    await informer.stop();
  });

  it('honours label selectors', async () => {
    const { informer, store, events, until } = setup({ labelSelector: 'app=x' });
    const type = store.typeFor('', 'configmaps')!;
    const make = (name: string, app: string) =>
      store.create(type, 'default', { metadata: { name, labels: { app } } });
    make('in', 'x');
    make('out', 'y');
    informer.start();
    await informer.waitForSync();
    // Relabelling moves an object out of the selection: the informer sees a delete.
    store.patch(type, 'default', 'in', 'merge', { metadata: { labels: { app: 'y' } } });
    await until(() => events.length === 2, 'the relabel');
    assert.deepEqual(events, ['add in', 'delete in']);
    await informer.stop();
  });

  it('relists after a 410 and tells handlers only what it missed', async () => {
    const { informer, write, store, clock, events, errors, script, until } = setup();
    write.create('kept');
    write.create('changed', { v: '1' });
    write.create('removed');
    informer.start();
    await informer.waitForSync();
    events.length = 0;
    // The watch goes quiet; the watchdog stops it and the informer backs off...
    await clock.advance(10_000);
    assert.ok(errors.some((e) => e instanceof WatchStalledError));
    // ...while the world moves on and the server forgets the history.
    write.update('changed', { v: '2' });
    write.delete('removed');
    write.create('added');
    store.compactHistory();
    await clock.advance(400);
    await until(() => events.length === 3, 'the relist’s changes');
    assert.deepEqual(events.sort(), [
      'add added',
      'delete removed',
      'update changed {"v":"1"}→{"v":"2"}',
    ]);
    assert.deepEqual(names(informer), ['added', 'changed', 'kept']);
    assert.ok(errors.some((e) => e instanceof GoneError));
    assert.equal(script.lists, 2);
    assert.equal(
      script.watches.length,
      3,
      'the first, the resumed one that got 410, the one after the relist',
    );
    // It carries on watching after the relist.
    write.create('later');
    await until(() => events.includes('add later'), 'an add after the relist');
    await informer.stop();
  });

  it('resumes a watch the server ended without relisting', async () => {
    const { informer, write, events, script, until, clock } = setup({ watchTimeoutSeconds: 0.05 });
    informer.start();
    await informer.waitForSync();
    write.create('a');
    await until(() => events.includes('add a'), 'the add');
    // The memory port ends the watch after 50 ms of real time; the informer resumes at once.
    await new Promise<void>((resolve) => (script.onWatch = resolve));
    write.create('b');
    // Should the resumed watch have ended too (an empty, very short watch → backoff), time moves on.
    await advanceUntil(clock, () => events.includes('add b'), 1000);
    assert.equal(script.lists, 1);
    assert.equal(
      script.watches[1]!.resourceVersion,
      informer.cache.get('default/a')!.metadata.resourceVersion,
      'resumed from the last resourceVersion seen',
    );
    await informer.stop();
  });

  it('resyncs: onUpdate(obj, obj) for every cached object each period', async () => {
    const { informer, write, events, clock } = setup({
      resyncPeriodMs: 1000,
      stallTimeoutMs: 60_000,
    });
    write.create('a');
    write.create('b');
    informer.start();
    await informer.waitForSync();
    events.length = 0;
    await clock.advance(999);
    assert.deepEqual(events, []);
    await clock.advance(1);
    assert.deepEqual(events, ['resync a', 'resync b']);
    await clock.advance(1000);
    assert.equal(events.length, 4);
    await informer.stop();
    await clock.advance(5000);
    assert.equal(events.length, 4, 'no resync after stop');
  });

  it('gives a handler added late an add for every cached object', async () => {
    const { informer, write, until } = setup();
    write.create('a');
    write.create('b');
    informer.start();
    await informer.waitForSync();
    const late: string[] = [];
    informer.addHandler(recorder(late));
    assert.deepEqual(late, ['add a', 'add b']);
    write.create('c');
    await until(() => late.includes('add c'), 'later events for the late handler');
    await informer.stop();
  });

  it('reports a handler’s exception and keeps delivering', async () => {
    const { informer, write, events, errors, until } = setup();
    informer.addHandler({
      onAdd: (o) => {
        throw new Error(`handler broke on ${o.metadata.name}`);
      },
    });
    informer.start();
    await informer.waitForSync();
    write.create('a');
    write.create('b');
    await until(() => events.length === 2, 'both adds');
    assert.deepEqual(
      errors.map((e) => e.message),
      ['handler broke on a', 'handler broke on b'],
    );
    assert.deepEqual(names(informer), ['a', 'b']);
    await informer.stop();
  });

  it('backs off between failed lists, growing to the cap, then syncs', async () => {
    const { informer, clock, script, errors, until } = setup();
    const failure = () => new ServerError({ code: 500, message: 'etcd is down' });
    script.failLists.push(failure(), failure(), failure(), failure());
    informer.start();
    await until(() => script.lists === 1, 'the first list');
    // Delays are jittered within [base/2, base]: bases 100, 200, 400, 400 (capped).
    for (const base of [100, 200, 400, 400]) {
      const lists = script.lists;
      const waited = await advanceUntil(clock, () => script.lists > lists, 1000);
      assert.ok(waited >= base / 2 && waited <= base, `retried after ${waited} ms, base ${base}`);
    }
    assert.equal(await informer.waitForSync(), true);
    assert.equal(errors.filter((e) => e instanceof ServerError).length, 4);
    await informer.stop();
  });

  it('resumes the watch after a retryable watch failure, relists after another', async () => {
    const { informer, clock, script, errors } = setup();
    informer.start();
    await informer.waitForSync();
    // The next watch attempt fails for want of an answer; the stall ends the healthy one.
    script.failWatches.push(new TransportError('connection refused'));
    await clock.advance(10_000);
    await advanceUntil(clock, () => script.watches.length === 3, 1000);
    assert.ok(errors.some((e) => e instanceof TransportError));
    assert.equal(script.lists, 1, 'a transport failure keeps the resourceVersion');
    // A 403 is not retryable as such: back off, then list again.
    script.failWatches.push(new ForbiddenError({ code: 403, message: 'no' }));
    await clock.advance(10_000);
    await advanceUntil(clock, () => script.lists === 2, 2000);
    assert.ok(errors.some((e) => e instanceof ForbiddenError));
    assert.equal(script.watches.length, 5);
    await informer.stop();
  });

  it('treats a list that never answers as failed, and retries', async () => {
    const { informer, clock, script, errors, until } = setup({ listTimeoutMs: 5000 });
    script.hangLists = true;
    informer.start();
    await until(() => script.lists === 1, 'the first list');
    await clock.advance(5000);
    assert.ok(errors[0] instanceof TransportError);
    script.hangLists = false;
    await clock.advance(100);
    assert.equal(await informer.waitForSync(), true);
    assert.equal(script.lists, 2);
    await informer.stop();
  });

  it('stops promptly even while a list hangs, and waitForSync then answers false', async () => {
    const { informer, script, until } = setup();
    script.hangLists = true;
    informer.start();
    await until(() => script.lists === 1, 'the first list');
    const waiting = informer.waitForSync();
    await informer.stop();
    assert.equal(await waiting, false);
    assert.equal(await informer.waitForSync(), false);
    assert.throws(() => informer.start(), /cannot be started again/);
  });

  it('waitForSync answers false when its signal aborts', async () => {
    const { informer, script, until } = setup();
    script.hangLists = true;
    informer.start();
    await until(() => script.lists === 1, 'the first list');
    const controller = new AbortController();
    const waiting = informer.waitForSync(controller.signal);
    controller.abort();
    assert.equal(await waiting, false);
    await informer.stop();
  });

  it('sees no events after stop', async () => {
    const { informer, write, events } = setup();
    informer.start();
    await informer.waitForSync();
    await informer.stop();
    write.create('a');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(events, []);
  });

  it('syncs empty for a resource the server does not serve, and keeps trying', async () => {
    const store = new Store();
    const clock = new FakeClock();
    const { port, script } = scripted(memoryPort(store));
    const errors: Error[] = [];
    const informer = new Informer(port, {
      resource: RESOURCES.mcpServers,
      clock,
      backoff: { initialMs: 100, maxMs: 100 },
      onError: (e) => errors.push(e),
    });
    informer.start();
    assert.equal(await informer.waitForSync(), true);
    assert.equal(informer.cache.size, 0);
    await clock.advance(0);
    assert.ok(errors[0] instanceof NotFoundError, String(errors[0]));
    await clock.advance(100);
    assert.equal(script.lists, 2);
    await informer.stop();
  });
});
