// What only the HTTP face shows: authentication, authorization, content
// types, discovery, OpenAPI, Table output, bookmarks, timeouts, fault
// injection and request accounting, the admin endpoint.
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { mcpServerCRD } from '../../src/api/v1alpha1/crd.ts';
import type { LocalControlPlane } from '../../src/local/control-plane.ts';
import { startPlane } from './harness.ts';

let plane: LocalControlPlane;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
  text: string;
}

/** One HTTPS request on a fresh connection, trusting the plane's certificate. */
function request(
  path: string,
  init: {
    method?: string;
    body?: string;
    headers?: Record<string, string>;
    token?: string | null;
  } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...init.headers };
  const token = init.token === undefined ? plane.token : init.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (init.body && !headers['Content-Type']) headers['Content-Type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${plane.url}${path}`,
      { method: init.method ?? 'GET', headers, ca: plane.caCert, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let body: Record<string, unknown> = {};
          try {
            body = JSON.parse(text) as Record<string, unknown>;
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Reads a watch stream line by line until `done` says stop or the stream ends. */
function readWatch(
  path: string,
  done: (events: { type: string; object: Record<string, unknown> }[]) => boolean,
) {
  return new Promise<{
    events: { type: string; object: Record<string, unknown> }[];
    ended: boolean;
  }>((resolve, reject) => {
    const events: { type: string; object: Record<string, unknown> }[] = [];
    let buffer = '';
    const req = httpsRequest(
      `${plane.url}${path}`,
      { headers: { Authorization: `Bearer ${plane.token}` }, ca: plane.caCert, agent: false },
      (res) => {
        assert.equal(res.statusCode, 200);
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let newline;
          while ((newline = buffer.indexOf('\n')) >= 0) {
            events.push(
              JSON.parse(buffer.slice(0, newline)) as {
                type: string;
                object: Record<string, unknown>;
              },
            );
            buffer = buffer.slice(newline + 1);
          }
          if (done(events)) {
            req.destroy();
            resolve({ events, ended: false });
          }
        });
        res.on('end', () => resolve({ events, ended: true }));
        res.on('error', () => resolve({ events, ended: true }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('local control plane over HTTP', () => {
  before(async () => {
    ({ plane } = await startPlane({ bookmarkIntervalSeconds: 0.05 }));
    plane.applyObject(mcpServerCRD());
  });
  after(() => plane.stop());

  describe('authentication and authorization', () => {
    it('answers 401 without a token or with a wrong one', async () => {
      for (const token of [null, 'wrong']) {
        const res = await request('/api/v1/namespaces/default/configmaps', { token });
        assert.equal(res.status, 401);
        assert.equal(res.body.reason, 'Unauthorized');
        assert.equal(res.body.kind, 'Status');
      }
    });

    it('answers 403 for a denied resource and verb, with the real message', async () => {
      plane.deny({ verb: 'list', resource: 'secrets' });
      const res = await request('/api/v1/namespaces/default/secrets');
      assert.equal(res.status, 403);
      assert.equal(
        res.body.message,
        'secrets is forbidden: User "admin" cannot list resource "secrets" in API group "" in the namespace "default"',
      );
      assert.equal((await request('/api/v1/namespaces/default/configmaps')).status, 200);
      plane.clearDenyRules();
      assert.equal((await request('/api/v1/namespaces/default/secrets')).status, 200);
    });
  });

  describe('protocol', () => {
    it('answers 415 to an unknown patch content type', async () => {
      await request('/api/v1/namespaces/default/configmaps', {
        method: 'POST',
        body: JSON.stringify({ metadata: { name: 'ct' } }),
      });
      const res = await request('/api/v1/namespaces/default/configmaps/ct', {
        method: 'PATCH',
        body: '{}',
        headers: { 'Content-Type': 'text/plain' },
      });
      assert.equal(res.status, 415);
      assert.equal(res.body.reason, 'UnsupportedMediaType');
    });

    it('answers 201 to a create and carries a Warning header for unknown fields', async () => {
      const res = await request('/apis/mcpruntime.org/v1alpha1/namespaces/default/mcpservers', {
        method: 'POST',
        body: JSON.stringify({
          apiVersion: 'mcpruntime.org/v1alpha1',
          kind: 'MCPServer',
          metadata: { name: 'warned' },
          spec: { image: 'x:1', auth: {} },
        }),
      });
      assert.equal(res.status, 201);
      assert.match(String(res.headers.warning), /unknown field \\"spec\.auth\\"/);
    });

    it('serves discovery with short names, categories and the status subresource', async () => {
      const version = await request('/version');
      assert.equal(version.body.major, '1');
      const groups = await request('/apis');
      assert.ok(
        (groups.body.groups as { name: string }[]).some((g) => g.name === 'mcpruntime.org'),
      );
      const list = await request('/apis/mcpruntime.org/v1alpha1');
      const resources = list.body.resources as {
        name: string;
        shortNames?: string[];
        categories?: string[];
        verbs: string[];
      }[];
      const mcp = resources.find((r) => r.name === 'mcpservers')!;
      assert.deepEqual(mcp.shortNames, ['mcps']);
      assert.deepEqual(mcp.categories, ['mcp']);
      assert.ok(mcp.verbs.includes('watch'));
      assert.ok(resources.some((r) => r.name === 'mcpservers/status'));
      const core = await request('/api/v1');
      assert.ok((core.body.resources as { name: string }[]).some((r) => r.name === 'configmaps'));
    });

    it('serves OpenAPI v3 with the kind and the fieldValidation parameter', async () => {
      const index = await request('/openapi/v3');
      const paths = index.body.paths as Record<string, { serverRelativeURL: string }>;
      const entry = paths['apis/mcpruntime.org/v1alpha1'];
      assert.ok(entry);
      const doc = await request(entry.serverRelativeURL);
      assert.equal(doc.status, 200);
      assert.match(doc.text, /"x-kubernetes-group-version-kind"/);
      assert.match(doc.text, /"fieldValidation"/);
    });

    it('returns a Table with the printer columns when asked for one', async () => {
      const res = await request('/apis/mcpruntime.org/v1alpha1/namespaces/default/mcpservers', {
        headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
      });
      assert.equal(res.body.kind, 'Table');
      const columns = (res.body.columnDefinitions as { name: string }[]).map((c) => c.name);
      for (const name of ['Name', 'Phase', 'Ready', 'URL', 'Age'])
        assert.ok(columns.includes(name), name);
    });
  });

  describe('watch streams', () => {
    it('sends BOOKMARK events when allowed', async () => {
      const { events } = await readWatch(
        '/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion=' +
          plane.store.resourceVersion,
        (e) => e.some((x) => x.type === 'BOOKMARK'),
      );
      const bookmark = events.find((e) => e.type === 'BOOKMARK')!;
      assert.match(
        String((bookmark.object.metadata as { resourceVersion: string }).resourceVersion),
        /^\d+$/,
      );
    });

    it('ends the stream cleanly after timeoutSeconds', async () => {
      const { ended } = await readWatch(
        '/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1&resourceVersion=' +
          plane.store.resourceVersion,
        () => false,
      );
      assert.ok(ended);
    });
  });

  describe('fault injection and accounting', () => {
    it('fails the next N matching requests, then serves again', async () => {
      plane.failNext({ verb: 'list', resource: 'configmaps', count: 2, code: 500 });
      assert.equal((await request('/api/v1/namespaces/default/configmaps')).status, 500);
      assert.equal((await request('/api/v1/namespaces/default/configmaps')).status, 500);
      assert.equal((await request('/api/v1/namespaces/default/configmaps')).status, 200);
    });

    it('counts requests by verb, resource and client', async () => {
      plane.faults.resetRequests();
      await request('/api/v1/namespaces/default/configmaps', {
        headers: { 'User-Agent': 'probe/1.0' },
      });
      await request('/api/v1/namespaces/default/configmaps/ct?fieldManager=tester', {
        method: 'PATCH',
        body: '{"data":{"x":"1"}}',
        headers: { 'Content-Type': 'application/merge-patch+json' },
      });
      assert.deepEqual(plane.faults.countRequests('verb-resource-client'), {
        'list configmaps probe': 1,
        'patch configmaps tester': 1,
      });
    });

    it('delays matching requests by the configured latency', async () => {
      plane.addLatency({ verb: 'get', resource: 'configmaps', ms: 150 });
      const started = performance.now();
      assert.equal((await request('/api/v1/namespaces/default/configmaps/ct')).status, 200);
      assert.ok(performance.now() - started >= 150);
      plane.faults.clear();
    });

    it('stalls open watches silently: the stream stays open and delivers nothing', async () => {
      const from = plane.store.resourceVersion;
      const stalled = readWatch(
        `/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1&resourceVersion=${from}`,
        () => false,
      );
      await new Promise<void>((resolve) => {
        const check = () => (plane.openWatchCount > 0 ? resolve() : setImmediate(check));
        check();
      });
      plane.stallWatches();
      const fresh = readWatch(
        `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${from}`,
        (e) => e.length > 0,
      );
      await request('/api/v1/namespaces/default/configmaps', {
        method: 'POST',
        body: JSON.stringify({ metadata: { name: 'during-stall' } }),
      });
      assert.equal((await fresh).events[0]?.type, 'ADDED');
      const { events, ended } = await stalled;
      assert.deepEqual(events, []);
      assert.ok(ended);
    });

    it('offers the same controls on the admin endpoint, guarded by the admin token', async () => {
      const denied = await request('/admin/fail', {
        method: 'POST',
        body: '{}',
        token: plane.token,
      });
      assert.equal(denied.status, 401);
      const ok = await request('/admin/fail', {
        method: 'POST',
        token: plane.adminToken,
        body: JSON.stringify({ verb: 'get', resource: 'configmaps', count: 1, code: 503 }),
      });
      assert.equal(ok.status, 200);
      assert.equal((await request('/api/v1/namespaces/default/configmaps/ct')).status, 503);
      const counts = await request('/admin/requests', { method: 'POST', token: plane.adminToken });
      assert.ok(((counts.body.counts as Record<string, number>)['get configmaps'] ?? 0) >= 1);
    });

    it('drops open watches, and keeps the store across a restart', async () => {
      const watching = readWatch(
        '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=' +
          plane.store.resourceVersion,
        () => false,
      );
      await new Promise<void>((resolve) => {
        const check = () => (plane.openWatchCount > 0 ? resolve() : setImmediate(check));
        check();
      });
      plane.dropWatches();
      assert.ok((await watching).ended);
      await plane.restart();
      assert.equal((await request('/api/v1/namespaces/default/configmaps/ct')).status, 200);
    });
  });

  describe('switched-off simulation', () => {
    it('leaves Deployments without status and Ingresses without an address', async () => {
      const { plane: quiet } = await startPlane({
        simulation: { deployments: false, ingresses: false, deploymentReadyDelayMs: 0 },
      });
      try {
        quiet.addSimulatedIngressClass('traefik');
        const deployments = quiet.type('apps', 'deployments');
        quiet.store.create(deployments, 'default', {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'idle' },
          spec: {
            selector: { matchLabels: { app: 'idle' } },
            template: {
              metadata: { labels: { app: 'idle' } },
              spec: { containers: [{ name: 'c', image: 'x:1' }] },
            },
          },
        });
        quiet.store.create(quiet.type('networking.k8s.io', 'ingresses'), 'default', {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: { name: 'idle' },
          spec: {
            ingressClassName: 'traefik',
            rules: [
              {
                http: {
                  paths: [
                    {
                      path: '/',
                      pathType: 'Prefix',
                      backend: { service: { name: 'idle', port: { number: 80 } } },
                    },
                  ],
                },
              },
            ],
          },
        });
        // The controllers act on a zero-delay timer; let one pass.
        await new Promise((resolve) => setTimeout(resolve, 0));
        await new Promise((resolve) => setImmediate(resolve));
        assert.equal(quiet.store.get(deployments, 'default', 'idle').status, undefined);
        assert.equal(
          quiet.store.get(quiet.type('networking.k8s.io', 'ingresses'), 'default', 'idle').status,
          undefined,
        );
      } finally {
        await quiet.stop();
      }
    });
  });
});
