// `npm run bench -- --servers N [--concurrency C] [--json FILE]`: how fast the
// operator converges N MCPServers, measured side by side with the floor (a
// plain client making only the writes convergence needs) against the same
// control plane, which runs in a process of its own with simulated kubelet and
// ingress controller. Prints a progress line while it runs, then a table; with
// --json, writes the figures. docs/performance.md has the method and results.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type { KubeObject, KubePort } from '@mcp-operator/kube-core/port';
import { FIELD_MANAGER } from '../src/api/v1alpha1/defaults.ts';
import type { MCPServer } from '../src/api/v1alpha1/schema.ts';
import { parseOperatorEnv } from '../src/cmd/env.ts';
import { Informer } from '../src/controller/informer.ts';
import { createKubeClient, restConfigFromYaml } from '../src/kube/client.ts';
import { desiredState } from '../src/operator/desired.ts';
import type { DesiredState } from '../src/operator/desired.ts';
import {
  deploymentReadiness,
  gatewayReadiness,
  ingressReadiness,
  serviceReadiness,
} from '../src/operator/readiness.ts';
import { computeStatus } from '../src/operator/status.ts';
import { canonicalURL } from '../src/api/v1alpha1/effective.ts';
import { rfc3339 } from '@mcp-operator/kube-core/time';
import { SIMULATED_ADDRESS } from '@mcp-operator/local-control-plane/controllers/ingresses';
import { OPERATOR_NODE_OPTIONS } from '../src/install/manager.ts';
import { ingressClass, StatusSimulator } from '../test/operator/cluster.ts';
import { mcpServerCRD } from '../src/api/v1alpha1/crd.ts';
import { histogramQuantile, nearestRank, parsePrometheusText, samplesSince } from './quantile.ts';

const { values } = parseArgs({
  options: {
    servers: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '4' },
    json: { type: 'string' },
  },
});
const N = Number(values.servers);
const CONCURRENCY = Number(values.concurrency);
if (!Number.isInteger(N) || N < 1 || !Number.isInteger(CONCURRENCY) || CONCURRENCY < 1) {
  console.error('--servers and --concurrency take positive whole numbers');
  process.exit(2);
}

/** Where the converged operator's heap snapshot goes (a diagnostic; off by default). */
const SNAPSHOT_DIR = process.env.BENCH_HEAP_SNAPSHOT;
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete']);
const INGRESS_CLASS = 'bench';
/** How many converged servers get a change one at a time, and the image they change to. */
const CHANGES = 100;
const CHANGED_IMAGE = 'ghcr.io/acme/tools:1.0.1';
const config = (() => {
  const parsed = parseOperatorEnv({});
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.env;
})();

// ---- the control plane, in its own process ----------------------------------

interface Plane {
  kubeconfig: string;
  /** CPU seconds the control plane's process has used (absent on a real cluster). */
  cpuSeconds?: () => number;
  /** POST /admin/<path>: the local plane's request accounting (absent on a real cluster). */
  admin?: (path: string) => Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * TEST_KUBECONFIG: a real API server instead. Nothing there plays kubelet or
 * ingress controller for the bench's objects, so the bench does, through the
 * status subresource (the integration suites' StatusSimulator); the
 * operator's requests come from its own rest_client_requests_total.
 */
function connectCluster(path: string): Plane {
  return { kubeconfig: readFileSync(path, 'utf8'), stop: () => Promise.resolve() };
}

async function startPlane(): Promise<Plane> {
  const child = spawn(
    process.execPath,
    [
      // Node flags for the control plane's process (e.g. --cpu-prof), to profile it.
      ...(process.env.BENCH_PLANE_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
      // The packages' compiled JavaScript (dist/, built above), as a deployed
      // program runs: from source, tsx's helpers wrap every closure the
      // plane's hot paths create, about a tenth of its CPU.
      '--import',
      'tsx',
      new URL('./plane.ts', import.meta.url).pathname,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the control plane exited (${code})`)));
  });
  const { kubeconfig, url, admin } = JSON.parse(first) as {
    kubeconfig: string;
    url: string;
    admin: string;
  };
  const ca = /certificate-authority-data: (\S+)/.exec(kubeconfig)?.[1];
  return {
    kubeconfig,
    cpuSeconds: () => cpuSecondsOf(child.pid!),
    admin: (path) =>
      new Promise((resolve, reject) => {
        const req = httpsRequest(
          `${url}/admin/${path}`,
          {
            method: 'POST',
            headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
            ...(ca ? { ca: Buffer.from(ca, 'base64') } : {}),
          },
          (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve(JSON.parse(body)));
          },
        );
        req.on('error', reject);
        req.end('{}');
      }),
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
// Off a terminal (a CI log) a line per phase and then one every 2 s, not one per update.
let lastPrinted = { phase: '', at: 0 };
const say = (line: string) => {
  progress = line;
  if (process.stderr.isTTY) return;
  const phase = line.split(':')[0]!;
  const now = performance.now();
  if (phase === lastPrinted.phase && now - lastPrinted.at < 2000) return;
  lastPrinted = { phase, at: now };
  process.stderr.write(`${line}\n`);
};

// ---- the floor: the minimal writes, by a plain client ---------------------------

interface FloorFigures {
  seconds: number;
  /** ms per server (its 5 requests, C at a time) over the first and the last tenth. */
  firstTenthMs: number;
  lastTenthMs: number;
  /** ms per DELETE of a server (with its three children to collect) at N objects. */
  deleteMs: number;
  /** The control plane's CPU seconds over the writes (NaN on a real cluster). */
  planeCpuSeconds: number;
}

/**
 * The minimal writes, by a plain client. Also what shows whether the control
 * plane's own cost grows with what it holds: the time per server over the
 * first and last tenth of the writes, and per DELETE once N servers exist.
 */
async function floor(
  port: KubePort,
  namespace: string,
  planeCpu: () => number,
): Promise<FloorFigures> {
  let done = 0;
  const cpuBefore = planeCpu();
  const tenth = Math.max(1, Math.floor(N / 10));
  const marks: number[] = [];
  const start = performance.now();
  await pool(N, CONCURRENCY, async (i) => {
    const server = await port.create(RESOURCES.mcpServers, manifest(namespace, name(i)), {
      fieldManager: 'bench',
    });
    const built = desiredState(server as unknown as MCPServer, config);
    if (!built.ok) throw new Error(built.message);
    const { deployment, service, ingress } = built.desired;
    const created: KubeObject[] = [];
    for (const [resource, object] of [
      [RESOURCES.deployments, deployment],
      [RESOURCES.services, service],
      [RESOURCES.ingresses, ingress],
    ] as const) {
      created.push(await port.create(resource, object, { fieldManager: 'bench' }));
    }
    await port.update(
      RESOURCES.mcpServers,
      { ...server, status: readyStatus(server, built.desired, created) },
      { fieldManager: 'bench', subresource: 'status' },
    );
    done++;
    if (done === tenth || done === N - tenth || done === N) marks.push(performance.now());
    if (done % 50 === 0) say(`floor: ${done}/${N} servers written`);
  });
  const seconds = (performance.now() - start) / 1000;
  const planeCpuSeconds = planeCpu() - cpuBefore;
  const [afterFirst, beforeLast, end] = marks as [number, number, number];
  // Deletes at N: a tenth of the servers (at most 100), the same concurrency.
  const deletes = Math.min(100, tenth);
  const deleteStart = performance.now();
  await pool(deletes, CONCURRENCY, async (i) => {
    await port.delete(RESOURCES.mcpServers, namespace, name(N - 1 - i), {});
  });
  return {
    seconds,
    firstTenthMs: (afterFirst - start) / tenth,
    lastTenthMs: (end - beforeLast) / tenth,
    deleteMs: (performance.now() - deleteStart) / deletes,
    planeCpuSeconds,
  };
}

/**
 * The status the operator writes for this server once it is Ready, from the
 * operator's own readiness and status functions over its children as their
 * controllers leave them: the floor writes the same end state, only with no
 * request to spare.
 */
function readyStatus(server: KubeObject, desired: DesiredState, created: KubeObject[]) {
  const [deployment, service, ingress] = created as [KubeObject, KubeObject, KubeObject];
  const replicas = Number((desired.deployment.spec as { replicas?: number }).replicas ?? 1);
  const owned = (object: KubeObject) => ({ state: 'owned', object }) as const;
  const deploymentReady = deploymentReadiness(
    owned({
      ...deployment,
      status: {
        observedGeneration: deployment.metadata.generation,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
      },
    }),
    replicas,
  );
  const surfaces = {
    deployment: deploymentReady,
    service: serviceReadiness(owned(service), desired.service),
    ingress: ingressReadiness(
      owned({ ...ingress, status: { loadBalancer: { ingress: [{ ip: SIMULATED_ADDRESS }] } } }),
      {
        mode: config.ingressReadinessMode,
        className: String((ingress.spec as { ingressClassName?: string }).ingressClassName),
        classExists: true,
      },
    ),
    ...(desired.gateway.enabled
      ? { gateway: gatewayReadiness({ deployment: deploymentReady }) }
      : {}),
  };
  const status = computeStatus(
    undefined,
    {
      kind: 'observed',
      surfaces,
      url: canonicalURL({ ...desired.route, loadBalancerAddress: SIMULATED_ADDRESS }),
      image: desired.image,
      path: desired.route.path,
    },
    server.metadata.generation ?? 0,
    rfc3339(new Date()),
  );
  if (status.phase !== 'Ready')
    throw new Error(`the floor's status is ${status.phase}: ${status.message}`);
  return status;
}

// ---- the operator, as deployed: `mcp-operator run` in its own process -----------

interface OperatorProcess {
  child: ChildProcess;
  /** GET /metrics, parsed. */
  metrics(): Promise<ReturnType<typeof parsePrometheusText>>;
  /** Linux /proc figures of the process, in bytes: current and peak resident set. */
  memory(): { rss: number; peak: number };
  /** CPU seconds the process has used. */
  cpuSeconds(): number;
  /** Writes a .heapsnapshot into BENCH_HEAP_SNAPSHOT, when that is set. */
  heapSnapshot(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * User and system CPU of a process from Linux /proc/<pid>/stat (fields 14
 * and 15, in clock ticks: USER_HZ, 100 on Linux whatever the kernel's HZ).
 */
function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const httpText = (url: string) =>
  new Promise<{ code: number; body: string }>((resolve, reject) => {
    httpGet(url, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });

async function startOperator(kubeconfigFile: string, namespace: string): Promise<OperatorProcess> {
  const [metricsPort, healthPort] = [await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    [
      // Node flags for the operator process (e.g. --max-old-space-size=…), as its container would set them.
      ...(process.env.BENCH_OPERATOR_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
      ...(SNAPSHOT_DIR
        ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${SNAPSHOT_DIR}`]
        : []),
      new URL('../dist/cmd/main.js', import.meta.url).pathname,
      'run',
      `--kubeconfig=${kubeconfigFile}`,
      `--watch-namespace=${namespace}`,
      `--max-concurrent-reconciles=${CONCURRENCY}`,
      `--metrics-bind-address=127.0.0.1:${metricsPort}`,
      `--health-probe-bind-address=127.0.0.1:${healthPort}`,
      '--log-level=error',
    ],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      // As the install's Deployment runs it.
      env: { ...process.env, NODE_OPTIONS: OPERATOR_NODE_OPTIONS },
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Ready once its caches have synced.
  for (;;) {
    const ready = await httpText(`http://127.0.0.1:${healthPort}/readyz`).catch(() => undefined);
    if (ready?.code === 200) break;
    if (child.exitCode !== null) throw new Error('the operator exited before it was ready');
    await new Promise((r) => setTimeout(r, 50));
  }
  const status = () => readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kib = (text: string, field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  return {
    child,
    metrics: async () =>
      parsePrometheusText((await httpText(`http://127.0.0.1:${metricsPort}/metrics`)).body),
    cpuSeconds: () => cpuSecondsOf(child.pid!),
    memory: () => {
      const text = status();
      return { rss: kib(text, 'VmRSS'), peak: kib(text, 'VmHWM') };
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
    heapSnapshot: async () => {
      if (!SNAPSHOT_DIR) return;
      const before = new Set(readdirSync(SNAPSHOT_DIR));
      child.kill('SIGUSR2');
      // Written synchronously by the operator: its metrics answer again once it is done.
      for (;;) {
        await new Promise((r) => setTimeout(r, 200));
        if (!readdirSync(SNAPSHOT_DIR).some((f) => !before.has(f))) continue;
        if (await httpText(`http://127.0.0.1:${metricsPort}/metrics`).catch(() => undefined)) break;
      }
    },
  };
}

const metricSum = (values: ReturnType<typeof parsePrometheusText>, name: string) =>
  values.filter((v) => v.metricName === name).reduce((n, v) => n + v.value, 0);

const VERB_OF_METHOD: Record<string, string> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
  GET: 'get',
};

/**
 * The operator's requests: by `verb resource` from the local plane's
 * accounting, or on a real cluster by verb from the operator's
 * rest_client_requests_total (minus `since`, a reading taken earlier).
 */
async function operatorRequests(
  plane: Plane,
  operator: OperatorProcess,
  since = new Map<string, number>(),
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (plane.admin) {
    const { requests } = (await plane.admin('requests')) as {
      requests: { client: string; verb: string; resource: string }[];
    };
    for (const r of requests) {
      if (r.client !== FIELD_MANAGER) continue;
      const key = `${r.verb} ${r.resource}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }
  for (const v of await operator.metrics()) {
    if (v.metricName !== 'rest_client_requests_total') continue;
    const key = `${VERB_OF_METHOD[String(v.labels['method'])] ?? 'other'} (any resource)`;
    counts.set(key, (counts.get(key) ?? 0) + v.value);
  }
  for (const [key, value] of since) counts.set(key, (counts.get(key) ?? 0) - value);
  return new Map([...counts].filter(([, v]) => v > 0));
}

/**
 * Resolves once `count` servers in the namespace are Ready at their
 * generation; `readyAt` waits for one server to be Ready at a generation.
 */
function allReady(
  port: KubePort,
  namespace: string,
  count: number,
): {
  done: Promise<void>;
  ready: () => number;
  readyAt: (name: string, generation: number) => Promise<void>;
  stop: () => Promise<void>;
} {
  const informer = new Informer(port, { resource: RESOURCES.mcpServers, namespace });
  const ready = new Map<string, number>(); // name → the generation it is Ready at
  const waiting = new Map<string, { generation: number; resolve: () => void }>();
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  const look = (
    server: KubeObject & { status?: { phase?: string; observedGeneration?: number } },
  ) => {
    const serverName = server.metadata.name!;
    const generation = server.metadata.generation ?? 0;
    if (server.status?.phase === 'Ready' && server.status.observedGeneration === generation) {
      ready.set(serverName, generation);
      const waiter = waiting.get(serverName);
      if (waiter && generation >= waiter.generation) {
        waiting.delete(serverName);
        waiter.resolve();
      }
    } else ready.delete(serverName);
    if (ready.size >= count) resolve();
  };
  informer.addHandler({ onAdd: look, onUpdate: (_o, n) => look(n) });
  informer.start();
  return {
    done,
    ready: () => ready.size,
    readyAt: (name, generation) =>
      (ready.get(name) ?? -1) >= generation
        ? Promise.resolve()
        : new Promise((r) => waiting.set(name, { generation, resolve: r })),
    stop: () => informer.stop(),
  };
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

const external = process.env.TEST_KUBECONFIG;
const plane = external ? connectCluster(external) : await startPlane();
// Namespaces of their own on a real cluster, removed at the end.
const suffix = external ? `-${Date.now().toString(36)}` : '';
const FLOOR_NS = `bench-floor${suffix}`;
const OPERATOR_NS = `bench-operator${suffix}`;
let simulator: StatusSimulator | undefined;
const client = createKubeClient(restConfigFromYaml(plane.kubeconfig), { userAgent: 'bench' });
try {
  if (external) await prepareCluster(client);
  for (const ns of [FLOOR_NS, OPERATOR_NS]) {
    await client.create(
      RESOURCES.namespaces,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
      { fieldManager: 'bench' },
    );
  }
  if (external) {
    simulator = new StatusSimulator(client);
    simulator.watch([OPERATOR_NS]);
  }

  say(`floor: 0/${N} servers written`);
  const planeCpu = plane.cpuSeconds ?? (() => NaN);
  const floorRun = await floor(client, FLOOR_NS, planeCpu);
  const floorSeconds = floorRun.seconds;

  // The operator: N servers created at the same concurrency, timed until all are Ready.
  const dir = mkdtempSync(join(tmpdir(), 'mcp-bench-'));
  const kubeconfigFile = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigFile, plane.kubeconfig, { mode: 0o600 });
  const operator = await startOperator(kubeconfigFile, OPERATOR_NS);
  const baseline = operator.memory().rss;
  await plane.admin?.('requests/reset');
  const startupRequests = await operatorRequests(plane, operator);
  const watcher = allReady(client, OPERATOR_NS, N);
  let created = 0;
  const start = performance.now();
  const cpuBefore = { plane: planeCpu(), operator: operator.cpuSeconds() };
  const creating = pool(N, CONCURRENCY, async (i) => {
    await client.create(RESOURCES.mcpServers, manifest(OPERATOR_NS, name(i)), {
      fieldManager: 'bench',
    });
    created++;
  });
  const ticker = setInterval(
    () => say(`operator: ${created}/${N} created, ${watcher.ready()}/${N} Ready`),
    200,
  );
  await creating;
  // The histogram once every server exists: the passes after it no longer share the
  // control plane with the bench's creates (and the operator's code is warm).
  const createdMetrics = await operator.metrics();
  await watcher.done;
  const convergeSeconds = (performance.now() - start) / 1000;
  const cpuMs = {
    plane: ((planeCpu() - cpuBefore.plane) * 1000) / N,
    operator: ((operator.cpuSeconds() - cpuBefore.operator) * 1000) / N,
  };
  clearInterval(ticker);
  const requests = await operatorRequests(plane, operator, startupRequests);
  const byVerb = Object.fromEntries(
    [...requests].sort().map(([k, v]) => [k, Math.round((v / N) * 100) / 100]),
  );
  const writesPerServer = sumWrites(requests, true) / N;
  const writesPerServerNoEvents = sumWrites(requests, false) / N;
  const metrics = await operator.metrics();
  const reconcileBuckets = (values: typeof metrics) =>
    values.filter((v) => v.metricName === 'controller_runtime_reconcile_time_seconds_bucket');
  const buckets = reconcileBuckets(metrics);
  const reconcileP50Ms = histogramQuantile(0.5, buckets) * 1000;
  const reconcileP99Ms = histogramQuantile(0.99, buckets) * 1000;
  const afterCreates = samplesSince(buckets, reconcileBuckets(createdMetrics));
  const reconcileAfterCreatesP50Ms = histogramQuantile(0.5, afterCreates) * 1000;
  const reconcileAfterCreatesP99Ms = histogramQuantile(0.99, afterCreates) * 1000;
  const { peak: peakRss } = operator.memory();
  // What the converged operator holds, for a heap profiler (BENCH_HEAP_SNAPSHOT=DIR).
  await operator.heapSnapshot();

  // One change at a time to converged servers, the API server otherwise idle:
  // a pass's length and a user's wait from a change to Ready when the API
  // server is not the bottleneck (during convergence it is saturated, and the
  // passes' length is mostly its queue).
  const changes = Math.min(N, CHANGES);
  const beforeChanges = reconcileBuckets(await operator.metrics());
  const waits: number[] = [];
  for (let i = 0; i < changes; i++) {
    say(`changes: ${i}/${changes} servers changed one at a time`);
    const began = performance.now();
    const changed = await client.patch(
      RESOURCES.mcpServers,
      OPERATOR_NS,
      name(i),
      'merge',
      { spec: { image: CHANGED_IMAGE } },
      { fieldManager: 'bench' },
    );
    await watcher.readyAt(name(i), changed.metadata.generation ?? 0);
    waits.push(performance.now() - began);
  }
  const changePasses = samplesSince(reconcileBuckets(await operator.metrics()), beforeChanges);
  await operator.stop();
  await watcher.stop();

  // A full resync of the converged servers: a fresh operator lists and reconciles every one.
  say('resync: a fresh operator process reconciles every converged server');
  await plane.admin?.('requests/reset');
  const again = await startOperator(kubeconfigFile, OPERATOR_NS);
  while (metricSum(await again.metrics(), 'controller_runtime_reconcile_total') < N) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const resyncWrites = sumWrites(await operatorRequests(plane, again), true);
  // A restart at N: the lists of every server and child, then a pass for each.
  const resyncPeakRss = again.memory().peak;
  await again.stop();
  rmSync(dir, { recursive: true, force: true });

  clearInterval(progressTimer);
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');

  const mib = (bytes: number) => bytes / 1024 / 1024;
  const figures = {
    servers: N,
    concurrency: CONCURRENCY,
    convergeSeconds: round(convergeSeconds, 3),
    floorSeconds: round(floorSeconds, 3),
    planeMsPerServerFirstTenth: round(floorRun.firstTenthMs, 2),
    planeMsPerServerLastTenth: round(floorRun.lastTenthMs, 2),
    planeMsPerDelete: round(floorRun.deleteMs, 2),
    ratio: round(convergeSeconds / floorSeconds, 2),
    // CPU per server: the control plane's under the floor and under the operator, and the operator's.
    // A real API server's process is not the bench's to read.
    planeCpuMsPerServerFloor: external ? 'n/a' : round((floorRun.planeCpuSeconds * 1000) / N, 2),
    planeCpuMsPerServerOperator: external ? 'n/a' : round(cpuMs.plane, 2),
    operatorCpuMsPerServer: round(cpuMs.operator, 2),
    writesPerServer: round(writesPerServer, 2),
    // On a real cluster the operator's counter has no resource: Events are not told apart.
    writesPerServerWithoutEvents: external ? 'n/a' : round(writesPerServerNoEvents, 2),
    requestsPerServerByVerb: byVerb,
    resyncWrites,
    peakRssMiB: round(mib(peakRss), 1),
    baselineRssMiB: round(mib(baseline), 1),
    rssPerServerKiB: round((peakRss - baseline) / 1024 / N, 1),
    resyncPeakRssMiB: round(mib(resyncPeakRss), 1),
    reconcileP50Ms: round(reconcileP50Ms, 2),
    reconcileP99Ms: round(reconcileP99Ms, 2),
    // The passes after the last create: the operator alone with the control plane.
    reconcileAfterCreatesP50Ms: round(reconcileAfterCreatesP50Ms, 2),
    reconcileAfterCreatesP99Ms: round(reconcileAfterCreatesP99Ms, 2),
    // One change at a time (a new image for each of the first `changes` servers).
    changes,
    changeReconcileP50Ms: round(histogramQuantile(0.5, changePasses) * 1000, 2),
    changeReconcileP99Ms: round(histogramQuantile(0.99, changePasses) * 1000, 2),
    changeToReadyP50Ms: round(nearestRank(0.5, waits), 1),
    changeToReadyP99Ms: round(nearestRank(0.99, waits), 1),
    node: process.version,
    machine: `${cpus()[0]?.model ?? 'unknown cpu'} ×${cpus().length}, ${Math.round(mib(totalmem()) / 1024)} GiB`,
  };
  printTable(figures);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
} finally {
  clearInterval(progressTimer);
  await simulator?.stop();
  if (external) {
    for (const ns of [FLOOR_NS, OPERATOR_NS]) {
      await client.delete(RESOURCES.namespaces, undefined, ns, {}).catch(() => undefined);
    }
  }
  await plane.stop();
}

/** On a real cluster: the CRD (applied, then awaited) and the simulated IngressClass. */
async function prepareCluster(port: KubePort): Promise<void> {
  const crd = mcpServerCRD() as unknown as KubeObject;
  await port.patch(
    RESOURCES.customResourceDefinitions,
    undefined,
    crd.metadata.name!,
    'apply',
    crd,
    {
      fieldManager: 'bench',
      force: true,
    },
  );
  await port.patch(
    RESOURCES.ingressClasses,
    undefined,
    INGRESS_CLASS,
    'apply',
    ingressClass(INGRESS_CLASS, true),
    { fieldManager: 'bench', force: true },
  );
  for (;;) {
    try {
      await port.list(RESOURCES.mcpServers, {});
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200)); // the CRD is not served yet
    }
  }
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function printTable(figures: { requestsPerServerByVerb: Record<string, number> }) {
  const f = figures as unknown as Record<string, string | number> & typeof figures;
  // A figure in ms, or what stands instead of one ('n/a' on a real cluster).
  const ms = (value: string | number | undefined) =>
    typeof value === 'number' ? `${value} ms` : String(value);
  const rows: [string, string][] = [
    ['servers', `${f.servers} (concurrency ${f.concurrency})`],
    ['converge', `${f.convergeSeconds} s`],
    ['floor', `${f.floorSeconds} s`],
    ['ratio operator / floor', `${f.ratio}`],
    [
      'control plane, per server',
      `${f.planeMsPerServerFirstTenth} ms first tenth, ${f.planeMsPerServerLastTenth} ms last tenth; ${f.planeMsPerDelete} ms per delete`,
    ],
    [
      'CPU per server',
      `control plane ${ms(f.planeCpuMsPerServerFloor)} under the floor, ${ms(f.planeCpuMsPerServerOperator)} under the operator; operator ${ms(f.operatorCpuMsPerServer)}`,
    ],
    [
      'writes per server',
      `${f.writesPerServer} (${f.writesPerServerWithoutEvents} without Events)`,
    ],
    ['writes on a full resync', `${f.resyncWrites}`],
    [
      'reconcile p50 / p99',
      `${f.reconcileP50Ms} ms / ${f.reconcileP99Ms} ms (after the last create: ${f.reconcileAfterCreatesP50Ms} ms / ${f.reconcileAfterCreatesP99Ms} ms)`,
    ],
    [
      'one change at a time',
      `reconcile p50 / p99 ${f.changeReconcileP50Ms} ms / ${f.changeReconcileP99Ms} ms; change to Ready p50 / p99 ${f.changeToReadyP50Ms} ms / ${f.changeToReadyP99Ms} ms (${f.changes} changes)`,
    ],
    [
      'operator peak RSS',
      `${f.peakRssMiB} MiB (${f.baselineRssMiB} MiB idle, ${f.rssPerServerKiB} KiB per server)`,
    ],
    ['fresh operator peak RSS', `${f.resyncPeakRssMiB} MiB (started over the N converged servers)`],
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
