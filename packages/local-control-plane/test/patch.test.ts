import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../src/errors.ts';
import { applyJsonPatch } from '../src/patch/json-patch.ts';
import { applyMergePatch } from '../src/patch/merge-patch.ts';
import { mergeInfoForBuiltin } from '../src/patch/merge-info.ts';
import { applyStrategicMergePatch } from '../src/patch/strategic-merge-patch.ts';

/** Runs `run`, expecting an ApiError; returns it. */
function apiError(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ApiError, `expected an ApiError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected an ApiError');
}

/** Every key anywhere in a value. */
function allKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(allKeys);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => [key, ...allKeys(item)]);
}

describe('JSON patch', () => {
  const doc = () => ({
    metadata: {
      name: 'web',
      labels: { 'app.kubernetes.io/name': 'web', 'c~d': 'tilde', '~1': 'literal' },
    },
    spec: { replicas: 1, list: [1, 2, 3] },
  });

  it('applies every operation', () => {
    const table: [string, unknown[], (d: ReturnType<typeof doc>) => void][] = [
      [
        'add a member',
        [{ op: 'add', path: '/spec/paused', value: true }],
        (d) => Object.assign(d.spec, { paused: true }),
      ],
      [
        'add over a member',
        [{ op: 'add', path: '/spec/replicas', value: 3 }],
        (d) => (d.spec.replicas = 3),
      ],
      [
        'add into an array',
        [{ op: 'add', path: '/spec/list/1', value: 9 }],
        (d) => d.spec.list.splice(1, 0, 9),
      ],
      [
        'append with -',
        [{ op: 'add', path: '/spec/list/-', value: 4 }],
        (d) => d.spec.list.push(4),
      ],
      [
        'add at the end index',
        [{ op: 'add', path: '/spec/list/3', value: 4 }],
        (d) => d.spec.list.push(4),
      ],
      [
        'remove a member',
        [{ op: 'remove', path: '/spec/replicas' }],
        (d) => delete (d.spec as Partial<typeof d.spec>).replicas,
      ],
      ['remove an item', [{ op: 'remove', path: '/spec/list/0' }], (d) => d.spec.list.shift()],
      [
        'replace a member',
        [{ op: 'replace', path: '/spec/replicas', value: 5 }],
        (d) => (d.spec.replicas = 5),
      ],
      [
        'replace an item',
        [{ op: 'replace', path: '/spec/list/2', value: 7 }],
        (d) => (d.spec.list[2] = 7),
      ],
      [
        'move',
        [{ op: 'move', from: '/spec/replicas', path: '/metadata/replicas' }],
        (d) => {
          delete (d.spec as Partial<typeof d.spec>).replicas;
          Object.assign(d.metadata, { replicas: 1 });
        },
      ],
      [
        'copy',
        [{ op: 'copy', from: '/spec/list', path: '/spec/copy' }],
        (d) => Object.assign(d.spec, { copy: [1, 2, 3] }),
      ],
      ['test that passes', [{ op: 'test', path: '/spec/list', value: [1, 2, 3] }], () => {}],
      [
        '~1 is a slash',
        [{ op: 'replace', path: '/metadata/labels/app.kubernetes.io~1name', value: 'api' }],
        (d) => (d.metadata.labels['app.kubernetes.io/name'] = 'api'),
      ],
      [
        '~0 is a tilde',
        [{ op: 'remove', path: '/metadata/labels/c~0d' }],
        (d) => delete (d.metadata.labels as Record<string, string>)['c~d'],
      ],
      [
        '~01 is a literal ~1',
        [{ op: 'replace', path: '/metadata/labels/~01', value: 'changed' }],
        (d) => (d.metadata.labels['~1'] = 'changed'),
      ],
      [
        'operations apply in order',
        [
          { op: 'test', path: '/spec/replicas', value: 1 },
          { op: 'replace', path: '/spec/replicas', value: 2 },
          { op: 'test', path: '/spec/replicas', value: 2 },
        ],
        (d) => (d.spec.replicas = 2),
      ],
    ];
    for (const [name, patch, change] of table) {
      const expected = doc();
      change(expected);
      assert.deepEqual(applyJsonPatch(doc(), patch), expected, name);
    }
  });

  it('leaves its input alone', () => {
    const input = doc();
    applyJsonPatch(input, [{ op: 'add', path: '/spec/list/-', value: 4 }]);
    assert.deepEqual(input, doc());
  });

  it('fails an operation with 422 and the library error as the cause', () => {
    const table: [unknown, string][] = [
      [
        { op: 'add', path: '/spec/missing/x', value: 1 },
        'add operation does not apply: doc is missing path: "/spec/missing/x": missing value',
      ],
      [
        { op: 'add', path: '/spec/list/9', value: 1 },
        "error in add for path: '/spec/list/9': Unable to access invalid index: 9: invalid index referenced",
      ],
      [
        { op: 'remove', path: '/spec/nope' },
        "error in remove for path: '/spec/nope': Unable to remove nonexistent key: nope: missing value",
      ],
      [
        { op: 'remove', path: '/spec/list/5' },
        "error in remove for path: '/spec/list/5': Unable to access invalid index: 5: invalid index referenced",
      ],
      [
        { op: 'replace', path: '/spec/nope', value: 1 },
        'replace operation does not apply: doc is missing key: /spec/nope: missing value',
      ],
      [
        { op: 'test', path: '/spec/replicas', value: 2 },
        'testing value /spec/replicas failed: test failed',
      ],
      [
        { op: 'test', path: '/spec/nope', value: 2 },
        'testing value /spec/nope failed: test failed',
      ],
      [
        { op: 'move', from: '/nope/x', path: '/spec/x' },
        'move operation does not apply: doc is missing from path: /nope/x: missing value',
      ],
      [
        { op: 'copy', from: '/spec/replicas', path: '/nope/x' },
        'copy operation does not apply: doc is missing destination path: /nope/x: missing value',
      ],
      [{ op: 'frobnicate', path: '/spec' }, 'Unexpected kind: frobnicate'],
      [{ path: '/spec' }, 'Unexpected kind: unknown'],
      [{ op: 'add', value: 1 }, 'add operation failed to decode path: missing value'],
    ];
    for (const [op, cause] of table) {
      const input = doc();
      const error = apiError(() =>
        applyJsonPatch(input, [{ op: 'add', path: '/spec/touched', value: 1 }, op]),
      );
      assert.equal(error.code, 422, cause);
      assert.equal(error.reason, 'Invalid');
      assert.equal(error.message, 'the server rejected our request due to an error in our request');
      assert.deepEqual(error.details, {
        causes: [{ reason: 'UnexpectedServerResponse', message: cause }],
      });
      assert.deepEqual(input, doc(), 'a failed patch changes nothing');
    }
  });

  it('rejects a body that is not a list of operations with 400', () => {
    const table: [unknown, string][] = [
      [{ op: 'add' }, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'],
      ['add', 'json: cannot unmarshal string into Go value of type jsonpatch.Patch'],
      [['add'], 'json: cannot unmarshal string into Go value of type jsonpatch.Operation'],
      [[[]], 'json: cannot unmarshal array into Go value of type jsonpatch.Operation'],
    ];
    for (const [patch, message] of table) {
      const error = apiError(() => applyJsonPatch(doc(), patch));
      assert.equal(error.code, 400);
      assert.equal(error.reason, 'BadRequest');
      assert.equal(error.message, message);
    }
  });
});

describe('JSON merge patch', () => {
  it('merges as RFC 7386 says', () => {
    // The shapes of the RFC's appendix, with other data.
    const table: [unknown, unknown, unknown][] = [
      [{ color: 'red' }, { color: 'blue' }, { color: 'blue' }],
      [{ color: 'red' }, { size: 'L' }, { color: 'red', size: 'L' }],
      [{ color: 'red', size: 'L' }, { color: null }, { size: 'L' }],
      [{ color: 'red', size: 'L' }, { color: 'blue', size: null }, { color: 'blue' }],
      [{ tags: ['x', 'y'] }, { tags: ['z'] }, { tags: ['z'] }],
      [{ tags: ['x'] }, { tags: { x: 1 } }, { tags: { x: 1 } }],
      [{ owner: { name: 'ann' } }, { owner: 'bob' }, { owner: 'bob' }],
      [{ owner: 'bob' }, { owner: { name: 'ann', age: null } }, { owner: { name: 'ann' } }],
      [{ size: 'L' }, { tags: [null] }, { size: 'L', tags: [null] }],
      [{}, { owner: { address: { city: null } } }, { owner: { address: {} } }],
      [
        { owner: { name: 'ann', age: 3 } },
        { owner: { age: null, team: 'a' } },
        { owner: { name: 'ann', team: 'a' } },
      ],
      [{ size: 'L' }, {}, { size: 'L' }],
    ];
    for (const [doc, patch, expected] of table) {
      assert.deepEqual(applyMergePatch(doc, patch), expected, JSON.stringify(patch));
    }
  });

  it('does not touch its input', () => {
    const doc = { owner: { name: 'ann' } };
    applyMergePatch(doc, { owner: { name: null } });
    assert.deepEqual(doc, { owner: { name: 'ann' } });
  });

  it('rejects a patch that is not an object', () => {
    for (const patch of [null, ['x'], 'x', 3]) {
      const error = apiError(() => applyMergePatch({}, patch));
      assert.equal(error.code, 400);
      assert.equal(error.message, 'Invalid JSON Patch');
    }
  });
});

describe('strategic merge patch', () => {
  const deployments = mergeInfoForBuiltin('apps', 'v1', 'Deployment');
  const deployment = () => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web', tier: 'front' }, finalizers: ['a', 'b'] },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'app:1',
              args: ['--port=8080'],
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
              ports: [{ containerPort: 8080, protocol: 'TCP' }],
            },
            { name: 'sidecar', image: 'side:1' },
          ],
          volumes: [{ name: 'data', emptyDir: {} }],
          tolerations: [{ key: 'k', operator: 'Exists' }],
        },
      },
    },
  });
  type Deployment = ReturnType<typeof deployment>;
  const patch = (p: unknown) =>
    applyStrategicMergePatch(deployment(), p, deployments) as Deployment;
  const podSpec = (p: unknown) => patch({ spec: { template: { spec: p } } }).spec.template.spec;
  const app = (p: unknown) =>
    podSpec({ containers: [{ name: 'app', ...(p as object) }] }).containers[0]!;

  it('merges containers by name', () => {
    const spec = podSpec({ containers: [{ name: 'sidecar', image: 'side:2' }] });
    const expected = deployment().spec.template.spec;
    expected.containers[1]!.image = 'side:2';
    assert.deepEqual(spec, expected);
  });

  it('puts a container the live object lacks first, as the apiserver orders it', () => {
    const spec = podSpec({ containers: [{ name: 'debug', image: 'busybox' }] });
    assert.deepEqual(
      spec.containers.map((c) => c.name),
      ['debug', 'app', 'sidecar'],
    );
  });

  it('merges env by name and ports by containerPort', () => {
    const container = app({
      env: [
        { name: 'B', value: '3' },
        { name: 'C', value: '4' },
      ],
      ports: [{ containerPort: 9090 }],
    });
    assert.deepEqual(container.env, [
      { name: 'A', value: '1' },
      { name: 'B', value: '3' },
      { name: 'C', value: '4' },
    ]);
    assert.deepEqual(container.ports, [
      { containerPort: 9090 },
      { containerPort: 8080, protocol: 'TCP' },
    ]);
  });

  it('replaces lists without a merge strategy', () => {
    assert.deepEqual(app({ args: ['--port=9090'] }).args, ['--port=9090']);
    assert.deepEqual(
      podSpec({ tolerations: [{ key: 'z', operator: 'Equal', value: 'v' }] }).tolerations,
      [{ key: 'z', operator: 'Equal', value: 'v' }],
    );
  });

  it('deletes map keys with null', () => {
    assert.deepEqual(patch({ metadata: { labels: { tier: null, zone: 'z1' } } }).metadata.labels, {
      app: 'web',
      zone: 'z1',
    });
  });

  it('$patch: delete removes a list item', () => {
    assert.deepEqual(
      podSpec({ containers: [{ name: 'sidecar', $patch: 'delete' }] }).containers.map(
        (c) => c.name,
      ),
      ['app'],
    );
  });

  it('$patch: replace replaces a list', () => {
    assert.deepEqual(app({ env: [{ name: 'Z', value: '9' }, { $patch: 'replace' }] }).env, [
      { name: 'Z', value: '9' },
    ]);
  });

  it('$patch: replace replaces a map and $patch: delete empties one', () => {
    const result = patch({
      spec: {
        template: { metadata: { labels: { $patch: 'replace', tier: 'x' } } },
        strategy: { rollingUpdate: { $patch: 'delete' } },
      },
    });
    assert.deepEqual(result.spec.template.metadata.labels, { tier: 'x' });
    assert.deepEqual(result.spec.strategy, { type: 'RollingUpdate', rollingUpdate: {} });
  });

  it('$setElementOrder orders the merged list as kubectl apply asks', () => {
    // kubectl apply adding a container between the two others.
    const added = podSpec({
      '$setElementOrder/containers': [{ name: 'app' }, { name: 'metrics' }, { name: 'sidecar' }],
      containers: [{ name: 'metrics', image: 'metrics:1' }],
    });
    assert.deepEqual(
      added.containers.map((c) => c.name),
      ['app', 'metrics', 'sidecar'],
    );
    // Reordering only.
    const reordered = podSpec({
      '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }],
    });
    assert.deepEqual(
      reordered.containers.map((c) => c.name),
      ['sidecar', 'app'],
    );
    // Inside a list item, next to a change.
    const env = app({
      '$setElementOrder/env': [{ name: 'B' }, { name: 'A' }],
      env: [{ name: 'A', value: 'x' }],
    }).env;
    assert.deepEqual(env, [
      { name: 'B', value: '2' },
      { name: 'A', value: 'x' },
    ]);
  });

  it('$setElementOrder places items only the server has by their live neighbours', () => {
    const live = deployment();
    live.spec.template.spec.containers.splice(1, 0, { name: 'injected', image: 'mesh:1' });
    const result = applyStrategicMergePatch(
      live,
      {
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [
                { name: 'app' },
                { name: 'metrics' },
                { name: 'sidecar' },
              ],
              containers: [{ name: 'metrics', image: 'metrics:1' }],
            },
          },
        },
      },
      deployments,
    ) as Deployment;
    assert.deepEqual(
      result.spec.template.spec.containers.map((c) => c.name),
      ['app', 'metrics', 'injected', 'sidecar'],
    );
  });

  it('$retainKeys clears the keys it does not list', () => {
    // What kubectl sends when a strategy switches to Recreate.
    const result = patch({ spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } });
    assert.deepEqual(result.spec.strategy, { type: 'Recreate' });
  });

  it('merges finalizers as a set, deletes with $deleteFromPrimitiveList and orders with $setElementOrder', () => {
    assert.deepEqual(patch({ metadata: { finalizers: ['c', 'a'] } }).metadata.finalizers, [
      'c',
      'a',
      'b',
    ]);
    assert.deepEqual(
      patch({ metadata: { '$deleteFromPrimitiveList/finalizers': ['a', 'x'] } }).metadata
        .finalizers,
      ['b'],
    );
    assert.deepEqual(
      patch({ metadata: { '$setElementOrder/finalizers': ['b', 'a', 'c'], finalizers: ['c'] } })
        .metadata.finalizers,
      ['b', 'a', 'c'],
    );
  });

  it('never stores a directive', () => {
    const result = patch({
      metadata: {
        '$deleteFromPrimitiveList/finalizers': ['a'],
        labels: { $patch: 'replace', x: '1' },
      },
      spec: {
        strategy: { $retainKeys: ['type', 'rollingUpdate'], rollingUpdate: { maxSurge: 2 } },
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'app' }, { name: 'new' }, { name: 'sidecar' }],
            containers: [
              {
                name: 'new',
                image: 'n:1',
                '$setElementOrder/env': [{ name: 'E' }],
                env: [{ name: 'E', value: '1', unset: null }],
              },
            ],
            volumes: [{ name: 'cache', emptyDir: { $patch: 'replace' } }],
          },
        },
      },
    });
    assert.deepEqual(
      allKeys(result).filter((key) => key.startsWith('$')),
      [],
    );
    assert.deepEqual(result.spec.template.spec.containers[1], {
      name: 'new',
      image: 'n:1',
      env: [{ name: 'E', value: '1' }],
    });
  });

  it('rejects bad patches as the apiserver does', () => {
    const table: [unknown, number, string][] = [
      [['x'], 400, 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
      [
        { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } },
        400,
        'invalid patch format of retainKeys',
      ],
      [{ spec: { strategy: { $retainKeys: 'type' } } }, 400, 'invalid patch format of retainKeys'],
      [
        { metadata: { $deleteFromPrimitiveList: ['a'] } },
        400,
        'invalid patch format of primitive list',
      ],
      [
        { spec: { template: { spec: { containers: [{ image: 'x' }] } } } },
        500,
        'map: map[image:x] does not contain declared merge key: name',
      ],
      [
        { spec: { template: { $patch: 'merge' } } },
        500,
        'unknown patch type: merge in map: map[$patch:merge]',
      ],
      [
        { spec: { template: { spec: { containers: [{ $patch: 'merge' }] } } } },
        500,
        'merging lists cannot yet be specified in the patch',
      ],
      [
        {
          spec: {
            template: {
              spec: {
                '$setElementOrder/containers': [{ name: 'app' }],
                containers: [{ name: 'other', image: 'o' }],
              },
            },
          },
        },
        500,
        "the order in patch list:\n[map[image:o name:other]]\n doesn't match $setElementOrder list:\n[map[name:app]]",
      ],
      [
        { spec: { template: { spec: { containers: [[]] } } } },
        500,
        'list element types are not identical: [[map[args:[--port=8080] env:[map[name:A value:1] map[name:B value:2]] image:app:1 name:app ports:[map[containerPort:8080 protocol:TCP]]] map[image:side:1 name:sidecar]] [[]]]',
      ],
    ];
    for (const [body, code, message] of table) {
      const error = apiError(() => applyStrategicMergePatch(deployment(), body, deployments));
      assert.equal(error.code, code, message);
      assert.equal(error.message, message);
      assert.equal(error.reason, { 400: 'BadRequest', 500: '' }[code]);
    }
    const lists = apiError(() =>
      applyStrategicMergePatch(
        { metadata: { finalizers: [] } },
        { metadata: { finalizers: [['x']] } },
        deployments,
      ),
    );
    assert.equal(lists.code, 422);
    assert.equal(lists.reason, 'Invalid');
    assert.deepEqual(lists.details?.causes, [
      { reason: 'UnexpectedServerResponse', message: 'lists of lists are not supported' },
    ]);
  });

  it('merges Service ports by port', () => {
    const services = mergeInfoForBuiltin('', 'v1', 'Service');
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's' },
      spec: {
        selector: { app: 'web' },
        ports: [
          { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
          { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
        ],
      },
    };
    const result = applyStrategicMergePatch(
      service,
      { spec: { ports: [{ port: 443, targetPort: 9443 }] } },
      services,
    );
    assert.deepEqual((result as typeof service).spec.ports, [
      { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
      { name: 'https', port: 443, targetPort: 9443, protocol: 'TCP' },
    ]);
    const removed = applyStrategicMergePatch(
      service,
      { spec: { ports: [{ port: 80, $patch: 'delete' }] } },
      services,
    );
    assert.deepEqual(
      (removed as typeof service).spec.ports.map((p) => p.name),
      ['https'],
    );
  });
});
