// Drift detection and the update the operator sends: only fields it owns
// count, stale keys and list items it set are found through managedFields.
// The FieldsV1 shapes below are kube-apiserver's (structured-merge-diff):
// `f:` fields, `k:{…}` list-map items (containers and env by name, ports by
// containerPort/port and protocol), `.` for the item itself.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { controlledBy, driftOf, mergeForUpdate } from '../../src/operator/drift.ts';
import type { KubeObject } from '@mcp-operator/kube-core/port';

const M = 'mcp-runtime-operator';

interface Container {
  name: string;
  image: string;
  ports?: { name: string; containerPort: number; protocol?: string }[];
  env?: { name: string; value?: string }[];
  resources?: { limits: { cpu: string } };
  terminationMessagePath?: string;
}
interface DeploymentSpec {
  replicas: number;
  progressDeadlineSeconds?: number;
  template: {
    metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
    spec: { containers: Container[]; imagePullSecrets?: { name: string }[] };
  };
}
/** FieldsV1: a tree of `f:`/`k:`/`v:` keys. */
interface Fields {
  [key: string]: Fields;
}

const spec = (o: KubeObject) => o.spec as DeploymentSpec;

const desired = (): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'w',
    namespace: 'default',
    labels: { app: 'w' },
    ownerReferences: [
      {
        apiVersion: 'mcpruntime.org/v1alpha1',
        kind: 'MCPServer',
        name: 'w',
        uid: 'u1',
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  },
  spec: {
    replicas: 1,
    template: {
      metadata: { labels: { app: 'w' } },
      spec: {
        containers: [
          {
            name: 'w',
            image: 'img:1',
            ports: [{ name: 'http', containerPort: 8088 }],
            env: [{ name: 'MCP_PATH', value: '/w/mcp' }],
            resources: { limits: { cpu: '0.5' } },
          },
        ],
      },
    },
  },
});

/** What the API server stores: the desired fields plus defaults and others' additions. */
function live(
  extra: (o: KubeObject) => void = () => {},
  owned: Record<string, unknown> = baseOwned(),
): KubeObject {
  const o = desired();
  o.metadata.resourceVersion = '7';
  o.metadata.uid = 'd1';
  o.metadata.annotations = { 'deployment.kubernetes.io/revision': '1' };
  const s = spec(o);
  s.progressDeadlineSeconds = 600;
  s.template.metadata.annotations = {
    'kubectl.kubernetes.io/restartedAt': '2026-11-30T00:00:00Z',
  };
  const c = s.template.spec.containers[0]!;
  c.terminationMessagePath = '/dev/termination-log';
  c.ports![0]!.protocol = 'TCP';
  c.resources!.limits.cpu = '500m';
  o.metadata.managedFields = [
    { manager: M, operation: 'Update', apiVersion: 'apps/v1', fieldsV1: owned },
    {
      manager: 'kubectl-rollout',
      operation: 'Update',
      apiVersion: 'apps/v1',
      fieldsV1: {
        'f:spec': {
          'f:template': {
            'f:metadata': { 'f:annotations': { 'f:kubectl.kubernetes.io/restartedAt': {} } },
          },
        },
      },
    },
  ];
  extra(o);
  return o;
}

function baseOwned(): Fields {
  return {
    'f:metadata': { 'f:labels': { 'f:app': {} }, 'f:ownerReferences': { 'k:{"uid":"u1"}': {} } },
    'f:spec': {
      'f:replicas': {},
      'f:progressDeadlineSeconds': {},
      'f:template': {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': {
          'f:containers': {
            'k:{"name":"w"}': {
              '.': {},
              'f:image': {},
              'f:terminationMessagePath': {},
              'f:ports': { 'k:{"containerPort":8088,"protocol":"TCP"}': { '.': {}, 'f:name': {} } },
              'f:env': { 'k:{"name":"MCP_PATH"}': { '.': {}, 'f:value': {} } },
            },
          },
        },
      },
    },
  };
}

describe('drift', () => {
  it('sees none when only defaults, canonical quantities and others\u2019 fields differ', () => {
    assert.deepEqual(driftOf(live(), desired(), M), []);
  });

  it('finds a changed owned field and the update restores it, keeping others\u2019 fields', () => {
    const l = live((o) => (spec(o).template.spec.containers[0]!.image = 'evil:1'));
    assert.deepEqual(driftOf(l, desired(), M), ['spec.template.spec.containers[w].image']);
    const merged = mergeForUpdate(l, desired(), M);
    assert.equal(spec(merged).template.spec.containers[0]!.image, 'img:1');
    assert.equal(
      spec(merged).template.spec.containers[0]!.terminationMessagePath,
      '/dev/termination-log',
    );
    assert.deepEqual(spec(merged).template.metadata.annotations, {
      'kubectl.kubernetes.io/restartedAt': '2026-11-30T00:00:00Z',
    });
    assert.equal(merged.metadata.resourceVersion, '7');
    // No managedFields in the body: kube-apiserver then keeps every manager's
    // entries (fieldmanager's decodeLiveOrNew falls back to the live object's).
    assert.equal(merged.metadata.managedFields, undefined);
    assert.deepEqual(driftOf({ ...merged, metadata: l.metadata }, desired(), M), []);
  });

  it('removes an annotation the operator set and no longer wants, keeps foreign ones', () => {
    const owned = baseOwned();
    owned['f:metadata']!['f:annotations'] = { 'f:mine': {} };
    const l = live((o) => (o.metadata.annotations = { mine: 'x', theirs: 'y' }), owned);
    assert.deepEqual(driftOf(l, desired(), M), ['metadata.annotations[mine]']);
    assert.deepEqual(mergeForUpdate(l, desired(), M).metadata.annotations, { theirs: 'y' });
  });

  it('removes list items the operator set (a sidecar, an env var, pull secrets), keeps others\u2019 items', () => {
    const owned = baseOwned();
    const pod = owned['f:spec']!['f:template']!['f:spec']!;
    pod['f:containers']!['k:{"name":"mcp-gateway"}'] = { '.': {}, 'f:image': {} };
    pod['f:containers']!['k:{"name":"w"}']!['f:env']!['k:{"name":"OLD"}'] = { '.': {} };
    pod['f:imagePullSecrets'] = { 'k:{"name":"pull"}': { '.': {} } };
    const l = live((o) => {
      const s = spec(o).template.spec;
      s.containers.push({ name: 'mcp-gateway', image: 'gw' }, { name: 'injected', image: 'x' });
      s.containers[0]!.env!.push({ name: 'OLD', value: '1' });
      s.imagePullSecrets = [{ name: 'pull' }];
    }, owned);
    assert.deepEqual(driftOf(l, desired(), M).sort(), [
      'spec.template.spec.containers[{"name":"mcp-gateway"}]',
      'spec.template.spec.containers[{"name":"w"}].env[{"name":"OLD"}]',
      'spec.template.spec.imagePullSecrets[{"name":"pull"}]',
    ]);
    const merged = mergeForUpdate(l, desired(), M);
    const s = spec(merged).template.spec;
    assert.deepEqual(
      s.containers.map((c) => c.name),
      ['w', 'injected'],
    );
    assert.deepEqual(s.containers[0]!.env, [{ name: 'MCP_PATH', value: '/w/mcp' }]);
    assert.equal(s.imagePullSecrets, undefined);
    assert.deepEqual(
      driftOf({ ...merged, metadata: { ...merged.metadata, managedFields: [] } }, desired(), M),
      [],
    );
  });

  it('compares lists without names whole (an Ingress rule that lost its host)', () => {
    const want: KubeObject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'w' },
      spec: { rules: [{ http: { paths: [{ path: '/w/mcp', pathType: 'Prefix' }] } }] },
    };
    const l: KubeObject = {
      ...want,
      spec: {
        rules: [
          { host: 'old.example.com', http: { paths: [{ path: '/w/mcp', pathType: 'Prefix' }] } },
        ],
      },
    };
    assert.deepEqual(driftOf(l, want, M), ['spec.rules']);
    const rules = (o: KubeObject) => (o.spec as { rules: unknown }).rules;
    assert.deepEqual(rules(mergeForUpdate(l, want, M)), rules(want));
  });

  it('tells a controlled object from a foreign one', () => {
    assert.equal(controlledBy(live(), 'u1'), true);
    assert.equal(controlledBy(live(), 'other'), false);
    assert.equal(
      controlledBy(
        live((o) => (o.metadata.ownerReferences![0]!.controller = false)),
        'u1',
      ),
      false,
    );
  });
});
