import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MCPServerSpec } from '../../src/api/v1alpha1/schema.ts';
import type { OperatorConfig } from '../../src/operator/config.ts';
import { buildPullSecret, resolveImage, resolvePullSecrets } from '../../src/operator/image.ts';

const registryConfig = {
  provisionedRegistryURL: '',
  registryPullHost: 'registry.registry.svc.cluster.local:5000',
};

describe('resolveImage', () => {
  type ImageSpec = Pick<
    MCPServerSpec,
    'image' | 'imageTag' | 'registryOverride' | 'useProvisionedRegistry'
  >;
  const cases: {
    name: string;
    spec: ImageSpec;
    config?: Partial<typeof registryConfig>;
    expected: string;
  }[] = [
    {
      name: 'plain: :latest',
      spec: { image: 'ghcr.io/acme/x' },
      expected: 'ghcr.io/acme/x:latest',
    },
    {
      name: 'plain with imageTag',
      spec: { image: 'ghcr.io/acme/x', imageTag: 'v2' },
      expected: 'ghcr.io/acme/x:v2',
    },
    {
      name: 'empty imageTag: :latest',
      spec: { image: 'ghcr.io/acme/x', imageTag: '' },
      expected: 'ghcr.io/acme/x:latest',
    },
    {
      name: 'tagged: imageTag ignored',
      spec: { image: 'ghcr.io/acme/x:1.0', imageTag: 'v2' },
      expected: 'ghcr.io/acme/x:1.0',
    },
    {
      name: 'digest: imageTag ignored',
      spec: { image: 'ghcr.io/acme/x@sha256:abc123', imageTag: 'v2' },
      expected: 'ghcr.io/acme/x@sha256:abc123',
    },
    {
      name: 'tag and digest kept',
      spec: { image: 'ghcr.io/acme/x:1.0@sha256:abc123' },
      expected: 'ghcr.io/acme/x:1.0@sha256:abc123',
    },
    {
      name: 'registry port is not a tag',
      spec: { image: '10.0.0.5:5000/img' },
      expected: '10.0.0.5:5000/img:latest',
    },
    {
      name: 'registry port and a tag',
      spec: { image: '10.0.0.5:5000/img:v1', imageTag: 'v9' },
      expected: '10.0.0.5:5000/img:v1',
    },
    {
      name: 'localhost registry',
      spec: { image: 'localhost/team/img', imageTag: 'dev' },
      expected: 'localhost/team/img:dev',
    },
    { name: 'docker hub name', spec: { image: 'nginx' }, expected: 'nginx:latest' },
    {
      name: 'docker hub namespace',
      spec: { image: 'library/nginx:1.27' },
      expected: 'library/nginx:1.27',
    },
    {
      name: 'override replaces a registry host',
      spec: { image: 'ghcr.io/acme/x:1.0', registryOverride: 'reg.example.com:5000' },
      expected: 'reg.example.com:5000/acme/x:1.0',
    },
    {
      name: 'override with a path',
      spec: { image: 'ghcr.io/acme/x:1.0', registryOverride: 'reg.example.com/mirror/' },
      expected: 'reg.example.com/mirror/acme/x:1.0',
    },
    {
      name: 'override replaces an ip:port registry',
      spec: { image: '10.0.0.5:5000/img', registryOverride: 'reg.example.com' },
      expected: 'reg.example.com/img:latest',
    },
    {
      name: 'override replaces localhost',
      spec: { image: 'localhost/img:1', registryOverride: 'reg.example.com' },
      expected: 'reg.example.com/img:1',
    },
    {
      name: 'override keeps a docker hub namespace',
      spec: { image: 'library/nginx', registryOverride: 'reg' },
      expected: 'reg/library/nginx:latest',
    },
    {
      name: 'override on a bare docker hub name',
      spec: { image: 'nginx:1.27', registryOverride: 'reg.example.com' },
      expected: 'reg.example.com/nginx:1.27',
    },
    {
      name: 'override keeps a digest',
      spec: { image: 'ghcr.io/acme/x@sha256:abc123', registryOverride: 'reg.example.com' },
      expected: 'reg.example.com/acme/x@sha256:abc123',
    },
    {
      name: 'a single segment that looks like a registry is the image',
      spec: { image: 'my.image', registryOverride: 'reg.example.com' },
      expected: 'reg.example.com/my.image:latest',
    },
    {
      name: 'provisioned registry wins over the override',
      spec: {
        image: 'ghcr.io/acme/x:1.0',
        registryOverride: 'reg.example.com',
        useProvisionedRegistry: true,
      },
      config: { provisionedRegistryURL: 'registry.mcp.internal:5000' },
      expected: 'registry.mcp.internal:5000/acme/x:1.0',
    },
    {
      name: 'provisioned registry unset: the override',
      spec: {
        image: 'ghcr.io/acme/x:1.0',
        registryOverride: 'reg.example.com',
        useProvisionedRegistry: true,
      },
      expected: 'reg.example.com/acme/x:1.0',
    },
    {
      name: 'provisioned registry and override unset: MCP_REGISTRY_PULL_HOST',
      spec: { image: 'ghcr.io/acme/x', useProvisionedRegistry: true },
      expected: 'registry.registry.svc.cluster.local:5000/acme/x:latest',
    },
    {
      name: 'provisioned URL ignored without useProvisionedRegistry',
      spec: { image: 'ghcr.io/acme/x:1.0' },
      config: { provisionedRegistryURL: 'registry.mcp.internal:5000' },
      expected: 'ghcr.io/acme/x:1.0',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(resolveImage(c.spec, { ...registryConfig, ...c.config }), c.expected);
    });
  }
});

const credentials: Pick<
  OperatorConfig,
  | 'provisionedRegistryURL'
  | 'provisionedRegistryUsername'
  | 'provisionedRegistryPassword'
  | 'provisionedRegistrySecretName'
> = {
  provisionedRegistryURL: 'registry.mcp.internal:5000/team',
  provisionedRegistryUsername: 'puller',
  provisionedRegistryPassword: 's3cr:et',
  provisionedRegistrySecretName: 'mcp-runtime-registry-pull',
};

describe('resolvePullSecrets', () => {
  const cases: {
    name: string;
    secrets: string[] | undefined;
    config: Partial<typeof credentials>;
    expected: string[];
  }[] = [
    {
      name: 'none configured',
      secrets: undefined,
      config: { provisionedRegistryURL: '' },
      expected: [],
    },
    {
      name: "the spec's names, blanks skipped, repeats once",
      secrets: ['regcred', ' ', '', 'other', 'regcred'],
      config: {},
      expected: ['regcred', 'other'],
    },
    {
      name: 'only blanks: the provisioned Secret',
      secrets: ['', '  '],
      config: {},
      expected: ['mcp-runtime-registry-pull'],
    },
    {
      name: 'provisioned credentials complete',
      secrets: undefined,
      config: {},
      expected: ['mcp-runtime-registry-pull'],
    },
    {
      name: 'provisioned Secret with a custom name',
      secrets: [],
      config: { provisionedRegistrySecretName: 'pull' },
      expected: ['pull'],
    },
    {
      name: 'no password: none',
      secrets: undefined,
      config: { provisionedRegistryPassword: '' },
      expected: [],
    },
    {
      name: 'no username: none',
      secrets: undefined,
      config: { provisionedRegistryUsername: '' },
      expected: [],
    },
    {
      name: 'no URL: none',
      secrets: undefined,
      config: { provisionedRegistryURL: '' },
      expected: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(
        resolvePullSecrets({ imagePullSecrets: c.secrets }, { ...credentials, ...c.config }),
        c.expected,
      );
    });
  }
});

describe('buildPullSecret', () => {
  it('is a dockerconfigjson Secret with auth for the registry host', () => {
    const secret = buildPullSecret('tools', credentials);
    assert.ok(secret);
    const { data, ...rest } = secret as typeof secret & { data: Record<string, string> };
    assert.deepEqual(rest, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'mcp-runtime-registry-pull',
        namespace: 'tools',
        labels: { 'app.kubernetes.io/managed-by': 'mcp-runtime' },
      },
      type: 'kubernetes.io/dockerconfigjson',
    });
    assert.deepEqual(Object.keys(data), ['.dockerconfigjson']);
    const json: unknown = JSON.parse(
      Buffer.from(data['.dockerconfigjson'] ?? '', 'base64').toString('utf8'),
    );
    assert.deepEqual(json, {
      auths: {
        'registry.mcp.internal:5000': {
          username: 'puller',
          password: 's3cr:et',
          auth: Buffer.from('puller:s3cr:et').toString('base64'),
        },
      },
    });
  });

  it('has no owner reference', () => {
    assert.equal(buildPullSecret('tools', credentials)?.metadata.ownerReferences, undefined);
  });

  it('is undefined unless URL, username and password are all configured', () => {
    for (const missing of [
      'provisionedRegistryURL',
      'provisionedRegistryUsername',
      'provisionedRegistryPassword',
    ] as const) {
      assert.equal(buildPullSecret('tools', { ...credentials, [missing]: '' }), undefined, missing);
    }
  });

  it('changes with the credentials', () => {
    const a = buildPullSecret('tools', credentials);
    const b = buildPullSecret('tools', { ...credentials, provisionedRegistryPassword: 'rotated' });
    assert.notDeepEqual(a, b);
  });
});
