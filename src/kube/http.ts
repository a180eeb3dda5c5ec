// The HTTP layer under the KubePort adapter. Authentication and TLS are
// client-node's (KubeConfig.applySecurityAuthentication fills the headers
// and the undici dispatcher; IsomorphicFetchHttpLibrary is its fetch); the
// requests themselves — method, path, query, Content-Type, timeout — are
// ours, and so is turning every failure into a typed error.
import { IsomorphicFetchHttpLibrary, RequestContext } from '@kubernetes/client-node';
import type { KubeConfig, ResponseContext } from '@kubernetes/client-node';
import { errorFromStatus, KubeApiError, TransportError } from '@mcp-operator/kube-core/errors';
import type { ApiStatus } from '@mcp-operator/kube-core/errors';
import { isObject } from '@mcp-operator/kube-core/json';

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

type Dispatcher = ReturnType<RequestContext['getDispatcher']>;

export class KubeHttp {
  readonly #kc: KubeConfig;
  readonly #server: string;
  readonly #options: HttpOptions;
  readonly #fetch = new IsomorphicFetchHttpLibrary();
  #dispatcher: Dispatcher;
  #haveDispatcher = false;

  constructor(kc: KubeConfig, server: string, options: HttpOptions) {
    this.#kc = kc;
    // A server URL may carry a path prefix (API proxies); keep it, drop a trailing slash.
    this.#server = server.replace(/\/+$/, '');
    this.#options = options;
  }

  /** Sends a request and decodes the JSON answer; throws a KubeApiError for non-2xx, TransportError for no answer. */
  async json(request: HttpRequest): Promise<unknown> {
    const controller = new AbortController();
    const ms = this.#options.requestTimeoutMs;
    const timer = setTimeout(() => controller.abort(), ms);
    try {
      const response = await this.#send(request, controller.signal);
      const text = await response.body.text();
      if (response.httpStatusCode < 200 || response.httpStatusCode > 299) {
        throw errorFromResponse(response.httpStatusCode, text, response.headers);
      }
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
  async stream(request: HttpRequest, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const controller = new AbortController();
    const abort = () => controller.abort();
    signal.addEventListener('abort', abort, { once: true });
    const ms = this.#options.requestTimeoutMs;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, ms);
    try {
      const response = await this.#send(request, controller.signal);
      if (response.httpStatusCode !== 200) {
        throw errorFromResponse(
          response.httpStatusCode,
          await response.body.text(),
          response.headers,
        );
      }
      clearTimeout(timer);
      const body = response.body.stream();
      if (!body) throw new TransportError(`${describe(request)}: the answer has no body`);
      return body;
    } catch (err) {
      if (timedOut && !isKubeError(err)) {
        throw new TransportError(`${describe(request)}: no answer within ${ms} ms`, err);
      }
      throw toTyped(err, request);
    } finally {
      clearTimeout(timer);
    }
  }

  async #send(request: HttpRequest, signal: AbortSignal): Promise<ResponseContext> {
    const context = new RequestContext(`${this.#server}${request.path}`, request.method);
    try {
      // Re-applied per request: tokens from files and exec plugins rotate.
      await this.#kc.applySecurityAuthentication(context);
    } catch (err) {
      throw new TransportError(`could not authenticate to ${this.#server}: ${messageOf(err)}`, err);
    }
    this.#reuseDispatcher(context);
    context.setHeaderParam('Accept', 'application/json');
    context.setHeaderParam('User-Agent', this.#options.userAgent);
    if (request.body !== undefined) {
      context.setHeaderParam('Content-Type', request.contentType ?? 'application/json');
      context.setBody(JSON.stringify(request.body));
    }
    context.setSignal(signal);
    const { onResponse } = this.#options;
    if (!onResponse) return this.#fetch.send(context).toPromise();
    try {
      const response = await this.#fetch.send(context).toPromise();
      onResponse(request.method, String(response.httpStatusCode));
      return response;
    } catch (err) {
      onResponse(request.method, '<error>');
      throw err;
    }
  }

  /**
   * client-node builds a new connection pool for every request; keeping the
   * first one lets keep-alive connections be reused. (A CA or client
   * certificate rotated on disk is picked up on the next process start.)
   */
  #reuseDispatcher(context: RequestContext): void {
    const fresh = context.getDispatcher();
    if (!this.#haveDispatcher) {
      this.#dispatcher = fresh;
      this.#haveDispatcher = true;
      return;
    }
    if (fresh && fresh !== this.#dispatcher) void fresh.close();
    if (this.#dispatcher) context.setDispatcher(this.#dispatcher);
  }
}

function describe(request: HttpRequest): string {
  return `${request.method} ${request.path.split('?')[0]}`;
}

function messageOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // fetch reports "fetch failed" and keeps the reason (ECONNREFUSED, a TLS error) in `cause`.
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
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
