// Leader failover in the middle of a rollout (issue 10): two operators with
// leader election on the same Lease (short durations); the leader rolls a new
// image out over 200 servers and dies as a crashed process would — no release
// of the Lease, no further request — after its 60th Deployment update. The
// standby takes over once the Lease expires, and every server ends with the
// new image, Ready at its latest generation, including the changes made while
// nobody led. Local control plane only (the operators run as its service
// account and the check reads its store; the leader is killed at its port).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LEASE_NAME, OPERATOR_NAMESPACE } from '../../src/api/v1alpha1/defaults.ts';
import { AlreadyExistsError } from '@mcp-operator/kube-core/errors';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type { LocalControlPlane } from '@mcp-operator/local-control-plane/control-plane';
import { eventually, manifest, operatorConfig, startCluster } from './cluster.ts';
import type { TestCluster } from './cluster.ts';
import {
  awaitConvergence,
  convergenceProblems,
  inParallel,
  retrying,
  startTestOperator,
} from './resilience-harness.ts';
import type { TestOperator } from './resilience-harness.ts';

const SERVERS = 200;
const NAMESPACES = 2;
const OLD_IMAGE = 'ghcr.io/acme/tools:1.0.0';
const NEW_IMAGE = 'ghcr.io/acme/tools:2.0.0';
/** The leader dies right after this many Deployment updates of the rollout. */
const KILL_AFTER_UPDATES = 60;
/** Servers whose port changes while nobody leads. */
const CHANGED_WHILE_LEADERLESS = 20;
/** Short, valid durations (lease > renew deadline > 1.2 × retry period). */
const ELECTION = { leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 300 };

/** Why the suite skips against TEST_KUBECONFIG. */
const LOCAL_ONLY =
  'runs the operators as the local plane’s service account and reads what converged from its store';

const name = (i: number) => `r${String(i).padStart(3, '0')}`;

interface LeaseSpec {
  holderIdentity?: string;
  leaseTransitions?: number;
}

describe(
  'leader failover in the middle of a rollout',
  { skip: process.env.TEST_KUBECONFIG ? LOCAL_ONLY : false },
  () => {
    let cluster: TestCluster;
    let plane: LocalControlPlane;
    let namespaces: string[];
    const operators: TestOperator[] = [];
    const nsOf = (i: number) => namespaces[i % NAMESPACES]!;
    const lease = () =>
      plane.store.tryGet(
        plane.type('coordination.k8s.io', 'leases'),
        OPERATOR_NAMESPACE,
        LEASE_NAME,
      )?.spec as LeaseSpec | undefined;

    before(async () => {
      cluster = await startCluster();
      plane = cluster.plane!;
      namespaces = await cluster.namespaces(NAMESPACES);
    });
    after(async () => {
      await Promise.all(operators.map((o) => o.stop()));
      await cluster?.stop();
    });

    it(`loses no update when the leader dies after ${KILL_AFTER_UPDATES} of ${SERVERS} Deployment updates`, async (t) => {
      const started = Date.now();
      const start = (identity: string) => {
        const operator = startTestOperator(cluster, {
          namespaces,
          instance: identity,
          leaderElection: {
            namespace: OPERATOR_NAMESPACE,
            name: LEASE_NAME,
            identity,
            ...ELECTION,
          },
        });
        operators.push(operator);
        return operator;
      };
      // The first leads (it alone is running when the Lease is first taken); the second stands by.
      const first = start('operator-a');
      await eventually(() => lease()?.holderIdentity === 'operator-a', 'operator-a to lead');
      const second = start('operator-b');

      const indexes = Array.from({ length: SERVERS }, (_, i) => i);
      await inParallel(indexes, 8, (i) =>
        retrying(
          `create ${name(i)}`,
          () =>
            cluster.admin.create(
              RESOURCES.mcpServers,
              manifest(nsOf(i), name(i), { publicPathPrefix: name(i) }),
              { fieldManager: 'test' },
            ),
          AlreadyExistsError,
        ),
      );
      const present = new Set(indexes.map((i) => `${nsOf(i)}/${name(i)}`));
      const config = operatorConfig();
      await awaitConvergence(
        plane,
        namespaces,
        config,
        { present, image: () => OLD_IMAGE },
        'every server Ready on the first leader',
      );
      assert.equal(lease()?.holderIdentity, 'operator-a');
      assert.equal(
        second.port.writes()['create deployments'],
        undefined,
        'the standby wrote nothing',
      );
      const converged = Date.now();

      // The rollout: the leader dies right after its 60th Deployment update.
      let killedAt = 0;
      first.killable.killAfter('update', 'deployments', KILL_AFTER_UPDATES, () => {
        killedAt = Date.now();
      });
      await inParallel(indexes, 8, (i) =>
        retrying(`update ${name(i)}`, () =>
          cluster.admin.patch(
            RESOURCES.mcpServers,
            nsOf(i),
            name(i),
            'merge',
            { spec: { image: NEW_IMAGE } },
            { fieldManager: 'test' },
          ),
        ),
      );
      await eventually(() => first.killable.killed, 'the leader to die mid-rollout', 120_000);
      const rolledByFirst = countImage(plane, namespaces, NEW_IMAGE);
      assert.ok(rolledByFirst <= KILL_AFTER_UPDATES, 'the dead leader rolled out no more');
      // While nobody leads (the Lease has not expired yet), more changes arrive.
      const leaderless = lease()?.holderIdentity === 'operator-a';
      const changed = indexes.slice(0, CHANGED_WHILE_LEADERLESS);
      await inParallel(changed, 8, (i) =>
        retrying(`change port of ${name(i)}`, () =>
          cluster.admin.patch(
            RESOURCES.mcpServers,
            nsOf(i),
            name(i),
            'merge',
            { spec: { port: 9090 } },
            { fieldManager: 'test' },
          ),
        ),
      );

      // The standby takes over and finishes the rollout.
      await eventually(
        () => lease()?.holderIdentity === 'operator-b',
        'operator-b to lead',
        60_000,
      );
      const tookOver = Date.now();
      const rolledOut = { present, image: () => NEW_IMAGE };
      await awaitConvergence(
        plane,
        namespaces,
        config,
        rolledOut,
        'every server on the new image, Ready at its latest generation',
      );
      assert.deepEqual(convergenceProblems(plane, namespaces, config, rolledOut), []);
      // convergenceProblems compared each Deployment with what its current spec wants: the port
      // changes made while nobody led are there too. Said explicitly:
      for (const i of changed) {
        const deployment = plane.store.get(plane.type('apps', 'deployments'), nsOf(i), name(i));
        assert.match(JSON.stringify(deployment.spec), /"containerPort":9090/, name(i));
      }

      // The dead leader's manager gave up (as `run` exits 1); the new one runs on.
      assert.deepEqual(
        await first.done.then((exit) => exit),
        'lost-leadership',
        'the killed leader stops with lost-leadership',
      );
      assert.equal(second.outcome(), undefined, 'the new leader is still running');
      assert.ok((lease()?.leaseTransitions ?? 0) >= 1, 'the Lease changed hands');
      for (const o of operators) assert.deepEqual([...o.permitted.refused], []);

      const secs = (from: number, to: number) => ((to - from) / 1000).toFixed(1);
      const secondWrites = second.port.writes();
      t.diagnostic(
        `first leader: ${rolledByFirst} of ${SERVERS} Deployments on the new image when it died (${KILL_AFTER_UPDATES} updates sent); Lease still naming it then: ${leaderless}`,
      );
      t.diagnostic(
        `timeline: ${SERVERS} converged ${secs(started, converged)} s; died ${secs(converged, killedAt)} s into the rollout; standby led ${secs(killedAt, tookOver)} s later; all converged ${secs(tookOver, Date.now())} s after that`,
      );
      t.diagnostic(`the new leader's writes: ${JSON.stringify(secondWrites)}`);
      assert.equal(await second.stop(), 'stopped');
    });
  },
);

function countImage(plane: LocalControlPlane, namespaces: string[], image: string): number {
  const type = plane.type('apps', 'deployments');
  return namespaces
    .flatMap((ns) => plane.store.list(type, ns).items)
    .filter((d) => JSON.stringify(d.spec).includes(`"image":"${image}"`)).length;
}
