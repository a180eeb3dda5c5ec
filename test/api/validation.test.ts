import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { formatViolations, validateMCPServer } from '../../src/api/v1alpha1/validation.ts';
import type { FieldViolation, ValidationOptions } from '../../src/api/v1alpha1/validation.ts';
import { server } from './fixtures.ts';

const samplesDir = new URL('../../config/samples/', import.meta.url);

function violations(input: unknown, options?: ValidationOptions): FieldViolation[] {
  const result = validateMCPServer(input, options);
  return result.valid ? [] : result.violations;
}

describe('valid MCPServers', () => {
  for (const file of readdirSync(samplesDir)) {
    it(`accepts the sample ${file}`, () => {
      const manifest: unknown = parse(readFileSync(new URL(file, samplesDir), 'utf8'));
      assert.deepEqual(violations(manifest), []);
    });
  }

  const valid: [string, Record<string, unknown>, ValidationOptions?][] = [
    ['only an image', {}],
    ['an image with a digest', { image: 'ghcr.io/acme/w@sha256:' + 'a'.repeat(64) }],
    ['a registry with a port and no tag', { image: '10.0.0.5:5000/img', imageTag: 'v1' }],
    [
      'MCP_PATH set by the user (the operator replaces it)',
      { envVars: [{ name: 'MCP_PATH', value: '/x' }] },
    ],
    ['a wildcard host', { ingressHost: '*.mcp.example.com' }],
    ['an empty prefix with an ingressPath', { publicPathPrefix: '', ingressPath: '/legacy/path' }],
    ['a prefix with inner slashes and ~', { publicPathPrefix: 'team/a.b_c~d' }],
    ['zero replicas', { replicas: 0 }],
    ['a disabled gateway on the server port', { port: 8091, gateway: { enabled: false } }],
    ['a gateway on another port', { port: 9000, gateway: {} }],
    ['no gateway block on 8091 without a default gateway image', { port: 8091 }],
    [
      'a request equal to its limit in other units',
      { resources: { requests: { cpu: '1' }, limits: { cpu: '1000m' } } },
    ],
    [
      'a snippet annotation when the cluster allows them',
      { ingressAnnotations: { 'nginx.ingress.kubernetes.io/server-snippet': 'x' } },
      { allowSnippetAnnotations: true },
    ],
    [
      'other nginx annotations',
      {
        ingressClass: 'nginx',
        ingressAnnotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' },
      },
    ],
    [
      'the same name in tools and prompts',
      { tools: [{ name: 'a', sideEffect: 'read' }], prompts: [{ name: 'a' }] },
    ],
    ['blank pull secrets (skipped)', { imagePullSecrets: ['', 'regcred'] }],
    ['an https upstream with a path', { gateway: { upstreamURL: 'https://127.0.0.1:8443/base' } }],
    // Found by fuzzing (test/fuzz): the API server drops a null it neither allows nor defaults.
    [
      'nulls the API server drops (imageTag: with no value, a null map, a null default)',
      { imageTag: null, replicas: null, tools: [{ name: 't', sideEffect: 'read', labels: null }] },
    ],
    ['servicePort 9103 without a sidecar', { servicePort: 9103 }],
  ];
  for (const [name, spec, options] of valid) {
    it(`accepts ${name}`, () => assert.deepEqual(violations(server(spec), options), []));
  }

  it('fills a static default for a null, as the API server does', () => {
    const result = validateMCPServer(server({ replicas: null }));
    assert.ok(result.valid);
    assert.equal(result.server.spec.replicas, 1);
  });

  it('fills the static defaults', () => {
    const result = validateMCPServer(server({ tools: [{ name: 't', sideEffect: 'read' }] }));
    assert.ok(result.valid);
    const { spec } = result.server;
    assert.equal(spec.replicas, 1);
    assert.equal(spec.port, 8088);
    assert.equal(spec.servicePort, 80);
    assert.equal(spec.ingressClass, 'traefik');
    assert.equal(spec.tools?.[0]?.requiredTrust, 'low');
  });

  it('prunes fields the operator does not implement (auth, policy, …)', () => {
    const result = validateMCPServer(server({ auth: { mode: 'oauth' }, policy: {}, rollout: {} }));
    assert.ok(result.valid);
    assert.deepEqual(
      Object.keys(result.server.spec).filter((k) => ['auth', 'policy', 'rollout'].includes(k)),
      [],
    );
  });
});

describe('invalid MCPServers', () => {
  const long = (n: number) => 'a'.repeat(n);
  const cases: [string, unknown, FieldViolation[], ValidationOptions?][] = [
    ['no spec', { ...server(), spec: undefined }, [{ path: 'spec', message: 'is required' }]],
    ['no image', server({ image: undefined }), [{ path: 'spec.image', message: 'is required' }]],
    [
      'an empty image',
      server({ image: '' }),
      [{ path: 'spec.image', message: 'must not be empty' }],
    ],
    [
      'an image with a space',
      server({ image: 'acme/weather latest' }),
      [{ path: 'spec.image', message: 'image must not contain whitespace' }],
    ],
    [
      'a bad image tag',
      server({ imageTag: '-dev' }),
      [
        {
          path: 'spec.imageTag',
          message:
            "imageTag must be an image tag: letters, digits, '_', '.' and '-', not starting with '.' or '-'",
        },
      ],
    ],
    [
      'a registry override with a scheme',
      server({ registryOverride: 'https://reg.example.com' }),
      [
        {
          path: 'spec.registryOverride',
          message:
            'registryOverride must be a registry host such as registry.example.com:5000 (optionally with a path), without a scheme or whitespace',
        },
      ],
    ],
    [
      'negative replicas',
      server({ replicas: -1 }),
      [{ path: 'spec.replicas', message: 'must be at least 0' }],
    ],
    [
      'fractional replicas',
      server({ replicas: 1.5 }),
      [{ path: 'spec.replicas', message: 'must be an integer, not a number' }],
    ],
    ['port 0', server({ port: 0 }), [{ path: 'spec.port', message: 'must be at least 1' }]],
    [
      'port 70000',
      server({ port: 70000 }),
      [{ path: 'spec.port', message: 'must be at most 65535' }],
    ],
    [
      'a string service port',
      server({ servicePort: '80' }),
      [{ path: 'spec.servicePort', message: 'must be a number, not a string' }],
    ],
    [
      'an upper-case host',
      server({ ingressHost: 'MCP.example.com' }),
      [
        {
          path: 'spec.ingressHost',
          message:
            'ingressHost must be a lower-case DNS name such as mcp.example.com, or a wildcard such as *.example.com',
        },
      ],
    ],
    [
      'a host with a scheme',
      server({ ingressHost: 'http://mcp.example.com' }),
      [
        {
          path: 'spec.ingressHost',
          message:
            'ingressHost must be a lower-case DNS name such as mcp.example.com, or a wildcard such as *.example.com',
        },
      ],
    ],
    [
      'a prefix with a space',
      server({ publicPathPrefix: 'my tools' }),
      [
        {
          path: 'spec.publicPathPrefix',
          message: "publicPathPrefix may contain only letters, digits and '-', '.', '_', '~', '/'",
        },
      ],
    ],
    [
      'a prefix with regex characters',
      server({ publicPathPrefix: 'tools(.*)' }),
      [
        {
          path: 'spec.publicPathPrefix',
          message: "publicPathPrefix may contain only letters, digits and '-', '.', '_', '~', '/'",
        },
      ],
    ],
    [
      'a prefix of only slashes',
      server({ publicPathPrefix: '//' }),
      [
        {
          path: 'spec.publicPathPrefix',
          message:
            'publicPathPrefix must contain a character other than /; leave it empty to route on ingressPath instead',
        },
      ],
    ],
    [
      'an ingress path with an nginx variable',
      server({ ingressPath: '/$host/mcp' }),
      [
        {
          path: 'spec.ingressPath',
          message: "ingressPath may contain only letters, digits and '-', '.', '_', '~', '/'",
        },
      ],
    ],
    [
      'a bad ingress class',
      server({ ingressClass: 'Traefik_2' }),
      [
        {
          path: 'spec.ingressClass',
          message: 'ingressClass must be the name of an IngressClass (a lower-case DNS subdomain)',
        },
      ],
    ],
    [
      'a snippet annotation',
      server({
        ingressAnnotations: {
          'nginx.ingress.kubernetes.io/configuration-snippet': 'more_set_headers "x: y";',
        },
      }),
      [
        {
          path: 'spec.ingressAnnotations',
          message:
            'ingressAnnotations may not set *-snippet annotations, which inject proxy configuration; remove them (a cluster admin can allow them with MCP_ALLOW_SNIPPET_ANNOTATIONS=true)',
        },
      ],
    ],
    [
      'a server-snippet annotation',
      server({ ingressAnnotations: { 'nginx.ingress.kubernetes.io/server-snippet': 'x' } }),
      [
        {
          path: 'spec.ingressAnnotations',
          message:
            'ingressAnnotations may not set *-snippet annotations, which inject proxy configuration; remove them (a cluster admin can allow them with MCP_ALLOW_SNIPPET_ANNOTATIONS=true)',
        },
      ],
    ],
    [
      'a non-string annotation value',
      server({ ingressAnnotations: { a: 1 } }),
      [{ path: 'spec.ingressAnnotations.a', message: 'must be a string, not a number' }],
    ],
    [
      'a bad quantity',
      server({ resources: { requests: { cpu: '100 m' } } }),
      [
        {
          path: 'spec.resources.requests.cpu',
          message: 'must be a Kubernetes quantity such as 500m, 2, 64Mi or 1Gi',
        },
      ],
    ],
    [
      'a request above its limit',
      server({ resources: { requests: { memory: '1Gi' }, limits: { memory: '512Mi' } } }),
      [
        {
          path: 'spec.resources.requests.memory',
          message:
            'memory request 1Gi exceeds its limit 512Mi; lower the request or raise limits.memory',
        },
      ],
    ],
    [
      'a request above the default limit',
      server({ resources: { requests: { cpu: '1' } } }),
      [
        {
          path: 'spec.resources.requests.cpu',
          message: 'cpu request 1 exceeds its limit 500m; lower the request or raise limits.cpu',
        },
      ],
    ],
    [
      'a sidecar request above its limit',
      server({ gateway: { resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } } }),
      [
        {
          path: 'spec.gateway.resources.requests.cpu',
          message: 'cpu request 2 exceeds its limit 1; lower the request or raise limits.cpu',
        },
      ],
    ],
    [
      'duplicate env names',
      server({
        envVars: [
          { name: 'A', value: '1' },
          { name: 'A', value: '2' },
        ],
      }),
      [
        {
          path: 'spec.envVars',
          message: 'envVars names must be unique; rename or remove the duplicate',
        },
      ],
    ],
    [
      'duplicate secret env names',
      server({
        secretEnvVars: [
          { name: 'A', secretKeyRef: { name: 's', key: 'k' } },
          { name: 'A', secretKeyRef: { name: 's', key: 'j' } },
        ],
      }),
      [
        {
          path: 'spec.secretEnvVars',
          message: 'secretEnvVars names must be unique; rename or remove the duplicate',
        },
      ],
    ],
    [
      'a name in envVars and secretEnvVars',
      server({
        envVars: [{ name: 'TOKEN', value: 'x' }],
        secretEnvVars: [{ name: 'TOKEN', secretKeyRef: { name: 's', key: 'k' } }],
      }),
      [
        {
          path: 'spec',
          message:
            'an environment variable name may appear in envVars or in secretEnvVars, not in both',
        },
      ],
    ],
    [
      'an env name starting with a digit',
      server({ envVars: [{ name: '1PORT', value: '1' }] }),
      [
        {
          path: 'spec.envVars[0].name',
          message:
            "environment variable names may contain only letters, digits, '_', '-' and '.', and must not start with a digit",
        },
      ],
    ],
    [
      'a secret env without a key',
      server({ secretEnvVars: [{ name: 'A', secretKeyRef: { name: 's' } }] }),
      [{ path: 'spec.secretEnvVars[0].secretKeyRef.key', message: 'is required' }],
    ],
    [
      'a secret env without a ref',
      server({ secretEnvVars: [{ name: 'A' }] }),
      [{ path: 'spec.secretEnvVars[0].secretKeyRef', message: 'is required' }],
    ],
    [
      'the gateway on the server port',
      server({ port: 9000, gateway: { port: 9000 } }),
      [
        {
          path: 'spec',
          message: 'gateway.port must differ from port: the sidecar and the server share the pod',
        },
      ],
    ],
    [
      'a gateway block and the server on 8091',
      server({ port: 8091, gateway: { enabled: true } }),
      [
        {
          path: 'spec',
          message: 'gateway.port must differ from port: the sidecar and the server share the pod',
        },
      ],
    ],
    [
      'the default gateway on the server port',
      server({ port: 8091 }),
      [
        {
          path: 'spec.port',
          message:
            "port 8091 is the gateway sidecar's default port; choose another port or set gateway.port",
        },
      ],
      { gatewayProxyImage: 'ghcr.io/mcp/gateway:1' },
    ],
    [
      'a bad upstream URL',
      server({ gateway: { upstreamURL: 'localhost:8088' } }),
      [
        {
          path: 'spec.gateway.upstreamURL',
          message:
            'gateway.upstreamURL must be an http:// or https:// URL such as http://127.0.0.1:8088',
        },
      ],
    ],
    [
      'a strip prefix with a space',
      server({ gateway: { stripPrefix: '/a b' } }),
      [
        {
          path: 'spec.gateway.stripPrefix',
          message:
            "gateway.stripPrefix may contain only letters, digits and '-', '.', '_', '~', '/'",
        },
      ],
    ],
    [
      'a team ID with a space',
      server({ teamID: 'team a' }),
      [{ path: 'spec.teamID', message: 'teamID must not contain whitespace' }],
    ],
    [
      'a team ID over 128 characters',
      server({ teamID: long(129) }),
      [{ path: 'spec.teamID', message: 'must be at most 128 characters' }],
    ],
    [
      'duplicate tool names',
      server({
        tools: [
          { name: 'x', sideEffect: 'read' },
          { name: 'x', sideEffect: 'write' },
        ],
      }),
      [
        {
          path: 'spec.tools',
          message: 'tool names must be unique; rename or remove the duplicate',
        },
      ],
    ],
    [
      'a tool without a side effect',
      server({ tools: [{ name: 'x' }] }),
      [{ path: 'spec.tools[0].sideEffect', message: 'is required' }],
    ],
    [
      'a tool with an unknown side effect',
      server({ tools: [{ name: 'x', sideEffect: 'delete' }] }),
      [
        {
          path: 'spec.tools[0].sideEffect',
          message: 'must be one of "read", "write", "destructive"',
        },
      ],
    ],
    [
      'a tool with an unknown trust level',
      server({ tools: [{ name: 'x', sideEffect: 'read', requiredTrust: 'root' }] }),
      [{ path: 'spec.tools[0].requiredTrust', message: 'must be one of "low", "medium", "high"' }],
    ],
    [
      'duplicate prompt names',
      server({ prompts: [{ name: 'p' }, { name: 'p' }] }),
      [
        {
          path: 'spec.prompts',
          message: 'prompt names must be unique; rename or remove the duplicate',
        },
      ],
    ],
    [
      'duplicate resource names',
      server({ mcpResources: [{ name: 'r' }, { name: 'r' }] }),
      [
        {
          path: 'spec.mcpResources',
          message: 'mcpResources names must be unique; rename or remove the duplicate',
        },
      ],
    ],
    [
      'too many tools',
      server({
        tools: Array.from({ length: 129 }, (_, i) => ({ name: `t${i}`, sideEffect: 'read' })),
      }),
      [{ path: 'spec.tools', message: 'must be at most 128 items' }],
    ],
    [
      'a name over 63 characters',
      server({}, long(64)),
      [
        {
          path: 'metadata.name',
          message:
            'metadata.name must be at most 63 characters: it names the Service and the container',
        },
      ],
    ],
    [
      'a name starting with a digit',
      server({}, '1weather'),
      [
        {
          path: 'metadata.name',
          message:
            'metadata.name must be a DNS-1035 label: lower-case letters, digits and -, starting with a letter and ending with a letter or digit',
        },
      ],
    ],
    [
      'a name with a dot',
      server({}, 'weather.v2'),
      [
        {
          path: 'metadata.name',
          message:
            'metadata.name must be a DNS-1035 label: lower-case letters, digits and -, starting with a letter and ending with a letter or digit',
        },
      ],
    ],
    [
      'no name',
      { ...server(), metadata: { namespace: 'default' } },
      [{ path: 'metadata.name', message: 'is required' }],
    ],
    [
      'another API version',
      { ...server(), apiVersion: 'mcpruntime.org/v1' },
      [{ path: 'apiVersion', message: 'must be "mcpruntime.org/v1alpha1"' }],
    ],
    // Found by fuzzing (test/fuzz/spec.test.ts), each with its shrunk counterexample.
    [
      'a quantity with a huge exponent (threw: Maximum BigInt size exceeded)',
      server({ resources: { requests: { cpu: '1e999999999999' } } }),
      [
        {
          path: 'spec.resources.requests.cpu',
          message: 'must be a Kubernetes quantity such as 500m, 2, 64Mi or 1Gi',
        },
      ],
    ],
    [
      'a quantity whose exponent takes seconds to compare (1e99999999)',
      server({ resources: { limits: { memory: '1e99999999' } } }),
      [
        {
          path: 'spec.resources.limits.memory',
          message: 'must be a Kubernetes quantity such as 500m, 2, 64Mi or 1Gi',
        },
      ],
    ],
    [
      'a negative request (the Deployment would be refused)',
      server({ resources: { requests: { cpu: '-1' } } }),
      [{ path: 'spec.resources.requests.cpu', message: 'must not be negative' }],
    ],
    [
      'an annotation key the Ingress would be refused for',
      server({ ingressAnnotations: { '': 'x' } }),
      [
        {
          path: 'spec.ingressAnnotations',
          message:
            "ingressAnnotations keys must be annotation keys such as example.com/name: an optional DNS subdomain and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
        },
      ],
    ],
    [
      "annotations past the API server's 256 KiB",
      server({
        ingressAnnotations: Object.fromEntries(
          Array.from({ length: 64 }, (_, i) => [`example.com/k${i}`, 'é'.repeat(4096)]),
        ),
      }),
      [
        {
          path: 'spec.ingressAnnotations',
          message:
            "keys and values total 525238 bytes; at most 261120 fit on the Ingress (the API server's 256 KiB for annotations, less the ingress class's)",
        },
      ],
    ],
    [
      'a label key over 317 characters (the CRD cannot bound map keys)',
      server({ prompts: [{ name: 'p', labels: { ['k'.repeat(318)]: 'v' } }] }),
      [{ path: 'spec.prompts[0].labels', message: 'label keys must be at most 317 characters' }],
    ],
    [
      'an IP address as the host (the Ingress would be refused)',
      server({ ingressHost: '10.0.0.1' }),
      [{ path: 'spec.ingressHost', message: 'ingressHost must be a DNS name, not an IP address' }],
    ],
    [
      "the sidecar's metrics port as the service port (the Service would be refused)",
      server({ servicePort: 9103, gateway: {} }),
      [
        {
          path: 'spec',
          message:
            'servicePort must not be 9103: with the gateway sidecar the Service exposes its metrics on that port',
        },
      ],
    ],
    [
      'the metrics port as the service port with the default sidecar',
      server({ servicePort: 9103 }),
      [
        {
          path: 'spec.servicePort',
          message:
            "servicePort 9103 is the gateway sidecar's metrics port on the Service; choose another servicePort",
        },
      ],
      { gatewayProxyImage: 'ghcr.io/mcp/gateway:1' },
    ],
    [
      'YAML .inf as a number',
      server({ replicas: Number.POSITIVE_INFINITY }),
      [{ path: 'spec.replicas', message: 'must be a number, not Infinity' }],
    ],
    [
      'a list and a map of the wrong type',
      server({ tools: 'x', ingressAnnotations: ['x'] }),
      [
        { path: 'spec.ingressAnnotations', message: 'must be an object, not a list' },
        { path: 'spec.tools', message: 'must be a list, not a string' },
      ],
    ],
    [
      'a tool that is a string (no rule evaluation error beside it)',
      server({ tools: ['x'] }),
      [{ path: 'spec.tools[0]', message: 'must be an object, not a string' }],
    ],
  ];
  for (const [name, input, expected, options] of cases) {
    it(`rejects ${name}`, () => assert.deepEqual(violations(input, options), expected));
  }

  it('reports every violation at once, each with its path', () => {
    const input = server(
      { image: '', replicas: -2, port: 8091, gateway: {}, teamID: 'a b' },
      'Bad_Name',
    );
    assert.deepEqual(
      violations(input).map((v) => v.path),
      ['spec.image', 'spec.replicas', 'metadata.name', 'spec', 'spec.teamID'],
    );
    assert.match(
      formatViolations(violations(input)),
      /^spec\.image: must not be empty; spec\.replicas: must be at least 0; /,
    );
  });
});

describe('unknown fields', () => {
  const reject: ValidationOptions = { unknownFields: 'reject' };
  // kube-apiserver's strict field validation (kubectl apply's default,
  // --validate=strict) answers `strict decoding error: unknown field "spec.replcas"`:
  // apiextensions-apiserver prunes along the CRD schema and checks metadata
  // against ObjectMeta, reporting each dropped field's full path.
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['at the top level', { ...server(), spek: {} }, ['spek']],
    ['in spec', server({ replcas: 2 }), ['spec.replcas']],
    [
      'in metadata (ObjectMeta has no such field)',
      { ...server(), metadata: { name: 'w', lables: {} } },
      ['metadata.lables'],
    ],
    [
      'in an owner reference',
      {
        ...server(),
        metadata: {
          name: 'w',
          ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o', uid: 'u', owner: true }],
        },
      },
      ['metadata.ownerReferences[0].owner'],
    ],
    [
      'in spec.resources',
      server({ resources: { requests: { cpu: '1', gpu: '1' } } }),
      ['spec.resources.requests.gpu'],
    ],
    ['in spec.gateway', server({ gateway: { enabled: true, imag: 'x' } }), ['spec.gateway.imag']],
    [
      'in spec.gateway.resources',
      server({ gateway: { resources: { limit: { cpu: '1' } } } }),
      ['spec.gateway.resources.limit'],
    ],
    [
      'in a list item',
      server({
        tools: [
          { name: 'a', sideEffect: 'read' },
          { name: 'b', sideEffect: 'read', risk: 'low' },
        ],
      }),
      ['spec.tools[1].risk'],
    ],
    [
      'in a nested object in a list item',
      server({
        secretEnvVars: [{ name: 'A', secretKeyRef: { name: 's', key: 'k', optional: true } }],
      }),
      ['spec.secretEnvVars[0].secretKeyRef.optional'],
    ],
    ['in status', { ...server(), status: { phase: 'Ready', health: 'ok' } }, ['status.health']],
    [
      'inside a status condition',
      {
        ...server(),
        status: {
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              lastTransitionTime: '2024-01-01T00:00:00Z',
              reason: 'R',
              message: '',
              severity: 'x',
            },
          ],
        },
      },
      ['status.conditions[0].severity'],
    ],
    [
      // Found by fuzzing: looked up through Object.prototype, `constructor` was taken for a field.
      "named like JavaScript's own properties",
      {
        ...server({
          tools: [{ name: 'a', sideEffect: 'read', constructor: 1 }],
          toString: { x: 1 },
        }),
        spec: JSON.parse(
          '{"image":"a","__proto__":{"":0},"constructor":1,"toString":{"x":1},"tools":[{"name":"a","sideEffect":"read","constructor":1}]}',
        ) as Record<string, unknown>,
      },
      ['spec.__proto__', 'spec.constructor', 'spec.toString', 'spec.tools[0].constructor'],
    ],
    [
      'several at once, metadata first',
      {
        ...server({ replcas: 2, gateway: { prt: 1 } }),
        metadata: { name: 'w', x: 1 },
        extra: true,
      },
      ['metadata.x', 'extra', 'spec.gateway.prt', 'spec.replcas'],
    ],
  ];
  const isUnknown = (v: FieldViolation) => v.message.startsWith('unknown field');
  for (const [name, input, paths] of cases) {
    it(`reports unknown fields ${name}`, () => {
      assert.deepEqual(
        violations(input, reject).filter(isUnknown),
        paths.map((path) => ({ path, message: `unknown field "${path}"` })),
      );
    });
    it(`accepts unknown fields ${name} when the option is off`, () => {
      assert.deepEqual(
        violations(input),
        violations(input, reject).filter((v) => !isUnknown(v)),
      );
      assert.deepEqual(violations(input).filter(isUnknown), []);
    });
  }

  it('takes any key in a map (additionalProperties) and every ObjectMeta field', () => {
    const input = {
      ...server({
        ingressAnnotations: { 'anything.example.com/at-all': 'x' },
        tools: [{ name: 'a', sideEffect: 'read', labels: { 'any-key': 'v' } }],
      }),
      metadata: {
        name: 'w',
        generateName: 'w-',
        namespace: 'default',
        selfLink: '/x',
        uid: 'u',
        resourceVersion: '1',
        generation: 1,
        creationTimestamp: '2024-01-01T00:00:00Z',
        deletionTimestamp: '2024-01-02T00:00:00Z',
        deletionGracePeriodSeconds: 30,
        labels: { a: 'b' },
        annotations: { c: 'd' },
        ownerReferences: [
          {
            apiVersion: 'v1',
            kind: 'X',
            name: 'o',
            uid: 'u',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
        finalizers: ['f'],
        managedFields: [
          {
            manager: 'm',
            operation: 'Apply',
            apiVersion: 'v1',
            time: '2024-01-01T00:00:00Z',
            fieldsType: 'FieldsV1',
            fieldsV1: {},
            subresource: '',
          },
        ],
      },
    };
    assert.deepEqual(violations(input, reject), []);
  });

  it('reports unknown fields along with the other violations', () => {
    assert.deepEqual(violations(server({ replcas: 2, replicas: -1 }), reject), [
      { path: 'spec.replcas', message: 'unknown field "spec.replcas"' },
      { path: 'spec.replicas', message: 'must be at least 0' },
    ]);
  });

  for (const file of readdirSync(samplesDir)) {
    it(`finds no unknown field in the sample ${file}`, () => {
      const manifest: unknown = parse(readFileSync(new URL(file, samplesDir), 'utf8'));
      assert.deepEqual(violations(manifest, reject), []);
    });
  }
});
