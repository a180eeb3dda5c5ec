// The stock @kubernetes/client-node informer against the local control plane:
// it resumes after its watch is dropped and relists after a 410.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, makeInformer } from '@kubernetes/client-node';
import type { Informer, KubeConfig, ObjectCache, V1ConfigMap } from '@kubernetes/client-node';
import type { LocalControlPlane } from '../src/control-plane.ts';
import { startPlane } from '../src/testing.ts';

describe('client-node informer against the local control plane', () => {
  let plane: LocalControlPlane;
  let kc: KubeConfig;
  let informer: Informer<V1ConfigMap> & ObjectCache<V1ConfigMap>;
  const seen: string[] = [];
  let listCalls = 0;
  let notify: () => void = () => {};
  const next = (predicate: () => boolean) =>
    new Promise<void>((resolve) => {
      if (predicate()) return resolve();
      notify = () => {
        if (predicate()) resolve();
      };
    });

  before(async () => {
    ({ plane, kc } = await startPlane());
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'informed' } } });
    informer = makeInformer(kc, '/api/v1/namespaces/informed/configmaps', () => {
      listCalls++;
      notify();
      return core.listNamespacedConfigMap({ namespace: 'informed' });
    });
    for (const verb of ['add', 'update', 'delete'] as const) {
      informer.on(verb, (cm) => {
        seen.push(`${verb} ${cm.metadata!.name}`);
        notify();
      });
    }
    await informer.start();
  });
  after(async () => {
    await informer.stop();
    await plane.stop();
  });

  const create = (name: string) =>
    kc.makeApiClient(CoreV1Api).createNamespacedConfigMap({
      namespace: 'informed',
      body: { metadata: { name }, data: { a: '1' } },
    });

  it('sees changes, and resumes after its watch is dropped', async () => {
    await create('one');
    await next(() => seen.includes('add one'));
    const watchesBefore = plane.faults.requests({ verb: 'watch', resource: 'configmaps' }).length;
    plane.dropWatches();
    await create('two');
    await next(() => seen.includes('add two'));
    assert.ok(
      plane.faults.requests({ verb: 'watch', resource: 'configmaps' }).length > watchesBefore,
    );
    assert.equal(listCalls, 1, 'a resumed watch needs no relist');
  });

  it('relists after the watch history is compacted (410 Expired)', async () => {
    // Move the server past the informer's last resourceVersion, then forget the history.
    await kc.makeApiClient(CoreV1Api).createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'elsewhere' } },
    });
    plane.compactHistory();
    plane.dropWatches();
    await next(() => listCalls === 2);
    await create('three');
    await next(() => seen.includes('add three'));
    assert.deepEqual(
      informer
        .list('informed')
        .map((cm) => cm.metadata!.name)
        .sort(),
      ['one', 'three', 'two'],
    );
  });
});
