// Malformed MCPServers delivered through the API (issue 10): under an older,
// looser CRD (spec unchecked, no rules, as integration-invalid.test.ts sets
// it up) the API server stores whatever it is given, so the operator meets
// wrong types for every kind of field, a 1 MiB string, a 1 MiB map key,
// unicode, missing required fields and unknown fields. Each malformed server
// gets status Error (reason InvalidSpec) with a message naming the field path,
// nothing is built for it, and it is not retried in a loop; valid servers
// written among them become Ready: the operator keeps serving.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mcpServerCRD } from '../../src/api/v1alpha1/crd.ts';
import { LIMITS } from '../../src/api/v1alpha1/defaults.ts';
import type { MCPServerStatus } from '../../src/api/v1alpha1/schema.ts';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import { mapValueSchema, type StructuralSchema } from '@mcp-operator/kube-core/structural';
import {
  TEST_CLASS,
  applyCRD,
  eventually,
  exists,
  looseCRD,
  startCluster,
  statusWhen as waitForStatus,
} from '../operator/cluster.ts';
import type { RunningOperator, TestCluster } from '../operator/cluster.ts';
import { SPEC_SCHEMA } from './arbitraries.ts';

const MiB = 1024 * 1024;
/** Requests the operator may make about one malformed server: a defaults patch, a status write, a retry on conflict. */
const MAX_REQUESTS_PER_BAD_SERVER = 4;

interface Case {
  name: string;
  spec: Record<string, unknown>;
  /** Paths the status message must name, each followed by ': '. */
  paths: string[];
  /** And what it must say. */
  says?: RegExp;
}

/** A value of the wrong type for a schema node, and the type the message asks for. */
function wrongTypeFor(s: StructuralSchema): { value: unknown; says: RegExp } {
  if (s.enum) return { value: 7, says: /must be one of / };
  switch (s.type) {
    case 'string':
      return { value: 42, says: /must be a string, not a number/ };
    case 'integer':
    case 'number':
      return { value: 'eighty', says: /must be a number, not a string/ };
    case 'boolean':
      return { value: 'yes', says: /must be a boolean, not a string/ };
    case 'array':
      return { value: 'x', says: /must be a list, not a string/ };
    default:
      return mapValueSchema(s)
        ? { value: ['x'], says: /must be an object, not a list/ }
        : { value: 'x', says: /must be an object, not a string/ };
  }
}

const base = { image: 'ghcr.io/acme/tools:1.0.0', ingressClass: TEST_CLASS };
const tool = { name: 'lookup', sideEffect: 'read' };

/** One server per top-level spec field, that field of the wrong type: derived from the schema. */
const WRONG_TYPES: Case[] = Object.entries(SPEC_SCHEMA.properties!).map(([field, schema]) => {
  const { value, says } = wrongTypeFor(schema);
  return {
    name: `wrong-${field.toLowerCase()}`,
    spec: { ...base, [field]: value },
    paths: [`spec.${field}`],
    says,
  };
});

/** Wrong types inside lists, maps and nested objects. */
const NESTED: Case[] = [
  {
    name: 'nested-tool-not-object',
    spec: { ...base, tools: ['lookup'] },
    paths: ['spec.tools[0]'],
    says: /must be an object, not a string/,
  },
  {
    name: 'nested-tool-side-effect',
    spec: { ...base, tools: [{ name: 'lookup', sideEffect: 5 }] },
    paths: ['spec.tools[0].sideEffect'],
  },
  {
    name: 'nested-env-name',
    spec: { ...base, envVars: [{ name: 12, value: 'x' }] },
    paths: ['spec.envVars[0].name'],
  },
  {
    name: 'nested-gateway-port',
    spec: { ...base, gateway: { enabled: true, image: 'ghcr.io/mcp/gw:1', port: '8091' } },
    paths: ['spec.gateway.port'],
  },
  {
    name: 'nested-cpu',
    spec: { ...base, resources: { requests: { cpu: 0.5 } } },
    paths: ['spec.resources.requests.cpu'],
  },
  {
    name: 'nested-annotation-value',
    spec: { ...base, ingressAnnotations: { 'example.com/x': true } },
    paths: ['spec.ingressAnnotations[example.com/x]'],
  },
  {
    name: 'nested-secret-key-ref',
    spec: { ...base, secretEnvVars: [{ name: 'TOKEN', secretKeyRef: 'token' }] },
    paths: ['spec.secretEnvVars[0].secretKeyRef'],
  },
];

/** Out of range, huge, unicode, missing, unknown. */
const OTHERS: Case[] = [
  {
    name: 'range-port',
    spec: { ...base, port: 70000, replicas: 2 ** 31, servicePort: 1.5 },
    paths: ['spec.port', 'spec.replicas', 'spec.servicePort'],
  },
  {
    name: 'huge-image',
    spec: { ...base, image: 'x'.repeat(MiB) },
    paths: ['spec.image'],
    says: /must be at most 512 characters/,
  },
  {
    name: 'huge-description',
    spec: { ...base, tools: [{ ...tool, description: 'ü'.repeat(MiB / 2) }] },
    paths: ['spec.tools[0].description'],
    says: /must be at most 4096 characters/,
  },
  {
    // The path holds the key: the message is cut to the status's bound, the path's start kept.
    name: 'huge-map-key',
    spec: { ...base, ingressAnnotations: { ['k'.repeat(MiB)]: 1 } },
    paths: ['spec.ingressAnnotations'],
  },
  {
    name: 'unicode-host',
    spec: { ...base, ingressHost: 'mcp.exämple.com' },
    paths: ['spec.ingressHost'],
  },
  {
    name: 'unicode-env-name',
    spec: { ...base, envVars: [{ name: 'ÄPFEL', value: 'x' }] },
    paths: ['spec.envVars[0].name'],
  },
  {
    name: 'unicode-path-prefix',
    spec: { ...base, publicPathPrefix: 'wëather' },
    paths: ['spec.publicPathPrefix'],
  },
  {
    name: 'missing-image',
    spec: { ingressClass: TEST_CLASS, replicas: 1 },
    paths: ['spec.image'],
    says: /is required/,
  },
  {
    name: 'missing-side-effect',
    spec: { ...base, tools: [{ name: 'lookup' }] },
    paths: ['spec.tools[0].sideEffect'],
    says: /is required/,
  },
  {
    name: 'missing-secret-key',
    spec: { ...base, secretEnvVars: [{ name: 'TOKEN', secretKeyRef: { name: 's' } }] },
    paths: ['spec.secretEnvVars[0].secretKeyRef.key'],
    says: /is required/,
  },
  {
    name: 'missing-everything',
    spec: {},
    paths: ['spec.image'],
  },
  {
    // An unknown field is ignored (the current CRD prunes it); the wrong type beside it is not.
    name: 'unknown-beside-wrong',
    spec: { ...base, replcas: 3, gateway: { enabld: true, port: [] } },
    paths: ['spec.gateway.port'],
  },
  {
    name: 'negative-quantity',
    spec: { ...base, resources: { requests: { memory: '-64Mi' } } },
    paths: ['spec.resources.requests.memory'],
    says: /must not be negative/,
  },
];

const MALFORMED = [...WRONG_TYPES, ...NESTED, ...OTHERS];

/** Valid servers among them: unicode where it is allowed, an unknown field the operator ignores. */
const VALID: { name: string; spec: Record<string, unknown> }[] = [
  { name: 'fine-plain', spec: { ...base } },
  {
    name: 'fine-unicode',
    spec: {
      ...base,
      description: 'Wetterdienst ☀️ für Zürich — 天気',
      teamID: 'équipe-météo',
      envVars: [{ name: 'GREETING', value: 'grüß dich 👋' }],
      tools: [{ name: 'prévision', description: '予報', sideEffect: 'read', labels: { a: 'ü' } }],
      prompts: [{ name: 'résumé' }],
    },
  },
  { name: 'fine-unknown-field', spec: { ...base, replcas: 3, auth: { mode: 'oauth' } } },
];

describe('malformed MCPServers through the API', () => {
  let cluster: TestCluster;
  let ns: string;
  let operator: RunningOperator;

  const statusWhen = (name: string, ok: (s: MCPServerStatus) => boolean, what: string) =>
    waitForStatus(cluster.admin, ns, name, ok, what, 30_000);
  const create = (name: string, spec: Record<string, unknown>) =>
    cluster.admin.create(
      RESOURCES.mcpServers,
      {
        apiVersion: 'mcpruntime.org/v1alpha1',
        kind: 'MCPServer',
        metadata: { name, namespace: ns },
        spec,
      },
      { fieldManager: 'test' },
    );
  /** The operator's requests that name a server. */
  const requestsAbout = (name: string) =>
    operator.port.named.filter((call) => call.endsWith(` ${name}`));

  before(async () => {
    cluster = await startCluster();
    [ns] = (await cluster.namespaces(1)) as [string];
    await applyCRD(cluster.admin, looseCRD());
    await eventually(async () => {
      try {
        await create('probe-loose', { image: 'has space', replicas: -1, ingressClass: TEST_CLASS });
        return true;
      } catch {
        return false; // the looser schema is not served yet
      }
    }, 'the looser CRD to be in force');
    operator = cluster.startOperator([ns]);
    await statusWhen('probe-loose', (s) => s.phase === 'Error', 'Error');
    operator.port.reset();
  });
  after(async () => {
    await applyCRD(cluster.admin, mcpServerCRD());
    await cluster.stop();
  });

  it('covers every top-level spec field with a wrong type (derived from the schema)', () => {
    assert.ok(WRONG_TYPES.length >= 20, `${WRONG_TYPES.length} fields`);
    assert.ok(WRONG_TYPES.some((c) => c.name === 'wrong-image'));
  });

  it('reports each malformed server as Error with the field path, builds nothing, and serves the valid ones', async () => {
    // The malformed ones first, the valid ones queued behind them.
    for (const c of MALFORMED) await create(c.name, c.spec);
    for (const v of VALID) await create(v.name, v.spec);

    for (const v of VALID) {
      const status = await statusWhen(v.name, (s) => s.phase === 'Ready', 'Ready');
      assert.equal(status.conditions?.[0]?.reason, 'Ready', v.name);
    }
    for (const c of MALFORMED) {
      const status = await statusWhen(c.name, (s) => s.phase === 'Error', 'Error');
      const message = status.message ?? '';
      const ready = status.conditions?.find((x) => x.type === 'Ready');
      assert.equal(ready?.reason, 'InvalidSpec', c.name);
      assert.equal(ready?.message, message, `${c.name}: the Ready condition carries the message`);
      assert.ok(message.startsWith('invalid spec: '), `${c.name}: ${message.slice(0, 300)}`);
      assert.ok([...message].length <= LIMITS.message, `${c.name}: the message fits the status`);
      for (const path of c.paths) {
        assert.ok(
          message.includes(`${path}: `) ||
            (c.name === 'huge-map-key' && message.includes(`${path}.kkkk`)),
          `${c.name}: the message names ${path}: ${message.slice(0, 300)}`,
        );
      }
      if (c.says) assert.match(message, c.says, c.name);
      for (const resource of [RESOURCES.deployments, RESOURCES.services, RESOURCES.ingresses]) {
        assert.equal(
          await exists(cluster.admin, resource, ns, c.name),
          false,
          `${c.name}: no ${resource.kind}`,
        );
      }
      const requests = requestsAbout(c.name);
      assert.ok(
        requests.length <= MAX_REQUESTS_PER_BAD_SERVER,
        `${c.name}: ${requests.length} requests: ${requests.join(', ')}`,
      );
    }
  });

  it('does not come back to the malformed servers in a loop, and keeps serving', async () => {
    operator.port.reset();
    cluster.plane?.faults.resetRequests();
    // A while, and one more valid server all the way to Ready.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await create('fine-later', { ...base });
    await statusWhen('fine-later', (s) => s.phase === 'Ready', 'Ready');
    const about = MALFORMED.flatMap((c) => requestsAbout(c.name));
    assert.deepEqual(about, [], 'no request about a malformed server');
    if (cluster.plane) {
      const bad = new Set(MALFORMED.map((c) => c.name));
      const touching = cluster.plane.faults
        .requests({ client: 'mcp-runtime-operator' })
        .filter((r) => r.name !== undefined && bad.has(r.name));
      assert.deepEqual(touching, [], 'the control plane saw none either');
    }
    assert.equal(operator.port.writes()['create deployments'], 1, 'only fine-later’s Deployment');
  });
});
