import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canonicalURL,
  cleanPath,
  effectiveHost,
  effectivePath,
  effectiveResources,
  gatewayEnabled,
  gatewayImage,
  gatewayPort,
  gatewayUpstreamURL,
  routeUsesTLS,
  withStaticDefaults,
} from '../../src/api/v1alpha1/effective.ts';
import type { RoutingConfig } from '../../src/api/v1alpha1/effective.ts';
import type { MCPServerSpecInput } from '../../src/api/v1alpha1/schema.ts';

const config: RoutingConfig = {
  defaultIngressHost: 'mcp.example.com',
  defaultIngressTLS: false,
  gatewayProxyImage: '',
};

describe('routing', () => {
  const cases: {
    name: string;
    spec: Partial<MCPServerSpecInput>;
    config?: Partial<RoutingConfig>;
    host: string | undefined;
    path: string;
    url: string;
  }[] = [
    {
      name: 'nothing set: default host and /<name>/mcp',
      spec: {},
      host: 'mcp.example.com',
      path: '/weather/mcp',
      url: 'http://mcp.example.com/weather/mcp',
    },
    {
      name: 'nothing set and no default host: hostless, no URL until an address is known',
      spec: {},
      config: { defaultIngressHost: '' },
      host: undefined,
      path: '/weather/mcp',
      url: '',
    },
    {
      name: 'prefix only: hostless',
      spec: { publicPathPrefix: 'tools/weather' },
      host: undefined,
      path: '/tools/weather/mcp',
      url: '',
    },
    {
      name: 'host set',
      spec: { ingressHost: 'weather.example.org' },
      host: 'weather.example.org',
      path: '/weather/mcp',
      url: 'http://weather.example.org/weather/mcp',
    },
    {
      name: 'host and prefix set',
      spec: { ingressHost: 'weather.example.org', publicPathPrefix: '/w/' },
      host: 'weather.example.org',
      path: '/w/mcp',
      url: 'http://weather.example.org/w/mcp',
    },
    {
      name: 'empty prefix: ingressPath',
      spec: { publicPathPrefix: '', ingressPath: '/legacy//weather/' },
      host: undefined,
      path: '/legacy/weather',
      url: '',
    },
    {
      name: 'empty prefix without ingressPath: /<name>/mcp',
      spec: { publicPathPrefix: ' / ' },
      host: undefined,
      path: '/weather/mcp',
      url: '',
    },
    {
      name: 'TLS by default: https URL',
      spec: {},
      config: { defaultIngressTLS: true },
      host: 'mcp.example.com',
      path: '/weather/mcp',
      url: 'https://mcp.example.com/weather/mcp',
    },
    {
      name: 'TLS by the Traefik annotation: https URL',
      spec: {
        ingressHost: 'w.example.org',
        ingressAnnotations: { 'traefik.ingress.kubernetes.io/router.tls': 'true' },
      },
      host: 'w.example.org',
      path: '/weather/mcp',
      url: 'https://w.example.org/weather/mcp',
    },
    {
      name: 'wildcard host: no canonical URL',
      spec: { ingressHost: '*.example.org' },
      host: '*.example.org',
      path: '/weather/mcp',
      url: '',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const cfg = { ...config, ...c.config };
      const host = effectiveHost(c.spec, cfg);
      const path = effectivePath('weather', c.spec);
      assert.equal(host, c.host);
      assert.equal(path, c.path);
      assert.equal(canonicalURL({ host, path, tls: routeUsesTLS(c.spec, cfg) }), c.url);
    });
  }

  it('uses the load-balancer address for a hostless route', () => {
    assert.equal(
      canonicalURL({
        host: undefined,
        path: '/t/mcp',
        tls: false,
        loadBalancerAddress: '127.0.0.1',
      }),
      'http://127.0.0.1/t/mcp',
    );
  });

  it('cleans paths', () => {
    const table: [string, string][] = [
      ['', '/'],
      ['/', '/'],
      ['a', '/a'],
      ['//a//b/', '/a/b'],
      ['/a/./b/../c', '/a/c'],
      ['/../a', '/a'],
    ];
    for (const [input, expected] of table) assert.equal(cleanPath(input), expected, input);
  });
});

describe('gateway', () => {
  const withImage = { gatewayProxyImage: 'ghcr.io/mcp/gateway:1' };
  const noImage = { gatewayProxyImage: '' };
  it('is off without a block and without a default image', () => {
    assert.equal(gatewayEnabled({}, noImage), false);
  });
  it('is on without a block when the operator has a default image', () => {
    assert.equal(gatewayEnabled({}, withImage), true);
  });
  it('is on for a block without enabled, off for enabled: false', () => {
    assert.equal(gatewayEnabled({ gateway: {} }, noImage), true);
    assert.equal(gatewayEnabled({ gateway: { enabled: true } }, noImage), true);
    assert.equal(gatewayEnabled({ gateway: { enabled: false } }, withImage), false);
  });
  it('takes the spec image, else the operator default, else none', () => {
    assert.equal(gatewayImage({ gateway: { image: 'own:1' } }, withImage), 'own:1');
    assert.equal(gatewayImage({ gateway: {} }, withImage), 'ghcr.io/mcp/gateway:1');
    assert.equal(gatewayImage({ gateway: {} }, noImage), undefined);
  });
  it('defaults the port and the upstream URL', () => {
    assert.equal(gatewayPort({}), 8091);
    assert.equal(gatewayPort({ gateway: { port: 9001 } }), 9001);
    assert.equal(gatewayUpstreamURL({}), 'http://127.0.0.1:8088');
    assert.equal(gatewayUpstreamURL({ port: 3000 }), 'http://127.0.0.1:3000');
    assert.equal(
      gatewayUpstreamURL({ gateway: { upstreamURL: 'http://10.1.1.1:80' } }),
      'http://10.1.1.1:80',
    );
  });
});

describe('defaults', () => {
  it('defaults each resource value on its own', () => {
    assert.deepEqual(effectiveResources(undefined), {
      requests: { cpu: '50m', memory: '64Mi' },
      limits: { cpu: '500m', memory: '256Mi' },
    });
    assert.deepEqual(effectiveResources({ limits: { memory: '1Gi' } }), {
      requests: { cpu: '50m', memory: '64Mi' },
      limits: { cpu: '500m', memory: '1Gi' },
    });
  });
  it('fills static defaults for objects stored before the CRD declared them', () => {
    const spec = withStaticDefaults({ image: 'x', tools: [{ name: 't', sideEffect: 'read' }] });
    assert.equal(spec.replicas, 1);
    assert.equal(spec.port, 8088);
    assert.equal(spec.servicePort, 80);
    assert.equal(spec.ingressClass, 'traefik');
    assert.equal(spec.tools?.[0]?.requiredTrust, 'low');
  });
  it('leaves a stored tools value that is not a list of objects as it is (found by fuzzing)', () => {
    // An older CRD let `tools: 0` through; `spec.tools?.map is not a function` failed every reconcile.
    for (const tools of [0, 'x', {}, null]) {
      const spec = withStaticDefaults({ image: 'x', tools } as unknown as MCPServerSpecInput);
      assert.deepEqual(spec.tools, tools);
    }
    const spec = withStaticDefaults({
      image: 'x',
      tools: ['x', null, { name: 't', sideEffect: 'read' }],
    } as unknown as MCPServerSpecInput);
    assert.deepEqual(spec.tools, [
      'x',
      null,
      { name: 't', sideEffect: 'read', requiredTrust: 'low' },
    ]);
  });
});
