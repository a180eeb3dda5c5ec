// Where the operator's cluster credentials come from, in kubectl's order:
// --kubeconfig, then $KUBECONFIG, then ~/.kube/config, then the pod's
// service account. A source the user named explicitly (the flag or the
// variable) that does not work is an error rather than a reason to try the
// next one: falling through would connect to a cluster nobody asked for.
//
// The kubeconfig is read here rather than by @kubernetes/client-node: its
// KubeConfig loads every generated API model (about 80 MiB of resident
// memory) for a program that needs a server URL, TLS material and a way to
// authenticate. The fields and their meanings are client-go's
// (tools/clientcmd/api/v1 and rest.Config).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { isIPv6 } from 'node:net';
import { parse } from 'yaml';
import { isObject } from '@mcp-operator/kube-core/json';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** How requests prove who they are; one source per config, as client-go allows. */
export type Credentials =
  | { kind: 'none' }
  | { kind: 'token'; token: string }
  /** Re-read when older than a minute: projected service-account tokens rotate. */
  | { kind: 'tokenFile'; path: string }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'exec'; exec: ExecConfig };

/** A client-go credential plugin (the kubeconfig's `user.exec`). */
export interface ExecConfig {
  command: string;
  args: string[];
  env: Record<string, string>;
  apiVersion: string;
  /** Whether the plugin is told the cluster (KUBERNETES_EXEC_INFO spec.cluster). */
  provideClusterInfo: boolean;
  installHint?: string;
}

/** Everything needed to reach one API server; client-go's rest.Config, trimmed to what is used. */
export interface RestConfig {
  /** The server URL, possibly with a path prefix. */
  server: string;
  /** The context's namespace, when it sets one. */
  namespace?: string;
  tls: {
    /** PEM; without it the system trust store applies. */
    ca?: Buffer;
    cert?: Buffer;
    key?: Buffer;
    insecureSkipVerify: boolean;
    /** SNI and the name checked in the server's certificate, when not the URL's host. */
    serverName?: string;
  };
  credentials: Credentials;
  impersonate?: { user: string; groups: string[] };
  /** Where it came from, for messages ("--kubeconfig /path", "in-cluster service account"). */
  source: string;
}

export interface LoadKubeConfigOptions {
  /** The `--kubeconfig` flag. */
  kubeconfigPath?: string;
  /** Where KUBECONFIG, HOME and KUBERNETES_SERVICE_HOST/PORT are read; default process.env. */
  env?: Record<string, string | undefined>;
  /** The mounted service-account directory (token, ca.crt, namespace); for tests. */
  serviceAccountDir?: string;
}

/** The configuration could not be loaded; the message says what was tried. */
export class KubeConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KubeConfigError';
  }
}

export function loadKubeConfig(options: LoadKubeConfigOptions = {}): RestConfig {
  const env = options.env ?? process.env;
  const tried: string[] = [];

  if (options.kubeconfigPath) return loadFiles([options.kubeconfigPath], '--kubeconfig');
  tried.push('--kubeconfig (not given)');

  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (fromEnv.length > 0) {
    // kubectl skips listed files that do not exist, but not all of them.
    const present = fromEnv.filter((file) => existsSync(file));
    if (present.length === 0) {
      throw new KubeConfigError(`$KUBECONFIG names ${fromEnv.join(', ')}, but no such file exists`);
    }
    return loadFiles(present, '$KUBECONFIG');
  }
  tried.push('$KUBECONFIG (not set)');

  const home = env.HOME || env.USERPROFILE || homedir();
  const defaultFile = join(home, '.kube', 'config');
  if (existsSync(defaultFile)) return loadFiles([defaultFile], 'the default kubeconfig');
  tried.push(`~/.kube/config (${defaultFile} does not exist)`);

  const inCluster = loadInCluster(env, options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR);
  if (typeof inCluster !== 'string') return inCluster;
  tried.push(`in-cluster service account (${inCluster})`);

  throw new KubeConfigError(
    `no Kubernetes configuration found; tried ${tried.join(', ')}. ` +
      'Pass --kubeconfig PATH or set KUBECONFIG.',
  );
}

/** A kubeconfig given as text (the local control plane's, a test's); relative paths resolve against `baseDir`. */
export function restConfigFromYaml(
  text: string,
  source = 'the kubeconfig',
  baseDir = process.cwd(),
): RestConfig {
  return resolveCurrent([readKubeconfig(text, source, baseDir)], source);
}

/** One file's entries by name, with file paths already made absolute. */
interface KubeconfigFile {
  currentContext?: string;
  clusters: Map<string, Record<string, unknown>>;
  users: Map<string, Record<string, unknown>>;
  contexts: Map<string, Record<string, unknown>>;
  /** For messages and relative exec commands. */
  dir: string;
}

/** Loads and merges kubeconfig files; for a name in several files the first wins, as in kubectl. */
function loadFiles(files: string[], source: string): RestConfig {
  const parsed = files.map((file) => {
    if (!existsSync(file)) throw new KubeConfigError(`${source} ${file}: no such file`);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new KubeConfigError(`${source} ${file} could not be read: ${messageOf(err)}`, {
        cause: err,
      });
    }
    return readKubeconfig(text, `${source} ${file}`, dirname(resolve(file)));
  });
  return resolveCurrent(parsed, `${source} ${files.join(delimiter)}`);
}

function readKubeconfig(text: string, where: string, dir: string): KubeconfigFile {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new KubeConfigError(`${where} could not be read: ${messageOf(err)}`, { cause: err });
  }
  if (doc === null || doc === undefined) doc = {};
  if (!isObject(doc)) throw new KubeConfigError(`${where} could not be read: not a mapping`);
  const named = (list: string, field: string) => {
    const entries = new Map<string, Record<string, unknown>>();
    const items = doc[list] ?? [];
    if (!Array.isArray(items)) throw new KubeConfigError(`${where}: ${list} is not a list`);
    for (const item of items) {
      if (!isObject(item) || typeof item.name !== 'string') {
        throw new KubeConfigError(`${where}: an entry of ${list} has no name`);
      }
      const body = item[field] ?? {};
      if (!isObject(body))
        throw new KubeConfigError(`${where}: ${list} "${item.name}" has no ${field}`);
      // Within one file the first entry of a name is the one kubectl uses.
      if (!entries.has(item.name)) entries.set(item.name, absolutePaths(body, dir));
    }
    return entries;
  };
  const current = doc['current-context'];
  return {
    ...(typeof current === 'string' && current ? { currentContext: current } : {}),
    clusters: named('clusters', 'cluster'),
    users: named('users', 'user'),
    contexts: named('contexts', 'context'),
    dir,
  };
}

/** client-go resolves a kubeconfig's file references against the file's own folder. */
const PATH_FIELDS = ['certificate-authority', 'client-certificate', 'client-key', 'tokenFile'];

function absolutePaths(body: Record<string, unknown>, dir: string): Record<string, unknown> {
  const out = { ...body };
  for (const field of PATH_FIELDS) {
    const value = out[field];
    if (typeof value === 'string' && value && !isAbsolute(value)) out[field] = join(dir, value);
  }
  return out;
}

function resolveCurrent(files: KubeconfigFile[], where: string): RestConfig {
  const first = <T>(pick: (file: KubeconfigFile) => T | undefined): T | undefined => {
    for (const file of files) {
      const value = pick(file);
      if (value !== undefined) return value;
    }
    return undefined;
  };
  const contextName = first((file) => file.currentContext);
  if (!contextName) throw new KubeConfigError(`${where} sets no current-context`);
  const context = first((file) => file.contexts.get(contextName));
  if (!context)
    throw new KubeConfigError(`${where}: current-context "${contextName}" is not defined`);
  const clusterName = str(context.cluster);
  const cluster = first((file) => file.clusters.get(clusterName));
  if (!cluster) {
    throw new KubeConfigError(
      `${where}: context "${contextName}" names cluster "${clusterName}", which is not defined`,
    );
  }
  const server = str(cluster.server);
  if (!server) throw new KubeConfigError(`${where}: cluster "${clusterName}" has no server`);
  if (!/^https?:$/.test(URL.parse(server)?.protocol ?? '')) {
    throw new KubeConfigError(
      `${where}: cluster "${clusterName}" has server "${server}", which is not an https:// or http:// URL`,
    );
  }
  if (str(cluster['proxy-url'])) {
    throw new KubeConfigError(
      `${where}: cluster "${clusterName}" sets proxy-url, which this operator does not support; ` +
        'reach the API server directly',
    );
  }
  const userName = str(context.user);
  // A context may name no user (anonymous); naming a missing one is a mistake.
  const user = userName ? first((file) => file.users.get(userName)) : {};
  if (!user) {
    throw new KubeConfigError(
      `${where}: context "${contextName}" names user "${userName}", which is not defined`,
    );
  }
  const userDir =
    first((file) => (file.users.has(userName) ? file.dir : undefined)) ?? files[0]!.dir;
  const what = `${where}: user "${userName}"`;
  const namespace = str(context.namespace);
  const serverName = str(cluster['tls-server-name']);
  const ca = pem(cluster, 'certificate-authority', `${where}: cluster "${clusterName}"`);
  const cert = pem(user, 'client-certificate', what);
  const key = pem(user, 'client-key', what);
  if (Boolean(cert) !== Boolean(key)) {
    throw new KubeConfigError(`${what} has a client certificate or key without the other`);
  }
  const impersonateUser = str(user.as);
  return {
    server,
    ...(namespace ? { namespace } : {}),
    tls: {
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
      insecureSkipVerify: cluster['insecure-skip-tls-verify'] === true,
      ...(serverName ? { serverName } : {}),
    },
    credentials: credentialsOf(user, what, userDir),
    ...(impersonateUser
      ? {
          impersonate: {
            user: impersonateUser,
            groups: Array.isArray(user['as-groups']) ? user['as-groups'].map(String) : [],
          },
        }
      : {}),
    source: where,
  };
}

function credentialsOf(user: Record<string, unknown>, what: string, dir: string): Credentials {
  const token = str(user.token);
  const tokenFile = str(user.tokenFile);
  const username = str(user.username);
  const password = str(user.password);
  const sources = [
    (token || tokenFile) && 'a token',
    (username || password) && 'a username and password',
    isObject(user.exec) && 'an exec plugin',
    isObject(user['auth-provider']) && 'an auth-provider',
  ].filter(Boolean);
  if (sources.length > 1) {
    throw new KubeConfigError(`${what} sets ${sources.join(' and ')}; set only one`);
  }
  // client-go: a token given inline wins over tokenFile.
  if (token) return { kind: 'token', token };
  if (tokenFile) return { kind: 'tokenFile', path: tokenFile };
  if (username || password) return { kind: 'basic', username, password };
  if (isObject(user.exec)) return { kind: 'exec', exec: execConfigOf(user.exec, what, dir) };
  if (isObject(user['auth-provider'])) return authProvider(user['auth-provider'], what);
  return { kind: 'none' };
}

const EXEC_API_VERSIONS = [
  'client.authentication.k8s.io/v1',
  'client.authentication.k8s.io/v1beta1',
];

function execConfigOf(exec: Record<string, unknown>, what: string, dir: string): ExecConfig {
  let command = str(exec.command);
  if (!command) throw new KubeConfigError(`${what}: exec has no command`);
  const apiVersion = str(exec.apiVersion);
  if (!EXEC_API_VERSIONS.includes(apiVersion)) {
    throw new KubeConfigError(
      `${what}: exec apiVersion "${apiVersion}" is not one of ${EXEC_API_VERSIONS.join(', ')}`,
    );
  }
  if (exec.interactiveMode === 'Always') {
    throw new KubeConfigError(
      `${what}: exec interactiveMode is Always, but the operator has no terminal to prompt on`,
    );
  }
  // client-go: a relative command with a slash is relative to the kubeconfig's folder.
  if (command.includes('/') && !isAbsolute(command)) command = join(dir, command);
  const env: Record<string, string> = {};
  for (const entry of Array.isArray(exec.env) ? exec.env : []) {
    if (isObject(entry) && typeof entry.name === 'string') env[entry.name] = str(entry.value);
  }
  const installHint = str(exec.installHint);
  return {
    command,
    args: Array.isArray(exec.args) ? exec.args.map(String) : [],
    env,
    apiVersion,
    provideClusterInfo: exec.provideClusterInfo === true,
    ...(installHint ? { installHint } : {}),
  };
}

/**
 * Of the legacy auth providers only oidc is still in kubectl (gcp and azure
 * left in 1.26 for exec plugins). Its current id-token is used as a bearer
 * token; refreshing it is left to whatever wrote the kubeconfig.
 */
function authProvider(provider: Record<string, unknown>, what: string): Credentials {
  const name = str(provider.name);
  const config = isObject(provider.config) ? provider.config : {};
  const idToken = str(config['id-token']);
  if (name === 'oidc' && idToken) return { kind: 'token', token: idToken };
  if (name === 'oidc') throw new KubeConfigError(`${what}: the oidc auth-provider has no id-token`);
  throw new KubeConfigError(
    `${what}: auth-provider "${name}" is not supported (kubectl dropped it in 1.26); ` +
      'use its exec credential plugin instead',
  );
}

/** PEM from `<field>-data` (base64) or `<field>` (a file), as client-go reads them. */
function pem(body: Record<string, unknown>, field: string, what: string): Buffer | undefined {
  const data = str(body[`${field}-data`]);
  if (data) return Buffer.from(data, 'base64');
  const file = str(body[field]);
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch (err) {
    throw new KubeConfigError(`${what}: ${field} ${file} could not be read: ${messageOf(err)}`, {
      cause: err,
    });
  }
}

/** The pod's service account, as client-go's InClusterConfig; a reason string when not in a pod. */
function loadInCluster(env: Record<string, string | undefined>, dir: string): RestConfig | string {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) return 'KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set';
  const tokenFile = join(dir, 'token');
  if (!existsSync(tokenFile)) return `${tokenFile} does not exist`;
  const caFile = join(dir, 'ca.crt');
  const namespaceFile = join(dir, 'namespace');
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : '';
  return {
    server: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`,
    ...(namespace ? { namespace } : {}),
    // Without the mounted CA the system trust store applies.
    tls: { ...(existsSync(caFile) ? { ca: readFileSync(caFile) } : {}), insecureSkipVerify: false },
    credentials: { kind: 'tokenFile', path: tokenFile },
    source: 'in-cluster service account',
  };
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
