// The one narrow port the rest of the program uses to talk to Kubernetes.
// Implemented over @kubernetes/client-node (client.ts) and, for unit tests,
// in memory over the local control plane's store (local/memory-port.ts); both
// are held to one contract suite.

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: {
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }[];
  managedFields?: unknown[];
  [key: string]: unknown;
}

/** Any Kubernetes object as JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** Which resource a call is about. */
export interface ResourceRef {
  group: string;
  version: string;
  /** Plural resource name, as in the URL: `mcpservers`. */
  plural: string;
  kind: string;
  namespaced: boolean;
}

export function apiVersionOf(resource: Pick<ResourceRef, 'group' | 'version'>): string {
  return resource.group ? `${resource.group}/${resource.version}` : resource.version;
}

export interface ListOptions {
  /** Omit for all namespaces (namespaced resources) or for cluster-scoped ones. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

export interface ListResult<T extends KubeObject = KubeObject> {
  items: T[];
  resourceVersion: string;
  continue?: string;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Resume point; '' or '0' starts with ADDED for every current object. */
  resourceVersion: string;
  allowBookmarks?: boolean;
  /** Server-side timeout: the server ends the stream cleanly after it. */
  timeoutSeconds?: number;
}

export type WatchEvent<T extends KubeObject = KubeObject> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T }
  | { type: 'BOOKMARK'; resourceVersion: string }
  /** An ERROR event; a 410 arrives as a GoneError. */
  | { type: 'ERROR'; error: Error };

export interface WatchHandle {
  /** Settles when the stream ends: undefined for a clean end, the error otherwise. Never rejects. */
  done: Promise<Error | undefined>;
  /** Ends the stream from this side; `done` then settles with undefined. */
  stop(): void;
}

export type PatchType = 'apply' | 'merge' | 'json' | 'strategic';

export interface WriteOptions {
  /** Who makes the change (server-side apply's field manager). */
  fieldManager: string;
  dryRun?: boolean;
  /** Server-side apply only: take over fields other managers own. */
  force?: boolean;
  /** Write the status subresource instead of the object. */
  subresource?: 'status';
}

export interface DeleteOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

/**
 * The calls the operator makes. Every failure is a typed error from
 * errors.ts: a KubeApiError subclass for an answer, TransportError for none.
 */
export interface KubePort {
  get<T extends KubeObject = KubeObject>(
    resource: ResourceRef,
    namespace: string | undefined,
    name: string,
  ): Promise<T>;
  list<T extends KubeObject = KubeObject>(
    resource: ResourceRef,
    options?: ListOptions,
  ): Promise<ListResult<T>>;
  /** Opens a watch; events arrive in order through `onEvent` until the handle's `done` settles. */
  watch<T extends KubeObject = KubeObject>(
    resource: ResourceRef,
    options: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
  ): Promise<WatchHandle>;
  create<T extends KubeObject = KubeObject>(
    resource: ResourceRef,
    object: T,
    options: WriteOptions,
  ): Promise<T>;
  /** PUT: with `subresource: 'status'` replaces the status (with the object's resourceVersion as precondition). */
  update<T extends KubeObject = KubeObject>(
    resource: ResourceRef,
    object: T,
    options: WriteOptions,
  ): Promise<T>;
  patch<T extends KubeObject = KubeObject>(
    resource: ResourceRef,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: unknown,
    options: WriteOptions,
  ): Promise<T>;
  delete(
    resource: ResourceRef,
    namespace: string | undefined,
    name: string,
    options?: DeleteOptions,
  ): Promise<void>;
}

/** Resources the operator and the controller runtime use. */
export const RESOURCES = {
  namespaces: {
    group: '',
    version: 'v1',
    plural: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
  },
  configmaps: {
    group: '',
    version: 'v1',
    plural: 'configmaps',
    kind: 'ConfigMap',
    namespaced: true,
  },
  secrets: { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true },
  services: { group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true },
  deployments: {
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    kind: 'Deployment',
    namespaced: true,
  },
  ingresses: {
    group: 'networking.k8s.io',
    version: 'v1',
    plural: 'ingresses',
    kind: 'Ingress',
    namespaced: true,
  },
  ingressClasses: {
    group: 'networking.k8s.io',
    version: 'v1',
    plural: 'ingressclasses',
    kind: 'IngressClass',
    namespaced: false,
  },
  leases: {
    group: 'coordination.k8s.io',
    version: 'v1',
    plural: 'leases',
    kind: 'Lease',
    namespaced: true,
  },
  events: {
    group: 'events.k8s.io',
    version: 'v1',
    plural: 'events',
    kind: 'Event',
    namespaced: true,
  },
  customResourceDefinitions: {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    plural: 'customresourcedefinitions',
    kind: 'CustomResourceDefinition',
    namespaced: false,
  },
  mcpServers: {
    group: 'mcpruntime.org',
    version: 'v1alpha1',
    plural: 'mcpservers',
    kind: 'MCPServer',
    namespaced: true,
  },
} as const satisfies Record<string, ResourceRef>;
