// The informer cache's indexes (client-go's Indexer): a lookup by index value
// answers from buckets kept up to date on every add, update and delete.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ObjectCache } from '../../src/controller/cache.ts';
import type { KubeObject } from '@mcp-operator/kube-core/port';

const obj = (name: string, path?: string, extra: string[] = []): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name,
    namespace: 'ns',
    annotations: { ...(path ? { path } : {}), extra: extra.join(',') },
  },
});
const byPath = (o: KubeObject) => {
  const a = o.metadata.annotations ?? {};
  if (a.path === 'boom') throw new Error('unreadable');
  return [...(a.path ? [a.path] : []), ...(a.extra ? a.extra.split(',') : [])];
};

/** The cache with its owner's two steps: reindex, then store. */
function cacheWith(items: Map<string, KubeObject>) {
  const cache = new ObjectCache(items);
  const put = (o: KubeObject) => {
    const key = `ns/${o.metadata.name}`;
    cache.reindex(key, o);
    items.set(key, o);
  };
  const remove = (name: string) => {
    cache.reindex(`ns/${name}`, undefined);
    items.delete(`ns/${name}`);
  };
  return { cache, put, remove };
}
const names = (objects: KubeObject[]) => objects.map((o) => o.metadata.name).sort();

describe('ObjectCache indexes', () => {
  it('indexes what is cached when the index is added, then follows every change', () => {
    const items = new Map<string, KubeObject>([['ns/a', obj('a', '/x')]]);
    const { cache, put, remove } = cacheWith(items);
    cache.addIndex('path', byPath);
    put(obj('b', '/x'));
    put(obj('c', '/y'));
    assert.deepEqual(names(cache.byIndex('path', '/x')), ['a', 'b']);
    put(obj('b', '/y')); // an update moves it to its new bucket
    assert.deepEqual(names(cache.byIndex('path', '/x')), ['a']);
    assert.deepEqual(names(cache.byIndex('path', '/y')), ['b', 'c']);
    remove('a');
    assert.deepEqual(cache.byIndex('path', '/x'), []);
  });

  it('files an object under each of its values, none when it has none or the function throws', () => {
    const { cache, put } = cacheWith(new Map());
    cache.addIndex('path', byPath);
    put(obj('multi', '/x', ['/z']));
    put(obj('none'));
    put(obj('broken', 'boom'));
    assert.deepEqual(names(cache.byIndex('path', '/z')), ['multi']);
    assert.deepEqual(names(cache.byIndex('path', '/x')), ['multi']);
    assert.deepEqual(cache.byIndex('path', 'boom'), []);
    assert.deepEqual(cache.byIndex('unknown-index', '/x'), []);
  });
});
