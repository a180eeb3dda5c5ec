// Authentication with groups, RBAC authorization, impersonation and the
// self reviews of the local control plane, against what kube-apiserver v1.32
// does:
// - rule matching: pkg/apis/rbac/v1/evaluation_helpers.go (VerbMatches,
//   APIGroupMatches, ResourceMatches with "*" and "*/subresource",
//   ResourceNameMatches, NonResourceURLMatches with a trailing "*") and
//   RuleAllows in plugin/pkg/auth/authorizer/rbac/rbac.go;
// - request attributes: staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go;
// - role resolution: pkg/registry/rbac/validation/rule.go (DefaultRuleResolver:
//   cluster role bindings, then the namespace's role bindings; a RoleBinding
//   to a ClusterRole grants only in its namespace; subjects; missing roles);
// - 403 wording: staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go
//   (forbiddenMessage) and apimachinery's NewForbidden;
// - impersonation: staging/src/k8s.io/apiserver/pkg/endpoints/filters/impersonation.go;
// - the bootstrap policy: plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go;
// - the self reviews: pkg/registry/authorization/selfsubjectaccessreview and
//   selfsubjectrulesreview, pkg/apis/authorization/validation.
// The HTTP cases run over HTTPS against a started plane.
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { LocalControlPlane } from '../src/control-plane.ts';
import { requestInfo } from '../src/http/request-info.ts';
import { builtinComponents } from '../src/openapi/components.ts';
import {
  PROTOBUF_CONTENT_TYPE,
  decodeObject,
  encodeObject,
  type TypedObject,
} from '../src/protobuf/index.ts';
import {
  apiGroupMatches,
  nonResourceURLMatches,
  resourceMatches,
  resourceNameMatches,
  ruleAllows,
  verbMatches,
  type Attributes,
  type PolicyRule,
} from '../src/rbac/rules.ts';
import type { KubeObject } from '../src/types.ts';

const RBAC = 'rbac.authorization.k8s.io/v1';

describe('rule matching (evaluation_helpers.go, RuleAllows)', () => {
  const rule = (r: Partial<PolicyRule>): PolicyRule => ({ verbs: [], ...r });

  it('matches verbs exactly or by "*"', () => {
    const cases: [string[], string, boolean][] = [
      [['get'], 'get', true],
      [['get'], 'list', false],
      [['get', 'list'], 'list', true],
      [['*'], 'deletecollection', true],
      [['*'], 'impersonate', true],
      [[], 'get', false],
    ];
    for (const [verbs, verb, want] of cases) {
      assert.equal(verbMatches(rule({ verbs }), verb), want, `${JSON.stringify(verbs)} ${verb}`);
    }
  });

  it('matches API groups exactly ("" is core) or by "*"', () => {
    const cases: [string[], string, boolean][] = [
      [[''], '', true],
      [[''], 'apps', false],
      [['apps'], 'apps', true],
      [['apps'], 'extensions', false],
      [['*'], 'rbac.authorization.k8s.io', true],
      [['*'], '', true],
      [[], '', false],
    ];
    for (const [apiGroups, group, want] of cases) {
      assert.equal(
        apiGroupMatches(rule({ apiGroups }), group),
        want,
        `${JSON.stringify(apiGroups)} ${group}`,
      );
    }
  });

  it('matches resources with subresources, "*" and "*/subresource"', () => {
    // [rule resources, requested resource, requested subresource, matches]
    const cases: [string[], string, string, boolean][] = [
      [['deployments'], 'deployments', '', true],
      [['deployments'], 'deployments/scale', 'scale', false],
      [['deployments/scale'], 'deployments/scale', 'scale', true],
      [['deployments/scale'], 'deployments', '', false],
      [['*'], 'deployments', '', true],
      [['*'], 'deployments/status', 'status', true],
      [['*/scale'], 'deployments/scale', 'scale', true],
      [['*/scale'], 'replicasets/scale', 'scale', true],
      [['*/scale'], 'deployments/status', 'status', false],
      [['*/scale'], 'deployments', '', false],
      // The length check: "*/" plus exactly the subresource.
      [['*/xscale'], 'deployments/scale', 'scale', false],
      [['pods', 'pods/log'], 'pods/log', 'log', true],
    ];
    for (const [resources, combined, sub, want] of cases) {
      assert.equal(
        resourceMatches(rule({ resources }), combined, sub),
        want,
        `${JSON.stringify(resources)} ${combined}`,
      );
    }
  });

  it('matches resource names only when the rule lists some', () => {
    const cases: [string[] | undefined, string, boolean][] = [
      [undefined, 'anything', true],
      [[], '', true],
      [['web'], 'web', true],
      [['web'], 'api', false],
      // A list or create has no name: a rule with names does not cover it.
      [['web'], '', false],
    ];
    for (const [resourceNames, name, want] of cases) {
      const r = rule(resourceNames ? { resourceNames } : {});
      assert.equal(resourceNameMatches(r, name), want, `${JSON.stringify(resourceNames)} ${name}`);
    }
  });

  it('matches non-resource URLs exactly, by "*", or by a prefix ending in "*"', () => {
    const cases: [string[], string, boolean][] = [
      [['*'], '/anything', true],
      [['/version'], '/version', true],
      [['/version'], '/version/', false],
      [['/apis/*'], '/apis/apps/v1', true],
      [['/apis/*'], '/apis', false],
      [['/apis'], '/apis', true],
      // Only the trailing "*" is a wildcard, and it needs no slash before it.
      [['/api*'], '/apis/apps', true],
      [['/healthz/*'], '/healthz', false],
    ];
    for (const [nonResourceURLs, path, want] of cases) {
      assert.equal(
        nonResourceURLMatches(rule({ nonResourceURLs }), path),
        want,
        `${JSON.stringify(nonResourceURLs)} ${path}`,
      );
    }
  });

  it('allows a request when verb, group, resource and name all match', () => {
    const user = { name: 'u', groups: [] };
    const leases = rule({
      verbs: ['get', 'update'],
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      resourceNames: ['lock'],
    });
    const ask = (a: Partial<Attributes>): Attributes => ({
      user,
      verb: 'get',
      resourceRequest: true,
      apiGroup: 'coordination.k8s.io',
      resource: 'leases',
      name: 'lock',
      ...a,
    });
    assert.equal(ruleAllows(ask({}), leases), true);
    assert.equal(ruleAllows(ask({ verb: 'create', name: '' }), leases), false);
    assert.equal(ruleAllows(ask({ name: 'other' }), leases), false);
    assert.equal(ruleAllows(ask({ apiGroup: '' }), leases), false);
    assert.equal(ruleAllows(ask({ subresource: 'status' }), leases), false);
    // A resource rule never covers a path, nor a URL rule a resource.
    const urls = rule({ verbs: ['get'], nonResourceURLs: ['*'] });
    assert.equal(ruleAllows(ask({}), urls), false);
    assert.equal(ruleAllows({ user, verb: 'get', resourceRequest: false, path: '/x' }, urls), true);
    assert.equal(
      ruleAllows({ user, verb: 'get', resourceRequest: false, path: '/x' }, leases),
      false,
    );
  });
});

describe('request attributes (requestinfo.go)', () => {
  const info = (method: string, url: string) => {
    const u = new URL(url, 'https://x');
    const i = requestInfo(method, u.pathname, u.searchParams);
    return i.resourceRequest
      ? [i.verb, i.apiGroup, i.namespace, i.resource, i.subresource, i.name].join('|')
      : `path ${i.verb} ${i.path}`;
  };

  it('reads verb, group, namespace, resource, subresource and name from method and path', () => {
    const cases: [string, string, string][] = [
      ['GET', '/api/v1/namespaces/default/pods', 'list||default|pods||'],
      ['GET', '/api/v1/namespaces/default/pods/web', 'get||default|pods||web'],
      ['GET', '/api/v1/pods?watch=true', 'watch|||pods||'],
      ['GET', '/api/v1/pods?watch=1', 'watch|||pods||'],
      ['GET', '/api/v1/pods?watch=false', 'list|||pods||'],
      ['GET', '/api/v1/watch/namespaces/default/pods/web', 'watch||default|pods||web'],
      ['POST', '/apis/apps/v1/namespaces/d/deployments', 'create|apps|d|deployments||'],
      [
        'PUT',
        '/apis/apps/v1/namespaces/d/deployments/web/status',
        'update|apps|d|deployments|status|web',
      ],
      [
        'PATCH',
        '/apis/apps/v1/namespaces/d/deployments/web/scale',
        'patch|apps|d|deployments|scale|web',
      ],
      ['DELETE', '/api/v1/namespaces/d/configmaps/x', 'delete||d|configmaps||x'],
      ['DELETE', '/api/v1/namespaces/d/configmaps', 'deletecollection||d|configmaps||'],
      // A namespace is in itself; its status and finalize are its subresources.
      ['GET', '/api/v1/namespaces/foo', 'get||foo|namespaces||foo'],
      ['PUT', '/api/v1/namespaces/foo/status', 'update||foo|namespaces|status|foo'],
      ['GET', '/api/v1/namespaces', 'list|||namespaces||'],
      // A list or watch pinned to one name by its field selector names it.
      [
        'GET',
        '/api/v1/namespaces/d/configmaps?fieldSelector=metadata.name%3Dweb',
        'list||d|configmaps||web',
      ],
      [
        'GET',
        '/api/v1/namespaces/d/configmaps?watch=true&fieldSelector=metadata.name%3D%3Dweb',
        'watch||d|configmaps||web',
      ],
    ];
    for (const [method, url, want] of cases) assert.equal(info(method, url), want, url);
  });

  it('treats discovery, /version and OpenAPI as non-resource requests with the HTTP verb', () => {
    assert.equal(info('GET', '/api'), 'path get /api');
    assert.equal(info('GET', '/api/v1'), 'path get /api/v1');
    assert.equal(info('GET', '/apis/apps/v1'), 'path get /apis/apps/v1');
    assert.equal(info('GET', '/version'), 'path get /version');
    assert.equal(info('GET', '/openapi/v3/apis/apps/v1'), 'path get /openapi/v3/apis/apps/v1');
    assert.equal(info('POST', '/logs/x'), 'path post /logs/x');
  });
});

// ---- a plane over HTTPS ------------------------------------------------------

const ADMIN = 'admin-token';
const BOB = 'bob-token';
const ALICE = 'alice-token';

interface Reply {
  status: number;
  body: Record<string, unknown>;
  data: Buffer;
}

function call(
  plane: LocalControlPlane,
  token: string | undefined,
  method: string,
  path: string,
  init: { body?: unknown; headers?: Record<string, string | string[]>; raw?: Uint8Array } = {},
): Promise<Reply> {
  const headers: Record<string, string | string[]> = { ...init.headers };
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload: string | Uint8Array | undefined = init.raw;
  if (init.body !== undefined) {
    payload = JSON.stringify(init.body);
    headers['Content-Type'] ??= 'application/json';
  }
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${plane.url}${path}`,
      { method, headers, ca: plane.caCert, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const data = Buffer.concat(chunks);
          let body: Record<string, unknown> = {};
          try {
            body = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, body, data });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const clusterRole = (name: string, rules: PolicyRule[]): KubeObject => ({
  apiVersion: RBAC,
  kind: 'ClusterRole',
  metadata: { name },
  rules: rules,
});
const role = (namespace: string, name: string, rules: PolicyRule[]): KubeObject => ({
  apiVersion: RBAC,
  kind: 'Role',
  metadata: { name, namespace },
  rules: rules,
});
type Subject = { kind: string; name: string; namespace?: string };
const binding = (
  name: string,
  ref: { kind: 'Role' | 'ClusterRole'; name: string },
  subjects: Subject[],
  namespace?: string,
): KubeObject => ({
  apiVersion: RBAC,
  kind: namespace ? 'RoleBinding' : 'ClusterRoleBinding',
  metadata: { name, ...(namespace ? { namespace } : {}) },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...ref },
  subjects,
});

const ssar = (spec: Record<string, unknown>) => ({
  apiVersion: 'authorization.k8s.io/v1',
  kind: 'SelfSubjectAccessReview',
  spec,
});
const SSAR_PATH = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
const SSRR_PATH = '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews';

describe('RBAC over HTTPS', () => {
  let plane: LocalControlPlane;
  const as = (token: string | undefined, method: string, path: string, init = {}) =>
    call(plane, token, method, path, init);
  const check = async (token: string, attributes: Record<string, unknown>, headers = {}) => {
    const res = await as(token, 'POST', SSAR_PATH, {
      body: ssar({ resourceAttributes: attributes }),
      headers,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.status as { allowed: boolean; reason?: string; denied?: boolean };
  };

  before(async () => {
    plane = new LocalControlPlane({
      tokens: {
        [ADMIN]: 'admin',
        [BOB]: { name: 'bob' },
        [ALICE]: { name: 'alice', uid: 'alice-uid', groups: ['devs'] },
      },
      anonymous: true,
      simulation: { deployments: false, ingresses: false },
    });
    await plane.start();
    for (const ns of ['team-a', 'team-b']) {
      plane.applyObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    }
  });
  after(() => plane.stop());

  describe('the bootstrap policy (bootstrappolicy/policy.go)', () => {
    it('creates the cluster roles and bindings at start, by kube-apiserver', () => {
      const roles = plane.store.list(
        plane.type('rbac.authorization.k8s.io', 'clusterroles'),
        undefined,
      );
      const names = roles.items.map((r) => r.metadata.name).sort();
      assert.deepEqual(names, [
        'cluster-admin',
        'system:basic-user',
        'system:discovery',
        'system:public-info-viewer',
      ]);
      const admin = roles.items.find((r) => r.metadata.name === 'cluster-admin')!;
      assert.deepEqual(admin.metadata.labels, { 'kubernetes.io/bootstrapping': 'rbac-defaults' });
      assert.equal(admin.metadata.managedFields?.[0]?.manager, 'kube-apiserver');
      const bindings = plane.store.list(
        plane.type('rbac.authorization.k8s.io', 'clusterrolebindings'),
        undefined,
      ).items;
      const subjects = Object.fromEntries(
        bindings.map((b): [string, string[]] => [
          b.metadata.name ?? '',
          (b.subjects as Subject[]).map((s) => `${s.kind}:${s.name}`),
        ]),
      );
      assert.deepEqual(subjects, {
        'cluster-admin': ['Group:system:masters'],
        'system:basic-user': ['Group:system:authenticated'],
        'system:discovery': ['Group:system:authenticated'],
        'system:public-info-viewer': ['Group:system:authenticated', 'Group:system:unauthenticated'],
      });
    });

    it('lets a user with no bindings of its own discover the API and nothing more', async () => {
      for (const path of ['/version', '/api', '/api/v1', '/apis', '/apis/apps/v1', '/openapi/v3']) {
        assert.equal((await as(BOB, 'GET', path)).status, 200, path);
      }
      const pods = await as(BOB, 'GET', '/api/v1/namespaces/default/pods');
      assert.equal(pods.status, 403);
    });

    it('gives system:anonymous version and health, not discovery', async () => {
      assert.equal((await as(undefined, 'GET', '/version')).status, 200);
      const api = await as(undefined, 'GET', '/api');
      assert.equal(api.status, 403);
      assert.equal(api.body.message, 'forbidden: User "system:anonymous" cannot get path "/api"');
    });

    it('allows system:masters everything, with or without bindings', async () => {
      assert.equal((await as(ADMIN, 'GET', '/api/v1/namespaces/default/secrets')).status, 200);
      assert.deepEqual(await check(ADMIN, { verb: 'escalate', resource: 'anything' }), {
        allowed: true,
      });
    });
  });

  describe('403 Forbidden, worded as responsewriters.forbiddenMessage and NewForbidden', () => {
    it('names a namespaced list', async () => {
      const res = await as(BOB, 'GET', '/api/v1/namespaces/default/secrets');
      assert.equal(res.status, 403);
      assert.deepEqual(res.body, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'secrets is forbidden: User "bob" cannot list resource "secrets" in API group "" in the namespace "default"',
        reason: 'Forbidden',
        details: { kind: 'secrets' },
        code: 403,
      });
    });

    it('names the cluster scope for a cluster-wide request', async () => {
      const res = await as(BOB, 'GET', '/api/v1/namespaces');
      assert.equal(
        res.body.message,
        'namespaces is forbidden: User "bob" cannot list resource "namespaces" in API group "" at the cluster scope',
      );
      const all = await as(BOB, 'GET', '/apis/apps/v1/deployments');
      assert.equal(
        all.body.message,
        'deployments.apps is forbidden: User "bob" cannot list resource "deployments" in API group "apps" at the cluster scope',
      );
    });

    it('names the object, its group, and a subresource as deployments/scale', async () => {
      const get = await as(BOB, 'GET', '/apis/apps/v1/namespaces/default/deployments/web');
      assert.equal(
        get.body.message,
        'deployments.apps "web" is forbidden: User "bob" cannot get resource "deployments" in API group "apps" in the namespace "default"',
      );
      assert.deepEqual(get.body.details, { name: 'web', group: 'apps', kind: 'deployments' });
      const scale = await as(
        BOB,
        'PATCH',
        '/apis/apps/v1/namespaces/default/deployments/web/scale',
        {
          body: {},
          headers: { 'Content-Type': 'application/merge-patch+json' },
        },
      );
      assert.equal(
        scale.body.message,
        'deployments.apps "web" is forbidden: User "bob" cannot patch resource "deployments/scale" in API group "apps" in the namespace "default"',
      );
      assert.deepEqual(scale.body.details, { name: 'web', group: 'apps', kind: 'deployments' });
    });

    it('names a path for a non-resource request, with empty details', async () => {
      const res = await as(BOB, 'GET', '/logs/kube-apiserver.log');
      assert.equal(res.status, 403);
      assert.equal(
        res.body.message,
        'forbidden: User "bob" cannot get path "/logs/kube-apiserver.log"',
      );
      assert.deepEqual(res.body.details, {});
    });

    it('refuses before routing: a resource that does not exist is 403, for an admin 404', async () => {
      assert.equal((await as(BOB, 'GET', '/apis/example.com/v1/widgets')).status, 403);
      assert.equal((await as(ADMIN, 'GET', '/apis/example.com/v1/widgets')).status, 404);
    });

    it('accounts a refused request in the request log with its 403', async () => {
      plane.faults.resetRequests();
      await as(BOB, 'GET', '/api/v1/namespaces/default/configmaps');
      const [record] = plane.faults.requests({ verb: 'list', resource: 'configmaps' });
      assert.equal(record?.code, 403);
      assert.equal(record?.user, 'bob');
      assert.equal(record?.namespace, 'default');
    });

    it('keeps the deny rules of fault injection on top of RBAC', async () => {
      plane.deny({ verb: 'list', resource: 'configmaps', user: 'admin' });
      const res = await as(ADMIN, 'GET', '/api/v1/namespaces/default/configmaps');
      assert.equal(res.status, 403);
      assert.equal(
        res.body.message,
        'configmaps is forbidden: User "admin" cannot list resource "configmaps" in API group "" in the namespace "default"',
      );
      plane.clearDenyRules();
      assert.equal((await as(ADMIN, 'GET', '/api/v1/namespaces/default/configmaps')).status, 200);
    });
  });

  describe('role and binding resolution (DefaultRuleResolver)', () => {
    before(() => {
      plane.applyObject(
        clusterRole('config-reader', [
          { verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'] },
        ]),
      );
      plane.applyObject(
        role('team-a', 'lease-holder', [
          {
            verbs: ['get', 'update'],
            apiGroups: ['coordination.k8s.io'],
            resources: ['leases'],
            resourceNames: ['lock'],
          },
          { verbs: ['create'], apiGroups: ['coordination.k8s.io'], resources: ['leases'] },
        ]),
      );
      // A RoleBinding to a ClusterRole: the cluster role's rules, in team-a only.
      plane.applyObject(
        binding(
          'read-config',
          { kind: 'ClusterRole', name: 'config-reader' },
          [{ kind: 'User', name: 'bob' }],
          'team-a',
        ),
      );
      plane.applyObject(
        binding(
          'leases',
          { kind: 'Role', name: 'lease-holder' },
          [
            // A service account without a namespace is the binding's namespace's.
            { kind: 'ServiceAccount', name: 'worker' },
          ],
          'team-a',
        ),
      );
      plane.applyObject(
        binding('devs-read-config', { kind: 'ClusterRole', name: 'config-reader' }, [
          { kind: 'Group', name: 'devs' },
        ]),
      );
    });

    it('grants a RoleBinding to a ClusterRole only in the binding namespace', async () => {
      assert.equal((await as(BOB, 'GET', '/api/v1/namespaces/team-a/configmaps')).status, 200);
      assert.equal((await as(BOB, 'GET', '/api/v1/namespaces/team-b/configmaps')).status, 403);
      // Listing across namespaces is a cluster-scope request: a RoleBinding never covers it.
      assert.equal((await as(BOB, 'GET', '/api/v1/configmaps')).status, 403);
      assert.deepEqual(
        await check(BOB, { verb: 'list', resource: 'configmaps', namespace: 'team-a' }),
        {
          allowed: true,
          reason:
            'RBAC: allowed by RoleBinding "read-config/team-a" of ClusterRole "config-reader" to User "bob"',
        },
      );
    });

    it('grants a ClusterRoleBinding to a group everywhere', async () => {
      for (const ns of ['team-a', 'team-b', 'default']) {
        assert.equal((await as(ALICE, 'GET', `/api/v1/namespaces/${ns}/configmaps`)).status, 200);
      }
      assert.equal((await as(ALICE, 'GET', '/api/v1/configmaps')).status, 200);
      assert.equal(
        (await as(ALICE, 'DELETE', '/api/v1/namespaces/team-a/configmaps/x')).status,
        403,
      );
      assert.deepEqual(
        await check(ALICE, { verb: 'get', resource: 'configmaps', namespace: 'x' }),
        {
          allowed: true,
          reason:
            'RBAC: allowed by ClusterRoleBinding "devs-read-config" of ClusterRole "config-reader" to Group "devs"',
        },
      );
    });

    it('matches a service account subject by its user name, and resource names', async () => {
      plane.applyObject({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'worker', namespace: 'team-a' },
      });
      const token = plane.serviceAccountToken('team-a', 'worker');
      const lease = (name: string) =>
        `/apis/coordination.k8s.io/v1/namespaces/team-a/leases/${name}`;
      const create = await as(
        token,
        'POST',
        '/apis/coordination.k8s.io/v1/namespaces/team-a/leases',
        {
          body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'lock' } },
        },
      );
      assert.equal(create.status, 201, JSON.stringify(create.body));
      assert.equal((await as(token, 'GET', lease('lock'))).status, 200);
      const other = await as(token, 'GET', lease('other'));
      assert.equal(other.status, 403);
      assert.equal(
        other.body.message,
        'leases.coordination.k8s.io "other" is forbidden: User "system:serviceaccount:team-a:worker" cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "team-a"',
      );
      // The list names no lease: the named rule does not cover it.
      assert.equal(
        (await as(token, 'GET', '/apis/coordination.k8s.io/v1/namespaces/team-a/leases')).status,
        403,
      );
    });

    it('follows changes to roles and bindings at once', async () => {
      assert.equal((await as(BOB, 'GET', '/api/v1/namespaces/team-b/configmaps')).status, 403);
      plane.applyObject(
        binding(
          'read-config',
          { kind: 'ClusterRole', name: 'config-reader' },
          [{ kind: 'User', name: 'bob' }],
          'team-b',
        ),
      );
      assert.equal((await as(BOB, 'GET', '/api/v1/namespaces/team-b/configmaps')).status, 200);
      plane.store.delete(
        plane.type('rbac.authorization.k8s.io', 'rolebindings'),
        'team-b',
        'read-config',
      );
      assert.equal((await as(BOB, 'GET', '/api/v1/namespaces/team-b/configmaps')).status, 403);
    });

    it('names role references that do not resolve in the reason of a refusal', async () => {
      plane.applyObject(
        binding('dangling', { kind: 'ClusterRole', name: 'missing' }, [
          { kind: 'User', name: 'bob' },
        ]),
      );
      const res = await as(BOB, 'GET', '/api/v1/namespaces/team-b/secrets');
      assert.equal(
        res.body.message,
        'secrets is forbidden: User "bob" cannot list resource "secrets" in API group "" in the namespace "team-b": RBAC: clusterrole.rbac.authorization.k8s.io "missing" not found',
      );
      plane.applyObject(
        binding(
          'dangling-role',
          { kind: 'Role', name: 'gone' },
          [{ kind: 'User', name: 'bob' }],
          'team-b',
        ),
      );
      const two = await check(BOB, { verb: 'list', resource: 'secrets', namespace: 'team-b' });
      assert.deepEqual(two, {
        allowed: false,
        reason:
          'RBAC: [clusterrole.rbac.authorization.k8s.io "missing" not found, role.rbac.authorization.k8s.io "gone" not found]',
      });
      // Other bindings still allow what they grant.
      assert.equal((await as(BOB, 'GET', '/api/v1/namespaces/team-a/configmaps')).status, 200);
      const crbs = plane.type('rbac.authorization.k8s.io', 'clusterrolebindings');
      plane.store.delete(crbs, undefined, 'dangling');
      plane.store.delete(
        plane.type('rbac.authorization.k8s.io', 'rolebindings'),
        'team-b',
        'dangling-role',
      );
    });
  });

  describe('impersonation (impersonation.go)', () => {
    it('lets system:masters act as anyone, who is then authorized as themselves', async () => {
      const res = await as(ADMIN, 'GET', '/api/v1/namespaces/default/secrets', {
        headers: { 'Impersonate-User': 'bob' },
      });
      assert.equal(res.status, 403);
      assert.equal(
        res.body.message,
        'secrets is forbidden: User "bob" cannot list resource "secrets" in API group "" in the namespace "default"',
      );
    });

    it('refuses a user without the impersonate verb, naming what it tried to act as', async () => {
      const user = await as(BOB, 'GET', '/api/v1/namespaces/team-a/configmaps', {
        headers: { 'Impersonate-User': 'alice' },
      });
      assert.equal(user.status, 403);
      assert.equal(
        user.body.message,
        'users "alice" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope',
      );
      assert.deepEqual(user.body.details, { name: 'alice', kind: 'users' });
      const sa = await as(BOB, 'GET', '/api/v1/namespaces/team-a/configmaps', {
        headers: { 'Impersonate-User': 'system:serviceaccount:team-a:worker' },
      });
      assert.equal(
        sa.body.message,
        'serviceaccounts "worker" is forbidden: User "bob" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "team-a"',
      );
    });

    it('checks users, groups, extras and uids each, with resource names', async () => {
      plane.applyObject(
        clusterRole('impersonate-alice', [
          {
            verbs: ['impersonate'],
            apiGroups: [''],
            resources: ['users'],
            resourceNames: ['alice'],
          },
        ]),
      );
      plane.applyObject(
        binding('bob-as-alice', { kind: 'ClusterRole', name: 'impersonate-alice' }, [
          { kind: 'User', name: 'bob' },
        ]),
      );
      const asAlice = await as(BOB, 'GET', '/api/v1/namespaces/team-b/configmaps', {
        headers: { 'Impersonate-User': 'alice' },
      });
      // Impersonated without groups, alice is only in system:authenticated, not devs.
      assert.equal(asAlice.status, 403);
      assert.match(
        String(asAlice.body.message),
        /^configmaps is forbidden: User "alice" cannot list/,
      );
      const carol = await as(BOB, 'GET', '/version', { headers: { 'Impersonate-User': 'carol' } });
      assert.equal(carol.status, 403);
      const group = await as(BOB, 'GET', '/version', {
        headers: { 'Impersonate-User': 'alice', 'Impersonate-Group': 'devs' },
      });
      assert.equal(
        group.body.message,
        'groups "devs" is forbidden: User "bob" cannot impersonate resource "groups" in API group "" at the cluster scope',
      );
      const extra = await as(BOB, 'GET', '/version', {
        headers: { 'Impersonate-User': 'alice', 'Impersonate-Extra-Scopes': 'view' },
      });
      assert.equal(
        extra.body.message,
        'userextras.authentication.k8s.io "view" is forbidden: User "bob" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope',
      );
      const uid = await as(BOB, 'GET', '/version', {
        headers: { 'Impersonate-User': 'alice', 'Impersonate-Uid': 'u-1' },
      });
      assert.equal(
        uid.body.message,
        'uids.authentication.k8s.io "u-1" is forbidden: User "bob" cannot impersonate resource "uids" in API group "authentication.k8s.io" at the cluster scope',
      );
    });

    it('gives the impersonated user the groups it asks for, or a service account its own', async () => {
      // alice with the devs group (asked for by an admin) reads config maps through the group binding.
      const devs = await as(ADMIN, 'GET', '/api/v1/namespaces/team-b/configmaps', {
        headers: { 'Impersonate-User': 'alice', 'Impersonate-Group': ['devs', 'others'] },
      });
      assert.equal(devs.status, 200);
      // A service account is in system:serviceaccounts and system:serviceaccounts:NS ...
      plane.applyObject(
        binding('team-a-accounts', { kind: 'ClusterRole', name: 'config-reader' }, [
          { kind: 'Group', name: 'system:serviceaccounts:team-a' },
        ]),
      );
      const sa = { 'Impersonate-User': 'system:serviceaccount:team-a:builder' };
      assert.equal(
        (await as(ADMIN, 'GET', '/api/v1/namespaces/team-b/configmaps', { headers: sa })).status,
        200,
      );
      // ... unless groups are given, which replace them.
      const replaced = await as(ADMIN, 'GET', '/api/v1/namespaces/team-b/configmaps', {
        headers: { ...sa, 'Impersonate-Group': 'nobody' },
      });
      assert.equal(replaced.status, 403);
      // Every impersonated user is in system:authenticated: discovery works.
      assert.equal((await as(ADMIN, 'GET', '/apis', { headers: sa })).status, 200);
    });

    it('is 400 for groups, extras or a uid without a user', async () => {
      const res = await as(ADMIN, 'GET', '/version', { headers: { 'Impersonate-Group': 'devs' } });
      assert.equal(res.status, 400);
      assert.equal(res.body.reason, 'BadRequest');
      assert.equal(res.body.message, 'requested [{Group  devs    }] without impersonating a user');
      const uid = await as(ADMIN, 'GET', '/version', { headers: { 'Impersonate-Uid': 'u' } });
      assert.equal(
        uid.body.message,
        'requested [{UID  u  authentication.k8s.io/v1  }] without impersonating a user',
      );
    });
  });

  describe('SelfSubjectAccessReview (selfsubjectaccessreview/rest.go)', () => {
    it('answers for the requesting user, allowed with the binding as reason', async () => {
      assert.deepEqual(
        await check(BOB, { verb: 'list', resource: 'secrets', namespace: 'default' }),
        {
          allowed: false,
        },
      );
      const res = await as(BOB, 'POST', SSAR_PATH, {
        body: ssar({ nonResourceAttributes: { path: '/apis/apps', verb: 'get' } }),
      });
      assert.equal(res.status, 201);
      assert.deepEqual(res.body, {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        metadata: {},
        spec: { nonResourceAttributes: { path: '/apis/apps', verb: 'get' } },
        status: {
          allowed: true,
          reason:
            'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"',
        },
      });
    });

    it('answers for the impersonated user', async () => {
      const status = await check(
        ADMIN,
        { verb: 'list', resource: 'configmaps', namespace: 'team-a' },
        { 'Impersonate-User': 'bob' },
      );
      assert.equal(status.allowed, true);
      assert.match(status.reason ?? '', /RoleBinding "read-config\/team-a"/);
    });

    it('validates the spec as kube does (422 on SelfSubjectAccessReview.authorization.k8s.io)', async () => {
      const neither = await as(BOB, 'POST', SSAR_PATH, { body: ssar({}) });
      assert.equal(neither.status, 422);
      assert.equal(
        neither.body.message,
        'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
      );
      const both = await as(BOB, 'POST', SSAR_PATH, {
        body: ssar({
          resourceAttributes: { verb: 'get', resource: 'pods' },
          nonResourceAttributes: { path: '/x', verb: 'get' },
        }),
      });
      assert.equal(
        both.body.message,
        'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: cannot be specified in combination with resourceAttributes',
      );
      const selector = await as(BOB, 'POST', SSAR_PATH, {
        body: ssar({ resourceAttributes: { verb: 'list', resource: 'pods', labelSelector: {} } }),
      });
      assert.equal(
        selector.body.message,
        'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes.labelSelector.requirements: Required value: when spec.resourceAttributes.labelSelector is specified, requirements or rawSelector is required',
      );
      const named = await as(BOB, 'POST', SSAR_PATH, {
        body: { ...ssar({ resourceAttributes: { verb: 'get' } }), metadata: { name: 'x' } },
      });
      assert.equal(named.status, 422);
      assert.match(String(named.body.message), /metadata: Invalid value: .*: must be empty$/);
    });

    it('is create-only and never stored', async () => {
      const get = await as(ADMIN, 'GET', SSAR_PATH);
      assert.equal(get.status, 405);
      assert.equal(get.body.reason, 'MethodNotAllowed');
      assert.equal((await as(ADMIN, 'GET', `${SSAR_PATH}/x`)).status, 404);
      const type = plane.type('authorization.k8s.io', 'selfsubjectaccessreviews');
      assert.equal(plane.store.list(type, undefined).items.length, 0);
      const discovery = await as(BOB, 'GET', '/apis/authorization.k8s.io/v1');
      const resources = discovery.body.resources as { name: string; verbs: string[] }[];
      assert.deepEqual(
        resources.map((r) => [r.name, r.verbs]),
        [
          ['selfsubjectaccessreviews', ['create']],
          ['selfsubjectrulesreviews', ['create']],
        ],
      );
    });

    it('takes and answers Kubernetes protobuf, as kubectl sends it', async () => {
      const body = encodeObject(
        ssar({
          resourceAttributes: {
            verb: 'create',
            resource: 'selfsubjectaccessreviews',
            group: 'authorization.k8s.io',
          },
        }),
      );
      const res = await as(BOB, 'POST', SSAR_PATH, {
        raw: body,
        headers: { 'Content-Type': PROTOBUF_CONTENT_TYPE, Accept: PROTOBUF_CONTENT_TYPE },
      });
      assert.equal(res.status, 201);
      const { object } = decodeObject(res.data, {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
      });
      assert.deepEqual(object.status, {
        allowed: true,
        reason:
          'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"',
      });
    });

    it('allows every request under AlwaysAllow, which writes no bootstrap policy', async () => {
      const open = new LocalControlPlane({
        authorization: 'AlwaysAllow',
        tokens: { t: { name: 'nobody' } },
        simulation: { deployments: false, ingresses: false },
      });
      await open.start();
      try {
        assert.equal(
          (await call(open, 't', 'GET', '/api/v1/namespaces/default/secrets')).status,
          200,
        );
        const roles = open.store.list(
          open.type('rbac.authorization.k8s.io', 'clusterroles'),
          undefined,
        );
        assert.equal(roles.items.length, 0);
        const review = await call(open, 't', 'POST', SSAR_PATH, {
          body: ssar({ resourceAttributes: { verb: 'delete', resource: 'nodes' } }),
        });
        assert.deepEqual(review.body.status, { allowed: true });
      } finally {
        await open.stop();
      }
    });
  });

  describe('SelfSubjectRulesReview (selfsubjectrulesreview/rest.go)', () => {
    it('lists the rules that apply in a namespace', async () => {
      const res = await as(BOB, 'POST', SSRR_PATH, {
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectRulesReview',
          spec: { namespace: 'team-a' },
        },
      });
      assert.equal(res.status, 201);
      const status = res.body.status as {
        resourceRules: { verbs: string[]; resources: string[] }[];
        nonResourceRules: { nonResourceURLs: string[] }[];
        incomplete: boolean;
      };
      assert.equal(status.incomplete, false);
      const resources = status.resourceRules.map(
        (r) => `${r.resources.join(',')}:${r.verbs.join(',')}`,
      );
      assert.ok(resources.includes('configmaps:get,list'), resources.join(' '));
      assert.ok(
        resources.includes('selfsubjectaccessreviews,selfsubjectrulesreviews:create'),
        resources.join(' '),
      );
      assert.ok(status.nonResourceRules.some((r) => r.nonResourceURLs.includes('/apis/*')));
    });

    it('needs a namespace (400)', async () => {
      const res = await as(BOB, 'POST', SSRR_PATH, {
        body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: {} },
      });
      assert.equal(res.status, 400);
      assert.equal(res.body.message, 'no namespace on request');
    });
  });

  describe('service account tokens (the token authenticator)', () => {
    it('need an existing ServiceAccount, and stop working once it is gone', async () => {
      assert.throws(
        () => plane.serviceAccountToken('team-b', 'ghost'),
        /serviceaccounts "ghost" not found/,
      );
      plane.applyObject({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'short-lived', namespace: 'team-b' },
      });
      const token = plane.serviceAccountToken('team-b', 'short-lived');
      assert.equal((await as(token, 'GET', '/version')).status, 200);
      plane.store.delete(plane.type('', 'serviceaccounts'), 'team-b', 'short-lived');
      const gone = await as(token, 'GET', '/version');
      assert.equal(gone.status, 401);
    });

    it('authenticate as system:serviceaccount:NS:NAME in the service-account groups', async () => {
      plane.applyObject({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'reader', namespace: 'team-b' },
      });
      const kubeconfig = plane.serviceAccountKubeconfig('team-b', 'reader');
      assert.match(kubeconfig, /namespace: team-b/);
      const token = /token: (\S+)/.exec(kubeconfig)![1]!;
      const denied = await as(token, 'GET', '/api/v1/namespaces/team-b/secrets');
      assert.match(
        String(denied.body.message),
        /User "system:serviceaccount:team-b:reader" cannot list/,
      );
      plane.applyObject(
        binding('all-accounts', { kind: 'ClusterRole', name: 'config-reader' }, [
          { kind: 'Group', name: 'system:serviceaccounts' },
        ]),
      );
      assert.equal((await as(token, 'GET', '/api/v1/namespaces/team-b/configmaps')).status, 200);
    });
  });
});

describe('the RBAC, ServiceAccount and PodDisruptionBudget kinds', () => {
  let plane: LocalControlPlane;
  before(async () => {
    plane = new LocalControlPlane({ simulation: { deployments: false, ingresses: false } });
    await plane.start();
  });
  after(() => plane.stop());
  const store = () => plane.store;
  const rbacType = (plural: string) => plane.type('rbac.authorization.k8s.io', plural);

  // pkg/apis/rbac/v1/defaults.go: a roleRef's apiGroup, and a User's or Group's.
  it('defaults the apiGroup of a roleRef and of User and Group subjects', () => {
    const created = store().create(rbacType('clusterrolebindings'), undefined, {
      apiVersion: RBAC,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'defaults' },
      roleRef: { kind: 'ClusterRole', name: 'view' },
      subjects: [
        { kind: 'User', name: 'u' },
        { kind: 'Group', name: 'g' },
        { kind: 'ServiceAccount', name: 's', namespace: 'default' },
      ],
    }).object;
    assert.deepEqual(created.roleRef, {
      kind: 'ClusterRole',
      name: 'view',
      apiGroup: 'rbac.authorization.k8s.io',
    });
    assert.deepEqual(
      (created.subjects as { apiGroup?: string }[]).map((s) => s.apiGroup),
      ['rbac.authorization.k8s.io', 'rbac.authorization.k8s.io', undefined],
    );
  });

  // pkg/apis/rbac/validation: ValidateClusterRoleBindingUpdate.
  it('never changes a binding roleRef (422 cannot change roleRef)', () => {
    assert.throws(
      () =>
        store().patch(rbacType('clusterrolebindings'), undefined, 'defaults', 'merge', {
          roleRef: { name: 'edit' },
        }),
      (err: Error) => {
        assert.equal(
          err.message,
          'ClusterRoleBinding.rbac.authorization.k8s.io "defaults" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef',
        );
        return true;
      },
    );
  });

  // validatePolicyRule, ValidateRoleBinding and validateRoleBindingSubject.
  it('validates rules, role references and subjects', () => {
    const invalid = (type: string, namespace: string | undefined, object: KubeObject) => {
      try {
        store().create(rbacType(type), namespace, object);
      } catch (err) {
        return (err as Error).message;
      }
      return 'created';
    };
    assert.equal(
      invalid('roles', 'default', {
        apiVersion: RBAC,
        kind: 'Role',
        metadata: { name: 'bad' },
        rules: [{ verbs: [], nonResourceURLs: ['/x'] }, { verbs: ['get'] }] as unknown,
      }),
      'Role.rbac.authorization.k8s.io "bad" is invalid: [rules[0].verbs: Required value: verbs must contain at least one value, rules[0].nonResourceURLs: Invalid value: []string{"/x"}: namespaced rules cannot apply to non-resource URLs, rules[1].apiGroups: Required value: resource rules must supply at least one api group, rules[1].resources: Required value: resource rules must supply at least one resource]',
    );
    assert.equal(
      invalid('clusterrolebindings', undefined, {
        apiVersion: RBAC,
        kind: 'ClusterRoleBinding',
        metadata: { name: 'bad' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'x' },
        subjects: [
          { kind: 'ServiceAccount', name: 's' },
          { kind: 'Robot', name: 'r' },
        ],
      }),
      'ClusterRoleBinding.rbac.authorization.k8s.io "bad" is invalid: [roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole", subjects[0].namespace: Required value, subjects[1].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"]',
    );
    // Names are path segments (minimalNameRequirements): a colon is fine, a slash is not.
    assert.equal(
      invalid('clusterroles', undefined, {
        apiVersion: RBAC,
        kind: 'ClusterRole',
        metadata: { name: 'system:custom' },
      }),
      'created',
    );
    assert.match(
      invalid('clusterroles', undefined, {
        apiVersion: RBAC,
        kind: 'ClusterRole',
        metadata: { name: 'a%b' },
      }),
      /metadata.name: Invalid value: "a%b": may not contain '%'/,
    );
  });

  it('prints bindings with their role and, wide, their subjects (printers.go)', async () => {
    store().create(rbacType('rolebindings'), 'default', {
      apiVersion: RBAC,
      kind: 'RoleBinding',
      metadata: { name: 'mixed' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
      subjects: [
        { kind: 'User', name: 'u1' },
        { kind: 'User', name: 'u2' },
        { kind: 'Group', name: 'g' },
        { kind: 'ServiceAccount', name: 's', namespace: 'ns' },
      ],
    });
    const res = await call(
      plane,
      plane.token,
      'GET',
      '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings/mixed',
      {
        headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
      },
    );
    const table = res.body as {
      columnDefinitions: { name: string; priority: number }[];
      rows: { cells: unknown[] }[];
    };
    assert.deepEqual(
      table.columnDefinitions.map((c) => `${c.name}:${c.priority}`),
      ['Name:0', 'Role:0', 'Age:0', 'Users:1', 'Groups:1', 'ServiceAccounts:1'],
    );
    const [name, ref, , users, groups, accounts] = table.rows[0]!.cells;
    assert.deepEqual(
      [name, ref, users, groups, accounts],
      ['mixed', 'Role/r', 'u1, u2', 'g', 'ns/s'],
    );
  });

  it('serves ClusterRoles, ServiceAccounts and PodDisruptionBudgets in protobuf', async () => {
    const objects: [string, TypedObject][] = [
      [
        '/apis/rbac.authorization.k8s.io/v1/clusterroles',
        {
          apiVersion: RBAC,
          kind: 'ClusterRole',
          metadata: { name: 'pb-role' },
          rules: [
            { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['p'] },
            { verbs: ['get'], nonResourceURLs: ['/healthz'] },
          ],
          aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] },
        },
      ],
      [
        '/api/v1/namespaces/default/serviceaccounts',
        {
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { name: 'pb-sa', namespace: 'default' },
          secrets: [{ name: 's' }],
          imagePullSecrets: [{ name: 'pull' }],
          automountServiceAccountToken: false,
        },
      ],
      [
        '/apis/policy/v1/namespaces/default/poddisruptionbudgets',
        {
          apiVersion: 'policy/v1',
          kind: 'PodDisruptionBudget',
          metadata: { name: 'pb-pdb', namespace: 'default' },
          spec: {
            minAvailable: '50%',
            selector: { matchLabels: { app: 'web' } },
            unhealthyPodEvictionPolicy: 'AlwaysAllow',
          },
        },
      ],
    ];
    for (const [path, object] of objects) {
      const res = await call(plane, plane.token, 'POST', path, {
        raw: encodeObject(object),
        headers: { 'Content-Type': PROTOBUF_CONTENT_TYPE, Accept: PROTOBUF_CONTENT_TYPE },
      });
      assert.equal(res.status, 201, res.data.toString());
      const { object: back } = decodeObject(res.data, {
        apiVersion: object.apiVersion,
        kind: object.kind,
      });
      const { metadata: _m, ...rest } = back;
      const { metadata: _o, ...sent } = object;
      assert.deepEqual(rest, sent, object.kind);
    }
  });

  // pkg/apis/policy/validation: ValidatePodDisruptionBudgetSpec.
  it('validates a PodDisruptionBudget and bumps its generation with the spec', () => {
    const pdbs = plane.type('policy', 'poddisruptionbudgets');
    const create = (spec: Record<string, unknown>) => {
      try {
        store().create(pdbs, 'default', {
          apiVersion: 'policy/v1',
          kind: 'PodDisruptionBudget',
          metadata: { name: 'v' },
          spec,
        });
      } catch (err) {
        return (err as Error).message;
      }
      store().delete(pdbs, 'default', 'v');
      return 'created';
    };
    assert.equal(create({ maxUnavailable: 1 }), 'created');
    assert.match(
      create({ minAvailable: 1, maxUnavailable: 1 }),
      /spec: Invalid value: .*: minAvailable and maxUnavailable cannot be both set/,
    );
    assert.equal(
      create({ minAvailable: '150%' }),
      'PodDisruptionBudget.policy "v" is invalid: spec.minAvailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%',
    );
    assert.equal(
      create({ maxUnavailable: -1 }),
      'PodDisruptionBudget.policy "v" is invalid: spec.maxUnavailable: Invalid value: -1: must be greater than or equal to 0',
    );
    assert.equal(
      create({ unhealthyPodEvictionPolicy: 'Never' }),
      'PodDisruptionBudget.policy "v" is invalid: spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"',
    );
    const first = store().create(pdbs, 'default', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'gen' },
      spec: { minAvailable: 1 },
      status: { disruptionsAllowed: 5 },
    }).object;
    assert.equal(first.metadata.generation, 1);
    assert.equal(first.status, undefined, "status is the status subresource's");
    const next = store().patch(pdbs, 'default', 'gen', 'merge', {
      spec: { minAvailable: 2 },
    }).object;
    assert.equal(next.metadata.generation, 2);
  });
});

// The component schemas generated for the new kinds, against kube-apiserver
// v1.32's published OpenAPI v3 (apis__rbac.authorization.k8s.io__v1_openapi.json,
// apis__policy__v1_openapi.json, apis__authorization.k8s.io__v1_openapi.json,
// api__v1_openapi.json) and the Go markers behind them.
describe('OpenAPI components of the new kinds (generated from the wire schema)', () => {
  type Schema = Record<string, unknown>;
  const components = builtinComponents() as Record<string, Schema>;
  const at = (name: string, field?: string): Schema => {
    const schema = components[name];
    assert.ok(schema, name);
    if (!field) return schema;
    const property = (schema.properties as Record<string, Schema>)[field];
    assert.ok(property, `${name}.${field}`);
    return property;
  };
  const RBAC_V1 = 'io.k8s.api.rbac.v1.';

  it('rbac/v1: atomic RoleRef and Subject, required fields, atomic lists', () => {
    assert.equal(at(`${RBAC_V1}RoleRef`)['x-kubernetes-map-type'], 'atomic');
    assert.deepEqual(at(`${RBAC_V1}RoleRef`).required, ['apiGroup', 'kind', 'name']);
    assert.equal(at(`${RBAC_V1}Subject`)['x-kubernetes-map-type'], 'atomic');
    assert.deepEqual(at(`${RBAC_V1}Subject`).required, ['kind', 'name']);
    assert.deepEqual(at(`${RBAC_V1}PolicyRule`).required, ['verbs']);
    assert.equal(at(`${RBAC_V1}PolicyRule`, 'verbs')['x-kubernetes-list-type'], 'atomic');
    assert.deepEqual(at(`${RBAC_V1}RoleBinding`).required, ['roleRef']);
    assert.deepEqual(at(`${RBAC_V1}ClusterRoleBinding`).required, ['roleRef']);
    assert.equal(
      at(`${RBAC_V1}ClusterRoleBinding`, 'subjects')['x-kubernetes-list-type'],
      'atomic',
    );
    assert.deepEqual(at(`${RBAC_V1}ClusterRole`)['x-kubernetes-group-version-kind'], [
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', version: 'v1' },
    ]);
  });

  it('core/v1 ServiceAccount: secrets a list map by name, merged by name', () => {
    const secrets = at('io.k8s.api.core.v1.ServiceAccount', 'secrets');
    assert.equal(secrets['x-kubernetes-list-type'], 'map');
    assert.deepEqual(secrets['x-kubernetes-list-map-keys'], ['name']);
    assert.equal(secrets['x-kubernetes-patch-merge-key'], 'name');
    assert.equal(secrets['x-kubernetes-patch-strategy'], 'merge');
  });

  it('policy/v1 PodDisruptionBudget: the counts of its status are required, conditions keyed by type', () => {
    const status = 'io.k8s.api.policy.v1.PodDisruptionBudgetStatus';
    assert.deepEqual(at(status).required, [
      'disruptionsAllowed',
      'currentHealthy',
      'desiredHealthy',
      'expectedPods',
    ]);
    assert.deepEqual(at(status, 'conditions')['x-kubernetes-list-map-keys'], ['type']);
  });

  it('authorization/v1: the self reviews and their statuses', () => {
    const AUTHZ = 'io.k8s.api.authorization.v1.';
    assert.deepEqual(at(`${AUTHZ}SelfSubjectAccessReview`).required, ['spec']);
    assert.deepEqual(at(`${AUTHZ}SubjectAccessReviewStatus`).required, ['allowed']);
    assert.deepEqual(at(`${AUTHZ}SubjectRulesReviewStatus`).required, [
      'resourceRules',
      'nonResourceRules',
      'incomplete',
    ]);
    assert.deepEqual(at(`${AUTHZ}ResourceRule`).required, ['verbs']);
  });
});
