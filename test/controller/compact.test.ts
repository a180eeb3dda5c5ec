import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactObject, StringTable } from '../../src/controller/compact.ts';
import type { KubeObject } from '@mcp-operator/kube-core/port';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

const child = (name: string, rv: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name,
    namespace: 'team-a',
    resourceVersion: rv,
    ownerReferences: [
      {
        apiVersion: 'mcpruntime.org/v1alpha1',
        kind: 'MCPServer',
        name,
        uid: 'u-1',
        controller: true,
      },
    ],
    managedFields: [
      {
        manager: 'mcp-runtime-operator',
        operation: 'Update',
        fieldsV1: {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': { 'f:replicas': {} },
        },
      },
    ],
  },
  spec: {
    replicas: 1,
    template: { spec: { containers: [{ name, image: 'ghcr.io/acme/tools:1.0.0' }] } },
  },
});

describe('compactObject', () => {
  it('returns an equal copy and leaves the original alone', () => {
    const original = deepFreeze(child('weather', '17'));
    const table = new StringTable();
    const copy = compactObject(original, table);
    assert.deepEqual(copy, original);
    assert.notEqual(copy, original);
  });

  it('keeps one copy of each string across objects, except resourceVersions', () => {
    const table = new StringTable();
    compactObject(child('weather', '17'), table);
    const afterOne = table.size;
    // Same namespace, owner uid, image, kinds and managers: only the new name is new.
    compactObject(child('tickets', '18'), table);
    assert.equal(table.size, afterOne + 1);
    // The first object's strings, less its resourceVersion.
    assert.deepEqual(
      afterOne,
      new Set([
        'apps/v1',
        'Deployment',
        'weather',
        'team-a',
        'mcpruntime.org/v1alpha1',
        'MCPServer',
        'u-1',
        'mcp-runtime-operator',
        'Update',
        'ghcr.io/acme/tools:1.0.0',
      ]).size,
    );
  });

  it('shares one frozen object for every empty leaf of a FieldsV1 set', () => {
    const table = new StringTable();
    const leaf = (o: KubeObject, ...path: string[]) =>
      path.reduce<unknown>(
        (at, key) => (at as Record<string, unknown>)[key],
        (o.metadata.managedFields as { fieldsV1: unknown }[])[0]!.fieldsV1,
      );
    const a = compactObject(child('a', '1'), table);
    const b = compactObject(child('b', '2'), table);
    const empty = leaf(a, 'f:metadata', 'f:labels', 'f:app');
    assert.equal(leaf(a, 'f:spec', 'f:replicas'), empty);
    assert.equal(leaf(b, 'f:metadata', 'f:labels', '.'), empty);
    assert.ok(Object.isFrozen(empty));
    assert.throws(() => {
      (empty as Record<string, unknown>).x = 1;
    }, TypeError);
  });

  it('shares with the version it replaces every part that did not change, and only those', () => {
    const table = new StringTable();
    const previous = deepFreeze(compactObject(child('weather', '17'), table));
    // A status write: a new resourceVersion and status, the rest as it was.
    const incoming: KubeObject = deepFreeze({
      ...child('weather', '18'),
      status: { readyReplicas: 1, conditions: [{ type: 'Available', status: 'True' }] },
    });
    const next = compactObject(incoming, table, previous);
    assert.deepEqual(next, incoming, 'equal to what came, by value');
    assert.notEqual(next, previous, 'never the previous version itself');
    assert.equal(next.spec, previous.spec, 'the unchanged spec is the cached one');
    assert.equal(next.metadata.ownerReferences, previous.metadata.ownerReferences);
    assert.equal(next.metadata.managedFields, previous.metadata.managedFields);
    assert.notEqual(next.metadata, previous.metadata, 'metadata holds the new resourceVersion');
    assert.equal(next.metadata.resourceVersion, '18');
    assert.equal(previous.metadata.resourceVersion, '17', 'the previous version is left alone');

    // A changed image: the containers list and what holds it are new, its siblings shared.
    type Spec = { replicas: number; template: { spec: { containers: { image: string }[] } } };
    const changed = child('weather', '19');
    (changed.spec as Spec).template.spec.containers[0]!.image = 'ghcr.io/acme/tools:2.0.0';
    const after = compactObject(changed, table, next);
    assert.deepEqual(after, changed);
    assert.notEqual(after.spec, next.spec);
    assert.equal(
      (after.spec as Spec).template.spec.containers[0]!.image,
      'ghcr.io/acme/tools:2.0.0',
    );
    assert.equal(after.metadata.ownerReferences, next.metadata.ownerReferences);
    assert.equal(after.metadata.managedFields, next.metadata.managedFields);
    assert.equal(after.status, undefined, 'a field the new version lacks is not brought back');

    // Lists of another length, and objects with a key more or less, are new.
    const longer = child('weather', '20');
    (longer.metadata.ownerReferences as unknown[]).push({
      apiVersion: 'v1',
      kind: 'X',
      name: 'y',
      uid: 'u-2',
    });
    const grown = compactObject(longer, table, after);
    assert.notEqual(grown.metadata.ownerReferences, after.metadata.ownerReferences);
    assert.deepEqual(grown, longer);
  });

  it('starts the table over when it is full, still answering every string right', () => {
    const table = new StringTable(3);
    const values = ['a', 'b', 'c', 'd', 'a', 'e'];
    assert.deepEqual(
      values.map((v) => table.intern(v)),
      values,
    );
    assert.ok(table.size <= 3);
    const long = 'x'.repeat(300);
    assert.equal(table.intern(long), long);
    assert.ok(table.size <= 3, 'long strings are not kept');
  });
});

describe('compactObject and odd keys', () => {
  it('keeps a "__proto__" key as data', () => {
    const parsed = JSON.parse(
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"__proto__":"p","constructor":"c"}}',
    ) as KubeObject & { data: Record<string, unknown> };
    const copy = compactObject(parsed, new StringTable());
    assert.deepEqual(Object.keys(copy.data), ['__proto__', 'constructor']);
    assert.equal(Object.getPrototypeOf(copy.data), Object.prototype);
    assert.equal(JSON.stringify(copy), JSON.stringify(parsed));
  });
});
