// missingStaticDefaults: the merge patch body that persists the static
// defaults a stored spec lacks (reconcile.md "The loop", step 2) — just those
// fields, never a derived value.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULTS } from '../../src/api/v1alpha1/defaults.ts';
import { missingStaticDefaults } from '../../src/operator/reconciler.ts';

/** A stored spec with every static default present. */
const complete = {
  image: 'ghcr.io/acme/weather',
  replicas: 2,
  port: 9000,
  servicePort: 8080,
  ingressClass: 'nginx',
  tools: [
    { name: 'forecast', sideEffect: 'read', requiredTrust: 'medium' },
    { name: 'alert', sideEffect: 'write', requiredTrust: 'high' },
  ],
};

function without(key: keyof typeof complete): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = complete;
  return rest;
}

const DERIVED = ['imageTag', 'publicPathPrefix', 'ingressPath', 'ingressHost', 'gateway'];

describe('missingStaticDefaults', () => {
  const cases: { name: string; spec: unknown; expected: Record<string, unknown> }[] = [
    { name: 'nothing missing', spec: complete, expected: {} },
    {
      name: 'nothing missing, no tools list',
      spec: without('tools'),
      expected: {},
    },
    {
      name: 'nothing missing, empty tools list',
      spec: { ...complete, tools: [] },
      expected: {},
    },
    { name: 'replicas missing', spec: without('replicas'), expected: { replicas: 1 } },
    { name: 'port missing', spec: without('port'), expected: { port: 8088 } },
    { name: 'servicePort missing', spec: without('servicePort'), expected: { servicePort: 80 } },
    {
      name: 'ingressClass missing',
      spec: without('ingressClass'),
      expected: { ingressClass: 'traefik' },
    },
    {
      name: 'a zero or empty value is present, not missing',
      spec: { ...complete, replicas: 0, ingressClass: '' },
      expected: {},
    },
    {
      name: 'every scalar missing',
      spec: { image: 'ghcr.io/acme/weather' },
      expected: { replicas: 1, port: 8088, servicePort: 80, ingressClass: 'traefik' },
    },
    {
      name: 'one tool lacks requiredTrust: the whole list, filled only where missing',
      spec: {
        ...complete,
        tools: [
          { name: 'forecast', sideEffect: 'read', requiredTrust: 'medium' },
          { name: 'alert', sideEffect: 'write', description: 'raise an alert' },
          { name: 'purge', sideEffect: 'destructive', requiredTrust: 'high', riskLevel: 'high' },
        ],
      },
      expected: {
        tools: [
          { name: 'forecast', sideEffect: 'read', requiredTrust: 'medium' },
          {
            name: 'alert',
            sideEffect: 'write',
            description: 'raise an alert',
            requiredTrust: 'low',
          },
          { name: 'purge', sideEffect: 'destructive', requiredTrust: 'high', riskLevel: 'high' },
        ],
      },
    },
    {
      name: 'tools and a scalar missing together',
      spec: { ...without('port'), tools: [{ name: 'forecast', sideEffect: 'read' }] },
      expected: {
        port: 8088,
        tools: [{ name: 'forecast', sideEffect: 'read', requiredTrust: 'low' }],
      },
    },
    { name: 'spec absent', spec: undefined, expected: {} },
    { name: 'spec null', spec: null, expected: {} },
    { name: 'spec a string', spec: 'replicas: 1', expected: {} },
    { name: 'spec a number', spec: 3, expected: {} },
    { name: 'spec an array', spec: [{ replicas: 1 }], expected: {} },
  ];

  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(missingStaticDefaults(c.spec), c.expected);
    });
  }

  it('persists nothing into a tools value that is not a list of objects (found by fuzzing)', () => {
    // Counterexample: spec.tools 0 threw `spec.tools?.map is not a function` on every reconcile.
    assert.deepEqual(
      missingStaticDefaults({
        image: 'x',
        replicas: 1,
        port: 1,
        servicePort: 1,
        ingressClass: 'c',
        tools: 0,
      }),
      {},
    );
    assert.deepEqual(
      missingStaticDefaults({
        image: 'x',
        replicas: 1,
        port: 1,
        servicePort: 1,
        ingressClass: 'c',
        tools: ['x', { name: 't' }],
      }),
      { tools: ['x', { name: 't', requiredTrust: DEFAULTS.requiredTrust }] },
    );
  });

  it('takes its values from DEFAULTS', () => {
    assert.deepEqual(missingStaticDefaults({ image: 'x', tools: [{ name: 't' }] }), {
      replicas: DEFAULTS.replicas,
      port: DEFAULTS.port,
      servicePort: DEFAULTS.servicePort,
      ingressClass: DEFAULTS.ingressClass,
      tools: [{ name: 't', requiredTrust: DEFAULTS.requiredTrust }],
    });
  });

  it('never returns a derived value, whatever is missing', () => {
    const specs: Record<string, unknown>[] = [
      { image: 'ghcr.io/acme/weather' },
      { image: 'ghcr.io/acme/weather', imageTag: '', publicPathPrefix: '' },
      { image: 'ghcr.io/acme/weather', gateway: {}, tools: [{ name: 't', sideEffect: 'read' }] },
      { ...without('replicas'), ingressHost: 'MCP.Example.com', ingressPath: '/x/' },
    ];
    for (const spec of specs) {
      const missing = missingStaticDefaults(spec);
      for (const key of DERIVED) {
        assert.equal(key in missing, false, `${key} in ${JSON.stringify(missing)}`);
      }
      assert.equal('image' in missing, false, 'fields the user set are not echoed back');
      assert.equal('resources' in missing, false, 'resources are derived, not static');
    }
  });

  it('does not change the spec it is given', () => {
    const spec = structuredClone({ ...without('replicas'), tools: [{ name: 't' }] });
    const before = structuredClone(spec);
    const missing = missingStaticDefaults(spec);
    assert.deepEqual(spec, before);
    (missing.tools as Record<string, unknown>[])[0]!.name = 'changed';
    assert.deepEqual(spec, before, 'the result shares no tool object with the input');
  });
});
