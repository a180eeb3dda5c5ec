// Two ways to reach the local control plane behind one interface, so the
// contract suite runs every case against the in-memory store and over HTTP
// with the real @kubernetes/client-node.
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  setHeaderOptions,
} from '@kubernetes/client-node';
import type { KubernetesObject } from '@kubernetes/client-node';
import { ApiError } from './errors.ts';
import type { Status, StatusCause } from './errors.ts';
import { LocalControlPlane } from './control-plane.ts';
import type { LocalControlPlaneOptions } from './control-plane.ts';
import type { PatchType, Store } from './store.ts';
import type { KubeObject, ResourceType } from './types.ts';

export interface Ref {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface Resource {
  group: string;
  version: string;
  plural: string;
}

export interface ListResponse {
  items: KubeObject[];
  metadata: { resourceVersion?: string; continue?: string };
}

export interface ListParams {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

/** What a DELETE answered: its code and body (the object, or a Status). */
export interface DeleteReply {
  code: number;
  body: Record<string, unknown>;
}

export interface DeleteParams {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface WatchParams {
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

export type WatchCallback = (type: string, object: KubeObject & Partial<Status>) => void;

/** The API calls the contract cases make; both targets implement it. */
export interface ContractApi {
  readonly name: 'in-memory' | 'http';
  create(
    obj: KubeObject,
    opts?: {
      dryRun?: boolean;
      fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
      fieldManager?: string;
    },
  ): Promise<KubeObject>;
  get(ref: Ref): Promise<KubeObject>;
  /** ConfigMaps, Secrets and Events of both groups over HTTP when a resourceVersion is given. */
  list(
    apiVersion: string,
    kind: string,
    namespace?: string,
    opts?: ListParams,
  ): Promise<ListResponse>;
  replace(obj: KubeObject): Promise<KubeObject>;
  /** PUT to the status subresource. */
  replaceStatus(resource: Resource, obj: KubeObject): Promise<KubeObject>;
  patch(
    ref: Ref,
    type: PatchType,
    body: unknown,
    opts?: { fieldManager?: string; force?: boolean },
  ): Promise<KubeObject>;
  /** A merge patch of the status subresource. */
  patchStatus(resource: Resource, ref: Ref, body: unknown): Promise<KubeObject>;
  delete(ref: Ref, opts?: DeleteParams): Promise<void>;
  /** A DELETE with its answer: Namespaces, ConfigMaps, Services and custom resources over HTTP. */
  deleteReply(ref: Ref, opts?: DeleteParams): Promise<DeleteReply>;
  watch(
    resource: Resource,
    namespace: string | undefined,
    params: WatchParams,
    onEvent: WatchCallback,
    onDone?: (err?: unknown) => void,
  ): Promise<() => void>;
}

/** An API error as either target reports it. */
export class KubeApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly causes: StatusCause[] = [],
    /** The Status's metadata.continue (an expired continue token's 410 carries one). */
    readonly listContinue?: string,
  ) {
    super(message);
  }
}

function fromApiError(err: unknown): never {
  if (err instanceof ApiError) {
    const status = err.toStatus();
    throw new KubeApiError(
      err.code,
      err.reason,
      err.message,
      err.details?.causes ?? [],
      status.metadata.continue,
    );
  }
  throw err;
}

function typeOf(store: Store, apiVersion: string, kind: string): ResourceType {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const type = store
    .types()
    .find((t) => t.group === group && t.version === version && t.kind === kind);
  if (!type) throw new KubeApiError(404, 'NotFound', `no kind ${kind} in ${apiVersion}`);
  return type;
}

export function memoryApi(plane: LocalControlPlane): ContractApi {
  const store = plane.store;
  const call = async <T>(fn: () => T): Promise<T> => {
    try {
      return await Promise.resolve(fn());
    } catch (err) {
      return fromApiError(err);
    }
  };
  return {
    name: 'in-memory',
    create: (obj, opts = {}) =>
      call(
        () =>
          store.create(typeOf(store, obj.apiVersion, obj.kind), obj.metadata.namespace, obj, opts)
            .object,
      ),
    get: (ref) =>
      call(() => store.get(typeOf(store, ref.apiVersion, ref.kind), ref.namespace, ref.name)),
    list: (apiVersion, kind, namespace, opts = {}) =>
      call(() => {
        const r = store.list(typeOf(store, apiVersion, kind), namespace, opts);
        return {
          items: r.items,
          metadata: {
            resourceVersion: r.resourceVersion,
            ...(r.continue ? { continue: r.continue } : {}),
          },
        };
      }),
    deleteReply: (ref, opts = {}) =>
      call(() => {
        const r = store.delete(
          typeOf(store, ref.apiVersion, ref.kind),
          ref.namespace,
          ref.name,
          opts,
        );
        return {
          code: r.code,
          body: JSON.parse(JSON.stringify(r.body)) as Record<string, unknown>,
        };
      }),
    replace: (obj) =>
      call(
        () =>
          store.update(
            typeOf(store, obj.apiVersion, obj.kind),
            obj.metadata.namespace,
            obj.metadata.name!,
            obj,
          ).object,
      ),
    replaceStatus: (_resource, obj) =>
      call(
        () =>
          store.update(
            typeOf(store, obj.apiVersion, obj.kind),
            obj.metadata.namespace,
            obj.metadata.name!,
            obj,
            { subresource: 'status' },
          ).object,
      ),
    patch: (ref, type, body, opts = {}) =>
      call(
        () =>
          store.patch(
            typeOf(store, ref.apiVersion, ref.kind),
            ref.namespace,
            ref.name,
            type,
            body,
            opts,
          ).object,
      ),
    patchStatus: (_resource, ref, body) =>
      call(
        () =>
          store.patch(
            typeOf(store, ref.apiVersion, ref.kind),
            ref.namespace,
            ref.name,
            'merge',
            body,
            { subresource: 'status' },
          ).object,
      ),
    delete: (ref, opts = {}) =>
      call(() => {
        store.delete(typeOf(store, ref.apiVersion, ref.kind), ref.namespace, ref.name, opts);
      }),
    watch: (resource, namespace, params, onEvent) =>
      call(() => {
        const type = store.typeFor(resource.group, resource.plural, resource.version)!;
        return store.watch(
          type,
          namespace,
          {
            ...(params.resourceVersion ? { resourceVersion: params.resourceVersion } : {}),
            ...(params.labelSelector ? { labelSelector: params.labelSelector } : {}),
            ...(params.fieldSelector ? { fieldSelector: params.fieldSelector } : {}),
          },
          (event) => onEvent(event.type, event.object as KubeObject & Partial<Status>),
        );
      }),
  };
}

function statusOf(err: ApiException<unknown>): Status | undefined {
  const body = err.body;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as Status;
    } catch {
      return undefined;
    }
  }
  return body as Status | undefined;
}

async function viaClient<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ApiException) {
      const status = statusOf(err as ApiException<unknown>);
      throw new KubeApiError(
        err.code,
        status?.reason ?? '',
        status?.message ?? err.message,
        status?.details?.causes ?? [],
        status?.metadata?.continue,
      );
    }
    throw err;
  }
}

const CONTENT_TYPES: Record<PatchType, PatchStrategy> = {
  json: PatchStrategy.JsonPatch,
  merge: PatchStrategy.MergePatch,
  strategic: PatchStrategy.StrategicMergePatch,
  apply: PatchStrategy.ServerSideApply,
};

export function httpApi(kc: KubeConfig): ContractApi {
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const events = kc.makeApiClient(EventsV1Api);
  // client-node hands back typed models (class instances, Dates); compare plain JSON.
  const asObject = (o: unknown) => JSON.parse(JSON.stringify(o)) as KubeObject;
  const groupVersion = (apiVersion: string) =>
    apiVersion.includes('/')
      ? (apiVersion.split('/') as [string, string])
      : (['', apiVersion] as [string, string]);
  return {
    name: 'http',
    create: (obj, opts = {}) =>
      viaClient(async () => {
        if (opts.fieldValidation) {
          const [group, version] = groupVersion(obj.apiVersion);
          if (group) {
            const plural = `${obj.kind.toLowerCase()}s`;
            return asObject(
              await custom.createNamespacedCustomObject({
                group,
                version,
                namespace: obj.metadata.namespace ?? 'default',
                plural,
                body: obj,
                fieldValidation: opts.fieldValidation,
                ...(opts.dryRun ? { dryRun: 'All' } : {}),
              }),
            );
          }
        }
        return asObject(
          await objects.create(
            obj as KubernetesObject,
            undefined,
            opts.dryRun ? 'All' : undefined,
            opts.fieldManager,
          ),
        );
      }),
    get: (ref) =>
      viaClient(async () =>
        asObject(
          await objects.read({
            apiVersion: ref.apiVersion,
            kind: ref.kind,
            metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
          }),
        ),
      ),
    list: (apiVersion, kind, namespace, opts = {}) =>
      viaClient(async () => {
        // KubernetesObjectApi.list sends no resourceVersion: the typed lists do.
        const typed = {
          ...(opts.fieldSelector ? { fieldSelector: opts.fieldSelector } : {}),
          ...(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}),
          ...(opts.limit ? { limit: opts.limit } : {}),
          ...(opts.continue ? { _continue: opts.continue } : {}),
          ...(opts.resourceVersion ? { resourceVersion: opts.resourceVersion } : {}),
          ...(opts.resourceVersionMatch ? { resourceVersionMatch: opts.resourceVersionMatch } : {}),
        };
        const ns = namespace ?? 'default';
        const list =
          opts.resourceVersion || opts.resourceVersionMatch || kind === 'Event'
            ? await (async () => {
                switch (`${apiVersion}/${kind}`) {
                  case 'v1/ConfigMap':
                    return core.listNamespacedConfigMap({ namespace: ns, ...typed });
                  case 'v1/Secret':
                    return core.listNamespacedSecret({ namespace: ns, ...typed });
                  case 'v1/Event':
                    return core.listNamespacedEvent({ namespace: ns, ...typed });
                  case 'events.k8s.io/v1/Event':
                    return events.listNamespacedEvent({ namespace: ns, ...typed });
                  default:
                    throw new Error(`the harness cannot list ${kind} with a resourceVersion`);
                }
              })()
            : await objects.list(
                apiVersion,
                kind,
                namespace,
                undefined,
                undefined,
                undefined,
                opts.fieldSelector,
                opts.labelSelector,
                opts.limit,
                opts.continue,
              );
        return {
          items: list.items.map(asObject),
          metadata: {
            ...(list.metadata?.resourceVersion
              ? { resourceVersion: list.metadata.resourceVersion }
              : {}),
            ...(list.metadata?._continue ? { continue: list.metadata._continue } : {}),
          },
        };
      }),
    replace: (obj) =>
      viaClient(async () => asObject(await objects.replace(obj as KubernetesObject))),
    replaceStatus: (resource, obj) =>
      viaClient(async () => {
        if (resource.group === 'apps' && resource.plural === 'deployments') {
          return asObject(
            await apps.replaceNamespacedDeploymentStatus({
              name: obj.metadata.name!,
              namespace: obj.metadata.namespace!,
              body: obj as never,
            }),
          );
        }
        return asObject(
          await custom.replaceNamespacedCustomObjectStatus({
            group: resource.group,
            version: resource.version,
            namespace: obj.metadata.namespace!,
            plural: resource.plural,
            name: obj.metadata.name!,
            body: obj,
          }),
        );
      }),
    patch: (ref, type, body, opts = {}) =>
      viaClient(async () => {
        if (type === 'json') {
          const [group, version] = groupVersion(ref.apiVersion);
          return asObject(
            await custom.patchNamespacedCustomObject(
              {
                group,
                version,
                namespace: ref.namespace!,
                plural: `${ref.kind.toLowerCase()}s`,
                name: ref.name,
                body,
              },
              setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
            ),
          );
        }
        const spec = {
          apiVersion: ref.apiVersion,
          kind: ref.kind,
          ...(body as object),
          metadata: {
            ...((body as { metadata?: object }).metadata ?? {}),
            name: ref.name,
            ...(ref.namespace ? { namespace: ref.namespace } : {}),
          },
        };
        return asObject(
          await objects.patch(
            spec,
            undefined,
            undefined,
            opts.fieldManager,
            opts.force,
            CONTENT_TYPES[type],
          ),
        );
      }),
    patchStatus: (resource, ref, body) =>
      viaClient(async () =>
        asObject(
          await custom.patchNamespacedCustomObjectStatus(
            {
              group: resource.group,
              version: resource.version,
              namespace: ref.namespace!,
              plural: resource.plural,
              name: ref.name,
              body,
            },
            setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
          ),
        ),
      ),
    delete: (ref, opts = {}) =>
      viaClient(async () => {
        await objects.delete(
          {
            apiVersion: ref.apiVersion,
            kind: ref.kind,
            metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
          },
          undefined,
          undefined,
          undefined,
          undefined,
          opts.propagationPolicy,
          opts.preconditions ? { preconditions: opts.preconditions } : undefined,
        );
      }),
    deleteReply: (ref, opts = {}) =>
      viaClient(async () => {
        const params = {
          name: ref.name,
          ...(opts.propagationPolicy ? { propagationPolicy: opts.propagationPolicy } : {}),
          ...(opts.preconditions ? { body: { preconditions: opts.preconditions } } : {}),
        };
        const namespace = ref.namespace ?? 'default';
        const [group, version] = groupVersion(ref.apiVersion);
        // The typed clients' *WithHttpInfo give the status code; their V1Status model keeps
        // kind, apiVersion, status and details of whatever body came back.
        const info = await (async (): Promise<{ httpStatusCode: number; data: unknown }> => {
          switch (`${ref.apiVersion}/${ref.kind}`) {
            case 'v1/Namespace':
              return core.deleteNamespaceWithHttpInfo(params);
            case 'v1/ConfigMap':
              return core.deleteNamespacedConfigMapWithHttpInfo({ ...params, namespace });
            case 'v1/Service':
              return core.deleteNamespacedServiceWithHttpInfo({ ...params, namespace });
            default:
              return custom.deleteNamespacedCustomObjectWithHttpInfo({
                ...params,
                group,
                version,
                namespace,
                plural: `${ref.kind.toLowerCase()}s`,
              });
          }
        })();
        return {
          code: info.httpStatusCode,
          body: JSON.parse(JSON.stringify(info.data)) as Record<string, unknown>,
        };
      }),
    watch: async (resource, namespace, params, onEvent, onDone) => {
      const prefix = resource.group
        ? `/apis/${resource.group}/${resource.version}`
        : `/api/${resource.version}`;
      const path = `${prefix}${namespace ? `/namespaces/${namespace}` : ''}/${resource.plural}`;
      const controller = await new Watch(kc).watch(
        path,
        { ...params },
        (type, obj) => onEvent(type, obj as KubeObject & Partial<Status>),
        (err) => onDone?.(err),
      );
      return () => controller.abort();
    },
  };
}

/** A started control plane with a KubeConfig for it. */
export async function startPlane(
  options: LocalControlPlaneOptions = {},
): Promise<{ plane: LocalControlPlane; kc: KubeConfig }> {
  const plane = new LocalControlPlane(options);
  await plane.start();
  const kc = new KubeConfig();
  kc.loadFromString(plane.kubeconfig());
  return { plane, kc };
}

/** Resolves with the probe's first defined, non-false value; rejects after `ms`. */
export function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  ms = 5000,
): Promise<T> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = async () => {
      try {
        const value = await probe();
        if (value !== undefined && value !== false) return resolve(value);
      } catch {
        // not yet
      }
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(() => void attempt(), 10);
    };
    void attempt();
  });
}
