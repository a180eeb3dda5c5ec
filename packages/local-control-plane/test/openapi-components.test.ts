// The generated OpenAPI component schemas of the built-in kinds
// (src/openapi/components.ts): derived from the protobuf wire schema and the
// merge rules of the kinds, with the table of src/openapi/facts.ts.
//
// The expected values are kube-apiserver's published OpenAPI v3
// (api/openapi-spec/v3/api__v1_openapi.json, apis__apps__v1_openapi.json, …)
// and the Go markers behind them in k8s.io/api and k8s.io/apimachinery
// (patchStrategy/patchMergeKey struct tags, +listType, +listMapKey,
// +mapType, +structType, +default, json tags without omitempty).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { KINDS } from '../src/kinds/index.ts';
import { fromTable } from '../src/patch/merge-rules.ts';
import { COMPONENT_FACTS, OPAQUE_COMPONENTS } from '../src/openapi/facts.ts';
import { builtinComponents, builtinRoots, generateComponents } from '../src/openapi/components.ts';
import { componentName } from '../src/openapi/shared.ts';
import {
  fieldsOf,
  JSON_FORMS,
  messageName,
  WELL_KNOWN,
  type MessageType,
} from '../src/protobuf/schema.ts';
import type { LocalControlPlane } from '../src/control-plane.ts';
import { startPlane } from '../src/testing.ts';

type Schema = Record<string, unknown>;

const components = builtinComponents() as Record<string, Schema>;
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const CORE = 'io.k8s.api.core.v1.';
const APPS = 'io.k8s.api.apps.v1.';
const REF = '#/components/schemas/';

const component = (name: string): Schema => {
  const schema = components[name];
  assert.ok(schema, `no component ${name}`);
  return schema;
};
const property = (name: string, field: string): Schema => {
  const schema = (component(name).properties as Record<string, Schema> | undefined)?.[field];
  assert.ok(schema, `no field ${field} in ${name}`);
  return schema;
};
/** The component a field, list item or map value refers to, through kube's allOf wrapping. */
const refOf = (schema: Schema | undefined): string | undefined => {
  if (!schema) return undefined;
  const target = (schema.allOf as Schema[] | undefined)?.[0] ?? schema;
  return typeof target.$ref === 'string' ? target.$ref.slice(REF.length) : undefined;
};

const OPAQUE = [...Object.values(WELL_KNOWN), ...Object.values(JSON_FORMS)].map(componentName);

/** Fields as they sit in the JSON object: inline (embedded) messages flattened. */
function jsonFields(type: MessageType): ReturnType<typeof fieldsOf>[number][] {
  return fieldsOf(type).flatMap((f) => (f.inline && f.message ? jsonFields(f.message) : [f]));
}

/** Every message a served kind (or a DELETE/watch body) reaches, by component name. */
function reachable(): Map<string, MessageType> {
  const found = new Map<string, MessageType>();
  const visit = (type: MessageType) => {
    const name = componentName(messageName(type));
    if (found.has(name)) return;
    found.set(name, type);
    if (OPAQUE.includes(name)) return;
    for (const field of jsonFields(type)) if (field.message) visit(field.message);
  };
  for (const root of builtinRoots()) visit(root.message);
  return found;
}

describe('generated component schemas: kube facts', () => {
  // [component, field, what kube publishes there]; an undefined value means "absent".
  const FACTS: [string, string, Schema][] = [
    [
      `${CORE}PodSpec`,
      'containers',
      {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        'x-kubernetes-patch-merge-key': 'name',
        'x-kubernetes-patch-strategy': 'merge',
      },
    ],
    [
      `${CORE}PodSpec`,
      'initContainers',
      { 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' },
    ],
    [
      `${CORE}PodSpec`,
      'volumes',
      {
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        'x-kubernetes-patch-merge-key': 'name',
        'x-kubernetes-patch-strategy': 'merge,retainKeys',
      },
    ],
    [
      `${CORE}PodSpec`,
      'resourceClaims',
      { 'x-kubernetes-patch-strategy': 'merge,retainKeys', 'x-kubernetes-list-map-keys': ['name'] },
    ],
    [
      `${CORE}PodSpec`,
      'imagePullSecrets',
      { 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-list-map-keys': ['name'] },
    ],
    [
      `${CORE}PodSpec`,
      'topologySpreadConstraints',
      {
        'x-kubernetes-list-map-keys': ['topologyKey', 'whenUnsatisfiable'],
        'x-kubernetes-patch-merge-key': 'topologyKey',
        'x-kubernetes-patch-strategy': 'merge',
      },
    ],
    [
      `${CORE}PodSpec`,
      'tolerations',
      { 'x-kubernetes-list-type': 'atomic', 'x-kubernetes-patch-strategy': undefined },
    ],
    [
      `${CORE}PodSpec`,
      'nodeSelector',
      {
        type: 'object',
        additionalProperties: { type: 'string', default: '' },
        'x-kubernetes-map-type': 'atomic',
      },
    ],
    [
      `${CORE}PodSpec`,
      'overhead',
      {
        type: 'object',
        additionalProperties: { $ref: `${REF}io.k8s.apimachinery.pkg.api.resource.Quantity` },
      },
    ],
    [
      `${CORE}Container`,
      'ports',
      {
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
        'x-kubernetes-patch-merge-key': 'containerPort',
        'x-kubernetes-patch-strategy': 'merge',
      },
    ],
    [
      `${CORE}Container`,
      'env',
      { 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-list-map-keys': ['name'] },
    ],
    [
      `${CORE}Container`,
      'volumeMounts',
      { 'x-kubernetes-patch-merge-key': 'mountPath', 'x-kubernetes-list-map-keys': ['mountPath'] },
    ],
    [
      `${CORE}Container`,
      'volumeDevices',
      {
        'x-kubernetes-patch-merge-key': 'devicePath',
        'x-kubernetes-list-map-keys': ['devicePath'],
      },
    ],
    [
      `${CORE}Container`,
      'args',
      {
        type: 'array',
        items: { type: 'string', default: '' },
        'x-kubernetes-list-type': 'atomic',
        'x-kubernetes-patch-strategy': undefined,
      },
    ],
    [`${CORE}ContainerPort`, 'protocol', { type: 'string', default: 'TCP' }],
    [`${CORE}ContainerPort`, 'containerPort', { type: 'integer', format: 'int32', default: 0 }],
    [
      `${CORE}ResourceRequirements`,
      'claims',
      {
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        'x-kubernetes-patch-strategy': undefined,
        'x-kubernetes-patch-merge-key': undefined,
      },
    ],
    [
      `${CORE}PodStatus`,
      'hostIPs',
      {
        'x-kubernetes-list-type': 'atomic',
        'x-kubernetes-patch-merge-key': 'ip',
        'x-kubernetes-patch-strategy': 'merge',
      },
    ],
    [
      `${CORE}PodStatus`,
      'podIPs',
      { 'x-kubernetes-list-map-keys': ['ip'], 'x-kubernetes-patch-merge-key': 'ip' },
    ],
    [
      `${CORE}PodStatus`,
      'conditions',
      { 'x-kubernetes-list-map-keys': ['type'], 'x-kubernetes-patch-merge-key': 'type' },
    ],
    [
      `${CORE}PodSecurityContext`,
      'supplementalGroups',
      {
        items: { type: 'integer', format: 'int64', default: 0 },
        'x-kubernetes-list-type': 'atomic',
      },
    ],
    [
      `${META}ObjectMeta`,
      'ownerReferences',
      {
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['uid'],
        'x-kubernetes-patch-merge-key': 'uid',
        'x-kubernetes-patch-strategy': 'merge',
      },
    ],
    [
      `${META}ObjectMeta`,
      'finalizers',
      {
        'x-kubernetes-list-type': 'set',
        'x-kubernetes-patch-strategy': 'merge',
        'x-kubernetes-patch-merge-key': undefined,
      },
    ],
    [`${META}ObjectMeta`, 'managedFields', { 'x-kubernetes-list-type': 'atomic' }],
    [`${META}ObjectMeta`, 'creationTimestamp', { $ref: `${REF}${META}Time` }],
    [
      `${META}ObjectMeta`,
      'deletionGracePeriodSeconds',
      { type: 'integer', format: 'int64', default: undefined },
    ],
    [
      `${CORE}ServiceSpec`,
      'ports',
      {
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['port', 'protocol'],
        'x-kubernetes-patch-merge-key': 'port',
        'x-kubernetes-patch-strategy': 'merge',
      },
    ],
    [`${CORE}ServicePort`, 'protocol', { default: 'TCP' }],
    [
      `${CORE}ServicePort`,
      'targetPort',
      { $ref: `${REF}io.k8s.apimachinery.pkg.util.intstr.IntOrString` },
    ],
    [`${CORE}ServiceSpec`, 'selector', { 'x-kubernetes-map-type': 'atomic' }],
    [`${CORE}ServiceSpec`, 'clusterIPs', { 'x-kubernetes-list-type': 'atomic' }],
    [
      `${APPS}DeploymentSpec`,
      'selector',
      { allOf: [{ $ref: `${REF}${META}LabelSelector` }], default: {} },
    ],
    [`${APPS}DeploymentSpec`, 'strategy', { 'x-kubernetes-patch-strategy': 'retainKeys' }],
    [
      `${APPS}DeploymentStatus`,
      'conditions',
      { 'x-kubernetes-list-map-keys': ['type'], 'x-kubernetes-patch-strategy': 'merge' },
    ],
    [`${META}LabelSelector`, 'matchExpressions', { 'x-kubernetes-list-type': 'atomic' }],
    ['io.k8s.api.discovery.v1.Endpoint', 'addresses', { 'x-kubernetes-list-type': 'set' }],
    ['io.k8s.api.networking.v1.IngressClassParametersReference', 'apiGroup', { type: 'string' }],
    [
      'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionSpec',
      'versions',
      { 'x-kubernetes-list-type': 'atomic', 'x-kubernetes-patch-strategy': undefined },
    ],
    [
      'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionStatus',
      'conditions',
      {
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
        'x-kubernetes-patch-strategy': undefined,
      },
    ],
  ];

  for (const [name, field, expected] of FACTS) {
    it(`${name.split('.').pop()}.${field}`, () => {
      const actual = property(name, field);
      for (const [key, value] of Object.entries(expected)) {
        assert.deepEqual(actual[key], value, `${name}.${field} ${key}`);
      }
    });
  }

  it('list items refer to their component in allOf with default {}', () => {
    assert.deepEqual(property(`${CORE}PodSpec`, 'containers').items, {
      allOf: [{ $ref: `${REF}${CORE}Container` }],
      default: {},
    });
    assert.equal(
      refOf(property(`${CORE}Container`, 'ports').items as Schema),
      `${CORE}ContainerPort`,
    );
  });

  it('struct types kube marks atomic carry x-kubernetes-map-type', () => {
    for (const name of [
      `${META}LabelSelector`,
      `${META}OwnerReference`,
      `${CORE}ObjectReference`,
      `${CORE}LocalObjectReference`,
      `${CORE}ConfigMapKeySelector`,
      `${CORE}SecretKeySelector`,
      `${CORE}NodeSelectorTerm`,
    ]) {
      assert.equal(component(name)['x-kubernetes-map-type'], 'atomic', name);
    }
    assert.equal(component(`${CORE}Container`)['x-kubernetes-map-type'], undefined);
  });

  it('required lists follow the Go json tags, in struct order', () => {
    const required = (name: string) => component(name).required;
    assert.deepEqual(required(`${CORE}Container`), ['name']);
    assert.deepEqual(required(`${CORE}ContainerPort`), ['containerPort']);
    assert.deepEqual(required(`${CORE}PodSpec`), ['containers']);
    assert.deepEqual(required(`${META}OwnerReference`), ['apiVersion', 'kind', 'name', 'uid']);
    assert.deepEqual(required(`${META}Condition`), [
      'type',
      'status',
      'lastTransitionTime',
      'reason',
      'message',
    ]);
    assert.deepEqual(required(`${APPS}DeploymentSpec`), ['selector', 'template']);
    assert.deepEqual(required('io.k8s.api.networking.v1.HTTPIngressPath'), ['pathType', 'backend']);
    assert.deepEqual(required('io.k8s.api.discovery.v1.EndpointSlice'), [
      'addressType',
      'endpoints',
    ]);
    assert.equal(required(`${META}ObjectMeta`), undefined);
  });

  it('flattens inline (embedded) fields into their parent', () => {
    const keys = (name: string) => Object.keys(component(name).properties as Schema);
    // EphemeralContainer embeds EphemeralContainerCommon, Probe a ProbeHandler,
    // Volume a VolumeSource, a key selector a LocalObjectReference.
    assert.ok(keys(`${CORE}EphemeralContainer`).includes('targetContainerName'));
    assert.deepEqual(
      property(`${CORE}EphemeralContainer`, 'ports')['x-kubernetes-patch-merge-key'],
      'containerPort',
    );
    assert.ok(keys(`${CORE}Probe`).includes('httpGet'));
    assert.ok(keys(`${CORE}Volume`).includes('configMap'));
    assert.deepEqual(component(`${CORE}SecretKeySelector`).required, ['key']);
    assert.ok(keys(`${CORE}SecretKeySelector`).includes('name'));
    for (const inline of ['EphemeralContainerCommon', 'ProbeHandler', 'VolumeSource']) {
      assert.equal(components[`${CORE}${inline}`], undefined, inline);
    }
  });

  it('describes the types of their own JSON form as kube does', () => {
    assert.deepEqual(component(`${META}Time`), {
      description: component(`${META}Time`).description,
      type: 'string',
      format: 'date-time',
    });
    assert.equal(component(`${META}MicroTime`).format, 'date-time');
    assert.deepEqual(component('io.k8s.apimachinery.pkg.api.resource.Quantity').oneOf, [
      { type: 'string' },
      { type: 'number' },
    ]);
    const intOrString = component('io.k8s.apimachinery.pkg.util.intstr.IntOrString');
    assert.equal(intOrString.format, 'int-or-string');
    assert.deepEqual(intOrString.oneOf, [{ type: 'integer' }, { type: 'string' }]);
    assert.equal(component(`${META}FieldsV1`).type, 'object');
    assert.equal(component('io.k8s.apimachinery.pkg.runtime.RawExtension').type, 'object');
    // An object type is wrapped (fieldsV1), the others are a bare $ref (time).
    assert.equal(refOf(property(`${META}ManagedFieldsEntry`, 'fieldsV1')), `${META}FieldsV1`);
    assert.ok(property(`${META}ManagedFieldsEntry`, 'fieldsV1').allOf);
    assert.deepEqual(property(`${META}ManagedFieldsEntry`, 'time'), { $ref: `${REF}${META}Time` });
    assert.equal(
      refOf(property(`${META}WatchEvent`, 'object')),
      'io.k8s.apimachinery.pkg.runtime.RawExtension',
    );
  });

  it('gives each served kind apiVersion, kind, described metadata, its description and GVK', () => {
    for (const kind of KINDS) {
      const schema = component(kind.openapi);
      assert.deepEqual(
        schema['x-kubernetes-group-version-kind'],
        [{ group: kind.group, kind: kind.kind, version: kind.version }],
        kind.kind,
      );
      assert.equal(typeof schema.description, 'string', `${kind.kind} is described`);
      const props = schema.properties as Record<string, Schema>;
      assert.equal(props.apiVersion?.type, 'string');
      assert.equal(props.kind?.type, 'string');
      assert.equal(refOf(props.metadata), `${META}ObjectMeta`);
      assert.equal(props.metadata?.description, "Standard object's metadata.");
    }
    assert.deepEqual(component(`${META}Status`)['x-kubernetes-group-version-kind'], [
      { group: '', kind: 'Status', version: 'v1' },
    ]);
    assert.ok((component(`${META}DeleteOptions`).properties as Schema).kind);
    // A template holds ObjectMeta but is no kind.
    assert.equal((component(`${CORE}PodTemplateSpec`).properties as Schema).apiVersion, undefined);
  });
});

describe('generated component schemas: coverage', () => {
  it('names components after the Go package, as the kinds name theirs', () => {
    for (const kind of KINDS) {
      if (kind.protobuf) assert.equal(componentName(kind.protobuf), kind.openapi);
    }
    assert.equal(
      componentName('k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSON'),
      'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON',
    );
  });

  it('has a component for every message reachable from a served kind', () => {
    const messages = reachable();
    for (const [name, type] of messages) {
      const schema = component(name);
      if (OPAQUE.includes(name)) continue;
      const props = Object.keys((schema.properties as Schema | undefined) ?? {});
      for (const field of jsonFields(type)) {
        assert.ok(props.includes(field.jsonName), `${name}.${field.jsonName}`);
      }
    }
    // Every kind is generated from the wire schema, the CRD included.
    for (const kind of KINDS) assert.ok(messages.has(kind.openapi), kind.kind);
  });

  it('describes every object- and list-valued field (kubectl apply fails on one it cannot find)', () => {
    for (const [name, schema] of Object.entries(components)) {
      for (const [field, sub] of Object.entries(
        (schema.properties as Record<string, Schema>) ?? {},
      )) {
        const where = `${name}.${field}`;
        if (sub.type === 'array') assert.ok(sub.items, where);
        else if (sub.type === 'object') assert.ok(sub.additionalProperties, where);
        else if (!sub.type) assert.ok(refOf(sub), where);
        const target =
          refOf(sub) ?? refOf(sub.items as Schema) ?? refOf(sub.additionalProperties as Schema);
        if (target) assert.ok(components[target], `${where} → ${target}`);
      }
    }
  });

  it('has only components something reaches', () => {
    const names = new Set([...reachable().keys(), `${META}Patch`]);
    assert.deepEqual(
      Object.keys(components).filter((n) => !names.has(n)),
      [],
    );
  });

  it('has table entries only for real components and fields', () => {
    for (const [name, facts] of Object.entries(COMPONENT_FACTS)) {
      const schema = components[name];
      assert.ok(schema, `facts.ts names ${name}, which no served kind reaches`);
      const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
      for (const field of [...(facts.required ?? []), ...Object.keys(facts.fields ?? {})]) {
        assert.ok(props[field], `facts.ts names ${name}.${field}`);
      }
    }
    for (const name of OPAQUE) assert.ok(OPAQUE_COMPONENTS[name], name);
  });
});

describe('the generator, on any wire schema', () => {
  const PROTO = `
    syntax = "proto2";
    package k8s.io.api.example.v1;
    message Thing {
      optional Meta metadata = 1;
      optional Spec spec = 2;
    }
    message Meta { optional string name = 1; }
    message Spec {
      repeated Port ports = 1;
      map<string, string> labels = 2;
      optional Node tree = 3;
      optional Base base = 4 [(inline) = true];
      optional int64 count = 5 [(pointer) = true];
      optional bool on = 6 [(no_omitempty) = true];
    }
    message Base { optional string shared = 1 [(no_omitempty) = true]; }
    message Port { optional int32 port = 1 [(no_omitempty) = true]; optional string protocol = 2; }
    message Node { repeated Node children = 1; optional string value = 2; }
  `;
  const root = new protobuf.Root();
  protobuf.parse(PROTO, root, { keepCase: true });
  root.resolveAll();
  const thing = root.lookupType('k8s.io.api.example.v1.Thing');
  const T = 'io.k8s.api.example.v1.';
  const generate = (table: Parameters<typeof fromTable>[0]) =>
    generateComponents({
      roots: [
        {
          message: thing,
          merge: fromTable(table),
          kind: { group: 'example', version: 'v1', kind: 'Thing' },
        },
      ],
      facts: {},
      opaque: {},
    }) as Record<string, Schema>;

  it('derives fields, lists, maps, inline fields, required and recursion', () => {
    const out = generate({
      'spec.ports': {
        list: { type: 'map', keys: ['port', 'protocol'], keyDefaults: { protocol: 'TCP' } },
        smp: { strategy: 'merge', mergeKey: 'port' },
      },
      'spec.labels': { map: 'atomic' },
      'spec.tree': { map: 'atomic' },
    });
    assert.deepEqual(Object.keys(out).sort(), [
      `${T}Meta`,
      `${T}Node`,
      `${T}Port`,
      `${T}Spec`,
      `${T}Thing`,
    ]);
    const spec = out[`${T}Spec`]!;
    const props = spec.properties as Record<string, Schema>;
    assert.deepEqual(props.ports, {
      type: 'array',
      items: { allOf: [{ $ref: `${REF}${T}Port` }], default: {} },
      'x-kubernetes-list-map-keys': ['port', 'protocol'],
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-patch-merge-key': 'port',
      'x-kubernetes-patch-strategy': 'merge',
    });
    assert.deepEqual(props.labels, {
      type: 'object',
      additionalProperties: { type: 'string', default: '' },
      'x-kubernetes-map-type': 'atomic',
    });
    assert.deepEqual(props.shared, { type: 'string', default: '' });
    assert.deepEqual(props.count, { type: 'integer', format: 'int64' });
    // The embedded Base sits where it is declared, before `on`.
    assert.deepEqual(spec.required, ['shared', 'on']);
    assert.equal(out[`${T}Base`], undefined, 'an inline message is no component');
    assert.deepEqual((out[`${T}Port`]!.properties as Record<string, Schema>).protocol, {
      type: 'string',
      default: 'TCP',
    });
    assert.equal(out[`${T}Node`]!['x-kubernetes-map-type'], 'atomic');
    assert.equal(
      refOf((out[`${T}Node`]!.properties as Record<string, Schema>).children!.items as Schema),
      `${T}Node`,
    );
    assert.deepEqual(out[`${T}Thing`]!['x-kubernetes-group-version-kind'], [
      { group: 'example', kind: 'Thing', version: 'v1' },
    ]);
  });

  it('refuses merge rules that differ for one component reached twice', () => {
    const twice = root.lookupType('k8s.io.api.example.v1.Node');
    assert.throws(
      () =>
        generateComponents({
          roots: [
            { message: twice, merge: fromTable({ children: { list: { type: 'set' } } }) },
            {
              message: twice,
              merge: fromTable({ children: { list: { type: 'map', keys: ['value'] } } }),
            },
          ],
          facts: {},
          opaque: {},
        }),
      /merge rules disagree on io\.k8s\.api\.example\.v1\.Node\.children/,
    );
  });
});

const KUBECTL = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));

describe(
  'kubectl 1.32 on the generated schemas',
  { skip: KUBECTL ? false : 'kubectl is not installed' },
  () => {
    let plane: LocalControlPlane;
    let dir: string;
    const kubectl = (args: string[], input?: string) =>
      new Promise<string>((resolve, reject) => {
        const child = execFile(
          KUBECTL!,
          [...args, `--cache-dir=${join(dir, 'cache')}`],
          {
            env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: join(dir, 'kubeconfig') },
            timeout: 30_000,
          },
          (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout)),
        );
        if (input !== undefined) child.stdin!.end(input);
      });

    before(async () => {
      ({ plane } = await startPlane({ simulation: { deploymentReadyDelayMs: 0 } }));
      dir = mkdtempSync(join(tmpdir(), 'mcp-openapi-'));
      writeFileSync(join(dir, 'kubeconfig'), plane.kubeconfig());
    });
    after(async () => {
      await plane.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    const deployment = (env: string, volume: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: nginx:1
        ports: [{containerPort: 8080, name: http}]
        env: [${env}]
        resources: {limits: {cpu: 500m}}
        livenessProbe: {httpGet: {path: /, port: http}}
        volumeMounts: [{name: data, mountPath: /data}]
      volumes: [{name: data, ${volume}}]
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - {weight: 1, podAffinityTerm: {topologyKey: zone, labelSelector: {matchLabels: {app: web}}}}
`;

    it('applies built-ins client-side, merging lists by their keys on a changed manifest', async () => {
      await kubectl(['apply', '-f', '-'], deployment('{name: A, value: "1"}', 'emptyDir: {}'));
      // An env var set by another writer survives: env merges by name, not replaced whole.
      await kubectl(['set', 'env', 'deployment/web', '-c', 'app', 'OTHER=x']);
      assert.match(
        await kubectl(
          ['apply', '-f', '-'],
          deployment(
            '{name: A, value: "2"}, {name: B, valueFrom: {secretKeyRef: {name: s, key: k}}}',
            'configMap: {name: settings}',
          ),
        ),
        /deployment.apps\/web configured/,
      );
      const spec = JSON.parse(
        await kubectl(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec}']),
      ) as { containers: { env: { name: string; value?: string }[] }[]; volumes: Schema[] };
      assert.deepEqual(spec.containers[0]!.env.map((e) => [e.name, e.value]).sort(), [
        ['A', '2'],
        ['B', undefined],
        ['OTHER', 'x'],
      ]);
      // The volume, merged by name, drops the source the last apply set (with $retainKeys).
      assert.deepEqual(spec.volumes, [{ name: 'data', configMap: { name: 'settings' } }]);

      const service = (port: number) =>
        `apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\nspec: {selector: {app: web}, ports: [{name: http, port: ${port}, targetPort: http}]}\n`;
      await kubectl(['apply', '-f', '-'], service(80));
      await kubectl(['apply', '-f', '-'], service(81));
      const ports = JSON.parse(
        await kubectl(['get', 'service', 'web', '-o', 'jsonpath={.spec.ports}']),
      ) as Schema[];
      assert.deepEqual(ports, [{ name: 'http', port: 81, protocol: 'TCP', targetPort: 'http' }]);
    });

    it('explains kinds and fields, down through the components', async () => {
      const kind = await kubectl(['explain', 'deployment']);
      assert.match(kind, /^KIND:\s+Deployment$/m);
      assert.match(kind, /Deployment enables declarative updates for Pods and ReplicaSets\./);
      assert.match(kind, /^ {2}spec\t<DeploymentSpec>$/m);
      const ports = await kubectl(['explain', 'pod.spec.containers.ports']);
      assert.match(ports, /^FIELD: ports <\[\]ContainerPort>$/m);
      assert.match(ports, /^ {2}containerPort\t<integer> -required-$/m);
      assert.match(
        await kubectl(['explain', 'service.spec.ports.targetPort']),
        /^FIELD: targetPort <IntOrString>$/m,
      );
      assert.match(
        await kubectl(['explain', 'deployment.spec.template.spec.containers.resources']),
        /^ {2}limits\t<map\[string\]Quantity>$/m,
      );
      assert.match(
        await kubectl(['explain', 'crd.spec.versions.schema.openAPIV3Schema.properties']),
        /^FIELD: properties <map\[string\]JSONSchemaProps>$/m,
      );
    });
  },
);
