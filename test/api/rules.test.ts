// The CRD's CEL rules (src/api/v1alpha1/rules.ts) hold the same way in the
// API's own validation (validateMCPServer, which the reconciler re-checks
// objects with) and in the local control plane's custom resource admission
// (processCustomResource, as kube-apiserver's CR validator): one environment
// (@mcp-operator/kube-core, cel/), so every rule accepts and rejects the same samples, with
// the same message at the same path.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mcpServerCRD, mcpServerOpenAPISchema } from '../../src/api/v1alpha1/crd.ts';
import { RULES } from '../../src/api/v1alpha1/rules.ts';
import { validateMCPServer } from '../../src/api/v1alpha1/validation.ts';
import { evaluateValidationRules } from '@mcp-operator/kube-core/cel';
import type { StructuralSchema, ValidationRule } from '@mcp-operator/kube-core/structural';
import { processCustomResource } from '@mcp-operator/local-control-plane/crd-schema';
import { validateCRD } from '@mcp-operator/local-control-plane/crd-validation';
import type { KubeObject } from '@mcp-operator/local-control-plane/types';
import { server, type Manifest } from './fixtures.ts';

interface Samples {
  valid: Manifest[];
  invalid: Manifest[];
}

const tools = (...names: string[]) => names.map((name) => ({ name, sideEffect: 'read' }));
const items = (...names: string[]) => names.map((name) => ({ name }));
const secret = (name: string) => ({ name, secretKeyRef: { name: 's', key: 'k' } });

/** Samples for every rule, in the order of its entry in RULES. */
const SAMPLES: Record<keyof typeof RULES, Samples[]> = {
  name: [
    { valid: [server({}, 'a'.repeat(63))], invalid: [server({}, 'a'.repeat(64))] },
    { valid: [server({}, 'weather-2')], invalid: [server({}, '2weather'), server({}, 'Weather')] },
  ],
  image: [
    {
      valid: [server({ image: 'registry.example.com:5000/team/w@sha256:' + 'a'.repeat(64) })],
      invalid: [server({ image: 'acme/weather latest' })],
    },
  ],
  imageTag: [
    {
      valid: [server({ imageTag: '' }), server({ imageTag: 'v1.2_rc-3' })],
      invalid: [server({ imageTag: '-dev' }), server({ imageTag: '.hidden' })],
    },
  ],
  registry: [
    {
      valid: [server({ registryOverride: 'registry.example.com:5000/mirror' })],
      invalid: [server({ registryOverride: 'https://reg.example.com' })],
    },
  ],
  ingressHost: [
    {
      valid: [server({ ingressHost: 'mcp.example.com' }), server({ ingressHost: '*.example.com' })],
      invalid: [server({ ingressHost: 'MCP.example.com' }), server({ ingressHost: 'a..b' })],
    },
    {
      valid: [server({ ingressHost: '10.0.0.1.nip.io' }), server({ ingressHost: '1.2.3' })],
      invalid: [server({ ingressHost: '10.0.0.1' }), server({ ingressHost: '010.0.0.1' })],
    },
  ],
  ingressClass: [
    {
      valid: [server({ ingressClass: 'nginx-internal' })],
      invalid: [server({ ingressClass: 'Nginx_Internal' })],
    },
  ],
  ingressPath: [
    {
      valid: [server({ ingressPath: '/legacy/mcp-1.0_~' })],
      invalid: [server({ ingressPath: '/legacy path' })],
    },
  ],
  publicPathPrefix: [
    {
      valid: [server({ publicPathPrefix: 'team/a.b_c~d' })],
      invalid: [server({ publicPathPrefix: 'team?a' })],
    },
    {
      valid: [server({ publicPathPrefix: '' }), server({ publicPathPrefix: '/team/' })],
      invalid: [server({ publicPathPrefix: '///' })],
    },
  ],
  stripPrefix: [
    {
      valid: [server({ gateway: { stripPrefix: '/mcp' } })],
      invalid: [server({ gateway: { stripPrefix: '/m p' } })],
    },
  ],
  upstreamURL: [
    {
      valid: [
        server({ gateway: { upstreamURL: '' } }),
        server({ gateway: { upstreamURL: 'https://127.0.0.1:8443/base' } }),
      ],
      invalid: [
        server({ gateway: { upstreamURL: 'ftp://127.0.0.1' } }),
        server({ gateway: { upstreamURL: 'http://' } }),
      ],
    },
  ],
  teamID: [{ valid: [server({ teamID: 'team-a' })], invalid: [server({ teamID: 'team a' })] }],
  envName: [
    {
      valid: [server({ envVars: [{ name: 'MY_VAR.x-1', value: 'v' }] })],
      invalid: [
        server({ envVars: [{ name: '1VAR', value: 'v' }] }),
        server({ secretEnvVars: [secret('MY VAR')] }),
      ],
    },
  ],
  quantity: [
    {
      valid: [server({ resources: { requests: { cpu: '500m', memory: '64Mi' } } })],
      invalid: [
        server({ resources: { requests: { cpu: 'lots' } } }),
        server({ gateway: { resources: { limits: { memory: '1 Gi' } } } }),
        // fuzzing: an exponent past three digits (1e999999999999 crashed the limit comparison)
        server({ resources: { limits: { cpu: '1e999999999999' } } }),
      ],
    },
    {
      valid: [server({ resources: { requests: { cpu: '+100m', memory: '0' } } })],
      invalid: [
        server({ resources: { requests: { cpu: '-1' } } }),
        server({ gateway: { resources: { limits: { memory: '-64Mi' } } } }),
      ],
    },
  ],
  annotationKeys: [
    {
      valid: [
        server({
          ingressAnnotations: {
            'Example.COM/Some_Key.1': 'x',
            plain: 'y',
            [`${'p'.repeat(253)}/${'n'.repeat(63)}`]: 'z',
          },
        }),
      ],
      invalid: [
        server({ ingressAnnotations: { '': 'x' } }),
        server({ ingressAnnotations: { 'has space': 'x' } }),
        server({ ingressAnnotations: { 'a/b/c': 'x' } }),
        server({ ingressAnnotations: { [`${'p'.repeat(254)}/x`]: 'x' } }),
        server({ ingressAnnotations: { ['n'.repeat(64)]: 'x' } }),
      ],
    },
  ],
  labelKeys: [
    {
      valid: [server({ tools: [{ ...tools('a')[0], labels: { ['k'.repeat(317)]: 'v' } }] })],
      invalid: [
        server({ tools: [{ ...tools('a')[0], labels: { ['k'.repeat(318)]: 'v' } }] }),
        server({ prompts: [{ name: 'p', labels: { ['k'.repeat(318)]: 'v' } }] }),
      ],
    },
  ],
  snippetAnnotations: [
    {
      valid: [
        server({ ingressAnnotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' } }),
      ],
      invalid: [
        server({ ingressAnnotations: { 'nginx.ingress.kubernetes.io/server-snippet': 'x' } }),
      ],
    },
  ],
  uniqueTools: [
    { valid: [server({ tools: tools('a', 'b') })], invalid: [server({ tools: tools('a', 'a') })] },
  ],
  uniquePrompts: [
    {
      valid: [server({ prompts: items('a', 'b') })],
      invalid: [server({ prompts: items('b', 'b') })],
    },
  ],
  uniqueResources: [
    {
      valid: [server({ mcpResources: items('a', 'b') })],
      invalid: [server({ mcpResources: items('c', 'c') })],
    },
  ],
  uniqueEnvVars: [
    {
      valid: [server({ envVars: [{ name: 'A' }, { name: 'B' }] })],
      invalid: [server({ envVars: [{ name: 'A' }, { name: 'A' }] })],
    },
  ],
  uniqueSecretEnvVars: [
    {
      valid: [server({ secretEnvVars: [secret('A'), secret('B')] })],
      invalid: [server({ secretEnvVars: [secret('A'), secret('A')] })],
    },
  ],
  spec: [
    {
      valid: [server({ envVars: [{ name: 'A' }], secretEnvVars: [secret('B')] })],
      invalid: [server({ envVars: [{ name: 'A' }], secretEnvVars: [secret('A')] })],
    },
    {
      valid: [
        server({ port: 9000, gateway: {} }),
        server({ port: 8091, gateway: { enabled: false } }),
      ],
      invalid: [server({ port: 9000, gateway: { port: 9000 } })],
    },
    {
      valid: [
        server({ servicePort: 9103 }),
        server({ servicePort: 9103, gateway: { enabled: false } }),
        server({ servicePort: 9104, gateway: {} }),
      ],
      invalid: [server({ servicePort: 9103, gateway: {} })],
    },
  ],
};

const crdSchema = mcpServerOpenAPISchema();

/** Where each path reports the rule's message (kube's root path <nil> is the API's metadata.name). */
function apiPaths(input: Manifest, rule: ValidationRule): string[] {
  const result = validateMCPServer(input);
  return result.valid
    ? []
    : result.violations.filter((v) => v.message === rule.message).map((v) => v.path);
}

function planePaths(input: Manifest, rule: ValidationRule): string[] {
  return processCustomResource(structuredClone(input) as KubeObject, crdSchema)
    .errors.filter((e) => e.message.endsWith(`: ${rule.message}`))
    .map((e) => (e.field === '<nil>' ? 'metadata.name' : e.field));
}

const rulesOf = (entry: ValidationRule | ValidationRule[]) =>
  Array.isArray(entry) ? entry : [entry];

describe('every CRD rule holds the same in the API and in the control plane', () => {
  it('is accepted by the control plane as the CRD', () => {
    assert.deepEqual(validateCRD(mcpServerCRD() as unknown as KubeObject), []);
  });

  it('has samples for every rule', () => {
    for (const [key, entry] of Object.entries(RULES)) {
      assert.equal(SAMPLES[key as keyof typeof RULES].length, rulesOf(entry).length, key);
    }
  });

  for (const [key, entry] of Object.entries(RULES)) {
    rulesOf(entry).forEach((rule, i) => {
      const samples = SAMPLES[key as keyof typeof RULES][i]!;
      it(`${key}: ${rule.rule}`, () => {
        for (const sample of samples.valid) {
          // both accept it whole: no violation at all, from this rule or any other
          const label = JSON.stringify(sample.spec);
          const result = validateMCPServer(sample);
          assert.deepEqual(result.valid ? [] : result.violations, [], label);
          assert.deepEqual(
            processCustomResource(structuredClone(sample) as KubeObject, crdSchema).errors,
            [],
            label,
          );
        }
        for (const sample of samples.invalid) {
          const label = `${sample.metadata.name as string} ${JSON.stringify(sample.spec)}`;
          const api = apiPaths(sample, rule);
          assert.notDeepEqual(api, [], `the API rejects ${label}`);
          assert.deepEqual(planePaths(sample, rule), api, label);
        }
      });
    });
  }
});

describe('a rule calling a Kubernetes library function', () => {
  // Rules this CRD does not use (it stays within kube 1.26's functions), on a
  // small schema: the evaluator the API validates with and the control
  // plane's admission give the same answers.
  const schema: StructuralSchema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          name: { type: 'string', maxLength: 63 },
          ports: { type: 'array', maxItems: 10, items: { type: 'integer' } },
          endpoint: { type: 'string', maxLength: 256 },
          memory: { type: 'string', maxLength: 16 },
        },
        'x-kubernetes-validations': [
          { rule: '!has(self.name) || self.name.lowerAscii() == self.name', message: 'lower case' },
          { rule: '!has(self.ports) || self.ports.isSorted()', message: 'sorted ports' },
          {
            rule: "!has(self.endpoint) || (isURL(self.endpoint) && url(self.endpoint).getScheme() == 'https')",
            message: 'an https URL',
          },
          {
            rule: "!has(self.memory) || quantity(self.memory).isLessThan(quantity('1Gi'))",
            message: 'under 1Gi',
          },
          { rule: "!has(self.name) || self.name.find('[0-9]+') == ''", message: 'no digits' },
        ],
      },
    },
  };
  const object = (spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w', namespace: 'default' },
    spec,
  });
  const cases: [string, Record<string, unknown>, string[]][] = [
    [
      'a valid spec',
      { name: 'web', ports: [80, 443], endpoint: 'https://x.example.com/a', memory: '512Mi' },
      [],
    ],
    [
      'every rule broken',
      { name: 'Web2', ports: [443, 80], endpoint: 'http://x', memory: '2Gi' },
      ['lower case', 'sorted ports', 'an https URL', 'under 1Gi', 'no digits'],
    ],
    ['a bad quantity', { memory: 'lots' }, ['quantities must match']],
  ];
  for (const [name, spec, messages] of cases) {
    it(`evaluates ${name} the same in both`, () => {
      const api = evaluateValidationRules(object(spec), schema).map(
        (v) => `${v.path}: ${v.detail}`,
      );
      const plane = processCustomResource(object(spec), schema).errors.map(
        (e) => `${e.field}: ${e.message.replace(/^Invalid value: "object": /, '')}`,
      );
      assert.deepEqual(plane, api);
      assert.equal(api.length, messages.length);
      messages.forEach((m, i) => assert.ok(api[i]!.includes(m), `${api[i]} mentions ${m}`));
    });
  }
});
