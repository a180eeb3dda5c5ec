// The REST face of the local API server: an HTTPS server whose request
// pipeline is kube-apiserver's handler chain in small — health endpoints,
// authentication, impersonation, authorization (RBAC or AlwaysAllow, on the
// request info read from the path before any routing), then routing, fault
// injection (latency, deny rules and failures) and the resource, discovery
// or admin handler — with every request past authentication accounted for
// the fault log. Routing, negotiation, bodies, responses and watch streams
// live in the modules beside this one.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { Duplex } from 'node:stream';
import { ApiError } from '../errors.ts';
import type { Faults, Verb } from '../faults.ts';
import type { Store } from '../store.ts';
import { ADMIN_PREFIX, serveAdmin } from './admin.ts';
import type { AdminHandler } from './admin.ts';
import type { Authorizer } from '../rbac/authorizer.ts';
import { applyDenyRules, authorizeRequest } from './auth.ts';
import type { Authenticator, DenyRule } from './auth.ts';
import { Discovery } from './discovery.ts';
import { impersonate } from './impersonation.ts';
import { requestInfo } from './request-info.ts';
import { serveResource } from './resources.ts';
import { sendError } from './responses.ts';
import { routeOf, routeResource } from './routes.ts';
import { WatchStreams } from './watch-stream.ts';

export interface HttpOptions {
  /** The serving certificate and key (PEM). */
  tls: { cert: string; key: string };
  /** Who a request's bearer token stands for. */
  authenticator: Authenticator;
  /** Decides every request (and impersonation) after authentication. */
  authorizer: Authorizer;
  /** Token for /admin endpoints. */
  adminToken: string;
  /** Seconds between BOOKMARK events on watches that allow them. */
  bookmarkIntervalSeconds: number;
  /** Handles /admin/* requests (after the admin token check). */
  admin: AdminHandler;
}

export class LocalHttpServer {
  readonly #store: Store;
  readonly #faults: Faults;
  readonly #options: HttpOptions;
  readonly #server: Server;
  readonly #watches: WatchStreams;
  readonly #discovery: Discovery;
  readonly #sockets = new Set<Duplex>();
  denyRules: DenyRule[] = [];

  constructor(store: Store, faults: Faults, options: HttpOptions) {
    this.#store = store;
    this.#faults = faults;
    this.#options = options;
    this.#watches = new WatchStreams(store, options.bookmarkIntervalSeconds);
    this.#discovery = new Discovery(store);
    this.#server = createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
      this.#handle(req, res).catch((err: unknown) => sendError(req, res, err));
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        const address = this.#server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  /** Stops listening and cuts every connection, open watches included, as a crash would. */
  close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    this.#watches.dropAll();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  /** Ends every open watch stream, as kube-apiserver does when it closes watches (clients resume). */
  dropWatches(): void {
    this.#watches.dropAll();
  }

  /** Makes every open watch go silent without closing (a stalled connection). */
  stallWatches(): void {
    this.#watches.stallAll();
  }

  get openWatchCount(): number {
    return this.#watches.size;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      return;
    }
    if (path.startsWith(ADMIN_PREFIX)) {
      await serveAdmin(req, res, path, this.#options.adminToken, this.#options.admin);
      return;
    }
    const requestor = this.#options.authenticator.authenticate(req);
    const info = requestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
    const fieldManager = url.searchParams.get('fieldManager') ?? undefined;
    const client = fieldManager ?? userAgentProduct(req.headers['user-agent']);
    const recordAs = (
      user: string,
      what: {
        verb: Verb;
        resource: string;
        namespace?: string | undefined;
        name?: string | undefined;
      },
      code: number,
    ) =>
      this.#faults.record({
        verb: what.verb,
        resource: what.resource,
        ...(what.namespace ? { namespace: what.namespace } : {}),
        ...(what.name ? { name: what.name } : {}),
        client,
        user,
        code,
        time: Date.now(),
      });
    let user = requestor;
    try {
      user = impersonate(req, requestor, this.#options.authorizer);
      authorizeRequest(this.#options.authorizer, { ...info, user });
    } catch (err) {
      // Refused before routing: accounted under what the request info names.
      const resource = info.resourceRequest
        ? `${info.resource}${info.subresource ? `/${info.subresource}` : ''}`
        : path;
      const verb = (info.resourceRequest ? info.verb : 'discovery') as Verb;
      recordAs(
        user.name,
        { verb, resource, namespace: info.namespace, name: info.name },
        err instanceof ApiError ? err.code : 500,
      );
      throw err;
    }
    const route = routeOf(this.#store, req.method ?? 'GET', path, url.searchParams);
    const resource = route ? routeResource(route) : path;
    const verb: Verb = route?.verb ?? 'discovery';
    const record = (code: number) =>
      recordAs(user.name, { verb, resource, namespace: route?.namespace, name: route?.name }, code);
    try {
      const request = {
        verb,
        resource,
        ...(route?.namespace ? { namespace: route.namespace } : {}),
      };
      const delay = this.#faults.latencyFor(request);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      if (route) applyDenyRules(this.denyRules, user.name, route);
      const failure = this.#faults.takeFailure(request);
      if (failure) {
        throw new ApiError(
          failure.code,
          failure.reason ?? reasonFor(failure.code),
          failure.message ?? `injected failure (${failure.code})`,
          failure.retryAfterSeconds ? { retryAfterSeconds: failure.retryAfterSeconds } : undefined,
        );
      }
      const code = route
        ? await serveResource(this.#store, this.#watches, req, res, url, route, client, {
            user,
            authorizer: this.#options.authorizer,
          })
        : this.#discovery.serve(res, path);
      record(code);
    } catch (err) {
      record(err instanceof ApiError ? err.code : 500);
      throw err;
    }
  }
}

function reasonFor(code: number): string {
  const reasons: Record<number, string> = {
    400: 'BadRequest',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    409: 'Conflict',
    410: 'Expired',
    422: 'Invalid',
    429: 'TooManyRequests',
    500: 'InternalError',
    503: 'ServiceUnavailable',
    504: 'Timeout',
  };
  return reasons[code] ?? 'Unknown';
}

function userAgentProduct(userAgent: string | undefined): string {
  return (userAgent ?? 'unknown').split('/')[0]!.trim() || 'unknown';
}
