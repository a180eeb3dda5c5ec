// The operator under injected faults (issue 10): while 200 MCPServers are
// created, updated and deleted, a tenth of all requests fail with 500 or 429,
// a quarter of status writes answer 409, watches are dropped every few
// seconds, the watch history is compacted, and the API server restarts once.
// Once the faults are cleared, the plane's store must hold exactly the
// desired objects — none missing, duplicated or orphaned, every status true
// to them — the operator must still be running, and it must have sent a
// bounded number of requests. Local control plane only: a real API server
// cannot be told to fail. Faults are seeded; the test awaits conditions and
// asserts no timings.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FIELD_MANAGER } from '../../src/api/v1alpha1/defaults.ts';
import { AlreadyExistsError, NotFoundError } from '@mcp-operator/kube-core/errors';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type { LocalControlPlane } from '@mcp-operator/local-control-plane/control-plane';
import { eventually, manifest, operatorConfig, startCluster } from './cluster.ts';
import type { TestCluster } from './cluster.ts';
import {
  LOCAL_ONLY,
  awaitConvergence,
  convergenceProblems,
  inParallel,
  retrying,
  startTestOperator,
  unsettledServers,
} from './resilience-harness.ts';
import type { TestOperator } from './resilience-harness.ts';

const SERVERS = 200;
const NAMESPACES = 4;
/**
 * Requests the operator may send per server created, over the whole run
 * (failed ones, retries, relists and Events included). About 8 are needed
 * here; a bound well above that still catches a retry storm or a hot relist
 * loop.
 */
const REQUESTS_PER_SERVER_BOUND = 20;
const MAX_DROPS = 12;
const MAX_COMPACTIONS = 8;
const GATEWAY_IMAGE = 'ghcr.io/acme/mcp-gateway:1.0.0';
const ENV = { MCP_GATEWAY_PROXY_IMAGE: GATEWAY_IMAGE };
/** These run the gateway sidecar (the operator's default once MCP_GATEWAY_PROXY_IMAGE is set); the rest opt out. */
const WITH_GATEWAY = new Set([7, 150]);

const name = (i: number) => `s${String(i).padStart(3, '0')}`;
const hostBased = (i: number) => i % 2 === 0;

/** Host-based (a host per server) and path-based (hostless, a prefix per server) routes. */
function serverSpec(i: number): Record<string, unknown> {
  return {
    ...(hostBased(i) ? { ingressHost: `h${i}.example.test` } : { publicPathPrefix: `p${i}` }),
    ...(WITH_GATEWAY.has(i) ? {} : { gateway: { enabled: false } }),
  };
}

/** The changes of the update phase: image, port, routing (several for some servers). */
function updateOf(i: number): Record<string, unknown> | undefined {
  const spec: Record<string, unknown> = {};
  if (i % 5 === 0) spec.image = 'ghcr.io/acme/tools:2.0.0';
  if (i % 7 === 1) spec.port = 9090;
  if (i % 9 === 2) {
    if (hostBased(i)) spec.ingressHost = `h${i}-v2.example.test`;
    else spec.publicPathPrefix = `p${i}-v2`;
  }
  return Object.keys(spec).length ? spec : undefined;
}

const deleted = (i: number) => i % 6 === 3;

describe(
  'the operator under injected faults',
  { skip: process.env.TEST_KUBECONFIG ? LOCAL_ONLY : false },
  () => {
    let cluster: TestCluster;
    let plane: LocalControlPlane;
    let namespaces: string[];
    let operator: TestOperator;
    const timers: NodeJS.Timeout[] = [];
    const nsOf = (i: number) => namespaces[i % NAMESPACES]!;

    before(async () => {
      cluster = await startCluster();
      plane = cluster.plane!;
      namespaces = await cluster.namespaces(NAMESPACES);
    });
    after(async () => {
      timers.forEach(clearInterval);
      plane?.faults.clear();
      await operator?.stop();
      await cluster?.stop();
    });

    it(`converges ${SERVERS} servers created, updated and deleted under 500s, 429s, 409s, dropped watches, compaction and a restart`, async (t) => {
      const started = Date.now();
      plane.faults.resetRequests();
      // Faults from the start: the operator's first lists and watches meet them too.
      plane.faults.failRandomly({
        verb: 'update',
        resource: 'mcpservers/status',
        rate: 0.25,
        failures: [
          {
            code: 409,
            reason: 'Conflict',
            message:
              'Operation cannot be fulfilled on mcpservers.mcpruntime.org: the object has been modified; please apply your changes to the latest version and try again',
          },
        ],
        seed: 409,
      });
      plane.faults.failRandomly({
        rate: 0.1,
        failures: [
          {
            code: 500,
            reason: 'InternalError',
            message: 'injected: etcdserver: request timed out',
          },
          {
            code: 429,
            reason: 'TooManyRequests',
            message: 'injected: too many requests, please try again later',
            retryAfterSeconds: 1,
          },
        ],
        seed: 10,
      });
      // Every few seconds while the faults last, up to a cap, so a slow machine (where they last
      // longer) does not add relists without bound to the requests counted below.
      let drops = 0;
      let compactions = 0;
      timers.push(
        setInterval(() => {
          if (drops >= MAX_DROPS) return;
          plane.dropWatches();
          drops++;
        }, 2000),
        setInterval(() => {
          if (compactions >= MAX_COMPACTIONS) return;
          plane.compactHistory();
          compactions++;
        }, 3100),
      );
      operator = startTestOperator(cluster, { namespaces, env: ENV });

      // Create, with one API-server restart half-way through.
      const indexes = Array.from({ length: SERVERS }, (_, i) => i);
      let restart: Promise<void> | undefined;
      await inParallel(indexes, 8, async (i) => {
        if (i === SERVERS / 2) restart = plane.restart(500);
        await retrying(
          `create ${name(i)}`,
          () =>
            cluster.admin.create(RESOURCES.mcpServers, manifest(nsOf(i), name(i), serverSpec(i)), {
              fieldManager: 'test',
            }),
          AlreadyExistsError,
        );
      });
      await restart;
      const created = Date.now();
      // Update a subset, then delete another (overlapping) one, while the operator is still at work.
      const updates = indexes.filter((i) => updateOf(i));
      await inParallel(updates, 8, (i) =>
        retrying(`update ${name(i)}`, () =>
          cluster.admin.patch(
            RESOURCES.mcpServers,
            nsOf(i),
            name(i),
            'merge',
            { spec: updateOf(i) },
            { fieldManager: 'test' },
          ),
        ),
      );
      const deletes = indexes.filter(deleted);
      await inParallel(deletes, 8, (i) =>
        retrying(
          `delete ${name(i)}`,
          () => cluster.admin.delete(RESOURCES.mcpServers, nsOf(i), name(i)),
          NotFoundError,
        ),
      );

      const workloadDone = Date.now();
      const present = new Set(
        indexes.filter((i) => !deleted(i)).map((i) => `${nsOf(i)}/${name(i)}`),
      );
      const config = operatorConfig(ENV);
      const expect = { present };
      // The faults stay on until the operator has brought half the servers to Ready through them.
      await eventually(
        () => unsettledServers(plane, namespaces, present).length <= present.size / 2,
        'half the servers Ready under faults',
        120_000,
      );
      timers.forEach(clearInterval);
      plane.faults.clear();
      const cleared = Date.now();
      const underFaults = plane.faults.requests({ client: FIELD_MANAGER });
      const injected = underFaults.filter((r) => [409, 429, 500].includes(r.code));

      await awaitConvergence(
        plane,
        namespaces,
        config,
        expect,
        'every server converged after the faults',
      );
      assert.deepEqual(convergenceProblems(plane, namespaces, config, expect), []);

      // No crash: the manager is still running, and asked for nothing its roles do not grant.
      assert.equal(operator.outcome(), undefined, 'the manager is still running');
      assert.deepEqual([...operator.permitted.refused], []);

      // Counted twice: as the plane served them, and as the operator's port sent them (which
      // includes those the restart refused at the connection).
      const requests = plane.faults.requests({ client: FIELD_MANAGER });
      const byVerb: Record<string, number> = {};
      for (const r of requests) byVerb[r.verb] = (byVerb[r.verb] ?? 0) + 1;
      const sent = [...operator.port.counts.values()].reduce((n, c) => n + c, 0);
      const perServer = Math.max(requests.length, sent) / SERVERS;
      t.diagnostic(
        `${SERVERS} servers (${updates.length} updated, ${deletes.length} deleted) converged in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      const secs = (from: number, to: number) => ((to - from) / 1000).toFixed(1);
      t.diagnostic(
        `phases: create ${secs(started, created)} s, update+delete ${secs(created, workloadDone)} s, half converged under faults ${secs(workloadDone, cleared)} s, the rest after clearing ${secs(cleared, Date.now())} s`,
      );
      t.diagnostic(
        `faults: ${injected.length} injected failures answered the operator (${injected.filter((r) => r.code === 409).length} × 409, ${injected.filter((r) => r.code === 429).length} × 429, ${injected.filter((r) => r.code === 500).length} × 500), ${drops} watch drops, ${compactions} compactions, 1 restart`,
      );
      t.diagnostic(
        `operator requests: ${requests.length} served (${perServer.toFixed(1)} per server; bound ${REQUESTS_PER_SERVER_BOUND}), ${sent} sent by its port; by verb ${JSON.stringify(byVerb)}`,
      );
      assert.ok(
        perServer <= REQUESTS_PER_SERVER_BOUND,
        `${perServer.toFixed(1)} requests per server, more than ${REQUESTS_PER_SERVER_BOUND}`,
      );
      assert.ok(injected.length > 0, 'the faults reached the operator');

      assert.equal(await operator.stop(), 'stopped');
    });
  },
);
