// The OpenAPI v3 discovery of kube-apiserver: the /openapi/v3 index and one
// document per group-version, with what kubectl 1.32 reads from them:
// - the field-validation check finds each kind's PATCH operation by its
//   x-kubernetes-group-version-kind and looks for a `fieldValidation` parameter;
// - client-side apply computes a strategic merge patch from the component
//   schemas when the PATCH operation accepts application/strategic-merge-patch+json
//   (built-ins), using x-kubernetes-patch-strategy / -merge-key; custom resources
//   do not accept it, so kubectl falls back to a JSON merge patch;
// - explain walks components.schemas from the schema carrying the kind's GVK.
//
// The built-in components are generated (openapi/components.ts) from the
// protobuf wire schema and the merge rules of the kinds; a custom resource's
// come from its CRD. The paths and operations are in openapi/paths.ts.
import { createHash } from 'node:crypto';
import { clone, isObject } from '@mcp-operator/kube-core/json';
import { builtinComponents } from './openapi/components.ts';
import { createOnly, kindPaths } from './openapi/paths.ts';
import {
  API_VERSION_DOC,
  gvk,
  gvPath,
  KIND_DOC,
  LIST_METADATA_DOC,
  METADATA_DOC,
  ref,
  schemaName,
  type Schema,
} from './openapi/shared.ts';
import type { ResourceType } from './types.ts';

export { schemaName } from './openapi/shared.ts';

export interface OpenAPIDocs {
  index: Record<string, unknown>;
  /** key: "api/v1", "apis/apps/v1", ... */
  documents: Map<string, Record<string, unknown>>;
}

const KUBE_VERSION = 'v1.32.0';
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const LIST_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';

/** A custom resource's schema as kube-apiserver publishes it: metadata is ObjectMeta. */
function customResourceSchema(type: ResourceType): Schema {
  const schema: Schema = clone(
    (type.schema as Schema | undefined) ?? {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    },
  );
  const properties = { ...((schema.properties as Record<string, Schema> | undefined) ?? {}) };
  properties.apiVersion = { description: API_VERSION_DOC, type: 'string' };
  properties.kind = { description: KIND_DOC, type: 'string' };
  properties.metadata = { allOf: [ref(OBJECT_META)], description: METADATA_DOC };
  schema.type = 'object';
  schema.properties = properties;
  schema['x-kubernetes-group-version-kind'] = [gvk(type.group, type.version, type.kind)];
  return schema;
}

function listSchema(type: ResourceType, itemName: string): Schema {
  return {
    description: `${type.listKind} is a list of ${type.kind}`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { description: API_VERSION_DOC, type: 'string' },
      items: {
        description: `List of ${type.plural}.`,
        type: 'array',
        items: { allOf: [ref(itemName)], default: {} },
      },
      kind: { description: KIND_DOC, type: 'string' },
      metadata: { allOf: [ref(LIST_META)], default: {}, description: LIST_METADATA_DOC },
    },
    'x-kubernetes-group-version-kind': [gvk(type.group, type.version, type.listKind)],
  };
}

/** Every component name a schema refers to, transitively. */
function closure(roots: Schema[], registry: Record<string, Schema>): Set<string> {
  const seen = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (isObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') {
          const name = value.replace('#/components/schemas/', '');
          if (!seen.has(name) && registry[name]) {
            seen.add(name);
            visit(registry[name]);
          }
        } else visit(value);
      }
    }
  };
  roots.forEach(visit);
  return seen;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((k) => [k, record[k]!]),
  );
}

function documentFor(types: ResourceType[]): Record<string, unknown> {
  const registry: Record<string, Schema> = { ...builtinComponents() };
  const own: Record<string, Schema> = {};
  let paths: Record<string, Schema> = {};
  for (const type of types) {
    const name = schemaName(type);
    own[name] = registry[name] ?? customResourceSchema(type);
    // Create-only kinds (the self reviews) have no list.
    if (!createOnly(type)) own[`${name}List`] = listSchema(type, name);
    paths = { ...paths, ...kindPaths(type) };
  }
  Object.assign(registry, own);
  const used = closure([paths, ...Object.values(own)], registry);
  for (const name of Object.keys(own)) used.add(name);
  // A copy, so a caller changing a document cannot reach the shared registry.
  const schemas = clone(Object.fromEntries([...used].map((n) => [n, registry[n]!])));
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: KUBE_VERSION },
    paths: sortKeys(paths),
    components: {
      schemas: sortKeys(schemas),
      securitySchemes: {
        BearerToken: {
          type: 'apiKey',
          description: 'Bearer Token authentication',
          name: 'authorization',
          in: 'header',
        },
      },
    },
    security: [{ BearerToken: [] }],
  };
}

/** kube-openapi's etag: the SHA-512 of the served bytes, in upper-case hex. */
function hashOf(doc: Record<string, unknown>): string {
  return createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
}

/**
 * Builds /openapi/v3 and every per-group-version document for the served types
 * (built-ins + CRD types with their schemas).
 */
export function buildOpenAPI(types: ResourceType[]): OpenAPIDocs {
  const byGV = new Map<string, ResourceType[]>();
  for (const type of types) {
    const key = gvPath(type);
    byGV.set(key, [...(byGV.get(key) ?? []), type]);
  }
  const documents = new Map<string, Record<string, unknown>>();
  const index: Record<string, { serverRelativeURL: string }> = {};
  for (const key of [...byGV.keys()].sort()) {
    const doc = documentFor(byGV.get(key)!);
    documents.set(key, doc);
    index[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hashOf(doc)}` };
  }
  return { index: { paths: index }, documents };
}
