// The HTTP layer under the KubePort adapter: node:http(s) over one
// keep-alive connection pool, with the RestConfig's TLS material and the
// Authenticator's headers. Method, path, query, Content-Type and timeouts
// are set here, and every failure becomes a typed error.
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { errorFromStatus, KubeApiError, TransportError } from '@mcp-operator/kube-core/errors';
import type { ApiStatus } from '@mcp-operator/kube-core/errors';
import { isObject } from '@mcp-operator/kube-core/json';
import { Authenticator, CredentialError } from './credentials.ts';
import type { Authorization } from './credentials.ts';
import type { RestConfig } from './kubeconfig.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  /** Path and query, appended to the cluster's server URL. */
  path: string;
  body?: unknown;
  /** Defaults to application/json when there is a body. */
  contentType?: string;
}

export interface HttpOptions {
  requestTimeoutMs: number;
  userAgent: string;
  /** Counts requests by method and answer, as client-go's rest_client_requests_total. */
  onResponse?: (method: string, code: string) => void;
}

export class KubeHttp {
  readonly #config: RestConfig;
  readonly #server: URL;
  readonly #options: HttpOptions;
  readonly #auth: Authenticator;
  readonly #secure: boolean;
  #agent: HttpAgent;
  /** The exec plugin's certificate the pool was built with. */
  #agentCert: Buffer | undefined;

  constructor(config: RestConfig, options: HttpOptions) {
    this.#config = config;
    // A server URL may carry a path prefix (API proxies); keep it, drop a trailing slash.
    this.#server = new URL(config.server.replace(/\/+$/, ''));
    this.#secure = this.#server.protocol === 'https:';
    if (!this.#secure && this.#server.protocol !== 'http:') {
      throw new TransportError(`the server URL ${config.server} is neither https nor http`);
    }
    this.#options = options;
    this.#auth = new Authenticator(config);
    this.#agent = this.#newAgent(undefined);
  }

  /** Sends a request and decodes the JSON answer; throws a KubeApiError for non-2xx, TransportError for no answer. */
  async json(request: HttpRequest): Promise<unknown> {
    const controller = new AbortController();
    const ms = this.#options.requestTimeoutMs;
    const timer = setTimeout(() => controller.abort(), ms);
    try {
      const response = await this.#send(request, controller.signal);
      const text = await readBody(response);
      const code = response.statusCode ?? 0;
      if (code < 200 || code > 299)
        throw errorFromResponse(code, text, headersOf(response.headers));
      return decode(text, request);
    } catch (err) {
      if (controller.signal.aborted && !isKubeError(err)) {
        throw new TransportError(`${describe(request)}: no answer within ${ms} ms`, err);
      }
      throw toTyped(err, request);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Opens a streaming GET (a watch). Only getting the response headers is
   * bounded by the request timeout; the body runs until the server ends it
   * or `signal` aborts. A non-200 answer throws its typed error.
   */
  async stream(request: HttpRequest, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>> {
    const controller = new AbortController();
    const abort = () => controller.abort();
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
    const ms = this.#options.requestTimeoutMs;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, ms);
    try {
      const response = await this.#send(request, controller.signal);
      if (response.statusCode !== 200) {
        throw errorFromResponse(
          response.statusCode ?? 0,
          await readBody(response),
          headersOf(response.headers),
        );
      }
      clearTimeout(timer);
      return response;
    } catch (err) {
      if (timedOut && !isKubeError(err)) {
        throw new TransportError(`${describe(request)}: no answer within ${ms} ms`, err);
      }
      throw toTyped(err, request);
    } finally {
      clearTimeout(timer);
    }
  }

  async #send(request: HttpRequest, signal: AbortSignal): Promise<IncomingMessage> {
    let authorization: Authorization;
    try {
      // Asked per request: token files and exec plugins rotate.
      authorization = await this.#auth.authorize(signal);
    } catch (err) {
      throw new TransportError(
        `could not authenticate to ${this.#config.server}: ${messageOf(err)}`,
        err,
      );
    }
    const agent = this.#agentFor(authorization);
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const headers: Record<string, string | string[]> = {
      ...authorization.headers,
      Accept: 'application/json',
      'User-Agent': this.#options.userAgent,
    };
    if (body !== undefined) {
      headers['Content-Type'] = request.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const send = this.#secure ? httpsRequest : httpRequest;
    const { onResponse } = this.#options;
    const attempt = (retry: boolean) =>
      new Promise<IncomingMessage>((resolve, reject) => {
        const req = send(
          {
            protocol: this.#server.protocol,
            hostname: this.#server.hostname.replace(/^\[|\]$/g, ''),
            port: this.#server.port,
            path: `${this.#server.pathname.replace(/\/$/, '')}${request.path}`,
            method: request.method,
            headers,
            agent,
          },
          resolve,
        );
        req.on('error', (err) => {
          // A kept-alive connection the server closed as it was reused (its
          // idle timeout): sent once more on a new connection, as Node's
          // documentation advises. Should the first have arrived after all, a
          // create is refused as AlreadyExists and an update by its
          // resourceVersion, both of which callers already handle.
          if (retry && req.reusedSocket && isConnectionReset(err) && !signal.aborted) {
            resolve(attempt(false));
          } else reject(err);
        });
        // Destroyed without an error: one would reach a socket already back in the pool.
        const abort = () => {
          reject(new Error('the request was aborted'));
          req.destroy();
        };
        if (signal.aborted) abort();
        else signal.addEventListener('abort', abort, { once: true });
        req.on('close', () => signal.removeEventListener('abort', abort));
        req.end(body);
      });
    const response = await attempt(true).catch((err: unknown) => {
      onResponse?.(request.method, '<error>');
      throw err;
    });
    // Errors reach whoever reads the body; one after reading stopped (an abort) is not news.
    response.on('error', () => {});
    onResponse?.(request.method, String(response.statusCode));
    if (response.statusCode === 401) this.#auth.rejected();
    return response;
  }

  /**
   * One pool for the life of the process, so keep-alive connections are
   * reused; rebuilt only when an exec plugin hands out a new certificate,
   * whose old connections are closed, as client-go closes them.
   */
  #agentFor(authorization: Authorization): HttpAgent {
    const cert = authorization.clientCert;
    if (cert && cert.cert !== this.#agentCert) {
      const old = this.#agent;
      this.#agent = this.#newAgent(cert);
      this.#agentCert = cert.cert;
      old.destroy();
    }
    return this.#agent;
  }

  #newAgent(cert: { cert: Buffer; key: Buffer } | undefined): HttpAgent {
    if (!this.#secure) return new HttpAgent({ keepAlive: true });
    const { tls } = this.#config;
    const clientCert = cert ?? (tls.cert && tls.key ? { cert: tls.cert, key: tls.key } : undefined);
    return new HttpsAgent({
      keepAlive: true,
      ...(tls.ca ? { ca: tls.ca } : {}),
      ...(clientCert ? { cert: clientCert.cert, key: clientCert.key } : {}),
      rejectUnauthorized: !tls.insecureSkipVerify,
      ...(tls.serverName ? { servername: tls.serverName } : {}),
    });
  }
}

async function readBody(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function headersOf(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function isConnectionReset(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

function describe(request: HttpRequest): string {
  return `${request.method} ${request.path.split('?')[0]}`;
}

function messageOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause =
    err.cause instanceof Error && !(err instanceof CredentialError) ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}

function isKubeError(err: unknown): err is KubeApiError | TransportError {
  return err instanceof TransportError || err instanceof KubeApiError;
}

function toTyped(err: unknown, request: HttpRequest): Error {
  if (isKubeError(err)) return err;
  return new TransportError(`${describe(request)}: ${messageOf(err)}`, err);
}

function decode(text: string, request: HttpRequest): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new TransportError(`${describe(request)}: the answer is not JSON`, err);
  }
}

/** The typed error for a non-2xx answer: its metav1.Status when it sent one, else the bare code. */
export function errorFromResponse(
  code: number,
  text: string,
  headers: Record<string, string> = {},
): KubeApiError {
  let status: ApiStatus = { code };
  try {
    const body = JSON.parse(text) as unknown;
    if (isObject(body) && body.kind === 'Status')
      status = { ...(body as unknown as ApiStatus), code };
  } catch {
    // Not a Status (a proxy's HTML page, say): keep a short excerpt as the message.
    const excerpt = text.trim().slice(0, 200);
    if (excerpt) status = { code, message: `the server answered ${code}: ${excerpt}` };
  }
  const retryAfter = Number(headers['retry-after']);
  if (
    Number.isFinite(retryAfter) &&
    retryAfter > 0 &&
    status.details?.retryAfterSeconds === undefined
  ) {
    status = { ...status, details: { ...status.details, retryAfterSeconds: retryAfter } };
  }
  return errorFromStatus(status);
}
