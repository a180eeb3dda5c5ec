// The install manifests under config/: generated from the code, checked in
// unchanged, read back by kubectl as written, and least-privilege.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { parseKubectlYaml } from '../../src/kube/yaml.ts';
import { runMain } from '../cmd/run-main.ts';
import { installFiles, manifestsOf } from '../../src/install/files.ts';
import { OPERATOR_IMAGE } from '../../src/install/names.ts';
import { ROLE_NAMES } from '../../src/install/rbac.ts';
import { restrictedViolations } from '../../src/kube/pod-security.ts';
import type { PodLike } from '../../src/kube/pod-security.ts';

const root = new URL('../..', import.meta.url).pathname;
const config = join(root, 'config');

type Manifest = Record<string, unknown> & {
  kind: string;
  metadata: { name: string; namespace?: string };
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [relative(config, join(dir, e.name))],
  );
}

const all = manifestsOf('all') as Manifest[];
const byKind = (kind: string, name?: string) =>
  all.filter((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
const one = (kind: string, name?: string) => {
  const found = byKind(kind, name);
  assert.equal(found.length, 1, `${kind} ${name ?? ''}`);
  return found[0]!;
};

describe('config/ is what `mcp-operator manifests all --out config` writes', () => {
  const generated = installFiles();
  for (const [path, content] of generated) {
    it(`config/${path} is up to date (npm run generate rewrites it)`, () => {
      assert.equal(readFileSync(join(config, path), 'utf8'), content);
    });
  }

  it('has no other file but the hand-written samples', () => {
    const extra = filesUnder(config).filter((f) => !generated.has(f) && !f.startsWith('samples/'));
    assert.deepEqual(extra, []);
  });

  it('every file reads back with kubectl (YAML 1.1) as the objects it was written from', () => {
    const installYaml = parseKubectlYaml(generated.get('install.yaml')!, 'install.yaml');
    assert.deepEqual(installYaml, JSON.parse(JSON.stringify(all)));
  });

  it('`mcp-operator manifests all` prints the objects of config/install.yaml; rbac and operator, their parts', async () => {
    const printed = async (part: string) => {
      const { code, stdout, stderr } = await runMain(['manifests', part]);
      assert.equal(code, 0, stderr);
      return parseKubectlYaml(stdout, part);
    };
    assert.deepEqual(await printed('all'), parseKubectlYaml(generated.get('install.yaml')!, 'i'));
    const kinds = async (part: string) => ((await printed(part)) as Manifest[]).map((m) => m.kind);
    assert.deepEqual(await kinds('rbac'), [
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'ClusterRole',
      'ClusterRoleBinding',
      'Role',
      'RoleBinding',
    ]);
    assert.deepEqual(await kinds('operator'), ['Namespace', 'Deployment', 'PodDisruptionBudget']);
  });

  it('`mcp-operator manifests all --out DIR` writes exactly the checked-in files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-manifests-'));
    try {
      const { code, stderr } = await runMain(['manifests', 'all', '--out', dir]);
      assert.equal(code, 0, stderr);
      const written = readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => relative(dir, join(e.parentPath, e.name)))
        .sort();
      assert.deepEqual(written, [...generated.keys()].sort());
      for (const path of written) {
        assert.equal(readFileSync(join(dir, path), 'utf8'), generated.get(path), path);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the kustomize entry point reaches every part', () => {
    const [k] = parseKubectlYaml(generated.get('default/kustomization.yaml')!, 'k') as [
      { resources: string[] },
    ];
    assert.deepEqual(k.resources, ['../crd', '../rbac', '../manager']);
  });
});

describe('least privilege', () => {
  const rules = (kind: string, name: string) =>
    (
      one(kind, name) as unknown as {
        rules: {
          apiGroups: string[];
          resources: string[];
          verbs: string[];
          resourceNames?: string[];
        }[];
      }
    ).rules;

  it('grants no wildcard anywhere', () => {
    for (const m of all.filter((x) => x.kind === 'ClusterRole' || x.kind === 'Role')) {
      assert.doesNotMatch(JSON.stringify(m), /"\*"/, m.metadata.name);
    }
  });

  it('keeps Secrets out of the operator role, in an optional role without list or watch', () => {
    const operator = rules('ClusterRole', ROLE_NAMES.operator);
    assert.equal(
      operator.some((r) => r.resources.includes('secrets')),
      false,
    );
    const secrets = rules('ClusterRole', ROLE_NAMES['registry-secrets']);
    assert.deepEqual(secrets, [
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create', 'update'] },
    ]);
  });

  it('grants Leases only in the operator namespace, and get/update only on its Lease', () => {
    const role = one('Role', ROLE_NAMES['leader-election']);
    assert.equal(role.metadata.namespace, 'mcp-runtime');
    assert.deepEqual(rules('Role', ROLE_NAMES['leader-election']), [
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        resourceNames: ['mcp-runtime-operator.mcpruntime.org'],
        verbs: ['get', 'update'],
      },
    ]);
    assert.equal(
      all.some((m) => m.kind === 'ClusterRole' && JSON.stringify(m).includes('leases')),
      false,
    );
  });

  it('binds each role to the operator service account only', () => {
    for (const m of all.filter((x) => x.kind.endsWith('Binding'))) {
      assert.deepEqual((m as unknown as { subjects: unknown }).subjects, [
        { kind: 'ServiceAccount', name: 'mcp-operator', namespace: 'mcp-runtime' },
      ]);
    }
  });
});

describe('the operator Deployment', () => {
  type Pod = {
    serviceAccountName: string;
    securityContext: Record<string, unknown>;
    containers: {
      image: string;
      args: string[];
      livenessProbe: { httpGet: { path: string } };
      readinessProbe: { httpGet: { path: string } };
      resources: { requests: Record<string, string>; limits: Record<string, string> };
      securityContext: Record<string, unknown>;
    }[];
  };
  const deployment = one('Deployment') as Manifest & {
    spec: { replicas: number; template: { spec: Pod } };
  };
  const pod = deployment.spec.template.spec;
  const manager = pod.containers[0]!;

  it('runs two replicas with leader election, probes and bounded resources', () => {
    assert.equal(deployment.metadata.namespace, 'mcp-runtime');
    assert.equal(deployment.spec.replicas, 2);
    assert.equal(pod.serviceAccountName, 'mcp-operator');
    assert.deepEqual(manager.args.slice(0, 2), ['run', '--leader-elect']);
    assert.equal(manager.livenessProbe.httpGet.path, '/healthz');
    assert.equal(manager.readinessProbe.httpGet.path, '/readyz');
    assert.deepEqual(Object.keys(manager.resources.requests).sort(), ['cpu', 'memory']);
    assert.deepEqual(Object.keys(manager.resources.limits).sort(), ['cpu', 'memory']);
    const pdb = one('PodDisruptionBudget') as Manifest & { spec: { minAvailable: number } };
    assert.equal(pdb.spec.minAvailable, 1);
  });

  it('passes every check of the restricted Pod Security Standard its namespace enforces', () => {
    const template = (deployment.spec as unknown as { template: PodLike }).template;
    assert.deepEqual(restrictedViolations(template), []);
  });

  it('is non-root with a read-only root filesystem', () => {
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(manager.securityContext.readOnlyRootFilesystem, true);
    assert.equal(manager.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(manager.securityContext.capabilities, { drop: ['ALL'] });
  });

  it('runs the image of this version', () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      version: string;
    };
    assert.equal(manager.image, OPERATOR_IMAGE);
    assert.equal(OPERATOR_IMAGE.split(':').at(-1), version);
  });

  it('lives in a namespace that enforces the restricted Pod Security Standard', () => {
    const ns = one('Namespace', 'mcp-runtime') as Manifest & {
      metadata: { labels: Record<string, string> };
    };
    for (const mode of ['enforce', 'audit', 'warn']) {
      assert.equal(ns.metadata.labels[`pod-security.kubernetes.io/${mode}`], 'restricted');
    }
  });
});
