// The cluster's controllers as modules beside the store: the store alone keeps
// storage, admission and watch; each controller follows its changes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GarbageCollector } from '../src/controllers/garbage-collector.ts';
import { NamespaceController } from '../src/controllers/namespace-controller.ts';
import { Store } from '../src/store.ts';
import type { KubeObject } from '../src/types.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

function setup() {
  const store = new Store();
  const configMaps = store.typeFor('', 'configmaps')!;
  const namespaces = store.typeFor('', 'namespaces')!;
  const create = (name: string, extra: Partial<KubeObject['metadata']> = {}, ns = 'default') =>
    store.create(configMaps, ns, { metadata: { name, ...extra } }).object;
  const exists = (name: string, ns = 'default') => !!store.tryGet(configMaps, ns, name);
  return { store, configMaps, namespaces, create, exists };
}

describe('store change listeners', () => {
  it('deliver a change a listener commits after every listener saw the one before it', () => {
    const { store, configMaps, create } = setup();
    const seen: string[] = [];
    store.onChange((_type, change) => {
      seen.push(`first ${change.type} ${change.object.metadata.name}`);
      if (change.type === 'ADDED' && change.object.metadata.name === 'a') create('b');
    });
    store.onChange((_type, change) =>
      seen.push(`second ${change.type} ${change.object.metadata.name}`),
    );
    create('a');
    store.delete(configMaps, 'default', 'a');
    assert.deepEqual(seen, [
      'first ADDED a',
      'second ADDED a',
      'first ADDED b',
      'second ADDED b',
      'first DELETED a',
      'second DELETED a',
    ]);
  });
});

describe('store watchers', () => {
  it('hand read-only watchers one stored object per change, and the others a copy each', () => {
    const { store, configMaps, create } = setup();
    const shared: KubeObject[] = [];
    const copies: KubeObject[] = [];
    for (let i = 0; i < 2; i++) {
      store.watch(
        configMaps,
        'default',
        { resourceVersion: store.resourceVersion, readOnly: true },
        (e) => shared.push(e.object as KubeObject),
      );
      store.watch(configMaps, 'default', { resourceVersion: store.resourceVersion }, (e) =>
        copies.push(e.object as KubeObject),
      );
    }
    create('a');
    assert.equal(shared.length, 2);
    assert.equal(shared[0], shared[1]);
    assert.notEqual(copies[0], copies[1]);
    // A copy is the watcher's to change: the store and the other watchers do not see it.
    copies[0]!.metadata.labels = { changed: 'yes' };
    assert.equal(store.get(configMaps, 'default', 'a').metadata.labels, undefined);
    assert.equal(shared[0]!.metadata.labels, undefined);
  });
});

describe('garbage collector', () => {
  it('collects dependents after the DELETE returns, and only when started and switched on', async () => {
    const { store, configMaps, create, exists } = setup();
    const owner = create('owner');
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid! };
    create('dependent', { ownerReferences: [ref] });
    store.delete(configMaps, 'default', 'owner');
    await tick();
    assert.ok(exists('dependent'), 'the store alone collects nothing');

    const collector = new GarbageCollector(store);
    store.garbageCollection = false;
    collector.start();
    await tick();
    assert.ok(exists('dependent'), 'switched off');
    store.garbageCollection = true;
    collector.collect();
    assert.equal(exists('dependent'), false);
    collector.stop();
  });

  it('follows a graph of owners, so a delete costs its dependents and never a scan of the store', async () => {
    // kube's collector keeps uidToNode and each node's dependents from its
    // informers; this one keeps the same from the store's changes.
    const { store, configMaps, create, exists } = setup();
    for (let i = 0; i < 200; i++) create(`bystander-${i}`);
    const collector = new GarbageCollector(store);
    collector.start();
    const owner = create('owner');
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid! };
    create('child', { ownerReferences: [ref] });
    let listed = 0;
    const list = store.list.bind(store);
    store.list = (...args: Parameters<Store['list']>) => {
      listed++;
      return list(...args);
    };
    store.delete(configMaps, 'default', 'owner');
    await tick();
    assert.equal(exists('child'), false, 'the dependent is collected');
    assert.equal(listed, 0, 'without listing any resource');
    collector.stop();
  });

  it('collects an object written after its owner was deleted, with no delete to follow', async () => {
    const { store, configMaps, create, exists } = setup();
    const collector = new GarbageCollector(store);
    collector.start();
    const owner = create('owner');
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid! };
    store.delete(configMaps, 'default', 'owner');
    await tick();
    // A controller acting on a stale cache creates a child of the deleted owner.
    create('late', { ownerReferences: [ref] });
    // Nor may an owner of the same name but another uid keep it.
    create('owner');
    create('late-too', { ownerReferences: [ref] });
    // One owner alive is enough.
    const live = create('live');
    const liveRef = { ...ref, name: 'live', uid: live.metadata.uid! };
    create('kept', { ownerReferences: [ref, liveRef] });
    assert.ok(exists('late'), 'not within the write');
    await tick();
    assert.equal(exists('late'), false);
    assert.equal(exists('late-too'), false);
    assert.ok(exists('kept'));
    // An update that points an object at a gone owner counts as such a write.
    const adopted = create('adopted');
    store.update(configMaps, 'default', 'adopted', {
      ...adopted,
      metadata: { ...adopted.metadata, ownerReferences: [ref] },
    });
    await tick();
    assert.equal(exists('adopted'), false);
    collector.stop();
  });
});

describe('namespace controller', () => {
  it('empties a terminating namespace, then releases its finalizer and removes it', async () => {
    const { store, namespaces, create, exists } = setup();
    store.create(namespaces, undefined, { metadata: { name: 'gone' } });
    create('inside', {}, 'gone');
    const controller = new NamespaceController(store);
    controller.start();
    const held = store.delete(namespaces, undefined, 'gone').object;
    assert.deepEqual((held.spec as { finalizers: string[] }).finalizers, ['kubernetes']);
    assert.ok(exists('inside', 'gone'), 'nothing happens within the DELETE');
    await tick();
    assert.equal(exists('inside', 'gone'), false);
    assert.equal(store.tryGet(namespaces, undefined, 'gone'), undefined);
    controller.stop();
  });
});
