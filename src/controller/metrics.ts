// The Prometheus metrics of the controller runtime, named as
// controller-runtime names them so existing dashboards work.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { QueueMetrics } from './workqueue.ts';

export interface RuntimeMetrics {
  registry: Registry;
  reconcileTotal: Counter<'controller' | 'result'>;
  reconcileErrors: Counter<'controller'>;
  reconcileTime: Histogram<'controller'>;
  activeWorkers: Gauge<'controller'>;
  maxConcurrentReconciles: Gauge<'controller'>;
  leaderStatus: Gauge<'name'>;
  /** client-go's request counter, as controller-runtime registers it: by status code, method and host. */
  restClientRequests: Counter<'code' | 'method' | 'host'>;
  queue(name: string): QueueMetrics;
  /**
   * Adds metric families that render themselves as exposition text (HELP,
   * TYPE and sample lines, families separated by a blank line, as prom-client
   * writes them): for series that number in the thousands, kept as lines
   * rather than as a registry's label objects.
   */
  addTextCollector(render: () => string): void;
  /** The /metrics body: the registry's families, then the text collectors'. */
  scrape(): Promise<string>;
}

const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1,
  1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];
const QUEUE_BUCKETS = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 100, 1000];

/** A fresh registry with the runtime's metrics and Node's default process metrics. */
export function createRuntimeMetrics(): RuntimeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const reconcileTotal = new Counter({
    name: 'controller_runtime_reconcile_total',
    help: 'Total number of reconciliations per controller',
    labelNames: ['controller', 'result'] as const,
    registers: [registry],
  });
  const reconcileErrors = new Counter({
    name: 'controller_runtime_reconcile_errors_total',
    help: 'Total number of reconciliation errors per controller',
    labelNames: ['controller'] as const,
    registers: [registry],
  });
  const reconcileTime = new Histogram({
    name: 'controller_runtime_reconcile_time_seconds',
    help: 'Length of time per reconciliation per controller',
    labelNames: ['controller'] as const,
    buckets: RECONCILE_BUCKETS,
    registers: [registry],
  });
  const activeWorkers = new Gauge({
    name: 'controller_runtime_active_workers',
    help: 'Number of currently used workers per controller',
    labelNames: ['controller'] as const,
    registers: [registry],
  });
  const maxConcurrentReconciles = new Gauge({
    name: 'controller_runtime_max_concurrent_reconciles',
    help: 'Maximum number of concurrent reconciles per controller',
    labelNames: ['controller'] as const,
    registers: [registry],
  });
  const leaderStatus = new Gauge({
    name: 'leader_election_master_status',
    help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master',
    labelNames: ['name'] as const,
    registers: [registry],
  });
  const restClientRequests = new Counter({
    name: 'rest_client_requests_total',
    help: 'Number of HTTP requests, partitioned by status code, method, and host.',
    labelNames: ['code', 'method', 'host'] as const,
    registers: [registry],
  });
  const depth = new Gauge({
    name: 'workqueue_depth',
    help: 'Current depth of workqueue',
    labelNames: ['name', 'controller'] as const,
    registers: [registry],
  });
  const adds = new Counter({
    name: 'workqueue_adds_total',
    help: 'Total number of adds handled by workqueue',
    labelNames: ['name', 'controller'] as const,
    registers: [registry],
  });
  const retries = new Counter({
    name: 'workqueue_retries_total',
    help: 'Total number of retries handled by workqueue',
    labelNames: ['name', 'controller'] as const,
    registers: [registry],
  });
  const queueDuration = new Histogram({
    name: 'workqueue_queue_duration_seconds',
    help: 'How long in seconds an item stays in workqueue before being requested',
    labelNames: ['name', 'controller'] as const,
    buckets: QUEUE_BUCKETS,
    registers: [registry],
  });
  const workDuration = new Histogram({
    name: 'workqueue_work_duration_seconds',
    help: 'How long in seconds processing an item from workqueue takes',
    labelNames: ['name', 'controller'] as const,
    buckets: QUEUE_BUCKETS,
    registers: [registry],
  });
  const textCollectors: (() => string)[] = [];
  return {
    registry,
    addTextCollector: (render) => void textCollectors.push(render),
    async scrape() {
      const text = await registry.metrics();
      if (textCollectors.length === 0) return text;
      // prom-client ends its text with a newline and puts a blank line between families.
      return `${text}\n${textCollectors.map((render) => render()).join('\n\n')}\n`;
    },
    reconcileTotal,
    reconcileErrors,
    reconcileTime,
    activeWorkers,
    maxConcurrentReconciles,
    leaderStatus,
    restClientRequests,
    queue(name) {
      const labels = { name, controller: name };
      depth.set(labels, 0);
      return {
        add: () => adds.inc(labels),
        depth: (n) => depth.set(labels, n),
        retry: () => retries.inc(labels),
        queueDuration: (s) => queueDuration.observe(labels, s),
        workDuration: (s) => workDuration.observe(labels, s),
      };
    },
  };
}
