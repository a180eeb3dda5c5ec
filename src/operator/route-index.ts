// The route every cached MCPServer claims, for cluster-wide route ownership.
// Only servers on the same path can compete for a route, and the informer
// cache keeps an index of servers by path (registered by the controller), so
// a lookup reads the servers on one path — not every server in the cluster,
// which made each reconcile and each MCPServer event O(N). Claims are
// memoized per object version.
import { effectiveHost, effectivePath } from '../api/v1alpha1/effective.ts';
import type { MCPServerSpecInput } from '../api/v1alpha1/schema.ts';
import { objectKey } from '../controller/cache.ts';
import { isObject } from '@mcp-operator/kube-core/json';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type { KubeObject } from '@mcp-operator/kube-core/port';
import type { ObjectReader } from './children.ts';
import type { OperatorConfig } from './config.ts';
import { overlappingClaims, routeHolder } from './routes.ts';
import type { RouteClaim } from './routes.ts';

export class RouteIndex {
  readonly #config: Pick<OperatorConfig, 'defaultIngressHost'>;
  readonly #cache: ObjectReader;
  readonly #memo = new Map<string, { version: string; claim: RouteClaim | undefined }>();

  constructor(config: Pick<OperatorConfig, 'defaultIngressHost'>, cache: ObjectReader) {
    this.#config = config;
    this.#cache = cache;
  }

  /** The route a server claims; undefined while it is being deleted or has no readable spec. */
  claimOf(server: KubeObject & { spec?: unknown }): RouteClaim | undefined {
    const key = objectKey(server);
    const version = `${server.metadata.uid}/${server.metadata.resourceVersion}`;
    const memo = this.#memo.get(key);
    if (memo?.version === version) return memo.claim;
    const claim = claimFor(server, this.#config);
    this.#memo.set(key, { version, claim });
    return claim;
  }

  /** The claims of the cached servers on `path`. */
  #claimsOn(path: string): RouteClaim[] {
    return this.#cache.byIndex(RESOURCES.mcpServers, ROUTE_PATH_INDEX, path).flatMap((s) => {
      const claim = this.claimOf(s);
      return claim ? [claim] : [];
    });
  }

  /** The server holding the route `server` wants, when it is another one. */
  holder(server: KubeObject & { spec?: unknown }): RouteClaim | undefined {
    const claim = this.claimOf(server);
    return claim ? routeHolder(claim, this.#claimsOn(claim.path)) : undefined;
  }

  /** Keys of the servers whose route overlaps this one's (to re-queue them when it changes). */
  sharing(server: KubeObject & { spec?: unknown }): string[] {
    const claim = claimFor(server, this.#config);
    if (!claim) return [];
    return overlappingClaims(claim, this.#claimsOn(claim.path)).map(
      (c) => `${c.namespace}/${c.name}`,
    );
  }

  forget(key: string): void {
    this.#memo.delete(key);
  }
}

/** The name of the cache index of MCPServers by the path they route. */
export const ROUTE_PATH_INDEX = 'route-path';

/** The index function: the path a server routes (none while deleted or unreadable). */
export function routePathIndex(server: KubeObject & { spec?: unknown }): string[] {
  if (!isObject(server.spec) || !server.metadata.name) return [];
  return [effectivePath(server.metadata.name, server.spec)];
}

function claimFor(
  server: KubeObject & { spec?: unknown },
  config: Pick<OperatorConfig, 'defaultIngressHost'>,
): RouteClaim | undefined {
  if (server.metadata.deletionTimestamp || !isObject(server.spec) || !server.metadata.name) {
    return undefined;
  }
  try {
    const spec = server.spec as MCPServerSpecInput;
    return {
      namespace: server.metadata.namespace ?? 'default',
      name: server.metadata.name,
      creationTimestamp: server.metadata.creationTimestamp ?? '',
      host: effectiveHost(spec, config),
      path: effectivePath(server.metadata.name, spec),
    };
  } catch {
    return undefined; // a spec too broken to route (wrong types): it claims nothing
  }
}
