// The MCPServer controller as the manager runs it: the reconciler plus what
// wakes it — MCPServers, the Deployments, Services and Ingresses they own
// (cached only when labelled managed-by mcp-runtime), IngressClasses (a new
// class re-queues the servers waiting for it) and MCPServers again for shared
// routes (a server that takes or frees a route re-queues the others on it).
import { MANAGED_BY_SELECTOR } from '../api/v1alpha1/defaults.ts';
import type { Clock } from '../controller/clock.ts';
import type { Logger } from '../controller/logging.ts';
import { objectKey } from '../controller/cache.ts';
import type { ControllerSpec, Manager } from '../controller/manager.ts';
import { isObject } from '@mcp-operator/kube-core/json';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type { KubePort } from '@mcp-operator/kube-core/port';
import type { ObjectReader } from './children.ts';
import { ROUTE_PATH_INDEX, routePathIndex } from './route-index.ts';
import type { OperatorConfig } from './config.ts';
import { ApiEventRecorder } from './events.ts';
import { createServerMetrics } from './metrics.ts';
import { MCPServerReconciler } from './reconciler.ts';

export interface MCPServerControllerOptions {
  manager: Manager;
  port: KubePort;
  config: OperatorConfig;
  clock: Clock;
  log: Logger;
  /** Who reports the Events (pod name + suffix). */
  instance: string;
  maxConcurrentReconciles?: number;
}

/** The manager's shared caches as the reconciler reads them. */
function managerReader(manager: Manager): ObjectReader {
  return {
    get: (resource, key) => manager.cached(resource, key),
    list: (resource) => manager.cachedList(resource),
    byIndex: (resource, index, value) => manager.cachedByIndex(resource, index, value),
  };
}

export function mcpServerController(options: MCPServerControllerOptions): ControllerSpec {
  const cache = managerReader(options.manager);
  // Route ownership compares only servers on the same path: index them by it.
  options.manager.addIndex(RESOURCES.mcpServers, ROUTE_PATH_INDEX, routePathIndex);
  const reconciler = new MCPServerReconciler({
    port: options.port,
    cache,
    config: options.config,
    clock: options.clock,
    events: new ApiEventRecorder({
      port: options.port,
      clock: options.clock,
      log: options.log,
      instance: options.instance,
    }),
    metrics: createServerMetrics(options.manager.metrics),
  });
  const owned = [RESOURCES.deployments, RESOURCES.services, RESOURCES.ingresses];
  return {
    name: 'mcpserver',
    for: RESOURCES.mcpServers,
    owns: owned.map((resource) => ({ resource, labelSelector: MANAGED_BY_SELECTOR })),
    watches: [
      {
        resource: RESOURCES.ingressClasses,
        map: (ingressClass) =>
          cache
            .list(RESOURCES.mcpServers)
            .filter((s) => isObject(s.spec) && s.spec.ingressClass === ingressClass.metadata.name)
            .map((s) => `${s.metadata.namespace}/${s.metadata.name}`),
      },
      { resource: RESOURCES.mcpServers, map: (server) => reconciler.routes.sharing(server) },
    ],
    reconciler,
    // The update event of the operator's own status write needs no pass.
    ignoreUpdate: (old, updated) =>
      reconciler.statusEchoes.isEcho(objectKey(updated), old, updated),
    ...(options.maxConcurrentReconciles
      ? { maxConcurrentReconciles: options.maxConcurrentReconciles }
      : {}),
  };
}
