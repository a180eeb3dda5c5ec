// Server-side apply to deployments/scale over HTTPS, as kube-apiserver serves
// it: pkg/registry/apps/deployment/storage (ScaleREST, scaleUpdatedObjectInfo,
// replicasPathInDeployment) with apimachinery's managedfields.ScaleHandler
// converting field ownership between the Deployment and its autoscaling/v1 Scale.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { LocalControlPlane } from '../src/control-plane.ts';
import { startPlane } from '../src/testing.ts';
import type { ManagedFieldsEntry } from '../src/types.ts';

const NS = 'default';
const BASE = `/apis/apps/v1/namespaces/${NS}/deployments`;
const APPLY = 'application/apply-patch+yaml';
const REPLICAS = { 'f:spec': { 'f:replicas': {} } };
const KUBECTL = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));

let plane: LocalControlPlane;
let apps: AppsV1Api;

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

interface Deployment {
  metadata: {
    name: string;
    uid: string;
    resourceVersion: string;
    creationTimestamp: string;
    generation: number;
    managedFields: ManagedFieldsEntry[];
  };
  spec: { replicas: number };
}

/** One HTTPS request on a fresh connection, trusting the plane's certificate; a JSON answer. */
function call(
  path: string,
  init: { method?: string; body?: string; contentType?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { Authorization: `Bearer ${plane.token}` };
  if (init.body !== undefined) headers['Content-Type'] = init.contentType ?? 'application/json';
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${plane.url}${path}`,
      { method: init.method ?? 'GET', headers, ca: plane.caCert, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(text) as Record<string, unknown>,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** An apply configuration of the Scale of `name`, as YAML. */
function scaleConfig(name: string, replicas: number, extra = ''): string {
  return [
    'apiVersion: autoscaling/v1',
    'kind: Scale',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${NS}`,
    'spec:',
    `  replicas: ${replicas}`,
    extra,
  ].join('\n');
}

/** PATCH …/scale with an apply configuration. */
function applyScale(name: string, body: string, query: string): Promise<Reply> {
  return call(`${BASE}/${name}/scale?${query}`, {
    method: 'PATCH',
    body,
    contentType: APPLY,
  });
}

function deploymentBody(name: string, replicas?: number): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      ...(replicas === undefined ? {} : { replicas }),
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'c', image: 'x:1' }] },
      },
    },
  };
}

/** A Deployment created by a POST (an Update by `manager`, who owns every field set, replicas too). */
async function create(name: string, manager = 'creator', replicas = 1): Promise<Deployment> {
  const res = await call(`${BASE}?fieldManager=${manager}`, {
    method: 'POST',
    body: JSON.stringify(deploymentBody(name, replicas)),
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as unknown as Deployment;
}

async function read(name: string): Promise<Deployment> {
  const res = await call(`${BASE}/${name}`);
  assert.equal(res.status, 200);
  return res.body as unknown as Deployment;
}

/** The managedFields entries without fieldsType, for comparison. */
function entries(d: Deployment): Omit<ManagedFieldsEntry, 'fieldsType'>[] {
  return d.metadata.managedFields.map(({ fieldsType, ...rest }) => {
    assert.equal(fieldsType, 'FieldsV1');
    return rest;
  });
}

function ownersOfReplicas(d: Deployment): string[] {
  return d.metadata.managedFields
    .filter((e) => 'f:replicas' in ((e.fieldsV1['f:spec'] as object | undefined) ?? {}))
    .map((e) => e.manager)
    .sort();
}

before(async () => {
  let kc;
  // No simulated rollout: Deployment status (and resourceVersion) changes only by these requests.
  ({ plane, kc } = await startPlane({ simulation: { deployments: false } }));
  apps = kc.makeApiClient(AppsV1Api);
});
after(async () => {
  await plane.stop();
});

describe('server-side apply to deployments/scale', () => {
  // ScaleHandler.ToSubresource gives the Scale the parent's owners of spec.replicas, in
  // autoscaling/v1; an updater's identity carries that apiVersion, so the conflict names it
  // "using autoscaling/v1" (managedfields/internal/conflict.go printManager). force moves the
  // field; ToParent takes it from the creator's entry (its other fields stay) and records the
  // applier as an Apply entry in apps/v1 with subresource "scale", owning f:spec.f:replicas,
  // without a time (ToParent takes times from the parent's entries only). The answer is the
  // Scale of ScaleREST.Update (scaleFromDeployment: no managedFields).
  it('conflicts with the owner of replicas, then with force takes them over (client-node)', async () => {
    const before = await create('web');
    const creatorTime = before.metadata.managedFields[0]!.time;
    const conflict = await applyScale('web', scaleConfig('web', 3), 'fieldManager=alice');
    assert.equal(conflict.status, 409);
    assert.deepEqual(conflict.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Apply failed with 1 conflict: conflict with "creator" using autoscaling/v1: .spec.replicas',
      reason: 'Conflict',
      details: {
        causes: [
          {
            reason: 'FieldManagerConflict',
            message: 'conflict with "creator" using autoscaling/v1',
            field: '.spec.replicas',
          },
        ],
      },
      code: 409,
    });

    const scale = await apps.patchNamespacedDeploymentScale(
      {
        name: 'web',
        namespace: NS,
        body: { apiVersion: 'autoscaling/v1', kind: 'Scale', spec: { replicas: 3 } },
        fieldManager: 'alice',
        force: true,
      },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    );
    const after = await read('web');
    assert.equal(after.spec.replicas, 3);
    assert.equal(after.metadata.generation, 2);
    // client-node hands back class instances, creationTimestamp as a Date.
    const { creationTimestamp, ...identity } = scale.metadata!;
    assert.equal(creationTimestamp?.getTime(), Date.parse(before.metadata.creationTimestamp));
    assert.deepEqual(JSON.parse(JSON.stringify({ ...scale, metadata: identity })), {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: {
        name: 'web',
        namespace: NS,
        uid: before.metadata.uid,
        resourceVersion: after.metadata.resourceVersion,
      },
      spec: { replicas: 3 },
      status: { replicas: 0, selector: 'app=web' },
    });
    const [alice, creator] = entries(after);
    assert.deepEqual(alice, {
      manager: 'alice',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      fieldsV1: REPLICAS,
      subresource: 'scale',
    });
    assert.equal(creator!.manager, 'creator');
    assert.equal(creator!.time, creatorTime);
    const spec = creator!.fieldsV1['f:spec'] as Record<string, unknown>;
    assert.ok(!('f:replicas' in spec) && 'f:template' in spec && 'f:selector' in spec);
    assert.equal(entries(after).length, 2);
  });

  // A second applier of another value conflicts with the first, named with its subresource;
  // with force=true it owns replicas alone (SMD takes the field from the loser, whose Scale
  // entry empties, so ToParent steals the field from its parent entry, which then goes).
  // kube's test/integration/apiserver/apply/scale_test.go walks the same steps.
  it('names another applier through the Scale in the conflict; force hands the field over', async () => {
    await create('api');
    assert.equal(
      (await applyScale('api', scaleConfig('api', 2), 'fieldManager=alice&force=true')).status,
      200,
    );
    const conflict = await applyScale('api', scaleConfig('api', 5), 'fieldManager=bob');
    assert.equal(conflict.status, 409);
    assert.equal(
      conflict.body.message,
      'Apply failed with 1 conflict: conflict with "alice" with subresource "scale": .spec.replicas',
    );
    assert.deepEqual((conflict.body.details as { causes: unknown }).causes, [
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "alice" with subresource "scale"',
        field: '.spec.replicas',
      },
    ]);
    assert.equal((await read('api')).spec.replicas, 2);

    const forced = await applyScale('api', scaleConfig('api', 5), 'fieldManager=bob&force=true');
    assert.equal(forced.status, 200);
    assert.deepEqual(forced.body.spec, { replicas: 5 });
    const after = await read('api');
    assert.equal(after.spec.replicas, 5);
    assert.deepEqual(ownersOfReplicas(after), ['bob']);
    assert.ok(!after.metadata.managedFields.some((e) => e.manager === 'alice'));
    assert.deepEqual(entries(after)[0], {
      manager: 'bob',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      fieldsV1: REPLICAS,
      subresource: 'scale',
    });

    // Ownership recorded through the Scale holds for applies to the Deployment itself.
    const main = await call(`${BASE}/api?fieldManager=carol`, {
      method: 'PATCH',
      body: JSON.stringify(deploymentBody('api', 1)),
      contentType: APPLY,
    });
    assert.equal(main.status, 409);
    assert.equal(
      main.body.message,
      'Apply failed with 1 conflict: conflict with "bob" with subresource "scale": .spec.replicas',
    );
  });

  // Applying the value replicas already have conflicts with nobody: the appliers share the
  // field (ToParent keeps the entry of an identity that still owns it in the Scale). Applying it
  // again changes nothing: the Deployment keeps its resourceVersion (no write).
  it('shares replicas with an applier of the same value; a repeated apply is a no-op', async () => {
    await create('shared');
    await applyScale('shared', scaleConfig('shared', 4), 'fieldManager=alice&force=true');
    const shared = await applyScale('shared', scaleConfig('shared', 4), 'fieldManager=bob');
    assert.equal(shared.status, 200);
    const after = await read('shared');
    assert.deepEqual(ownersOfReplicas(after), ['alice', 'bob']);
    const again = await applyScale('shared', scaleConfig('shared', 4), 'fieldManager=bob');
    assert.equal(again.status, 200);
    assert.equal(
      (again.body.metadata as { resourceVersion: string }).resourceVersion,
      after.metadata.resourceVersion,
    );
    assert.equal((await read('shared')).metadata.resourceVersion, after.metadata.resourceVersion);
  });

  // ToParent matches the Scale's entries to the parent's by manager identity, and an updater's
  // identity includes its apiVersion (internal/managedfields.go BuildManagerIdentifier), which
  // is autoscaling/v1 in the Scale's view: an updater still co-owning replicas after the apply
  // loses them from its apps/v1 entry and gets a second entry, in apps/v1 and without a time,
  // owning only them.
  it('splits an updater co-owning replicas into two entries, as ScaleHandler.ToParent does', async () => {
    await create('split', 'creator', 3);
    const res = await applyScale('split', scaleConfig('split', 3), 'fieldManager=alice');
    assert.equal(res.status, 200);
    const after = await read('split');
    const creators = entries(after).filter((e) => e.manager === 'creator');
    assert.equal(creators.length, 2);
    assert.deepEqual(creators[0], {
      manager: 'creator',
      operation: 'Update',
      apiVersion: 'apps/v1',
      fieldsV1: REPLICAS,
    });
    assert.ok(creators[1]!.time);
    assert.ok(!('f:replicas' in (creators[1]!.fieldsV1['f:spec'] as object)));
    assert.deepEqual(ownersOfReplicas(after), ['alice', 'creator']);
  });

  // When no entry of the parent owns replicas, the Scale has no managedFields and the field
  // manager's skipNonAppliedManager first records what the Scale holds for
  // "before-first-apply" (an Update with the endpoint's subresource), so another value
  // conflicts with it; with force the applier takes replicas and the placeholder, left with
  // no replicas, is not carried to the Deployment.
  it('conflicts with before-first-apply when nobody owned replicas', async () => {
    // Created by an apply that leaves replicas out: the default (1) belongs to nobody.
    const created = await call(`${BASE}/quiet?fieldManager=shaper`, {
      method: 'PATCH',
      body: JSON.stringify(deploymentBody('quiet')),
      contentType: APPLY,
    });
    assert.equal(created.status, 201);
    const conflict = await applyScale('quiet', scaleConfig('quiet', 4), 'fieldManager=alice');
    assert.equal(conflict.status, 409);
    assert.equal(
      conflict.body.message,
      'Apply failed with 1 conflict: conflict with "before-first-apply" with subresource "scale" using autoscaling/v1: .spec.replicas',
    );
    const forced = await applyScale(
      'quiet',
      scaleConfig('quiet', 4),
      'fieldManager=alice&force=true',
    );
    assert.equal(forced.status, 200);
    const after = await read('quiet');
    assert.equal(after.spec.replicas, 4);
    assert.deepEqual(
      entries(after).map((e) => [e.manager, e.operation, e.subresource]),
      [
        ['alice', 'Apply', 'scale'],
        ['shaper', 'Apply', undefined],
      ],
    );
  });

  // ScaleREST.Update passes forceAllowCreate=false, so the generic Store.Update answers NotFound
  // for the parent resource (apply never creates through a subresource).
  it('answers 404 for the Scale of a missing Deployment', async () => {
    const res = await applyScale('nothing', scaleConfig('nothing', 1), 'fieldManager=alice');
    assert.equal(res.status, 404);
    assert.equal(res.body.message, 'deployments.apps "nothing" not found');
    assert.equal(res.body.reason, 'NotFound');
    assert.deepEqual(res.body.details, { name: 'nothing', group: 'apps', kind: 'deployments' });
  });

  // meta/v1/validation ValidatePatchOptions: an apply without fieldManager is 422 on
  // PatchOptions (before the object is looked up); the user agent does not stand in for it.
  it('requires the fieldManager parameter', async () => {
    const res = await applyScale('nothing', scaleConfig('nothing', 1), 'force=true');
    assert.equal(res.status, 422);
    assert.equal(res.body.reason, 'Invalid');
    assert.equal(
      res.body.message,
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );
  });

  // The field manager's versionCheckManager refuses an applied object of another
  // group/version/kind than the endpoint's (autoscaling/v1 Scale) with 400.
  it('refuses an apply configuration that is not an autoscaling/v1 Scale', async () => {
    await create('typed');
    const res = await applyScale(
      'typed',
      JSON.stringify(deploymentBody('typed', 2)),
      'fieldManager=alice',
    );
    assert.equal(res.status, 400);
    assert.equal(res.body.message, 'invalid object type: apps/v1, Kind=Deployment');
    const unversioned = await applyScale(
      'typed',
      'kind: Scale\nspec:\n  replicas: 2\n',
      'fieldManager=alice',
    );
    assert.equal(unversioned.body.message, 'invalid object type: /, Kind=Scale');
  });

  // The patcher's checkName runs on the merged Scale; then scaleUpdatedObjectInfo validates it
  // (autoscaling ValidateScale: 422 on Scale.autoscaling) before anything is written.
  it('checks the name and validates the merged Scale', async () => {
    await create('checked');
    const renamed = await applyScale(
      'checked',
      scaleConfig('other', 2),
      'fieldManager=alice&force=true',
    );
    assert.equal(renamed.status, 400);
    assert.equal(
      renamed.body.message,
      'the name of the object (other) does not match the name on the URL (checked)',
    );
    const negative = await applyScale(
      'checked',
      scaleConfig('checked', -1),
      'fieldManager=alice&force=true',
    );
    assert.equal(negative.status, 422);
    assert.equal(
      negative.body.message,
      'Scale.autoscaling "checked" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
    assert.equal((await read('checked')).spec.replicas, 1);
  });

  // dryRun=All runs the whole apply and answers the Scale it would write; nothing is stored.
  it('answers a dry run without writing', async () => {
    const created = await create('dry');
    const res = await applyScale(
      'dry',
      scaleConfig('dry', 6),
      'fieldManager=alice&force=true&dryRun=All',
    );
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.spec, { replicas: 6 });
    const after = await read('dry');
    assert.equal(after.spec.replicas, 1);
    assert.equal(after.metadata.resourceVersion, created.metadata.resourceVersion);
  });

  // deployments/scale accepts the patch types of its parent, apply included (the installer's
  // supported patch types), and names all four in the 415 for any other.
  it('lists apply among the patch types of the subresource', async () => {
    await create('media');
    const res = await call(`${BASE}/media/scale`, {
      method: 'PATCH',
      body: '{}',
      contentType: 'application/xml',
    });
    assert.equal(res.status, 415);
    assert.equal(
      res.body.message,
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
    );
  });
});

describe(
  'kubectl patch --subresource=scale',
  { skip: KUBECTL ? false : 'kubectl is not installed' },
  () => {
    // kubectl patch --subresource=scale sends a merge patch of the Scale (ScaleREST.Update through
    // the patch handler); kubectl 1.32 has no server-side apply to subresources.
    it('patches the Scale with a merge patch', async () => {
      await create('cli');
      const dir = mkdtempSync(join(tmpdir(), 'scale-apply-'));
      try {
        writeFileSync(join(dir, 'kubeconfig'), plane.kubeconfig());
        const env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: join(dir, 'kubeconfig') };
        const run = (args: string[]) =>
          new Promise<string>((resolve, reject) =>
            execFile(
              KUBECTL!,
              [...args, `--cache-dir=${join(dir, 'cache')}`],
              { env, timeout: 30_000 },
              (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout)),
            ),
          );
        assert.equal(
          await run([
            'patch',
            'deployment',
            'cli',
            '-n',
            NS,
            '--subresource=scale',
            '--type=merge',
            '-p',
            '{"spec":{"replicas":2}}',
          ]),
          // The answer is the Scale, so kubectl names it.
          'scale.autoscaling/cli patched\n',
        );
        const after = await read('cli');
        assert.equal(after.spec.replicas, 2);
        const scaler = after.metadata.managedFields.find((e) => e.subresource === 'scale');
        assert.equal(scaler?.manager, 'kubectl-patch');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
