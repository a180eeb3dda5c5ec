// Leader election: unit cases over the in-memory port with a fake clock, and
// an integration case over HTTPS against the local control plane.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeClock, realClock } from '../../src/controller/clock.ts';
import type { Clock } from '../../src/controller/clock.ts';
import { LeaderElector, microTime } from '../../src/controller/leader-election.ts';
import type { LeaderElectionOptions } from '../../src/controller/leader-election.ts';
import { createKubeClient, restConfigFromYaml } from '../../src/kube/client.ts';
import {
  AlreadyExistsError,
  ConflictError,
  InvalidError,
  ServerError,
  TransportError,
} from '@mcp-operator/kube-core/errors';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type { KubeObject, KubePort, ResourceRef } from '@mcp-operator/kube-core/port';
import { LocalControlPlane } from '@mcp-operator/local-control-plane/control-plane';
import { memoryPort } from '@mcp-operator/local-control-plane/memory-port';
import { Store } from '@mcp-operator/local-control-plane/store';

const NS = 'mcp-runtime';
const NAME = 'mcp-runtime-operator.mcpruntime.org';
const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

interface Lease extends KubeObject {
  spec: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

const getLease = (port: KubePort) => port.get<Lease>(RESOURCES.leases, NS, NAME);

/** Lets every settled promise run its continuation (the memory port answers in microtasks). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Moves the fake clock in small steps, letting the electors' requests finish between them. */
async function advance(clock: FakeClock, ms: number, step = 100): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    await clock.advance(Math.min(step, ms - done));
    await settle();
  }
}

/** Advances until `condition` holds; fails after `maxMs` of fake time. */
async function advanceUntil(
  clock: FakeClock,
  condition: () => boolean,
  maxMs: number,
  what: string,
): Promise<void> {
  await settle();
  for (let done = 0; !condition(); done += 100) {
    if (done >= maxMs) assert.fail(`not within ${maxMs} ms of fake time: ${what}`);
    await advance(clock, 100);
  }
}

type Op = 'get' | 'create' | 'update';

/**
 * A port whose calls can be made to fail, hang or be disturbed: `before` runs
 * ahead of the call (throw to fail it without effect, return a never-settling
 * promise to hang it), `after` once the call took effect (throw to lose the answer).
 */
function faultyPort(
  inner: KubePort,
  hooks: {
    before?(op: Op): Promise<void> | void;
    after?(op: Op): Promise<void> | void;
  },
): KubePort {
  const wrap = async <R>(op: Op, fn: () => Promise<R>): Promise<R> => {
    await hooks.before?.(op);
    const result = await fn();
    await hooks.after?.(op);
    return result;
  };
  return {
    ...inner,
    get<T extends KubeObject>(r: ResourceRef, ns: string | undefined, name: string) {
      return wrap('get', () => inner.get<T>(r, ns, name));
    },
    create<T extends KubeObject>(r: ResourceRef, object: T, options: { fieldManager: string }) {
      return wrap('create', () => inner.create<T>(r, object, options));
    },
    update<T extends KubeObject>(r: ResourceRef, object: T, options: { fieldManager: string }) {
      return wrap('update', () => inner.update<T>(r, object, options));
    },
  };
}

const unavailable = () =>
  new ServerError({ code: 503, reason: 'ServiceUnavailable', message: 'injected: unavailable' });

/** One campaigning candidate and everything its callbacks saw. */
interface Candidate {
  id: string;
  elector: LeaderElector;
  stop: AbortController;
  result: Promise<'lost' | 'stopped'>;
  outcome?: 'lost' | 'stopped';
  startedAt?: number;
  stoppedAt?: number;
  leading?: AbortSignal;
  newLeaders: string[];
  errors: Error[];
}

function campaign(
  id: string,
  port: KubePort,
  clock: Clock,
  extra: Partial<LeaderElectionOptions> = {},
): Candidate {
  const c: Partial<Candidate> & { newLeaders: string[]; errors: Error[] } = {
    id,
    newLeaders: [],
    errors: [],
    stop: new AbortController(),
  };
  c.elector = new LeaderElector({
    port,
    namespace: NS,
    name: NAME,
    identity: id,
    clock,
    onStartedLeading(signal) {
      c.startedAt = clock.now();
      c.leading = signal;
    },
    onStoppedLeading() {
      c.stoppedAt = clock.now();
    },
    onNewLeader: (leader) => c.newLeaders.push(leader),
    onError: (err) => c.errors.push(err),
    ...extra,
  });
  c.result = c.elector.run(c.stop!.signal).then((outcome) => (c.outcome = outcome));
  return c as Candidate;
}

/** A Lease written by a holder we do not run, stamped with times from its own clock. */
async function ghostLease(port: KubePort, spec: Lease['spec']): Promise<Lease> {
  return port.create<Lease>(
    RESOURCES.leases,
    {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: NAME, namespace: NS },
      spec,
    },
    { fieldManager: 'ghost' },
  );
}

/** Changes the Lease's metadata behind the electors' backs, so their resourceVersion is stale. */
async function touch(port: KubePort): Promise<void> {
  const lease = await getLease(port);
  lease.metadata.labels = { touched: String(Date.now() + Math.random()) };
  await port.update(RESOURCES.leases, lease, { fieldManager: 'meddler' });
}

describe('microTime', () => {
  it('writes RFC 3339 in UTC with exactly six fractional digits', () => {
    assert.equal(microTime(Date.UTC(2026, 10, 24, 21, 0, 0, 123)), '2026-11-24T21:00:00.123000Z');
    assert.equal(microTime(Date.UTC(2026, 0, 1)), '2026-01-01T00:00:00.000000Z');
    assert.equal(microTime(Date.UTC(2026, 0, 1) + 7.25), '2026-01-01T00:00:00.007250Z');
    assert.match(microTime(Date.now()), MICRO_TIME);
    assert.throws(() => microTime(Number.NaN), RangeError);
  });
});

describe('LeaderElector options', () => {
  const base = {
    port: memoryPort(new Store()),
    namespace: NS,
    name: NAME,
    identity: 'a',
    onStartedLeading() {},
    onStoppedLeading() {},
  };
  it('rejects timings under which a leader could outlive its lease', () => {
    assert.throws(
      () => new LeaderElector({ ...base, leaseDurationMs: 10_000, renewDeadlineMs: 10_000 }),
      /leaseDuration must be greater than renewDeadline/,
    );
    assert.throws(
      () => new LeaderElector({ ...base, renewDeadlineMs: 2_000, retryPeriodMs: 2_000 }),
      /renewDeadline must be greater than retryPeriod/,
    );
    assert.throws(() => new LeaderElector({ ...base, identity: '' }), /identity/);
    assert.doesNotThrow(() => new LeaderElector(base));
  });
});

describe('LeaderElector (in-memory port, fake clock)', () => {
  it('the first candidate creates the Lease and leads', async () => {
    const clock = new FakeClock();
    const port = memoryPort(new Store());
    const a = campaign('a', port, clock);
    await settle();

    assert.equal(a.elector.isLeader(), true);
    assert.equal(a.startedAt, clock.now());
    assert.deepEqual(a.newLeaders, ['a']);
    const lease = await getLease(port);
    assert.equal(lease.spec.holderIdentity, 'a');
    assert.equal(lease.spec.leaseDurationSeconds, 15);
    assert.equal(lease.spec.leaseTransitions, 0);
    assert.equal(lease.spec.acquireTime, microTime(clock.now()));
    assert.match(lease.spec.renewTime!, MICRO_TIME);

    // Renewals move renewTime only.
    await advance(clock, 2_000);
    const renewed = await getLease(port);
    assert.equal(renewed.spec.renewTime, microTime(clock.now()));
    assert.equal(renewed.spec.acquireTime, lease.spec.acquireTime);
    assert.equal(renewed.spec.leaseTransitions, 0);

    a.stop.abort();
    assert.equal(await a.result, 'stopped');
    assert.deepEqual(a.errors, []);
  });

  it('a second candidate waits as long as the leader renews', async () => {
    const clock = new FakeClock();
    const port = memoryPort(new Store());
    const a = campaign('a', port, clock);
    await settle();
    const b = campaign('b', port, clock);

    await advance(clock, 120_000);
    assert.equal(a.elector.isLeader(), true);
    assert.equal(b.elector.isLeader(), false);
    assert.equal(b.startedAt, undefined);
    assert.deepEqual(b.newLeaders, ['a']);
    const lease = await getLease(port);
    assert.equal(lease.spec.holderIdentity, 'a');
    assert.equal(lease.spec.leaseTransitions, 0);
    // Renewed within the last retry period.
    assert.ok(Date.parse(lease.spec.renewTime!) > clock.now() - 2_000 - 1);

    b.stop.abort();
    assert.equal(await b.result, 'stopped');
    assert.equal(b.stoppedAt, undefined, 'onStoppedLeading is for electors that led');
    assert.equal((await getLease(port)).spec.holderIdentity, 'a', 'a standby releases nothing');
    a.stop.abort();
    await a.result;
  });

  for (const [skew, offsetMs] of [
    ['an hour behind', -3_600_000],
    ['an hour ahead', 3_600_000],
  ] as const) {
    it(`takes over a silent holder after leaseDuration on its own clock (holder's clock ${skew})`, async () => {
      const clock = new FakeClock();
      const port = memoryPort(new Store());
      const remote = microTime(clock.now() + offsetMs);
      await ghostLease(port, {
        holderIdentity: 'ghost',
        leaseDurationSeconds: 15,
        acquireTime: remote,
        renewTime: remote,
        leaseTransitions: 3,
      });
      const t0 = clock.now();
      const b = campaign('b', port, clock);

      await advance(clock, 14_900);
      assert.equal(b.elector.isLeader(), false, 'the remote renewTime is not trusted');
      await advanceUntil(clock, () => b.elector.isLeader(), 5_000, 'b leads');
      assert.ok(b.startedAt! >= t0 + 15_000);
      // At most one jittered retry period late: retryPeriod × (1 + 1.2).
      assert.ok(b.startedAt! <= t0 + 15_000 + 4_400);
      const lease = await getLease(port);
      assert.equal(lease.spec.holderIdentity, 'b');
      assert.equal(lease.spec.leaseTransitions, 4);
      assert.equal(lease.spec.acquireTime, microTime(b.startedAt!));
      assert.deepEqual(b.newLeaders, ['ghost', 'b']);

      b.stop.abort();
      await b.result;
    });
  }

  it('any change to the Lease restarts the wait', async () => {
    const clock = new FakeClock();
    const port = memoryPort(new Store());
    const stamp = () => microTime(clock.now());
    await ghostLease(port, {
      holderIdentity: 'ghost',
      leaseDurationSeconds: 15,
      acquireTime: stamp(),
      renewTime: stamp(),
      leaseTransitions: 0,
    });
    const t0 = clock.now();
    const b = campaign('b', port, clock);
    await advance(clock, 10_000);
    const lease = await getLease(port);
    lease.spec.renewTime = stamp();
    await port.update(RESOURCES.leases, lease, { fieldManager: 'ghost' });
    // b sees the renewal at its next poll, within 4.4 s, and waits 15 s from then.
    await advance(clock, 14_900);
    assert.equal(b.elector.isLeader(), false);
    await advanceUntil(clock, () => b.elector.isLeader(), 10_000, 'b leads');
    assert.ok(b.startedAt! >= t0 + 10_000 + 15_000);
    b.stop.abort();
    await b.result;
  });

  it('takes over after the leader is cut off, and only after the leader gave up', async () => {
    const clock = new FakeClock();
    const store = new Store();
    let aDown = false;
    const aPort = faultyPort(memoryPort(store), {
      before: () => {
        if (aDown) throw new TransportError('injected: connection refused');
      },
    });
    const port = memoryPort(store);
    const a = campaign('a', aPort, clock);
    await settle();
    const b = campaign('b', port, clock);
    await advance(clock, 5_000);
    aDown = true;
    const cutAt = clock.now();

    await advanceUntil(clock, () => b.elector.isLeader(), 25_000, 'b leads');
    assert.equal(a.outcome, 'lost');
    assert.ok(a.leading!.aborted);
    assert.ok(a.stoppedAt! <= cutAt + 12_000);
    assert.ok(b.startedAt! >= a.stoppedAt! + 3_000, 'leaseDuration − renewDeadline margin');
    assert.equal((await getLease(port)).spec.leaseTransitions, 1);

    b.stop.abort();
    await b.result;
  });

  it('releases on abort so a standby takes over at once', async () => {
    const clock = new FakeClock();
    const store = new Store();
    const port = memoryPort(store);
    const leaseType = store.typeFor('coordination.k8s.io', 'leases')!;
    const holderNow = () => (store.get(leaseType, NS, NAME) as Lease).spec.holderIdentity;

    let holderWhenStopping: string | undefined;
    let holderWhenStopped: string | undefined;
    const a = campaign('a', port, clock, {
      onStartedLeading(signal) {
        signal.addEventListener('abort', () => (holderWhenStopping = holderNow()));
      },
      onStoppedLeading: () => (holderWhenStopped = holderNow()),
    });
    await settle();
    const b = campaign('b', port, clock);
    await advance(clock, 5_000);

    const abortedAt = clock.now();
    a.stop.abort();
    assert.equal(await a.result, 'stopped');
    assert.equal(a.elector.isLeader(), false);
    assert.equal(holderWhenStopping, 'a', 'the work is told to stop before the Lease goes');
    assert.equal(holderWhenStopped, '', 'onStoppedLeading comes after the release');
    const released = await getLease(port);
    assert.equal(released.spec.holderIdentity, '');
    assert.equal(released.spec.leaseDurationSeconds, 1);
    assert.equal(released.spec.leaseTransitions, 0);
    assert.match(released.spec.renewTime!, MICRO_TIME);

    await advanceUntil(clock, () => b.elector.isLeader(), 4_400, 'b leads at its next try');
    assert.ok(b.startedAt! - abortedAt <= 4_400);
    const lease = await getLease(port);
    assert.equal(lease.spec.holderIdentity, 'b');
    assert.equal(lease.spec.leaseTransitions, 1);
    assert.equal(lease.spec.leaseDurationSeconds, 15);
    // The empty holder was seen and replaced in the same attempt, so it is not reported.
    assert.deepEqual(b.newLeaders, ['a', 'b']);

    b.stop.abort();
    await b.result;
  });

  it('a candidate whose update conflicts tries again next period', async () => {
    const clock = new FakeClock();
    const store = new Store();
    const port = memoryPort(store);
    const stamp = microTime(clock.now());
    await ghostLease(port, {
      holderIdentity: '',
      leaseDurationSeconds: 1,
      acquireTime: stamp,
      renewTime: stamp,
      leaseTransitions: 2,
    });
    let meddle = true;
    const aPort = faultyPort(memoryPort(store), {
      async before(op) {
        if (op === 'update' && meddle) {
          meddle = false;
          await touch(port);
        }
      },
    });
    const a = campaign('a', aPort, clock);
    await settle();
    assert.equal(a.elector.isLeader(), false);
    assert.equal(a.errors.length, 1);
    assert.ok(a.errors[0] instanceof ConflictError);

    await advanceUntil(clock, () => a.elector.isLeader(), 4_400, 'a leads');
    assert.equal((await getLease(port)).spec.leaseTransitions, 3);
    a.stop.abort();
    await a.result;
  });

  it('a leader whose optimistic renewal conflicts rereads and renews in the same attempt', async () => {
    const clock = new FakeClock();
    const store = new Store();
    const port = memoryPort(store);
    let meddle = false;
    const ops: Op[] = [];
    const aPort = faultyPort(memoryPort(store), {
      async before(op) {
        ops.push(op);
        if (op === 'update' && meddle) {
          meddle = false;
          await touch(port);
        }
      },
    });
    const a = campaign('a', aPort, clock);
    await settle();
    await advance(clock, 2_000);
    assert.deepEqual(ops, ['get', 'create', 'update'], 'renewals skip the read');

    ops.length = 0;
    meddle = true;
    await advance(clock, 2_000);
    assert.deepEqual(ops, ['update', 'get', 'update']);
    assert.equal(a.errors.length, 1);
    assert.ok(a.errors[0] instanceof ConflictError);
    assert.equal(a.elector.isLeader(), true);
    assert.equal((await getLease(port)).spec.renewTime, microTime(clock.now()));

    a.stop.abort();
    await a.result;
  });

  it('two candidates creating the Lease at once: one wins, the other follows', async () => {
    const clock = new FakeClock();
    const port = memoryPort(new Store());
    const a = campaign('a', port, clock);
    const b = campaign('b', port, clock);
    await advance(clock, 10_000);
    const leaders = [a, b].filter((c) => c.elector.isLeader());
    assert.equal(leaders.length, 1);
    const follower = leaders[0] === a ? b : a;
    assert.ok(follower.errors.every((e) => e instanceof AlreadyExistsError));
    assert.equal(follower.errors.length, 1, 'both saw NotFound and raced to create');
    assert.deepEqual(follower.newLeaders, [leaders[0]!.id]);
    for (const c of [a, b]) c.stop.abort();
    await Promise.all([a.result, b.result]);
  });

  it('gives up after the renew deadline when renewals are rejected', async () => {
    const clock = new FakeClock();
    const store = new Store();
    let reject = false;
    const aPort = faultyPort(memoryPort(store), {
      before: (op) => {
        if (op === 'update' && reject) throw unavailable();
      },
    });
    const a = campaign('a', aPort, clock);
    await settle();
    const acquiredAt = clock.now();
    reject = true;

    await advance(clock, 11_900);
    assert.equal(a.elector.isLeader(), true, 'still within retryPeriod + renewDeadline');
    await advance(clock, 100);
    assert.equal(a.outcome, 'lost');
    assert.equal(a.stoppedAt, acquiredAt + 2_000 + 10_000);
    assert.ok(a.leading!.aborted);
    assert.equal(a.elector.isLeader(), false);
    assert.ok(a.errors.length >= 5 && a.errors.every((e) => e instanceof ServerError));
    // Not released: the Lease runs out, giving the lost leader's work time to stop.
    assert.equal((await getLease(memoryPort(store))).spec.holderIdentity, 'a');
  });

  it('gives up at the deadline even when a renewal hangs', async () => {
    const clock = new FakeClock();
    let hang = false;
    const aPort = faultyPort(memoryPort(new Store()), {
      before: (op) => (op === 'update' && hang ? new Promise<void>(() => {}) : undefined),
    });
    const a = campaign('a', aPort, clock);
    await settle();
    const acquiredAt = clock.now();
    hang = true;
    await advanceUntil(clock, () => a.outcome !== undefined, 13_000, 'a gives up');
    assert.equal(a.outcome, 'lost');
    assert.equal(a.stoppedAt, acquiredAt + 12_000);
  });

  it('counts the deadline from when the last successful renewal started', async () => {
    const clock = new FakeClock();
    let mode: 'ok' | 'slow' | 'reject' = 'ok';
    const aPort = faultyPort(memoryPort(new Store()), {
      async before(op) {
        if (op !== 'update') return;
        if (mode === 'reject') throw unavailable();
        if (mode === 'slow') {
          mode = 'reject';
          await clock.sleep(9_000);
        }
      },
    });
    const a = campaign('a', aPort, clock);
    await settle();
    const t0 = clock.now();
    mode = 'slow';
    // The renewal sent at t0 + 2 s is answered at t0 + 11 s; a standby may have seen it at
    // t0 + 2 s, so leadership must end by t0 + 2 s + retryPeriod + renewDeadline.
    await advanceUntil(clock, () => a.outcome !== undefined, 20_000, 'a gives up');
    assert.equal(a.outcome, 'lost');
    assert.equal(a.stoppedAt, t0 + 2_000 + 12_000);
  });

  it('does not trust a win answered after a leader would have given up', async () => {
    const clock = new FakeClock();
    let created = false;
    let answeredAt = 0;
    const aPort = faultyPort(memoryPort(new Store()), {
      async before(op) {
        if (op === 'create') await clock.sleep(13_000);
      },
      after(op) {
        if (op === 'create') [created, answeredAt] = [true, clock.now()];
      },
    });
    const a = campaign('a', aPort, clock);
    await advanceUntil(clock, () => created, 14_000, 'the create is answered');
    assert.equal(a.elector.isLeader(), false);
    // The next attempt renews the Lease it now knows it holds, and leads from then.
    await advanceUntil(clock, () => a.elector.isLeader(), 4_400, 'a leads');
    assert.ok(a.startedAt! >= answeredAt + 2_000);
    a.stop.abort();
    await a.result;
  });

  it('a leader that sees another holder stops at once', async () => {
    const clock = new FakeClock();
    const port = memoryPort(new Store());
    const a = campaign('a', port, clock);
    await settle();
    // Someone overwrites the Lease (say, a replica whose clock ran fast).
    const lease = await getLease(port);
    lease.spec = { ...lease.spec, holderIdentity: 'usurper', renewTime: microTime(clock.now()) };
    await port.update(RESOURCES.leases, lease, { fieldManager: 'usurper' });
    await advance(clock, 2_000);
    assert.equal(a.outcome, 'lost');
    assert.ok(a.leading!.aborted);
    assert.equal((await getLease(port)).spec.holderIdentity, 'usurper');
  });

  it('never has two leaders across an interleaved run with faults', async () => {
    const clock = new FakeClock();
    const store = new Store();
    const port = memoryPort(store);
    // mulberry32: a seeded generator, so a failure replays the same way.
    let seed = 42;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };

    // Every holder change as the Lease history shows it.
    const history: { holder: string; transitions: number }[] = [];
    const watch = await port.watch<Lease>(
      RESOURCES.leases,
      { namespace: NS, resourceVersion: '0' },
      (event) => {
        if (event.type !== 'ADDED' && event.type !== 'MODIFIED') return;
        const { holderIdentity = '', leaseTransitions = 0 } = event.object.spec;
        const last = history.at(-1);
        if (!last || last.holder !== holderIdentity || last.transitions !== leaseTransitions) {
          history.push({ holder: holderIdentity, transitions: leaseTransitions });
        }
      },
    );

    const leading = new Set<string>();
    const violations: string[] = [];
    let starts = 0;
    const candidates: Candidate[] = [];
    // Each replica drops calls at random, sometimes after they took effect, and is
    // cut off from the API for a while now and then.
    const replica = (n: number, generation: number) => {
      const id = `replica-${n}-${generation}`;
      let downUntil = 0;
      const flaky = faultyPort(memoryPort(store), {
        before() {
          if (clock.now() < downUntil) throw new TransportError('injected: partitioned');
          if (random() < 0.02) downUntil = clock.now() + 5_000 + random() * 20_000;
          if (random() < 0.1) throw unavailable();
        },
        after() {
          if (random() < 0.05) throw new TransportError('injected: answer lost');
        },
      });
      const c = campaign(id, flaky, clock, {
        onStartedLeading(signal) {
          starts++;
          if (leading.size > 0) violations.push(`${id} started while ${[...leading].join()} led`);
          leading.add(id);
          signal.addEventListener('abort', () => leading.delete(id));
        },
      });
      // A replica that lost its lease exits and comes back as a new standby.
      void c.result.then((outcome) => {
        if (outcome === 'lost') candidates.push(replica(n, generation + 1));
      });
      return c;
    };
    for (let n = 0; n < 3; n++) candidates.push(replica(n, 0));

    for (let minute = 0; minute < 10; minute++) {
      await advance(clock, 60_000, 250);
      // A graceful restart now and then: the leader hands over.
      const leader = candidates.find((c) => c.elector.isLeader());
      if (leader && minute % 3 === 2) {
        leader.stop.abort();
        await leader.result;
        candidates.push(replica(Number(leader.id.split('-')[1]), 100 + minute));
      }
    }
    for (const c of candidates) c.stop.abort();
    await Promise.all(candidates.map((c) => c.result));
    await settle();
    watch.stop();
    await watch.done;

    assert.deepEqual(violations, []);
    assert.ok(starts >= 4, `expected several handovers, saw ${starts} terms`);
    // In the history, leaseTransitions goes up by one exactly when a new holder takes over.
    for (let i = 1; i < history.length; i++) {
      const [prev, cur] = [history[i - 1]!, history[i]!];
      const newHolder = cur.holder !== '' && cur.holder !== prev.holder;
      assert.equal(cur.transitions, prev.transitions + (newHolder ? 1 : 0), JSON.stringify(cur));
    }
  });
});

describe('LeaderElector over HTTPS (local control plane)', () => {
  let plane: LocalControlPlane;
  let port: KubePort;

  before(async () => {
    plane = new LocalControlPlane({ simulation: { deployments: false, ingresses: false } });
    await plane.start();
    port = createKubeClient(restConfigFromYaml(plane.kubeconfig()));
  });
  after(() => plane.stop());

  /** Resolves when `fn` is called; for callbacks on the real clock. */
  const signalled = () => {
    let fire!: () => void;
    const fired = new Promise<void>((resolve) => (fire = resolve));
    return { fired, fire };
  };

  it('one of two leads; aborting it hands over at once thanks to the release', async () => {
    const timings = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 100 };
    const aLeads = signalled();
    const bSawA = signalled();
    const bLeads = signalled();
    const a = campaign('http-a', port, realClock, {
      ...timings,
      onStartedLeading: () => aLeads.fire(),
    });
    await aLeads.fired;
    const b = campaign('http-b', port, realClock, {
      ...timings,
      onStartedLeading: () => bLeads.fire(),
      onNewLeader: (id) => id === 'http-a' && bSawA.fire(),
    });
    await bSawA.fired;

    // The server took our MicroTimes (it rejects any other form).
    const lease = await getLease(port);
    assert.equal(lease.spec.holderIdentity, 'http-a');
    assert.equal(lease.spec.leaseDurationSeconds, 3);
    assert.match(lease.spec.acquireTime!, MICRO_TIME);
    assert.match(lease.spec.renewTime!, MICRO_TIME);
    await assert.rejects(
      port.update(
        RESOURCES.leases,
        { ...lease, spec: { ...lease.spec, renewTime: '2026-01-01T00:00:00Z' } },
        { fieldManager: 'test' },
      ),
      InvalidError,
    );
    assert.equal(b.elector.isLeader(), false);

    const abortedAt = Date.now();
    a.stop.abort();
    assert.equal(await a.result, 'stopped');
    await bLeads.fired;
    const handover = Date.now() - abortedAt;
    // Without the release b would wait the 3 s lease duration; with it, one jittered retry.
    assert.ok(handover < 1_500, `handover took ${handover} ms`);
    const taken = await getLease(port);
    assert.equal(taken.spec.holderIdentity, 'http-b');
    assert.equal(taken.spec.leaseTransitions, 1);
    assert.deepEqual(a.errors, []);

    b.stop.abort();
    assert.equal(await b.result, 'stopped');
    assert.equal((await getLease(port)).spec.holderIdentity, '');
  });
});
