// Per-server gauges: mcpserver_phase{namespace,name,phase} (1 for the current
// phase, 0 for the others) and mcpserver_ready{namespace,name}. Kept as their
// exposition lines, one string per server and family: a scrape joins strings
// it already has. As prom-client gauges they were five label objects per
// server, and at 5 000 servers each scrape built 25 000 series anew (about
// 40 ms and 10 MiB of garbage).
import { PHASES } from '../api/v1alpha1/schema.ts';
import { splitKey } from '../controller/cache.ts';
import type { RuntimeMetrics } from '../controller/metrics.ts';

export interface ServerMetrics {
  observe(key: string, phase: string, ready: boolean): void;
  forget(key: string): void;
}

const PHASE = {
  name: 'mcpserver_phase',
  help: 'Phase of each MCPServer: 1 for the current phase, 0 for the others.',
};
const READY = { name: 'mcpserver_ready', help: 'Whether each MCPServer is ready (1) or not (0).' };

/** A label value as the text format writes it (prom-client's escaping). */
function labelValue(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('"', '\\"');
}

/** A family as prom-client writes one: HELP, TYPE, then a line per sample. */
function family(meta: { name: string; help: string }, samples: Iterable<string>): string {
  let text = `# HELP ${meta.name} ${meta.help}\n# TYPE ${meta.name} gauge`;
  for (const sample of samples) text += `\n${sample}`;
  return text;
}

interface Lines {
  phase: string;
  ready: boolean;
  /** The server's mcpserver_phase samples (one per phase) and its mcpserver_ready sample. */
  phaseLines: string;
  readyLine: string;
}

export function createServerMetrics(
  metrics: Pick<RuntimeMetrics, 'addTextCollector'>,
): ServerMetrics {
  const servers = new Map<string, Lines>();
  const samples = function* (field: 'phaseLines' | 'readyLine') {
    for (const lines of servers.values()) yield lines[field];
  };
  metrics.addTextCollector(
    () => `${family(PHASE, samples('phaseLines'))}\n\n${family(READY, samples('readyLine'))}`,
  );
  return {
    observe(key, phase, ready) {
      const known = servers.get(key);
      if (known && known.phase === phase && known.ready === ready) return;
      const { namespace = '', name } = splitKey(key);
      const labels = `namespace="${labelValue(namespace)}",name="${labelValue(name)}"`;
      servers.set(key, {
        phase,
        ready,
        phaseLines: PHASES.map(
          (p) => `${PHASE.name}{${labels},phase="${p}"} ${p === phase ? 1 : 0}`,
        ).join('\n'),
        readyLine: `${READY.name}{${labels}} ${ready ? 1 : 0}`,
      });
    },
    forget(key) {
      servers.delete(key);
    },
  };
}
