import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StructuralSchema } from '@mcp-operator/kube-core/structural';
import { ApiError } from '../src/errors.ts';
import {
  type ApplyInput,
  fieldsV1Of,
  recordUpdate,
  serverSideApply,
} from '../src/patch/managed-fields.ts';
import { FieldSet, sameSet } from '../src/patch/field-set.ts';
import { mergeInfoForBuiltin, mergeInfoFromSchema } from '../src/patch/merge-info.ts';
import type { KubeObject, ManagedFieldsEntry } from '../src/types.ts';

const info = mergeInfoForBuiltin('apps', 'v1', 'Deployment');
const T0 = '2024-05-01T10:00:00Z';
const T1 = '2024-05-01T10:01:00Z';
const T2 = '2024-05-01T10:02:00Z';

interface Container {
  name: string;
  image?: string;
  ports?: { containerPort: number; protocol?: string }[];
}

/** An apply configuration for Deployment "web"; `spec` entries override the defaults. */
function config(
  spec: Record<string, unknown> = {},
  metadata: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', ...metadata },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'app', image: 'app:1' }] },
      },
      ...spec,
    },
  };
}

function apply(
  live: KubeObject | undefined,
  applied: KubeObject,
  manager: string,
  extra: Partial<ApplyInput> = {},
): KubeObject {
  return serverSideApply({
    live,
    applied,
    manager,
    force: false,
    info,
    apiVersion: 'apps/v1',
    now: T0,
    ...extra,
  });
}

function entry(
  obj: KubeObject,
  manager: string,
  subresource?: string,
): ManagedFieldsEntry | undefined {
  return obj.metadata.managedFields?.find(
    (e) => e.manager === manager && e.subresource === subresource,
  );
}

function containersOf(obj: KubeObject): Container[] {
  return (obj.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers;
}

function apiError(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ApiError, `expected an ApiError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected an ApiError');
}

describe('server-side apply', () => {
  it('creates the object and records the applier', () => {
    const created = apply(undefined, config({ replicas: 2 }, { labels: { team: 'a' } }), 'alice');
    assert.deepEqual(created, {
      ...config({ replicas: 2 }, { labels: { team: 'a' } }),
      metadata: {
        name: 'web',
        namespace: 'default',
        labels: { team: 'a' },
        managedFields: [
          {
            manager: 'alice',
            operation: 'Apply',
            apiVersion: 'apps/v1',
            time: T0,
            fieldsType: 'FieldsV1',
            fieldsV1: {
              'f:metadata': { 'f:labels': { 'f:team': {} } },
              'f:spec': {
                'f:replicas': {},
                'f:selector': {},
                'f:template': {
                  'f:metadata': { 'f:labels': { 'f:app': {} } },
                  'f:spec': {
                    'f:containers': {
                      'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} },
                    },
                  },
                },
              },
            },
          },
        ],
      },
    });
  });

  it('leaves the object and its managedFields alone when the same config is applied again', () => {
    const created = apply(undefined, config({ replicas: 2 }), 'alice');
    const again = apply(created, config({ replicas: 2 }), 'alice', { now: T1 });
    assert.deepEqual(again, created);
    assert.equal(entry(again, 'alice')?.time, T0);
  });

  it('refuses to take a field another applier owns with a different value', () => {
    const live = apply(undefined, config({ replicas: 2 }), 'alice');
    const error = apiError(() => apply(live, config({ replicas: 3 }), 'bob'));
    assert.equal(error.code, 409);
    assert.equal(error.reason, 'Conflict');
    assert.equal(
      error.message,
      'Apply failed with 1 conflict: conflict with "alice": .spec.replicas',
    );
    assert.deepEqual(error.details, {
      causes: [
        {
          reason: 'FieldManagerConflict',
          message: 'conflict with "alice"',
          field: '.spec.replicas',
        },
      ],
    });
  });

  it('lists several conflicts by manager, updaters with their apiVersion', () => {
    const applied = apply(undefined, config({ replicas: 2 }), 'alice');
    const edited = recordUpdate({
      before: applied,
      after: { ...applied, metadata: { ...applied.metadata, labels: { team: 'x' } } },
      manager: 'kubectl-edit',
      info,
      apiVersion: 'apps/v1',
      now: T1,
    });
    const bob = config(
      {
        replicas: 3,
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'app', image: 'app:2' }] },
        },
      },
      { labels: { team: 'y' } },
    );
    const error = apiError(() => apply(edited, bob, 'bob'));
    assert.equal(
      error.message,
      [
        'Apply failed with 3 conflicts: conflicts with "alice":',
        '- .spec.replicas',
        '- .spec.template.spec.containers[name="app"].image',
        'conflicts with "kubectl-edit" using apps/v1:',
        '- .metadata.labels.team',
      ].join('\n'),
    );
    assert.deepEqual(error.details?.causes, [
      { reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.spec.replicas' },
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "alice"',
        field: '.spec.template.spec.containers[name="app"].image',
      },
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "kubectl-edit" using apps/v1',
        field: '.metadata.labels.team',
      },
    ]);
  });

  it('with force takes the fields from their owners', () => {
    const live = apply(undefined, config({ replicas: 2 }), 'alice');
    const forced = apply(live, config({ replicas: 3 }), 'bob', { force: true, now: T1 });
    assert.equal((forced.spec as { replicas: number }).replicas, 3);
    assert.deepEqual(entry(forced, 'bob')?.fieldsV1, entry(live, 'alice')?.fieldsV1);
    const alice = entry(forced, 'alice')!.fieldsV1 as { 'f:spec': Record<string, unknown> };
    assert.equal('f:replicas' in alice['f:spec'], false);
    assert.ok('f:selector' in alice['f:spec'], 'alice keeps what she shares with bob');
    // A manager left with nothing has no entry.
    const alone = apply(undefined, config({ replicas: 2 }), 'alice');
    const minimal: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 1 },
    };
    const onlyReplicas = apply(
      apply(alone, minimal, 'carol', { force: true }),
      config({ replicas: 2 }),
      'alice',
      {
        force: true,
      },
    );
    assert.deepEqual(
      onlyReplicas.metadata.managedFields?.map((e) => e.manager),
      ['alice'],
    );
  });

  it('shares a field applied with the same value, without a conflict', () => {
    const live = apply(undefined, config({ replicas: 2 }), 'alice');
    const shared = apply(live, config({ replicas: 2 }), 'bob', { now: T1 });
    assert.deepEqual(entry(shared, 'bob')?.fieldsV1, entry(shared, 'alice')?.fieldsV1);
    // bob changing it now conflicts with alice, and the other way round.
    assert.match(
      apiError(() => apply(shared, config({ replicas: 5 }), 'bob')).message,
      /conflict with "alice"/,
    );
    assert.match(
      apiError(() => apply(shared, config({ replicas: 5 }), 'alice')).message,
      /conflict with "bob"/,
    );
  });

  it('removes what the applier stops applying, unless another manager owns it', () => {
    const live = apply(undefined, config({}, { labels: { a: '1', b: '2' } }), 'alice');
    const dropped = apply(live, config({}, { labels: { a: '1' } }), 'alice', { now: T1 });
    assert.deepEqual(dropped.metadata.labels, { a: '1' });

    const withBob = apply(live, config({}, { labels: { b: '2' } }), 'bob');
    const kept = apply(withBob, config({}, { labels: { a: '1' } }), 'alice', { now: T1 });
    assert.deepEqual(kept.metadata.labels, { a: '1', b: '2' });

    // A map emptied that way goes as well.
    const none = apply(live, config(), 'alice', { now: T1 });
    assert.equal('labels' in none.metadata, false);
  });

  it('keeps a field the applier drops when an updater owns it', () => {
    const live = apply(undefined, config({ replicas: 2 }), 'alice');
    const scaled = recordUpdate({
      before: live,
      after: { ...live, spec: { ...(live.spec as object), replicas: 4 } },
      manager: 'hpa',
      info,
      apiVersion: 'apps/v1',
      now: T1,
    });
    const reapplied = apply(scaled, config(), 'alice', { now: T2 });
    assert.equal((reapplied.spec as { replicas: number }).replicas, 4);
  });

  it('owns list-map items one by one', () => {
    const live = apply(undefined, config(), 'alice');
    const sidecar = config({
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{ name: 'proxy', image: 'envoy:1', ports: [{ containerPort: 9901 }] }],
        },
      },
    });
    const both = apply(live, sidecar, 'mesh', { now: T1 });
    assert.deepEqual(
      containersOf(both).map((c) => c.name),
      ['app', 'proxy'],
    );
    assert.deepEqual(entry(both, 'mesh')?.fieldsV1, {
      'f:spec': {
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"proxy"}': {
                '.': {},
                'f:image': {},
                'f:name': {},
                'f:ports': {
                  'k:{"containerPort":9901,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
                },
              },
            },
          },
        },
      },
    });
    // alice changing her container is no conflict with mesh; dropping it leaves mesh's.
    const updated = apply(
      both,
      config({
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'app', image: 'app:2' }] },
        },
      }),
      'alice',
      { now: T2 },
    );
    assert.deepEqual(
      containersOf(updated).map((c) => [c.name, c.image]),
      [
        ['app', 'app:2'],
        ['proxy', 'envoy:1'],
      ],
    );
    const dropped = apply(
      both,
      config({
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'main', image: 'm:1' }] },
        },
      }),
      'alice',
      { now: T2 },
    );
    assert.deepEqual(
      containersOf(dropped).map((c) => c.name),
      ['proxy', 'main'],
    );
  });

  it('orders the items it mentions as the configuration does, keeping the others in place', () => {
    const withContainers = (...names: string[]) =>
      config({
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: names.map((name) => ({ name, image: `${name}:1` })) },
        },
      });
    const live = apply(undefined, withContainers('a', 'b', 'c'), 'alice');
    const reordered = apply(live, withContainers('c', 'a', 'b'), 'alice', { now: T1 });
    assert.deepEqual(
      containersOf(reordered).map((c) => c.name),
      ['c', 'a', 'b'],
    );
    const inserted = apply(live, withContainers('a', 'x', 'b', 'c'), 'alice', { now: T1 });
    assert.deepEqual(
      containersOf(inserted).map((c) => c.name),
      ['a', 'x', 'b', 'c'],
    );
  });

  it('merges sets as unions and each applier owns its own items', () => {
    const live = apply(undefined, config({}, { finalizers: ['example.com/a'] }), 'alice');
    const both = apply(live, config({}, { finalizers: ['example.com/b'] }), 'bob', { now: T1 });
    assert.deepEqual(both.metadata.finalizers, ['example.com/a', 'example.com/b']);
    assert.deepEqual((entry(both, 'bob')?.fieldsV1 as { 'f:metadata': unknown })['f:metadata'], {
      'f:finalizers': { 'v:"example.com/b"': {} },
    });
    const aliceLeaves = apply(both, config(), 'alice', { now: T2 });
    assert.deepEqual(aliceLeaves.metadata.finalizers, ['example.com/b']);
  });

  it('gives the fields of an untracked object to before-first-apply', () => {
    const untracked: KubeObject = { ...config({ replicas: 2 }) };
    const shared = apply(untracked, config({ replicas: 2 }), 'alice', { now: T1 });
    assert.deepEqual(
      shared.metadata.managedFields?.map((e) => [e.manager, e.operation, e.time]),
      [
        ['alice', 'Apply', undefined],
        ['before-first-apply', 'Update', T1],
      ],
    );
    assert.equal(
      apiError(() => apply(untracked, config({ replicas: 3 }), 'alice')).message,
      'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas',
    );
  });

  it('applies to the status subresource', () => {
    const live = apply(undefined, config({ replicas: 2 }), 'alice');
    const status = {
      ...config({ replicas: 99 }),
      status: { readyReplicas: 2, conditions: [{ type: 'Available', status: 'True' }] },
    };
    const reported = apply(live, status, 'controller', { subresource: 'status', now: T1 });
    assert.equal(
      (reported.spec as { replicas: number }).replicas,
      2,
      'spec is not touched through /status',
    );
    assert.deepEqual(reported.status, status.status);
    assert.deepEqual(entry(reported, 'controller', 'status'), {
      manager: 'controller',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      time: T1,
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:status': {
          'f:conditions': { 'k:{"type":"Available"}': { '.': {}, 'f:status': {}, 'f:type': {} } },
          'f:readyReplicas': {},
        },
      },
      subresource: 'status',
    });
    // The main resource's applier leaves status alone.
    const reapplied = apply(reported, config({ replicas: 3 }), 'alice', { now: T2 });
    assert.deepEqual(reapplied.status, status.status);
    // Another status writer conflicts, named with its subresource.
    const other = { ...config(), status: { readyReplicas: 1 } };
    assert.equal(
      apiError(() => apply(reported, other, 'other', { subresource: 'status' })).message,
      'Apply failed with 1 conflict: conflict with "controller" with subresource "status": .status.readyReplicas',
    );
  });

  it('treats identity fields as nobody’s', () => {
    const live = apply(undefined, config(), 'alice');
    const renamedNamespaceless = { ...config(), metadata: { name: 'web' } };
    assert.doesNotThrow(() => apply(live, renamedNamespaceless, 'bob'));
    const fields = entry(live, 'alice')!.fieldsV1;
    assert.equal('f:apiVersion' in fields, false);
    assert.equal('f:kind' in fields, false);
    assert.equal('f:metadata' in fields, false);
  });

  it('rejects configurations the apiserver rejects', () => {
    const wrongVersion = { ...config(), apiVersion: 'apps/v1beta1' };
    const version = apiError(() => apply(undefined, wrongVersion, 'alice'));
    assert.equal(version.code, 400);
    assert.equal(
      version.message,
      'Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1',
    );
    const withManaged = config({}, { managedFields: [] });
    assert.equal(
      apiError(() => apply(undefined, withManaged, 'alice')).message,
      'metadata.managedFields must be nil',
    );
    const noManager = apiError(() => apply(undefined, config(), ''));
    assert.equal(noManager.code, 422);
    assert.equal(
      noManager.message,
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply requests',
    );

    const unkeyed = config({ template: { spec: { containers: [{ image: 'x' }] } } });
    const missingKey = apiError(() => apply(undefined, unkeyed, 'alice'));
    assert.equal(missingKey.code, 500);
    assert.equal(
      missingKey.message,
      'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
    );
    const twice = config({ template: { spec: { containers: [{ name: 'a' }, { name: 'a' }] } } });
    assert.match(
      apiError(() => apply(undefined, twice, 'alice')).message,
      /: \.spec\.template\.spec\.containers: duplicate entries for key \[name="a"\]$/,
    );
  });
});

describe('recorded updates', () => {
  const configMaps = mergeInfoForBuiltin('', 'v1', 'ConfigMap');
  const configMap = (data: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cm', namespace: 'default' },
    data,
  });
  const update = (before: KubeObject | undefined, after: KubeObject, manager: string, now = T0) =>
    recordUpdate({ before, after, manager, info: configMaps, apiVersion: 'v1', now });

  it('gives a creator what it set, maps included', () => {
    const created = update(undefined, configMap({ a: '1' }), 'kubectl-create');
    assert.deepEqual(created.metadata.managedFields, [
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } },
      },
    ]);
  });

  it('moves a changed field to the updater and leaves unchanged ones with their owner', () => {
    const created = update(undefined, configMap({ a: '1', b: '2' }), 'creator');
    const changed = update(created, { ...created, data: { a: '1', b: '3', c: '4' } }, 'editor', T1);
    assert.deepEqual(
      changed.metadata.managedFields?.map((e) => [e.manager, e.time, e.fieldsV1]),
      [
        ['creator', T0, { 'f:data': { '.': {}, 'f:a': {} } }],
        ['editor', T1, { 'f:data': { 'f:b': {}, 'f:c': {} } }],
      ],
    );
    // Removing a field takes it from its owner.
    const removed = update(changed, { ...changed, data: { b: '3', c: '4' } }, 'editor', T2);
    assert.deepEqual(
      removed.metadata.managedFields?.map((e) => [e.manager, e.fieldsV1]),
      [
        // The map itself stays the creator's: a member with nothing below is a leaf.
        ['creator', { 'f:data': {} }],
        ['editor', { 'f:data': { 'f:b': {}, 'f:c': {} } }],
      ],
    );
  });

  it("keeps the stored entries' FieldsV1 for owners whose set did not change, and writes the changed ones anew", () => {
    const created = update(undefined, configMap({ a: '1', b: '2' }), 'creator');
    const stored = created.metadata.managedFields!;
    // A status-only kind of change for the creator: another manager changes b.
    const changed = update(created, { ...created, data: { a: '1', b: '3' } }, 'editor', T1);
    const [creator, editor] = changed.metadata.managedFields!;
    assert.deepEqual(creator!.fieldsV1, { 'f:data': { '.': {}, 'f:a': {} } });
    assert.deepEqual(editor!.fieldsV1, { 'f:data': { 'f:b': {} } });
    // Unchanged again: the next write reuses the creator's encoding as stored.
    const again = update(changed, { ...changed, data: { a: '1', b: '4' } }, 'editor', T2);
    assert.equal(again.metadata.managedFields![0]!.fieldsV1, creator!.fieldsV1);
    assert.notEqual(creator!.fieldsV1, stored[0]!.fieldsV1);
  });

  it('re-encodes managedFields a client sent in its own spelling', () => {
    const created = update(undefined, configMap({ a: '1' }), 'creator');
    // A leaf spelled with "." and keys out of order: the server writes its canonical form.
    const sent: ManagedFieldsEntry[] = [
      {
        manager: 'creator',
        operation: 'Update',
        apiVersion: 'v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:a': { '.': {} }, '.': {} } },
      },
    ];
    const rewritten = update(
      created,
      { ...created, metadata: { ...created.metadata, managedFields: sent } },
      'creator',
      T1,
    );
    assert.equal(
      JSON.stringify(rewritten.metadata.managedFields![0]!.fieldsV1),
      JSON.stringify({ 'f:data': { '.': {}, 'f:a': {} } }),
    );
  });

  it('takes a field from an applier, which then conflicts with the updater', () => {
    const live = apply(undefined, config({ replicas: 2 }), 'alice');
    const edited = recordUpdate({
      before: live,
      after: { ...live, spec: { ...(live.spec as object), replicas: 5 } },
      manager: 'kubectl-edit',
      info,
      apiVersion: 'apps/v1',
      now: T1,
    });
    assert.deepEqual(entry(edited, 'kubectl-edit')?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
    const alice = entry(edited, 'alice')!.fieldsV1 as { 'f:spec': Record<string, unknown> };
    assert.equal('f:replicas' in alice['f:spec'], false);
    assert.equal(
      apiError(() => apply(edited, config({ replicas: 2 }), 'alice', { now: T2 })).message,
      'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas',
    );
  });

  it('adds no entry for a write that changes nothing, and keeps a status writer apart', () => {
    const created = update(undefined, configMap({ a: '1' }), 'creator');
    assert.deepEqual(update(created, created, 'someone', T1), created);

    const deployments = apply(undefined, config(), 'alice');
    const withStatus = recordUpdate({
      before: deployments,
      after: { ...deployments, status: { replicas: 1 } },
      manager: 'deployment-controller',
      info,
      apiVersion: 'apps/v1',
      subresource: 'status',
      now: T1,
    });
    assert.deepEqual(entry(withStatus, 'deployment-controller', 'status'), {
      manager: 'deployment-controller',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: T1,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:status': { '.': {}, 'f:replicas': {} } },
      subresource: 'status',
    });
  });

  it('lets a client clear managedFields with a single empty entry', () => {
    const created = update(undefined, configMap({ a: '1' }), 'creator');
    const cleared = update(
      created,
      { ...created, metadata: { ...created.metadata, managedFields: [{} as ManagedFieldsEntry] } },
      'clearer',
      T1,
    );
    assert.equal(cleared.metadata.managedFields, undefined);
  });

  it('folds the oldest of more than ten updaters into ancient-changes', () => {
    let obj = update(undefined, configMap({}), 'm0');
    for (let i = 1; i <= 11; i++) {
      obj = update(
        obj,
        { ...obj, data: { ...(obj.data as Record<string, string>), [`k${i}`]: 'v' } },
        `m${i}`,
        `2024-05-01T10:${String(i).padStart(2, '0')}:00Z`,
      );
    }
    const managers = obj.metadata.managedFields!.map((e) => e.manager);
    assert.equal(managers.length, 10);
    assert.equal(managers[0], 'ancient-changes');
    assert.deepEqual(obj.metadata.managedFields![0]!.fieldsV1, {
      'f:data': { '.': {}, 'f:k1': {}, 'f:k2': {} },
    });
  });
});

describe('field sets', () => {
  const set = (...paths: string[][]) => FieldSet.fromPaths(paths);
  it('are the same when their members are, whatever empty subtrees they hold', () => {
    const withEmpty = set(['f:a'], ['f:b', 'f:c']);
    withEmpty.child('f:d').child('f:e');
    const cases: [FieldSet, FieldSet, boolean][] = [
      [set(), set(), true],
      [set(['f:a']), set(['f:a']), true],
      [set(['f:a'], ['f:b', 'f:c']), withEmpty, true],
      [withEmpty, set(['f:a'], ['f:b', 'f:c']), true],
      [set(['f:a']), set(['f:b']), false],
      [set(['f:a']), set(['f:a'], ['f:a', 'f:b']), false],
      [set(['f:a', 'f:b']), set(['f:a'], ['f:a', 'f:b']), false],
      [set(['f:a', 'f:b']), set(['f:a', 'f:c']), false],
    ];
    for (const [a, b, same] of cases)
      assert.equal(
        sameSet(a, b),
        same,
        `${JSON.stringify(a.paths())} vs ${JSON.stringify(b.paths())}`,
      );
  });
});

describe('fieldsV1', () => {
  it('encodes a small Service exactly', () => {
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 's',
        namespace: 'default',
        uid: 'u',
        labels: { app: 'x' },
        finalizers: ['example.com/f'],
      },
      spec: {
        selector: { app: 'x' },
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
        clusterIPs: ['10.0.0.1'],
      },
    };
    assert.equal(
      JSON.stringify(fieldsV1Of(service, mergeInfoForBuiltin('', 'v1', 'Service'))),
      JSON.stringify({
        'f:metadata': { 'f:finalizers': { 'v:"example.com/f"': {} }, 'f:labels': { 'f:app': {} } },
        'f:spec': {
          'f:clusterIPs': {},
          'f:ports': {
            'k:{"port":80,"protocol":"TCP"}': {
              '.': {},
              'f:name': {},
              'f:port': {},
              'f:protocol': {},
              'f:targetPort': {},
            },
          },
          'f:selector': {},
        },
      }),
    );
  });

  it('follows a CRD schema: list-map keys, sets, atomic lists and maps, map entries', () => {
    const schema: StructuralSchema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            tools: {
              type: 'array',
              'x-kubernetes-list-type': 'map',
              'x-kubernetes-list-map-keys': ['name', 'kind'],
              items: {
                type: 'object',
                properties: {
                  name: { type: 'string' },
                  kind: { type: 'string', default: 'http' },
                  port: { type: 'integer' },
                },
              },
            },
            hosts: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
            args: { type: 'array', items: { type: 'string' } },
            env: {
              type: 'object',
              additionalProperties: { type: 'object', properties: { value: { type: 'string' } } },
            },
            selector: {
              type: 'object',
              'x-kubernetes-map-type': 'atomic',
              additionalProperties: { type: 'string' },
            },
          },
        },
      },
    };
    const resource = {
      apiVersion: 'example.com/v1',
      kind: 'Thing',
      metadata: { name: 't' },
      spec: {
        tools: [{ name: 'a', port: 1 }],
        hosts: ['h1', 'h2'],
        args: ['x'],
        env: { A: { value: '1' } },
        selector: { app: 't' },
      },
    };
    assert.equal(
      JSON.stringify(fieldsV1Of(resource, mergeInfoFromSchema(schema))),
      JSON.stringify({
        'f:spec': {
          'f:args': {},
          'f:env': { 'f:A': { '.': {}, 'f:value': {} } },
          'f:hosts': { 'v:"h1"': {}, 'v:"h2"': {} },
          'f:selector': {},
          'f:tools': { 'k:{"kind":"http","name":"a"}': { '.': {}, 'f:name': {}, 'f:port': {} } },
        },
      }),
    );
  });
});
