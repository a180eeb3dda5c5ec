// The REST face of the local API server: routes Kubernetes API paths onto
// the store, with authentication, deny rules, fault injection, request
// accounting, content negotiation (JSON, YAML and Kubernetes protobuf, as
// k8s.io/apiserver's handlers/negotiation does it), Table output, discovery,
// OpenAPI, streaming watches and the scale subresource.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { Duplex } from 'node:stream';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { asObject } from '../kube/json.ts';
import { unknownConversion } from './conversion.ts';
import { strategyFor } from './kinds/index.ts';
import { ApiError, errors } from './errors.ts';
import type { Faults, Verb } from './faults.ts';
import { buildOpenAPI } from './openapi.ts';
import {
  PROTOBUF_CONTENT_TYPE,
  PROTOBUF_WATCH_CONTENT_TYPE,
  decodeDeleteOptions,
  decodeObject,
  encodeObject,
  encodeWatchFrame,
  hasProtobufSchema,
  rejectCustomResourceBody,
} from './protobuf/index.ts';
import type { TypedObject } from './protobuf/index.ts';
import type { DeleteOptions, ListOptions, PatchType, Store, WatchEvent } from './store.ts';
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
  subresource?: 'status' | 'scale';
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
      this.#handle(req, res).catch((err: unknown) => this.#fail(req, res, err));
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
      const body = (await readBody(req)).toString('utf8');
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
    const served =
      subresource === undefined ||
      (subresource === 'status' && type.statusSubresource) ||
      (subresource === 'scale' && strategyFor(type)?.scale !== undefined);
    if (!served) throw noSuchPath();
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
    // Subresources serve get, update and patch of one object.
    if (subresource !== undefined) {
      if (verb === 'watch') verb = 'get';
      if (verb !== 'get' && verb !== 'update' && verb !== 'patch') throw errors.methodNotAllowed();
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
      ...(subresource === 'status' || subresource === 'scale' ? { subresource } : {}),
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
    // Output first, as every handler negotiates it before reading the body (a 406 wins).
    const endpoint = endpointOf(type, route.subresource);
    const output = negotiateOutput(req.headers.accept, endpoint);
    if (!output) throw errors.notAcceptable(MEDIA_TYPES);
    const send = (code: number, body: unknown, warnings: string[] = []) =>
      this.#send(res, code, body, output.media, warnings);
    if (route.subresource === 'scale') return this.#serveScale(req, route, writeOptions, send);
    switch (route.verb) {
      case 'get': {
        const object = this.#store.get(type, namespace, name!);
        if (output.table) return send(200, this.#table([object], type, q));
        return send(200, object);
      }
      case 'list': {
        const result = this.#store.list(type, namespace, listOptions(q));
        if (output.table) return send(200, this.#table(result.items, type, q, result));
        return send(200, {
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
        this.#serveWatch(req, res, route, q, output);
        return 200;
      case 'create': {
        const body = await readObject(req, type);
        const result = this.#store.create(type, namespace, body, writeOptions);
        return send(result.code, result.object, result.warnings);
      }
      case 'update': {
        const body = await readObject(req, type);
        const result = this.#store.update(type, namespace, name!, body, writeOptions);
        return send(result.code, result.object, result.warnings);
      }
      case 'patch': {
        const { patchType, body } = await readPatch(req, type);
        if (patchType === 'apply' && !writeOptions.fieldManager)
          throw errors.badRequest('fieldManager is required');
        const result = this.#store.patch(type, namespace, name!, patchType, body, {
          ...writeOptions,
          fieldManager: patchType === 'apply' ? (q.get('fieldManager') ?? '') : manager,
        });
        return send(result.code, result.object, result.warnings);
      }
      case 'delete': {
        const options = deleteOptions(await readDeleteOptions(req), q, dryRun);
        const result = this.#store.delete(type, namespace, name!, options);
        return send(result.code, result.body);
      }
      case 'deletecollection': {
        const options = deleteOptions(await readDeleteOptions(req), q, dryRun);
        const result = this.#store.deleteCollection(type, namespace, {
          ...listOptions(q),
          ...options,
        });
        return send(200, {
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

  /**
   * GET, PUT and PATCH of `…/scale` (an autoscaling/v1 Scale), as
   * pkg/registry/apps/deployment/storage ScaleREST serves them. The body of a
   * PUT is a Scale (JSON, YAML or protobuf); a PATCH applies to the current
   * Scale. Server-side apply to the subresource is not served.
   */
  async #serveScale(
    req: IncomingMessage,
    route: Route,
    writeOptions: { dryRun: boolean; fieldManager: string },
    send: (code: number, body: unknown, warnings?: string[]) => number,
  ): Promise<number> {
    const { type, namespace, name } = route;
    const options = { dryRun: writeOptions.dryRun, fieldManager: writeOptions.fieldManager };
    switch (route.verb) {
      case 'get':
        return send(200, this.#store.getScale(type, namespace, name!));
      case 'update': {
        const body = await readObject(req, type, SCALE_TARGET);
        const result = this.#store.updateScale(type, namespace, name!, body, options);
        return send(result.code, result.object, result.warnings);
      }
      case 'patch': {
        const { patchType, body } = await readPatch(req, type, true);
        if (patchType === 'apply') throw errors.unsupportedMediaType(SCALE_PATCH_TYPES);
        const result = this.#store.patchScale(type, namespace, name!, patchType, body, options);
        return send(result.code, result.object, result.warnings);
      }
      default:
        throw errors.methodNotAllowed();
    }
  }

  /**
   * A watch stream: newline-delimited JSON events, or (`;stream=watch` in
   * protobuf) length-prefixed WatchEvent frames, as handlers/watch.go writes them.
   */
  #serveWatch(
    req: IncomingMessage,
    res: ServerResponse,
    route: Route,
    q: URLSearchParams,
    output: Negotiated,
  ) {
    // Refuse a malformed resume point with 400 before the stream starts.
    const from = q.get('resourceVersion');
    if (from && !/^\d+$/.test(from)) throw errors.badRequest(`invalid resource version: ${from}`);
    const asTable = output.table;
    const open: OpenWatch = { res, stalled: false, stop: () => {} };
    // Events the store sends while the watch starts wait for the headers, which go out only
    // once the watch has started: a bad selector is a 400 response, not a broken stream.
    let pending: WatchEvent[] | undefined = [];
    let broken = false;
    const write = (event: WatchEvent) => {
      if (pending) {
        pending.push(event);
        return;
      }
      if (broken || open.stalled || res.writableEnded || res.destroyed) return;
      if (output.media === 'protobuf') {
        let frame: Uint8Array;
        try {
          frame = encodeWatchFrame(event.type, event.object as unknown as TypedObject);
        } catch {
          // An object that cannot be encoded ends the stream (once it is set up); clients rewatch.
          broken = true;
          queueMicrotask(finish);
          return;
        }
        res.write(frame);
        return;
      }
      let object: unknown = event.object;
      if (asTable && event.type !== 'ERROR' && event.type !== 'BOOKMARK') {
        object = this.#table([event.object as KubeObject], route.type, q, undefined, true);
      }
      res.write(`${JSON.stringify({ type: event.type, object })}\n`);
    };
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
    // The stream serializer is negotiated once the watch has started (get.go, then watch.go's
    // NegotiateOutputMediaTypeStream): YAML has none.
    if (!SERVED_MEDIA[output.media].stream) {
      stopWatch();
      throw errors.notAcceptable(STREAM_MEDIA_TYPES);
    }
    res.writeHead(200, {
      // JSON streams keep their plain media type; others carry `;stream=watch`.
      'Content-Type':
        output.media === 'protobuf' ? PROTOBUF_WATCH_CONTENT_TYPE : 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache, private',
    });
    res.flushHeaders();
    const started = pending;
    pending = undefined;
    for (const event of started) write(event);
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

  /** Discovery, OpenAPI and the admin endpoint: always JSON. */
  #json(res: ServerResponse, code: number, body: unknown): number {
    return this.#send(res, code, body, 'json');
  }

  /** Writes a body in the negotiated media type (encoded before anything is sent). */
  #send(
    res: ServerResponse,
    code: number,
    body: unknown,
    media: Media,
    warnings: string[] = [],
  ): number {
    const { data, contentType } = render(body, media);
    const headers: Record<string, string | string[]> = { 'Content-Type': contentType };
    if (warnings.length > 0) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
    res.writeHead(code, headers).end(data);
    return code;
  }

  /**
   * Errors are Status objects in the media type the client accepts, negotiated
   * without the endpoint's restrictions (responsewriters.ErrorNegotiated with
   * DefaultEndpointRestrictions, so a custom resource's errors may be protobuf
   * too), and JSON when nothing it accepts fits (WriteRawJSON).
   */
  #fail(req: IncomingMessage, res: ServerResponse, err: unknown) {
    const apiError =
      err instanceof ApiError
        ? err
        : errors.internal(err instanceof Error ? err.message : String(err));
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const admin = (req.url ?? '').startsWith('/admin/');
    const media = admin ? 'json' : (negotiateOutput(req.headers.accept)?.media ?? 'json');
    this.#send(res, apiError.code, apiError.toStatus(), media);
  }
}

// ---- content negotiation ---------------------------------------------------
// k8s.io/apiserver/pkg/endpoints/handlers/negotiation (negotiate.go): the
// client's Accept clauses in order (goautoneg sorts them by q, then concrete
// types before wildcards), each tried against the served media types in the
// server's order; the first acceptable pair wins. An empty Accept is JSON.

type Media = 'json' | 'yaml' | 'protobuf';

interface ServedMedia {
  type: string;
  subtype: string;
  mediaType: string;
  /** Has a stream serializer (watch). */
  stream: boolean;
}

/** The serializers every endpoint has, in the codec factory's order. */
const SERVED_MEDIA: Readonly<Record<Media, ServedMedia>> = {
  json: { type: 'application', subtype: 'json', mediaType: 'application/json', stream: true },
  yaml: { type: 'application', subtype: 'yaml', mediaType: 'application/yaml', stream: false },
  protobuf: {
    type: 'application',
    subtype: 'vnd.kubernetes.protobuf',
    mediaType: PROTOBUF_CONTENT_TYPE,
    stream: true,
  },
};
const MEDIA_ORDER: readonly Media[] = ['json', 'yaml', 'protobuf'];

/** What 415 and 406 name (MediaTypesForSerializer). */
const MEDIA_TYPES = MEDIA_ORDER.map((m) => SERVED_MEDIA[m].mediaType);
const STREAM_MEDIA_TYPES = MEDIA_ORDER.filter((m) => SERVED_MEDIA[m].stream).map(
  (m) => `${SERVED_MEDIA[m].mediaType};stream=watch`,
);

interface AcceptClause {
  type: string;
  subtype: string;
  q: number;
  params: Map<string, string>;
}

/** goautoneg.ParseAccept: clauses with their parameters, by q, then concrete before wildcard. */
function parseAccept(header: string): AcceptClause[] {
  const clauses: AcceptClause[] = [];
  for (const part of header.split(',')) {
    const [range = '', ...params] = part.trim().split(';');
    const [type = '', subtype, ...extra] = range.split('/').map((x) => x.trim());
    if (extra.length > 0 || (subtype === undefined && type !== '*')) continue;
    const clause: AcceptClause = { type, subtype: subtype ?? '*', q: 1, params: new Map() };
    for (const param of params) {
      const eq = param.indexOf('=');
      if (eq < 0) continue;
      const key = param.slice(0, eq).trim();
      const value = param.slice(eq + 1).trim();
      if (key === 'q') clause.q = Number.parseFloat(value) || 0;
      else clause.params.set(key, value);
    }
    clauses.push(clause);
  }
  const rank = (c: AcceptClause) => [-c.q, c.type === '*' ? 1 : 0, c.subtype === '*' ? 1 : 0];
  return clauses
    .map((clause, index) => ({ clause, index, rank: rank(clause) }))
    .sort((a, b) => {
      for (let i = 0; i < a.rank.length; i++) {
        if (a.rank[i] !== b.rank[i]) return a.rank[i]! - b.rank[i]!;
      }
      return a.index - b.index;
    })
    .map((x) => x.clause);
}

/** What a resource endpoint can answer with (its RequestScope as EndpointRestrictions). */
interface Endpoint {
  /**
   * Its objects have a protobuf form: built-in kinds of the protobuf schema. A
   * custom resource's StandardSerializers leave protobuf out.
   */
  protobuf: boolean;
  /** It converts to a meta.k8s.io/v1 Table (a TableConvertor). */
  table: boolean;
}

function endpointOf(type: ResourceType, subresource: Route['subresource']): Endpoint {
  if (subresource === 'scale')
    return { protobuf: hasProtobufSchema('autoscaling/v1', 'Scale'), table: false };
  return {
    protobuf: type.builtin && hasProtobufSchema(apiVersionOf(type), type.kind),
    table: true,
  };
}

interface Negotiated {
  media: Media;
  /** Convert to a Table (`as=Table;g=meta.k8s.io;v=v1`). */
  table: boolean;
}

/**
 * NegotiateMediaTypeOptions with acceptMediaTypeOptions: a clause's `as`/`g`/`v`
 * ask for a conversion, which only Table (JSON or YAML) is here; `stream` must
 * be `watch` on a serializer that streams; `sv` only names the server's v1.
 * Without an endpoint (errors), nothing may be converted and every media type
 * serves. Undefined when nothing acceptable is served (406).
 */
function negotiateOutput(accept: string | undefined, endpoint?: Endpoint): Negotiated | undefined {
  if (!accept) return { media: 'json', table: false };
  for (const clause of parseAccept(accept)) {
    for (const media of MEDIA_ORDER) {
      const served = SERVED_MEDIA[media];
      const matches =
        (clause.type === served.type || clause.type === '*') &&
        (clause.subtype === served.subtype || clause.subtype === '*');
      if (!matches) continue;
      const options = acceptMediaTypeOptions(clause.params, media, endpoint);
      if (options) return options;
    }
  }
  return undefined;
}

function acceptMediaTypeOptions(
  params: Map<string, string>,
  media: Media,
  endpoint: Endpoint | undefined,
): Negotiated | undefined {
  const convert = { as: params.get('as'), g: params.get('g'), v: params.get('v') };
  const converting = params.has('as') || params.has('g') || params.has('v');
  const stream = params.get('stream');
  if (stream && (!SERVED_MEDIA[media].stream || stream !== 'watch')) return undefined;
  const serverVersion = params.get('sv');
  if (serverVersion && (endpoint === undefined || serverVersion !== 'v1')) return undefined;
  // RequestScope.AllowsMediaTypeTransform.
  if (!converting) {
    return endpoint === undefined || endpoint.protobuf || media !== 'protobuf'
      ? { media, table: false }
      : undefined;
  }
  const table =
    endpoint?.table === true &&
    convert.as === 'Table' &&
    convert.g === 'meta.k8s.io' &&
    convert.v === 'v1' &&
    media !== 'protobuf';
  return table ? { media, table: true } : undefined;
}

/** A body in a media type: protobuf in its `k8s\0` envelope, YAML, or JSON. */
function render(body: unknown, media: Media): { data: string | Uint8Array; contentType: string } {
  switch (media) {
    case 'protobuf':
      return { data: encodeObject(body as TypedObject), contentType: PROTOBUF_CONTENT_TYPE };
    case 'yaml':
      return { data: stringifyYaml(body), contentType: 'application/yaml' };
    default:
      return { data: JSON.stringify(body), contentType: 'application/json' };
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

function parseFieldValidation(value: string | null): 'Ignore' | 'Warn' | 'Strict' | undefined {
  if (value === null || value === '') return undefined;
  if (value === 'Ignore' || value === 'Warn' || value === 'Strict') return value;
  throw errors.badRequest(
    `fieldValidation parameter unsupported: ${value}; valid values are Ignore, Warn and Strict`,
  );
}

function listOptions(q: URLSearchParams): ListOptions {
  const limit = Number(q.get('limit') ?? 0);
  return {
    ...(q.get('labelSelector') ? { labelSelector: q.get('labelSelector')! } : {}),
    ...(q.get('fieldSelector') ? { fieldSelector: q.get('fieldSelector')! } : {}),
    ...(limit > 0 ? { limit } : {}),
    ...(q.get('continue') ? { continue: q.get('continue')! } : {}),
    ...(q.get('resourceVersion') ? { resourceVersion: q.get('resourceVersion')! } : {}),
    ...(q.get('resourceVersionMatch')
      ? { resourceVersionMatch: q.get('resourceVersionMatch')! }
      : {}),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
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

/** The type a body decodes into: the endpoint's kind, or the Scale of `…/scale`. */
interface BodyTarget {
  apiVersion: string;
  kind: string;
  group: string;
}

const SCALE_TARGET: BodyTarget = {
  apiVersion: 'autoscaling/v1',
  kind: 'Scale',
  group: 'autoscaling',
};

/**
 * The media type of a request body (negotiation.NegotiateInputSerializer):
 * none means the first served one, JSON; parameters are ignored; a malformed
 * Content-Type matches nothing.
 */
function requestMediaType(header: string | undefined): string {
  if (!header) return 'application/json';
  const base = header.split(';')[0]!.trim().toLowerCase();
  return /^[\w.+-]+\/[\w.+-]+$/.test(base) ? base : '';
}

/**
 * A create or update body in JSON, YAML or protobuf, else 415 naming the three
 * (create.go and update.go negotiate the input over the endpoint's serializers,
 * which for custom resources include protobuf too).
 */
async function readObject(
  req: IncomingMessage,
  type: ResourceType,
  target: BodyTarget = { apiVersion: apiVersionOf(type), kind: type.kind, group: type.group },
): Promise<unknown> {
  const raw = await readBody(req);
  switch (requestMediaType(req.headers['content-type'])) {
    case 'application/json':
      return parseJson(raw.toString('utf8'));
    case 'application/yaml':
      return parseYamlOrJson(raw.toString('utf8'));
    case PROTOBUF_CONTENT_TYPE:
      return decodeProtobufBody(raw, type, target);
    default:
      throw errors.unsupportedMediaType(MEDIA_TYPES);
  }
}

/**
 * A protobuf body. A built-in kind decodes through the codec; an envelope of
 * another kind is decoded as that kind, which has no conversion to the
 * endpoint's internal type (the decoder's error, inside transformDecodeError's
 * 400). A custom resource has no protobuf form: rejectCustomResourceBody gives
 * the 400 kube-apiserver's unstructured decoding does.
 */
function decodeProtobufBody(raw: Uint8Array, type: ResourceType, target: BodyTarget): KubeObject {
  if (!type.builtin) return rejectCustomResourceBody(raw, target);
  const { object } = decodeObject(raw, target);
  if (object.kind !== target.kind) {
    const version = object.apiVersion.slice(object.apiVersion.lastIndexOf('/') + 1);
    throw errors.badRequest(
      `${object.kind} in version "${version}" cannot be handled as a ${target.kind}: ${unknownConversion(object.apiVersion, object.kind, target.group, target.kind)}`,
    );
  }
  return object;
}

/** A PATCH body: only the patch media types (never protobuf), strategic merge for built-ins only. */
async function readPatch(
  req: IncomingMessage,
  type: ResourceType,
  scale = false,
): Promise<{ patchType: PatchType; body: unknown }> {
  const patchType = PATCH_TYPES[requestMediaType(req.headers['content-type'])];
  if (!patchType || (patchType === 'strategic' && !type.builtin)) {
    throw errors.unsupportedMediaType(
      scale
        ? SCALE_PATCH_TYPES
        : Object.keys(PATCH_TYPES).filter((t) => type.builtin || !t.includes('strategic')),
    );
  }
  const raw = (await readBody(req)).toString('utf8');
  return { patchType, body: patchType === 'apply' ? parseYamlOrJson(raw) : parseJson(raw) };
}

/** The patch types `…/scale` takes here (server-side apply to it is not served). */
const SCALE_PATCH_TYPES = Object.keys(PATCH_TYPES).filter(
  (t) => t !== 'application/apply-patch+yaml',
);

/**
 * A DELETE body: DeleteOptions in JSON, YAML or protobuf (delete.go decodes
 * it with the meta codecs, under any group version), or nothing.
 */
async function readDeleteOptions(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req);
  if (raw.toString('utf8').trim() === '') return {};
  let body: unknown;
  switch (requestMediaType(req.headers['content-type'])) {
    case 'application/json':
      body = parseJson(raw.toString('utf8'));
      break;
    case 'application/yaml':
      body = parseYamlOrJson(raw.toString('utf8'));
      break;
    case PROTOBUF_CONTENT_TYPE:
      body = decodeDeleteOptions(raw);
      break;
    default:
      throw errors.unsupportedMediaType(MEDIA_TYPES);
  }
  return asObject(body) ?? {};
}

/**
 * The store's DeleteOptions from a body and the query: propagationPolicy (or
 * the deprecated orphanDependents), preconditions and dryRun.
 */
function deleteOptions(
  body: Record<string, unknown>,
  q: URLSearchParams,
  dryRun: boolean,
): DeleteOptions {
  const orphan = body.orphanDependents ?? parseBool(q.get('orphanDependents'));
  const policy = (q.get('propagationPolicy') ??
    body.propagationPolicy ??
    (orphan === true ? 'Orphan' : undefined)) as DeleteOptions['propagationPolicy'];
  const preconditions = body.preconditions as DeleteOptions['preconditions'];
  return {
    dryRun: dryRun || (Array.isArray(body.dryRun) && body.dryRun.includes('All')),
    ...(policy ? { propagationPolicy: policy } : {}),
    ...(preconditions ? { preconditions } : {}),
  };
}

function parseBool(value: string | null): boolean | undefined {
  return value === 'true' ? true : value === 'false' ? false : undefined;
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
    // A subresource of another group's kind names its group and version (the Scale's).
    const scale = strategyFor(t)?.scale
      ? [
          {
            name: `${t.plural}/scale`,
            singularName: '',
            namespaced: t.namespaced,
            group: 'autoscaling',
            version: 'v1',
            kind: 'Scale',
            verbs: ['get', 'patch', 'update'],
          },
        ]
      : [];
    return [main, ...scale, ...status];
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
