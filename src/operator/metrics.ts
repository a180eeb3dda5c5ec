// Per-server gauges: mcpserver_phase{namespace,name,phase} (1 for the current
// phase, 0 for the others) and mcpserver_ready{namespace,name}.
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import { PHASES } from '../api/v1alpha1/schema.ts';
import { splitKey } from '../controller/cache.ts';

export interface ServerMetrics {
  observe(key: string, phase: string, ready: boolean): void;
  forget(key: string): void;
}

export function createServerMetrics(registry: Registry): ServerMetrics {
  const phase = new Gauge({
    name: 'mcpserver_phase',
    help: 'Phase of each MCPServer: 1 for the current phase, 0 for the others.',
    labelNames: ['namespace', 'name', 'phase'],
    registers: [registry],
  });
  const ready = new Gauge({
    name: 'mcpserver_ready',
    help: 'Whether each MCPServer is ready (1) or not (0).',
    labelNames: ['namespace', 'name'],
    registers: [registry],
  });
  const labels = (key: string) => {
    const { namespace = '', name } = splitKey(key);
    return { namespace, name };
  };
  return {
    observe(key, current, isReady) {
      const l = labels(key);
      for (const p of PHASES) phase.set({ ...l, phase: p }, p === current ? 1 : 0);
      ready.set(l, isReady ? 1 : 0);
    },
    forget(key) {
      const l = labels(key);
      for (const p of PHASES) phase.remove({ ...l, phase: p });
      ready.remove(l);
    },
  };
}
