// The REST face of the local API server: routes Kubernetes API paths onto
// the store, with authentication, deny rules, fault injection, request
// accounting, Table output, discovery, OpenAPI and streaming watches.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { Duplex } from 'node:stream';
import { parse as parseYaml } from 'yaml';
import { ApiError, errors } from './errors.ts';
import type { Faults, Verb } from './faults.ts';
import { buildOpenAPI } from './openapi.ts';
import type { PatchType, Store, WatchEvent } from './store.ts';
import { toTable } from './table.ts';
import { apiVersionOf } from './types.ts';
import type { KubeObject, ResourceType } from './types.ts';

export interface DenyRule {
  verb?: Verb;
  resource?: string;
  namespace?: string;
  user?: string;
}

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
  admin: (path: string, body: unknown) => unknown;
}

interface Route {
  verb: Verb;
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: 'status';
}

const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-mcp-operator-local',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'n/a (local control plane)',
  compiler: 'n/a',
  platform: `${process.platform}/${process.arch}`,
};

interface OpenWatch {
  res: ServerResponse;
  stalled: boolean;
  stop: () => void;
}

export class LocalHttpServer {
  readonly #store: Store;
  readonly #faults: Faults;
  readonly #options: HttpOptions;
  readonly #server: Server;
  readonly #watches = new Set<OpenWatch>();
  readonly #sockets = new Set<Duplex>();
  denyRules: DenyRule[] = [];
  #openapi: { key: string; docs: ReturnType<typeof buildOpenAPI> } | undefined;

  constructor(store: Store, faults: Faults, options: HttpOptions) {
    this.#store = store;
    this.#faults = faults;
    this.#options = options;
    this.#server = createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
      this.#handle(req, res).catch((err: unknown) => this.#fail(res, err));
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
    for (const watch of this.#watches) watch.stop();
    this.#watches.clear();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  /** Ends every open watch stream, as kube-apiserver does when it closes watches (clients resume). */
  dropWatches(): void {
    for (const watch of [...this.#watches]) watch.stop();
    this.#watches.clear();
  }

  /** Makes every open watch go silent without closing (a stalled connection). */
  stallWatches(): void {
    for (const watch of this.#watches) watch.stalled = true;
  }

  get openWatchCount(): number {
    return this.#watches.size;
  }

  // ---- request handling -----------------------------------------------------

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      return;
    }
    if (path.startsWith('/admin/')) {
      const auth = req.headers.authorization ?? '';
      if (auth !== `Bearer ${this.#options.adminToken}`) throw errors.unauthorized();
      const body = await readBody(req);
      const result = this.#options.admin(
        path.slice('/admin/'.length),
        body.length ? JSON.parse(body) : {},
      );
      this.#json(res, 200, result ?? { ok: true });
      return;
    }
    const user = this.#authenticate(req);
    const route = this.#route(req.method ?? 'GET', path, url.searchParams);
    const resource = route
      ? `${route.type.plural}${route.subresource ? `/${route.subresource}` : ''}`
      : path;
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
      if (route) this.#authorize(user, route);
      const failure = this.#faults.takeFailure(request);
      if (failure) {
        throw new ApiError(
          failure.code,
          failure.reason ?? reasonFor(failure.code),
          failure.message ?? `injected failure (${failure.code})`,
        );
      }
      const code = route
        ? await this.#serveResource(
            req,
            res,
            url,
            route,
            fieldManager ?? userAgentProduct(req.headers['user-agent']),
          )
        : this.#serveDiscovery(req, res, path);
      record(code);
    } catch (err) {
      record(err instanceof ApiError ? err.code : 500);
      throw err;
    }
  }

  #authenticate(req: IncomingMessage): string {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      const user = this.#options.tokens.get(auth.slice('Bearer '.length).trim());
      if (user) return user;
      throw errors.unauthorized();
    }
    if (this.#options.anonymous) return 'system:anonymous';
    throw errors.unauthorized();
  }

  #authorize(user: string, route: Route) {
    const resource = `${route.type.plural}${route.subresource ? `/${route.subresource}` : ''}`;
    const denied = this.denyRules.some(
      (rule) =>
        (rule.verb === undefined || rule.verb === route.verb) &&
        (rule.resource === undefined || rule.resource === resource) &&
        (rule.namespace === undefined || rule.namespace === route.namespace) &&
        (rule.user === undefined || rule.user === user),
    );
    if (denied) {
      throw errors.forbidden(
        user,
        route.verb,
        resource,
        route.type.group,
        route.name ?? '',
        route.namespace ?? '',
      );
    }
  }

  /** Maps a REST path onto a resource route; undefined for discovery and other paths. */
  #route(method: string, path: string, query: URLSearchParams): Route | undefined {
    let parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    let group: string;
    if (parts[0] === 'api' && parts.length >= 3) {
      group = '';
      parts = parts.slice(1);
    } else if (parts[0] === 'apis' && parts.length >= 4) {
      group = parts[1]!;
      parts = parts.slice(2);
    } else return undefined;
    const version = parts[0]!;
    let rest = parts.slice(1);
    let watchPath = false;
    if (rest[0] === 'watch') {
      watchPath = true;
      rest = rest.slice(1);
    }
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [plural, name, subresource, ...extra] = rest;
    if (!plural || extra.length > 0) throw errors.notFound(plural ?? '', group, name ?? '');
    const type = this.#store.typeFor(group, plural, version);
    if (!type) {
      throw noSuchPath();
    }
    if (!type.namespaced && namespace !== undefined) {
      throw noSuchPath();
    }
    if (subresource !== undefined && (subresource !== 'status' || !type.statusSubresource)) {
      throw noSuchPath();
    }
    const watch = watchPath || query.get('watch') === 'true' || query.get('watch') === '1';
    let verb: Verb;
    switch (method) {
      case 'GET':
        verb = watch ? 'watch' : name ? 'get' : 'list';
        break;
      case 'POST':
        if (name) throw errors.methodNotAllowed();
        verb = 'create';
        break;
      case 'PUT':
        if (!name) throw errors.methodNotAllowed();
        verb = 'update';
        break;
      case 'PATCH':
        if (!name) throw errors.methodNotAllowed();
        verb = 'patch';
        break;
      case 'DELETE':
        verb = name ? 'delete' : 'deletecollection';
        break;
      default:
        throw errors.methodNotAllowed();
    }
    // Namespaced kinds are listed and watched across namespaces; everything else needs one.
    if (type.namespaced && namespace === undefined && verb !== 'list' && verb !== 'watch') {
      if (name === undefined) throw errors.methodNotAllowed();
      throw noSuchPath();
    }
    return {
      verb,
      type,
      ...(namespace !== undefined ? { namespace } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(subresource === 'status' ? { subresource: 'status' as const } : {}),
    };
  }

  async #serveResource(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    route: Route,
    manager: string,
  ): Promise<number> {
    const q = url.searchParams;
    const { type, namespace, name } = route;
    const dryRun = q.getAll('dryRun').includes('All');
    const fieldValidation = parseFieldValidation(q.get('fieldValidation'));
    const writeOptions = {
      dryRun,
      fieldManager: manager,
      ...(fieldValidation ? { fieldValidation } : {}),
      ...(route.subresource ? { subresource: route.subresource } : {}),
      force: q.get('force') === 'true',
    };
    const asTable = wantsTable(req.headers.accept);
    switch (route.verb) {
      case 'get': {
        const object = this.#store.get(type, namespace, name!);
        if (asTable) return this.#json(res, 200, this.#table([object], type, q));
        return this.#json(res, 200, object);
      }
      case 'list': {
        const result = this.#store.list(type, namespace, listOptions(q));
        if (asTable) return this.#json(res, 200, this.#table(result.items, type, q, result));
        return this.#json(res, 200, {
          apiVersion: apiVersionOf(type),
          kind: type.listKind,
          metadata: {
            resourceVersion: result.resourceVersion,
            ...(result.continue
              ? { continue: result.continue, remainingItemCount: result.remainingItemCount }
              : {}),
          },
          items: result.items,
        });
      }
      case 'watch':
        this.#serveWatch(req, res, route, q);
        return 200;
      case 'create': {
        const body = await readObject(req);
        const result = this.#store.create(type, namespace, body, writeOptions);
        return this.#json(res, result.code, result.object, result.warnings);
      }
      case 'update': {
        const body = await readObject(req);
        const result = this.#store.update(type, namespace, name!, body, writeOptions);
        return this.#json(res, result.code, result.object, result.warnings);
      }
      case 'patch': {
        const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
        const patchType = PATCH_TYPES[contentType];
        if (!patchType) {
          throw errors.unsupportedMediaType(
            contentType,
            Object.keys(PATCH_TYPES).filter((t) => type.builtin || !t.includes('strategic')),
          );
        }
        const raw = await readBody(req);
        const body = patchType === 'apply' ? parseYamlOrJson(raw) : parseJson(raw);
        if (patchType === 'apply' && !writeOptions.fieldManager)
          throw errors.badRequest('fieldManager is required');
        const result = this.#store.patch(type, namespace, name!, patchType, body, {
          ...writeOptions,
          fieldManager: patchType === 'apply' ? (q.get('fieldManager') ?? '') : manager,
        });
        return this.#json(res, result.code, result.object, result.warnings);
      }
      case 'delete': {
        const raw = await readBody(req);
        const body = (raw.trim() ? parseJson(raw) : {}) as Record<string, unknown>;
        const policy = (q.get('propagationPolicy') ?? body.propagationPolicy) as
          'Orphan' | 'Background' | 'Foreground' | undefined;
        const result = this.#store.delete(type, namespace, name!, {
          dryRun: dryRun || (Array.isArray(body.dryRun) && body.dryRun.includes('All')),
          ...(policy ? { propagationPolicy: policy } : {}),
          ...(body.preconditions ? { preconditions: body.preconditions } : {}),
        });
        return this.#json(res, result.code, result.object);
      }
      case 'deletecollection': {
        const result = this.#store.deleteCollection(type, namespace, listOptions(q));
        return this.#json(res, 200, {
          apiVersion: apiVersionOf(type),
          kind: type.listKind,
          metadata: { resourceVersion: result.resourceVersion },
          items: result.items,
        });
      }
      default:
        throw errors.methodNotAllowed();
    }
  }

  #serveWatch(req: IncomingMessage, res: ServerResponse, route: Route, q: URLSearchParams) {
    // Refuse a malformed resume point with 400 before the stream starts.
    const from = q.get('resourceVersion');
    if (from && !/^\d+$/.test(from)) throw errors.badRequest(`invalid resource version: ${from}`);
    const asTable = wantsTable(req.headers.accept);
    const open: OpenWatch = { res, stalled: false, stop: () => {} };
    const write = (event: WatchEvent) => {
      if (open.stalled || res.writableEnded || res.destroyed) return;
      let object: unknown = event.object;
      if (asTable && event.type !== 'ERROR' && event.type !== 'BOOKMARK') {
        object = this.#table([event.object as KubeObject], route.type, q, undefined, true);
      }
      res.write(`${JSON.stringify({ type: event.type, object })}\n`);
    };
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache, private',
    });
    res.flushHeaders();
    let ended = false;
    const finish = () => {
      if (ended) return;
      ended = true;
      stopWatch();
      clearInterval(bookmarks);
      clearTimeout(timeout);
      this.#watches.delete(open);
      if (!res.writableEnded && !res.destroyed) res.end();
    };
    let errored = false;
    const stopWatch = this.#store.watch(
      route.type,
      route.namespace,
      {
        ...(q.get('labelSelector') ? { labelSelector: q.get('labelSelector')! } : {}),
        ...(q.get('fieldSelector') ? { fieldSelector: q.get('fieldSelector')! } : {}),
        ...(q.get('resourceVersion') ? { resourceVersion: q.get('resourceVersion')! } : {}),
      },
      (event) => {
        write(event);
        if (event.type === 'ERROR') errored = true;
      },
    );
    open.stop = finish;
    this.#watches.add(open);
    const bookmarkMs = this.#options.bookmarkIntervalSeconds * 1000;
    const bookmarks = setInterval(() => {
      if (q.get('allowWatchBookmarks') === 'true') {
        write({
          type: 'BOOKMARK',
          object: {
            apiVersion: apiVersionOf(route.type),
            kind: route.type.kind,
            metadata: { resourceVersion: this.#store.resourceVersion },
          },
        });
      }
    }, bookmarkMs);
    bookmarks.unref();
    const seconds = Number(q.get('timeoutSeconds') ?? 0);
    // kube-apiserver ends watches without a timeout after a random 30-60 minutes.
    const timeout = setTimeout(
      finish,
      (seconds > 0 ? seconds : 1800 + Math.random() * 1800) * 1000,
    );
    timeout.unref();
    req.on('close', finish);
    res.on('close', finish);
    if (errored) finish();
  }

  #table(
    objects: KubeObject[],
    type: ResourceType,
    q: URLSearchParams,
    list?: { resourceVersion: string; continue?: string },
    forWatch = false,
  ) {
    const include = q.get('includeObject') ?? 'Metadata';
    if (include !== 'None' && include !== 'Metadata' && include !== 'Object') {
      throw errors.badRequest(`unrecognized includeObject value: ${JSON.stringify(include)}`);
    }
    const table = toTable(objects, type, list ?? { resourceVersion: this.#store.resourceVersion }, {
      includeObject: include,
      now: new Date(),
    });
    if (forWatch) delete (table as { columnDefinitions?: unknown }).columnDefinitions;
    return table;
  }

  // ---- discovery ------------------------------------------------------------

  #serveDiscovery(_req: IncomingMessage, res: ServerResponse, path: string): number {
    const types = this.#store.types();
    if (path === '/version') return this.#json(res, 200, VERSION_INFO);
    if (path === '/api') {
      return this.#json(res, 200, {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
      });
    }
    if (path === '/api/v1')
      return this.#json(
        res,
        200,
        resourceList(
          'v1',
          types.filter((t) => t.group === ''),
        ),
      );
    const groups = groupsOf(types);
    if (path === '/apis') {
      return this.#json(res, 200, {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [...groups.values()].map(apiGroup),
      });
    }
    const groupMatch = /^\/apis\/([^/]+)$/.exec(path);
    if (groupMatch) {
      const group = groups.get(groupMatch[1]!);
      if (!group) throw noSuchPath();
      return this.#json(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group) });
    }
    const gvMatch = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    if (gvMatch) {
      const [, group, version] = gvMatch;
      const served = types.filter((t) => t.group === group && t.version === version);
      if (served.length === 0) throw noSuchPath();
      return this.#json(res, 200, resourceList(`${group}/${version}`, served));
    }
    if (path === '/openapi/v3' || path.startsWith('/openapi/v3/')) {
      const docs = this.#openAPI(types);
      if (path === '/openapi/v3') return this.#json(res, 200, docs.index);
      const doc = docs.documents.get(path.slice('/openapi/v3/'.length));
      if (!doc) throw noSuchPath();
      return this.#json(res, 200, doc);
    }
    throw noSuchPath();
  }

  #openAPI(types: ResourceType[]) {
    const key = types
      .map((t) => `${t.group}/${t.version}/${t.plural}:${JSON.stringify(t.schema ?? null).length}`)
      .join(',');
    if (this.#openapi?.key !== key) this.#openapi = { key, docs: buildOpenAPI(types) };
    return this.#openapi.docs;
  }

  // ---- responses ------------------------------------------------------------

  #json(res: ServerResponse, code: number, body: unknown, warnings: string[] = []): number {
    const headers: Record<string, string | string[]> = { 'Content-Type': 'application/json' };
    if (warnings.length > 0) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
    res.writeHead(code, headers).end(JSON.stringify(body));
    return code;
  }

  #fail(res: ServerResponse, err: unknown) {
    const apiError =
      err instanceof ApiError
        ? err
        : errors.internal(err instanceof Error ? err.message : String(err));
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res
      .writeHead(apiError.code, { 'Content-Type': 'application/json' })
      .end(JSON.stringify(apiError.toStatus()));
  }
}

/** kube-apiserver's answer for a path it does not serve. */
function noSuchPath(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
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

function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '')
    .split(',')
    .some(
      (part) =>
        part.includes('as=Table') && part.includes('g=meta.k8s.io') && part.includes('v=v1'),
    );
}

function parseFieldValidation(value: string | null): 'Ignore' | 'Warn' | 'Strict' | undefined {
  if (value === null || value === '') return undefined;
  if (value === 'Ignore' || value === 'Warn' || value === 'Strict') return value;
  throw errors.badRequest(
    `fieldValidation parameter unsupported: ${value}; valid values are Ignore, Warn and Strict`,
  );
}

function listOptions(q: URLSearchParams) {
  const limit = Number(q.get('limit') ?? 0);
  return {
    ...(q.get('labelSelector') ? { labelSelector: q.get('labelSelector')! } : {}),
    ...(q.get('fieldSelector') ? { fieldSelector: q.get('fieldSelector')! } : {}),
    ...(limit > 0 ? { limit } : {}),
    ...(q.get('continue') ? { continue: q.get('continue')! } : {}),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw errors.badRequest(
      `the body of the request could not be decoded as JSON: ${(err as Error).message}`,
    );
  }
}

function parseYamlOrJson(text: string): unknown {
  try {
    return parseYaml(text) as unknown;
  } catch (err) {
    throw errors.badRequest(`error decoding YAML: ${(err as Error).message}`);
  }
}

async function readObject(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req);
  const contentType = req.headers['content-type'] ?? 'application/json';
  if (contentType.includes('yaml')) return parseYamlOrJson(raw);
  if (!contentType.includes('json')) {
    throw errors.unsupportedMediaType(contentType, ['application/json', 'application/yaml']);
  }
  return parseJson(raw);
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function resourceList(groupVersion: string, types: ResourceType[]) {
  const resources = types.flatMap((t) => {
    const main = {
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: VERBS,
      ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
      ...(t.categories.length ? { categories: t.categories } : {}),
    };
    const status = t.statusSubresource
      ? [
          {
            name: `${t.plural}/status`,
            singularName: '',
            namespaced: t.namespaced,
            kind: t.kind,
            verbs: ['get', 'patch', 'update'],
          },
        ]
      : [];
    return [main, ...status];
  });
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}

function groupsOf(types: ResourceType[]): Map<string, { name: string; versions: string[] }> {
  const groups = new Map<string, { name: string; versions: string[] }>();
  for (const t of types) {
    if (t.group === '') continue;
    const g = groups.get(t.group) ?? { name: t.group, versions: [] };
    if (!g.versions.includes(t.version)) g.versions.push(t.version);
    groups.set(t.group, g);
  }
  return groups;
}

function apiGroup(group: { name: string; versions: string[] }) {
  const versions = group.versions.map((version) => ({
    groupVersion: `${group.name}/${version}`,
    version,
  }));
  return { name: group.name, versions, preferredVersion: versions[0] };
}
