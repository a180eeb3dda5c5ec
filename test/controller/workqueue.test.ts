import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../src/controller/clock.ts';
import { ExponentialFailureRateLimiter } from '../../src/controller/rate-limiter.ts';
import { WorkQueue } from '../../src/controller/workqueue.ts';
import type { QueueMetrics, WorkQueueOptions } from '../../src/controller/workqueue.ts';

function setup(options: Partial<WorkQueueOptions> = {}) {
  const clock = new FakeClock();
  const queue = new WorkQueue({ name: 'test', clock, ...options });
  return { clock, queue };
}

/** Watches a promise so a test can ask whether it has settled yet. */
function watch<T>(promise: Promise<T>): { settled: boolean; value?: T } {
  const state: { settled: boolean; value?: T } = { settled: false };
  void promise.then((value) => {
    state.settled = true;
    state.value = value;
  });
  return state;
}

/** Lets pending promise callbacks run without moving time. */
const settle = (clock: FakeClock) => clock.advance(0);

async function key(queue: WorkQueue): Promise<string | undefined> {
  return (await queue.get()).key;
}

async function drainKeys(queue: WorkQueue): Promise<string[]> {
  const keys: string[] = [];
  while (queue.len() > 0) {
    const k = await key(queue);
    if (k !== undefined) keys.push(k);
  }
  return keys;
}

describe('WorkQueue basics', () => {
  it('does not queue a waiting key twice', async () => {
    const { queue } = setup();
    queue.add('a');
    queue.add('b');
    queue.add('a');
    assert.equal(queue.len(), 2);
    assert.deepEqual(await drainKeys(queue), ['a', 'b']);
  });

  it('hands keys out in the order they were first added', async () => {
    const { queue } = setup();
    for (const k of ['c', 'a', 'd', 'b', 'a', 'c']) queue.add(k);
    assert.deepEqual(await drainKeys(queue), ['c', 'a', 'd', 'b']);
  });

  it('keeps order across many keys', async () => {
    const { queue } = setup();
    const keys = Array.from({ length: 3000 }, (_, i) => `k${i}`);
    for (const k of keys) queue.add(k);
    assert.deepEqual(await drainKeys(queue), keys);
  });

  it('resolves a waiting get() when a key arrives', async () => {
    const { clock, queue } = setup();
    const got = watch(queue.get());
    await settle(clock);
    assert.equal(got.settled, false);
    queue.add('a');
    await settle(clock);
    assert.deepEqual(got.value, { key: 'a', shutdown: false });
  });

  it('serves waiting getters oldest first, one key each', async () => {
    const { clock, queue } = setup();
    const first = watch(queue.get());
    const second = watch(queue.get());
    queue.add('a');
    await settle(clock);
    assert.equal(first.value?.key, 'a');
    assert.equal(second.settled, false);
    queue.add('b');
    await settle(clock);
    assert.equal(second.value?.key, 'b');
  });
});

describe('WorkQueue processing', () => {
  it('never hands a key being processed to a second worker', async () => {
    const { clock, queue } = setup();
    queue.add('a');
    assert.equal(await key(queue), 'a');
    queue.add('a');
    queue.add('a');
    // Re-added while processing: remembered, but not ready to hand out.
    assert.equal(queue.len(), 0);
    const second = watch(queue.get());
    await settle(clock);
    assert.equal(second.settled, false);

    queue.done('a');
    await settle(clock);
    assert.deepEqual(second.value, { key: 'a', shutdown: false });

    // Delivered once for all the adds made meanwhile.
    queue.done('a');
    const third = watch(queue.get());
    await settle(clock);
    assert.equal(third.settled, false);
    assert.equal(queue.len(), 0);
  });

  it('lets other keys through while one is processed', async () => {
    const { queue } = setup();
    queue.add('a');
    assert.equal(await key(queue), 'a');
    queue.add('a');
    queue.add('b');
    assert.equal(await key(queue), 'b');
    queue.done('a');
    assert.equal(await key(queue), 'a');
  });

  it('puts a key re-added while processing at the back of the queue', async () => {
    const { queue } = setup();
    queue.add('a');
    assert.equal(await key(queue), 'a');
    queue.add('a');
    queue.add('b');
    queue.done('a');
    assert.deepEqual(await drainKeys(queue), ['b', 'a']);
  });

  it('does not re-deliver a key that was not re-added', async () => {
    const { queue } = setup();
    queue.add('a');
    assert.equal(await key(queue), 'a');
    queue.done('a');
    assert.equal(queue.len(), 0);
  });

  it('ignores done() for a key that was never handed out', async () => {
    const { queue } = setup();
    queue.add('a');
    queue.done('a');
    queue.done('b');
    assert.equal(queue.len(), 1);
    assert.deepEqual(await drainKeys(queue), ['a']);
  });
});

describe('WorkQueue.addAfter', () => {
  it('adds the key once the fake time has passed', async () => {
    const { clock, queue } = setup();
    queue.addAfter('a', 100);
    await clock.advance(99);
    assert.equal(queue.len(), 0);
    await clock.advance(1);
    assert.equal(queue.len(), 1);
    assert.equal(await key(queue), 'a');
  });

  it('wakes a waiting get() when the delay ends', async () => {
    const { clock, queue } = setup();
    const got = watch(queue.get());
    queue.addAfter('a', 50);
    await clock.advance(49);
    assert.equal(got.settled, false);
    await clock.advance(1);
    assert.equal(got.value?.key, 'a');
  });

  it('adds at once for a zero or negative delay', () => {
    const { queue } = setup();
    queue.addAfter('a', 0);
    queue.addAfter('b', -5);
    assert.equal(queue.len(), 2);
  });

  it('does not duplicate a key that was also added directly', async () => {
    const { clock, queue } = setup();
    queue.add('a');
    queue.addAfter('a', 50);
    await clock.advance(50);
    assert.equal(queue.len(), 1);
    assert.deepEqual(await drainKeys(queue), ['a']);
  });

  it('keeps one delayed entry per key, at the earliest time asked', async () => {
    const { clock, queue } = setup();
    queue.addAfter('a', 100);
    queue.addAfter('a', 30);
    queue.addAfter('a', 200);
    assert.equal(clock.pending, 1);
    await clock.advance(30);
    assert.equal(queue.len(), 1);
    assert.equal(await key(queue), 'a');
    queue.done('a');
    await clock.advance(500);
    assert.equal(queue.len(), 0);
  });

  it('releases delayed keys in time order', async () => {
    const { clock, queue } = setup();
    queue.addAfter('late', 30);
    queue.addAfter('early', 10);
    queue.addAfter('middle', 20);
    await clock.advance(30);
    assert.deepEqual(await drainKeys(queue), ['early', 'middle', 'late']);
  });
});

describe('WorkQueue rate limiting', () => {
  it('backs off 5ms, 10ms, 20ms… with the default limiter', async () => {
    const { clock, queue } = setup();
    for (const wait of [5, 10, 20, 40]) {
      queue.addRateLimited('a');
      await clock.advance(wait - 1);
      assert.equal(queue.len(), 0, `not before ${wait}ms`);
      await clock.advance(1);
      assert.equal(await key(queue), 'a');
      queue.done('a');
    }
    assert.equal(queue.numRequeues('a'), 4);
  });

  it('forget resets the backoff', async () => {
    const { clock, queue } = setup();
    queue.addRateLimited('a');
    queue.addRateLimited('a');
    assert.equal(queue.numRequeues('a'), 2);
    queue.forget('a');
    assert.equal(queue.numRequeues('a'), 0);
    await clock.advance(10);
    assert.equal(await key(queue), 'a');
    queue.done('a');
    queue.addRateLimited('a');
    await clock.advance(5);
    assert.equal(queue.len(), 1);
  });

  it('uses the limiter it is given', async () => {
    const { clock, queue } = setup({
      rateLimiter: new ExponentialFailureRateLimiter(1000, 60_000),
    });
    queue.addRateLimited('a');
    await clock.advance(999);
    assert.equal(queue.len(), 0);
    await clock.advance(1);
    assert.equal(queue.len(), 1);
  });
});

describe('WorkQueue.shutDown', () => {
  it('wakes every waiting get() with shutdown', async () => {
    const { clock, queue } = setup();
    const getters = [watch(queue.get()), watch(queue.get())];
    await settle(clock);
    queue.shutDown();
    await settle(clock);
    for (const got of getters) assert.deepEqual(got.value, { shutdown: true });
    assert.equal(queue.shuttingDown, true);
    assert.deepEqual(await queue.get(), { shutdown: true });
  });

  it('ignores adds and drops delayed adds', async () => {
    const { clock, queue } = setup();
    queue.addAfter('a', 10);
    queue.shutDown();
    assert.equal(clock.pending, 0);
    queue.add('b');
    queue.addAfter('c', 10);
    queue.addRateLimited('d');
    await clock.advance(1000);
    assert.equal(queue.len(), 0);
  });

  it('still hands out keys queued before it, then reports shutdown', async () => {
    const { queue } = setup();
    queue.add('a');
    queue.shutDown();
    assert.deepEqual(await queue.get(), { key: 'a', shutdown: false });
    assert.deepEqual(await queue.get(), { shutdown: true });
  });
});

describe('WorkQueue.shutDownWithDrain', () => {
  it('resolves once every key handed out is done', async () => {
    const { clock, queue } = setup();
    queue.add('a');
    queue.add('b');
    await queue.get();
    await queue.get();
    const idle = watch(queue.get());
    const drained = watch(queue.shutDownWithDrain());
    await settle(clock);
    assert.equal(queue.shuttingDown, true);
    assert.deepEqual(idle.value, { shutdown: true });
    assert.equal(drained.settled, false);

    queue.add('c');
    assert.equal(queue.len(), 0);
    queue.done('a');
    await settle(clock);
    assert.equal(drained.settled, false);
    queue.done('b');
    await settle(clock);
    assert.equal(drained.settled, true);
  });

  it('resolves at once when nothing is being processed', async () => {
    const { clock, queue } = setup();
    const drained = watch(queue.shutDownWithDrain());
    await settle(clock);
    assert.equal(drained.settled, true);
  });

  it('is cut short by shutDown', async () => {
    const { clock, queue } = setup();
    queue.add('a');
    await queue.get();
    const drained = watch(queue.shutDownWithDrain());
    queue.shutDown();
    await settle(clock);
    assert.equal(drained.settled, true);
  });
});

describe('WorkQueue metrics', () => {
  type Event = [keyof QueueMetrics, number?];

  function recorder(): { metrics: QueueMetrics; events: Event[] } {
    const events: Event[] = [];
    const metrics: QueueMetrics = {
      add: () => events.push(['add']),
      depth: (n) => events.push(['depth', n]),
      retry: () => events.push(['retry']),
      queueDuration: (s) => events.push(['queueDuration', s]),
      workDuration: (s) => events.push(['workDuration', s]),
    };
    return { metrics, events };
  }

  it('reports adds, depth and durations in fake time', async () => {
    const { metrics, events } = recorder();
    const { clock, queue } = setup({ metrics });
    queue.add('a');
    await clock.advance(500);
    queue.add('b');
    queue.add('a');
    assert.deepEqual(events.splice(0), [['add'], ['depth', 1], ['add'], ['depth', 2]]);

    await clock.advance(1000);
    await queue.get();
    assert.deepEqual(events.splice(0), [
      ['depth', 1],
      ['queueDuration', 1.5],
    ]);

    await clock.advance(250);
    queue.done('a');
    assert.deepEqual(events.splice(0), [['workDuration', 0.25]]);
  });

  it('counts a key re-added while processing in depth, timed from the re-add', async () => {
    const { metrics, events } = recorder();
    const { clock, queue } = setup({ metrics });
    queue.add('a');
    await queue.get();
    await clock.advance(100);
    queue.add('a');
    await clock.advance(300);
    queue.done('a');
    await queue.get();
    assert.deepEqual(events.splice(0), [
      ['add'],
      ['depth', 1],
      ['depth', 0],
      ['queueDuration', 0],
      ['add'],
      ['depth', 1],
      ['workDuration', 0.4],
      ['depth', 0],
      ['queueDuration', 0.3],
    ]);
  });

  it('counts a retry for each accepted addAfter and addRateLimited', async () => {
    const { metrics, events } = recorder();
    const { clock, queue } = setup({ metrics });
    queue.addRateLimited('a');
    queue.addAfter('b', 20);
    queue.addAfter('c', 0);
    assert.deepEqual(events.splice(0), [['retry'], ['retry'], ['retry'], ['add'], ['depth', 1]]);
    await clock.advance(20);
    assert.deepEqual(events.splice(0), [['add'], ['depth', 2], ['add'], ['depth', 3]]);
    queue.shutDown();
    queue.addAfter('d', 10);
    assert.deepEqual(events, []);
  });
});
