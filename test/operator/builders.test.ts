// The desired objects of an MCPServer: golden YAML for a set of shapes (run
// with UPDATE_GOLDEN=1 to rewrite the files, then read the diff), plus focused
// assertions on the rules the reconciler's comparison depends on.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { validateMCPServer } from '../../src/api/v1alpha1/validation.ts';
import type { MCPServer } from '../../src/api/v1alpha1/schema.ts';
import { parseOperatorEnv } from '../../src/cmd/env.ts';
import { restrictedViolations } from '../../src/kube/pod-security.ts';
import type { PodLike } from '../../src/kube/pod-security.ts';
import type { OperatorConfig } from '../../src/operator/config.ts';
import { serverMCPPath } from '../../src/operator/deployment.ts';
import { desiredState } from '../../src/operator/desired.ts';
import type { DesiredState } from '../../src/operator/desired.ts';
import { ingressAnnotations, ingressClassAnnotations } from '../../src/operator/ingress.ts';
import { server } from '../api/fixtures.ts';

const UID = '6f1c2a4e-0000-4000-8000-000000000001';
const goldenDir = new URL('./golden/', import.meta.url);
const samplesDir = new URL('../../config/samples/', import.meta.url);
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

function operatorConfig(env: Record<string, string> = {}): OperatorConfig {
  const result = parseOperatorEnv(env);
  assert.ok(result.ok, result.ok ? '' : result.error);
  return result.env;
}

function sample(file: string): Record<string, unknown> {
  return parse(readFileSync(new URL(file, samplesDir), 'utf8')) as Record<string, unknown>;
}

/** Validates a manifest as the reconciler would; `uid: false` leaves it out, as `render` does. */
function validated(
  manifest: Record<string, unknown>,
  config: OperatorConfig,
  options: { uid?: boolean; namespace?: string } = {},
): MCPServer {
  const metadata = { ...(manifest.metadata as Record<string, unknown>) };
  if (options.uid !== false) metadata.uid = UID;
  if (options.namespace) metadata.namespace = options.namespace;
  const result = validateMCPServer(
    { ...manifest, metadata },
    {
      gatewayProxyImage: config.gatewayProxyImage,
      allowSnippetAnnotations: config.allowSnippetAnnotations,
    },
  );
  assert.ok(result.valid, result.valid ? '' : JSON.stringify(result.violations));
  return result.server;
}

function desired(mcpServer: MCPServer, config: OperatorConfig): DesiredState {
  const result = desiredState(mcpServer, config);
  assert.ok(result.ok, result.ok ? '' : result.message);
  return result.desired;
}

interface GoldenCase {
  name: string;
  what: string;
  manifest: Record<string, unknown>;
  env?: Record<string, string>;
  uid?: boolean;
  namespace?: string;
}

const cases: GoldenCase[] = [
  {
    name: 'sample-minimal',
    what: 'config/samples/mcpserver-minimal.yaml with a default host: host-based on it',
    manifest: sample('mcpserver-minimal.yaml'),
    env: { MCP_DEFAULT_INGRESS_HOST: 'mcp.example.com' },
  },
  {
    name: 'sample-host-based',
    what: 'config/samples/mcpserver-host-based.yaml: env, secret env, resources, 2 replicas',
    manifest: sample('mcpserver-host-based.yaml'),
  },
  {
    name: 'sample-path-based-gateway',
    what: 'config/samples/mcpserver-path-based-gateway.yaml: hostless, sidecar, OTLP endpoint',
    manifest: sample('mcpserver-path-based-gateway.yaml'),
    env: {
      MCP_DEFAULT_INGRESS_HOST: 'mcp.example.com',
      MCP_GATEWAY_OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.observability:4317',
      MCP_CLUSTER_NAME: 'prod-eu',
    },
  },
  {
    name: 'hostless-no-default-host',
    what: 'nothing routed by the user and no default host: hostless at /<name>/mcp',
    manifest: server({}),
  },
  {
    name: 'hostless-prefix',
    what: 'publicPathPrefix without ingressHost: hostless even with a default host',
    manifest: server({ publicPathPrefix: '/tools/weather/' }),
    env: { MCP_DEFAULT_INGRESS_HOST: 'mcp.example.com' },
  },
  {
    name: 'gateway-by-default-tls',
    what: 'no gateway block, operator gateway image and TLS: sidecar with an https EXTERNAL_BASE_URL',
    manifest: server({}),
    env: {
      MCP_DEFAULT_INGRESS_HOST: 'mcp.example.com',
      MCP_DEFAULT_INGRESS_TLS: 'true',
      MCP_DEFAULT_INGRESS_ENTRYPOINTS: 'websecure',
      MCP_GATEWAY_PROXY_IMAGE: 'ghcr.io/mcp-runtime/mcp-gateway:0.4.0',
    },
  },
  {
    name: 'gateway-disabled',
    what: 'gateway.enabled false despite an operator gateway image: no sidecar',
    manifest: server({ gateway: { enabled: false, stripPrefix: '/weather' } }),
    env: { MCP_GATEWAY_PROXY_IMAGE: 'ghcr.io/mcp-runtime/mcp-gateway:0.4.0' },
  },
  {
    name: 'provisioned-registry',
    what: 'useProvisionedRegistry with credentials: rewritten image and the pull Secret',
    manifest: server({ image: 'ghcr.io/acme/weather', useProvisionedRegistry: true }),
    namespace: 'tools',
    env: {
      PROVISIONED_REGISTRY_URL: 'https://registry.mcp.example.com:5000/',
      PROVISIONED_REGISTRY_USERNAME: 'puller',
      PROVISIONED_REGISTRY_PASSWORD: 'pull-secret-password',
    },
  },
  {
    name: 'private-registry',
    what: 'an untagged host:port image and pull secrets (blank skipped): no provisioned Secret',
    manifest: server({
      image: 'registry.internal:5000/team/weather',
      imageTag: '2.1.0',
      imagePullSecrets: ['regcred', ' '],
    }),
    env: {
      PROVISIONED_REGISTRY_URL: 'registry.mcp.example.com:5000',
      PROVISIONED_REGISTRY_USERNAME: 'puller',
      PROVISIONED_REGISTRY_PASSWORD: 'pull-secret-password',
    },
  },
  {
    name: 'digest-image',
    what: 'a digest image through a registryOverride with a path: imageTag ignored',
    manifest: server({
      image: `ghcr.io/acme/weather@${DIGEST}`,
      imageTag: 'v9',
      registryOverride: 'mirror.example.com/ghcr',
    }),
  },
  {
    name: 'mcp-path-override',
    what: 'envVars sets MCP_PATH: replaced and warned; an empty value has no value key',
    manifest: server({
      ingressHost: 'weather.example.org',
      envVars: [
        { name: 'LOG_LEVEL', value: 'debug' },
        { name: 'MCP_PATH', value: '/custom' },
        { name: 'EMPTY', value: '' },
      ],
    }),
  },
  {
    name: 'strip-prefix-nginx',
    what: 'sidecar with stripPrefix (MCP_PATH /mcp), nginx class, a user annotation wins',
    manifest: server(
      {
        image: 'registry.example.com/tools/ticketing-mcp:0.9.0',
        publicPathPrefix: 'tickets',
        ingressHost: 'tickets.example.org',
        ingressClass: 'nginx',
        ingressAnnotations: { 'nginx.ingress.kubernetes.io/proxy-read-timeout': '7200' },
        servicePort: 8080,
        gateway: {
          image: 'ghcr.io/mcp-runtime/mcp-gateway:0.4.0',
          port: 9000,
          stripPrefix: '/tickets',
          resources: { limits: { memory: '128Mi' } },
        },
      },
      'ticketing',
    ),
  },
  {
    name: 'wildcard-istio-no-uid',
    what: 'render (no uid): no owner references; wildcard host: no EXTERNAL_BASE_URL; istio class',
    manifest: server({ ingressHost: '*.mcp.example.com', ingressClass: 'istio', gateway: {} }),
    env: { MCP_GATEWAY_PROXY_IMAGE: 'ghcr.io/mcp-runtime/mcp-gateway:0.4.0' },
    uid: false,
  },
];

function render(c: GoldenCase, d: DesiredState): string {
  const summary = {
    image: d.image,
    gateway: d.gateway,
    route: { ...d.route, host: d.route.host ?? null },
    warnings: d.warnings,
  };
  const docs = [
    summary,
    d.deployment,
    d.service,
    d.ingress,
    ...(d.pullSecret ? [d.pullSecret] : []),
  ];
  return `# ${c.what}\n${docs.map((doc) => stringify(doc, { lineWidth: 0, singleQuote: true })).join('---\n')}`;
}

function build(c: GoldenCase): DesiredState {
  const config = operatorConfig(c.env);
  return desired(validated(c.manifest, config, { uid: c.uid, namespace: c.namespace }), config);
}

describe('golden desired objects', () => {
  const update = process.env.UPDATE_GOLDEN === '1';
  if (update) mkdirSync(goldenDir, { recursive: true });
  for (const c of cases) {
    it(c.name, () => {
      const file = new URL(`${c.name}.yaml`, goldenDir);
      const actual = render(c, build(c));
      if (update) writeFileSync(file, actual);
      assert.equal(actual, readFileSync(file, 'utf8'));
    });
  }
});

/** Paths of every '', [] or {} in a value: Go's omitempty would drop them, so the stored object lacks them. */
function emptyValues(value: unknown, path = ''): string[] {
  if (value === '' || value === undefined || value === null) return [path];
  if (Array.isArray(value)) {
    if (value.length === 0) return [path];
    return value.flatMap((item, i) => emptyValues(item, `${path}[${i}]`));
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return [path];
    return entries.flatMap(([key, item]) => emptyValues(item, `${path}.${key}`));
  }
  return [];
}

describe('desired objects', () => {
  for (const c of cases) {
    it(`${c.name}: no empty values`, () => {
      const d = build(c);
      const objects = { deployment: d.deployment, service: d.service, ingress: d.ingress };
      assert.deepEqual(emptyValues(objects), []);
      if (d.pullSecret) assert.deepEqual(emptyValues(d.pullSecret), []);
    });
  }

  it('every container passes the restricted Pod Security Standard', () => {
    for (const c of cases) {
      const deployment = build(c).deployment;
      // The whole template, annotations included, as PodSecurity admission at v1.32 sees it.
      const template = (deployment.spec as { template: PodLike }).template;
      assert.deepEqual(restrictedViolations(template), [], c.name);
      const pod = (deployment.spec as PodTemplateHolder).template.spec;
      assert.deepEqual(pod.securityContext, {
        runAsNonRoot: true,
        runAsUser: 65532,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      for (const container of pod.containers) {
        assert.equal(container.securityContext.allowPrivilegeEscalation, false, c.name);
        assert.deepEqual(container.securityContext.capabilities, { drop: ['ALL'] }, c.name);
      }
    }
  });

  it('owner references appear only with a uid', () => {
    for (const c of cases) {
      const d = build(c);
      for (const object of [d.deployment, d.service, d.ingress]) {
        const refs = object.metadata.ownerReferences;
        if (c.uid === false) assert.equal(refs, undefined, c.name);
        else {
          assert.deepEqual(refs, [
            {
              apiVersion: 'mcpruntime.org/v1alpha1',
              kind: 'MCPServer',
              name: object.metadata.name,
              uid: UID,
              controller: true,
              blockOwnerDeletion: true,
            },
          ]);
        }
      }
      assert.equal(d.pullSecret?.metadata.ownerReferences, undefined);
    }
  });

  it('is pure: equal inputs give equal objects that share nothing', () => {
    const c = cases.find((x) => x.name === 'strip-prefix-nginx');
    assert.ok(c);
    const a = build(c);
    const b = build(c);
    assert.deepEqual(a, b);
    const pod = (a.deployment.spec as PodTemplateHolder).template.spec;
    pod.containers[0]!.securityContext.capabilities = {};
    (a.deployment.metadata.labels as Record<string, string>).extra = 'x';
    assert.deepEqual(build(c), b);
    assert.equal(a.service.metadata.labels === a.ingress.metadata.labels, false);
  });

  it('reports a gateway without an image as GatewayImageMissing', () => {
    const config = operatorConfig();
    const result = desiredState(validated(server({ gateway: { port: 9000 } }), config), config);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.reason, 'GatewayImageMissing');
    assert.equal(result.path, 'spec.gateway.image');
    assert.match(result.message, /spec\.gateway\.image/);
    assert.match(result.message, /MCP_GATEWAY_PROXY_IMAGE/);
  });

  it('ignores stripPrefix without a sidecar', () => {
    const c = cases.find((x) => x.name === 'gateway-disabled');
    assert.ok(c);
    const container = (build(c).deployment.spec as PodTemplateHolder).template.spec.containers[0];
    assert.deepEqual(container?.env, [{ name: 'MCP_PATH', value: '/weather/mcp' }]);
  });

  it('warns about MCP_PATH in secretEnvVars too', () => {
    const config = operatorConfig();
    const d = desired(
      validated(
        server({ secretEnvVars: [{ name: 'MCP_PATH', secretKeyRef: { name: 's', key: 'k' } }] }),
        config,
      ),
      config,
    );
    assert.deepEqual(d.warnings, [
      'secretEnvVars sets MCP_PATH, which the operator owns; its value is replaced by /weather/mcp',
    ]);
    const env = (d.deployment.spec as PodTemplateHolder).template.spec.containers[0]?.env;
    assert.deepEqual(env, [{ name: 'MCP_PATH', value: '/weather/mcp' }]);
  });

  it('ensures the provisioned Secret only when the pod uses it', () => {
    const env = {
      PROVISIONED_REGISTRY_URL: 'registry.mcp.example.com:5000',
      PROVISIONED_REGISTRY_USERNAME: 'puller',
      PROVISIONED_REGISTRY_PASSWORD: 'pw',
    };
    const config = operatorConfig(env);
    assert.ok(desired(validated(server({}), config), config).pullSecret);
    const own = desired(validated(server({ imagePullSecrets: ['regcred'] }), config), config);
    assert.equal(own.pullSecret, undefined);
    const named = desired(
      validated(server({ imagePullSecrets: ['mcp-runtime-registry-pull'] }), config),
      config,
    );
    assert.ok(named.pullSecret);
  });
});

interface ContainerShape {
  env?: unknown[];
  securityContext: { allowPrivilegeEscalation: boolean; capabilities: unknown };
}
interface PodTemplateHolder {
  template: { spec: { securityContext: unknown; containers: ContainerShape[] } };
}

describe('serverMCPPath', () => {
  const table: [string, string | undefined, string][] = [
    ['/tickets/mcp', undefined, '/tickets/mcp'],
    ['/tickets/mcp', '', '/tickets/mcp'],
    ['/tickets/mcp', '/tickets', '/mcp'],
    ['/tickets/mcp', 'tickets/', '/mcp'],
    ['/tickets/mcp', '/tick', '/tickets/mcp'],
    ['/tickets/mcp', '/tickets/mcp', '/'],
    ['/tickets/mcp', '/tickets/mcp/', '/'],
    ['/tickets/mcp', '/', '/tickets/mcp'],
    ['/tickets/mcp', '/other', '/tickets/mcp'],
    ['/a/b/mcp', '/a/b', '/mcp'],
  ];
  for (const [path, prefix, expected] of table) {
    it(`${path} minus ${JSON.stringify(prefix)} is ${expected}`, () => {
      assert.equal(serverMCPPath(path, prefix), expected);
    });
  }
});

describe('ingress annotations', () => {
  const config = { defaultIngressEntrypoints: 'web', defaultIngressTLS: false };
  const table: [string, Partial<typeof config>, Record<string, string>][] = [
    ['traefik', {}, { 'traefik.ingress.kubernetes.io/router.entrypoints': 'web' }],
    [
      'traefik',
      { defaultIngressEntrypoints: 'web,websecure', defaultIngressTLS: true },
      {
        'traefik.ingress.kubernetes.io/router.entrypoints': 'web,websecure',
        'traefik.ingress.kubernetes.io/router.tls': 'true',
      },
    ],
    [
      'traefik',
      { defaultIngressEntrypoints: '' },
      { 'traefik.ingress.kubernetes.io/router.entrypoints': 'web' },
    ],
    [
      'nginx',
      { defaultIngressTLS: true },
      {
        'nginx.ingress.kubernetes.io/ssl-redirect': 'false',
        'nginx.ingress.kubernetes.io/proxy-buffering': 'off',
        'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
        'nginx.ingress.kubernetes.io/proxy-send-timeout': '3600',
      },
    ],
    ['istio', {}, { 'kubernetes.io/ingress.class': 'istio' }],
    ['haproxy', { defaultIngressTLS: true }, {}],
    ['traefik-internal', {}, {}],
  ];
  for (const [className, overrides, expected] of table) {
    it(`${className} ${JSON.stringify(overrides)}`, () => {
      assert.deepEqual(ingressClassAnnotations(className, { ...config, ...overrides }), expected);
    });
  }

  it("puts the user's annotations on top: the user wins", () => {
    assert.deepEqual(
      ingressAnnotations(
        'traefik',
        {
          'traefik.ingress.kubernetes.io/router.entrypoints': 'websecure',
          'example.com/team': 'a',
        },
        { ...config, defaultIngressTLS: true },
      ),
      {
        'traefik.ingress.kubernetes.io/router.entrypoints': 'websecure',
        'traefik.ingress.kubernetes.io/router.tls': 'true',
        'example.com/team': 'a',
      },
    );
  });

  it('has no annotations map for a class without defaults and no user annotations', () => {
    const config = operatorConfig();
    const d = desired(validated(server({ ingressClass: 'haproxy' }), config), config);
    assert.equal('annotations' in d.ingress.metadata, false);
    assert.equal('annotations' in d.service.metadata, false);
  });
});
