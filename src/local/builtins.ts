// The built-in resources the local API server serves, and what kube-apiserver
// knows of them beyond their names: which answer a DELETE with the object,
// which share a storage (and the conversion between the versions), and what
// decoding a request body changes before anything is stored.
import { isObject } from '../kube/json.ts';
import type { KubeObject, ResourceType } from './types.ts';

function builtin(
  group: string,
  version: string,
  kind: string,
  plural: string,
  options: {
    namespaced?: boolean;
    shortNames?: string[];
    categories?: string[];
    status?: boolean;
  } = {},
): ResourceType {
  return {
    group,
    version,
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    namespaced: options.namespaced ?? true,
    shortNames: options.shortNames ?? [],
    categories: options.categories ?? [],
    statusSubresource: options.status ?? false,
    builtin: true,
  };
}

export const BUILTIN_TYPES: readonly ResourceType[] = [
  builtin('', 'v1', 'Namespace', 'namespaces', {
    namespaced: false,
    shortNames: ['ns'],
    status: true,
  }),
  builtin('', 'v1', 'ConfigMap', 'configmaps', { shortNames: ['cm'] }),
  builtin('', 'v1', 'Secret', 'secrets'),
  builtin('', 'v1', 'Service', 'services', {
    shortNames: ['svc'],
    categories: ['all'],
    status: true,
  }),
  builtin('', 'v1', 'Event', 'events', { shortNames: ['ev'] }),
  builtin('', 'v1', 'Pod', 'pods', { shortNames: ['po'], categories: ['all'], status: true }),
  builtin('apps', 'v1', 'Deployment', 'deployments', {
    shortNames: ['deploy'],
    categories: ['all'],
    status: true,
  }),
  builtin('networking.k8s.io', 'v1', 'Ingress', 'ingresses', { shortNames: ['ing'], status: true }),
  builtin('networking.k8s.io', 'v1', 'IngressClass', 'ingressclasses', { namespaced: false }),
  builtin('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices'),
  builtin('coordination.k8s.io', 'v1', 'Lease', 'leases'),
  builtin('events.k8s.io', 'v1', 'Event', 'events', { shortNames: ['ev'] }),
  builtin('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', {
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    status: true,
  }),
];

/** Kinds whose writes bump metadata.generation when the spec changes. */
export const GENERATION_KINDS = new Set([
  'apps/Deployment',
  'networking.k8s.io/Ingress',
  'networking.k8s.io/IngressClass',
  'apiextensions.k8s.io/CustomResourceDefinition',
  '/Service',
  '/Pod',
]);

/**
 * Kinds whose DELETE answers with the deleted object rather than a Status
 * (`ReturnDeletedObject: true` in their kube-apiserver REST storage:
 * pkg/registry/core/{namespace,pod,service}/storage). CustomResourceDefinitions
 * are here because their first DELETE answers with the CRD (held by the
 * customresourcecleanup finalizer in apiextensions' customresourcedefinition/etcd.go);
 * the plane removes a CRD at once, so the CRD it answers with is already gone.
 */
export const RETURNS_DELETED_OBJECT = new Set([
  '/Namespace',
  '/Pod',
  '/Service',
  'apiextensions.k8s.io/CustomResourceDefinition',
]);

/**
 * Kinds with a `scale` subresource serving an autoscaling/v1 Scale, as
 * kube-apiserver registers `deployments/scale` (pkg/registry/apps/deployment/storage
 * ScaleREST). Discovery lists it with the Scale's group, version and kind.
 */
const SCALE_KINDS = new Set(['apps/Deployment']);

export function hasScaleSubresource(
  type: Pick<ResourceType, 'group' | 'kind' | 'builtin'>,
): boolean {
  return type.builtin && SCALE_KINDS.has(`${type.group}/${type.kind}`);
}

/**
 * The Go package of a group's internal types, as conversion errors name them:
 * `core` for the core group and for events.k8s.io (whose Event is core's),
 * else the group's first label (`apps`, `networking`, `autoscaling`, …).
 */
function internalPackage(group: string): string {
  if (group === '' || group === 'events.k8s.io') return 'core';
  return group.split('.')[0]!;
}

/**
 * The decoder's error when a body's kind is not the endpoint's: the object is
 * decoded as its own versioned type, which has no conversion to the endpoint's
 * internal type (conversion.Converter: `converting (v1.Secret) to
 * (core.Namespace): unknown conversion`).
 */
export function unknownConversion(
  apiVersion: string,
  kind: string,
  intoGroup: string,
  intoKind: string,
): string {
  const version = apiVersion.slice(apiVersion.lastIndexOf('/') + 1);
  return `converting (${version}.${kind}) to (${internalPackage(intoGroup)}.${intoKind}): unknown conversion`;
}

// ---- one storage, several served versions -----------------------------------

/**
 * The resource a served resource is stored as. kube-apiserver keeps
 * events.k8s.io/v1 Events in the core `events` storage (a cohabitating
 * resource), so one Event is readable, listable and watchable through both.
 */
export function storageResourceOf(
  group: string,
  plural: string,
): { group: string; plural: string } {
  if (group === 'events.k8s.io' && plural === 'events') return { group: '', plural: 'events' };
  return { group, plural };
}

type Json = Record<string, unknown>;

/**
 * events.k8s.io/v1 field ↔ core/v1 field, as pkg/apis/events/v1/conversion.go
 * converts them (the rest of the fields share their names). Listed in the Go
 * structs' field order so converted objects read like the real ones.
 */
const EVENT_FIELDS: readonly (readonly [eventsV1: string, coreV1: string])[] = [
  ['eventTime', 'eventTime'],
  ['series', 'series'],
  ['reportingController', 'reportingComponent'],
  ['reportingInstance', 'reportingInstance'],
  ['action', 'action'],
  ['reason', 'reason'],
  ['regarding', 'involvedObject'],
  ['related', 'related'],
  ['note', 'message'],
  ['type', 'type'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];
const CORE_EVENT_ORDER = [
  'involvedObject',
  'reason',
  'message',
  'source',
  'firstTimestamp',
  'lastTimestamp',
  'count',
  'type',
  'eventTime',
  'series',
  'action',
  'related',
  'reportingComponent',
  'reportingInstance',
];

/**
 * An events.k8s.io/v1 Event as core/v1 (Convert_v1_Event_To_core_Event, then
 * core to v1): note → message, regarding → involvedObject, reportingController
 * → reportingComponent, deprecatedSource/FirstTimestamp/LastTimestamp/Count →
 * source/firstTimestamp/lastTimestamp/count; eventTime, series, action, reason,
 * related, reportingInstance and type as they are. Fields neither version has
 * are dropped, as a typed decode drops them.
 */
export function eventToCore(event: KubeObject): KubeObject {
  const from = event as unknown as Json;
  const mapped: Json = {};
  for (const [v1, core] of EVENT_FIELDS) if (from[v1] !== undefined) mapped[core] = from[v1];
  const out: Json = { apiVersion: 'v1', kind: 'Event', metadata: event.metadata };
  for (const field of CORE_EVENT_ORDER) if (mapped[field] !== undefined) out[field] = mapped[field];
  return out as unknown as KubeObject;
}

/** A core/v1 Event as events.k8s.io/v1 (Convert_core_Event_To_v1_Event): the inverse of eventToCore. */
export function eventFromCore(event: KubeObject): KubeObject {
  const from = event as unknown as Json;
  const out: Json = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: event.metadata };
  for (const [v1, core] of EVENT_FIELDS) if (from[core] !== undefined) out[v1] = from[core];
  return out as unknown as KubeObject;
}

/**
 * What decoding a v1 request body into the internal type does before anything
 * is stored (pkg/apis/core/v1/conversion.go): a Secret's `stringData` overwrites
 * the same keys of `data` (as base64 of its UTF-8 bytes) and is never kept, so
 * it is never stored or returned. In place.
 */
export function convertIncoming(group: string, kind: string, object: KubeObject): void {
  if (group !== '' || kind !== 'Secret') return;
  const o = object as unknown as Json;
  const stringData = o.stringData;
  delete o.stringData;
  if (!isObject(stringData)) return;
  const entries = Object.entries(stringData).filter(
    (e): e is [string, string] => typeof e[1] === 'string',
  );
  if (entries.length === 0) return;
  const data: Json = isObject(o.data) ? { ...o.data } : {};
  for (const [key, value] of entries) data[key] = Buffer.from(value, 'utf8').toString('base64');
  o.data = data;
}
