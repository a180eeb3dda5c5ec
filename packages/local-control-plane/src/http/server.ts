// The REST face of the local API server: an HTTPS server whose request
// pipeline is kube-apiserver's handler chain in small — health endpoints,
// authentication, fault injection (latency and failures), authorization,
// then the resource, discovery or admin handler — with every request
// accounted for the fault log. Routing, negotiation, bodies, responses and
// watch streams live in the modules beside this one.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { Duplex } from 'node:stream';
import { ApiError } from '../errors.ts';
import type { Faults, Verb } from '../faults.ts';
import type { Store } from '../store.ts';
import { ADMIN_PREFIX, serveAdmin } from './admin.ts';
import type { AdminHandler } from './admin.ts';
import { authenticate, authorize } from './auth.ts';
import type { DenyRule } from './auth.ts';
import { Discovery } from './discovery.ts';
import { serveResource } from './resources.ts';
import { sendError } from './responses.ts';
import { routeOf, routeResource } from './routes.ts';
import { WatchStreams } from './watch-stream.ts';

export interface HttpOptions {
  /** The serving certificate and key (PEM). */
  tls: { cert: string; key: string };
  /** Bearer token → user name. */
  tokens: Map<string, string>;
  /** Serve requests without a token as system:anonymous. */
  anonymous: boolean;
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
    const user = authenticate(req, this.#options.tokens, this.#options.anonymous);
    const route = routeOf(this.#store, req.method ?? 'GET', path, url.searchParams);
    const resource = route ? routeResource(route) : path;
    const verb: Verb = route?.verb ?? 'discovery';
    const fieldManager = url.searchParams.get('fieldManager') ?? undefined;
    const client = fieldManager ?? userAgentProduct(req.headers['user-agent']);
    const record = (code: number) =>
      this.#faults.record({
        verb,
        resource,
        ...(route?.namespace ? { namespace: route.namespace } : {}),
        ...(route?.name ? { name: route.name } : {}),
        client,
        user,
        code,
        time: Date.now(),
      });
    try {
      const request = {
        verb,
        resource,
        ...(route?.namespace ? { namespace: route.namespace } : {}),
      };
      const delay = this.#faults.latencyFor(request);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      if (route) authorize(this.denyRules, user, route);
      const failure = this.#faults.takeFailure(request);
      if (failure) {
        throw new ApiError(
          failure.code,
          failure.reason ?? reasonFor(failure.code),
          failure.message ?? `injected failure (${failure.code})`,
        );
      }
      const code = route
        ? await serveResource(this.#store, this.#watches, req, res, url, route, client)
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
