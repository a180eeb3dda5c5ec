// `mcp-operator run`: flags and environment into one typed config, then the
// manager until SIGTERM/SIGINT. Process wiring only.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import type { ParseArgsOptionsConfig } from 'node:util';
import { CRD_NAME, FIELD_MANAGER, LEASE_NAME } from '../api/v1alpha1/defaults.ts';
import { realClock } from '../controller/clock.ts';
import { createRuntimeMetrics } from '../controller/metrics.ts';
import { createLogger } from '../controller/logging.ts';
import type { LogFormat, LogLevel, Logger } from '../controller/logging.ts';
import { Manager } from '../controller/manager.ts';
import type { ManagerOptions } from '../controller/manager.ts';
import { parseBindAddress } from '../controller/servers.ts';
import type { BindAddress } from '../controller/servers.ts';
import { createKubeClient, loadKubeConfig } from '../kube/client.ts';
import { NotFoundError } from '@mcp-operator/kube-core/errors';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type { KubePort } from '@mcp-operator/kube-core/port';
import { mcpServerController } from '../operator/controller.ts';
import { parseOperatorEnv } from './env.ts';
import type { OperatorEnv } from './env.ts';

const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

export interface RunConfig {
  kubeconfig?: string;
  metricsBindAddress?: BindAddress;
  healthBindAddress?: BindAddress;
  leaderElect: boolean;
  leaderElectionNamespace?: string;
  watchNamespaces: string[];
  maxConcurrentReconciles: number;
  resyncPeriodMs: number;
  logLevel: LogLevel;
  logFormat: LogFormat;
  env: OperatorEnv;
  envWarnings: string[];
}

/** A flag or environment mistake: one line on stderr, exit 2. */
export class ConfigError extends Error {}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go-style durations: `10m`, `1h30m`, `45s`, `500ms`. */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g))
    total += Number(n) * UNITS[unit!]!;
  return total;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`--${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

function bindAddress(flag: string, value: string): BindAddress | undefined {
  try {
    return parseBindAddress(value);
  } catch (err) {
    throw new ConfigError(`--${flag}: ${(err as Error).message}`);
  }
}

/**
 * The flags `run` accepts, with their defaults (node:util parseArgs options).
 * The README's `run` flag table lists exactly these (test/docs/readme.test.ts).
 */
export const RUN_FLAGS = {
  kubeconfig: { type: 'string' },
  'metrics-bind-address': { type: 'string', default: ':8080' },
  'health-probe-bind-address': { type: 'string', default: ':8081' },
  'leader-elect': { type: 'boolean', default: false },
  'leader-election-namespace': { type: 'string' },
  'watch-namespace': { type: 'string', multiple: true, default: [] },
  'max-concurrent-reconciles': { type: 'string', default: '4' },
  'resync-period': { type: 'string', default: '10m' },
  'log-level': { type: 'string', default: 'info' },
  'log-format': { type: 'string', default: 'json' },
} satisfies ParseArgsOptionsConfig;

export function parseRunConfig(
  args: string[],
  env: Record<string, string | undefined>,
  inCluster = existsSync(SERVICE_ACCOUNT_NAMESPACE),
): RunConfig {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: RUN_FLAGS,
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new ConfigError((err as Error).message.split('\n')[0]);
  }
  const workers = Number(values['max-concurrent-reconciles']);
  if (!Number.isInteger(workers) || workers < 1 || workers > 1000) {
    throw new ConfigError(
      `--max-concurrent-reconciles must be a whole number from 1 to 1000, got "${values['max-concurrent-reconciles']}"`,
    );
  }
  const resync = parseDuration(values['resync-period']);
  if (resync === undefined || resync < 1000) {
    throw new ConfigError(
      `--resync-period must be a duration of at least 1s such as 10m or 1h30m, got "${values['resync-period']}"`,
    );
  }
  let leaderElectionNamespace =
    values['leader-election-namespace'] || env.POD_NAMESPACE || undefined;
  if (!leaderElectionNamespace && inCluster) {
    leaderElectionNamespace = readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim();
  }
  if (values['leader-elect'] && !leaderElectionNamespace) {
    throw new ConfigError(
      '--leader-election-namespace is required with --leader-elect when not running in a cluster (or set POD_NAMESPACE)',
    );
  }
  const parsedEnv = parseOperatorEnv(env);
  if (!parsedEnv.ok) throw new ConfigError(parsedEnv.error);
  const metrics = bindAddress('metrics-bind-address', values['metrics-bind-address']);
  const health = bindAddress('health-probe-bind-address', values['health-probe-bind-address']);
  return {
    ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
    ...(metrics ? { metricsBindAddress: metrics } : {}),
    ...(health ? { healthBindAddress: health } : {}),
    leaderElect: values['leader-elect'],
    ...(leaderElectionNamespace ? { leaderElectionNamespace } : {}),
    watchNamespaces: [...values['watch-namespace']], // a copy: the default [] is shared
    maxConcurrentReconciles: workers,
    resyncPeriodMs: resync,
    logLevel: oneOf('log-level', values['log-level'], ['debug', 'info', 'warn', 'error'] as const),
    logFormat: oneOf('log-format', values['log-format'], ['json', 'text'] as const),
    env: parsedEnv.env,
    envWarnings: parsedEnv.warnings,
  };
}

/** Checks the CRD is installed; a clear message and exit 1 when it is not. */
export async function checkCRD(port: KubePort): Promise<string | undefined> {
  try {
    await port.get(RESOURCES.customResourceDefinitions, undefined, CRD_NAME);
    return undefined;
  } catch (err) {
    if (err instanceof NotFoundError) {
      return `the MCPServer CRD (${CRD_NAME}) is not installed; install it with: mcp-operator manifests crd | kubectl apply -f -`;
    }
    return `cannot reach the Kubernetes API to check for the MCPServer CRD: ${(err as Error).message}`;
  }
}

export interface RunIo {
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  /** Aborts on SIGTERM/SIGINT. */
  signal: AbortSignal;
  logDestination?: NodeJS.WritableStream;
}

/** The whole `run` command; resolves with the exit code. */
export async function runOperator(config: RunConfig, io: RunIo): Promise<number> {
  const log: Logger = createLogger({
    level: config.logLevel,
    format: config.logFormat,
    ...(io.logDestination ? { destination: io.logDestination } : {}),
  });
  for (const warning of config.envWarnings) log.warn(warning);
  let port: KubePort;
  const metrics = createRuntimeMetrics();
  try {
    const kc = loadKubeConfig({
      ...(config.kubeconfig ? { kubeconfigPath: config.kubeconfig } : {}),
      env: io.env,
    });
    const host = new URL(kc.server).host;
    port = createKubeClient(kc, {
      userAgent: FIELD_MANAGER,
      onResponse: (method, code) => metrics.restClientRequests.inc({ code, method, host }),
    });
  } catch (err) {
    io.stderr(`error: ${(err as Error).message}\n`);
    return 1;
  }
  const crdProblem = await checkCRD(port);
  if (crdProblem) {
    io.stderr(`error: ${crdProblem}\n`);
    return 1;
  }
  const identity = `${io.env.POD_NAME || hostname()}_${randomBytes(4).toString('hex')}`;
  const options: ManagerOptions = {
    port,
    logger: log,
    metrics,
    namespaces: config.watchNamespaces,
    resyncPeriodMs: config.resyncPeriodMs,
    fieldManager: FIELD_MANAGER,
    ...(config.healthBindAddress ? { healthBindAddress: config.healthBindAddress } : {}),
    ...(config.metricsBindAddress ? { metricsBindAddress: config.metricsBindAddress } : {}),
    ...(config.leaderElect && config.leaderElectionNamespace
      ? {
          leaderElection: { namespace: config.leaderElectionNamespace, name: LEASE_NAME, identity },
        }
      : {}),
  };
  const manager = new Manager(options);
  manager.addController(
    mcpServerController({
      manager,
      port,
      config: config.env,
      clock: realClock,
      log,
      instance: identity,
      maxConcurrentReconciles: config.maxConcurrentReconciles,
    }),
  );
  log.info(
    {
      identity,
      leaderElect: config.leaderElect,
      namespaces: config.watchNamespaces.length ? config.watchNamespaces : 'all',
    },
    'starting manager',
  );
  let exit;
  try {
    exit = await manager.run(io.signal);
  } catch (err) {
    log.error({ err: (err as Error).message }, 'manager failed');
    return 1;
  }
  return exit === 'lost-leadership' ? 1 : 0;
}
