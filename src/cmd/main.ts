#!/usr/bin/env node
// The mcp-operator program: parses the command line and hands off. Process
// wiring only; the work lives in the layers below.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { API_VERSION, KIND } from '../api/v1alpha1/defaults.ts';
import { mcpServerCRDYaml } from '../api/v1alpha1/crd.ts';
import { canonicalURL } from '../api/v1alpha1/effective.ts';
import { formatViolations, validateMCPServer } from '../api/v1alpha1/validation.ts';
import { toYaml } from '../kube/yaml.ts';
import { desiredState } from '../operator/desired.ts';
import type { DesiredState } from '../operator/desired.ts';
import { parseOperatorEnv } from './env.ts';
import type { OperatorEnv } from './env.ts';
import { ConfigError, parseRunConfig, runOperator } from './run.ts';
import { loadDocuments } from './manifests.ts';
import { installFiles, manifestsOf } from '../install/files.ts';

const USAGE = `Usage: mcp-operator <command> [flags]

Commands:
  run [flags]          the operator: watches the cluster and reconciles until SIGTERM/SIGINT
                       (the default command); flags: --kubeconfig PATH, --metrics-bind-address ADDR
                       (:8080, 0 disables), --health-probe-bind-address ADDR (:8081), --leader-elect,
                       --leader-election-namespace NS, --watch-namespace NS (repeatable),
                       --max-concurrent-reconciles N (4), --resync-period DURATION (10m),
                       --log-level debug|info|warn|error (info), --log-format json|text (json)
  manifests [crd|rbac|operator|all] [--out DIR]
                       print the install manifests (YAML; default crd); with --out, write
                       every file under DIR as checked in under config/
  validate -f FILE     check the MCPServers in FILE (a file, a directory, or - for stdin)
                       and print where each would be served
  render -f FILE       print the Deployment, Service and Ingress (and pull Secret) the operator
                       would create for the MCPServers in FILE, as YAML; no cluster needed
  local [flags]        run the local control plane (an in-process Kubernetes API server) with the
                       CRD and samples installed; --port N (6443), --kubeconfig-out PATH
                       (.local/kubeconfig), --no-operator, --no-samples, --no-simulation
  help                 print this help
`;

/** A mistake in how the program was called: one line on stderr, exit 2. */
class UsageError extends Error {}

interface Io {
  stdout: (text: string) => void;
  /** Whether stdout is a terminal of this width (for `local`'s live table). */
  terminal?: { columns: () => number };
  stderr: (text: string) => void;
  readStdin: () => string;
  env: Record<string, string | undefined>;
}

function operatorEnv(io: Io): OperatorEnv {
  const result = parseOperatorEnv(io.env);
  if (!result.ok) throw new UsageError(result.error);
  for (const warning of result.warnings) io.stderr(`warning: ${warning}\n`);
  return result.env;
}

const MANIFEST_PARTS = ['crd', 'rbac', 'operator', 'all'] as const;

function manifests(args: string[], io: Io): number {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { out: { type: 'string' } }, allowPositionals: true });
  } catch (err) {
    throw new UsageError(`manifests: ${(err as Error).message}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) {
    throw new UsageError(`manifests takes one argument, got: ${positionals.join(' ')}`);
  }
  const what = positionals[0] ?? 'crd';
  if (!(MANIFEST_PARTS as readonly string[]).includes(what)) {
    throw new UsageError(
      `manifests: unknown manifest "${what}"; accepted: ${MANIFEST_PARTS.join(', ')}`,
    );
  }
  const part = what as (typeof MANIFEST_PARTS)[number];
  if (values.out !== undefined) {
    if (part !== 'all')
      throw new UsageError('manifests: --out writes every file; use it with "all"');
    for (const [path, content] of installFiles()) {
      const file = join(values.out, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      io.stdout(`wrote ${file}\n`);
    }
    return 0;
  }
  const env = operatorEnv(io);
  io.stdout(
    part === 'crd'
      ? mcpServerCRDYaml({ allowSnippetAnnotations: env.allowSnippetAnnotations })
      : toYaml(manifestsOf(part)),
  );
  return 0;
}

type CheckedServer = {
  source: string;
  /** namespace/name, for messages. */
  name: string;
} & ({ valid: true; desired: DesiredState } | { valid: false; problem: string });

/**
 * The MCPServers in `-f FILE|DIR|-`, each checked as `kubectl apply` would
 * have the API server check it (strict field validation), plus the
 * operator's own checks. Undefined after printing the error when there are none.
 */
function checkedServers(
  command: string,
  args: string[],
  io: Io,
): { env: OperatorEnv; servers: CheckedServer[] } | undefined {
  const { values, positionals } = parseArgs({
    args,
    options: { filename: { type: 'string', short: 'f' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0)
    throw new UsageError(`${command}: unexpected argument ${positionals[0]}`);
  if (!values.filename) throw new UsageError(`${command}: -f FILE is required (use - for stdin)`);
  const env = operatorEnv(io);
  let documents;
  try {
    documents = loadDocuments(values.filename, io.readStdin);
  } catch (err) {
    io.stderr(`error: ${(err as Error).message}\n`);
    return undefined;
  }
  const servers: CheckedServer[] = [];
  for (const { source, object } of documents) {
    const o = object as {
      apiVersion?: unknown;
      kind?: unknown;
      metadata?: { name?: unknown; namespace?: unknown };
    };
    if (o.kind !== KIND || o.apiVersion !== API_VERSION) continue;
    const namespace = typeof o.metadata?.namespace === 'string' ? o.metadata.namespace : 'default';
    const name = `${namespace}/${typeof o.metadata?.name === 'string' ? o.metadata.name : '<no name>'}`;
    const result = validateMCPServer(object, {
      allowSnippetAnnotations: env.allowSnippetAnnotations,
      gatewayProxyImage: env.gatewayProxyImage,
      unknownFields: 'reject',
    });
    if (!result.valid) {
      servers.push({ source, name, valid: false, problem: formatViolations(result.violations) });
      continue;
    }
    // The routing prerequisites the operator checks next (a gateway image).
    const built = desiredState(result.server, env);
    servers.push(
      built.ok
        ? { source, name, valid: true, desired: built.desired }
        : { source, name, valid: false, problem: `${built.path}: ${built.message}` },
    );
  }
  if (servers.length === 0) {
    io.stderr(`error: no ${API_VERSION} ${KIND} found in ${values.filename}\n`);
    return undefined;
  }
  return { env, servers };
}

/** Prints each invalid server's problems on stderr; true when there were any. */
function reportInvalid(servers: CheckedServer[], io: Io): boolean {
  let failed = false;
  for (const checked of servers) {
    if (checked.valid) continue;
    failed = true;
    io.stderr(`${checked.source}: MCPServer ${checked.name} is invalid: ${checked.problem}\n`);
  }
  return failed;
}

function validate(args: string[], io: Io): number {
  const checked = checkedServers('validate', args, io);
  if (!checked) return 1;
  const failed = reportInvalid(checked.servers, io);
  for (const server of checked.servers) {
    if (!server.valid) continue;
    const { route, gateway } = server.desired;
    const url = canonicalURL({ ...route });
    const where = route.host ? `host ${route.host}` : 'every host';
    const sidecar = gateway.enabled ? 'gateway sidecar on' : 'no gateway sidecar';
    io.stdout(
      `MCPServer ${server.name} is valid: ${url || route.path} (${where}, path ${route.path}, ${sidecar})\n`,
    );
  }
  return failed ? 1 : 0;
}

/** The objects the operator would create, from the same builders, as YAML kubectl reads back unchanged. */
function render(args: string[], io: Io): number {
  const checked = checkedServers('render', args, io);
  if (!checked) return 1;
  if (reportInvalid(checked.servers, io)) return 1;
  const documents = checked.servers.flatMap((server) => {
    if (!server.valid) return [];
    const { pullSecret, deployment, service, ingress } = server.desired;
    return [...(pullSecret ? [pullSecret] : []), deployment, service, ingress];
  });
  io.stdout(toYaml(documents));
  return 0;
}

/** Runs `local` until SIGINT/SIGTERM; resolves with the exit code. */
async function local(args: string[], io: Io): Promise<number> {
  // Loaded here, not at the top: only `local` brings in the control plane, so
  // `run` in a cluster never loads it (eslint's layer rule keeps it that way).
  const { parseLocalFlags, startLocal } = await import('./local.ts');
  let flags;
  try {
    flags = parseLocalFlags(args);
  } catch (err) {
    throw new UsageError(`local: ${(err as Error).message}`);
  }
  const env = operatorEnv(io);
  // Listening before anything is printed: "press Ctrl-C" must be true as soon as it shows.
  let stopRequested!: () => void;
  const stopping = new Promise<void>((resolve) => (stopRequested = resolve));
  process.once('SIGINT', stopRequested);
  process.once('SIGTERM', stopRequested);
  let running;
  try {
    running = await startLocal(flags, (line) => io.stdout(`${line}\n`), env, {
      write: io.stdout,
      tty: io.terminal !== undefined,
      ...(io.terminal ? { columns: io.terminal.columns } : {}),
    });
  } catch (err) {
    const code = (err as { code?: string }).code;
    const message =
      code === 'EADDRINUSE'
        ? `port ${flags.port} is in use; pick another with --port`
        : (err as Error).message;
    io.stderr(`error: ${message}\n`);
    process.removeListener('SIGINT', stopRequested);
    process.removeListener('SIGTERM', stopRequested);
    return 1;
  }
  await stopping;
  await running.stop();
  io.stdout('stopped\n');
  return 0;
}

/** Runs `run` until SIGTERM/SIGINT; resolves with the exit code. */
async function run(args: string[], io: Io): Promise<number> {
  let config;
  try {
    config = parseRunConfig(args, io.env);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    return await runOperator(config, { stderr: io.stderr, env: io.env, signal: stop.signal });
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

/** Runs one command; resolves with the exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  try {
    if (argv[0] === 'local') return await local(argv.slice(1), io);
    if (
      argv.length === 0 ||
      argv[0] === 'run' ||
      (argv[0]!.startsWith('-') && argv[0] !== '-h' && argv[0] !== '--help')
    ) {
      return await run(argv[0] === 'run' ? argv.slice(1) : argv, io);
    }
    return simpleCommand(argv, io);
  } catch (err) {
    if (
      err instanceof UsageError ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      io.stderr(`mcp-operator: ${(err as Error).message}\n`);
      return 2;
    }
    throw err;
  }
}

function simpleCommand(argv: string[], io: Io): number {
  const [command = 'help', ...rest] = argv;
  switch (command) {
    case 'manifests':
      return manifests(rest, io);
    case 'validate':
      return validate(rest, io);
    case 'render':
      return render(rest, io);
    case 'help':
    case '--help':
    case '-h':
      io.stdout(USAGE);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"; run mcp-operator help`);
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    ...(process.stdout.isTTY ? { terminal: { columns: () => process.stdout.columns } } : {}),
    stderr: (text) => process.stderr.write(text),
    readStdin: () => readFileSync(0, 'utf8'),
    env: process.env,
  });
}
