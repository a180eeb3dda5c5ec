// The operator under the install manifests' RBAC, on the local control plane:
// it runs as its service account (cluster.ts applies the generated roles and
// bindings and hands the operator a token for it), the plane authorizes every
// request as kube-apiserver's RBAC authorizer does, and a request outside the
// roles is 403 Forbidden worded as responsewriters.forbiddenMessage words it
// (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go).
// Without the optional registry-secrets binding (README: "Installing"), a
// server that needs the provisioned registry's pull Secret reports that
// Forbidden in its status while the others (one naming its own pull Secret)
// stay Ready. Against TEST_KUBECONFIG
// these cases are skipped: they change the cluster's RBAC.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ForbiddenError } from '@mcp-operator/kube-core/errors';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type { KubeObject } from '@mcp-operator/kube-core/port';
import { FIELD_MANAGER } from '../../src/api/v1alpha1/defaults.ts';
import { manifestsOf } from '../../src/install/files.ts';
import { ROLE_NAMES, SERVICE_ACCOUNT_USER } from '../../src/install/rbac.ts';
import { createKubeClient, restConfigFromYaml } from '../../src/kube/client.ts';
import { manifest, startCluster, statusWhen } from './cluster.ts';
import type { Server, TestCluster } from './cluster.ts';

describe('the operator under its role', () => {
  let cluster: TestCluster;
  let ns: string;
  let blocked: string;

  before(async () => {
    cluster = await startCluster();
    [ns, blocked] = (await cluster.namespaces(2)) as [string, string];
  });
  after(() => cluster.stop());

  const create = (object: KubeObject) =>
    cluster.admin.create<Server>(RESOURCES.mcpServers, object, { fieldManager: 'test' });

  it('runs as its service account; a request outside its role is 403 in kube-apiserver words', async (t) => {
    const plane = cluster.plane;
    if (!plane || !cluster.operatorKubeconfig) {
      t.skip('the local control plane only: a real cluster is not reconfigured by the suite');
      return;
    }
    plane.faults.resetRequests();
    const operator = cluster.startOperator([ns]);
    await create(manifest(ns, 'plain'));
    await statusWhen(cluster.admin, ns, 'plain', (s) => s.phase === 'Ready', 'Ready');
    await operator.stop();
    const requests = plane.faults.requests({ client: FIELD_MANAGER });
    assert.ok(requests.length > 0);
    assert.deepEqual([...new Set(requests.map((r) => r.user))], [SERVICE_ACCOUNT_USER]);
    assert.deepEqual(
      requests.filter((r) => r.code === 403),
      [],
      'the operator never asks for what its roles do not grant',
    );

    const asOperator = createKubeClient(restConfigFromYaml(cluster.operatorKubeconfig), {
      userAgent: 'rbac-test',
    });
    const list = await asOperator.list(RESOURCES.secrets, { namespace: ns }).then(
      () => assert.fail('listing Secrets is outside the role'),
      (err: unknown) => err,
    );
    assert.ok(list instanceof ForbiddenError, String(list));
    assert.equal(list.code, 403);
    assert.equal(
      list.message,
      `secrets is forbidden: User "${SERVICE_ACCOUNT_USER}" cannot list resource "secrets" in API group "" in the namespace "${ns}"`,
    );
    const namespaces = await asOperator.list(RESOURCES.namespaces).then(
      () => assert.fail('listing Namespaces is outside the role'),
      (err: unknown) => err,
    );
    assert.ok(namespaces instanceof ForbiddenError);
    assert.equal(
      namespaces.message,
      `namespaces is forbidden: User "${SERVICE_ACCOUNT_USER}" cannot list resource "namespaces" in API group "" at the cluster scope`,
    );
    const deleteDeployment = await asOperator.delete(RESOURCES.deployments, ns, 'plain', {}).then(
      () => assert.fail('deleting Deployments is outside the role'),
      (err: unknown) => err,
    );
    assert.ok(deleteDeployment instanceof ForbiddenError);
    assert.equal(
      deleteDeployment.message,
      `deployments.apps "plain" is forbidden: User "${SERVICE_ACCOUNT_USER}" cannot delete resource "deployments" in API group "apps" in the namespace "${ns}"`,
    );
  });

  it('reports Forbidden for the pull Secret without the optional registry-secrets binding; other servers stay Ready', async (t) => {
    const plane = cluster.plane;
    if (!plane) {
      t.skip('the local control plane only: a real cluster is not reconfigured by the suite');
      return;
    }
    const bindings = plane.type('rbac.authorization.k8s.io', 'clusterrolebindings');
    plane.store.delete(bindings, undefined, ROLE_NAMES['registry-secrets']);
    const operator = cluster.startOperator([blocked], {
      PROVISIONED_REGISTRY_URL: 'https://registry.internal:5000/',
      PROVISIONED_REGISTRY_USERNAME: 'puller',
      PROVISIONED_REGISTRY_PASSWORD: 's3cret-value',
    });
    try {
      await create(manifest(blocked, 'private', { useProvisionedRegistry: true }));
      await create(manifest(blocked, 'own-secret', { imagePullSecrets: ['team-pull'] }));
      const failed = await statusWhen(
        cluster.admin,
        blocked,
        'private',
        (s) => s.phase === 'Error',
        'Error',
      );
      assert.equal(failed.conditions?.[0]?.reason, 'ReconcileError');
      assert.match(failed.message ?? '', /^failed to reconcile Secret: /);
      assert.ok(
        (failed.message ?? '').includes(
          `secrets "mcp-runtime-registry-pull" is forbidden: User "${SERVICE_ACCOUNT_USER}" cannot get resource "secrets" in API group "" in the namespace "${blocked}"`,
        ),
        failed.message,
      );
      assert.match(failed.message ?? '', /optional Secret role/);
      // A server that names its own pull Secret does not need the provisioned one.
      await statusWhen(cluster.admin, blocked, 'own-secret', (s) => s.phase === 'Ready', 'Ready');

      // The binding back (as the install applies it): the retries get through.
      const binding = manifestsOf('rbac').find(
        (m) =>
          m.kind === 'ClusterRoleBinding' &&
          (m.metadata as { name: string }).name === ROLE_NAMES['registry-secrets'],
      );
      plane.applyObject(binding as Parameters<typeof plane.applyObject>[0]);
      await statusWhen(cluster.admin, blocked, 'private', (s) => s.phase === 'Ready', 'Ready');
      assert.ok(await cluster.admin.get(RESOURCES.secrets, blocked, 'mcp-runtime-registry-pull'));
    } finally {
      await operator.stop();
    }
  });
});
