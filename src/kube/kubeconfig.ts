// Where the operator's cluster credentials come from, in kubectl's order:
// --kubeconfig, then $KUBECONFIG, then ~/.kube/config, then the pod's
// service account. A source the user named explicitly (the flag or the
// variable) that does not work is an error rather than a reason to try the
// next one: falling through would connect to a cluster nobody asked for.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { isIPv6 } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

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

export function loadKubeConfig(options: LoadKubeConfigOptions = {}): KubeConfig {
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
  if (inCluster instanceof KubeConfig) return inCluster;
  tried.push(`in-cluster service account (${inCluster})`);

  throw new KubeConfigError(
    `no Kubernetes configuration found; tried ${tried.join(', ')}. ` +
      'Pass --kubeconfig PATH or set KUBECONFIG.',
  );
}

/** Loads and merges kubeconfig files; for a name in several files the first wins, as in kubectl. */
function loadFiles(files: string[], source: string): KubeConfig {
  const [first, ...rest] = files.map((file) => readFile(file, source));
  const kc = first!;
  for (const next of rest) {
    if (!kc.getCurrentContext() && next.getCurrentContext()) {
      kc.setCurrentContext(next.getCurrentContext());
    }
    for (const cluster of next.getClusters())
      if (!kc.getCluster(cluster.name)) kc.addCluster(cluster);
    for (const user of next.getUsers()) if (!kc.getUser(user.name)) kc.addUser(user);
    for (const context of next.getContexts()) {
      if (!kc.getContextObject(context.name)) kc.addContext(context);
    }
  }
  checkUsable(kc, `${source} ${files.join(delimiter)}`);
  return kc;
}

function readFile(file: string, source: string): KubeConfig {
  if (!existsSync(file)) throw new KubeConfigError(`${source} ${file}: no such file`);
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(file);
  } catch (err) {
    throw new KubeConfigError(
      `${source} ${file} could not be read: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  return kc;
}

function checkUsable(kc: KubeConfig, where: string): void {
  const name = kc.getCurrentContext();
  if (!name) throw new KubeConfigError(`${where} sets no current-context`);
  const context = kc.getContextObject(name);
  if (!context) throw new KubeConfigError(`${where}: current-context "${name}" is not defined`);
  const cluster = kc.getCluster(context.cluster);
  if (!cluster) {
    throw new KubeConfigError(
      `${where}: context "${name}" names cluster "${context.cluster}", which is not defined`,
    );
  }
  if (!cluster.server)
    throw new KubeConfigError(`${where}: cluster "${cluster.name}" has no server`);
}

/** The pod's service account, as client-go's InClusterConfig; a reason string when not in a pod. */
function loadInCluster(env: Record<string, string | undefined>, dir: string): KubeConfig | string {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) return 'KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set';
  const tokenFile = join(dir, 'token');
  if (!existsSync(tokenFile)) return `${tokenFile} does not exist`;
  const caFile = join(dir, 'ca.crt');
  const namespaceFile = join(dir, 'namespace');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'in-cluster',
        server: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`,
        skipTLSVerify: false,
        // Without the mounted CA the system trust store applies.
        ...(existsSync(caFile) ? { caFile } : {}),
      },
    ],
    // client-node's tokenFile provider re-reads the projected token every minute.
    users: [{ name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile } } }],
    contexts: [
      {
        name: 'in-cluster',
        cluster: 'in-cluster',
        user: 'in-cluster',
        ...(existsSync(namespaceFile) ? { namespace: readNamespace(namespaceFile) } : {}),
      },
    ],
    currentContext: 'in-cluster',
  });
  return kc;
}

function readNamespace(file: string): string {
  return readFileSync(file, 'utf8').trim();
}
