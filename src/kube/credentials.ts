// The Authorization (and client certificate) each request carries, from the
// RestConfig's one credential source. Sources that change under a running
// process are re-read as client-go re-reads them: a token file after a
// minute (projected service-account tokens rotate), an exec plugin's
// credential when it expires or the server answers 401.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { isObject } from '@mcp-operator/kube-core/json';
import type { ExecConfig, RestConfig } from './kubeconfig.ts';

export interface Authorization {
  headers: Record<string, string | string[]>;
  /** A client certificate an exec plugin handed out (the RestConfig's own is in its tls). */
  clientCert?: { cert: Buffer; key: Buffer };
}

/** The credential could not be obtained; the message says from where and why. */
export class CredentialError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CredentialError';
  }
}

/** How long a token read from a file is used before the file is read again (client-go's). */
export const TOKEN_FILE_REREAD_MS = 60_000;
/** How long the last token is kept when the file could not be read again. */
export const TOKEN_FILE_RETRY_MS = 10_000;

export type RunPlugin = (
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
) => Promise<{ stdout: string; stderr: string }>;

interface Cached {
  authorization: Authorization;
  /** Epoch ms after which the cache is not used; Infinity when it never expires. */
  until: number;
}

export class Authenticator {
  readonly #config: RestConfig;
  readonly #now: () => number;
  readonly #run: RunPlugin;
  #cached: Cached | undefined;
  #pending: Promise<Cached> | undefined;

  constructor(config: RestConfig, options: { now?: () => number; runPlugin?: RunPlugin } = {}) {
    this.#config = config;
    this.#now = options.now ?? Date.now;
    this.#run = options.runPlugin ?? runPlugin;
  }

  async authorize(signal: AbortSignal): Promise<Authorization> {
    const cached = this.#cached;
    if (cached && this.#now() < cached.until) return cached.authorization;
    // Concurrent requests share one read of the file or one run of the plugin.
    this.#pending ??= this.#fetch(signal).finally(() => (this.#pending = undefined));
    try {
      this.#cached = await this.#pending;
    } catch (err) {
      // A token file briefly unreadable mid-rotation: keep the token we have, as
      // client-go does, and look again after a while rather than on every request.
      if (cached && this.#config.credentials.kind === 'tokenFile') {
        this.#cached = { ...cached, until: this.#now() + TOKEN_FILE_RETRY_MS };
        return cached.authorization;
      }
      throw err;
    }
    return this.#cached.authorization;
  }

  /** The server answered 401: the next request fetches a fresh credential. */
  rejected(): void {
    const kind = this.#config.credentials.kind;
    if (kind === 'exec' || kind === 'tokenFile') this.#cached = undefined;
  }

  async #fetch(signal: AbortSignal): Promise<Cached> {
    const credentials = this.#config.credentials;
    const headers = this.#impersonation();
    switch (credentials.kind) {
      case 'none':
        return { authorization: { headers }, until: Infinity };
      case 'token':
        headers.Authorization = `Bearer ${credentials.token}`;
        return { authorization: { headers }, until: Infinity };
      case 'basic': {
        const pair = `${credentials.username}:${credentials.password}`;
        headers.Authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
        return { authorization: { headers }, until: Infinity };
      }
      case 'tokenFile': {
        let token: string;
        try {
          token = (await readFile(credentials.path, 'utf8')).trim();
        } catch (err) {
          throw new CredentialError(
            `the token file ${credentials.path} could not be read: ${messageOf(err)}`,
            {
              cause: err,
            },
          );
        }
        if (!token) throw new CredentialError(`the token file ${credentials.path} is empty`);
        headers.Authorization = `Bearer ${token}`;
        return { authorization: { headers }, until: this.#now() + TOKEN_FILE_REREAD_MS };
      }
      case 'exec':
        return this.#exec(credentials.exec, headers, signal);
    }
  }

  async #exec(
    exec: ExecConfig,
    headers: Record<string, string | string[]>,
    signal: AbortSignal,
  ): Promise<Cached> {
    const name = `the credential plugin ${exec.command}`;
    const info = {
      apiVersion: exec.apiVersion,
      kind: 'ExecCredential',
      spec: {
        interactive: false,
        ...(exec.provideClusterInfo ? { cluster: this.#clusterInfo() } : {}),
      },
    };
    let output: { stdout: string; stderr: string };
    try {
      output = await this.#run(
        exec.command,
        exec.args,
        { ...process.env, ...exec.env, KUBERNETES_EXEC_INFO: JSON.stringify(info) },
        signal,
      );
    } catch (err) {
      const hint = isNotFound(err) && exec.installHint ? `; ${exec.installHint}` : '';
      throw new CredentialError(`${name} failed: ${messageOf(err)}${hint}`, { cause: err });
    }
    let credential: unknown;
    try {
      credential = JSON.parse(output.stdout);
    } catch (err) {
      throw new CredentialError(`${name} printed something that is not an ExecCredential`, {
        cause: err,
      });
    }
    if (!isObject(credential) || credential.kind !== 'ExecCredential') {
      throw new CredentialError(`${name} printed something that is not an ExecCredential`);
    }
    if (credential.apiVersion !== exec.apiVersion) {
      throw new CredentialError(
        `${name} answered apiVersion ${String(credential.apiVersion)}, not the ${exec.apiVersion} it was asked for`,
      );
    }
    const status = isObject(credential.status) ? credential.status : {};
    const token = typeof status.token === 'string' ? status.token : '';
    const cert =
      typeof status.clientCertificateData === 'string' ? status.clientCertificateData : '';
    const key = typeof status.clientKeyData === 'string' ? status.clientKeyData : '';
    if (Boolean(cert) !== Boolean(key)) {
      throw new CredentialError(`${name} gave a client certificate or key without the other`);
    }
    if (!token && !cert)
      throw new CredentialError(`${name} gave neither a token nor a certificate`);
    if (token) headers.Authorization = `Bearer ${token}`;
    const expires =
      typeof status.expirationTimestamp === 'string' ? Date.parse(status.expirationTimestamp) : NaN;
    return {
      authorization: {
        headers,
        ...(cert ? { clientCert: { cert: Buffer.from(cert), key: Buffer.from(key) } } : {}),
      },
      until: Number.isFinite(expires) ? expires : Infinity,
    };
  }

  #impersonation(): Record<string, string | string[]> {
    const as = this.#config.impersonate;
    if (!as) return {};
    // An array goes out as one header line per group, as kube-apiserver reads them.
    return {
      'Impersonate-User': as.user,
      ...(as.groups.length > 0 ? { 'Impersonate-Group': as.groups } : {}),
    };
  }

  #clusterInfo(): Record<string, unknown> {
    const { server, tls } = this.#config;
    return {
      server,
      ...(tls.serverName ? { 'tls-server-name': tls.serverName } : {}),
      ...(tls.insecureSkipVerify ? { 'insecure-skip-tls-verify': true } : {}),
      ...(tls.ca ? { 'certificate-authority-data': tls.ca.toString('base64') } : {}),
    };
  }
}

/** Runs a plugin without a terminal; its stderr is kept for the error message. */
const runPlugin: RunPlugin = (command, args, env, signal) =>
  new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { env, signal, maxBuffer: 1 << 20, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (!err) return resolve({ stdout, stderr });
        const detail = stderr.trim().split('\n').slice(-3).join(' ').slice(0, 300);
        reject(
          detail ? new Error(`${err.message.split('\n')[0]}: ${detail}`, { cause: err }) : err,
        );
      },
    );
  });

function isNotFound(err: unknown): boolean {
  return (
    isObject(err) && (err.code === 'ENOENT' || (isObject(err.cause) && err.cause.code === 'ENOENT'))
  );
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
