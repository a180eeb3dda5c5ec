// PullSecretKeeper against a fake port holding Secrets in a Map: create when
// absent, no request while a checked Secret is trusted, update on rotation
// keeping other tools' fields, a foreign Secret left alone, one GET after the
// recheck window, and a clear message when the optional Secret role is missing.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { ForbiddenError, NotFoundError } from '@mcp-operator/kube-core/errors';
import type {
  KubeObject,
  KubePort,
  ListResult,
  ResourceRef,
  WatchHandle,
  WriteOptions,
} from '@mcp-operator/kube-core/port';
import { buildPullSecret } from '../../src/operator/image.ts';
import { PullSecretKeeper } from '../../src/operator/pull-secret.ts';

interface Call {
  verb: 'get' | 'create' | 'update';
  resource: string;
  key: string;
  fieldManager?: string;
}

/** Secrets only, in a Map keyed namespace/name; get/create/update behave, the rest reject. */
class SecretPort implements KubePort {
  readonly secrets = new Map<string, KubeObject>();
  readonly calls: Call[] = [];
  /** Answers every call with this error while set. */
  fail: Error | undefined;
  #rv = 1;

  get<T extends KubeObject>(
    resource: ResourceRef,
    namespace: string | undefined,
    name: string,
  ): Promise<T> {
    const key = `${namespace}/${name}`;
    this.calls.push({ verb: 'get', resource: resource.plural, key });
    if (this.fail) return Promise.reject(this.fail);
    const found = this.secrets.get(key);
    if (!found) {
      return Promise.reject(
        new NotFoundError({
          code: 404,
          reason: 'NotFound',
          message: `secrets "${name}" not found`,
        }),
      );
    }
    return Promise.resolve(structuredClone(found) as T);
  }
  create<T extends KubeObject>(resource: ResourceRef, object: T, options: WriteOptions) {
    const key = `${object.metadata.namespace}/${object.metadata.name}`;
    this.calls.push({
      verb: 'create',
      resource: resource.plural,
      key,
      fieldManager: options.fieldManager,
    });
    if (this.fail) return Promise.reject(this.fail);
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String(this.#rv++);
    this.secrets.set(key, stored);
    return Promise.resolve(structuredClone(stored));
  }
  update<T extends KubeObject>(resource: ResourceRef, object: T, options: WriteOptions) {
    const key = `${object.metadata.namespace}/${object.metadata.name}`;
    this.calls.push({
      verb: 'update',
      resource: resource.plural,
      key,
      fieldManager: options.fieldManager,
    });
    if (this.fail) return Promise.reject(this.fail);
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String(this.#rv++);
    this.secrets.set(key, stored);
    return Promise.resolve(structuredClone(stored));
  }
  list<T extends KubeObject>(): Promise<ListResult<T>> {
    return Promise.reject(new Error('list: the operator may not list Secrets'));
  }
  watch(): Promise<WatchHandle> {
    return Promise.reject(new Error('watch: the operator may not watch Secrets'));
  }
  patch<T extends KubeObject>(): Promise<T> {
    return Promise.reject(new Error('patch: not expected'));
  }
  delete(): Promise<void> {
    return Promise.reject(new Error('delete: not expected'));
  }

  verbs(): string[] {
    return this.calls.map((c) => c.verb);
  }
}

const SECRET_NAME = 'mcp-runtime-registry-pull';

function desired(namespace = 'tools', password = 's3cret'): KubeObject {
  const secret = buildPullSecret(namespace, {
    provisionedRegistryURL: 'registry.example.com:5000/mcp',
    provisionedRegistryUsername: 'robot',
    provisionedRegistryPassword: password,
    provisionedRegistrySecretName: SECRET_NAME,
  });
  assert.ok(secret, 'credentials are configured');
  return secret;
}

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1);

describe('PullSecretKeeper', () => {
  let port: SecretPort;
  let keeper: PullSecretKeeper;

  beforeEach(() => {
    port = new SecretPort();
    keeper = new PullSecretKeeper(port);
  });

  it('creates the Secret when it is absent, once', async () => {
    assert.equal(await keeper.ensure(desired(), T0), 'created');
    assert.deepEqual(port.calls, [
      { verb: 'get', resource: 'secrets', key: `tools/${SECRET_NAME}` },
      {
        verb: 'create',
        resource: 'secrets',
        key: `tools/${SECRET_NAME}`,
        fieldManager: 'mcp-runtime-operator',
      },
    ]);
    const stored = port.secrets.get(`tools/${SECRET_NAME}`)!;
    assert.equal(stored.type, 'kubernetes.io/dockerconfigjson');
    assert.deepEqual(stored.data, desired().data);
    assert.equal(stored.metadata.labels?.['app.kubernetes.io/managed-by'], 'mcp-runtime');
    assert.equal(stored.metadata.ownerReferences, undefined, 'shared: no owner');
  });

  it('makes no request at all for a second ensure within 10 minutes with the same content', async () => {
    await keeper.ensure(desired(), T0);
    const before = port.calls.length;
    assert.equal(await keeper.ensure(desired(), T0 + 1), 'unchanged');
    assert.equal(await keeper.ensure(desired(), T0 + 10 * MINUTE - 1), 'unchanged');
    assert.equal(port.calls.length, before);
  });

  it('keeps one record per namespace', async () => {
    assert.equal(await keeper.ensure(desired('tools'), T0), 'created');
    assert.equal(await keeper.ensure(desired('news'), T0), 'created');
    port.calls.length = 0;
    assert.equal(await keeper.ensure(desired('tools'), T0 + MINUTE), 'unchanged');
    assert.equal(await keeper.ensure(desired('news'), T0 + MINUTE), 'unchanged');
    assert.deepEqual(port.calls, []);
  });

  it('on changed credentials GETs and updates the data, keeping the live fields', async () => {
    await keeper.ensure(desired('tools', 'old'), T0);
    // Another tool labels and annotates the Secret in the meantime.
    const key = `tools/${SECRET_NAME}`;
    const live = port.secrets.get(key)!;
    live.metadata.labels = { ...live.metadata.labels, 'backup.example.com/include': 'true' };
    live.metadata.annotations = { 'reflector.example.com/reflect': 'yes' };
    live.metadata.uid = 'uid-secret';
    port.calls.length = 0;

    const rotated = desired('tools', 'new');
    assert.equal(await keeper.ensure(rotated, T0 + MINUTE), 'updated');
    assert.deepEqual(port.verbs(), ['get', 'update']);
    assert.equal(port.calls[1]!.fieldManager, 'mcp-runtime-operator');

    const stored = port.secrets.get(key)!;
    assert.deepEqual(stored.data, rotated.data);
    assert.notDeepEqual(stored.data, desired('tools', 'old').data);
    assert.deepEqual(stored.metadata.labels, {
      'app.kubernetes.io/managed-by': 'mcp-runtime',
      'backup.example.com/include': 'true',
    });
    assert.deepEqual(stored.metadata.annotations, { 'reflector.example.com/reflect': 'yes' });
    assert.equal(stored.metadata.uid, 'uid-secret');
    assert.equal(stored.type, 'kubernetes.io/dockerconfigjson');

    // The rotated content is now remembered: no request for it.
    port.calls.length = 0;
    assert.equal(await keeper.ensure(rotated, T0 + 2 * MINUTE), 'unchanged');
    assert.deepEqual(port.calls, []);
  });

  it('sends the live resourceVersion with the update (an optimistic lock)', async () => {
    await keeper.ensure(desired('tools', 'old'), T0);
    const liveVersion = port.secrets.get(`tools/${SECRET_NAME}`)!.metadata.resourceVersion;
    let sent: string | undefined;
    const update = port.update.bind(port);
    port.update = (resource, object, options) => {
      sent = object.metadata.resourceVersion;
      return update(resource, object, options);
    };
    await keeper.ensure(desired('tools', 'new'), T0 + MINUTE);
    assert.ok(liveVersion);
    assert.equal(sent, liveVersion);
  });

  it('leaves a same-named Secret without the managed-by label alone: foreign', async () => {
    const key = `tools/${SECRET_NAME}`;
    const theirs: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: SECRET_NAME, namespace: 'tools', labels: { team: 'platform' } },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': 'e30=' },
    };
    port.secrets.set(key, structuredClone(theirs));

    assert.equal(await keeper.ensure(desired(), T0), 'foreign');
    assert.deepEqual(port.verbs(), ['get']);
    assert.deepEqual(port.secrets.get(key), theirs, 'never written');

    // A managed-by label with another value is foreign too.
    port.secrets.set(key, {
      ...structuredClone(theirs),
      metadata: { ...theirs.metadata, labels: { 'app.kubernetes.io/managed-by': 'helm' } },
    });
    port.calls.length = 0;
    assert.equal(await keeper.ensure(desired(), T0 + 11 * MINUTE), 'foreign');
    assert.deepEqual(port.verbs(), ['get']);
  });

  it('GETs once again after the 10-minute recheck window', async () => {
    await keeper.ensure(desired(), T0);
    port.calls.length = 0;

    assert.equal(await keeper.ensure(desired(), T0 + 10 * MINUTE), 'unchanged');
    assert.deepEqual(port.verbs(), ['get'], 'one GET, no write: the Secret is as desired');

    port.calls.length = 0;
    assert.equal(await keeper.ensure(desired(), T0 + 15 * MINUTE), 'unchanged');
    assert.deepEqual(port.calls, [], 'the GET restarted the window');
  });

  it('recreates a Secret deleted by hand once the window has passed', async () => {
    await keeper.ensure(desired(), T0);
    port.secrets.clear();
    assert.equal(await keeper.ensure(desired(), T0 + 5 * MINUTE), 'unchanged', 'still trusted');
    port.calls.length = 0;
    assert.equal(await keeper.ensure(desired(), T0 + 11 * MINUTE), 'created');
    assert.deepEqual(port.verbs(), ['get', 'create']);
  });

  it('turns a Forbidden answer into a message naming the Secret and the remedy', async () => {
    port.fail = new ForbiddenError({
      code: 403,
      reason: 'Forbidden',
      message: 'secrets "mcp-runtime-registry-pull" is forbidden: User cannot get resource',
    });
    await assert.rejects(keeper.ensure(desired(), T0), (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.ok(!(err instanceof ForbiddenError), 'a message for the user, not the raw answer');
      assert.match(err.message, /tools\/mcp-runtime-registry-pull/);
      assert.match(err.message, /grant it the optional Secret role/);
      assert.match(err.message, /spec\.imagePullSecrets/);
      return true;
    });

    // Nothing remembered: once the role is granted the next pass creates it.
    port.fail = undefined;
    port.calls.length = 0;
    assert.equal(await keeper.ensure(desired(), T0 + 1), 'created');
    assert.deepEqual(port.verbs(), ['get', 'create']);
  });

  it('passes any other error through unchanged and remembers nothing', async () => {
    const boom = new Error('connection reset');
    port.fail = boom;
    await assert.rejects(keeper.ensure(desired(), T0), (err: unknown) => err === boom);
    port.fail = undefined;
    port.calls.length = 0;
    assert.equal(await keeper.ensure(desired(), T0 + 1), 'created');
  });
});
