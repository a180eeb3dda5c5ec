// What only the HTTP face shows: authentication, authorization, content
// types and negotiation (JSON and Kubernetes protobuf), discovery, OpenAPI,
// Table output, the scale subresource, bookmarks, timeouts, fault injection
// and request accounting, the admin endpoint.
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { after, before, describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { mcpServerCRD } from '../../src/api/v1alpha1/crd.ts';
import type { LocalControlPlane } from '@mcp-operator/local-control-plane/control-plane';
import {
  PROTOBUF_CONTENT_TYPE,
  PROTOBUF_WATCH_CONTENT_TYPE,
  decodeObject,
  encodeObject,
  type TypedObject,
} from '@mcp-operator/local-control-plane/protobuf/index';
import { startPlane } from '@mcp-operator/local-control-plane/testing';

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

/** One HTTPS request whose body and answer are bytes (protobuf), on a fresh connection. */
function requestBytes(
  path: string,
  init: { method?: string; body?: Uint8Array | string; headers?: Record<string, string> } = {},
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  data: Buffer;
}> {
  const headers: Record<string, string> = {
    Authorization: `Bearer ${plane.token}`,
    ...init.headers,
  };
  // Node sends a DELETE body without a length unless told, as Go clients never do.
  if (init.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(init.body));
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${plane.url}${path}`,
      { method: init.method ?? 'GET', headers, ca: plane.caCert, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            data: Buffer.concat(chunks),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

// metav1.WatchEvent {type = 1, object = 2 RawExtension {raw = 1}}, from apimachinery's generated.proto.
const watchEventType = protobuf
  .parse(
    `syntax = "proto2";
     message RawExtension { optional bytes raw = 1; }
     message WatchEvent { optional string type = 1; optional RawExtension object = 2; }`,
  )
  .root.lookupType('WatchEvent');

/** Reads a protobuf watch stream (4-byte big-endian length, then a WatchEvent) until `done`. */
function readProtobufWatch(
  path: string,
  done: (events: { type: string; object: TypedObject }[]) => boolean,
) {
  return new Promise<{ contentType: string; events: { type: string; object: TypedObject }[] }>(
    (resolve, reject) => {
      const events: { type: string; object: TypedObject }[] = [];
      let buffer = Buffer.alloc(0);
      const req = httpsRequest(
        `${plane.url}${path}`,
        {
          headers: { Authorization: `Bearer ${plane.token}`, Accept: PROTOBUF_CONTENT_TYPE },
          ca: plane.caCert,
          agent: false,
        },
        (res) => {
          const contentType = String(res.headers['content-type']);
          res.on('data', (chunk: Buffer) => {
            buffer = Buffer.concat([buffer, chunk]);
            while (buffer.length >= 4 && buffer.length >= 4 + buffer.readUInt32BE(0)) {
              const length = buffer.readUInt32BE(0);
              const event = watchEventType.decode(buffer.subarray(4, 4 + length)) as unknown as {
                type: string;
                object: { raw: Uint8Array };
              };
              events.push({ type: event.type, object: decodeObject(event.object.raw).object });
              buffer = buffer.subarray(4 + length);
            }
            if (done(events)) {
              req.destroy();
              resolve({ contentType, events });
            }
          });
          res.on('end', () => resolve({ contentType, events }));
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
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

  describe('Protocol Buffers on the wire', () => {
    const configMap = (name: string): TypedObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, labels: { wire: 'protobuf' } },
      data: { greeting: 'hello' },
    });
    const post = (path: string, body: Uint8Array, accept: string) =>
      requestBytes(path, {
        method: 'POST',
        body,
        headers: { 'Content-Type': PROTOBUF_CONTENT_TYPE, Accept: accept },
      });

    // create.go decodes the body with the serializer its Content-Type names and answers in the
    // media type negotiate.go picks: the first of the client's Accept clauses the endpoint serves.
    // kubectl's typed clients send `application/vnd.kubernetes.protobuf,application/json`.
    it('decodes a protobuf create and answers in protobuf when protobuf comes first', async () => {
      for (const accept of [PROTOBUF_CONTENT_TYPE, `${PROTOBUF_CONTENT_TYPE},application/json`]) {
        const name = `pb-create-${accept.length}`;
        const res = await post(
          '/api/v1/namespaces/default/configmaps',
          encodeObject(configMap(name)),
          accept,
        );
        assert.equal(res.status, 201, res.data.toString());
        assert.equal(res.headers['content-type'], PROTOBUF_CONTENT_TYPE);
        const { object } = decodeObject(res.data);
        assert.equal(object.kind, 'ConfigMap');
        assert.equal(object.metadata.name, name);
        assert.deepEqual(object['data'], { greeting: 'hello' });
        assert.match(object.metadata.uid!, /-/);
      }
    });

    // The same negotiation picks JSON when the client lists it first.
    it('answers a protobuf create in JSON when JSON is acceptable first', async () => {
      const res = await post(
        '/api/v1/namespaces/default/configmaps',
        encodeObject(configMap('pb-json-first')),
        `application/json,${PROTOBUF_CONTENT_TYPE}`,
      );
      assert.equal(res.status, 201);
      assert.equal(res.headers['content-type'], 'application/json');
      const body = JSON.parse(res.data.toString()) as { kind: string; data: unknown };
      assert.equal(body.kind, 'ConfigMap');
      assert.deepEqual(body.data, { greeting: 'hello' });
    });

    // get.go's ListResource encodes the <Kind>List in the negotiated media type.
    it('lists in protobuf: a ConfigMapList with ListMeta and the items', async () => {
      const res = await requestBytes(
        '/api/v1/namespaces/default/configmaps?labelSelector=wire%3Dprotobuf',
        { headers: { Accept: PROTOBUF_CONTENT_TYPE } },
      );
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], PROTOBUF_CONTENT_TYPE);
      const { object: list } = decodeObject(res.data);
      assert.equal(list.kind, 'ConfigMapList');
      assert.match(String(list.metadata.resourceVersion), /^\d+$/);
      const names = (list['items'] as TypedObject[]).map(
        (item) => (item.metadata as { name: string }).name,
      );
      assert.ok(names.includes('pb-json-first'), names.join(','));
    });

    // watch.go with the protobuf stream serializer: Content-Type `…;stream=watch`, each event a
    // length-prefixed WatchEvent whose object carries its own `k8s\0` envelope.
    it('watches in protobuf: length-prefixed WatchEvent frames', async () => {
      const from = plane.store.resourceVersion;
      const watching = readProtobufWatch(
        `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${from}`,
        (events) => events.length >= 1,
      );
      await new Promise<void>((resolve) => {
        const check = () => (plane.openWatchCount > 0 ? resolve() : setImmediate(check));
        check();
      });
      await post(
        '/api/v1/namespaces/default/configmaps',
        encodeObject(configMap('pb-watched')),
        PROTOBUF_CONTENT_TYPE,
      );
      const { contentType, events } = await watching;
      assert.equal(contentType, PROTOBUF_WATCH_CONTENT_TYPE);
      assert.equal(events[0]?.type, 'ADDED');
      assert.equal(events[0]?.object.kind, 'ConfigMap');
      assert.equal((events[0]?.object.metadata as { name: string }).name, 'pb-watched');
    });

    // rest.go AllowsMediaTypeTransform: a Table is served in JSON or YAML only, so a protobuf
    // Table clause is passed over for the next one; discovery documents stay JSON here.
    it('keeps Tables and discovery in JSON whatever protobuf the client asks for', async () => {
      const table = await requestBytes('/api/v1/namespaces/default/configmaps', {
        headers: {
          Accept: `${PROTOBUF_CONTENT_TYPE};as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1;g=meta.k8s.io,application/json`,
        },
      });
      assert.equal(table.headers['content-type'], 'application/json');
      assert.equal((JSON.parse(table.data.toString()) as { kind: string }).kind, 'Table');
      const discovery = await requestBytes('/api/v1', {
        headers: { Accept: `${PROTOBUF_CONTENT_TYPE},application/json` },
      });
      assert.equal(discovery.headers['content-type'], 'application/json');
    });

    // responsewriters.ErrorNegotiated: errors are Status objects in the negotiated media type.
    it('answers errors with a protobuf Status when protobuf is negotiated', async () => {
      const res = await requestBytes('/api/v1/namespaces/default/configmaps/missing', {
        headers: { Accept: `${PROTOBUF_CONTENT_TYPE},application/json` },
      });
      assert.equal(res.status, 404);
      assert.equal(res.headers['content-type'], PROTOBUF_CONTENT_TYPE);
      const { object: status } = decodeObject(res.data);
      assert.equal(status.kind, 'Status');
      assert.equal(status['reason'], 'NotFound');
      assert.equal(status['message'], 'configmaps "missing" not found');
    });

    // rest.go transformDecodeError around protobuf.go's Decode: a body without the `k8s\0`
    // prefix is a 400 naming the endpoint's kind and showing the first bytes.
    it("refuses a body that is not protobuf with kube-apiserver's 400", async () => {
      const res = await requestBytes('/api/v1/namespaces/default/configmaps', {
        method: 'POST',
        body: '{"metadata":{"name":"not-protobuf"}}',
        headers: { 'Content-Type': PROTOBUF_CONTENT_TYPE },
      });
      assert.equal(res.status, 400);
      const status = JSON.parse(res.data.toString()) as { reason: string; message: string };
      assert.equal(status.reason, 'BadRequest');
      assert.equal(
        status.message,
        'the object provided is unrecognized (must be of type ConfigMap): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({"metadata":{"name":"not-proto ...)',
      );
    });

    // The decoder decodes an envelope as the kind it names; a v1.Secret has no conversion to the
    // endpoint's internal core.ConfigMap (conversion.Converter), inside transformDecodeError's 400.
    it('refuses an envelope of another kind with the conversion error', async () => {
      const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'wrong-kind' } };
      const res = await post(
        '/api/v1/namespaces/default/configmaps',
        encodeObject(secret),
        'application/json',
      );
      assert.equal(res.status, 400);
      assert.equal(
        (JSON.parse(res.data.toString()) as { message: string }).message,
        'Secret in version "v1" cannot be handled as a ConfigMap: converting (v1.Secret) to (core.ConfigMap): unknown conversion',
      );
    });

    // Custom resources have no protobuf form. Their serializers (customresource_handler.go's
    // unstructuredNegotiatedSerializer) still list protobuf, so NegotiateInputSerializer takes
    // the body and decoding fails: the versioning codec decodes into a fresh Unstructured, whose
    // kind the unstructured typer cannot tell (MissingKind "object has no kind field "), and
    // create.go's transformDecodeError makes it a 400, not a 415.
    it('refuses a protobuf body for a custom resource with the 400 the unstructured decoder gives', async () => {
      const server = {
        apiVersion: 'mcpruntime.org/v1alpha1',
        kind: 'MCPServer',
        metadata: { name: 'pb-server' },
      };
      // The codec has no message for a custom resource, so the envelope is written by hand.
      const envelope = protobuf
        .parse(
          `syntax = "proto2";
           message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }
           message Unknown { optional TypeMeta typeMeta = 1; optional bytes raw = 2; }`,
        )
        .root.lookupType('Unknown');
      const unknown = envelope
        .encode({ typeMeta: { apiVersion: server.apiVersion, kind: server.kind }, raw: [] })
        .finish();
      const res = await post(
        '/apis/mcpruntime.org/v1alpha1/namespaces/default/mcpservers',
        Buffer.concat([Buffer.from('k8s\0'), unknown]),
        'application/json',
      );
      assert.equal(res.status, 400);
      const status = JSON.parse(res.data.toString()) as { reason: string; message: string };
      assert.equal(status.reason, 'BadRequest');
      assert.equal(
        status.message,
        `MCPServer in version "v1alpha1" cannot be handled as a MCPServer: Object 'Kind' is missing in 'object has no kind field '`,
      );
      assert.equal(
        (await request('/apis/mcpruntime.org/v1alpha1/namespaces/default/mcpservers/pb-server'))
          .status,
        404,
      );
    });

    // A custom resource's StandardSerializers leave protobuf out of what its objects are served
    // in (rest.go AllowsMediaTypeTransform): JSON when the client also takes it, else 406.
    it('serves custom resources in JSON, and 406 to a client that takes only protobuf', async () => {
      const path = '/apis/mcpruntime.org/v1alpha1/namespaces/default/mcpservers';
      const both = await requestBytes(path, {
        headers: { Accept: `${PROTOBUF_CONTENT_TYPE},application/json` },
      });
      assert.equal(both.status, 200);
      assert.equal(both.headers['content-type'], 'application/json');
      const only = await requestBytes(path, { headers: { Accept: PROTOBUF_CONTENT_TYPE } });
      assert.equal(only.status, 406);
      const { object: status } = decodeObject(only.data);
      assert.equal(status['reason'], 'NotAcceptable');
      assert.equal(
        status['message'],
        'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
      );
    });

    // negotiation.NewUnsupportedMediaTypeError: the body's media types the endpoint decodes.
    it('answers 415 to a create body in a media type it does not decode', async () => {
      const res = await request('/api/v1/namespaces/default/configmaps', {
        method: 'POST',
        body: 'name: x',
        headers: { 'Content-Type': 'text/plain' },
      });
      assert.equal(res.status, 415);
      assert.deepEqual(res.body, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf',
        reason: 'UnsupportedMediaType',
        code: 415,
      });
    });

    // delete.go decodes DeleteOptions with the meta codecs, protobuf included, under any group
    // version (client-go sends them as protobuf). A namespace DELETE answers the terminating
    // namespace (pkg/registry/core/namespace/storage).
    it('takes protobuf DeleteOptions: a namespace, then an object with a policy and preconditions', async () => {
      await request('/api/v1/namespaces', {
        method: 'POST',
        body: JSON.stringify({ metadata: { name: 'pb-delete' } }),
      });
      const options = (fields: Record<string, unknown>) =>
        encodeObject({ apiVersion: 'v1', kind: 'DeleteOptions', ...fields });
      const ns = await requestBytes('/api/v1/namespaces/pb-delete', {
        method: 'DELETE',
        body: options({ propagationPolicy: 'Background' }),
        headers: { 'Content-Type': PROTOBUF_CONTENT_TYPE, Accept: PROTOBUF_CONTENT_TYPE },
      });
      assert.equal(ns.status, 200);
      const { object: terminating } = decodeObject(ns.data);
      assert.equal(terminating.kind, 'Namespace');
      assert.deepEqual(terminating['status'], { phase: 'Terminating' });

      const created = await request('/api/v1/namespaces/default/configmaps', {
        method: 'POST',
        body: JSON.stringify({ metadata: { name: 'pb-orphaned' } }),
      });
      const uid = (created.body.metadata as { uid: string }).uid;
      const stale = await requestBytes('/api/v1/namespaces/default/configmaps/pb-orphaned', {
        method: 'DELETE',
        body: options({ preconditions: { uid: 'not-the-uid' } }),
        headers: { 'Content-Type': PROTOBUF_CONTENT_TYPE },
      });
      assert.equal(stale.status, 409);
      assert.equal(
        (JSON.parse(stale.data.toString()) as { message: string }).message,
        `Operation cannot be fulfilled on configmaps "pb-orphaned": Precondition failed: UID in precondition: not-the-uid, UID in object meta: ${uid}`,
      );
      // Orphan: the orphan finalizer holds the object until the garbage collector releases it.
      const held = await requestBytes('/api/v1/namespaces/default/configmaps/pb-orphaned', {
        method: 'DELETE',
        body: encodeObject({
          apiVersion: 'meta.k8s.io/v1',
          kind: 'DeleteOptions',
          propagationPolicy: 'Orphan',
          preconditions: { uid },
        }),
        headers: { 'Content-Type': PROTOBUF_CONTENT_TYPE },
      });
      assert.equal(held.status, 200);
      const answer = JSON.parse(held.data.toString()) as {
        metadata: { finalizers?: string[]; deletionTimestamp?: string };
      };
      assert.deepEqual(answer.metadata.finalizers, ['orphan']);
      assert.ok(answer.metadata.deletionTimestamp);
    });

    // A body delete.go cannot decode is a plain error: 500 without a reason.
    it('answers an undecodable protobuf DELETE body with a 500 without reason', async () => {
      await request('/api/v1/namespaces/default/configmaps', {
        method: 'POST',
        body: JSON.stringify({ metadata: { name: 'pb-bad-delete' } }),
      });
      const res = await requestBytes('/api/v1/namespaces/default/configmaps/pb-bad-delete', {
        method: 'DELETE',
        body: 'garbage',
        headers: { 'Content-Type': PROTOBUF_CONTENT_TYPE },
      });
      assert.equal(res.status, 500, res.data.toString());
      const status = JSON.parse(res.data.toString()) as Record<string, unknown>;
      assert.equal(status.reason, undefined);
      assert.equal(
        status.message,
        'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
      );
    });
  });

  describe('the scale subresource of Deployments', () => {
    const base = '/apis/apps/v1/namespaces/default/deployments';
    before(async () => {
      const created = await request(base, {
        method: 'POST',
        body: JSON.stringify({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'scaled' },
          spec: {
            replicas: 2,
            selector: { matchLabels: { app: 'scaled', tier: 'web' } },
            template: {
              metadata: { labels: { app: 'scaled', tier: 'web' } },
              spec: { containers: [{ name: 'c', image: 'x:1' }] },
            },
          },
        }),
      });
      assert.equal(created.status, 201);
    });

    // Discovery lists the subresource with the Scale's group, version and kind, as kube does.
    it('is listed in discovery as deployments/scale, an autoscaling/v1 Scale', async () => {
      const res = await request('/apis/apps/v1');
      const scale = (res.body.resources as Record<string, unknown>[]).find(
        (r) => r.name === 'deployments/scale',
      );
      assert.deepEqual(scale, {
        name: 'deployments/scale',
        singularName: '',
        namespaced: true,
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      });
    });

    // ScaleREST.Get (scaleFromDeployment): identity metadata, spec.replicas, status.replicas and
    // the selector in its string form.
    it('reads the Scale in JSON and in protobuf', async () => {
      const deployment = await request(`${base}/scaled`);
      const meta = deployment.body.metadata as Record<string, string>;
      const res = await request(`${base}/scaled/scale`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, {
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        metadata: {
          name: 'scaled',
          namespace: 'default',
          uid: meta.uid,
          resourceVersion: (res.body.metadata as { resourceVersion: string }).resourceVersion,
          creationTimestamp: meta.creationTimestamp,
        },
        spec: { replicas: 2 },
        status: {
          replicas: (res.body.status as { replicas: number }).replicas,
          selector: 'app=scaled,tier=web',
        },
      });
      const pb = await requestBytes(`${base}/scaled/scale`, {
        headers: { Accept: PROTOBUF_CONTENT_TYPE },
      });
      assert.equal(pb.headers['content-type'], PROTOBUF_CONTENT_TYPE);
      const { object: scale } = decodeObject(pb.data);
      assert.equal(scale.kind, 'Scale');
      assert.deepEqual(scale['spec'], { replicas: 2 });
    });

    // ScaleREST.Update: replicas move onto the Deployment (generation bumps), the answer is the
    // new Scale; a PUT in protobuf decodes as an autoscaling/v1 Scale.
    it('updates replicas with a protobuf PUT and a merge PATCH', async () => {
      const put = await requestBytes(`${base}/scaled/scale`, {
        method: 'PUT',
        body: encodeObject({
          apiVersion: 'autoscaling/v1',
          kind: 'Scale',
          metadata: { name: 'scaled', namespace: 'default' },
          spec: { replicas: 4 },
        }),
        headers: { 'Content-Type': PROTOBUF_CONTENT_TYPE, Accept: PROTOBUF_CONTENT_TYPE },
      });
      assert.equal(put.status, 200, put.data.toString());
      assert.deepEqual(decodeObject(put.data).object['spec'], { replicas: 4 });
      const patch = await request(`${base}/scaled/scale?fieldManager=scaler`, {
        method: 'PATCH',
        body: '{"spec":{"replicas":5}}',
        headers: { 'Content-Type': 'application/merge-patch+json' },
      });
      assert.equal(patch.status, 200);
      assert.deepEqual(patch.body.spec, { replicas: 5 });
      const deployment = await request(`${base}/scaled`);
      const spec = deployment.body.spec as { replicas: number };
      const meta = deployment.body.metadata as {
        generation: number;
        managedFields: { manager: string; subresource?: string }[];
      };
      assert.equal(spec.replicas, 5);
      assert.equal(meta.generation, 3);
      assert.ok(
        meta.managedFields.some((f) => f.manager === 'scaler' && f.subresource === 'scale'),
      );
    });

    // The Scale's resourceVersion is a precondition (409 Conflict on the Deployment) and
    // autoscaling validation refuses negative replicas (422 on Scale.autoscaling).
    it('refuses a stale resourceVersion and negative replicas as kube-apiserver does', async () => {
      const stale = await request(`${base}/scaled/scale`, {
        method: 'PUT',
        body: JSON.stringify({
          apiVersion: 'autoscaling/v1',
          kind: 'Scale',
          metadata: { name: 'scaled', resourceVersion: '1' },
          spec: { replicas: 1 },
        }),
      });
      assert.equal(stale.status, 409);
      assert.equal(
        stale.body.message,
        'Operation cannot be fulfilled on deployments.apps "scaled": the object has been modified; please apply your changes to the latest version and try again',
      );
      const negative = await request(`${base}/scaled/scale`, {
        method: 'PATCH',
        body: '{"spec":{"replicas":-1}}',
        headers: { 'Content-Type': 'application/merge-patch+json' },
      });
      assert.equal(negative.status, 422);
      assert.equal(
        negative.body.message,
        'Scale.autoscaling "scaled" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      );
      const missing = await request(`${base}/nothing/scale`);
      assert.equal(missing.status, 404);
      assert.equal(missing.body.message, 'deployments.apps "nothing" not found');
    });
  });

  describe('DELETE bodies and selector refusals on the wire', () => {
    // registry/store.go finalizeDelete: Status with details {name, group, kind: resource, uid},
    // no code; handlers/delete.go answers 200.
    it('answers a DELETE that removed the object with a Success Status naming it', async () => {
      const created = await request('/api/v1/namespaces/default/configmaps', {
        method: 'POST',
        body: JSON.stringify({ metadata: { name: 'wire-delete' } }),
      });
      const uid = (created.body.metadata as { uid: string }).uid;
      const res = await request('/api/v1/namespaces/default/configmaps/wire-delete', {
        method: 'DELETE',
      });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name: 'wire-delete', kind: 'configmaps', uid },
      });
    });

    // pkg/registry/core/namespace/storage: 200 with the namespace, deletionTimestamp set.
    it('answers a namespace DELETE with 200 and the terminating namespace', async () => {
      await request('/api/v1/namespaces', {
        method: 'POST',
        body: JSON.stringify({ metadata: { name: 'wire-ns' } }),
      });
      const res = await request('/api/v1/namespaces/wire-ns', { method: 'DELETE' });
      assert.equal(res.status, 200);
      assert.equal(res.body.kind, 'Namespace');
      assert.ok((res.body.metadata as { deletionTimestamp?: string }).deletionTimestamp);
      assert.deepEqual(res.body.status, { phase: 'Terminating' });
    });

    // The watch handler converts the field selector before the watch starts (get.go's
    // ListResource): a 400, not a stream that breaks.
    it('refuses a watch with an unsupported field selector with a 400 Status', async () => {
      const res = await request(
        '/api/v1/namespaces/default/configmaps?watch=true&fieldSelector=spec.foo%3Dbar',
      );
      assert.equal(res.status, 400);
      assert.equal(res.body.kind, 'Status');
      assert.equal(
        res.body.message,
        '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"',
      );
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

    it('writes the events of one turn of the event loop as one chunk of the stream', async () => {
      const from = plane.store.resourceVersion;
      const chunks: string[] = [];
      const received = new Promise<void>((resolve, reject) => {
        const req = httpsRequest(
          `${plane.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${from}`,
          { headers: { Authorization: `Bearer ${plane.token}` }, ca: plane.caCert, agent: false },
          (res) => {
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              chunks.push(chunk);
              if (chunks.join('').split('\n').length > 3) {
                req.destroy();
                resolve();
              }
            });
          },
        );
        req.on('error', reject);
        req.end();
      });
      await new Promise<void>((resolve) => {
        const check = () => (plane.openWatchCount > 0 ? resolve() : setImmediate(check));
        check();
      });
      // Three changes in one turn, as a busy server commits the requests of one poll.
      const configMaps = plane.store.typeFor('', 'configmaps')!;
      for (const name of ['turn-a', 'turn-b', 'turn-c']) {
        plane.store.create(configMaps, 'default', { metadata: { name } });
      }
      await received;
      // One HTTP chunk (one TLS record and one socket write), which the client reads at once.
      assert.equal(chunks.length, 1);
      const names = chunks[0]!
        .trim()
        .split('\n')
        .map(
          (line) =>
            (JSON.parse(line) as { object: { metadata: { name: string } } }).object.metadata.name,
        );
      assert.deepEqual(names, ['turn-a', 'turn-b', 'turn-c']);
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
