// The manager against the local control plane over HTTPS with the real
// client: workers, owned objects, retries, health and metrics servers,
// graceful shutdown, and leader election between two managers.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createKubeClient, restConfigFromYaml } from '../../src/kube/client.ts';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type { KubeObject, KubePort } from '@mcp-operator/kube-core/port';
import { createLogger } from '../../src/controller/logging.ts';
import { Manager } from '../../src/controller/manager.ts';
import type { ManagerExit, Reconciler, Request } from '../../src/controller/manager.ts';
import { keepManagedFieldsOf } from '../../src/controller/manager.ts';
import { LocalControlPlane } from '@mcp-operator/local-control-plane/control-plane';

const silent = () =>
  createLogger({ level: 'error', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const LOCAL = { host: '127.0.0.1', port: 0 };

function get(address: string, path: string): Promise<{ status: number; body: string }> {
  const [host, port] = [
    address.slice(0, address.lastIndexOf(':')),
    Number(address.slice(address.lastIndexOf(':') + 1)),
  ];
  return new Promise((resolve, reject) => {
    request({ host, port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

/** Resolves when `probe` returns a value, checking each time `tick` is called and on a short poll. */
function eventually<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = async () => {
      const value = await probe();
      if (value !== undefined && value !== false) return resolve(value);
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(() => void attempt(), 10);
    };
    void attempt();
  });
}

function clientFor(plane: LocalControlPlane, token: string): KubePort {
  return createKubeClient(restConfigFromYaml(plane.kubeconfig(token)), {
    userAgent: 'manager-test',
  });
}

const configMap = (name: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', ...extra },
  data: { a: '1' },
});

describe('manager', () => {
  let plane: LocalControlPlane;
  let port: KubePort;

  before(async () => {
    plane = new LocalControlPlane({
      tokens: { alice: 'alice', bob: 'bob' },
      bookmarkIntervalSeconds: 1,
    });
    await plane.start();
    port = clientFor(plane, 'alice');
  });
  after(() => plane.stop());

  it('reconciles primaries and the owners of changed dependents, retries failures, and serves health and metrics', async () => {
    const seen: string[] = [];
    let failOnce = true;
    const reconciler: Reconciler = {
      reconcile(req: Request) {
        seen.push(`${req.namespace}/${req.name}`);
        if (req.name === 'flaky' && failOnce) {
          failOnce = false;
          return Promise.reject(new Error('transient'));
        }
        return Promise.resolve();
      },
    };
    // Hold the first lists so /readyz can be seen before the caches sync.
    plane.failNext({ verb: 'list', resource: 'configmaps', count: 2, code: 500 });
    const manager = new Manager({
      port,
      logger: silent(),
      healthBindAddress: LOCAL,
      metricsBindAddress: LOCAL,
      informer: { backoff: { initialMs: 200, maxMs: 400 } },
    });
    manager.addController({
      name: 'configmaps',
      for: RESOURCES.configmaps,
      owns: [{ resource: RESOURCES.configmaps }],
      reconciler,
      maxConcurrentReconciles: 2,
    });
    const stop = new AbortController();
    const running = manager.run(stop.signal);
    const health = await eventually(() => manager.healthAddress, 'the health server');
    assert.equal((await get(health, '/healthz')).status, 200);
    assert.equal((await get(health, '/readyz')).status, 503);
    await eventually(async () => (await get(health, '/readyz')).status === 200, 'readiness');

    const owner = await port.create(RESOURCES.configmaps, configMap('owner'), {
      fieldManager: 'test',
    });
    await port.create(RESOURCES.configmaps, configMap('flaky'), { fieldManager: 'test' });
    await eventually(
      () => seen.filter((k) => k === 'default/flaky').length >= 2,
      'the retry of a failed reconcile',
    );
    const before = seen.filter((k) => k === 'default/owner').length;
    await port.create(
      RESOURCES.configmaps,
      configMap('dependent', {
        ownerReferences: [
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            name: 'owner',
            uid: owner.metadata.uid!,
            controller: true,
          },
        ],
      }),
      { fieldManager: 'test' },
    );
    await eventually(
      () => seen.filter((k) => k === 'default/owner').length > before,
      'the owner to be reconciled for its dependent',
    );

    const metrics = (await get(manager.metricsAddress!, '/metrics')).body;
    assert.match(
      metrics,
      /controller_runtime_reconcile_total\{controller="configmaps",result="success"\} \d+/,
    );
    assert.match(
      metrics,
      /controller_runtime_reconcile_total\{controller="configmaps",result="error"\} 1/,
    );
    assert.match(metrics, /controller_runtime_reconcile_errors_total\{controller="configmaps"\} 1/);
    assert.match(
      metrics,
      /controller_runtime_reconcile_time_seconds_bucket\{le="[^"]+",controller="configmaps"\}/,
    );
    assert.match(
      metrics,
      /controller_runtime_max_concurrent_reconciles\{controller="configmaps"\} 2/,
    );
    assert.match(metrics, /controller_runtime_active_workers\{controller="configmaps"\} 0/);
    assert.match(metrics, /workqueue_adds_total\{name="configmaps",controller="configmaps"\} \d+/);
    assert.match(metrics, /workqueue_retries_total\{name="configmaps",controller="configmaps"\} 1/);
    assert.match(metrics, /workqueue_depth\{name="configmaps",controller="configmaps"\} \d/);
    assert.match(metrics, /workqueue_queue_duration_seconds_count/);
    assert.match(metrics, /workqueue_work_duration_seconds_count/);
    assert.match(metrics, /process_cpu_seconds_total/);
    stop.abort();
    assert.equal(await running, 'stopped');
  });

  it('lets in-flight reconciles finish on shutdown, and takes no new work', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    let finished = 0;
    const manager = new Manager({ port, logger: silent() });
    manager.addController({
      name: 'slow',
      for: RESOURCES.configmaps,
      reconciler: {
        async reconcile(req) {
          if (req.name !== 'slow') return;
          started++;
          await gate;
          finished++;
        },
      },
    });
    const stop = new AbortController();
    const running = manager.run(stop.signal);
    await port.create(RESOURCES.configmaps, configMap('slow'), { fieldManager: 'test' });
    await eventually(() => started === 1, 'the slow reconcile to start');
    stop.abort();
    let done = false;
    void running.then(() => (done = true));
    await port.patch(
      RESOURCES.configmaps,
      'default',
      'slow',
      'merge',
      { data: { b: '2' } },
      { fieldManager: 'test' },
    );
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(done, false, 'the manager waits for the in-flight reconcile');
    release();
    assert.equal(await running, 'stopped');
    assert.equal(finished, 1);
    assert.equal(started, 1, 'no new work after shutdown began');
  });

  it('enqueues no update of a primary that ignoreUpdate turns away', async () => {
    const seen: string[] = [];
    const manager = new Manager({ port, logger: silent() });
    manager.addController({
      name: 'quiet',
      for: RESOURCES.configmaps,
      maxConcurrentReconciles: 1,
      ignoreUpdate: (_old, updated) => updated.metadata.labels?.quiet === 'yes',
      reconciler: {
        reconcile(req) {
          if (req.name.startsWith('quiet-')) seen.push(req.name);
          return Promise.resolve();
        },
      },
    });
    const stop = new AbortController();
    const running = manager.run(stop.signal);
    const label = (quiet: string) =>
      port.patch(
        RESOURCES.configmaps,
        'default',
        'quiet-a',
        'merge',
        { metadata: { labels: { quiet } } },
        { fieldManager: 'test' },
      );
    try {
      await port.create(RESOURCES.configmaps, configMap('quiet-a'), { fieldManager: 'test' });
      await eventually(() => seen.length === 1, 'the first reconcile');
      await label('yes');
      // Watch events come in order and one worker takes keys in order: had the
      // update been queued, quiet-a would be reconciled before quiet-b.
      await port.create(RESOURCES.configmaps, configMap('quiet-b'), { fieldManager: 'test' });
      await eventually(() => seen.includes('quiet-b'), 'the barrier reconcile');
      assert.deepEqual(seen, ['quiet-a', 'quiet-b']);
      await label('no');
      await eventually(() => seen.length === 3, 'the update that is not ignored');
      assert.deepEqual(seen, ['quiet-a', 'quiet-b', 'quiet-a']);
    } finally {
      stop.abort();
      await running;
    }
  });

  it('still reconciles on the periodic resync whatever ignoreUpdate says', async () => {
    let passes = 0;
    const manager = new Manager({ port, logger: silent(), resyncPeriodMs: 50 });
    manager.addController({
      name: 'resynced',
      for: RESOURCES.configmaps,
      ignoreUpdate: () => true,
      reconciler: {
        reconcile(req) {
          if (req.name === 'resynced') passes++;
          return Promise.resolve();
        },
      },
    });
    const stop = new AbortController();
    const running = manager.run(stop.signal);
    try {
      await port.create(RESOURCES.configmaps, configMap('resynced'), { fieldManager: 'test' });
      await eventually(() => passes >= 3, 'passes from the resync');
    } finally {
      stop.abort();
      await running;
    }
  });

  describe('leader election', () => {
    const lease = {
      namespace: 'default',
      name: 'manager-test-lease',
      leaseDurationMs: 3000,
      renewDeadlineMs: 2000,
      retryPeriodMs: 200,
    };

    function candidate(token: string, identity: string) {
      const active: string[] = [];
      const manager = new Manager({
        port: clientFor(plane, token),
        logger: silent(),
        healthBindAddress: LOCAL,
        metricsBindAddress: LOCAL,
        leaderElection: { ...lease, identity },
      });
      manager.addController({
        name: `le-${identity}`,
        for: RESOURCES.configmaps,
        reconciler: {
          reconcile(req) {
            active.push(req.name);
            return Promise.resolve();
          },
        },
      });
      const stop = new AbortController();
      const running: Promise<ManagerExit> = manager.run(stop.signal);
      return { manager, active, stop, running, token };
    }

    const controllerRequests = (user: string) =>
      plane.faults
        .requests()
        .filter(
          (r) =>
            r.user === user &&
            r.resource === 'configmaps' &&
            (r.verb === 'list' || r.verb === 'watch'),
        );
    const leaseWrites = (user: string) =>
      plane.faults
        .requests()
        .filter(
          (r) =>
            r.user === user &&
            r.resource === 'leases' &&
            (r.verb === 'update' || r.verb === 'create' || r.verb === 'patch'),
        );

    it('runs controllers in exactly one manager and hands over at once when the leader stops', async () => {
      plane.faults.resetRequests();
      const a = candidate('alice', 'a');
      await eventually(() => a.active.length > 0, 'a to lead and reconcile');
      const b = candidate('bob', 'b');
      await eventually(
        async () =>
          b.manager.healthAddress && (await get(b.manager.healthAddress, '/readyz')).status === 200,
        'b to be a ready standby',
      );
      assert.equal(controllerRequests('bob').length, 0, 'a standby runs no controllers');
      assert.match(
        (await get(b.manager.metricsAddress!, '/metrics')).body,
        /leader_election_master_status\{name="manager-test-lease"\} 0/,
      );
      assert.match(
        (await get(a.manager.metricsAddress!, '/metrics')).body,
        /leader_election_master_status\{name="manager-test-lease"\} 1/,
      );
      const stoppedAt = Date.now();
      a.stop.abort();
      assert.equal(await a.running, 'stopped');
      await eventually(() => b.active.length > 0, 'b to take over');
      assert.ok(
        Date.now() - stoppedAt < lease.leaseDurationMs,
        'the released lease is taken before it would expire',
      );
      const lastAliceLeaseWrite = Math.max(...leaseWrites('alice').map((r) => r.time));
      const firstBobController = Math.min(...controllerRequests('bob').map((r) => r.time));
      assert.ok(firstBobController >= lastAliceLeaseWrite, 'never two active leaders');
      b.stop.abort();
      await b.running;
    });

    it('takes over after the lease duration when the leader vanishes without releasing', async () => {
      plane.faults.resetRequests();
      const a = candidate('alice', 'a2');
      await eventually(() => a.active.length > 0, 'a2 to lead');
      const b = candidate('bob', 'b2');
      await eventually(
        () => leaseWrites('bob').length === 0 && b.manager.isReady(),
        'b2 to stand by',
      );
      // a2 can no longer reach the API: it cannot renew, and cannot release.
      plane.deny({ user: 'alice' });
      const cutAt = Date.now();
      await eventually(() => b.active.length > 0, 'b2 to take over', 15_000);
      assert.ok(Date.now() - cutAt >= lease.leaseDurationMs - 500, 'not before the lease expires');
      assert.equal(await a.running, 'lost-leadership');
      const lastAliceLeaseWrite = Math.max(
        ...leaseWrites('alice')
          .filter((r) => r.code < 300)
          .map((r) => r.time),
      );
      const firstBobController = Math.min(...controllerRequests('bob').map((r) => r.time));
      assert.ok(firstBobController > lastAliceLeaseWrite, 'never two active leaders');
      plane.clearDenyRules();
      b.stop.abort();
      await b.running;
    });
  });
});

describe('the cache transform', () => {
  const entry = (manager: string, subresource?: string) => ({
    manager,
    operation: 'Update',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:spec': {} },
    ...(subresource ? { subresource } : {}),
  });
  const object = (entries?: unknown[]): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's', ...(entries ? { managedFields: entries } : {}) },
  });
  const keep = keepManagedFieldsOf('me');

  it('keeps only the field manager\u2019s own entries on the main resource', () => {
    const input = object([entry('kubectl'), entry('me'), entry('me', 'status')]);
    assert.deepEqual(keep(input).metadata.managedFields, [entry('me')]);
    assert.equal(input.metadata.managedFields?.length, 3, 'the input is not mutated');
  });

  it('drops managedFields when none are ours, and passes other objects through', () => {
    assert.equal('managedFields' in keep(object([entry('kubectl')])).metadata, false);
    const plain = object();
    assert.equal(keep(plain), plain);
    const mine = object([entry('me')]);
    assert.equal(keep(mine), mine);
  });
});
