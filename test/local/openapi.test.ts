import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { mcpServerCRD } from '../../src/api/v1alpha1/crd.ts';
import { buildOpenAPI } from '@mcp-operator/local-control-plane/openapi';
import type { ResourceType } from '@mcp-operator/local-control-plane/types';

type Schema = Record<string, unknown>;
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Schema>>;
  components: { schemas: Record<string, Schema> };
};

function builtin(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced = true,
  status = false,
): ResourceType {
  return {
    group,
    version,
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames: [],
    categories: [],
    statusSubresource: status,
    builtin: true,
  };
}

const BUILTINS: ResourceType[] = [
  builtin('', 'v1', 'Namespace', 'namespaces', false, true),
  builtin('', 'v1', 'ConfigMap', 'configmaps'),
  builtin('', 'v1', 'Secret', 'secrets'),
  builtin('', 'v1', 'Service', 'services', true, true),
  builtin('', 'v1', 'Event', 'events'),
  builtin('', 'v1', 'Pod', 'pods', true, true),
  builtin('apps', 'v1', 'Deployment', 'deployments', true, true),
  builtin('networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, true),
  builtin('networking.k8s.io', 'v1', 'IngressClass', 'ingressclasses', false),
  builtin('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices'),
  builtin('coordination.k8s.io', 'v1', 'Lease', 'leases'),
  builtin('events.k8s.io', 'v1', 'Event', 'events'),
  builtin(
    'apiextensions.k8s.io',
    'v1',
    'CustomResourceDefinition',
    'customresourcedefinitions',
    false,
    true,
  ),
];

function mcpServerType(): ResourceType {
  const crd = mcpServerCRD();
  const version = crd.spec.versions[0]!;
  return {
    group: 'mcpruntime.org',
    version: 'v1alpha1',
    kind: 'MCPServer',
    listKind: 'MCPServerList',
    plural: 'mcpservers',
    singular: 'mcpserver',
    namespaced: true,
    shortNames: ['mcps'],
    categories: ['mcp'],
    statusSubresource: true,
    builtin: false,
    schema: version.schema.openAPIV3Schema,
    printerColumns: version.additionalPrinterColumns,
  };
}

const TYPES = [...BUILTINS, mcpServerType()];
const docs = buildOpenAPI(TYPES);
const doc = (key: string) => docs.documents.get(key) as unknown as Doc;
const gvkOf = (t: ResourceType) => ({ group: t.group, kind: t.kind, version: t.version });
const gvPath = (t: ResourceType) => (t.group ? `apis/${t.group}/${t.version}` : `api/${t.version}`);
const OPERATIONS = ['get', 'put', 'post', 'delete', 'patch'];

/** kube-openapi's supportsQueryParamV3, as kubectl 1.32 runs it to decide on fieldValidation. */
function supportsQueryParam(d: Doc, gvk: Schema, name: string): boolean {
  for (const item of Object.values(d.paths)) {
    const op = item.patch;
    if (!op) continue;
    if (JSON.stringify(op['x-kubernetes-group-version-kind']) !== JSON.stringify(gvk)) continue;
    return ((op.parameters ?? []) as Schema[]).some((p) => p.name === name);
  }
  return false;
}

/** kubectl apply's gvkSupportsPatchOpenAPIV3: does PATCH accept strategic merge patch? */
function acceptsStrategicMerge(d: Doc, gvk: Schema): boolean {
  for (const item of Object.values(d.paths)) {
    const op = item.patch;
    if (op && JSON.stringify(op['x-kubernetes-group-version-kind']) === JSON.stringify(gvk)) {
      const body = op.requestBody as { content?: Record<string, unknown> } | undefined;
      return Boolean(body?.content?.['application/strategic-merge-patch+json']);
    }
  }
  return false;
}

/** strategicpatch.PatchMetaFromOpenAPIV3: one step down a field, resolving allOf and $ref. */
function lookup(
  d: Doc,
  schema: Schema,
  key: string,
  slice: boolean,
): { schema: Schema; meta: Schema } {
  const properties = schema.properties as Record<string, Schema> | undefined;
  const sub = properties?.[key];
  if (!sub) throw new Error(`unable to find api field "${key}"`);
  const meta = {
    strategy: sub['x-kubernetes-patch-strategy'],
    key: sub['x-kubernetes-patch-merge-key'],
  };
  let next: Schema = slice && sub.items ? (sub.items as Schema) : sub;
  if (Array.isArray(next.allOf) && next.allOf.length) next = next.allOf[0] as Schema;
  if (typeof next.$ref === 'string') {
    const name = next.$ref.replace('#/components/schemas/', '');
    const resolved = d.components.schemas[name];
    if (!resolved) throw new Error(`unable to resolve ${next.$ref} in OpenAPI V3`);
    next = resolved;
  }
  return { schema: next, meta };
}

/** Walks a dotted path (list fields end in []) from the kind's schema and returns the last step's metadata. */
function patchMeta(d: Doc, kindSchema: string, path: string): Schema {
  let schema = d.components.schemas[kindSchema]!;
  let meta: Schema = {};
  for (const part of path.split('.')) {
    const slice = part.endsWith('[]');
    ({ schema, meta } = lookup(d, schema, slice ? part.slice(0, -2) : part, slice));
  }
  return meta;
}

function refs(node: unknown, found: Set<string> = new Set()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => refs(n, found));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') found.add(v);
      else refs(v, found);
    }
  }
  return found;
}

describe('/openapi/v3 index', () => {
  it('lists one path per served group-version', () => {
    assert.deepEqual(Object.keys((docs.index as { paths: object }).paths), [
      'api/v1',
      'apis/apiextensions.k8s.io/v1',
      'apis/apps/v1',
      'apis/coordination.k8s.io/v1',
      'apis/discovery.k8s.io/v1',
      'apis/events.k8s.io/v1',
      'apis/mcpruntime.org/v1alpha1',
      'apis/networking.k8s.io/v1',
    ]);
    assert.deepEqual(
      [...docs.documents.keys()].sort(),
      Object.keys((docs.index as { paths: object }).paths),
    );
  });

  it('points at each document with the SHA-512 of its bytes as ?hash=', () => {
    const paths = (docs.index as { paths: Record<string, { serverRelativeURL: string }> }).paths;
    for (const [key, entry] of Object.entries(paths)) {
      const hash = createHash('sha512')
        .update(JSON.stringify(docs.documents.get(key)))
        .digest('hex')
        .toUpperCase();
      assert.equal(entry.serverRelativeURL, `/openapi/v3/${key}?hash=${hash}`);
      assert.match(hash, /^[0-9A-F]{128}$/);
    }
  });

  it('is deterministic, and a changed CRD schema changes only its hash', () => {
    const again = buildOpenAPI(TYPES).index as {
      paths: Record<string, { serverRelativeURL: string }>;
    };
    const before = docs.index as typeof again;
    assert.deepEqual(again, before);
    const changed = mcpServerType();
    changed.schema = { ...changed.schema, description: 'changed' };
    const after = buildOpenAPI([...BUILTINS, changed]).index as typeof again;
    assert.notEqual(
      after.paths['apis/mcpruntime.org/v1alpha1']!.serverRelativeURL,
      before.paths['apis/mcpruntime.org/v1alpha1']!.serverRelativeURL,
    );
    assert.equal(
      after.paths['apis/apps/v1']!.serverRelativeURL,
      before.paths['apis/apps/v1']!.serverRelativeURL,
    );
  });
});

describe('the mcpruntime.org/v1alpha1 document', () => {
  const d = doc('apis/mcpruntime.org/v1alpha1');
  const gvk = { group: 'mcpruntime.org', kind: 'MCPServer', version: 'v1alpha1' };
  const base = '/apis/mcpruntime.org/v1alpha1';

  it('is OpenAPI 3.0 with the collection, item and status paths', () => {
    assert.equal(d.openapi, '3.0.0');
    assert.deepEqual(Object.keys(d.paths).sort(), [
      `${base}/mcpservers`,
      `${base}/namespaces/{namespace}/mcpservers`,
      `${base}/namespaces/{namespace}/mcpservers/{name}`,
      `${base}/namespaces/{namespace}/mcpservers/{name}/status`,
    ]);
    const verbs = (p: string) =>
      Object.keys(d.paths[p]!)
        .filter((k) => OPERATIONS.includes(k))
        .sort();
    assert.deepEqual(verbs(`${base}/namespaces/{namespace}/mcpservers`), ['delete', 'get', 'post']);
    assert.deepEqual(verbs(`${base}/namespaces/{namespace}/mcpservers/{name}`), [
      'delete',
      'get',
      'patch',
      'put',
    ]);
    assert.deepEqual(verbs(`${base}/namespaces/{namespace}/mcpservers/{name}/status`), [
      'get',
      'patch',
      'put',
    ]);
    assert.deepEqual(verbs(`${base}/mcpservers`), ['get']);
  });

  it('marks every operation with the GVK and its action', () => {
    const actions: Record<string, string> = {};
    for (const [path, item] of Object.entries(d.paths)) {
      for (const verb of OPERATIONS) {
        const op = item[verb];
        if (!op) continue;
        assert.deepEqual(op['x-kubernetes-group-version-kind'], gvk, `${verb} ${path}`);
        actions[`${verb} ${path.slice(base.length)}`] = op['x-kubernetes-action'] as string;
      }
    }
    assert.deepEqual(actions, {
      'get /mcpservers': 'list',
      'get /namespaces/{namespace}/mcpservers': 'list',
      'post /namespaces/{namespace}/mcpservers': 'post',
      'delete /namespaces/{namespace}/mcpservers': 'deletecollection',
      'get /namespaces/{namespace}/mcpservers/{name}': 'get',
      'put /namespaces/{namespace}/mcpservers/{name}': 'put',
      'patch /namespaces/{namespace}/mcpservers/{name}': 'patch',
      'delete /namespaces/{namespace}/mcpservers/{name}': 'delete',
      'get /namespaces/{namespace}/mcpservers/{name}/status': 'get',
      'put /namespaces/{namespace}/mcpservers/{name}/status': 'put',
      'patch /namespaces/{namespace}/mcpservers/{name}/status': 'patch',
    });
  });

  it('has PATCH operations with the fieldValidation query parameter and no strategic merge patch', () => {
    for (const path of [
      `${base}/namespaces/{namespace}/mcpservers/{name}`,
      `${base}/namespaces/{namespace}/mcpservers/{name}/status`,
    ]) {
      const patch = d.paths[path]!.patch!;
      const params = patch.parameters as Schema[];
      assert.deepEqual(
        params.map((p) => [p.name, p.in]),
        [
          ['dryRun', 'query'],
          ['fieldManager', 'query'],
          ['fieldValidation', 'query'],
          ['force', 'query'],
        ],
      );
      assert.equal(
        patch.operationId,
        `patchMcpruntimeOrgV1alpha1NamespacedMCPServer${path.endsWith('status') ? 'Status' : ''}`,
      );
      const content = (patch.requestBody as { content: Record<string, unknown> }).content;
      assert.deepEqual(Object.keys(content).sort(), [
        'application/apply-patch+yaml',
        'application/json-patch+json',
        'application/merge-patch+json',
      ]);
    }
    assert.equal(supportsQueryParam(d, gvk, 'fieldValidation'), true);
    assert.equal(acceptsStrategicMerge(d, gvk), false);
    // POST and PUT take it too, as kube-apiserver's do.
    const post = d.paths[`${base}/namespaces/{namespace}/mcpservers`]!.post!;
    assert.ok((post.parameters as Schema[]).some((p) => p.name === 'fieldValidation'));
    const params = d.paths[`${base}/namespaces/{namespace}/mcpservers/{name}`]!
      .parameters as unknown as Schema[];
    assert.deepEqual(
      params.map((p) => [p.name, p.in, p.required ?? false]),
      [
        ['name', 'path', true],
        ['namespace', 'path', true],
        ['pretty', 'query', false],
      ],
    );
  });

  it('publishes the CRD schema with ObjectMeta for metadata and the GVK', () => {
    const schema = d.components.schemas['org.mcpruntime.v1alpha1.MCPServer']!;
    const crdSchema = mcpServerCRD().spec.versions[0]!.schema.openAPIV3Schema;
    assert.deepEqual(schema['x-kubernetes-group-version-kind'], [gvk]);
    const props = schema.properties as Record<string, Schema>;
    assert.deepEqual(props.metadata, {
      allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }],
      description: "Standard object's metadata.",
    });
    assert.deepEqual(props.spec, crdSchema.properties!.spec);
    assert.deepEqual(props.status, crdSchema.properties!.status);
    assert.deepEqual(schema.required, ['spec']);
    assert.equal(
      (crdSchema.properties!.metadata as Schema).allOf,
      undefined,
      'the CRD itself is not changed',
    );
    const list = d.components.schemas['org.mcpruntime.v1alpha1.MCPServerList']!;
    assert.deepEqual(list['x-kubernetes-group-version-kind'], [{ ...gvk, kind: 'MCPServerList' }]);
    assert.deepEqual((list.properties as Record<string, Schema>).items!.items, {
      allOf: [{ $ref: '#/components/schemas/org.mcpruntime.v1alpha1.MCPServer' }],
      default: {},
    });
  });

  it('resolves every $ref inside the document', () => {
    for (const key of docs.documents.keys()) {
      const document = doc(key);
      for (const r of refs(document)) {
        const name = r.replace('#/components/schemas/', '');
        assert.ok(document.components.schemas[name], `${key}: ${r}`);
      }
    }
    assert.ok(d.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
    assert.ok(d.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Patch']);
    assert.equal(d.components.schemas['io.k8s.api.apps.v1.Deployment'], undefined);
  });

  it('publishes a CRD without a schema as preserving unknown fields', () => {
    const bare: ResourceType = {
      ...mcpServerType(),
      group: 'bare.example.com',
      kind: 'Thing',
      listKind: 'ThingList',
      plural: 'things',
      schema: undefined,
    };
    const thing = (
      buildOpenAPI([bare]).documents.get('apis/bare.example.com/v1alpha1') as unknown as Doc
    ).components.schemas['com.example.bare.v1alpha1.Thing']!;
    assert.equal(thing['x-kubernetes-preserve-unknown-fields'], true);
    assert.equal(thing.type, 'object');
  });
});

describe('built-in documents', () => {
  it('give every kind a PATCH with fieldValidation and strategic merge patch', () => {
    for (const type of BUILTINS) {
      const d = doc(gvPath(type));
      assert.equal(supportsQueryParam(d, gvkOf(type), 'fieldValidation'), true, type.kind);
      assert.equal(acceptsStrategicMerge(d, gvkOf(type)), true, type.kind);
      const schemas = Object.values(d.components.schemas).filter((s) =>
        (s['x-kubernetes-group-version-kind'] as Schema[] | undefined)?.some(
          (g) => JSON.stringify(g) === JSON.stringify(gvkOf(type)),
        ),
      );
      assert.equal(schemas.length, 1, `one schema carries ${type.kind}'s GVK`);
    }
  });

  it('publish the deprecated watch paths and the cluster-scope paths', () => {
    const core = doc('api/v1');
    for (const p of [
      '/api/v1/namespaces',
      '/api/v1/namespaces/{name}',
      '/api/v1/namespaces/{name}/status',
      '/api/v1/watch/namespaces',
      '/api/v1/configmaps',
      '/api/v1/watch/configmaps',
      '/api/v1/watch/namespaces/{namespace}/configmaps/{name}',
    ]) {
      assert.ok(core.paths[p], p);
    }
    assert.equal(
      core.paths['/api/v1/watch/namespaces/{namespace}/configmaps/{name}']!.get![
        'x-kubernetes-action'
      ],
      'watch',
    );
    assert.equal(
      core.paths['/api/v1/namespaces/{namespace}/configmaps']!.get!.operationId,
      'listCoreV1NamespacedConfigMap',
    );
    assert.equal(
      doc('apis/networking.k8s.io/v1').paths[
        '/apis/networking.k8s.io/v1/namespaces/{namespace}/ingresses/{name}'
      ]!.patch!.operationId,
      'patchNetworkingV1NamespacedIngress',
    );
  });

  it('carry the patch strategies kubectl apply needs, where kubectl finds them', () => {
    const apps = doc('apis/apps/v1');
    const D = 'io.k8s.api.apps.v1.Deployment';
    assert.deepEqual(patchMeta(apps, D, 'spec.template.spec.containers'), {
      strategy: 'merge',
      key: 'name',
    });
    assert.deepEqual(patchMeta(apps, D, 'spec.template.spec.initContainers'), {
      strategy: 'merge',
      key: 'name',
    });
    assert.deepEqual(patchMeta(apps, D, 'spec.template.spec.volumes'), {
      strategy: 'merge,retainKeys',
      key: 'name',
    });
    assert.deepEqual(patchMeta(apps, D, 'spec.template.spec.imagePullSecrets'), {
      strategy: 'merge',
      key: 'name',
    });
    assert.deepEqual(patchMeta(apps, D, 'spec.template.spec.containers[].env'), {
      strategy: 'merge',
      key: 'name',
    });
    assert.deepEqual(patchMeta(apps, D, 'spec.template.spec.containers[].ports'), {
      strategy: 'merge',
      key: 'containerPort',
    });
    assert.deepEqual(patchMeta(apps, D, 'spec.template.spec.containers[].volumeMounts'), {
      strategy: 'merge',
      key: 'mountPath',
    });
    assert.deepEqual(patchMeta(apps, D, 'spec.template.spec.containers[].args'), {
      strategy: undefined,
      key: undefined,
    });
    assert.deepEqual(patchMeta(apps, D, 'spec.strategy'), {
      strategy: 'retainKeys',
      key: undefined,
    });
    assert.deepEqual(patchMeta(apps, D, 'metadata.finalizers'), {
      strategy: 'merge',
      key: undefined,
    });
    assert.deepEqual(patchMeta(apps, D, 'metadata.ownerReferences'), {
      strategy: 'merge',
      key: 'uid',
    });
    assert.deepEqual(patchMeta(apps, D, 'status.conditions'), { strategy: 'merge', key: 'type' });
    // Fields a manifest sets, down to the leaves kubectl diffs.
    for (const path of [
      'spec.template.spec.containers[].env[].valueFrom.secretKeyRef',
      'spec.template.spec.containers[].resources.limits',
      'spec.template.spec.containers[].securityContext.capabilities.drop',
      'spec.template.spec.containers[].livenessProbe.httpGet.httpHeaders',
      'spec.template.spec.volumes[].configMap.items',
      'spec.template.spec.volumes[].projected.sources[].serviceAccountToken',
      'spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[].podAffinityTerm.labelSelector.matchExpressions[].values',
      'spec.template.spec.tolerations',
      'spec.template.spec.topologySpreadConstraints[].labelSelector.matchLabels',
      'spec.template.metadata.annotations',
      'spec.selector.matchLabels',
    ]) {
      assert.doesNotThrow(() => patchMeta(apps, D, path), path);
    }
    const core = doc('api/v1');
    assert.deepEqual(patchMeta(core, 'io.k8s.api.core.v1.Service', 'spec.ports'), {
      strategy: 'merge',
      key: 'port',
    });
    assert.doesNotThrow(() => patchMeta(core, 'io.k8s.api.core.v1.Service', 'spec.selector'));
    assert.deepEqual(patchMeta(core, 'io.k8s.api.core.v1.Pod', 'spec.containers'), {
      strategy: 'merge',
      key: 'name',
    });
    const crds = doc('apis/apiextensions.k8s.io/v1');
    const C = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition';
    // versions is replaced whole, as its Go type has no patch strategy.
    assert.deepEqual(patchMeta(crds, C, 'spec.versions'), { strategy: undefined, key: undefined });
    assert.doesNotThrow(() => patchMeta(crds, C, 'spec.names.shortNames'));
    assert.doesNotThrow(() => patchMeta(crds, C, 'metadata.labels'));
  });
});
