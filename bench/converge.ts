// `npm run bench -- --servers N [--concurrency C] [--json FILE]`: how fast the
// operator converges N MCPServers, measured side by side with the floor (a
// plain client making only the writes convergence needs) against the same
// control plane, which runs in a process of its own with simulated kubelet and
// ingress controller. Prints a progress line while it runs, then a table; with
// --json, writes the figures. docs/performance.md has the method and results.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type { KubeObject, KubePort } from '@mcp-operator/kube-core/port';
import { FIELD_MANAGER } from '../src/api/v1alpha1/defaults.ts';
import type { MCPServer } from '../src/api/v1alpha1/schema.ts';
import { parseOperatorEnv } from '../src/cmd/env.ts';
import { realClock } from '../src/controller/clock.ts';
import { Informer } from '../src/controller/informer.ts';
import { createLogger } from '../src/controller/logging.ts';
import { Manager } from '../src/controller/manager.ts';
import { createKubeClient } from '../src/kube/client.ts';
import { mcpServerController } from '../src/operator/controller.ts';
import { desiredState } from '../src/operator/desired.ts';
import { CountingPort } from '../test/operator/cluster.ts';
import { histogramQuantile } from './quantile.ts';

const { values } = parseArgs({
  options: {
    servers: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '32' },
    json: { type: 'string' },
  },
});
const N = Number(values.servers);
const CONCURRENCY = Number(values.concurrency);
if (!Number.isInteger(N) || N < 1 || !Number.isInteger(CONCURRENCY) || CONCURRENCY < 1) {
  console.error('--servers and --concurrency take positive whole numbers');
  process.exit(2);
}

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete']);
const INGRESS_CLASS = 'bench';
const config = (() => {
  const parsed = parseOperatorEnv({});
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.env;
})();
const silent = () =>
  createLogger({ level: 'error', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

// ---- the control plane, in its own process ----------------------------------

async function startPlane(): Promise<{ kubeconfig: string; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', new URL('./plane.ts', import.meta.url).pathname],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the control plane exited (${code})`)));
  });
  const { kubeconfig } = JSON.parse(first) as { kubeconfig: string };
  return {
    kubeconfig,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

// ---- helpers -----------------------------------------------------------------

/** Runs `task(i)` for i < n with at most `limit` at once. */
async function pool(n: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
}

const manifest = (namespace: string, name: string): KubeObject => ({
  apiVersion: 'mcpruntime.org/v1alpha1',
  kind: 'MCPServer',
  metadata: { name, namespace },
  spec: { image: 'ghcr.io/acme/tools:1.0.0', ingressClass: INGRESS_CLASS },
});

const name = (i: number) => `s${String(i).padStart(5, '0')}`;

let progress = '';
const progressTimer = setInterval(() => {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${progress}`);
}, 200);
const say = (line: string) => {
  progress = line;
  if (!process.stderr.isTTY) process.stderr.write(`${line}\n`);
};

// ---- the floor: the minimal writes, by a plain client ---------------------------

async function floor(port: KubePort, namespace: string): Promise<number> {
  let done = 0;
  const start = performance.now();
  await pool(N, CONCURRENCY, async (i) => {
    const server = await port.create(RESOURCES.mcpServers, manifest(namespace, name(i)), {
      fieldManager: 'bench',
    });
    const built = desiredState(server as unknown as MCPServer, config);
    if (!built.ok) throw new Error(built.message);
    const { deployment, service, ingress } = built.desired;
    for (const [resource, object] of [
      [RESOURCES.deployments, deployment],
      [RESOURCES.services, service],
      [RESOURCES.ingresses, ingress],
    ] as const) {
      await port.create(resource, object, { fieldManager: 'bench' });
    }
    await port.update(
      RESOURCES.mcpServers,
      { ...server, status: { phase: 'Ready', observedGeneration: server.metadata.generation } },
      { fieldManager: 'bench', subresource: 'status' },
    );
    if (++done % 50 === 0) say(`floor: ${done}/${N} servers written`);
  });
  return (performance.now() - start) / 1000;
}

// ---- the operator ------------------------------------------------------------------

interface OperatorRun {
  counting: CountingPort;
  manager: Manager;
  stop: () => Promise<void>;
}

function startOperator(kubeconfig: string, namespace: string): OperatorRun {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  const counting = new CountingPort(createKubeClient(kc, { userAgent: FIELD_MANAGER }));
  const log = silent();
  const manager = new Manager({
    port: counting,
    logger: log,
    namespaces: [namespace],
    fieldManager: FIELD_MANAGER,
  });
  manager.addController(
    mcpServerController({
      manager,
      port: counting,
      config,
      clock: realClock,
      log,
      instance: 'bench',
    }),
  );
  const stopping = new AbortController();
  const done = manager.run(stopping.signal);
  return {
    counting,
    manager,
    stop: async () => {
      stopping.abort();
      await done;
    },
  };
}

/** Resolves once `count` servers in the namespace are Ready at their generation. */
function allReady(
  port: KubePort,
  namespace: string,
  count: number,
): { done: Promise<void>; ready: () => number; stop: () => Promise<void> } {
  const informer = new Informer(port, { resource: RESOURCES.mcpServers, namespace });
  const ready = new Set<string>();
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  const look = (
    server: KubeObject & { status?: { phase?: string; observedGeneration?: number } },
  ) => {
    if (
      server.status?.phase === 'Ready' &&
      server.status.observedGeneration === server.metadata.generation
    ) {
      ready.add(server.metadata.name!);
    } else ready.delete(server.metadata.name!);
    if (ready.size >= count) resolve();
  };
  informer.addHandler({ onAdd: look, onUpdate: (_o, n) => look(n) });
  informer.start();
  return { done, ready: () => ready.size, stop: () => informer.stop() };
}

const sumWrites = (counts: Map<string, number>, withEvents: boolean) =>
  [...counts].reduce(
    (n, [key, value]) =>
      WRITE_VERBS.has(key.split(' ')[0]!) && (withEvents || !key.endsWith(' events'))
        ? n + value
        : n,
    0,
  );

// ---- the run --------------------------------------------------------------------------

const plane = await startPlane();
try {
  const kc = new KubeConfig();
  kc.loadFromString(plane.kubeconfig);
  const client = createKubeClient(kc, { userAgent: 'bench' });
  for (const ns of ['bench-floor', 'bench-operator']) {
    await client.create(
      RESOURCES.namespaces,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
      { fieldManager: 'bench' },
    );
  }

  say(`floor: 0/${N} servers written`);
  const floorSeconds = await floor(client, 'bench-floor');

  // The operator: N servers created at the same concurrency, timed until all are Ready.
  const baselineRss = process.memoryUsage().rss;
  let peakRss = baselineRss;
  const rssTimer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const watcher = allReady(client, 'bench-operator', N);
  const operator = startOperator(plane.kubeconfig, 'bench-operator');
  let created = 0;
  const start = performance.now();
  const creating = pool(N, CONCURRENCY, async (i) => {
    await client.create(RESOURCES.mcpServers, manifest('bench-operator', name(i)), {
      fieldManager: 'bench',
    });
    created++;
  });
  const ticker = setInterval(
    () => say(`operator: ${created}/${N} created, ${watcher.ready()}/${N} Ready`),
    200,
  );
  await creating;
  await watcher.done;
  const convergeSeconds = (performance.now() - start) / 1000;
  clearInterval(ticker);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const byVerb = Object.fromEntries(
    [...operator.counting.counts].sort().map(([k, v]) => [k, Math.round((v / N) * 100) / 100]),
  );
  const writesPerServer = sumWrites(operator.counting.counts, true) / N;
  const writesPerServerNoEvents = sumWrites(operator.counting.counts, false) / N;
  const histogram = await operator.manager.metrics.reconcileTime.get();
  const reconcileP50Ms = histogramQuantile(0.5, histogram.values) * 1000;
  const reconcileP99Ms = histogramQuantile(0.99, histogram.values) * 1000;
  await operator.stop();
  await watcher.stop();
  clearInterval(rssTimer);

  // A full resync of the converged servers: a fresh operator lists and reconciles every one.
  say('resync: a fresh operator reconciles every converged server');
  const again = startOperator(plane.kubeconfig, 'bench-operator');
  const reconciled = async () =>
    (await again.manager.metrics.reconcileTotal.get()).values.reduce((n, v) => n + v.value, 0);
  while ((await reconciled()) < N) await new Promise((r) => setTimeout(r, 50));
  const resyncWrites = sumWrites(again.counting.counts, true);
  await again.stop();

  clearInterval(progressTimer);
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');

  const mib = (bytes: number) => bytes / 1024 / 1024;
  const figures = {
    servers: N,
    concurrency: CONCURRENCY,
    convergeSeconds: round(convergeSeconds, 3),
    floorSeconds: round(floorSeconds, 3),
    ratio: round(convergeSeconds / floorSeconds, 2),
    writesPerServer: round(writesPerServer, 2),
    writesPerServerWithoutEvents: round(writesPerServerNoEvents, 2),
    requestsPerServerByVerb: byVerb,
    resyncWrites,
    peakRssMiB: round(mib(peakRss), 1),
    rssPerServerKiB: round((peakRss - baselineRss) / 1024 / N, 1),
    reconcileP50Ms: round(reconcileP50Ms, 2),
    reconcileP99Ms: round(reconcileP99Ms, 2),
    node: process.version,
    machine: `${cpus()[0]?.model ?? 'unknown cpu'} ×${cpus().length}, ${Math.round(mib(totalmem()) / 1024)} GiB`,
  };
  printTable(figures);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
} finally {
  clearInterval(progressTimer);
  await plane.stop();
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function printTable(
  f: Record<string, unknown> & { requestsPerServerByVerb: Record<string, number> },
) {
  const rows: [string, string][] = [
    ['servers', `${f.servers} (concurrency ${f.concurrency})`],
    ['converge', `${f.convergeSeconds} s`],
    ['floor', `${f.floorSeconds} s`],
    ['ratio operator / floor', `${f.ratio}`],
    [
      'writes per server',
      `${f.writesPerServer} (${f.writesPerServerWithoutEvents} without Events)`,
    ],
    ['writes on a full resync', `${f.resyncWrites}`],
    ['reconcile p50 / p99', `${f.reconcileP50Ms} ms / ${f.reconcileP99Ms} ms`],
    ['peak RSS', `${f.peakRssMiB} MiB (${f.rssPerServerKiB} KiB per server)`],
    ['node', `${f.node}`],
    ['machine', `${f.machine}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}   ${v}`);
  console.log('requests per server, by verb and resource:');
  for (const [k, v] of Object.entries(f.requestsPerServerByVerb)) {
    console.log(`  ${k.padEnd(width)} ${v}`);
  }
}
