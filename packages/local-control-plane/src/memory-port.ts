// The KubePort straight over the local control plane's store, for fast unit
// tests: no HTTP, the same answers. Bodies go through JSON as on the wire,
// the store's ApiErrors become the port's typed errors, and watch events are
// delivered asynchronously and in order, as a stream would deliver them.
import { errorFromStatus, NotFoundError } from '@mcp-operator/kube-core/errors';
import { isObject } from '@mcp-operator/kube-core/json';
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
import { decodeWatchEvent, WatchSession } from '@mcp-operator/kube-core/watch-events';
import { ApiError } from './errors.ts';
import type { Store, WriteOptions as StoreWriteOptions } from './store.ts';
import type { ResourceType } from './types.ts';

export interface MemoryPortOptions {
  /**
   * Who the calls come from when a write names no field manager: the HTTP
   * server records the User-Agent's product then. Default "mcp-operator".
   */
  user?: string;
}

/** As the body would arrive after JSON encoding (undefined dropped, Dates as strings). */
const wire = <T>(value: T): T =>
  value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);

function typed(err: unknown): unknown {
  return err instanceof ApiError ? errorFromStatus(err.toStatus()) : err;
}

/** Runs a store call, turning its ApiErrors into the port's typed errors. */
// eslint-disable-next-line @typescript-eslint/require-await -- async so a throw becomes a rejection
async function call<R>(fn: () => R): Promise<R> {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ApiError) throw errorFromStatus(err.toStatus());
    throw err;
  }
}

export function memoryPort(store: Store, options: MemoryPortOptions = {}): KubePort {
  const client = options.user ?? 'mcp-operator';

  const typeOf = (resource: ResourceRef): ResourceType => {
    const type = store.typeFor(resource.group, resource.plural, resource.version);
    if (!type) {
      throw new NotFoundError({
        code: 404,
        reason: 'NotFound',
        message: 'the server could not find the requested resource',
      });
    }
    return type;
  };

  const writeOptions = (opts: WriteOptions, apply = false): StoreWriteOptions => ({
    // An apply must name its manager (the store answers 422 otherwise, as kube does).
    fieldManager: apply ? opts.fieldManager : opts.fieldManager || client,
    ...(opts.dryRun ? { dryRun: true } : {}),
    ...(opts.subresource ? { subresource: opts.subresource } : {}),
    ...(apply && opts.force ? { force: true } : {}),
  });

  return {
    get<T extends KubeObject>(resource: ResourceRef, namespace: string | undefined, name: string) {
      return call(
        () =>
          store.get(
            typeOf(resource),
            objectNamespace(resource, namespace),
            requireName(resource, name),
          ) as T,
      );
    },

    list<T extends KubeObject>(resource: ResourceRef, opts: ListOptions = {}) {
      return call(() => {
        const result = store.list(typeOf(resource), collectionNamespace(resource, opts.namespace), {
          ...(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}),
          ...(opts.fieldSelector ? { fieldSelector: opts.fieldSelector } : {}),
          ...(opts.limit ? { limit: opts.limit } : {}),
          ...(opts.continue ? { continue: opts.continue } : {}),
        });
        const list: ListResult<T> = {
          items: result.items as T[],
          resourceVersion: result.resourceVersion,
        };
        if (result.continue) list.continue = result.continue;
        return list;
      });
    },

    watch<T extends KubeObject>(
      resource: ResourceRef,
      opts: WatchOptions,
      onEvent: (event: WatchEvent<T>) => void,
    ): Promise<WatchHandle> {
      let cancel = () => {};
      let timer: NodeJS.Timeout | undefined;
      const session = new WatchSession<T>(onEvent, () => {
        cancel();
        clearTimeout(timer);
      });
      // The store calls back inside its writes; a queue drained on a microtask
      // keeps handlers out of the store's call stack and events in order.
      const queue: WatchEvent<T>[] = [];
      const drain = () => {
        while (queue.length > 0 && !session.ended) {
          const event = queue.shift()!;
          session.emit(event);
          // The API server ends the stream after an ERROR event.
          if (event.type === 'ERROR') session.end();
        }
      };
      try {
        const type = typeOf(resource);
        cancel = store.watch(
          type,
          collectionNamespace(resource, opts.namespace),
          {
            ...(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}),
            ...(opts.fieldSelector ? { fieldSelector: opts.fieldSelector } : {}),
            ...(opts.resourceVersion ? { resourceVersion: opts.resourceVersion } : {}),
          },
          (raw) => {
            const event = decodeWatchEvent<T>(resource, raw);
            if (!event || session.ended) return;
            if (queue.push(event) === 1) queueMicrotask(drain);
          },
        );
      } catch (err) {
        // As over HTTP: a watch that cannot start reports it through `done`.
        session.end(typed(err) as Error);
        return Promise.resolve(session.handle());
      }
      if (opts.timeoutSeconds !== undefined && opts.timeoutSeconds > 0) {
        timer = setTimeout(() => session.end(), opts.timeoutSeconds * 1000);
        timer.unref();
      }
      return Promise.resolve(session.handle());
    },

    create<T extends KubeObject>(resource: ResourceRef, object: T, opts: WriteOptions) {
      return call(() => {
        const namespace = objectNamespace(resource, object.metadata?.namespace);
        const body = wire(withTypeMeta(resource, object));
        return store.create(typeOf(resource), namespace, body, writeOptions(opts)).object as T;
      });
    },

    update<T extends KubeObject>(resource: ResourceRef, object: T, opts: WriteOptions) {
      return call(() => {
        const namespace = objectNamespace(resource, object.metadata?.namespace);
        const name = requireName(resource, object.metadata?.name);
        const body = wire(withTypeMeta(resource, object));
        return store.update(typeOf(resource), namespace, name, body, writeOptions(opts))
          .object as T;
      });
    },

    patch<T extends KubeObject>(
      resource: ResourceRef,
      namespace: string | undefined,
      name: string,
      type: PatchType,
      body: unknown,
      opts: WriteOptions,
    ) {
      return call(() => {
        const ns = objectNamespace(resource, namespace);
        const target = requireName(resource, name);
        const patch =
          type === 'apply' && isObject(body) ? withTypeMeta(resource, body as KubeObject) : body;
        return store.patch(
          typeOf(resource),
          ns,
          target,
          type,
          wire(patch),
          writeOptions(opts, type === 'apply'),
        ).object as T;
      });
    },

    delete(
      resource: ResourceRef,
      namespace: string | undefined,
      name: string,
      opts: DeleteOptions = {},
    ) {
      return call(() => {
        store.delete(
          typeOf(resource),
          objectNamespace(resource, namespace),
          requireName(resource, name),
          {
            ...(opts.propagationPolicy ? { propagationPolicy: opts.propagationPolicy } : {}),
            ...(opts.preconditions ? { preconditions: wire(opts.preconditions) } : {}),
          },
        );
      });
    },
  };
}
