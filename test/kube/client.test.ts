// What only the HTTP adapter does: authentication and authorization
// answers, injected server failures, timeouts, a server that is not there,
// watch streams that break or end, bookmarks, the exact requests sent, and
// where the kubeconfig comes from.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { connect, createServer as createNetServer } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import {
  createKubeClient,
  KubeConfigError,
  loadKubeConfig,
  PATCH_CONTENT_TYPES,
  restConfigFromYaml,
} from '../../src/kube/client.ts';
import type { RestConfig } from '../../src/kube/client.ts';
import {
  ForbiddenError,
  isRetryable,
  KubeApiError,
  ServerError,
  TooManyRequestsError,
  TransportError,
  UnauthorizedError,
} from '@mcp-operator/kube-core/errors';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type { KubeObject, KubePort, PatchType, WatchEvent } from '@mcp-operator/kube-core/port';
import { LocalControlPlane } from '@mcp-operator/local-control-plane/control-plane';

const CM = RESOURCES.configmaps;
const NS = 'default';
const FM = { fieldManager: 'client-test' };

let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}`;

const configMap = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: NS, labels },
  data: { a: '1' },
});

function kubeConfigFor(yaml: string): RestConfig {
  return restConfigFromYaml(yaml);
}

async function rejectsWith<E extends Error>(
  promise: Promise<unknown>,
  type: new (...args: never[]) => E,
  message?: RegExp,
): Promise<E> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
    if (message) assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected ${type.name}`);
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

describe('KubePort over HTTPS', () => {
  let plane: LocalControlPlane;
  let port: KubePort;

  before(async () => {
    plane = new LocalControlPlane({ bookmarkIntervalSeconds: 0.05 });
    await plane.start();
    port = createKubeClient(kubeConfigFor(plane.kubeconfig()), { userAgent: 'client-test/1.0' });
  });
  after(() => plane.stop());
  afterEach(() => {
    plane.faults.clear();
    plane.clearDenyRules();
  });

  describe('errors', () => {
    it('answers a bad token with UnauthorizedError', async () => {
      const wrong = createKubeClient(kubeConfigFor(plane.kubeconfig('not-a-token')));
      const err = await rejectsWith(wrong.get(CM, NS, 'x'), UnauthorizedError);
      assert.equal(err.code, 401);
      assert.equal(isRetryable(err), false);
    });

    it('answers a denied verb with ForbiddenError and the server message', async () => {
      plane.deny({ verb: 'list', resource: 'configmaps' });
      const err = await rejectsWith(port.list(CM, { namespace: NS }), ForbiddenError);
      assert.match(err.message, /cannot list resource "configmaps"/);
      assert.equal(isRetryable(err), false);
    });

    it('answers a 500 with a retryable ServerError', async () => {
      plane.failNext({ verb: 'get', resource: 'configmaps', count: 1, code: 500 });
      const err = await rejectsWith(port.get(CM, NS, 'x'), ServerError);
      assert.equal(err.code, 500);
      assert.ok(isRetryable(err));
    });

    it('answers a 429 with a retryable TooManyRequestsError', async () => {
      plane.failNext({ verb: 'create', resource: 'configmaps', count: 1, code: 429 });
      const err = await rejectsWith(
        port.create(CM, configMap(unique('busy')), FM),
        TooManyRequestsError,
      );
      assert.ok(isRetryable(err));
    });

    it('reads when to come back from an injected 429 that says so', async () => {
      // kube-apiserver's ErrorNegotiated sends details.retryAfterSeconds as the Retry-After header too.
      plane.failNext({
        verb: 'create',
        resource: 'configmaps',
        count: 1,
        code: 429,
        retryAfterSeconds: 3,
      });
      const err = await rejectsWith(
        port.create(CM, configMap(unique('later')), FM),
        TooManyRequestsError,
      );
      assert.equal(err.status.details?.retryAfterSeconds, 3);
    });

    it('gives up on a slow answer with a TransportError after the request timeout', async () => {
      plane.addLatency({ verb: 'get', resource: 'configmaps', ms: 1000 });
      const impatient = createKubeClient(kubeConfigFor(plane.kubeconfig()), {
        requestTimeoutMs: 100,
      });
      const started = Date.now();
      const err = await rejectsWith(
        impatient.get(CM, NS, 'x'),
        TransportError,
        /no answer within 100 ms/,
      );
      assert.ok(Date.now() - started < 900);
      assert.ok(isRetryable(err));
    });

    it('counts each answer by method and code for rest_client_requests_total, and a failure without one as <error>', async () => {
      const seen: string[] = [];
      const counted = createKubeClient(kubeConfigFor(plane.kubeconfig()), {
        onResponse: (method, code) => seen.push(`${method} ${code}`),
      });
      const name = unique('counted');
      await counted.create(CM, configMap(name), FM);
      await counted.get(CM, NS, name);
      await rejectsWith(counted.get(CM, NS, unique('missing')), KubeApiError);
      assert.deepEqual(seen, ['POST 201', 'GET 200', 'GET 404']);
      const closed = new LocalControlPlane();
      await closed.start();
      const kc = kubeConfigFor(closed.kubeconfig());
      await closed.stop();
      const failed: string[] = [];
      await rejectsWith(
        createKubeClient(kc, { onResponse: (m, c) => failed.push(`${m} ${c}`) }).get(CM, NS, 'x'),
        TransportError,
      );
      assert.deepEqual(failed, ['GET <error>']);
    });

    it('reports a refused connection as a TransportError', async () => {
      const closed = new LocalControlPlane();
      await closed.start();
      const kc = kubeConfigFor(closed.kubeconfig());
      await closed.stop();
      const err = await rejectsWith(
        createKubeClient(kc).get(CM, NS, 'x'),
        TransportError,
        /ECONNREFUSED/,
      );
      assert.ok(isRetryable(err));
    });

    it('reports a server whose certificate is not trusted as a TransportError', async () => {
      const untrusted = plane
        .kubeconfig()
        .replace(/certificate-authority-data: .*/, 'certificate-authority-data: ""');
      await rejectsWith(
        createKubeClient(kubeConfigFor(untrusted)).get(CM, NS, 'x'),
        TransportError,
      );
    });
  });

  describe('watch streams', () => {
    it('settles done with a TransportError when the connection is cut mid-stream', async () => {
      const proxy = await tcpProxy(plane.port);
      try {
        const kc = kubeConfigFor(plane.kubeconfig().replace(`:${plane.port}`, `:${proxy.port}`));
        const viaProxy = createKubeClient(kc);
        const handle = await viaProxy.watch(CM, { namespace: NS, resourceVersion: '' }, () => {});
        proxy.cut();
        const err = await within(handle.done, 5000, 'the watch to end');
        assert.ok(err instanceof TransportError, String(err));
        assert.match(err.message, /the watch connection broke/);
      } finally {
        await proxy.close();
      }
    });

    it('breaks watches on a plane restart, fails to open one while it is down, then recovers', async () => {
      const open = await port.watch(CM, { namespace: NS, resourceVersion: '' }, () => {});
      const restarted = plane.restart(300);
      // A restart cuts connections as a crash would: the open watch breaks.
      const broken = await within(open.done, 5000, 'the open watch to break');
      assert.ok(broken instanceof TransportError, String(broken));
      const whileDown = await port.watch(CM, { namespace: NS, resourceVersion: '' }, () => {});
      const err = await within(whileDown.done, 5000, 'the refused watch to end');
      assert.ok(err instanceof TransportError, String(err));
      assert.match(err.message, /ECONNREFUSED/);
      await restarted;
      await port.list(CM, { namespace: NS });
    });

    it('settles done with undefined when the server drops its watches', async () => {
      const handle = await port.watch(CM, { namespace: NS, resourceVersion: '' }, () => {});
      plane.dropWatches();
      assert.equal(await within(handle.done, 5000, 'the watch to end'), undefined);
    });

    it('settles done with undefined after stop() and delivers nothing more', async () => {
      const tag = unique('stopped');
      const events: WatchEvent[] = [];
      const handle = await port.watch(
        CM,
        { namespace: NS, labelSelector: `tag=${tag}`, resourceVersion: '' },
        (e) => events.push(e),
      );
      handle.stop();
      await port.create(CM, configMap(unique('late'), { tag }), FM);
      assert.equal(await handle.done, undefined);
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(events, []);
    });

    it('settles done with the typed error when the watch request is refused', async () => {
      plane.deny({ verb: 'watch', resource: 'configmaps' });
      const handle = await port.watch(CM, { namespace: NS, resourceVersion: '' }, () => {});
      const err = await handle.done;
      assert.ok(err instanceof ForbiddenError, String(err));
    });

    it('delivers BOOKMARKs only when asked for', async () => {
      const bookmarks: string[] = [];
      const others: WatchEvent[] = [];
      const without = await port.watch(
        CM,
        { namespace: NS, labelSelector: 'none=here', resourceVersion: '' },
        (e) => others.push(e),
      );
      let sawTwo: () => void = () => {};
      const two = new Promise<void>((resolve) => (sawTwo = resolve));
      const withBookmarks = await port.watch(
        CM,
        { namespace: NS, labelSelector: 'none=here', resourceVersion: '', allowBookmarks: true },
        (e) => {
          if (e.type === 'BOOKMARK') bookmarks.push(e.resourceVersion);
          if (bookmarks.length >= 2) sawTwo();
        },
      );
      // Two bookmark periods on the watch that asked; the other, open longer, got none.
      await two;
      withBookmarks.stop();
      without.stop();
      assert.ok(bookmarks.length >= 2, `saw ${bookmarks.length} bookmarks`);
      assert.ok(
        bookmarks.every((rv) => /^\d+$/.test(rv)),
        JSON.stringify(bookmarks),
      );
      assert.deepEqual(others, []);
    });

    it('times out opening a watch whose headers never come', async () => {
      plane.addLatency({ verb: 'watch', resource: 'configmaps', ms: 1000 });
      const impatient = createKubeClient(kubeConfigFor(plane.kubeconfig()), {
        requestTimeoutMs: 100,
      });
      const handle = await impatient.watch(CM, { namespace: NS, resourceVersion: '' }, () => {});
      const err = await handle.done;
      assert.ok(err instanceof TransportError, String(err));
    });

    it('records the field manager and user agent the server sees', async () => {
      plane.faults.resetRequests();
      await port.create(CM, configMap(unique('who')), { fieldManager: 'recorded-manager' });
      await port.list(CM, { namespace: NS });
      assert.equal(
        plane.faults.requests({ verb: 'create', resource: 'configmaps' })[0]?.client,
        'recorded-manager',
      );
      assert.equal(
        plane.faults.requests({ verb: 'list', resource: 'configmaps' })[0]?.client,
        'client-test',
      );
    });
  });
});

/** A TCP relay to the plane whose connections can be cut at once (no clean end of stream). */
async function tcpProxy(
  target: number,
): Promise<{ port: number; cut: () => void; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  };
  const server = createNetServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    track(client);
    track(upstream);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const cut = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    cut,
    close: () => {
      cut();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

interface Captured {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** Repeated headers one value each (Node joins them in `headers`). */
  distinct: NodeJS.Dict<string[]>;
  body: string;
}

/** A plain-HTTP server that records requests and answers from a script. */
async function captureServer(
  answer: (req: Captured) => { code: number; body: string; headers?: Record<string, string> },
): Promise<{ server: Server; url: string; requests: Captured[] }> {
  const requests: Captured[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const captured: Captured = {
        method: req.method ?? '',
        url: new URL(req.url ?? '/', 'http://capture'),
        headers: req.headers,
        distinct: req.headersDistinct,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(captured);
      const reply = answer(captured);
      res
        .writeHead(reply.code, { 'Content-Type': 'application/json', ...reply.headers })
        .end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const portNumber = typeof address === 'object' && address ? address.port : 0;
  return { server, url: `http://127.0.0.1:${portNumber}`, requests };
}

function insecureKubeConfig(server: string, token = 'captured-token'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'u', user: { token } }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'x',
  });
}

describe('requests the adapter sends', () => {
  let capture: Awaited<ReturnType<typeof captureServer>>;
  let port: KubePort;
  let nextAnswer: { code: number; body: string; headers?: Record<string, string> } | undefined;
  const echo = JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', namespace: NS },
  });

  before(async () => {
    capture = await captureServer((req) => {
      const scripted = nextAnswer;
      nextAnswer = undefined;
      if (scripted) return scripted;
      if (req.method === 'GET' && !req.url.pathname.endsWith('/x')) {
        return {
          code: 200,
          body: JSON.stringify({
            kind: 'ConfigMapList',
            metadata: { resourceVersion: '7' },
            items: [],
          }),
        };
      }
      return { code: 200, body: echo };
    });
    port = createKubeClient(kubeConfigFor(insecureKubeConfig(capture.url)), {
      userAgent: 'capture/2.0',
    });
  });
  after(() => new Promise<void>((resolve) => capture.server.close(() => resolve())));

  const last = () => capture.requests[capture.requests.length - 1]!;

  for (const [type, contentType] of Object.entries(PATCH_CONTENT_TYPES) as [PatchType, string][]) {
    it(`sends a ${type} patch as ${contentType}`, async () => {
      const body =
        type === 'json' ? [{ op: 'add', path: '/data/b', value: '2' }] : { data: { b: '2' } };
      await port.patch(CM, NS, 'x', type, body, { fieldManager: 'fm', force: true, dryRun: true });
      const req = last();
      assert.equal(req.method, 'PATCH');
      assert.equal(req.url.pathname, '/api/v1/namespaces/default/configmaps/x');
      assert.equal(req.headers['content-type'], contentType);
      assert.equal(req.url.searchParams.get('fieldManager'), 'fm');
      assert.equal(req.url.searchParams.get('dryRun'), 'All');
      // `force` is for apply only; the server rejects it on other patches.
      assert.equal(req.url.searchParams.get('force'), type === 'apply' ? 'true' : null);
      const sent = JSON.parse(req.body) as unknown;
      if (type === 'apply')
        assert.deepEqual(sent, { apiVersion: 'v1', kind: 'ConfigMap', data: { b: '2' } });
      else assert.deepEqual(sent, body);
    });
  }

  it('sends credentials, a user agent and JSON headers', async () => {
    await port.get(CM, NS, 'x');
    const req = last();
    assert.equal(req.headers.authorization, 'Bearer captured-token');
    assert.equal(req.headers['user-agent'], 'capture/2.0');
    assert.equal(req.headers.accept, 'application/json');
  });

  it('puts the status subresource and cluster-scoped paths where the API server serves them', async () => {
    await port.update(CM, configMap('x'), { ...FM, subresource: 'status' });
    assert.equal(last().method, 'PUT');
    assert.equal(last().url.pathname, '/api/v1/namespaces/default/configmaps/x/status');
    assert.equal(last().headers['content-type'], 'application/json');
    nextAnswer = { code: 200, body: JSON.stringify({ metadata: { name: 'x' } }) };
    const crd = await port.get(RESOURCES.customResourceDefinitions, undefined, 'x');
    assert.equal(last().url.pathname, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/x');
    // Objects without type meta (as some servers send in lists) get it from the resource.
    assert.equal(crd.apiVersion, 'apiextensions.k8s.io/v1');
    assert.equal(crd.kind, 'CustomResourceDefinition');
  });

  it('creates with type meta filled in and the write options in the query', async () => {
    await port.create(
      RESOURCES.mcpServers,
      { metadata: { name: 'x', namespace: 'team-a' }, spec: {} } as unknown as KubeObject,
      { fieldManager: 'maker', dryRun: true },
    );
    const req = last();
    assert.equal(req.method, 'POST');
    assert.equal(req.url.pathname, '/apis/mcpruntime.org/v1alpha1/namespaces/team-a/mcpservers');
    assert.equal(req.url.search, '?fieldManager=maker&dryRun=All');
    const sent = JSON.parse(req.body) as KubeObject;
    assert.equal(sent.apiVersion, 'mcpruntime.org/v1alpha1');
    assert.equal(sent.kind, 'MCPServer');
  });

  it('sends list and watch parameters', async () => {
    const list = await port.list(CM, {
      labelSelector: 'a=b',
      fieldSelector: 'metadata.name=x',
      limit: 10,
      continue: 'tok',
      resourceVersion: '5',
    });
    assert.equal(list.resourceVersion, '7');
    assert.equal(last().url.pathname, '/api/v1/configmaps');
    assert.deepEqual(Object.fromEntries(last().url.searchParams), {
      labelSelector: 'a=b',
      fieldSelector: 'metadata.name=x',
      limit: '10',
      continue: 'tok',
      resourceVersion: '5',
    });
    nextAnswer = {
      code: 200,
      body: `${JSON.stringify({ type: 'BOOKMARK', object: { kind: 'ConfigMap', metadata: { resourceVersion: '9' } } })}\n`,
    };
    const events: WatchEvent[] = [];
    const handle = await port.watch(
      CM,
      {
        namespace: NS,
        resourceVersion: '8',
        allowBookmarks: true,
        timeoutSeconds: 300,
        labelSelector: 'a=b',
      },
      (e) => events.push(e),
    );
    assert.equal(await handle.done, undefined);
    assert.equal(last().url.pathname, '/api/v1/namespaces/default/configmaps');
    assert.deepEqual(Object.fromEntries(last().url.searchParams), {
      watch: 'true',
      labelSelector: 'a=b',
      resourceVersion: '8',
      allowWatchBookmarks: 'true',
      timeoutSeconds: '300',
    });
    assert.deepEqual(events, [{ type: 'BOOKMARK', resourceVersion: '9' }]);
  });

  it('sends delete options as a JSON body', async () => {
    nextAnswer = { code: 200, body: JSON.stringify({ kind: 'Status', status: 'Success' }) };
    await port.delete(CM, NS, 'x', {
      propagationPolicy: 'Foreground',
      preconditions: { uid: 'u-1', resourceVersion: '3' },
    });
    const req = last();
    assert.equal(req.method, 'DELETE');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(req.body), {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      propagationPolicy: 'Foreground',
      preconditions: { uid: 'u-1', resourceVersion: '3' },
    });
  });

  it('maps an answer that is not a Status by its code, and keeps Retry-After', async () => {
    nextAnswer = { code: 502, body: '<html>Bad Gateway</html>' };
    const gateway = await rejectsWith(port.get(CM, NS, 'x'), ServerError, /502: <html>Bad Gateway/);
    assert.ok(isRetryable(gateway));
    nextAnswer = {
      code: 429,
      body: JSON.stringify({
        kind: 'Status',
        code: 429,
        reason: 'TooManyRequests',
        message: 'slow down',
      }),
      headers: { 'Retry-After': '7' },
    };
    const busy = await rejectsWith(port.get(CM, NS, 'x'), TooManyRequestsError, /slow down/);
    assert.equal(busy.status.details?.retryAfterSeconds, 7);
  });

  it('treats a broken watch line as a broken stream', async () => {
    nextAnswer = {
      code: 200,
      body: '{"type":"ADDED","object":{"metadata":{"name":"a"}}}\nnot json\n',
    };
    const events: WatchEvent[] = [];
    const handle = await port.watch(CM, { namespace: NS, resourceVersion: '' }, (e) =>
      events.push(e),
    );
    const err = await handle.done;
    assert.ok(err instanceof TransportError, String(err));
    assert.equal(events.length, 1);
  });

  it('delivers an ERROR event with a typed error and keeps reading', async () => {
    nextAnswer = {
      code: 200,
      body: `${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 500, message: 'etcd hiccup' } })}\n`,
    };
    const events: WatchEvent[] = [];
    const handle = await port.watch(CM, { namespace: NS, resourceVersion: '' }, (e) =>
      events.push(e),
    );
    assert.equal(await handle.done, undefined);
    const first = events[0];
    assert.ok(first?.type === 'ERROR' && first.error instanceof ServerError);
    assert.ok(first.error instanceof KubeApiError && first.error.message === 'etcd hiccup');
  });
});

describe('loadKubeConfig', () => {
  let dir: string;
  const file = (name: string, server: string, context = 'ctx') => {
    const path = join(dir, name);
    writeFileSync(
      path,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: `c-${name}`, cluster: { server } }],
        users: [{ name: `u-${name}`, user: { token: 't' } }],
        contexts: [{ name: context, context: { cluster: `c-${name}`, user: `u-${name}` } }],
        'current-context': context,
      }),
    );
    return path;
  };
  const serverOf = (config: RestConfig) => config.server;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubeconfig-test-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prefers --kubeconfig, then $KUBECONFIG, then ~/.kube/config', () => {
    const home = join(dir, 'home');
    mkdirSync(join(home, '.kube'), { recursive: true });
    writeFileSync(
      join(home, '.kube', 'config'),
      stringify({
        clusters: [{ name: 'h', cluster: { server: 'https://home:6443' } }],
        users: [{ name: 'h', user: {} }],
        contexts: [{ name: 'h', context: { cluster: 'h', user: 'h' } }],
        'current-context': 'h',
      }),
    );
    const flag = file('flag.yaml', 'https://flag:6443');
    const fromEnv = file('env.yaml', 'https://env:6443');
    const env = { HOME: home, KUBECONFIG: fromEnv };
    assert.equal(serverOf(loadKubeConfig({ kubeconfigPath: flag, env })), 'https://flag:6443');
    assert.equal(serverOf(loadKubeConfig({ env })), 'https://env:6443');
    assert.equal(serverOf(loadKubeConfig({ env: { HOME: home } })), 'https://home:6443');
  });

  it('merges a $KUBECONFIG list, the first file winning, and skips missing files', () => {
    const a = file('a.yaml', 'https://a:6443', 'shared');
    const b = file('b.yaml', 'https://b:6443', 'shared');
    const config = loadKubeConfig({
      env: { HOME: dir, KUBECONFIG: [join(dir, 'missing.yaml'), a, b].join(delimiter) },
    });
    assert.equal(serverOf(config), 'https://a:6443');
    // A context in one file may name a cluster and user defined in another.
    const contextOnly = join(dir, 'context-only.yaml');
    writeFileSync(
      contextOnly,
      stringify({
        contexts: [
          { name: 'x', context: { cluster: 'c-b.yaml', user: 'u-b.yaml', namespace: 'n' } },
        ],
        'current-context': 'x',
      }),
    );
    const merged = loadKubeConfig({
      env: { HOME: dir, KUBECONFIG: [contextOnly, b].join(delimiter) },
    });
    assert.equal(serverOf(merged), 'https://b:6443');
    assert.equal(merged.namespace, 'n');
    assert.deepEqual(merged.credentials, { kind: 'token', token: 't' });
  });

  it('fails on an explicit source that does not work instead of trying the next', () => {
    assert.throws(
      () => loadKubeConfig({ kubeconfigPath: join(dir, 'nope.yaml'), env: { HOME: dir } }),
      (err: unknown) =>
        err instanceof KubeConfigError &&
        /--kubeconfig .*nope\.yaml: no such file/.test(err.message),
    );
    assert.throws(
      () => loadKubeConfig({ env: { HOME: dir, KUBECONFIG: join(dir, 'nope.yaml') } }),
      (err: unknown) =>
        err instanceof KubeConfigError && /\$KUBECONFIG names .*nope\.yaml/.test(err.message),
    );
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, stringify({ clusters: [], contexts: [], users: [] }));
    assert.throws(
      () => loadKubeConfig({ kubeconfigPath: broken, env: { HOME: dir } }),
      (err: unknown) =>
        err instanceof KubeConfigError && /sets no current-context/.test(err.message),
    );
  });

  it('names everything it tried when nothing works', () => {
    const emptyHome = join(dir, 'empty-home');
    mkdirSync(emptyHome, { recursive: true });
    assert.throws(
      () => loadKubeConfig({ env: { HOME: emptyHome }, serviceAccountDir: join(dir, 'no-sa') }),
      (err: unknown) =>
        err instanceof KubeConfigError &&
        err.message.includes('--kubeconfig (not given)') &&
        err.message.includes('$KUBECONFIG (not set)') &&
        err.message.includes(join(emptyHome, '.kube', 'config')) &&
        err.message.includes('in-cluster service account (KUBERNETES_SERVICE_HOST'),
    );
  });

  it('uses the service account in a pod, and it works against a server', async () => {
    const plane = new LocalControlPlane();
    await plane.start();
    try {
      const sa = join(dir, 'serviceaccount');
      mkdirSync(sa, { recursive: true });
      writeFileSync(join(sa, 'token'), plane.token);
      writeFileSync(join(sa, 'ca.crt'), plane.caCert);
      writeFileSync(join(sa, 'namespace'), 'mcp-runtime\n');
      const emptyHome = join(dir, 'pod-home');
      mkdirSync(emptyHome, { recursive: true });
      const kc = loadKubeConfig({
        env: {
          HOME: emptyHome,
          KUBERNETES_SERVICE_HOST: '127.0.0.1',
          KUBERNETES_SERVICE_PORT: String(plane.port),
        },
        serviceAccountDir: sa,
      });
      assert.equal(serverOf(kc), `https://127.0.0.1:${plane.port}`);
      assert.equal(kc.namespace, 'mcp-runtime');
      assert.deepEqual(kc.credentials, { kind: 'tokenFile', path: join(sa, 'token') });
      const list = await createKubeClient(kc).list(RESOURCES.namespaces);
      assert.ok(list.items.some((o) => o.metadata.name === 'default'));
    } finally {
      await plane.stop();
    }
  });
});

describe('kept-alive connections', () => {
  it('sends a request again on a new connection when the server closes the reused one', async () => {
    // The server drops the first connection when its second request arrives,
    // as a server's idle timeout can race a client reusing the connection.
    let connections = 0;
    const server = createServer((req, res) => {
      const socket = req.socket as Socket & { served?: number };
      socket.served = (socket.served ?? 0) + 1;
      if (socket.served === 2 && connections === 1) {
        socket.destroy();
        return;
      }
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }));
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const port = createKubeClient(kubeConfigFor(insecureKubeConfig(url)));
      await port.get(CM, NS, 'x');
      const again = await port.get(CM, NS, 'x');
      assert.equal(again.metadata.name, 'x');
      assert.equal(connections, 2);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
