// The KubePort over a real API server. Each call is one REST request built
// here (so Content-Types, query parameters and timeouts are exactly what
// kube-apiserver expects) and sent over http.ts with the RestConfig's TLS and
// credentials.
import { TransportError } from '@mcp-operator/kube-core/errors';
import { KubeHttp } from './http.ts';
import { isObject } from '@mcp-operator/kube-core/json';
import type { RestConfig } from './kubeconfig.ts';
import { listQuery, resourcePath, watchQuery, withQuery, writeQuery } from './paths.ts';
import type {
  DeleteOptions,
  KubeObject,
  KubePort,
  ListOptions,
  ListResult,
  PatchType,
  ResourceRef,
  WatchEvent,
  WatchHandle,
  WatchOptions,
  WriteOptions,
} from '@mcp-operator/kube-core/port';
import {
  collectionNamespace,
  objectNamespace,
  requireName,
  withTypeMeta,
} from '@mcp-operator/kube-core/targets';
import { decodeWatchEvent, readLines, WatchSession } from '@mcp-operator/kube-core/watch-events';

export { KubeConfigError, loadKubeConfig, restConfigFromYaml } from './kubeconfig.ts';
export type { LoadKubeConfigOptions, RestConfig } from './kubeconfig.ts';

export interface KubeClientOptions {
  /** Bound on each request (not on a watch's stream). Default 30 s. */
  requestTimeoutMs?: number;
  /** Sent as User-Agent; its product part names the client in the API server's records. */
  userAgent?: string;
  /** Called once per request answered (its status code) or failed without an answer ('<error>'). */
  onResponse?: (method: string, code: string) => void;
}

/** The Content-Type kube-apiserver takes for each patch type. */
export const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  // A JSON body is valid YAML.
  apply: 'application/apply-patch+yaml',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

export function createKubeClient(config: RestConfig, options: KubeClientOptions = {}): KubePort {
  const http = new KubeHttp(config, {
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    userAgent: options.userAgent ?? 'mcp-operator',
    ...(options.onResponse ? { onResponse: options.onResponse } : {}),
  });

  const object = <T extends KubeObject>(resource: ResourceRef, value: unknown): T => {
    if (!isObject(value) || !isObject(value.metadata)) {
      throw new TransportError('the server answered with something that is not an object');
    }
    return withTypeMeta(resource, value as T);
  };

  return {
    async get<T extends KubeObject>(
      resource: ResourceRef,
      namespace: string | undefined,
      name: string,
    ) {
      const path = resourcePath(
        resource,
        objectNamespace(resource, namespace),
        requireName(resource, name),
      );
      return object<T>(resource, await http.json({ method: 'GET', path }));
    },

    async list<T extends KubeObject>(resource: ResourceRef, opts: ListOptions = {}) {
      const path = resourcePath(resource, collectionNamespace(resource, opts.namespace));
      const body = await http.json({ method: 'GET', path: withQuery(path, listQuery(opts)) });
      if (!isObject(body) || !Array.isArray(body.items)) {
        throw new TransportError(`GET ${path}: the answer is not a list`);
      }
      const metadata = isObject(body.metadata) ? body.metadata : {};
      const result: ListResult<T> = {
        items: body.items.map((item) => object<T>(resource, item)),
        resourceVersion:
          typeof metadata.resourceVersion === 'string' ? metadata.resourceVersion : '',
      };
      if (typeof metadata.continue === 'string' && metadata.continue) {
        result.continue = metadata.continue;
      }
      return result;
    },

    async watch<T extends KubeObject>(
      resource: ResourceRef,
      opts: WatchOptions,
      onEvent: (event: WatchEvent<T>) => void,
    ): Promise<WatchHandle> {
      const path = resourcePath(resource, collectionNamespace(resource, opts.namespace));
      const controller = new AbortController();
      const session = new WatchSession<T>(onEvent, () => controller.abort());
      let stream: AsyncIterable<Uint8Array>;
      try {
        stream = await http.stream(
          { method: 'GET', path: withQuery(path, watchQuery(opts)) },
          controller.signal,
        );
      } catch (err) {
        // A watch that could not start reports it through `done`, like one that broke later.
        session.end(err instanceof Error ? err : new Error(String(err)));
        return session.handle();
      }
      readLines(stream, (line) => {
        let event: WatchEvent<T> | undefined;
        try {
          event = decodeWatchEvent<T>(resource, JSON.parse(line));
        } catch (err) {
          session.end(
            err instanceof TransportError
              ? err
              : new TransportError(`GET ${path}: a watch event is not JSON`, err),
          );
          return false;
        }
        if (event) session.emit(event);
        return !session.ended;
      }).then(
        () => session.end(),
        (err: unknown) =>
          // After stop() the abort surfaces here as an error; the session has already ended.
          session.end(
            new TransportError(`GET ${path}: the watch connection broke: ${String(err)}`, err),
          ),
      );
      return session.handle();
    },

    async create<T extends KubeObject>(resource: ResourceRef, obj: T, opts: WriteOptions) {
      const namespace = objectNamespace(resource, obj.metadata?.namespace);
      const path = withQuery(resourcePath(resource, namespace), writeQuery(opts));
      const body = withTypeMeta(resource, obj);
      return object<T>(resource, await http.json({ method: 'POST', path, body }));
    },

    async update<T extends KubeObject>(resource: ResourceRef, obj: T, opts: WriteOptions) {
      const namespace = objectNamespace(resource, obj.metadata?.namespace);
      const name = requireName(resource, obj.metadata?.name);
      const path = withQuery(
        resourcePath(resource, namespace, name, opts.subresource),
        writeQuery(opts),
      );
      const body = withTypeMeta(resource, obj);
      return object<T>(resource, await http.json({ method: 'PUT', path, body }));
    },

    async patch<T extends KubeObject>(
      resource: ResourceRef,
      namespace: string | undefined,
      name: string,
      type: PatchType,
      patchBody: unknown,
      opts: WriteOptions,
    ) {
      const base = resourcePath(
        resource,
        objectNamespace(resource, namespace),
        requireName(resource, name),
        opts.subresource,
      );
      const query = writeQuery({
        fieldManager: opts.fieldManager,
        ...(opts.dryRun ? { dryRun: true } : {}),
        ...(type === 'apply' && opts.force ? { force: true } : {}),
      });
      // Server-side apply needs apiVersion and kind in the body; the port knows them.
      const body =
        type === 'apply' && isObject(patchBody)
          ? withTypeMeta(resource, patchBody as KubeObject)
          : patchBody;
      return object<T>(
        resource,
        await http.json({
          method: 'PATCH',
          path: withQuery(base, query),
          body,
          contentType: PATCH_CONTENT_TYPES[type],
        }),
      );
    },

    async delete(
      resource: ResourceRef,
      namespace: string | undefined,
      name: string,
      opts: DeleteOptions = {},
    ) {
      const path = resourcePath(
        resource,
        objectNamespace(resource, namespace),
        requireName(resource, name),
      );
      const body = {
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        ...(opts.propagationPolicy ? { propagationPolicy: opts.propagationPolicy } : {}),
        ...(opts.preconditions ? { preconditions: opts.preconditions } : {}),
      };
      await http.json({ method: 'DELETE', path, body });
    },
  };
}
